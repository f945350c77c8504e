import type { SafeStorage } from 'electron';
import type { PassphraseChoice, SecretCipher } from '../core/cipher.js';
import { AuditorError } from '../core/errors.js';
import { PassphraseRequiredCipher } from '../auth/passphrase-required-cipher.js';

/**
 * The part of Electron's `safeStorage` the cipher uses (passed in; no runtime import of electron here):
 * the asynchronous API only — the synchronous one is deprecated in Electron 45 and removed in 46.
 */
export type SafeStorageLike = Pick<SafeStorage, 'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'>;

/** What the shell hands the composition root: the cipher, and the passphrase choice where one is needed. */
export type CipherSelection =
  /** safeStorage with a real key store (DPAPI, Keychain, libsecret, kwallet). */
  | { protection: 'keyring'; cipher: SecretCipher }
  /** Linux `basic_text`: secrets are refused until the person chooses a passphrase. */
  | { protection: 'passphrase-required'; cipher: SecretCipher; passphraseChoice: PassphraseChoice };

/**
 * Chooses how secrets are protected. Called once the app is ready (getSelectedStorageBackend says
 * 'unknown' before). On Linux without a keyring Electron falls back to 'basic_text' — a hard-coded
 * key, i.e. effectively clear text — so there the passphrase cipher is the only way to store secrets.
 */
export function selectSafeStorageCipher(safeStorage: SafeStorageLike, platform: NodeJS.Platform, openPassphraseCipher: (passphrase: string) => SecretCipher): CipherSelection {
  // getSelectedStorageBackend exists on Linux only.
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
    const cipher = new PassphraseRequiredCipher(openPassphraseCipher);
    return { protection: 'passphrase-required', cipher, passphraseChoice: cipher };
  }
  return { protection: 'keyring', cipher: createSafeStorageCipher(safeStorage) };
}

/** SecretCipher over safeStorage's asynchronous API (DPAPI, Keychain, libsecret/kwallet). */
export function createSafeStorageCipher(safeStorage: SafeStorageLike): SecretCipher {
  const requireEncryption = async (): Promise<void> => {
    if (!(await safeStorage.isAsyncEncryptionAvailable())) {
      throw new AuditorError('VAULT_ENCRYPTION_UNAVAILABLE', 'This computer’s secure storage is not available, so Zoho tokens cannot be stored safely.', {
        hint: 'On Linux, unlock or install a keyring (GNOME Keyring / KWallet) and restart Timeline Auditor.',
      });
    }
  };
  return {
    kind: 'safeStorage',
    async encrypt(plaintext) {
      await requireEncryption();
      return (await safeStorage.encryptStringAsync(plaintext)).toString('base64');
    },
    async decrypt(ciphertext) {
      await requireEncryption();
      try {
        // `shouldReEncrypt` (a rotated key) is not acted on: every refresh rewrites the secrets with the current key.
        const { result } = await safeStorage.decryptStringAsync(Buffer.from(ciphertext, 'base64'));
        return result;
      } catch (error) {
        throw new AuditorError('VAULT_DECRYPT_FAILED', 'The stored Zoho connection cannot be decrypted on this computer or user account.', {
          hint: 'Disconnect and connect to Zoho again.',
          cause: error,
        });
      }
    },
  };
}
