import { join } from 'node:path';
import type { SecretCipher } from '../core/cipher.js';
import { tightenPrivateFile } from '../core/private-files.js';
import { AesGcmScryptCipher, passphraseFromEnv } from './aes-gcm-scrypt-cipher.js';

/** The scrypt salt beside the vault, in the home directory. */
export const VAULT_SALT_FILE = 'zoho-vault.salt.json';

/** The secret cipher under plain Node: AES-256-GCM, key from TIMELINE_AUDITOR_PASSPHRASE (scrypt). */
export function createNodeCipher(home: string, env: NodeJS.ProcessEnv, options: { requirePassphrase: boolean }): SecretCipher {
  // Written 0600 when created (aes-gcm-scrypt-cipher.ts); one from an earlier version is narrowed here.
  tightenPrivateFile(join(home, VAULT_SALT_FILE));
  const open = (): AesGcmScryptCipher => AesGcmScryptCipher.open(passphraseFromEnv(env), join(home, VAULT_SALT_FILE));
  return options.requirePassphrase ? open() : lazyCipher(open);
}

function lazyCipher(open: () => SecretCipher): SecretCipher {
  let cipher: SecretCipher | undefined;
  const get = (): SecretCipher => (cipher ??= open());
  return {
    kind: 'aes-256-gcm-scrypt',
    // A missing passphrase rejects the promise (it does not throw out of encrypt/decrypt).
    encrypt: (plaintext) => Promise.resolve().then(() => get().encrypt(plaintext)),
    decrypt: (ciphertext) => Promise.resolve().then(() => get().decrypt(ciphertext)),
  };
}
