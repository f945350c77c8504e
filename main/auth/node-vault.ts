import { join } from 'node:path';
import type { SecretCipher } from '../core/cipher.js';
import { createConfStore } from '../core/conf-store.js';
import { AesGcmScryptCipher, passphraseFromEnv } from './aes-gcm-scrypt-cipher.js';
import { TokenVault } from './token-vault.js';

/** File names inside the home directory. */
export const VAULT_STORE_NAME = 'zoho-vault';
export const VAULT_SALT_FILE = 'zoho-vault.salt.json';

/**
 * The token vault under plain Node (CLI, loopback host): a conf store in `home`, secrets under
 * AES-256-GCM with a key from TIMELINE_AUDITOR_PASSPHRASE. With `requirePassphrase: false` a missing
 * passphrase only fails when a secret is actually read or written (so `status` works without it).
 */
export function createNodeTokenVault(home: string, env: NodeJS.ProcessEnv, options: { requirePassphrase: boolean }): TokenVault {
  return new TokenVault(createConfStore(home, VAULT_STORE_NAME), createNodeCipher(home, env, options));
}

/** The secret cipher under plain Node: AES-256-GCM, key from TIMELINE_AUDITOR_PASSPHRASE (scrypt). */
export function createNodeCipher(home: string, env: NodeJS.ProcessEnv, options: { requirePassphrase: boolean }): SecretCipher {
  const open = (): AesGcmScryptCipher => AesGcmScryptCipher.open(passphraseFromEnv(env), join(home, VAULT_SALT_FILE));
  return options.requirePassphrase ? open() : lazyCipher(open);
}

function lazyCipher(open: () => SecretCipher): SecretCipher {
  let cipher: SecretCipher | undefined;
  const get = (): SecretCipher => (cipher ??= open());
  return {
    kind: 'aes-256-gcm-scrypt',
    encrypt: (plaintext) => get().encrypt(plaintext),
    decrypt: (ciphertext) => get().decrypt(ciphertext),
  };
}
