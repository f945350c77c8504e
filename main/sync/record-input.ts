import { CsvError, parse } from 'csv-parse/sync';
import { ZohoApiError } from '../zoho/errors.js';
import { isValidModuleApiName } from '../zoho/modules.js';
import { parseIsoWithOffset } from '../zoho/filters.js';
import type { ZohoClient } from '../zoho/client.js';
import { SyncError } from './sync-errors.js';
import type { SyncRecordInput } from './sync-engine.js';

/**
 * Turning what a person gives (one record, a list, a CSV export, a module) into the records to sync.
 * Every problem names its line, so a 5,000-line CSV can be fixed without guessing.
 */

const RECORD_ID = /^[0-9]{1,25}$/;
const MAX_LISTED_PROBLEMS = 20;

export interface InputProblem {
  line: number;
  message: string;
}

function inputError(what: string, problems: InputProblem[], hint: string): SyncError {
  const shown = problems.slice(0, MAX_LISTED_PROBLEMS).map((problem) => `line ${problem.line}: ${problem.message}`);
  const more = problems.length > MAX_LISTED_PROBLEMS ? `\n(and ${problems.length - MAX_LISTED_PROBLEMS} more)` : '';
  return new SyncError('SYNC_INPUT_INVALID', `${what} has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n${shown.join('\n')}${more}`, {
    hint,
    details: { problems },
  });
}

function checkRecord(module: string, recordId: string): string | undefined {
  if (!isValidModuleApiName(module)) return `"${module}" is not a Zoho module API name (letters, digits and underscores, e.g. Leads, Deals)`;
  if (!RECORD_ID.test(recordId)) return `"${recordId}" is not a Zoho record id (digits only, e.g. 554023000001122039)`;
  return undefined;
}

/** "Leads/554023000001122039" → { module, recordId }. */
export function parseRecordRef(text: string): SyncRecordInput {
  const trimmed = text.trim();
  const slash = trimmed.lastIndexOf('/');
  if (slash <= 0 || slash === trimmed.length - 1) {
    throw new SyncError('SYNC_INPUT_INVALID', `"${trimmed}" is not of the form Module/RecordId.`, { hint: 'Write the module API name, a slash and the record id, e.g. Leads/554023000001122039.' });
  }
  const module = trimmed.slice(0, slash).trim();
  const recordId = trimmed.slice(slash + 1).trim();
  const problem = checkRecord(module, recordId);
  if (problem !== undefined) throw new SyncError('SYNC_INPUT_INVALID', `${problem}.`, { hint: 'Write the module API name, a slash and the record id, e.g. Leads/554023000001122039.' });
  return { module, recordId };
}

/**
 * A list of records, one per line (or separated by commas or spaces): "Module/id", or a bare id when
 * `defaultModule` is given. Blank lines and lines starting with # are ignored; duplicates are dropped.
 */
export function parseRecordList(text: string, options: { defaultModule?: string } = {}): SyncRecordInput[] {
  const records = new Map<string, SyncRecordInput>();
  const problems: InputProblem[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\n|\r/)
    .forEach((rawLine, index) => {
      const line = rawLine.trim();
      if (line === '' || line.startsWith('#')) return;
      for (const item of line.split(/[\s,;]+/).filter((part) => part !== '')) {
        let module: string;
        let recordId: string;
        const slash = item.lastIndexOf('/');
        if (slash >= 0) {
          module = item.slice(0, slash);
          recordId = item.slice(slash + 1);
        } else if (options.defaultModule !== undefined) {
          module = options.defaultModule;
          recordId = item;
        } else {
          problems.push({ line: index + 1, message: `"${item}" has no module; write Module/RecordId (e.g. Leads/${RECORD_ID.test(item) ? item : '554023000001122039'}) or choose a default module` });
          continue;
        }
        const problem = checkRecord(module, recordId);
        if (problem !== undefined) problems.push({ line: index + 1, message: problem });
        else records.set(`${module}/${recordId}`, { module, recordId });
      }
    });
  if (problems.length > 0) throw inputError('The list of records', problems, 'Fix the lines named above (one Module/RecordId per line) and try again.');
  if (records.size === 0) throw new SyncError('SYNC_INPUT_INVALID', 'The list of records is empty.', { hint: 'Give at least one record as Module/RecordId, e.g. Leads/554023000001122039.' });
  return [...records.values()];
}

/** Byte offset → 1-based line number, counting CRLF, LF and CR as one break each; offsets must not decrease. */
function lineCounter(bytes: Uint8Array): (offset: number) => number {
  let position = 0;
  let line = 1;
  return (offset) => {
    for (; position < offset; position += 1) {
      const byte = bytes[position];
      if (byte === 0x0a || (byte === 0x0d && bytes[position + 1] !== 0x0a)) line += 1;
    }
    return line;
  };
}

/** Line ends, spaces and tabs: what csv-parse skips between records (blank lines, whitespace-only lines when trimming). */
const SKIPPED_BETWEEN_RECORDS = new Set([0x0d, 0x0a, 0x20, 0x09]);

function csvProblem(error: CsvError): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is never closed (a " is missing)';
    case 'INVALID_OPENING_QUOTE':
      return 'a " appears inside a field that does not start with one (quote the whole field and double the inner quote: "Ann ""The"" Lee")';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'text follows the closing " of a quoted field (double a " that belongs to the field: "Ann ""The"" Lee")';
    default:
      return `this is not valid CSV (${error.message})`;
  }
}

/**
 * RFC 4180 CSV (csv-parse): quoted fields may hold commas, quotes ("") and line breaks; CRLF, LF and CR
 * line ends; a UTF-8 BOM is dropped. Returns rows with the line each starts on; blank lines are skipped.
 * Cells are kept as written (surrounding whitespace outside quotes aside), so ids stay exact strings.
 */
export function parseCsvRows(text: string): Array<{ line: number; cells: string[] }> {
  const bytes = Buffer.from(text, 'utf8');
  const lineAt = lineCounter(bytes);
  const rows: Array<{ line: number; cells: string[] }> = [];
  // Where the next record starts: after the previous record's end and any blank lines (csv-parse reports byte offsets).
  let nextRecordStart = 0;
  const startLine = (): number => {
    let offset = nextRecordStart;
    while (offset < bytes.length && SKIPPED_BETWEEN_RECORDS.has(bytes[offset] ?? 0)) offset += 1;
    return lineAt(offset);
  };
  try {
    parse(bytes, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      // Any of the three line ends, even mixed in one file (the usual auto-detection fixes on the first one).
      record_delimiter: ['\r\n', '\n', '\r'],
      on_record: (cells: string[], context) => {
        const line = startLine();
        nextRecordStart = context.bytes;
        if (!(cells.length === 1 && cells[0] === '')) rows.push({ line, cells });
        return null;
      },
    });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    throw inputError('The CSV file', [{ line: startLine(), message: csvProblem(error) }], 'Close the quoted field, or remove the stray quote character.');
  }
  return rows;
}

const normalise = (header: string): string =>
  header
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');
const ID_HEADERS = ['id', 'record id', 'recordid'];
const MODULE_HEADERS = ['module', 'module name', 'module api name'];
const NAME_HEADERS = ['name', 'record name', 'full name'];

/**
 * Records from a CSV (e.g. a Zoho CRM export). With a header row, the id column is the one named
 * id, record_id or Record Id; the module comes from a module column or `defaultModule`; a name column
 * is kept as the display name. Without a header, each row is `Module/id`, `Module,id`, or a bare id
 * with `defaultModule`.
 */
export function parseRecordCsv(text: string, options: { defaultModule?: string } = {}): SyncRecordInput[] {
  const rows = parseCsvRows(text);
  if (rows.length === 0) throw new SyncError('SYNC_INPUT_INVALID', 'The CSV file is empty.', { hint: 'Export the records from Zoho CRM with their Record Id column, or list one id per line.' });
  const header = (rows[0]?.cells ?? []).map(normalise);
  const idColumn = header.findIndex((cell) => ID_HEADERS.includes(cell));
  const hasHeader = idColumn >= 0 || header.some((cell) => MODULE_HEADERS.includes(cell) || NAME_HEADERS.includes(cell));
  if (hasHeader && idColumn < 0) {
    throw inputError('The CSV file', [{ line: rows[0]?.line ?? 1, message: `the header has no id column (found: ${rows[0]?.cells.join(', ')})` }], 'Name the column of record ids "id", "record_id" or "Record Id".');
  }
  const moduleColumn = hasHeader ? header.findIndex((cell) => MODULE_HEADERS.includes(cell)) : -1;
  const nameColumn = hasHeader ? header.findIndex((cell) => NAME_HEADERS.includes(cell)) : -1;
  if (hasHeader && moduleColumn < 0 && options.defaultModule === undefined) {
    throw inputError('The CSV file', [{ line: rows[0]?.line ?? 1, message: 'there is no module column and no default module was chosen' }], 'Add a "Module" column (e.g. Leads) or choose the module the ids belong to.');
  }
  if (options.defaultModule !== undefined && !isValidModuleApiName(options.defaultModule)) {
    throw new SyncError('SYNC_INPUT_INVALID', `"${options.defaultModule}" is not a Zoho module API name.`, { hint: 'Use the module API name, e.g. Leads, Contacts, Deals.' });
  }

  const records = new Map<string, SyncRecordInput>();
  const problems: InputProblem[] = [];
  for (const row of hasHeader ? rows.slice(1) : rows) {
    const cells = row.cells.map((cell) => cell.trim());
    if (cells.every((cell) => cell === '')) continue;
    let module: string | undefined;
    let recordId: string | undefined;
    let name: string | null = null;
    if (hasHeader) {
      recordId = cells[idColumn];
      module = moduleColumn >= 0 && (cells[moduleColumn] ?? '') !== '' ? cells[moduleColumn] : options.defaultModule;
      if (nameColumn >= 0 && (cells[nameColumn] ?? '') !== '') name = cells[nameColumn] ?? null;
      if (recordId === undefined || recordId === '') {
        problems.push({ line: row.line, message: 'the id column is empty' });
        continue;
      }
    } else if (cells.length === 1 && (cells[0] ?? '').includes('/')) {
      const value = cells[0] ?? '';
      const slash = value.lastIndexOf('/');
      module = value.slice(0, slash);
      recordId = value.slice(slash + 1);
    } else if (cells.length === 1) {
      module = options.defaultModule;
      recordId = cells[0];
    } else if (cells.length === 2) {
      module = cells[0];
      recordId = cells[1];
    } else {
      problems.push({ line: row.line, message: `expected Module/id, "Module,id" or an id, found ${cells.length} columns (add a header row naming the id column)` });
      continue;
    }
    if (module === undefined) {
      problems.push({ line: row.line, message: `"${recordId ?? ''}" has no module; add a module column or choose a default module` });
      continue;
    }
    const problem = checkRecord(module, recordId ?? '');
    if (problem !== undefined) {
      problems.push({ line: row.line, message: problem });
      continue;
    }
    records.set(`${module}/${recordId ?? ''}`, { module, recordId: recordId ?? '', ...(name === null ? {} : { name }) });
  }
  if (problems.length > 0) throw inputError('The CSV file', problems, 'Fix the rows named above and try again; nothing was synced.');
  if (records.size === 0) throw new SyncError('SYNC_INPUT_INVALID', 'The CSV file lists no records.', { hint: 'Add one record id per row under the id column.' });
  return [...records.values()];
}

/** A file of records: CSV when its name ends in .csv, otherwise a list (one Module/id per line). */
export function parseRecordsFile(text: string, fileName: string, options: { defaultModule?: string } = {}): SyncRecordInput[] {
  return fileName.toLowerCase().endsWith('.csv') ? parseRecordCsv(text, options) : parseRecordList(text, options);
}

/** The field Zoho names standard records by, for display; custom modules fall back to Name. */
const NAME_FIELDS: Record<string, string> = {
  Leads: 'Full_Name',
  Contacts: 'Full_Name',
  Accounts: 'Account_Name',
  Deals: 'Deal_Name',
  Products: 'Product_Name',
  Quotes: 'Subject',
  Sales_Orders: 'Subject',
  Purchase_Orders: 'Subject',
  Invoices: 'Subject',
  Tasks: 'Subject',
  Events: 'Event_Title',
  Calls: 'Subject',
  Notes: 'Note_Title',
};

export interface ModuleListingOptions {
  /** Only records whose Modified_Time lies in [modifiedFrom, modifiedTo] (ISO 8601 with offset). */
  modifiedFrom?: string;
  modifiedTo?: string;
  signal?: AbortSignal;
}

/**
 * Every record of a module (GET /crm/{v}/{module}, 200 per page = 1 credit per page), optionally only
 * those modified in a window. Zoho's Get Records has no Modified_Time range parameter: it offers the
 * If-Modified-Since header (a lower bound only), which ZohoClient does not send yet, so the window is
 * applied here to the listed Modified_Time — same answers, at the cost of listing the whole module.
 */
export async function listModuleRecords(client: ZohoClient, module: string, options: ModuleListingOptions = {}): Promise<SyncRecordInput[]> {
  const from = bound(options.modifiedFrom, 'modifiedFrom');
  const to = bound(options.modifiedTo, 'modifiedTo');
  if (from !== undefined && to !== undefined && from > to) {
    throw new SyncError('SYNC_INPUT_INVALID', 'The modification window ends before it starts.', { hint: 'Give the earlier date-time first.' });
  }
  const nameField = NAME_FIELDS[module] ?? 'Name';
  const records: SyncRecordInput[] = [];
  for await (const page of client.iterateRecords(module, { fields: ['Modified_Time', nameField], ...(options.signal === undefined ? {} : { signal: options.signal }) })) {
    for (const record of page.items) {
      if (from !== undefined || to !== undefined) {
        const modified = typeof record['Modified_Time'] === 'string' ? Date.parse(record['Modified_Time']) : Number.NaN;
        if (Number.isNaN(modified)) {
          throw new ZohoApiError('ZOHO_MALFORMED_RESPONSE', `Zoho listed ${module} record ${record.id} without a readable Modified_Time, so the window cannot be applied.`, {
            hint: 'Sync the whole module instead, or report this message.',
          });
        }
        if ((from !== undefined && modified < from) || (to !== undefined && modified > to)) continue;
      }
      const name = record[nameField];
      records.push({ module, recordId: record.id, name: typeof name === 'string' ? name : null });
    }
  }
  return records;
}

function bound(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  const value = parseIsoWithOffset(text);
  if (value === undefined) {
    throw new SyncError('SYNC_INPUT_INVALID', `${what} "${text}" is not an ISO 8601 date-time with an offset.`, { hint: 'Write it like 2024-03-01T00:00:00+00:00.' });
  }
  return value;
}
