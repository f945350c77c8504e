import type { SafeStorage } from 'electron';
import type { SecretCipher } from '../core/cipher.js';
import { AuditorError } from '../core/errors.js';

/** The part of Electron's `safeStorage` the cipher uses (passed in; no runtime import of electron here). */
export type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'>;

/**
 * SecretCipher over Electron's safeStorage (DPAPI, Keychain, libsecret/kwallet). On Linux without a
 * keyring Electron falls back to 'basic_text' — a hard-coded key, i.e. effectively clear text — and
 * the kind says so, so the UI can warn.
 */
export function createSafeStorageCipher(safeStorage: SafeStorageLike, platform: NodeJS.Platform = process.platform): SecretCipher {
  // getSelectedStorageBackend exists on Linux only (and only after app 'ready').
  const basicText = platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text';
  const requireEncryption = (): void => {
    if (!safeStorage.isEncryptionAvailable()) {
      throw new AuditorError('VAULT_ENCRYPTION_UNAVAILABLE', 'This computer’s secure storage is not available, so Zoho tokens cannot be stored safely.', {
        hint: 'On Linux, unlock or install a keyring (GNOME Keyring / KWallet) and restart Timeline Auditor.',
      });
    }
  };
  return {
    kind: basicText ? 'safeStorage-basic_text' : 'safeStorage',
    encrypt(plaintext) {
      requireEncryption();
      return safeStorage.encryptString(plaintext).toString('base64');
    },
    decrypt(ciphertext) {
      requireEncryption();
      try {
        return safeStorage.decryptString(Buffer.from(ciphertext, 'base64'));
      } catch (error) {
        throw new AuditorError('VAULT_DECRYPT_FAILED', 'The stored Zoho connection cannot be decrypted on this computer or user account.', {
          hint: 'Disconnect and connect to Zoho again.',
          cause: error,
        });
      }
    },
  };
}
