/**
 * `node out/main/host.js [--home DIR] [--port N] [--open] [--json]`
 * Runs the main-process services without Electron and serves the real renderer to a browser on
 * 127.0.0.1 (development and end-to-end tests). Not shipped in the packaged app.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createAppServices, createIpcHandlers } from '../core/app-services.js';
import { createConfStore } from '../core/conf-store.js';
import { join } from 'node:path';
import { createNodeCipher, createNodeTokenVault } from '../auth/node-vault.js';
import { defaultHomeDirectory } from '../core/paths.js';
import { startHost } from './host-server.js';

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
  mkdirSync(home, { recursive: true });
  const rendererDirectory = fileURLToPath(new URL('../renderer', import.meta.url));
  if (!existsSync(rendererDirectory)) {
    throw new Error(`The renderer is not built (${rendererDirectory} is missing): run \`npm run build\` first.`);
  }
  const services = createAppServices({
    shell: 'browser',
    home,
    settingsStore: createConfStore(home, 'settings'),
    vault: createNodeTokenVault(home, process.env, { requirePassphrase: false }),
    secretCipher: createNodeCipher(home, process.env, { requirePassphrase: false }),
    exportsFolder: join(home, 'exports'),
    revealInFolder: () => false,
    // In the browser the Connect screen's link opens the sign-in page; there is no system browser to drive.
    openExternal: () => undefined,
    allowExternalOrigin: () => undefined,
    demoLatencyMs: Number(process.env['TIMELINE_AUDITOR_DEMO_LATENCY_MS'] ?? 0) || 0,
  });
  const host = await startHost({
    handlers: createIpcHandlers(services),
    events: services.events,
    rendererDirectory,
    port: Number(values.port),
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

function openInBrowser(url: string): void {
  const browser = existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  spawn(browser, [url], { stdio: 'ignore', detached: true }).unref();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
