/**
 * verify lists each file of the packet once (the verify dialog showed manifest.json twice): a naive
 * tamper — events.csv edited and its hash and size updated in the manifest, not re-signed — breaks the
 * manifest twice over (signature, packet digest), and both problems belong to one manifest.json row.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAuditPacket, type PacketManifest } from '../../../main/export/packet.js';
import { FileSigningKeyStore } from '../../../main/export/signing-key-store.js';
import { verifyPacket } from '../../../main/export/verify.js';
import { buildEvents, exportInputOf, TEST_SIGNER } from '../../unit/export/fixtures.js';

let dir: string;
let files: Record<string, Uint8Array>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'verify-rows-'));
  const packetPath = join(dir, 'packet.zip');
  await writeAuditPacket(exportInputOf(buildEvents(20)), packetPath, { keyStore: new FileSigningKeyStore(join(dir, 'home')), signer: TEST_SIGNER });
  files = unzipSync(new Uint8Array(await readFile(packetPath)));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function namesOf(rows: Array<{ name: string }>): string[] {
  return rows.map((row) => row.name);
}

describe('verify lists every file once', () => {
  it('an intact packet: manifest.json, manifest.sig and each listed file, once each', async () => {
    const result = await verifyPacket(join(dir, 'packet.zip'));
    expect(namesOf(result.files)).toEqual(['manifest.json', 'manifest.sig', 'report.pdf', 'events.csv', 'events.json', 'users.json']);
  });

  it('one byte of events.csv changed: the signature holds but the packet digest does not — manifest.json listed once, not as "matches"', async () => {
    const csv = new Uint8Array(files['events.csv']!);
    csv[40] = csv[40]! ^ 0x01;
    const tampered = join(dir, 'byte-flip.zip');
    await writeFile(tampered, zipSync({ ...files, 'events.csv': csv }));
    const result = await verifyPacket(tampered);
    expect(result.verdict).toMatchObject({ kind: 'not-intact', file: 'events.csv' });
    expect(namesOf(result.files)).toEqual(['manifest.json', 'manifest.sig', 'report.pdf', 'events.csv', 'events.json', 'users.json']);
    expect(result.files[0]).toMatchObject({ name: 'manifest.json', ok: false, problem: expect.stringMatching(/packet digest that does not match/) as string });
  });

  it('events.csv edited and re-hashed in the manifest without re-signing: one manifest.json row carrying both problems', async () => {
    const csv = Buffer.concat([Buffer.from(files['events.csv']!), Buffer.from('tampered,row\r\n')]);
    const manifest = JSON.parse(Buffer.from(files['manifest.json']!).toString('utf8')) as PacketManifest;
    manifest.files = manifest.files.map((file) => (file.name === 'events.csv' ? { ...file, size: csv.length, sha256: createHash('sha256').update(csv).digest('hex') } : file));
    const tampered = join(dir, 'tampered.zip');
    await writeFile(tampered, zipSync({ ...files, 'events.csv': new Uint8Array(csv), 'manifest.json': strToU8(`${JSON.stringify(manifest, null, 2)}\n`) }));

    const result = await verifyPacket(tampered);
    expect(result.verdict.kind).toBe('not-intact');
    const names = namesOf(result.files);
    expect(new Set(names).size).toBe(names.length);
    const manifestRows = result.files.filter((row) => row.name === 'manifest.json');
    expect(manifestRows).toHaveLength(1);
    expect(manifestRows[0]!.ok).toBe(false);
    expect(manifestRows[0]!.problem).toMatch(/does not match its signature/);
    expect(manifestRows[0]!.problem).toMatch(/packet digest that does not match/);
  });
});
