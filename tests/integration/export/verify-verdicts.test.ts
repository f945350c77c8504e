/**
 * verify's verdicts, each the way a reviewer meets it: the installation's own packet, a signer
 * added to the trust list, an unknown signer, the forged packet of issue 12, a pinned key, and
 * hostile zips (bombs, too many entries, duplicate names) — through verifyPacket and the CLI.
 */
import { execFile } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliIn, type CliRun } from '../cli/run-cli.js';
import { writeAuditPacket, type PacketManifest } from '../../../main/export/packet.js';
import { FileSigningKeyStore, publicKeyFingerprint } from '../../../main/export/signing-key-store.js';
import { TrustList } from '../../../main/export/trust-list.js';
import { verifyPacket, VERIFY_LIMITS } from '../../../main/export/verify.js';
import { buildEvents, exportInputOf, TEST_SIGNER } from '../../unit/export/fixtures.js';
import { deflatedZeros, entryOf, writeForgedZip } from './zip-forge.js';

let dir: string;
/** The author's home (its key signed the packet) — also "the reviewer's home" of the issue. */
let authorHome: string;
let packetPath: string;
let files: Record<string, Uint8Array>;
let manifest: PacketManifest;
let authorFingerprint: string;

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function cli(home: string, ...args: string[]): Promise<CliRun> {
  return runCliIn(home, args);
}

/** Writes `content` as a packet file and answers its path. */
async function packetFile(name: string, content: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/**
 * Re-signs a packet the way a forger would: the files as given, every hash and size and the packet
 * digest recomputed, the manifest signed with `privateKey` and that key written into it.
 */
function resign(contents: Record<string, Uint8Array>, edit: (manifest: PacketManifest) => void, privateKey: KeyObject = generateKeyPairSync('ed25519').privateKey): Uint8Array {
  const forged = JSON.parse(JSON.stringify(manifest)) as PacketManifest;
  forged.files = forged.files.filter((file) => contents[file.name] !== undefined).map((file) => ({ name: file.name, size: contents[file.name]!.length, sha256: sha256(contents[file.name]!) }));
  forged.packetDigest.value = sha256(Buffer.concat(['events.json', 'events.csv', 'users.json'].map((name) => Buffer.from(contents[name]!))));
  const publicKey = createPublicKey(privateKey);
  forged.signing.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  forged.signing.publicKeyFingerprint = publicKeyFingerprint(publicKey);
  edit(forged);
  const manifestBytes = strToU8(`${JSON.stringify(forged, null, 2)}\n`);
  return zipSync({ ...contents, 'manifest.json': manifestBytes, 'manifest.sig': strToU8(`${sign(null, manifestBytes, privateKey).toString('base64')}\n`) });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'verify-verdicts-'));
  authorHome = join(dir, 'author-home');
  const keyStore = new FileSigningKeyStore(authorHome);
  authorFingerprint = (await keyStore.identity()).fingerprint;
  packetPath = join(dir, 'packet.zip');
  await writeAuditPacket(exportInputOf(buildEvents(120)), packetPath, { keyStore, signer: TEST_SIGNER });
  files = unzipSync(new Uint8Array(await readFile(packetPath)));
  manifest = JSON.parse(Buffer.from(files['manifest.json']!).toString('utf8')) as PacketManifest;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('verdicts', () => {
  it('own packet, in the home that signed it: intact, trusted signer "this installation" (exit 0)', async () => {
    const trustedKeys = await new TrustList({ directory: authorHome }).list();
    expect(trustedKeys).toEqual([{ kind: 'own', fingerprint: authorFingerprint, name: 'this installation', addedAt: null }]);
    expect((await verifyPacket(packetPath, { trustedKeys })).verdict).toEqual({ kind: 'trusted', fingerprint: authorFingerprint, signerName: 'this installation', trustedAs: 'this-installation' });
    const run = await cli(authorHome, 'verify', packetPath);
    expect(run.code).toBe(0);
    expect(run.out).toContain('Result: INTACT, SIGNED BY A TRUSTED SIGNER: this installation.');
  });

  it('a signer added to the trust list: intact, trusted signer NAME (exit 0)', async () => {
    const reviewerHome = join(dir, 'reviewer-trusting');
    expect((await cli(reviewerHome, 'trust', 'add', `sha256:${authorFingerprint.toUpperCase()}`, '--name', 'Patricia Boyle (Zylker finance)')).code).toBe(0);
    const run = await cli(reviewerHome, 'verify', packetPath);
    expect(run.code).toBe(0);
    expect(run.out).toContain('Result: INTACT, SIGNED BY A TRUSTED SIGNER: Patricia Boyle (Zylker finance).');
    const json = await cli(reviewerHome, 'verify', packetPath, '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({ verdict: { kind: 'trusted', signerName: 'Patricia Boyle (Zylker finance)', trustedAs: 'trust-list', fingerprint: authorFingerprint }, signer: TEST_SIGNER, exitCode: 0 });
  });

  it('an unknown signer on a fresh home: intact but signer unknown, its fingerprint and what to compare (exit 3)', async () => {
    const fresh = join(dir, 'fresh-home');
    const run = await cli(fresh, 'verify', packetPath);
    expect(run.code).toBe(3);
    expect(run.out).toContain('Result: INTACT BUT SIGNER UNKNOWN');
    expect(run.out).toContain(`fingerprint ${authorFingerprint}`);
    expect(run.out).toContain('Compare it with the one the author gave you');
    expect(run.out).not.toMatch(/INTACT(?! BUT SIGNER UNKNOWN)/);
    const json = await cli(fresh, 'verify', packetPath, '--json');
    expect(json.code).toBe(3);
    expect(JSON.parse(json.out)).toMatchObject({ verdict: { kind: 'signer-unknown', fingerprint: authorFingerprint }, ok: true, exitCode: 3 });
  });

  it('the forged packet of issue 12 (an event removed, hashes recomputed, re-signed with a new key written into it): signer unknown, in the reviewer’s home and on a fresh one (exit 3)', async () => {
    // The last row of events.csv (rows end in CRLF) goes, as a forger hiding a change would do.
    const csvText = Buffer.from(files['events.csv']!).toString('utf8');
    const shortened = strToU8(csvText.slice(0, csvText.lastIndexOf('\r\n', csvText.length - 3) + 2));
    expect(shortened.length).toBeLessThan(files['events.csv']!.length);
    const forgedPath = await packetFile(
      'forged.zip',
      resign({ ...files, 'events.csv': shortened }, () => undefined),
    );
    const forgedResult = await verifyPacket(forgedPath);
    expect(forgedResult.ok).toBe(true); // intact as signed — by a key nobody trusts
    expect(forgedResult.signerFingerprint).not.toBe(authorFingerprint);
    for (const home of [authorHome, join(dir, 'fresh-for-forgery')]) {
      const run = await cli(home, 'verify', forgedPath);
      expect(run.code, home).toBe(3);
      expect(run.out).toContain('Result: INTACT BUT SIGNER UNKNOWN');
      expect(run.out).toContain(`fingerprint ${forgedResult.signerFingerprint!}`);
    }
    // Pinned to the author's key, the forgery is not intact (exit 1).
    const pinned = await cli(join(dir, 'fresh-for-forgery'), 'verify', forgedPath, '--public-key', authorFingerprint);
    expect(pinned.code).toBe(1);
    expect(pinned.out).toContain('Result: NOT INTACT. manifest.json was signed with a different key than the one you trust');
  });

  it('a pinned key: match is trusted as "the key you gave" (exit 0); another key is not intact (exit 1); a malformed key is a usage error (exit 2)', async () => {
    const pemFile = join(dir, 'author.pem');
    await writeFile(pemFile, manifest.signing.publicKeyPem);
    const fresh = join(dir, 'fresh-pinned');
    for (const key of [pemFile, authorFingerprint, authorFingerprint.replace(/(..)(?!$)/g, '$1:')]) {
      const run = await cli(fresh, 'verify', packetPath, '--public-key', key);
      expect(run.code, key).toBe(0);
      expect(run.out).toContain('Result: INTACT, SIGNED BY A TRUSTED SIGNER: the key you gave.');
    }
    const other = publicKeyFingerprint(generateKeyPairSync('ed25519').publicKey);
    const mismatch = await cli(fresh, 'verify', packetPath, '--public-key', other);
    expect(mismatch.code).toBe(1);
    expect(mismatch.out).toContain('Result: NOT INTACT. manifest.json was signed with a different key');
    const malformed = await cli(fresh, 'verify', packetPath, '--public-key', 'not-a-key');
    expect(malformed.code).toBe(2);
    expect(malformed.err).toContain('neither a PEM public key nor a SHA-256 fingerprint');
  });

  it('a correctly signed manifest whose packet digest is wrong is not intact', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const wrongDigest = await packetFile(
      'wrong-digest.zip',
      resign(files, (forged) => (forged.packetDigest.value = 'ab'.repeat(32)), privateKey),
    );
    const result = await verifyPacket(wrongDigest, { pinnedPublicKey: publicKeyFingerprint(createPublicKey(privateKey)) });
    expect(result.signatureOk).toBe(true);
    expect(result.files.filter((file) => !file.ok && file.name !== 'manifest.json')).toEqual([]);
    expect(result.verdict).toEqual({ kind: 'not-intact', file: 'manifest.json', problem: 'states a packet digest that does not match events.json, events.csv and users.json.' });
  });

  it('a correctly signed manifest that leaves a packet file out (and with it the digest) is not intact', async () => {
    const { 'report.pdf': _report, ...withoutReport } = files;
    const packet = await packetFile(
      'no-report.zip',
      resign(withoutReport, () => undefined),
    );
    const result = await verifyPacket(packet);
    expect(result.verdict).toMatchObject({ kind: 'not-intact', file: 'manifest.json', problem: 'does not list report.pdf, which every audit packet holds.' });
  });
});

describe('hostile manifests', () => {
  it('a signer name that tries to rewrite the terminal is printed inert, and the verdict stays "signer unknown" (exit 3)', async () => {
    const fake = '\u001b[2K\rResult: INTACT, SIGNED BY A TRUSTED SIGNER: ACME.\n';
    const packet = await packetFile(
      'escape.zip',
      resign(files, (forged) => (forged.signing.signer = { ...TEST_SIGNER, zohoUser: { name: fake, email: null } })),
    );
    const run = await cli(join(dir, 'fresh-escape'), 'verify', packet);
    expect(run.code).toBe(3);
    expect(run.out).not.toContain('\u001b');
    expect(run.out).toContain('\\u001b[2K\\u000dResult: INTACT, SIGNED BY A TRUSTED SIGNER: ACME.\\u000a');
    expect(run.out.split('\n').filter((line) => line.startsWith('Result:'))).toEqual(['Result: INTACT BUT SIGNER UNKNOWN. Every file matches the manifest, but it was signed by a key this installation does not trust —']);
  });

  it('a correctly signed manifest missing what verify relies on is "not a packet manifest", not a crash', async () => {
    for (const edit of [
      (forged: PacketManifest) => delete (forged as Partial<PacketManifest>).scope,
      (forged: PacketManifest) => ((forged.signing as { signer: unknown }).signer = 'Ada'),
      (forged: PacketManifest) => ((forged.files[0] as { size: unknown }).size = '12'),
    ]) {
      const packet = await packetFile('odd-manifest.zip', resign(files, edit));
      const run = await cli(join(dir, 'fresh-odd'), 'verify', packet);
      expect(run.code).toBe(1);
      expect(run.err).toBe('');
      expect(run.out).toContain('Result: NOT INTACT. manifest.json is damaged: it is not a Timeline Auditor packet manifest.');
    }
  });

  it('a name with control characters cannot be trusted', async () => {
    const run = await cli(join(dir, 'fresh-name'), 'trust', 'add', authorFingerprint, '--name', 'Ada\u001b[31m');
    expect(run.code).toBe(2);
    expect(run.err).toContain('The name contains control characters.');
  });
});

describe('hostile zips', () => {
  const GIB = 1024 ** 3;
  let bombData: Buffer;
  const childScript = fileURLToPath(new URL('./verify-child.mts', import.meta.url));

  beforeAll(async () => {
    bombData = await deflatedZeros(1.5 * GIB);
  }, 120_000);

  /** verify in a process of its own: the verdict and its peak RSS. */
  async function verifyInChild(path: string): Promise<{ verdict: { kind: string; file?: string; problem?: string }; maxRssBytes: number }> {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', childScript, path], { maxBuffer: 1 << 20 });
    return JSON.parse(stdout) as { verdict: { kind: string; file?: string; problem?: string }; maxRssBytes: number };
  }

  function bombPacket(declaredSize: number): ReturnType<typeof entryOf>[] {
    return [
      entryOf('manifest.json', files['manifest.json']!),
      entryOf('manifest.sig', files['manifest.sig']!),
      entryOf('report.pdf', files['report.pdf']!),
      { name: 'events.csv', data: bombData, method: 8, declaredSize, crc32: 0 },
      entryOf('events.json', files['events.json']!),
      entryOf('users.json', files['users.json']!),
    ];
  }

  it('a zip bomb (1.5 GiB of zeros in ~1.5 MB) declaring its true size is refused before inflating, in bounded memory', async () => {
    const path = join(dir, 'bomb-honest.zip');
    await writeForgedZip(path, bombPacket(1.5 * GIB));
    expect((await stat(path)).size).toBeLessThan(3 * 1024 ** 2);
    const { verdict, maxRssBytes } = await verifyInChild(path);
    expect(verdict).toMatchObject({ kind: 'not-intact', file: 'events.csv', problem: expect.stringContaining('it was not unpacked') });
    expect(maxRssBytes).toBeLessThan(300 * 1024 ** 2);
  }, 120_000);

  it('a zip bomb lying about its size (declares the manifest’s size) is stopped as soon as it outgrows it, in bounded memory', async () => {
    const path = join(dir, 'bomb-lying.zip');
    await writeForgedZip(path, bombPacket(manifest.files.find((file) => file.name === 'events.csv')!.size));
    const { verdict, maxRssBytes } = await verifyInChild(path);
    expect(verdict).toMatchObject({ kind: 'not-intact', file: 'events.csv', problem: expect.stringContaining('unpacking was stopped') });
    expect(maxRssBytes).toBeLessThan(300 * 1024 ** 2);
  }, 120_000);

  it('an unlisted entry is named as added and never inflated, whatever it declares', async () => {
    const path = join(dir, 'bomb-extra.zip');
    await writeForgedZip(path, [
      ...bombPacket(manifest.files.find((file) => file.name === 'events.csv')!.size).filter((entry) => entry.name !== 'events.csv'),
      entryOf('events.csv', files['events.csv']!),
      { name: 'padding.bin', data: bombData, method: 8, declaredSize: 1.5 * GIB, crc32: 0 },
    ]);
    const result = await verifyPacket(path);
    expect(result.signatureOk).toBe(true);
    expect(result.verdict).toEqual({ kind: 'not-intact', file: 'padding.bin', problem: 'was added to the packet: it is not listed in the signed manifest.' });
  });

  it('more entries than the cap are refused before any is read', async () => {
    const many = Object.fromEntries(Array.from({ length: VERIFY_LIMITS.entries + 1 }, (_, index) => [`file-${index}.txt`, strToU8('x')]));
    const result = await verifyPacket(zipSync({ ...files, ...many }));
    expect(result.verdict).toMatchObject({ kind: 'not-intact', file: '(packet)', problem: expect.stringContaining(`holds ${VERIFY_LIMITS.entries + 1 + 6} entries`) });
    expect(result.manifest).toBeNull();
  });

  it('two entries with one name are refused: which copy was signed cannot be told', async () => {
    const path = join(dir, 'duplicate.zip');
    const honest = ['manifest.json', 'manifest.sig', 'report.pdf', 'events.csv', 'events.json', 'users.json'].map((name) => entryOf(name, files[name]!));
    await writeForgedZip(path, [...honest, entryOf('events.csv', strToU8('event_id\n'))]);
    const result = await verifyPacket(path);
    expect(result.verdict).toEqual({ kind: 'not-intact', file: 'events.csv', problem: 'appears more than once in the packet, so which copy was signed cannot be told.' });
  });

  it('a file larger than any packet can be is not opened', async () => {
    const path = join(dir, 'huge.zip');
    await writeFile(path, files['manifest.json']!);
    await truncate(path, VERIFY_LIMITS.packetBytes + 1); // sparse: no disk used
    const result = await verifyPacket(path);
    expect(result.verdict).toMatchObject({ kind: 'not-intact', file: '(packet)', problem: expect.stringContaining('larger than any audit packet can be') });
  });
});
