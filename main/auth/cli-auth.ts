import { createNodeTokenVault } from './node-vault.js';
import { ZohoAuthService } from './zoho-auth-service.js';
import type { ZohoAuthServiceOptions } from './zoho-auth-service.js';

/**
 * The auth service as the CLI builds it: the Node token vault in `home` (conf store, AES-GCM/scrypt
 * cipher from TIMELINE_AUDITOR_PASSPHRASE). With `requirePassphrase: false` (status, disconnect) a
 * missing passphrase only fails when a secret is actually read or written.
 */
export function createCliAuthService(
  home: string,
  env: NodeJS.ProcessEnv,
  options: { requirePassphrase: boolean } & Omit<ZohoAuthServiceOptions, 'vault'> = { requirePassphrase: true },
): ZohoAuthService {
  const { requirePassphrase, ...serviceOptions } = options;
  return new ZohoAuthService({ ...serviceOptions, vault: createNodeTokenVault(home, env, { requirePassphrase }) });
}
