/**
 * `node out/main/host.js [--home DIR] [--port N] [--open] [--json]`
 * Runs the main-process services without Electron and serves the real renderer to a browser on
 * 127.0.0.1 (development and end-to-end tests). Not shipped in the packaged app.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createCore } from '../app/core.js';
import { createIpcHandlers } from '../app/ipc-handlers.js';
import { nodePlatformPorts } from '../app/node-platform.js';
import type { PlatformPorts } from '../app/platform-ports.js';
import { AesGcmScryptCipher } from '../auth/aes-gcm-scrypt-cipher.js';
import { VAULT_SALT_FILE } from '../auth/node-vault.js';
import { PassphraseRequiredCipher } from '../auth/passphrase-required-cipher.js';
import { defaultHomeDirectory } from '../core/paths.js';
import { startHost } from './host-server.js';
import { makeDirectorySync } from '../core/make-directory.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      home: { type: 'string' },
      port: { type: 'string', default: '0' },
      open: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const home = values.home ?? defaultHomeDirectory();
  makeDirectorySync(home, 0o700);
  const rendererDirectory = fileURLToPath(new URL('../renderer', import.meta.url));
  if (!existsSync(rendererDirectory)) {
    throw new Error(`The renderer is not built (${rendererDirectory} is missing): run \`npm run build\` first.`);
  }
  const here = import.meta.url; // a variable base: the bundler must not treat the worker as an asset
  // In the browser the Connect screen's link opens the sign-in page: there is no system browser to drive.
  // The development host alone lets the environment point at another admin policy file (e2e tests); the app and the CLI read the machine's.
  const policyFile = process.env['TIMELINE_AUDITOR_POLICY_FILE'];
  const ports = nodePlatformPorts({
    shell: 'browser',
    home,
    env: process.env,
    ...(policyFile === undefined || policyFile === '' ? {} : { policyFile }),
    dataWorkerEntry: new URL('./data-worker.js', here),
    demoLatencyMs: Number(process.env['TIMELINE_AUDITOR_DEMO_LATENCY_MS'] ?? 0) || 0,
  });
  // Test-only, and only here (main/electron never reads it): the e2e tests reach the Connect screen's passphrase card this way.
  const services = createCore(process.env[TEST_NO_KEYRING_ENV] === '1' ? asIfNoKeyring(ports, home) : ports);
  const host = await startHost({
    handlers: createIpcHandlers(services),
    events: services.events,
    rendererDirectory,
    port: Number(values.port),
    packetUploads: { hold: async (path, name) => (await services.exports()).holdPacketFile(path, { name, temporary: true }) },
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ appUrl: host.appUrl, origin: host.origin, home })}\n`);
  } else {
    process.stdout.write(`Timeline Auditor (browser mode) is serving ${host.origin}\nOpen: ${host.appUrl}\nData folder: ${home}\nCtrl-C stops it.\n`);
  }
  if (values.open) openInBrowser(host.appUrl);
  const stop = (): void => {
    void Promise.all([host.close(), services.close()]).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** `=1`: the host starts as the desktop app does on Linux without a keyring; see asIfNoKeyring. */
const TEST_NO_KEYRING_ENV = 'TIMELINE_AUDITOR_TEST_NO_KEYRING';

/**
 * The ports as Electron's shell makes them when safeStorage's backend is `basic_text` (no keyring;
 * main/electron/safe-storage-cipher.ts): secrets refused until a passphrase is chosen on the Connect
 * screen, then AES-256-GCM/scrypt with the vault's salt file. TIMELINE_AUDITOR_PASSPHRASE is ignored.
 */
function asIfNoKeyring(ports: PlatformPorts, home: string): PlatformPorts {
  const cipher = new PassphraseRequiredCipher((passphrase) => AesGcmScryptCipher.open(passphrase, join(home, VAULT_SALT_FILE)));
  return { ...ports, cipher, passphraseChoice: cipher };
}

function openInBrowser(url: string): void {
  const browser = existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  spawn(browser, [url], { stdio: 'ignore', detached: true }).unref();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
