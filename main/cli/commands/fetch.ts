import { exactJsonText, parseZohoBody } from '../../zoho/json-body.js';
import { AuditorError } from '../../core/errors.js';
import type { Core } from '../../app/core.js';
import type { CliCommand, CliContext } from '../types.js';
import { DEFAULT_API_VERSION, type TimelineOptions } from '../../zoho/client.js';
import { parseTimelineFilterJson } from '../../zoho/filters.js';
import { assertModuleApiName, assertRecordId } from '../../zoho/modules.js';
import { StaticTokenProvider } from '../../zoho/static-token-provider.js';
import type { TokenProvider } from '../../zoho/token-provider.js';
import type { SyncProgress } from '../../sync/index.js';
import { formatRecordLine, formatSyncProgress, formatSyncResult } from './sync-cli-support.js';
import { parseCommandArgs, usageError } from '../args.js';

const USAGE = `timeline-auditor fetch [<Module>/<RecordId>...] [options]

Fetches the complete timeline (change history) of records into the local cache, where the app
reviews and exports them offline. A killed or cancelled fetch resumes where it stopped (--resume).

Which records (any combination):
  <Module>/<RecordId>   e.g. Leads/554023000001122039
  --ids-file FILE       a CSV (column id, record_id or Record Id; optional module column) or a list,
                        one Module/RecordId per line
  --default-module M    module of bare ids in --ids-file
  --module M            every record of module M
  --since ISO           with --module: only records modified since then (e.g. 2026-01-01T00:00:00+00:00)
  --until ISO           with --module: only records modified until then
  --resume              continue the last interrupted fetch instead

How:
  --incremental         fetch only events newer than what is cached
  --concurrency N       most requests at once (default: the org edition's limit read at sign-in — Free 5,
                        Standard 10, Professional 15, Enterprise 20, Ultimate 25; 10 when unknown; adapts down on 429)
  --credit-budget N     stop (resumably) before spending more than N API credits
  --json                print a JSON summary instead of text

Print without storing (no cache):
  --no-cache            print per-record counts (or, with --json, Zoho's events verbatim)
  --filters JSON        timeline filter (Zoho's grammar), e.g.
                        '{"field":{"api_name":"source"},"comparator":"equal","value":"crm_ui"}'
  --inner-details       include all six extra details (field labels, data types, picklists, profile, user type)
  --signals             include signals entries (include_timeline_type=signals, include=extension,type)

Connection: the one made by \`timeline-auditor connect\`, or
  --api-domain URL      Zoho API domain, e.g. https://www.zohoapis.eu   (or env ZOHO_API_DOMAIN)
  --token TOKEN         Zoho access token                              (or env ZOHO_ACCESS_TOKEN)
  --api-version V       Zoho CRM API version (default ${DEFAULT_API_VERSION})

Examples:
  timeline-auditor fetch Leads/554023000001122039 Deals/554023000000987001
  timeline-auditor fetch --module Leads --since 2026-10-01T00:00:00+00:00 --json
  timeline-auditor fetch --ids-file records.csv --default-module Contacts --incremental`;

interface RecordTarget {
  module: string;
  recordId: string;
}

function parseTarget(text: string): RecordTarget {
  const slash = text.lastIndexOf('/');
  if (slash <= 0 || slash === text.length - 1) {
    throw usageError(`"${text}" is not of the form Module/RecordId (for example Leads/554023000001122039).`);
  }
  const target = { module: text.slice(0, slash), recordId: text.slice(slash + 1) };
  assertModuleApiName(target.module);
  assertRecordId(target.recordId, target.module);
  return target;
}

export interface FetchCommandDependencies {
  /**
   * Where the token comes from instead of the flags and the stored connection (tests inject a
   * refreshing provider here).
   */
  tokenProvider?: (flags: { apiDomain: string | undefined; token: string | undefined }, context: CliContext) => Promise<TokenProvider | undefined> | TokenProvider | undefined;
}

export function staticTokenProviderFromFlags(flags: { apiDomain: string | undefined; token: string | undefined }, context: CliContext): TokenProvider {
  const apiDomain = flags.apiDomain ?? context.env['ZOHO_API_DOMAIN'];
  const token = flags.token ?? context.env['ZOHO_ACCESS_TOKEN'];
  if (apiDomain === undefined || apiDomain === '' || token === undefined || token === '') {
    throw new AuditorError('CLI_NOT_SIGNED_IN', 'No Zoho connection: an API domain and an access token are needed.', {
      hint: 'Pass --api-domain URL --token TOKEN, or set ZOHO_API_DOMAIN and ZOHO_ACCESS_TOKEN.',
    });
  }
  try {
    const url = new URL(apiDomain);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http');
  } catch {
    throw usageError(`"${apiDomain}" is not a web address; the API domain looks like https://www.zohoapis.com.`);
  }
  return new StaticTokenProvider({ accessToken: token, apiDomain });
}

/**
 * The token for a CLI fetch: explicit flags or ZOHO_* variables win (scripts, contract tests);
 * otherwise (undefined) the connection stored by `timeline-auditor connect`, refreshed as needed.
 */
export function explicitTokenProvider(flags: { apiDomain: string | undefined; token: string | undefined }, context: CliContext): TokenProvider | undefined {
  const explicit = [flags.apiDomain, flags.token, context.env['ZOHO_API_DOMAIN'], context.env['ZOHO_ACCESS_TOKEN']].some((value) => value !== undefined && value !== '');
  return explicit ? staticTokenProviderFromFlags(flags, context) : undefined;
}

export function createFetchCommand(dependencies: FetchCommandDependencies = {}): CliCommand {
  return {
    name: 'fetch',
    summary: 'Fetch the timelines of CRM records into the local cache (resumable; --no-cache to just print)',
    usage: USAGE,
    async run(argv, context) {
      const parsed = parseCommandArgs({
        args: argv,
        allowPositionals: true,
        strict: true,
        options: {
          filters: { type: 'string' },
          'no-cache': { type: 'boolean', default: false },
          'ids-file': { type: 'string' },
          'default-module': { type: 'string' },
          module: { type: 'string' },
          since: { type: 'string' },
          until: { type: 'string' },
          resume: { type: 'boolean', default: false },
          incremental: { type: 'boolean', default: false },
          concurrency: { type: 'string' },
          'credit-budget': { type: 'string' },
          'inner-details': { type: 'boolean', default: false },
          signals: { type: 'boolean', default: false },
          json: { type: 'boolean', default: false },
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
      const flags = { apiDomain: values['api-domain'], token: values.token };
      if (!values['no-cache']) {
        for (const previewOnly of ['filters', 'inner-details', 'signals'] as const) {
          if (values[previewOnly] !== undefined && values[previewOnly] !== false) {
            throw usageError(`--${previewOnly} only works with --no-cache: the cache keeps complete timelines.`);
          }
        }
        return runCachedFetch(values, positionals, await connectedCore(flags, dependencies, context, values['api-version']), context);
      }
      if (positionals.length === 0) throw usageError('Name at least one record as Module/RecordId.');
      const targets = positionals.map(parseTarget);

      const options: TimelineOptions = { signal: context.signal };
      if (values.filters !== undefined) options.filters = parseTimelineFilterJson(values.filters);
      if (values['inner-details']) options.includeInnerDetails = true;
      if (values.signals) {
        options.includeTimelineType = 'signals';
        options.include = ['extension', 'type'];
      }

      const client = (await connectedCore(flags, dependencies, context, values['api-version'])).zoho();

      const results: { module: string; recordId: string; count: number; pages: number; events: unknown[] }[] = [];
      for (const target of targets) {
        const result = await client.fetchTimeline(target.module, target.recordId, options);
        const entry = { module: target.module, recordId: target.recordId, count: result.entries.length, pages: result.pages, events: result.entries.map((e) => (e.rawText === undefined ? e.raw : parseZohoBody(e.rawText))) };
        results.push(entry);
        if (!values.json) {
          context.stdout.write(`${target.module}/${target.recordId}: ${entry.count} ${entry.count === 1 ? 'event' : 'events'}\n`);
        }
      }
      if (values.json) {
        // Each event as Zoho sent it: ids sent as numbers keep every digit (json-body.ts).
        context.stdout.write(`${exactJsonText({ apiVersion: client.apiVersion, records: results }, 2)}\n`);
      }
      return 0;
    },
  };
}

interface CachedFetchFlags {
  'ids-file'?: string | undefined;
  'default-module'?: string | undefined;
  module?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  resume?: boolean | undefined;
  incremental?: boolean | undefined;
  concurrency?: string | undefined;
  'credit-budget'?: string | undefined;
  json?: boolean | undefined;
  'api-version'?: string | undefined;
}

function positiveInteger(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw usageError(`${flag} takes a whole number of at least 1 (got "${text}").`);
  return value;
}

/** The services, talking to Zoho with the explicit token or else the stored connection (which must exist). */
export async function connectedCore(flags: { apiDomain: string | undefined; token: string | undefined }, dependencies: FetchCommandDependencies, context: CliContext, apiVersion: string | undefined): Promise<Core> {
  const tokenProvider = (await dependencies.tokenProvider?.(flags, context)) ?? explicitTokenProvider(flags, context);
  const core = await context.core({ ...(tokenProvider === undefined ? {} : { tokenProvider }), ...(apiVersion === undefined ? {} : { apiVersion }) });
  if (tokenProvider === undefined && core.auth.status().state === 'disconnected') {
    throw new AuditorError('CLI_NOT_SIGNED_IN', 'Timeline Auditor is not connected to Zoho.', {
      hint: 'Run `timeline-auditor connect …` first, or pass --api-domain URL --token TOKEN.',
    });
  }
  return core;
}

/** Fetches into the cache with the records service: resumable, adaptive, progress on a terminal. */
async function runCachedFetch(values: CachedFetchFlags, refs: string[], core: Core, context: CliContext): Promise<number> {
  const concurrency = positiveInteger(values.concurrency, '--concurrency');
  const creditBudget = positiveInteger(values['credit-budget'], '--credit-budget');
  if (values.resume && (refs.length > 0 || values['ids-file'] !== undefined || values.module !== undefined)) {
    throw usageError('--resume continues the last fetch; do not name records with it.');
  }
  const recordsService = await core.records();
  const records = values.resume
    ? undefined
    : await recordsService.resolveRecords({
        refs,
        file: values['ids-file'],
        defaultModule: values['default-module'],
        module: values.module,
        modifiedFrom: values.since,
        modifiedTo: values.until,
        signal: context.signal,
      });
  const tty = context.stdout.isTTY === true && values.json !== true;
  const result = await recordsService.sync(records === undefined ? { resume: true } : { records }, {
    mode: values.incremental ? 'incremental' : 'full',
    signal: context.signal,
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(creditBudget === undefined ? {} : { creditBudget }),
    ...(tty ? { onProgress: (progress: SyncProgress) => context.stdout.write(`\r\x1b[2K${formatSyncProgress(progress)}`), progressIntervalMs: 250 } : {}),
  });
  if (tty) context.stdout.write('\r\x1b[2K');
  if (result === null) {
    context.stdout.write('Nothing to resume: the last fetch finished.\n');
    return 0;
  }
  const cacheFile = recordsService.cacheFile();
  if (values.json) {
    context.stdout.write(`${JSON.stringify({ cache: cacheFile, ...result }, null, 2)}\n`);
  } else {
    const states = await recordsService.recordStates(result.records);
    result.records.forEach((record, index) => {
      context.stdout.write(`${record.module}/${record.recordId}: ${formatRecordLine(record, states[index]?.eventCount ?? 0)}\n`);
    });
    context.stdout.write(`${formatSyncResult(result)}\nCache: ${cacheFile}\n`);
  }
  if (result.state === 'cancelled') return 130;
  if (result.state === 'stopped') return 2;
  return result.records.some((record) => record.status === 'failed') ? 1 : 0;
}

export const fetchCommand: CliCommand = createFetchCommand();
