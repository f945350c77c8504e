import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJsonFileStore } from '../../../main/core/json-file-store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ta-json-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('JSON file store', () => {
  it('keeps values in <name>.json (electron-store’s format), readable by the owner only', () => {
    const store = createJsonFileStore(dir, 'settings');
    expect(store.get('missing')).toBeUndefined();
    store.set('timeZone', { kind: 'utc' });
    store.set('ids', ['554023000001122039', '9007199254740993']);
    expect(store.path).toBe(join(dir, 'settings.json'));
    expect(JSON.parse(readFileSync(store.path, 'utf8'))).toEqual({ timeZone: { kind: 'utc' }, ids: ['554023000001122039', '9007199254740993'] });
    if (process.platform !== 'win32') expect(statSync(store.path).mode & 0o777).toBe(0o600);
    store.delete('timeZone');
    expect(store.get('timeZone')).toBeUndefined();
    expect(store.get('ids')).toEqual(['554023000001122039', '9007199254740993']);
    store.clear();
    expect(store.get('ids')).toBeUndefined();
  });

  it('sees what another process (another store on the same file) wrote', () => {
    const first = createJsonFileStore(dir, 'zoho-vault');
    const second = createJsonFileStore(dir, 'zoho-vault');
    first.set('generation', 1);
    expect(second.get('generation')).toBe(1);
    second.set('generation', 2);
    expect(first.get('generation')).toBe(2);
    first.set('other', 'x');
    expect(second.get('generation')).toBe(2);
    expect(second.get('other')).toBe('x');
  });

  it('refuses a damaged file with a plain message instead of treating it as empty', () => {
    writeFileSync(join(dir, 'settings.json'), '{"timeZone": ');
    const store = createJsonFileStore(dir, 'settings');
    expect(() => store.get('timeZone')).toThrow(/damaged/);
    writeFileSync(join(dir, 'settings.json'), '[1,2]');
    expect(() => createJsonFileStore(dir, 'settings').get('x')).toThrow(/damaged/);
  });
});
