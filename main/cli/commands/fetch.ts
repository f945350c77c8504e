import { parseArgs } from 'node:util';
import { AuditorError } from '../../core/errors.js';
import type { Clock } from '../../core/clock.js';
import type { CliCommand, CliContext } from '../types.js';
import { ZohoClient, DEFAULT_API_VERSION, type TimelineOptions } from '../../zoho/client.js';
import { parseTimelineFilterJson } from '../../zoho/filters.js';
import { assertModuleApiName, assertRecordId } from '../../zoho/modules.js';
import { StaticTokenProvider } from '../../zoho/static-token-provider.js';
import type { TokenProvider } from '../../zoho/token-provider.js';
import { createCliAuthService } from '../../auth/cli-auth.js';

const USAGE = `timeline-auditor fetch <Module>/<RecordId>... [options]

Fetches the complete timeline (change history) of each record and prints how many events it has.

Options:
  --filters JSON        Timeline filter (Zoho's filters grammar), e.g.
                        '{"field":{"api_name":"source"},"comparator":"equal","value":"crm_ui"}'
  --inner-details       Include all six extra details (field labels, data types, picklists, profile, user type)
  --signals             Include signals entries (include_timeline_type=signals, include=extension,type)
  --json                Print the events (Zoho's objects, verbatim) as JSON instead of counts
  --api-domain URL      Zoho API domain, e.g. https://www.zohoapis.eu   (or env ZOHO_API_DOMAIN)
  --token TOKEN         Zoho access token                              (or env ZOHO_ACCESS_TOKEN)
                        Without these, the connection made by \`timeline-auditor connect\` is used.
  --api-version V       Zoho CRM API version (default ${DEFAULT_API_VERSION})

Example:
  timeline-auditor fetch Leads/554023000001122039 Deals/554023000000987001 --inner-details`;

function usageError(message: string): AuditorError {
  return new AuditorError('CLI_USAGE', message, { hint: `Usage: ${USAGE.split('\n')[0]} (run with --help for details)` });
}

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
   * Where the token comes from. Default: --api-domain/--token flags or ZOHO_API_DOMAIN/ZOHO_ACCESS_TOKEN
   * (a fixed token). The sign-in vault will supply a refreshing provider here.
   */
  tokenProvider?: (flags: { apiDomain: string | undefined; token: string | undefined }, context: CliContext) => Promise<TokenProvider> | TokenProvider;
  fetch?: typeof fetch;
  clock?: Clock;
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
 * otherwise the connection stored by `timeline-auditor connect`, refreshed as needed.
 */
export function tokenProviderFromFlagsOrVault(flags: { apiDomain: string | undefined; token: string | undefined }, context: CliContext): TokenProvider {
  const explicit = [flags.apiDomain, flags.token, context.env['ZOHO_API_DOMAIN'], context.env['ZOHO_ACCESS_TOKEN']].some((value) => value !== undefined && value !== '');
  if (explicit) return staticTokenProviderFromFlags(flags, context);
  const auth = createCliAuthService(context.home, context.env, { requirePassphrase: false });
  if (auth.status().state === 'disconnected') {
    throw new AuditorError('CLI_NOT_SIGNED_IN', 'Timeline Auditor is not connected to Zoho.', {
      hint: 'Run `timeline-auditor connect …` first, or pass --api-domain URL --token TOKEN.',
    });
  }
  return auth;
}

export function createFetchCommand(dependencies: FetchCommandDependencies = {}): CliCommand {
  return {
    name: 'fetch',
    summary: 'Fetch the complete timeline of CRM records and print per-record counts (or the events as JSON)',
    usage: USAGE,
    async run(argv, context) {
      let parsed;
      try {
        parsed = parseArgs({
          args: argv,
          allowPositionals: true,
          strict: true,
          options: {
            filters: { type: 'string' },
            'inner-details': { type: 'boolean', default: false },
            signals: { type: 'boolean', default: false },
            json: { type: 'boolean', default: false },
            'api-domain': { type: 'string' },
            token: { type: 'string' },
            'api-version': { type: 'string' },
            help: { type: 'boolean', short: 'h', default: false },
          },
        });
      } catch (error) {
        throw usageError(error instanceof Error ? error.message : String(error));
      }
      const { values, positionals } = parsed;
      if (values.help) {
        context.stdout.write(`${USAGE}\n`);
        return 0;
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

      const flags = { apiDomain: values['api-domain'], token: values.token };
      const tokenProvider = await (dependencies.tokenProvider ?? tokenProviderFromFlagsOrVault)(flags, context);
      const client = new ZohoClient({
        tokenProvider,
        ...(dependencies.fetch === undefined ? {} : { fetch: dependencies.fetch }),
        ...(dependencies.clock === undefined ? {} : { clock: dependencies.clock }),
        ...(values['api-version'] === undefined ? {} : { apiVersion: values['api-version'] }),
      });

      const results: { module: string; recordId: string; count: number; pages: number; events: unknown[] }[] = [];
      for (const target of targets) {
        const result = await client.fetchTimeline(target.module, target.recordId, options);
        const entry = { module: target.module, recordId: target.recordId, count: result.entries.length, pages: result.pages, events: result.entries.map((e) => e.raw) };
        results.push(entry);
        if (!values.json) {
          context.stdout.write(`${target.module}/${target.recordId}: ${entry.count} ${entry.count === 1 ? 'event' : 'events'}\n`);
        }
      }
      if (values.json) {
        context.stdout.write(`${JSON.stringify({ apiVersion: client.apiVersion, records: results }, null, 2)}\n`);
      }
      return 0;
    },
  };
}

export const fetchCommand: CliCommand = createFetchCommand();
