/** `timeline-auditor trust add|list|remove`: the home folder's trust list, as a reviewer keeps it. */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliIn, type CliRun } from './run-cli.js';
import { createNodeCipher } from '../../../main/auth/node-vault.js';
import { FileSigningKeyStore } from '../../../main/export/signing-key-store.js';
import { TrustList } from '../../../main/export/trust-list.js';

let dir: string;

function cli(home: string, ...args: string[]): Promise<CliRun> {
  return cliWith({}, home, ...args);
}

function cliWith(env: NodeJS.ProcessEnv, home: string, ...args: string[]): Promise<CliRun> {
  return runCliIn(home, args, env);
}

const ADA = 'a1'.repeat(32);
const GRACE = '0f'.repeat(32);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trust-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('trust', () => {
  it('adds, lists and removes signers; the list is private to the owner and shared with the app’s TrustList', async () => {
    const home = join(dir, 'home');
    const own = await new FileSigningKeyStore(home).identity();
    const added = await cli(home, 'trust', 'add', ADA.toUpperCase().replace(/(..)(?!$)/g, '$1:'), '--name', 'Ada Lovelace, ACME audit');
    expect(added).toMatchObject({ code: 0, err: '' });
    expect(added.out).toContain(`Trusted: ${ADA}  Ada Lovelace, ACME audit`);
    expect((await cli(home, 'trust', 'add', `sha256:${GRACE}`, '--name', 'Grace Hopper')).code).toBe(0);

    const listed = await cli(home, 'trust', 'list');
    expect(listed.code).toBe(0);
    const lines = listed.out.split('\n');
    expect(lines[1]).toContain(`${own.fingerprint}  this installation`);
    expect(lines[2]).toContain(`${ADA}  Ada Lovelace, ACME audit (added `);
    expect(lines[3]).toContain(`${GRACE}  Grace Hopper (added `);
    const json = JSON.parse((await cli(home, 'trust', 'list', '--json')).out) as Array<{ kind: string; fingerprint: string; name: string }>;
    expect(json.map(({ kind, fingerprint, name }) => ({ kind, fingerprint, name }))).toEqual([
      { kind: 'own', fingerprint: own.fingerprint, name: 'this installation' },
      { kind: 'added', fingerprint: ADA, name: 'Ada Lovelace, ACME audit' },
      { kind: 'added', fingerprint: GRACE, name: 'Grace Hopper' },
    ]);
    expect(await new TrustList({ directory: home }).list()).toEqual(json);
    expect((await stat(join(home, 'trusted-signers.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, 'signing-identity.json'))).mode & 0o777).toBe(0o600);

    const removed = await cli(home, 'trust', 'remove', ADA);
    expect(removed.code).toBe(0);
    expect(removed.out).toContain(`No longer trusted: ${ADA} (Ada Lovelace, ACME audit).`);
    expect((await new TrustList({ directory: home }).list()).map((signer) => signer.fingerprint)).toEqual([own.fingerprint, GRACE]);
    expect(JSON.parse(await readFile(join(home, 'trusted-signers.json'), 'utf8'))).toMatchObject({ format: 'timeline-auditor.trusted-signers/1', signers: [{ fingerprint: GRACE, name: 'Grace Hopper' }] });
  });

  it('says plainly what is wrong: malformed fingerprint or missing name (usage, exit 2), duplicate, unknown, own key (exit 1)', async () => {
    const home = join(dir, 'errors');
    const own = await new FileSigningKeyStore(home).identity();
    const malformed = await cli(home, 'trust', 'add', 'abc123', '--name', 'Someone');
    expect(malformed.code).toBe(2);
    expect(malformed.err).toContain('"abc123" is not a key fingerprint.');
    expect(malformed.err).toContain('64 hexadecimal characters');
    const noName = await cli(home, 'trust', 'add', ADA);
    expect(noName.code).toBe(2);
    expect(noName.err).toContain('--name');
    expect((await cli(home, 'trust', 'add', ADA, '--name', '   ')).code).toBe(2);

    expect((await cli(home, 'trust', 'add', ADA, '--name', 'Ada')).code).toBe(0);
    const duplicate = await cli(home, 'trust', 'add', ADA.replace(/(..)(?!$)/g, '$1 '), '--name', 'Ada again');
    expect(duplicate.code).toBe(1);
    expect(duplicate.err).toContain('That key is already trusted, as "Ada".');
    const ownAgain = await cli(home, 'trust', 'add', own.fingerprint, '--name', 'Me');
    expect(ownAgain.code).toBe(1);
    expect(ownAgain.err).toContain('already trusted, as "this installation"');

    const unknown = await cli(home, 'trust', 'remove', GRACE);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain(`No trusted signer has the fingerprint ${GRACE}.`);
    const removeOwn = await cli(home, 'trust', 'remove', own.fingerprint);
    expect(removeOwn.code).toBe(1);
    expect(removeOwn.err).toContain('own key is always trusted');
    expect((await cli(home, 'trust', 'remove', 'xyz')).code).toBe(2);
    expect((await cli(home, 'trust', 'frobnicate')).code).toBe(2);
    expect((await cli(home, 'trust')).code).toBe(2);
    // Nothing of that changed the list.
    expect((await new TrustList({ directory: home }).list()).map((signer) => signer.name)).toEqual(['this installation', 'Ada']);
  });

  it('a home whose encrypted key predates signing-identity.json: its own key is recorded when the passphrase opens it, never made anew', async () => {
    const home = join(dir, 'legacy');
    const env = { TIMELINE_AUDITOR_PASSPHRASE: 'legacy passphrase' };
    const key = await new FileSigningKeyStore(home, createNodeCipher(home, env, { requirePassphrase: true })).loadOrCreate();
    await rm(join(home, 'signing-identity.json'));
    const locked = await cli(home, 'trust', 'list');
    expect(locked.code).toBe(0);
    expect(locked.out).toContain('own key could not be opened to record its fingerprint: set TIMELINE_AUDITOR_PASSPHRASE');
    expect(locked.out).not.toContain(key.fingerprint);
    const opened = await cliWith(env, home, 'trust', 'list', '--json');
    expect(JSON.parse(opened.out)).toEqual([{ kind: 'own', fingerprint: key.fingerprint, name: 'this installation', addedAt: null }]);
    expect(JSON.parse(await readFile(join(home, 'signing-identity.json'), 'utf8'))).toMatchObject({ fingerprint: key.fingerprint });
    // Now recorded, it is known without the passphrase too.
    expect((await cli(home, 'trust', 'list')).out).toContain(`${key.fingerprint}  this installation`);
  });

  it('a home that never signed lists no own key and says so; a damaged list trusts nobody and says how to mend it', async () => {
    const fresh = join(dir, 'fresh');
    const listed = await cli(fresh, 'trust', 'list');
    expect(listed.code).toBe(0);
    expect(listed.out).toContain('this home folder has no signing key yet');
    const damaged = join(dir, 'damaged');
    expect((await cli(damaged, 'trust', 'add', ADA, '--name', 'Ada')).code).toBe(0);
    await writeFile(join(damaged, 'trusted-signers.json'), '{"format": "something else"');
    const run = await cli(damaged, 'trust', 'list');
    expect(run.code).toBe(1);
    expect(run.err).toContain('The list of trusted signers at');
    expect(run.err).toContain('is damaged');
  });
});
