/**
 * Encrypts secrets before they reach a store. Electron: `safeStorage` (DPAPI, Keychain, libsecret);
 * CLI: AES-256-GCM under a scrypt key from TIMELINE_AUDITOR_PASSPHRASE. Ciphertext is base64 text.
 */
export interface SecretCipher {
  /** What protects the secrets, shown to the user (`basic_text` means: effectively in clear). */
  readonly kind: 'safeStorage' | 'safeStorage-basic_text' | 'aes-256-gcm-scrypt';
  encrypt(plaintext: string): string;
  decrypt(ciphertext: string): string;
}
