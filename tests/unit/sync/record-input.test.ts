import { describe, expect, it } from 'vitest';
import { AuditorError } from '../../../main/core/errors.js';
import { parseCsvRows, parseRecordCsv, parseRecordList, parseRecordRef, parseRecordsFile } from '../../../main/sync/record-input.js';

function problemsOf(work: () => unknown): Array<{ line: number; message: string }> {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(AuditorError);
    expect((error as AuditorError).code).toBe('SYNC_INPUT_INVALID');
    return ((error as AuditorError).details?.['problems'] ?? []) as Array<{ line: number; message: string }>;
  }
  throw new Error('expected the input to be refused');
}

describe('record input', () => {
  it('parses one Module/id', () => {
    expect(parseRecordRef(' Leads/554023000001122039 ')).toEqual({ module: 'Leads', recordId: '554023000001122039' });
    expect(() => parseRecordRef('554023000001122039')).toThrow(/Module\/RecordId/);
    expect(() => parseRecordRef('Leads/12ab')).toThrow(/not a Zoho record id/);
    expect(() => parseRecordRef('Le ads/12')).toThrow(/module API name/);
  });

  it('parses a list with comments, separators, a default module, and drops duplicates', () => {
    const text = '# audit batch\nLeads/1, Leads/2\n\n  Deals/3  \n4\nLeads/1\n';
    expect(parseRecordList(text, { defaultModule: 'Contacts' })).toEqual([
      { module: 'Leads', recordId: '1' },
      { module: 'Leads', recordId: '2' },
      { module: 'Deals', recordId: '3' },
      { module: 'Contacts', recordId: '4' },
    ]);
  });

  it('names every bad line of a list', () => {
    const problems = problemsOf(() => parseRecordList('Leads/1\n42\nLeads/x9\n\nDe-als/5'));
    expect(problems.map((problem) => problem.line)).toEqual([2, 3, 5]);
    expect(problems[0]?.message).toMatch(/no module/);
    expect(() => parseRecordList('# nothing\n\n')).toThrow(/empty/);
  });

  it('reads RFC 4180 CSV: quotes, commas and line breaks inside quotes, CRLF, BOM', () => {
    const rows = parseCsvRows('\uFEFFid,"Name, full"\r\n1,"Ann ""The"" Lee"\r\n2,"two\nlines"\n');
    expect(rows).toEqual([
      { line: 1, cells: ['id', 'Name, full'] },
      { line: 2, cells: ['1', 'Ann "The" Lee'] },
      { line: 3, cells: ['2', 'two\nlines'] },
    ]);
    expect(() => parseCsvRows('id\n"unclosed\n')).toThrow(/never closed/);
  });

  it('finds the id column by header (id, record_id, Record Id) and the module from a column or the default', () => {
    expect(parseRecordCsv('Record Id,Module,Full Name\n11,Leads,Ann\n12,,Bob\n', { defaultModule: 'Contacts' })).toEqual([
      { module: 'Leads', recordId: '11', name: 'Ann' },
      { module: 'Contacts', recordId: '12', name: 'Bob' },
    ]);
    expect(parseRecordCsv('Email,record_id\na@x,21\n', { defaultModule: 'Deals' })).toEqual([{ module: 'Deals', recordId: '21' }]);
    expect(parseRecordCsv('ID\n31\n31\n', { defaultModule: 'Leads' })).toEqual([{ module: 'Leads', recordId: '31' }]);
  });

  it('reads header-less CSV rows as Module/id, "Module,id" or a bare id with a default module', () => {
    expect(parseRecordCsv('Leads/1\nDeals,2\n3\n', { defaultModule: 'Accounts' })).toEqual([
      { module: 'Leads', recordId: '1' },
      { module: 'Deals', recordId: '2' },
      { module: 'Accounts', recordId: '3' },
    ]);
  });

  it('explains CSV problems with line numbers', () => {
    expect(problemsOf(() => parseRecordCsv('Name,Email\nAnn,a@x\n', { defaultModule: 'Leads' }))[0]).toMatchObject({ line: 1, message: expect.stringMatching(/no id column/) as string });
    expect(problemsOf(() => parseRecordCsv('id,module\n1,Leads\n,Leads\nabc,Leads\n4,Bad Module\n'))).toEqual([
      { line: 3, message: 'the id column is empty' },
      { line: 4, message: expect.stringMatching(/"abc" is not a Zoho record id/) as string },
      { line: 5, message: expect.stringMatching(/"Bad Module" is not a Zoho module API name/) as string },
    ]);
    expect(problemsOf(() => parseRecordCsv('id\n1\n'))[0]?.message).toMatch(/no module column and no default module/);
    expect(problemsOf(() => parseRecordCsv('1\n2\n'))).toHaveLength(2);
    // A quoted line break moves the line numbers of later rows.
    expect(problemsOf(() => parseRecordCsv('id,note\n1,"a\nb"\nx,c\n', { defaultModule: 'Leads' }))[0]?.line).toBe(4);
    expect(() => parseRecordCsv('')).toThrow(/empty/);
  });

  it('reads a Zoho-style export: BOM, CRLF, quoted names holding commas, quotes and line breaks; ids stay exact strings', () => {
    const text = '\uFEFFRecord Id,Module,Full Name,Description\r\n554023000001122039,Leads,"Lee, Ann","says ""hi""\r\non two lines"\r\n0070,Deals,"Bob",x\r\n';
    expect(parseRecordCsv(text)).toEqual([
      { module: 'Leads', recordId: '554023000001122039', name: 'Lee, Ann' },
      { module: 'Deals', recordId: '0070', name: 'Bob' },
    ]);
    expect(parseCsvRows(text).map((row) => row.line)).toEqual([1, 2, 4]);
    expect(parseCsvRows(text)[1]?.cells[3]).toBe('says "hi"\r\non two lines');
  });

  it('numbers rows by the line they start on, across blank lines and mixed line ends', () => {
    expect(parseCsvRows('a\n\n  \nb\r\nc\rd\n"x\r\ny"\r\ne')).toEqual([
      { line: 1, cells: ['a'] },
      { line: 4, cells: ['b'] },
      { line: 5, cells: ['c'] },
      { line: 6, cells: ['d'] },
      { line: 7, cells: ['x\r\ny'] },
      { line: 9, cells: ['e'] },
    ]);
  });

  it('refuses malformed CSV with a plain error naming the line where the bad row starts', () => {
    expect(problemsOf(() => parseCsvRows('id\n1\n\n2,"x\ny\nz\n'))).toEqual([{ line: 4, message: 'a quoted field is never closed (a " is missing)' }]);
    expect(() => parseRecordCsv('id,module\n1,Leads\n2,"Leads\n', { defaultModule: 'Leads' })).toThrow(/line 3: a quoted field is never closed/);
    const stray = problemsOf(() => parseCsvRows('id,name\n1,Ann\n2,Ann "The" Lee\n'));
    expect(stray).toHaveLength(1);
    expect(stray[0]?.line).toBe(3);
    expect(stray[0]?.message).toMatch(/a " appears inside a field/);
    expect(problemsOf(() => parseCsvRows('id,name\n1,"Ann"x\n'))[0]).toMatchObject({ line: 2, message: expect.stringMatching(/text follows the closing "/) as string });
  });

  it('chooses CSV or list by file name', () => {
    expect(parseRecordsFile('id\n5\n', 'export.CSV', { defaultModule: 'Leads' })).toEqual([{ module: 'Leads', recordId: '5' }]);
    expect(parseRecordsFile('Leads/5\n', 'batch.txt')).toEqual([{ module: 'Leads', recordId: '5' }]);
  });
});
