/**
 * A sync in its own process: opens the cache file, connects to Zoho (or the sandbox) with a fixed
 * access token, runs or resumes a sync, and prints progress as JSON lines. The crash test SIGKILLs it
 * at random moments; the app can use it to keep long syncs out of the UI process.
 *
 *   node --import tsx main/sync/sync-worker-main.ts --cache FILE (--records FILE | --resume | both)
 *     [--api-domain URL] [--token TOKEN] [--mode full|incremental] [--concurrency N] [--per-page N]
 *     [--credit-budget N] [--default-module M] [--no-users] [--progress-interval MS]
 *
 * --resume continues the newest unfinished run in the cache; with --records too, a new run starts
 * when there is none. Token and domain also come from ZOHO_ACCESS_TOKEN / ZOHO_API_DOMAIN.
 * Output lines: {"type":"progress",…SyncProgress} and a last {"type":"result",…} or {"type":"error",…}.
 * Exit codes: 0 done, 2 stopped (budget, sign-in, limits), 3 cancelled (SIGINT/SIGTERM), 1 error.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { TimelineCache } from '../cache/index.js';
import { systemClock } from '../core/clock.js';
import { AuditorError, serializeError } from '../core/errors.js';
import { ZohoClient } from '../zoho/client.js';
import { StaticTokenProvider } from '../zoho/static-token-provider.js';
import { parseRecordsFile } from './record-input.js';
import { SyncEngine, type SyncMode, type SyncTarget } from './sync-engine.js';
import { SyncError } from './sync-errors.js';

function positiveInteger(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new SyncError('SYNC_INPUT_INVALID', `${flag} must be a whole number, not "${text}".`);
  return value;
}

export async function runSyncWorker(argv: readonly string[], env: NodeJS.ProcessEnv, write: (line: string) => void, signal: AbortSignal): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      cache: { type: 'string' },
      records: { type: 'string' },
      resume: { type: 'boolean', default: false },
      'api-domain': { type: 'string' },
      token: { type: 'string' },
      mode: { type: 'string', default: 'full' },
      concurrency: { type: 'string' },
      'per-page': { type: 'string' },
      'credit-budget': { type: 'string' },
      'default-module': { type: 'string' },
      'no-users': { type: 'boolean', default: false },
      'progress-interval': { type: 'string' },
    },
    strict: true,
  });
  const emit = (value: Record<string, unknown>): void => write(JSON.stringify(value));
  try {
    if (values.cache === undefined) throw new SyncError('SYNC_INPUT_INVALID', 'No cache file was given.', { hint: 'Pass --cache FILE.' });
    if (values.records === undefined && !values.resume) throw new SyncError('SYNC_INPUT_INVALID', 'Nothing to sync.', { hint: 'Pass --records FILE and/or --resume.' });
    const mode = values.mode;
    if (mode !== 'full' && mode !== 'incremental') throw new SyncError('SYNC_INPUT_INVALID', `--mode must be full or incremental, not "${mode ?? ''}".`);
    const apiDomain = values['api-domain'] ?? env['ZOHO_API_DOMAIN'];
    const accessToken = values.token ?? env['ZOHO_ACCESS_TOKEN'] ?? '';
    if (apiDomain === undefined) throw new SyncError('SYNC_INPUT_INVALID', 'No Zoho API domain was given.', { hint: 'Pass --api-domain URL or set ZOHO_API_DOMAIN.' });
    const records = values.records === undefined ? undefined : parseRecordsFile(readFileSync(values.records, 'utf8'), basename(values.records), values['default-module'] === undefined ? {} : { defaultModule: values['default-module'] });

    const cache = TimelineCache.open(values.cache);
    try {
      const client = new ZohoClient({ tokenProvider: new StaticTokenProvider({ accessToken, apiDomain }) });
      const engine = new SyncEngine({ client, store: cache, clock: systemClock });
      const unfinished = values.resume ? await engine.resumableRun() : undefined;
      let target: SyncTarget;
      if (unfinished !== undefined) target = { resume: unfinished };
      else if (records !== undefined) target = { records };
      else {
        emit({ type: 'result', state: 'done', nothingToResume: true });
        return 0;
      }
      const concurrency = positiveInteger(values.concurrency, '--concurrency');
      const perPage = positiveInteger(values['per-page'], '--per-page');
      const creditBudget = positiveInteger(values['credit-budget'], '--credit-budget');
      const progressIntervalMs = positiveInteger(values['progress-interval'], '--progress-interval');
      const result = await engine.run(target, {
        mode: mode satisfies SyncMode,
        signal,
        fetchUsers: !values['no-users'],
        onProgress: (progress) => emit({ type: 'progress', ...progress }),
        ...(concurrency === undefined ? {} : { concurrency }),
        ...(perPage === undefined ? {} : { perPage }),
        ...(creditBudget === undefined ? {} : { creditBudget }),
        ...(progressIntervalMs === undefined ? {} : { progressIntervalMs }),
      });
      emit({
        type: 'result',
        runId: result.runId,
        state: result.state,
        resumed: unfinished !== undefined,
        ...(result.stopReason === undefined ? {} : { stopReason: result.stopReason }),
        progress: result.progress,
        users: result.users,
        peakConcurrency: result.peakConcurrency,
      });
      return result.state === 'done' ? 0 : result.state === 'stopped' ? 2 : 3;
    } finally {
      cache.close();
    }
  } catch (error) {
    emit({ type: 'error', error: serializeError(error) });
    return error instanceof AuditorError ? 1 : 70;
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const controller = new AbortController();
  for (const name of ['SIGINT', 'SIGTERM'] as const) process.once(name, () => controller.abort(new Error(`received ${name}`)));
  const code = await runSyncWorker(process.argv.slice(2), process.env, (line) => process.stdout.write(`${line}\n`), controller.signal);
  process.exitCode = code;
}
