import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { createCliAuthService } from '../../auth/cli-auth.js';
import { TimelineCache } from '../../cache/index.js';
import { cacheFilePath } from '../../cache/location.js';
import { APP_VERSION } from '../../core/app-info.js';
import { exportInputFromCache } from '../../export/cache-export-source.js';
import { parseWhereFilter } from '../../export/where-filter.js';
import { AuditorError } from '../../core/errors.js';
import { exportCsvFile } from '../../export/csv-export.js';
import { writeAuditPacket } from '../../export/packet.js';
import { exportPdfFile } from '../../export/pdf/report.js';
import { FileSigningKeyStore, type SigningKeyStore } from '../../export/signing-key-store.js';
import type { ExportEventSource, ExportProgress, ExportScope } from '../../export/types.js';
import { assertTimeZone } from '../../export/values.js';
import type { JsonValue, ZohoUser } from '../../zoho/models.js';
import type { CliCommand, CliContext } from '../types.js';

const USAGE = `timeline-auditor export <Module>/<RecordId>... (--csv FILE | --pdf FILE | --packet FILE) [options]

Exports the cached timelines of the records (run \`timeline-auditor fetch\` or sync first).

Options:
  --csv FILE       One row per field change (UTF-8 with BOM, opens in Excel)
  --pdf FILE       The audit report (cover, summary, heatmaps, every event)
  --packet FILE    A signed audit packet (.zip): report, CSV, raw events, users, signed manifest
  --where JSON     Narrow the events: {"sources":["crm_api"],"userIds":[…],"actions":[…],
                   "modules":[…],"fieldApiNames":[…],"from":"2026-01-01T00:00:00Z","to":…,"text":"…"}
  --tz ZONE        Time zone for every time shown, e.g. Europe/Berlin (default: UTC)

Example:
  timeline-auditor export Leads/554023000001122039 --packet audit.zip --tz Europe/Berlin`;

export interface ExportRequest {
  records: Array<{ module: string; recordId: string }>;
  /** Parsed --where JSON, uninterpreted here: the event source decides what it means. */
  where: JsonValue | null;
  timeZone: string;
}

export interface ExportCommandDependencies {
  /** Opens the events to export (from the cache) and describes the scope. */
  openEvents(request: ExportRequest, context: CliContext): Promise<{ scope: ExportScope; events: ExportEventSource; users: readonly ZohoUser[]; close?: () => Promise<void> | void }>;
  /** Default: FileSigningKeyStore in the home directory (unencrypted). */
  keyStore?(context: CliContext): SigningKeyStore;
}

function usageError(message: string): AuditorError {
  return new AuditorError('CLI_USAGE', message, { hint: `Usage: ${USAGE.split('\n')[0]}` });
}

function parseTarget(text: string): { module: string; recordId: string } {
  const slash = text.lastIndexOf('/');
  const module = text.slice(0, slash);
  const recordId = text.slice(slash + 1);
  if (slash <= 0 || !/^[A-Za-z][A-Za-z0-9_]*$/.test(module) || !/^[0-9]+$/.test(recordId)) {
    throw usageError(`"${text}" is not of the form Module/RecordId (for example Leads/554023000001122039).`);
  }
  return { module, recordId };
}

export function createExportCommand(deps: ExportCommandDependencies): CliCommand {
  return {
    name: 'export',
    summary: 'Export cached timelines as CSV, PDF report or signed audit packet',
    usage: USAGE,
    async run(argv, context) {
      let parsed;
      try {
        parsed = parseArgs({
          args: argv, allowPositionals: true, strict: true,
          options: { csv: { type: 'string' }, pdf: { type: 'string' }, packet: { type: 'string' }, where: { type: 'string' }, tz: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
        });
      } catch (error) {
        throw usageError(error instanceof Error ? error.message : String(error));
      }
      if (parsed.values.help === true) {
        context.stdout.write(`${USAGE}\n`);
        return 0;
      }
      const outputs = (['csv', 'pdf', 'packet'] as const).filter((kind) => parsed.values[kind] !== undefined);
      if (outputs.length !== 1) throw usageError('Choose exactly one of --csv FILE, --pdf FILE or --packet FILE.');
      const kind = outputs[0] as 'csv' | 'pdf' | 'packet';
      const file = parsed.values[kind] as string;
      if (parsed.positionals.length === 0) throw usageError('Name at least one record, for example Leads/554023000001122039.');
      const records = parsed.positionals.map(parseTarget);
      const timeZone = parsed.values.tz ?? 'UTC';
      assertTimeZone(timeZone);
      let where: JsonValue | null = null;
      if (parsed.values.where !== undefined) {
        try {
          where = JSON.parse(parsed.values.where) as JsonValue;
        } catch {
          throw usageError('--where must be JSON, for example \'{"source":["crm_ui"]}\'.');
        }
      }
      const opened = await deps.openEvents({ records, where, timeZone }, context);
      let lastReport = 0;
      const onProgress = (progress: ExportProgress): void => {
        if (progress.eventsDone - lastReport < 5000 && progress.phase !== 'done') return;
        lastReport = progress.eventsDone;
        context.stderr.write(`… ${progress.eventsDone} events (${progress.phase})\n`);
      };
      try {
        const input = { scope: opened.scope, events: opened.events, users: opened.users };
        const run = { signal: context.signal, onProgress };
        if (kind === 'csv') {
          const result = await exportCsvFile(input, file, run);
          context.stdout.write(`Wrote ${file}: ${result.rows} rows from ${result.events} events.\n`);
        } else if (kind === 'pdf') {
          const result = await exportPdfFile(input, file, { ...run, packetDigest: null });
          context.stdout.write(`Wrote ${file}: ${result.pages} pages, ${result.events} events.\n`);
        } else {
          const keyStore = deps.keyStore?.(context) ?? new FileSigningKeyStore(context.home);
          const result = await writeAuditPacket(input, file, { ...run, keyStore });
          context.stdout.write([
            `Wrote ${file}: ${result.manifest.counts.events} events, ${result.bytes} bytes.`,
            `Packet digest (SHA-256): ${result.packetDigest}`,
            `Signing key fingerprint: ${result.manifest.signing.publicKeyFingerprint}`,
            `Reviewers check it with: timeline-auditor verify ${file} --public-key ${result.manifest.signing.publicKeyFingerprint}`,
            '',
          ].join('\n'));
        }
      } finally {
        await opened.close?.();
      }
      return 0;
    },
  };
}

/** The command on the local cache: the records' cached timelines, the stored connection's details. */
export const exportCommand: CliCommand = createExportCommand({
  openEvents: async (request, context) => {
    const where = request.where === null ? null : parseWhereFilter(request.where);
    const connection = createCliAuthService(context.home, context.env, { requirePassphrase: false }).status();
    const cache = TimelineCache.open(cacheFilePath(context.home));
    try {
      const input = exportInputFromCache(cache, {
        records: request.records,
        ...(where === null ? {} : { filter: where.filter }),
        filterDescription: where?.description ?? null,
        timeZone: request.timeZone,
        connection: { dataCentre: connection.dataCentre ?? null, orgId: connection.orgId ?? null, apiDomain: connection.apiDomain ?? null },
        generatedBy: describeGenerator(connection.user),
        generatedAt: Date.now(),
        appVersion: APP_VERSION,
      });
      return { ...input, close: () => cache.close() };
    } catch (error) {
      cache.close();
      throw error;
    }
  },
});

function describeGenerator(user: { name: string | undefined; email: string | undefined } | undefined): string {
  const zohoUser = [user?.name, user?.email === undefined ? undefined : `<${user.email}>`].filter((part) => part !== undefined).join(' ');
  const osUser = (() => {
    try {
      return userInfo().username;
    } catch {
      return 'unknown';
    }
  })();
  return zohoUser === '' ? `${osUser} (command line)` : `${zohoUser} (command line, ${osUser})`;
}
