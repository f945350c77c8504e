import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodePlatformPorts } from '../../../main/app/node-platform.js';
import { createJsonFileStore } from '../../../main/core/json-file-store.js';
import { createPrivateFile, makeHomeFolderPrivate } from '../../../main/core/private-files.js';

let dir: string;
let umask: number;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ta-private-'));
  umask = process.umask(0o022); // the usual default: new files 0644, folders 0755
});
afterEach(() => {
  process.umask(umask);
  rmSync(dir, { recursive: true, force: true });
});

const modeOf = (path: string): number => statSync(path).mode & 0o777;

describe.skipIf(process.platform === 'win32')('private files (POSIX; on Windows the user profile’s ACL protects them, modes mean nothing)', () => {
  it('the Node platform makes its home folder 0700 and narrows every file directly in it to 0600, leaving sub-folders (exports) alone', () => {
    const home = join(dir, 'home');
    mkdirSync(home, { mode: 0o755 });
    chmodSync(home, 0o755);
    for (const name of ['zoho-vault.json', 'zoho-vault.salt.json', 'settings.json', 'signing-key.pem.enc', 'trusted-signers.json']) {
      writeFileSync(join(home, name), '{}');
      chmodSync(join(home, name), 0o644);
    }
    mkdirSync(join(home, 'exports'));
    writeFileSync(join(home, 'exports', 'events.csv'), 'x');
    nodePlatformPorts({ shell: 'cli', home, env: {} });
    expect(modeOf(home)).toBe(0o700);
    for (const name of ['zoho-vault.json', 'zoho-vault.salt.json', 'settings.json', 'signing-key.pem.enc', 'trusted-signers.json']) expect([name, modeOf(join(home, name))]).toEqual([name, 0o600]);
    expect(modeOf(join(home, 'exports', 'events.csv'))).toBe(0o644);
  });

  it('a home folder that does not exist yet is created 0700', () => {
    const home = join(dir, 'a', 'b');
    makeHomeFolderPrivate(home);
    expect(modeOf(home)).toBe(0o700);
  });

  it('a JSON store writes 0600 and narrows a file an earlier version left 0644 as soon as it is opened', () => {
    writeFileSync(join(dir, 'zoho-vault.json'), '{"a":1}');
    chmodSync(join(dir, 'zoho-vault.json'), 0o644);
    const store = createJsonFileStore(dir, 'zoho-vault');
    expect(modeOf(store.path)).toBe(0o600);
    expect(store.get('a')).toBe(1);
    const fresh = createJsonFileStore(dir, 'settings');
    fresh.set('x', 1);
    expect(modeOf(fresh.path)).toBe(0o600);
  });

  it('never widens: a file made 0400 stays 0400; createPrivateFile makes a new file 0600', () => {
    const readOnly = join(dir, 'kept.json');
    writeFileSync(readOnly, '{}');
    chmodSync(readOnly, 0o400);
    makeHomeFolderPrivate(dir);
    expect(modeOf(readOnly)).toBe(0o400);
    createPrivateFile(join(dir, 'cache.sqlite'));
    expect(modeOf(join(dir, 'cache.sqlite'))).toBe(0o600);
  });
});
