import { resolve } from 'node:path';
import { exportWhereSchema, type ExportCaseInput, type ExportFormat, type ExportWhere } from '../../../preload/contract.js';
import type { ExportProgress } from '../../export/types.js';
import { assertTimeZone } from '../../export/values.js';
import { parseWhereFilter } from '../../export/where-filter.js';
import type { CliCommand } from '../types.js';
import { parseCommandArgs, usageError } from '../args.js';

const USAGE = `timeline-auditor export [<Module>/<RecordId>...] (--csv FILE | --pdf FILE | --packet FILE)... [options]

Exports the cached timelines of the records (run \`timeline-auditor fetch\` or sync first).

Options:
  --csv FILE         One row per field change (UTF-8 with BOM, opens in Excel)
  --pdf FILE         The audit report (cover, coverage, summary, heatmaps, and the events one by
                     one — the first 10,000 for a larger export; the CSV holds every event)
  --packet FILE      A signed audit packet (.zip): report, CSV, raw events, users, signed manifest
  --where JSON       Narrow the events: {"sources":["crm_api"],"userIds":[…],"actions":[…],
                     "modules":[…],"fieldApiNames":[…],"from":"2026-01-01T00:00:00Z","to":…,"text":"…"}
  --view NAME        Export what a saved view of the Review screen shows (instead of --where);
                     without records named, over every tracked record, as on the screen
  --case-ref TEXT    Case reference, shown on the cover and stored in the manifest
  --purpose TEXT     Why the export is made (e.g. "Q3 access review")
  --reviewer TEXT    Who reviews it (name and role)
  --allow-incomplete Export records whose timelines were not fetched completely (never fetched,
                     failed or interrupted); the packet marks them incomplete with the reason.
                     Without it such an export is refused, naming the records.
  --tz ZONE          Time zone for every time shown, e.g. Europe/Berlin (default: the app's
                     time-zone setting)

Examples:
  timeline-auditor export Leads/554023000001122039 --packet audit.zip --tz Europe/Berlin \\
      --case-ref AUD-2026-114 --purpose "Q4 change review" --reviewer "Ana Ruiz, Compliance"
  timeline-auditor export --view "API changes by people" --packet api-changes.zip`;

function parseTarget(text: string): { module: string; recordId: string } {
  const slash = text.lastIndexOf('/');
  const module = text.slice(0, slash);
  const recordId = text.slice(slash + 1);
  if (slash <= 0 || !/^[A-Za-z][A-Za-z0-9_]*$/.test(module) || !/^[0-9]+$/.test(recordId)) {
    throw usageError(`"${text}" is not of the form Module/RecordId (for example Leads/554023000001122039).`);
  }
  return { module, recordId };
}

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'Export cached timelines as CSV, PDF report or signed audit packet',
  usage: USAGE,
  async run(argv, context) {
    const parsed = parseCommandArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        csv: { type: 'string' },
        pdf: { type: 'string' },
        packet: { type: 'string' },
        where: { type: 'string' },
        view: { type: 'string' },
        'case-ref': { type: 'string' },
        purpose: { type: 'string' },
        reviewer: { type: 'string' },
        'allow-incomplete': { type: 'boolean', default: false },
        tz: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (parsed.values.help === true) {
      context.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const files: Partial<Record<ExportFormat, string>> = {};
    for (const format of ['csv', 'pdf', 'packet'] as const) {
      const file = parsed.values[format];
      if (file !== undefined) files[format] = resolve(file);
    }
    const formats = Object.keys(files) as ExportFormat[];
    if (formats.length === 0) throw usageError('Choose at least one of --csv FILE, --pdf FILE or --packet FILE.');
    const viewName = parsed.values.view?.trim();
    if (viewName === '') throw usageError('--view needs the name of a saved view.');
    if (viewName !== undefined && parsed.values.where !== undefined) throw usageError('Give either --where or --view, not both: a saved view already holds its filter.');
    if (parsed.positionals.length === 0 && viewName === undefined) throw usageError('Name at least one record, for example Leads/554023000001122039 (or export a saved view with --view NAME).');
    const records = parsed.positionals.length === 0 ? undefined : parsed.positionals.map(parseTarget);
    if (parsed.values.tz !== undefined) assertTimeZone(parsed.values.tz);
    const where = parsed.values.where === undefined ? undefined : parseWhere(parsed.values.where);
    const exportCase = caseOf(parsed.values['case-ref'], parsed.values.purpose, parsed.values.reviewer);

    // Every new phase is shown (each counts its events from 0 again), then every 5,000 events within it.
    let last: { phase: ExportProgress['phase']; eventsDone: number } | null = null;
    const onProgress = (progress: ExportProgress): void => {
      if (last !== null && last.phase === progress.phase && progress.eventsDone - last.eventsDone < 5000) return;
      last = { phase: progress.phase, eventsDone: progress.eventsDone };
      context.stderr.write(progress.phase === 'checking' ? '… checking the offline cache for damage\n' : `… ${progress.eventsDone} events (${progress.phase})\n`);
    };
    const core = await context.core();
    const entry = await (
      await core.exports()
    ).exportFiles(
      {
        records,
        formats,
        where,
        ...(viewName === undefined ? {} : { view: { savedViewName: viewName } }),
        ...(exportCase === undefined ? {} : { case: exportCase }),
        allowIncomplete: parsed.values['allow-incomplete'] === true,
        timeZone: parsed.values.tz,
        files,
      },
      { signal: context.signal, onProgress },
    );
    for (const file of entry.files)
      context.stdout.write(`Wrote ${file.path} (${file.format}, ${file.bytes} bytes): ${entry.events} ${entry.events === 1 ? 'event' : 'events'} from ${entry.records} ${entry.records === 1 ? 'record' : 'records'}, times in ${entry.timeZone}.\n`);
    if (entry.incompleteRecords !== undefined && entry.incompleteRecords > 0) {
      context.stdout.write(`INCOMPLETE: ${entry.incompleteRecords} of ${entry.records} records were not fetched completely; the export says so for each (coverage in the manifest and on the report's cover).\n`);
    }
    if (entry.packetDigest !== null && entry.signerFingerprint !== null) {
      const packet = entry.files.find((file) => file.format === 'packet')!.path;
      context.stdout.write(
        [`Packet digest (SHA-256): ${entry.packetDigest}`, `Signing key fingerprint: ${entry.signerFingerprint}`, `Reviewers check it with: timeline-auditor verify ${packet} --public-key ${entry.signerFingerprint}`, ''].join('\n'),
      );
    }
    return 0;
  },
};

function caseOf(reference: string | undefined, purpose: string | undefined, reviewer: string | undefined): ExportCaseInput | undefined {
  const limits = [
    ['--case-ref', reference, 120],
    ['--purpose', purpose, 1000],
    ['--reviewer', reviewer, 200],
  ] as const;
  for (const [option, value, max] of limits) if (value !== undefined && value.trim().length > max) throw usageError(`${option} is longer than ${max} characters.`);
  if (reference === undefined && purpose === undefined && reviewer === undefined) return undefined;
  return { reference: reference ?? null, purpose: purpose ?? null, reviewer: reviewer ?? null };
}

function parseWhere(text: string): ExportWhere {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw usageError('--where must be JSON, for example \'{"sources":["crm_ui"]}\'.');
  }
  parseWhereFilter(json); // refuses what it does not understand, saying which key and why
  return exportWhereSchema.parse(json);
}
