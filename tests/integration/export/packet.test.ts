import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AesGcmScryptCipher } from '../../../main/auth/aes-gcm-scrypt-cipher.js';
import { verifyCommand } from '../../../main/cli/commands/verify.js';
import { createCliContext } from '../../../main/cli/index.js';
import type { CliContext } from '../../../main/cli/types.js';
import { writeAuditPacket, type PacketManifest } from '../../../main/export/packet.js';
import { FileSigningKeyStore, publicKeyFingerprint } from '../../../main/export/signing-key-store.js';
import type { ExportEvent } from '../../../main/export/types.js';
import { verifyPacket } from '../../../main/export/verify.js';
import { buildEvents, exportInputOf, testScope, TEST_SIGNER } from '../../unit/export/fixtures.js';

let dir: string;
let events: ExportEvent[];
let packetPath: string;
let packet: Uint8Array;
let keyStore: FileSigningKeyStore;

function rezip(files: Record<string, Uint8Array>): Uint8Array {
  return zipSync(files);
}

function context(home: string): CliContext & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  return { ...createCliContext({ stdout, stderr, env: {}, signal: new AbortController().signal }, home), out: () => out, err: () => err };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'export-packet-'));
  events = buildEvents(250);
  keyStore = new FileSigningKeyStore(join(dir, 'home'));
  packetPath = join(dir, 'packet.zip');
  const phases = new Set<string>();
  await writeAuditPacket(exportInputOf(events), packetPath, { keyStore, signer: TEST_SIGNER, onProgress: (progress) => phases.add(progress.phase) });
  expect([...phases]).toEqual(expect.arrayContaining(['csv', 'pdf', 'signing', 'zip', 'done']));
  packet = new Uint8Array(await readFile(packetPath));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('audit packet', () => {
  it('holds the six files; events.json has the raw events verbatim and the owners beside them', () => {
    const files = unzipSync(packet);
    expect(Object.keys(files).sort()).toEqual(['events.csv', 'events.json', 'manifest.json', 'manifest.sig', 'report.pdf', 'users.json']);
    const json = JSON.parse(Buffer.from(files['events.json'] as Uint8Array).toString('utf8')) as { events: unknown[]; owners: Array<{ module: string; recordId: string }>; eventOwners: number[]; reviews: Array<{ eventId: string; flags: string[] }> };
    expect(json.events).toHaveLength(events.length);
    json.events.forEach((raw, index) => {
      expect(JSON.stringify(raw)).toBe(JSON.stringify(events[index]?.entry.raw));
      expect(json.owners[json.eventOwners[index] as number]).toEqual(events[index]?.owner);
    });
    expect(json.reviews.length).toBe(events.filter((event) => event.flags.length > 0 || event.notes.length > 0).length);
    // The injection rule is CSV-only: the raw formula survives in JSON.
    expect(Buffer.from(files['events.json'] as Uint8Array).toString('utf8')).toContain('=HYPERLINK(\\"http://x\\",\\"y\\")');
  });

  it('lists every file with size and SHA-256, the digest in the report footer, and the public key', () => {
    const files = unzipSync(packet);
    const manifest = JSON.parse(Buffer.from(files['manifest.json'] as Uint8Array).toString('utf8')) as PacketManifest;
    expect(manifest.files.map((file) => file.name)).toEqual(['report.pdf', 'events.csv', 'events.json', 'users.json']);
    for (const file of manifest.files) expect(file.size).toBe(files[file.name]?.length);
    expect(manifest.counts.events).toBe(events.length);
    expect(manifest.scope.orgId).toBe('20071234567');
    expect(manifest.generator.version).toBe('0.1.0');
    const joined = Buffer.concat(['events.json', 'events.csv', 'users.json'].map((name) => Buffer.from(files[name] as Uint8Array)));
    expect(execFileSync('sha256sum', { input: joined, encoding: 'utf8' }).slice(0, 64)).toBe(manifest.packetDigest.value);
    const pdfPath = join(dir, 'extracted.pdf');
    execFileSync('sh', ['-c', `cat > "${pdfPath}"`], { input: Buffer.from(files['report.pdf'] as Uint8Array) });
    const pdfText = execFileSync('pdftotext', [pdfPath, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(pdfText).toContain(`Packet digest (SHA-256): ${manifest.packetDigest.value}`);
    // The signature verifies with openssl alone, as docs/exports.md tells reviewers.
    const publicKeyPath = join(dir, 'pub.pem');
    const signaturePath = join(dir, 'sig.bin');
    const manifestPath = join(dir, 'manifest.json');
    execFileSync('sh', ['-c', `cat > "${publicKeyPath}"`], { input: manifest.signing.publicKeyPem });
    execFileSync('sh', ['-c', `cat > "${manifestPath}"`], { input: Buffer.from(files['manifest.json'] as Uint8Array) });
    execFileSync('sh', ['-c', `base64 -d > "${signaturePath}"`], { input: Buffer.from(files['manifest.sig'] as Uint8Array) });
    expect(execFileSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', publicKeyPath, '-rawin', '-in', manifestPath, '-sigfile', signaturePath], { encoding: 'utf8' })).toContain('Signature Verified Successfully');
    expect(execFileSync('sh', ['-c', `openssl pkey -pubin -in "${publicKeyPath}" -outform DER | sha256sum`], { encoding: 'utf8' }).slice(0, 64)).toBe(manifest.signing.publicKeyFingerprint);
  });

  it('verifies when intact, also against the pinned key (PEM or fingerprint)', async () => {
    const key = await keyStore.loadOrCreate();
    for (const pinned of [undefined, key.publicKeyPem, key.fingerprint, key.fingerprint.toUpperCase().replace(/(..)(?!$)/g, '$1:')]) {
      const result = await verifyPacket(packetPath, pinned === undefined ? {} : { pinnedPublicKey: pinned });
      expect(result.ok).toBe(true);
      expect(result.signatureOk).toBe(true);
      expect(result.firstProblem).toBeNull();
      expect(result.files.every((file) => file.ok)).toBe(true);
      expect(result.files).toHaveLength(6);
    }
  });

  it.each(['report.pdf', 'events.csv', 'events.json', 'users.json', 'manifest.json', 'manifest.sig'])('names %s when one byte of it changes', async (name) => {
    const files = unzipSync(packet);
    const content = new Uint8Array(files[name] as Uint8Array);
    const position = Math.floor(content.length / 2);
    // Flip a byte; for base64 manifest.sig pick another base64 letter so the signature stays well-formed.
    content[position] = name === 'manifest.sig' ? (content[position] === 0x41 ? 0x42 : 0x41) : (content[position] as number) ^ 0x01;
    files[name] = content;
    const result = await verifyPacket(rezip(files));
    expect(result.ok).toBe(false);
    expect(result.firstProblem?.file).toBe(name === 'manifest.sig' ? 'manifest.json' : name);
    if (name !== 'manifest.json' && name !== 'manifest.sig') {
      expect(result.signatureOk).toBe(true);
      expect(result.files.find((file) => file.name === name)?.ok).toBe(false);
      expect(result.firstProblem?.problem).toMatch(/changed after the packet was signed/);
    } else expect(result.signatureOk).toBe(false);
  });

  it.each(['report.pdf', 'events.csv', 'events.json', 'users.json', 'manifest.sig', 'manifest.json'])('names %s when it is removed', async (name) => {
    const files = unzipSync(packet);
    delete files[name];
    const result = await verifyPacket(rezip(files));
    expect(result.ok).toBe(false);
    expect(result.firstProblem?.file).toBe(name);
    expect(result.firstProblem?.problem).toMatch(/missing/);
  });

  it('names an extra file', async () => {
    const files = unzipSync(packet);
    files['notes.txt'] = strToU8('added later');
    const result = await verifyPacket(rezip(files));
    expect(result.ok).toBe(false);
    expect(result.signatureOk).toBe(true);
    expect(result.firstProblem).toEqual({ file: 'notes.txt', problem: expect.stringMatching(/not listed in the signed manifest/) });
  });

  it('catches an edited manifest even when the edit updates a file hash to match a changed file', async () => {
    const files = unzipSync(packet);
    const manifest = JSON.parse(Buffer.from(files['manifest.json'] as Uint8Array).toString('utf8')) as PacketManifest;
    files['users.json'] = strToU8('[]\n');
    const users = manifest.files.find((file) => file.name === 'users.json');
    if (users === undefined) throw new Error('users.json not listed');
    users.size = 3;
    users.sha256 = execFileSync('sha256sum', { input: '[]\n', encoding: 'utf8' }).slice(0, 64);
    files['manifest.json'] = strToU8(`${JSON.stringify(manifest, null, 2)}\n`);
    const result = await verifyPacket(rezip(files));
    expect(result.ok).toBe(false);
    expect(result.signatureOk).toBe(false);
    expect(result.firstProblem?.file).toBe('manifest.json');
  });

  it('refuses a packet signed by another key than the pinned one', async () => {
    const other = generateKeyPairSync('ed25519').publicKey;
    const result = await verifyPacket(packet, { pinnedPublicKey: other.export({ type: 'spki', format: 'pem' }).toString() });
    expect(result.ok).toBe(false);
    expect(result.signatureOk).toBe(false);
    expect(result.firstProblem?.file).toBe('manifest.json');
    expect(result.firstProblem?.problem).toContain(publicKeyFingerprint(other));
  });

  it('stops on abort, leaving no packet and no partial file', async () => {
    const target = join(dir, 'cancelled');
    await mkdir(target);
    const controller = new AbortController();
    const source = async function* (): AsyncGenerator<ExportEvent> {
      for (const [index, event] of events.entries()) {
        if (index === 120) controller.abort();
        yield event;
      }
    };
    await expect(writeAuditPacket(exportInputOf(events, testScope(), { source }), join(target, 'packet.zip'), { keyStore, signer: TEST_SIGNER, signal: controller.signal })).rejects.toMatchObject({ code: 'EXPORT_CANCELLED' });
    expect(await readdir(target)).toEqual([]);
  });

  it('refuses something that is not a zip', async () => {
    const result = await verifyPacket(strToU8('not a zip'));
    expect(result.ok).toBe(false);
    expect(result.firstProblem?.file).toBe('(packet)');
  });
});

describe('signing key store', () => {
  it('makes one key per installation, 0600, and reuses it', async () => {
    const home = join(dir, 'key-home');
    const first = await new FileSigningKeyStore(home).loadOrCreate();
    const again = await new FileSigningKeyStore(home).loadOrCreate();
    expect(again.fingerprint).toBe(first.fingerprint);
    const info = await stat(join(home, 'signing-key.pem'));
    expect(info.mode & 0o777).toBe(0o600);
    expect(await readFile(join(home, 'signing-key.pem'), 'utf8')).toContain('BEGIN PRIVATE KEY');
  });

  it('stores the key encrypted when given a SecretCipher', async () => {
    const home = join(dir, 'cipher-home');
    const cipher = AesGcmScryptCipher.open('correct horse battery staple', join(dir, 'cipher-salt.json'));
    const first = await new FileSigningKeyStore(home, cipher).loadOrCreate();
    const stored = await readFile(join(home, 'signing-key.pem.enc'), 'utf8');
    expect(stored).not.toContain('PRIVATE KEY');
    expect((await new FileSigningKeyStore(home, cipher).loadOrCreate()).fingerprint).toBe(first.fingerprint);
    const wrong = AesGcmScryptCipher.open('another passphrase', join(dir, 'cipher-salt.json'));
    await expect(new FileSigningKeyStore(home, wrong).loadOrCreate()).rejects.toMatchObject({ code: 'SIGNING_KEY_UNREADABLE' });
  });
});

describe('CLI', () => {
  it('verify exits 0 for an intact packet and names the first broken file otherwise', async () => {
    // In the home folder that signed it: its own key is trusted.
    const ok = context(join(dir, 'home'));
    expect(await verifyCommand.run([packetPath], ok)).toBe(0);
    expect(ok.out()).toContain('Result: INTACT, SIGNED BY A TRUSTED SIGNER: this installation');
    expect(ok.out()).toContain('Signed by (as the manifest states): Patricia Boyle <patricia.boyle@zylker.example>, organisation 20071234567 (EU), installation 3f0c4f1e-7d7a-4c61-9d0e-2a4f5b6c7d8e on audit-laptop');
    // Anywhere else, unpinned: intact, but the signer is unknown (exit 3) and never "INTACT" alone.
    const elsewhere = context(dir);
    expect(await verifyCommand.run([packetPath], elsewhere)).toBe(3);
    expect(elsewhere.out()).toContain('Result: INTACT BUT SIGNER UNKNOWN');
    expect(elsewhere.out()).not.toMatch(/Result: INTACT\./);
    const key = await keyStore.loadOrCreate();
    const pinnedFile = join(dir, 'trusted.pem');
    await writeFile(pinnedFile, key.publicKeyPem);
    expect(await verifyCommand.run([packetPath, '--public-key', pinnedFile], context(dir))).toBe(0);

    const files = unzipSync(packet);
    const csv = new Uint8Array(files['events.csv'] as Uint8Array);
    csv[100] = (csv[100] as number) ^ 0x20;
    files['events.csv'] = csv;
    const broken = join(dir, 'broken.zip');
    await writeFile(broken, rezip(files));
    const bad = context(dir);
    expect(await verifyCommand.run([broken], bad)).toBe(1);
    expect(bad.out()).toContain('Result: NOT INTACT. events.csv was changed after the packet was signed');

    const wrongKey = context(dir);
    expect(await verifyCommand.run([packetPath, '--public-key', 'ab'.repeat(32)], wrongKey)).toBe(1);
    expect(wrongKey.out()).toContain('manifest.json was signed with a different key than the one you trust');
    await expect(verifyCommand.run([], context(dir))).rejects.toMatchObject({ code: 'CLI_USAGE' });
    await expect(verifyCommand.run([join(dir, 'nope.zip')], context(dir))).rejects.toMatchObject({ code: 'VERIFY_NOT_FOUND' });
  });
});
