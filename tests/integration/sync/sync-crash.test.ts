import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { TimelineCache } from '../../../main/cache/index.js';
import { Prng } from '../../../main/sandbox/prng.js';
import type { Sandbox } from '../../../main/sandbox/index.js';
import { expectCacheEqualsGroundTruth, pickRecords, startSyncSandbox } from './helpers.js';

const WORKER = join(import.meta.dirname, '../../../main/sync/sync-worker-main.ts');

interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: Array<Record<string, unknown>>;
  killedAtPages: number | null;
}

/** Runs the worker; when `killAtPages` is set, SIGKILLs it as soon as it reports that many pages written. */
function runWorker(args: string[], env: NodeJS.ProcessEnv, killAtPages: number | null): Promise<WorkerExit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: Array<Record<string, unknown>> = [];
    let killedAtPages: number | null = null;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      lines.push(parsed);
      const pages = parsed['pagesFetched'];
      if (killAtPages !== null && killedAtPages === null && typeof pages === 'number' && pages >= killAtPages && parsed['state'] === 'running') {
        killedAtPages = pages;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== null && code !== 0 && code !== 2) reject(new Error(`worker exited ${code}: ${stderr}`));
      else resolve({ code, signal, lines, killedAtPages });
    });
  });
}

let sandbox: Sandbox | undefined;
const folder = mkdtempSync(join(tmpdir(), 'sync-crash-'));
afterAll(async () => {
  await sandbox?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('a sync killed with SIGKILL and resumed', () => {
  it('ends with every event of 200 records exactly once, whatever moments it was killed at', async () => {
    sandbox = await startSyncSandbox({ recordsPerModule: 50, latencyMs: 2 });
    const records = pickRecords(sandbox, 200);
    const recordsFile = join(folder, 'records.txt');
    writeFileSync(recordsFile, records.map((record) => `${record.module}/${record.recordId}`).join('\n'));
    const cacheFile = join(folder, 'cache.sqlite');
    const env = { ZOHO_API_DOMAIN: sandbox.url, ZOHO_ACCESS_TOKEN: sandbox.mintAccessToken().accessToken };
    const args = ['--cache', cacheFile, '--records', recordsFile, '--resume', '--per-page', '10', '--progress-interval', '0'];

    // Seeded kill points (pages written by that process before its SIGKILL).
    const prng = new Prng(20261125);
    const killPoints = [prng.int(5, 120), prng.int(5, 200), prng.int(5, 200)];
    const runIds = new Set<string>();
    for (const killAt of killPoints) {
      const exit = await runWorker(args, env, killAt);
      expect(exit.signal, `killed at ${killAt} pages`).toBe('SIGKILL');
      expect(exit.killedAtPages).not.toBeNull();
      for (const line of exit.lines) if (typeof line['runId'] === 'string') runIds.add(line['runId']);
    }
    const last = await runWorker(args, env, null);
    expect(last.code).toBe(0);
    const result = last.lines.at(-1);
    expect(result).toMatchObject({ type: 'result', state: 'done', resumed: true });
    for (const line of last.lines) if (typeof line['runId'] === 'string') runIds.add(line['runId']);
    // One run from start to finish: every restart resumed it.
    expect(runIds.size).toBe(1);

    const cache = TimelineCache.open(cacheFile);
    try {
      expectCacheEqualsGroundTruth(cache, sandbox, records);
      expect(cache.latestUnfinishedSyncRun()).toBeUndefined();
      expect(cache.listRecordStates().filter((state) => state.freshness === 'fresh')).toHaveLength(200);
      const total = records.reduce((sum, record) => sum + sandbox!.groundTruth(record.module, record.recordId).length, 0);
      expect(cache.countEvents({ records })).toBe(total);
    } finally {
      cache.close();
    }
  }, 60_000);
});
