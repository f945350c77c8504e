/**
 * Encrypts secrets before they reach a store. Electron: `safeStorage`'s asynchronous API (DPAPI,
 * Keychain, libsecret/kwallet); CLI, and Electron on Linux without a keyring once the person chooses
 * it: AES-256-GCM under a scrypt key from a passphrase. Ciphertext is base64 text.
 *
 * Promise-returning because Electron's synchronous safeStorage calls are deprecated in 45 and gone in 46.
 */
export interface SecretCipher {
  /**
   * What protects the secrets, shown to the user. 'safeStorage-basic_text': Linux without a keyring,
   * where safeStorage would use a hard-coded key — such a cipher refuses to encrypt (see
   * PassphraseChoice) rather than store secrets effectively in clear.
   */
  readonly kind: CipherKind;
  encrypt(plaintext: string): Promise<string>;
  decrypt(ciphertext: string): Promise<string>;
}

export type CipherKind = 'safeStorage' | 'safeStorage-basic_text' | 'aes-256-gcm-scrypt';

/**
 * Offered by the Electron cipher when the system keyring is missing (Linux `basic_text`): secrets are
 * refused until the person chooses passphrase protection, after which the cipher is AES-256-GCM/scrypt.
 */
export interface PassphraseChoice {
  /**
   * Protect secrets with this passphrase from now on. `check` runs with the passphrase in place (e.g.
   * decrypting the stored connection); when it fails the choice is undone and its error passed on.
   */
  usePassphrase(passphrase: string, check: () => Promise<void>): Promise<void>;
}
