import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test as base } from '@playwright/test';

export interface RunningAppHost {
  appUrl: string;
  origin: string;
  home: string;
}

/** Starts the built loopback host (out/main/host.js) on a fresh temp home, as `npm run dev:browser` does. */
export async function startAppHost(home = mkdtempSync(join(tmpdir(), 'auditor-e2e-')), passphrase = 'e2e passphrase', extraEnv: NodeJS.ProcessEnv = {}): Promise<RunningAppHost & { process: ChildProcess }> {
  const child = spawn(process.execPath, ['out/main/host.js', '--json', '--home', home], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TIMELINE_AUDITOR_PASSPHRASE: passphrase, TIMELINE_AUDITOR_DEMO_LATENCY_MS: '60', ...extraEnv },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`host exited with ${code}: ${stderr}`)));
  });
  const info = JSON.parse(first) as RunningAppHost;
  return { ...info, process: child };
}

export const test = base.extend<{ appHost: RunningAppHost }>({
  // Playwright requires a destructuring pattern for the (unused) fixtures argument.
  // eslint-disable-next-line no-empty-pattern
  appHost: async ({}, use) => {
    const host = await startAppHost();
    await use(host);
    host.process.kill('SIGTERM');
    await new Promise((resolve) => host.process.once('exit', resolve));
    rmSync(host.home, { recursive: true, force: true });
  },
});

export { expect } from '@playwright/test';
