import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/** The environment variable that hands the dev server's CSP nonce to the Electron main process (main/electron/main.ts). */
export const DEV_CSP_NONCE_VARIABLE = 'TIMELINE_AUDITOR_DEV_CSP_NONCE';

/**
 * `npm run dev` only: @vitejs/plugin-react injects its Fast Refresh preamble as an inline module
 * script, which the app's `script-src 'self'` blocks (a blank window). Vite puts the nonce on every
 * tag it serves (`html.cspNonce`); this plugin adds the same nonce to the meta policy of
 * renderer/index.html, and main sets it in the header (devContentSecurityPolicy). Builds never apply it.
 */
export function devCspNoncePlugin(nonce: string): Plugin {
  return {
    name: 'timeline-auditor:dev-csp-nonce',
    apply: 'serve',
    transformIndexHtml: {
      order: 'pre',
      handler(html) {
        const strict = "script-src 'self';";
        // A changed policy must not silently leave the dev window blank again.
        if (!html.includes(strict)) throw new Error(`renderer/index.html's Content-Security-Policy no longer contains "${strict}"; update devCspNoncePlugin.`);
        return html.replace(strict, `script-src 'self' 'nonce-${nonce}';`);
      },
    },
  };
}

// One build for the three processes (electron-vite's layout). The main build has three entries
// that share the same services: the Electron app, the loopback host for browser mode and tests,
// and the headless CLI — plus the data worker's entry (a worker thread each of them starts; it
// must land beside them as out/main/data-worker.js). Only `index` may import `electron`.
export default defineConfig(({ command }) => {
  // One nonce per dev session, also for the Electron process electron-vite spawns (it inherits the
  // environment); the config may be evaluated more than once, hence ??=.
  const devCspNonce = command === 'serve' ? (process.env[DEV_CSP_NONCE_VARIABLE] ??= randomBytes(18).toString('base64')) : undefined;
  return {
    main: {
      build: {
        // zod is bundled, not loaded from node_modules: its ~150 ES module files cost the CLI ~0.1 s
        // of start-up to resolve and link, one bundled chunk a fraction of that.
        externalizeDeps: { exclude: ['zod'] },
        rollupOptions: {
          input: {
            index: resolve('main/electron/main.ts'),
            host: resolve('main/host/host-main.ts'),
            cli: resolve('main/cli/main.ts'),
            'data-worker': resolve('main/data/data-worker-main.ts'),
            'export-writer': resolve('main/data/export-writer-main.ts'),
          },
        },
      },
    },
    preload: {
      build: {
        // A sandboxed preload can require nothing but `electron`: bundle zod in, emit CommonJS.
        externalizeDeps: false,
        rollupOptions: {
          input: { index: resolve('preload/index.ts') },
          output: { format: 'cjs', entryFileNames: '[name].cjs' },
        },
      },
    },
    renderer: {
      root: 'renderer',
      plugins: [react(), ...(devCspNonce === undefined ? [] : [devCspNoncePlugin(devCspNonce)])],
      ...(devCspNonce === undefined ? {} : { html: { cspNonce: devCspNonce } }),
      build: {
        rollupOptions: { input: resolve('renderer/index.html') },
      },
    },
  };
});
