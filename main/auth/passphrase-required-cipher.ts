import type { PassphraseChoice, SecretCipher } from '../core/cipher.js';
import { AuditorError } from '../core/errors.js';

/**
 * The cipher where the system offers no keyring (Electron on Linux with safeStorage's `basic_text`
 * backend, whose key is hard-coded): every secret is refused until the person chooses passphrase
 * protection (the Connect screen explains and offers it), then AES-256-GCM under a scrypt key from
 * that passphrase — the protection the CLI already uses. The passphrase is asked for at every start;
 * it is never stored.
 */
export class PassphraseRequiredCipher implements SecretCipher, PassphraseChoice {
  readonly #openPassphraseCipher: (passphrase: string) => SecretCipher;
  #chosen: SecretCipher | undefined;

  constructor(openPassphraseCipher: (passphrase: string) => SecretCipher) {
    this.#openPassphraseCipher = openPassphraseCipher;
  }

  get kind(): SecretCipher['kind'] {
    return this.#chosen?.kind ?? 'safeStorage-basic_text';
  }

  async usePassphrase(passphrase: string, check: () => Promise<void>): Promise<void> {
    const before = this.#chosen;
    this.#chosen = await new Promise<SecretCipher>((resolve) => resolve(this.#openPassphraseCipher(passphrase)));
    try {
      await check();
    } catch (error) {
      this.#chosen = before;
      throw error;
    }
  }

  encrypt(plaintext: string): Promise<string> {
    return this.#chosen === undefined ? Promise.reject(passphraseRequired()) : this.#chosen.encrypt(plaintext);
  }

  decrypt(ciphertext: string): Promise<string> {
    return this.#chosen === undefined ? Promise.reject(passphraseRequired()) : this.#chosen.decrypt(ciphertext);
  }
}

export function passphraseRequired(): AuditorError {
  return new AuditorError('VAULT_PASSPHRASE_REQUIRED', 'This computer has no system keyring, so Timeline Auditor will not store Zoho tokens or the signing key without a passphrase of your choice.', {
    hint: 'Choose "Protect with a passphrase" on the Connect screen (the same passphrase every time), or install and unlock a keyring (GNOME Keyring / KWallet) and restart.',
  });
}
