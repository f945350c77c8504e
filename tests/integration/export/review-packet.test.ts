/**
 * Review work in the audit packet (issue 14), through the data worker's real export path: the
 * manifest's `review` section (counts, sign-offs, every log entry up to the head with payloads only
 * for the packet's scope), the export itself logged, the PDF's Review page, and verify recomputing
 * the chain — intact as written; an edited entry, a removed entry and a moved head each NOT INTACT
 * with the entry named.
 */
import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataClient, inProcessSpawner, type DataClient, type ExportJobInput } from '../../../main/data/index.js';
import type { PacketManifest } from '../../../main/export/packet.js';
import { publicKeyFingerprint } from '../../../main/export/signing-key-store.js';
import { verifyPacket } from '../../../main/export/verify.js';
import { DEFAULT_FLAG_RULES } from '../../../main/review/flags.js';
import { sha256Hex } from '../../../main/review/review-log-chain.js';
import type { RecordKey } from '../../../main/sync/sync-store.js';
import type { LocalFilterGroupInput, ReviewRow } from '../../../preload/contract.js';
import { TEST_SIGNER } from '../../unit/export/fixtures.js';
import { tempDir, type TempDir } from '../cache/helpers.js';
import { fillCache } from '../data/fixtures.js';
import { runCliIn } from '../cli/run-cli.js';

let dir: TempDir;
let data: DataClient;
let records: RecordKey[];
let inScope: RecordKey;
let packetPath: string;
let files: Record<string, Uint8Array>;
let manifest: PacketManifest;
const everything: LocalFilterGroupInput = { combinator: 'and', rules: [] };
const signingKey = generateKeyPairSync('ed25519').privateKey;
let at = Date.parse('2026-11-30T10:00:00Z');
const actor = (): { actor: string; at: number } => ({ actor: 'Ada Auditor', at: (at += 1000) });

function job(path: string, keys: RecordKey[]): ExportJobInput {
  return {
    records: keys,
    filter: { kind: 'none' },
    case: null,
    allowIncomplete: false,
    timeZone: 'UTC',
    connection: { dataCentre: 'eu', orgId: '20001', apiDomain: 'https://www.zohoapis.eu' },
    generatedBy: 'Ada Auditor <ada@example.com>',
    generatedAt: Date.parse('2026-11-30T12:00:00Z'),
    appVersion: '0.0.0-test',
    path,
  };
}

async function rowsOf(record: RecordKey): Promise<ReviewRow[]> {
  const rows: ReviewRow[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await data.review.page({ filter: everything, timeZone: 'UTC', sort: { column: 'time', direction: 'asc' }, offset, limit: 500 });
    rows.push(...page);
    if (page.length < 500) break;
  }
  const ids = new Set((await data.cache.queryEvents({ records: [record] }, { limit: 10_000 })).map((event) => event.eventId));
  return rows.filter((row) => ids.has(row.eventId));
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A forger's packet: the manifest edited, every file hash kept, re-signed with a key of their own. */
function resigned(edit: (manifest: PacketManifest) => void, privateKey: KeyObject = generateKeyPairSync('ed25519').privateKey): string {
  const forged = JSON.parse(JSON.stringify(manifest)) as PacketManifest;
  const publicKey = createPublicKey(privateKey);
  forged.signing.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  forged.signing.publicKeyFingerprint = publicKeyFingerprint(publicKey);
  edit(forged);
  const manifestBytes = strToU8(`${JSON.stringify(forged, null, 2)}\n`);
  const path = dir.file(`forged-${Math.random().toString(36).slice(2)}.zip`);
  writeFileSync(path, zipSync({ ...files, 'manifest.json': manifestBytes, 'manifest.sig': strToU8(`${sign(null, manifestBytes, privateKey).toString('base64')}\n`) }));
  return path;
}

beforeAll(async () => {
  dir = tempDir();
  const cacheFile = dir.file('cache.sqlite');
  records = fillCache(cacheFile, 300);
  data = createDataClient(inProcessSpawner(), { cacheFile });
  inScope = records[0]!;
  const outside = records[1]!;
  const own = await rowsOf(inScope);
  const other = await rowsOf(outside);
  expect(own.length).toBeGreaterThan(2);
  expect(other.length).toBeGreaterThan(0);
  // 1: in scope; 2: outside; 3: a note outside; 4: a note in scope; 5: sign-off of the packet's record; 6: rules.
  await data.review.mark({ ...actor(), eventIds: own.slice(0, 2).map((row) => row.eventId), state: 'reviewed', query: { filter: everything, timeZone: 'UTC' } });
  await data.review.mark({ ...actor(), eventIds: [other[0]!.eventId], state: 'follow_up', query: { filter: everything, timeZone: 'UTC' } });
  await data.review.addNote({ eventId: other[0]!.eventId, author: 'Ada Auditor', text: 'Private note about another record.', tag: null, at: (at += 1000) });
  await data.review.addNote({ eventId: own[0]!.eventId, author: 'Ada Auditor', text: 'Checked.', tag: 'reviewed', at: (at += 1000) });
  await data.review.signOff({
    ...actor(),
    scope: { kind: 'records', records: [inScope] },
    statement: 'I attest the changes of this record were reviewed.',
    name: 'Ada Auditor',
    role: 'Compliance officer',
    unreviewedReason: 'System events need no review.',
  });
  await data.review.setRules(DEFAULT_FLAG_RULES, actor());
  packetPath = dir.file('packet.zip');
  await data.exports.packet({ ...job(packetPath, [inScope]), signingKeyPem: signingKey.export({ type: 'pkcs8', format: 'pem' }).toString(), signer: TEST_SIGNER });
  files = unzipSync(new Uint8Array(readFileSync(packetPath)));
  manifest = JSON.parse(Buffer.from(files['manifest.json']!).toString('utf8')) as PacketManifest;
});

afterAll(async () => {
  await data.close();
  dir.remove();
});

describe('the packet carries the review', () => {
  it('counts, the sign-off of its scope, and every log entry up to the head — payloads only for its scope', async () => {
    const review = manifest.review!;
    expect(review).toBeDefined();
    const own = await rowsOf(inScope);
    expect(review.counts).toEqual({ total: own.length, reviewed: 2, followUp: 0, unreviewed: own.length - 2 });
    expect(review.signOffs).toHaveLength(1);
    expect(review.signOffs[0]).toMatchObject({ name: 'Ada Auditor', role: 'Compliance officer', unreviewedReason: 'System events need no review.', scope: { kind: 'records', records: [inScope] } });
    const { entries, head } = review.log;
    expect(entries.map((entry) => entry.seq)).toEqual(entries.map((_, index) => index + 1));
    expect(head).toEqual({ seq: entries.length, hash: entries.at(-1)!.hash });
    const byAction = entries.map((entry) => [entry.action, entry.payload !== null]);
    // The other record's mark and note are there by digest only; everything about this record, the sign-off and the rules in full.
    expect(byAction).toEqual([
      ['state_changed', true],
      ['state_changed', false],
      ['note_added', false],
      ['note_added', true],
      ['signed_off', true],
      ['flag_rules_changed', true],
    ]);
    expect(JSON.stringify(manifest)).not.toContain('Private note about another record.');
    for (const entry of entries) expect(entry.payloadSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(review.log.entriesWithPayload).toBe(entries.filter((entry) => entry.payload !== null).length);
  });

  it('the export itself is the next log entry: file, scope, packet digest and the manifest’s SHA-256', async () => {
    const { entries, chain } = await data.review.log({ beforeSeq: null, limit: 1 });
    expect(chain.intact).toBe(true);
    expect(entries[0]!.seq).toBe(manifest.review!.log.head!.seq + 1);
    expect(entries[0]!.action).toBe('exported');
    expect(JSON.parse(entries[0]!.payload)).toMatchObject({ format: 'packet', file: 'packet.zip', events: manifest.counts.events, records: 1, packetDigest: manifest.packetDigest.value, manifestSha256: sha256(files['manifest.json']!) });
  });

  it('the PDF prints the Review page: counts, the sign-off and the chain head', () => {
    const pdfPath = dir.file('report.pdf');
    writeFileSync(pdfPath, files['report.pdf']!);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdfPath, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain('Review');
    expect(text).toContain('I attest the changes of this record were reviewed.');
    expect(text).toContain('Compliance officer');
    expect(text).toContain(`2 of ${manifest.review!.counts.total} events reviewed`);
    expect(text).toContain(manifest.review!.log.head!.hash.slice(0, 32));
  });
});

describe('verify checks the review log', () => {
  it('an untouched packet: intact, the chain recomputed, the sign-off read back', async () => {
    const result = await verifyPacket(packetPath);
    expect(result.ok).toBe(true);
    expect(result.review).toMatchObject({ kind: 'stated', chain: { intact: true, entries: manifest.review!.log.entries.length, head: manifest.review!.log.head }, signOffs: [{ name: 'Ada Auditor' }] });
  });

  it('an edited log entry (re-signed, so the signature holds): NOT INTACT, naming the entry', async () => {
    const result = await verifyPacket(
      resigned((forged) => {
        const entry = forged.review!.log.entries[0]!;
        entry.payload = entry.payload!.replace('"reviewed"', '"follow_up"');
      }),
    );
    expect(result.verdict).toEqual({ kind: 'not-intact', file: 'review log (manifest.json)', problem: expect.stringContaining('entry 1 was changed') });
  });

  it('an edited payload with its digest recomputed too: the hash no longer matches, entry named', async () => {
    const result = await verifyPacket(
      resigned((forged) => {
        const entry = forged.review!.log.entries[3]!;
        entry.payload = entry.payload!.replace('Checked.', 'Not checked.');
        entry.payloadSha256 = sha256Hex(entry.payload);
      }),
    );
    expect(result.verdict).toMatchObject({ kind: 'not-intact', problem: expect.stringContaining('entry 4 was changed') });
  });

  it('a removed entry: NOT INTACT, the gap named', async () => {
    const result = await verifyPacket(resigned((forged) => void forged.review!.log.entries.splice(1, 1)));
    expect(result.verdict).toMatchObject({ kind: 'not-intact', problem: expect.stringContaining('entry 2 is missing') });
  });

  it('a changed chain head (the last entries dropped and the head moved back): NOT INTACT', async () => {
    const moved = await verifyPacket(
      resigned((forged) => {
        const log = forged.review!.log;
        log.head = { seq: log.head!.seq - 1, hash: log.entries.at(-2)!.hash };
      }),
    );
    expect(moved.verdict).toMatchObject({ kind: 'not-intact', problem: expect.stringContaining('chain head states entry') });
    const forgedHash = await verifyPacket(resigned((forged) => void (forged.review!.log.head = { seq: forged.review!.log.head!.seq, hash: 'f'.repeat(64) })));
    expect(forgedHash.verdict).toMatchObject({ kind: 'not-intact', problem: expect.stringContaining('chain head') });
  });

  it('a sign-off whose words differ from its log entry: NOT INTACT', async () => {
    const result = await verifyPacket(resigned((forged) => void (forged.review!.signOffs[0]!.statement = 'Nothing was reviewed.')));
    expect(result.verdict).toMatchObject({ kind: 'not-intact', problem: expect.stringContaining('sign-off 1 does not say what its log entry') });
  });

  it('an edited entry without re-signing: still named by seq (and the signature fails too)', async () => {
    const edited = JSON.parse(Buffer.from(files['manifest.json']!).toString('utf8')) as PacketManifest;
    edited.review!.log.entries[0]!.actor = 'Mallory';
    const path = dir.file('edited.zip');
    writeFileSync(path, zipSync({ ...files, 'manifest.json': strToU8(`${JSON.stringify(edited, null, 2)}\n`) }));
    const result = await verifyPacket(path);
    expect(result.verdict).toMatchObject({ kind: 'not-intact', problem: expect.stringContaining('entry 1 was changed') });
    expect(result.files.find((file) => file.name === 'manifest.json')).toMatchObject({ ok: false });
  });

  it('the CLI prints the review summary, the chain and the sign-off; a tampered entry is named', async () => {
    const home = dir.file('verifier-home');
    const run = await runCliIn(home, ['verify', packetPath]);
    expect(run.code).toBe(3); // intact, signer unknown on a fresh home
    expect(run.out).toContain(`Review: 2 of ${manifest.review!.counts.total} exported events reviewed, 0 for follow-up`);
    expect(run.out).toContain(`Review log: chain intact, ${manifest.review!.log.entries.length} entries`);
    expect(run.out).toContain('Sign-off 1: Ada Auditor (Compliance officer), signed by Ada Auditor');
    expect(run.out).toContain('“I attest the changes of this record were reviewed.”');
    const tampered = await runCliIn(home, ['verify', resigned((forged) => void (forged.review!.log.entries[0]!.actor = 'Mallory'))]);
    expect(tampered.code).toBe(1);
    expect(tampered.out).toContain('Review log: CHAIN BROKEN at entry 1');
    expect(tampered.out).toContain('Result: NOT INTACT. review log (manifest.json) entry 1 was changed after it was written');
  });
});

describe('a review log edited in the cache file', () => {
  it('is named by review:log, and no packet or report is made from it (REVIEW_LOG_BROKEN)', async () => {
    const cacheFile = dir.file('cache.sqlite');
    // An editor outside the app: the append-only triggers dropped, one entry's actor rewritten.
    const outside = new Database(cacheFile);
    const triggers = outside.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'review_log'").all();
    expect(triggers.length).toBeGreaterThan(0);
    for (const { name } of triggers) outside.exec(`DROP TRIGGER "${name}"`);
    outside.prepare("UPDATE review_log SET actor = 'Mallory' WHERE seq = 2").run();
    outside.close();

    const log = await data.review.log({ beforeSeq: null, limit: 10 });
    expect(log.chain).toMatchObject({ intact: false, brokenAtSeq: 2 });
    const path = dir.file('after-tamper.zip');
    await expect(data.exports.packet({ ...job(path, [inScope]), signingKeyPem: signingKey.export({ type: 'pkcs8', format: 'pem' }).toString(), signer: TEST_SIGNER })).rejects.toMatchObject({
      code: 'REVIEW_LOG_BROKEN',
      message: expect.stringContaining('entry 2'),
    });
    expect(existsSync(path)).toBe(false);
    await expect(data.exports.pdf(job(dir.file('after-tamper.pdf'), [inScope]))).rejects.toMatchObject({ code: 'REVIEW_LOG_BROKEN' });
  });
});
