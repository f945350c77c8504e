import { existsSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { flagRulesSchema } from '../../../preload/contract.js';
import { cacheFilePath, DamagedCacheReader, openMarkerPath, type SalvagedRecord } from '../../cache/index.js';
import { AuditorError } from '../../core/errors.js';
import { readReviewWork, type SalvagedNote } from '../../review/salvage.js';
import { readReviewWorkRows, type SalvagedReviewWork } from '../../review/review-work.js';
import type { SyncProgress } from '../../sync/index.js';
import type { CliCommand, CliContext } from '../types.js';
import { connectedCore } from './fetch.js';
import { formatSyncProgress, formatSyncResult } from './sync-cli-support.js';
import { parseCommandArgs, usageError } from '../args.js';

const USAGE = `timeline-auditor cache <check | rebuild> [options]

  check     Checks the offline cache file for damage (SQLite's quick_check of every page).
            Exit 0 sound, 1 damaged (with what to do).

  rebuild   For a damaged cache: reads the list of tracked records (and reviewers' notes, flag
            rules, review marks, sign-offs and the review log) from it where it still can, moves
            the file aside under a timestamped name (it
            is kept, never deleted), creates a new cache and fetches the same records again from
            Zoho, as \`timeline-auditor fetch\` does. Quit the app first: it must not have the
            cache open. Exit 0 rebuilt, 1 records failed or could not be read back, 2 the fetch
            stopped (sign-in, API limit; resume with \`timeline-auditor fetch --resume\`), 130
            cancelled.

Options (rebuild):
  --concurrency N       most requests at once (default: the org edition's limit read at sign-in)
  --api-domain URL      Zoho API domain (or env ZOHO_API_DOMAIN); default the stored connection
  --token TOKEN         Zoho access token (or env ZOHO_ACCESS_TOKEN)
  --api-version V       Zoho CRM API version

Examples:
  timeline-auditor cache check
  timeline-auditor cache rebuild`;

export const cacheCommand: CliCommand = {
  name: 'cache',
  summary: 'Check the offline cache for damage, or rebuild a damaged one (keeps the old file, re-fetches its records)',
  usage: USAGE,
  async run(argv, context) {
    const parsed = parseCommandArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        concurrency: { type: 'string' },
        'api-domain': { type: 'string' },
        token: { type: 'string' },
        'api-version': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    const { values, positionals } = parsed;
    if (values.help) {
      context.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const [action, ...rest] = positionals;
    if (rest.length > 0) throw usageError(`Unexpected ${rest.map((word) => `"${word}"`).join(' ')}.`);
    switch (action) {
      case 'check':
        if (values.concurrency !== undefined || values['api-domain'] !== undefined || values.token !== undefined || values['api-version'] !== undefined) throw usageError('`cache check` takes no options.');
        return check(context);
      case 'rebuild':
        return rebuild(values, context);
      case undefined:
        throw usageError('Say what to do: `cache check` or `cache rebuild`.');
      default:
        throw usageError(`Unknown action "${action}": \`cache check\` or \`cache rebuild\`.`);
    }
  },
};

async function check(context: CliContext): Promise<number> {
  const file = cacheFilePath(context.home);
  if (!existsSync(file)) {
    context.stdout.write(`There is no offline cache at ${file} yet (\`timeline-auditor fetch\` creates it).\n`);
    return 0;
  }
  // Rejects with CACHE_DAMAGED (printed with what to do, exit 1) when the file is damaged.
  const { ms } = await (await (await context.core()).data()).cache.integrityCheck();
  context.stdout.write(`The offline cache at ${file} is sound (SQLite quick_check, ${ms} ms).\n`);
  return 0;
}

interface RebuildFlags {
  concurrency?: string | undefined;
  'api-domain'?: string | undefined;
  token?: string | undefined;
  'api-version'?: string | undefined;
}

async function rebuild(values: RebuildFlags, context: CliContext): Promise<number> {
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) throw usageError(`--concurrency takes a whole number of at least 1 (got "${values.concurrency}").`);
  const file = cacheFilePath(context.home);
  if (!existsSync(file)) {
    context.stdout.write(`There is no offline cache at ${file}: nothing to rebuild (\`timeline-auditor fetch\` creates one).\n`);
    return 0;
  }
  const out = (line: string): void => void context.stdout.write(`${line}\n`);

  // 1. What can still be read, before anything moves (read-only; the file is never written).
  const salvage = readWhatRemains(file);
  // 2. The Zoho connection, before anything moves: no point in setting the old file aside if nothing can be fetched.
  const core = await connectedCore({ apiDomain: values['api-domain'], token: values.token }, {}, context, values['api-version']);

  // 3. The damaged file (and its -wal/-shm) aside, kept under a timestamped name.
  const aside = moveAside(file);
  out(`The damaged cache was moved aside and kept: ${aside.join(', ')}`);

  if (!salvage.records.ok) {
    out(`The list of tracked records could not be read from it (${salvage.records.reason}).`);
    out('A new, empty cache will be created on the next fetch: add the records again with `timeline-auditor fetch <Module>/<RecordId>…`.');
    if (!salvage.review.ok) out(`Reviewers' notes and flag rules could not be read either (${salvage.review.reason}); they remain only in the kept file.`);
    return 1;
  }
  const records = salvage.records.value;
  if (records.length === 0) {
    out('It tracked no records; the new cache starts empty.');
    return 0;
  }
  out(`Fetching the ${records.length} tracked ${records.length === 1 ? 'record' : 'records'} again into a new cache…`);

  // 4. The same sync as `timeline-auditor fetch`: a fresh file (the data worker creates it), full timelines.
  const recordsService = await core.records();
  const tty = context.stdout.isTTY === true;
  const result = await recordsService.sync(
    { records: records.map((record) => ({ module: record.module, recordId: record.recordId, name: record.name })) },
    {
      mode: 'full',
      signal: context.signal,
      ...(concurrency === undefined ? {} : { concurrency }),
      ...(tty ? { onProgress: (progress: SyncProgress) => context.stdout.write(`\r\x1b[2K${formatSyncProgress(progress)}`), progressIntervalMs: 250 } : {}),
    },
  );
  if (tty) context.stdout.write('\r\x1b[2K');
  if (result === null) throw new AuditorError('CACHE_REBUILD_FAILED', 'The rebuild started no fetch.', { hint: 'This is a bug in Timeline Auditor; please report it.' });
  out(formatSyncResult(result));

  // 5. Reviewers' work, where it could be read: notes follow their events (by Zoho's event id), flags are recomputed from the rules.
  // Review states, the review log (entries as they were: the chain carries on) and sign-offs first, so re-added notes log after them.
  await restoreReviewStatesAndLog(salvage.reviewWork, await core.data(), out);
  await restoreReviewWork(salvage.review, await core.data(), out);
  out(`New cache: ${file}`);
  if (result.state === 'cancelled') return 130;
  if (result.state === 'stopped') return 2;
  return result.records.some((record) => record.status === 'failed') ? 1 : 0;
}

type Salvaged<T> = { ok: true; value: T } | { ok: false; reason: string };

function readWhatRemains(file: string): { records: Salvaged<SalvagedRecord[]>; review: Salvaged<{ notes: SalvagedNote[]; rulesJson: string | null }>; reviewWork: Salvaged<SalvagedReviewWork> } {
  const opened = DamagedCacheReader.open(file);
  if (!opened.ok) return { records: opened, review: opened, reviewWork: opened };
  try {
    return { records: opened.value.trackedRecords(), review: opened.value.read(readReviewWork), reviewWork: opened.value.read(readReviewWorkRows) };
  } finally {
    opened.value.close();
  }
}

/** Renames the cache's files to timeline-cache.damaged-<UTC time>.sqlite(-wal, -shm); the open marker is dropped. */
function moveAside(file: string): string[] {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const stem = basename(file).replace(/\.sqlite$/, '');
  let target = join(dirname(file), `${stem}.damaged-${stamp}.sqlite`);
  for (let suffix = 2; existsSync(target); suffix += 1) target = join(dirname(file), `${stem}.damaged-${stamp}-${suffix}.sqlite`);
  const moved: Array<[from: string, to: string]> = [];
  for (const suffix of ['', '-wal', '-shm']) {
    if (!existsSync(`${file}${suffix}`)) continue;
    try {
      renameSync(`${file}${suffix}`, `${target}${suffix}`);
    } catch (error) {
      // All or nothing: a database without its -wal (or a -wal left beside a new file) is worse than no move.
      for (const [from, to] of moved) renameSync(to, from);
      throw new AuditorError('CACHE_REBUILD_FAILED', `The cache file ${file}${suffix} could not be moved aside (${error instanceof Error ? error.message : String(error)}); nothing was moved.`, {
        hint: 'Quit the app (it may have the cache open) and check that the folder is writable, then run `timeline-auditor cache rebuild` again.',
        cause: error,
      });
    }
    moved.push([`${file}${suffix}`, `${target}${suffix}`]);
  }
  rmSync(openMarkerPath(file), { force: true });
  return moved.map(([, to]) => to);
}

async function restoreReviewWork(review: Salvaged<{ notes: SalvagedNote[]; rulesJson: string | null }>, data: Awaited<ReturnType<Awaited<ReturnType<CliContext['core']>>['data']>>, out: (line: string) => void): Promise<void> {
  if (!review.ok) {
    out(`Reviewers' notes and flag rules could not be read from the damaged file (${review.reason}); they remain only in the kept file.`);
    return;
  }
  const { notes, rulesJson } = review.value;
  if (rulesJson !== null) {
    const rules = flagRulesSchema.safeParse(safeJson(rulesJson));
    if (rules.success) {
      await data.review.setRules(rules.data);
      out('Flag rules carried over; flags recomputed.');
    } else {
      out('The flag rules in the damaged file could not be read; the new cache uses the default rules.');
    }
  }
  if (notes.length === 0) return;
  let restored = 0;
  for (const note of notes) {
    // null: the note's event is not in the new cache (no longer in Zoho's timeline, or its record failed).
    if ((await data.review.addNote(note)) !== null) restored += 1;
  }
  out(`Reviewers' notes carried over: ${restored} of ${notes.length}${restored < notes.length ? ' (the rest belong to events not fetched again; they remain in the kept file)' : ''}.`);
}

async function restoreReviewStatesAndLog(work: Salvaged<SalvagedReviewWork>, data: Awaited<ReturnType<Awaited<ReturnType<CliContext['core']>>['data']>>, out: (line: string) => void): Promise<void> {
  if (!work.ok) {
    out(`Review states, the review log and sign-offs could not be read from the damaged file (${work.reason}); they remain only in the kept file.`);
    return;
  }
  if (work.value.log.length === 0 && work.value.marks.length === 0) return;
  const carried = await data.call('review.restoreWork', work.value);
  const chain = carried.chain.intact ? 'its chain intact' : `ITS CHAIN BROKEN at entry ${carried.chain.brokenAtSeq}: ${carried.chain.reason}`;
  out(`Review work carried over: ${carried.marks} review marks, ${carried.signOffs} sign-offs, the review log's ${carried.entries} entries (${chain}).`);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
