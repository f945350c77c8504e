import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// One build for the three processes (electron-vite's layout). The main build has three entries
// that share the same services: the Electron app, the loopback host for browser mode and tests,
// and the headless CLI — plus the data worker's entry (a worker thread each of them starts; it
// must land beside them as out/main/data-worker.js). Only `index` may import `electron`.
export default defineConfig({
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
    plugins: [react()],
    build: {
      rollupOptions: { input: resolve('renderer/index.html') },
    },
  },
});
