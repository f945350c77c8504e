/**
 * The same home folder gives the same evidence whichever shell makes it: a packet exported by the
 * app (through its IPC handler) and one exported by `timeline-auditor export` carry the same events,
 * flags, reviewer notes and signer.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../../main/app/core.js';
import { createIpcHandlers } from '../../../main/app/ipc-handlers.js';
import { nodePlatformPorts } from '../../../main/app/node-platform.js';
import { runCliIn, type CliRun } from '../cli/run-cli.js';
import { approveDemoConsent } from '../../../main/demo/approve-consent.js';
import type { PacketManifest } from '../../../main/export/packet.js';
import { verifyPacket } from '../../../main/export/verify.js';
import { DEMO_CLIENT, SAMPLE_RECORD, startSandbox, type Sandbox } from '../../../main/sandbox/index.js';

const env = { TIMELINE_AUDITOR_PASSPHRASE: 'one core test passphrase' };
const record = { module: SAMPLE_RECORD.module, recordId: SAMPLE_RECORD.id };
const NOTE = 'Stage change confirmed with the record owner — ok';

let sandbox: Sandbox;
let home: string;

beforeAll(async () => {
  sandbox = await startSandbox({ recordsPerModule: 2 });
  home = mkdtempSync(join(tmpdir(), 'ta-one-core-'));
});
afterAll(async () => {
  await sandbox.close();
  rmSync(home, { recursive: true, force: true });
});

function cli(argv: string[]): Promise<CliRun> {
  return runCliIn(home, argv, env);
}

function packetFiles(path: string): { manifest: PacketManifest; csv: string; json: string } {
  const files = unzipSync(readFileSync(path));
  return {
    manifest: JSON.parse(strFromU8(files['manifest.json']!)) as PacketManifest,
    csv: strFromU8(files['events.csv']!),
    json: strFromU8(files['events.json']!),
  };
}

describe('one composition root for every shell', () => {
  it('a packet made by the app and one made by the CLI in the same home carry the same events, flags, notes and signer', async () => {
    // The app (browser-mode shell): sign in, sync, annotate an event, export through the IPC handler.
    const app = createCore(nodePlatformPorts({ shell: 'browser', home, env }));
    let appPacket: string;
    try {
      await app.auth.connect({
        clientId: DEMO_CLIENT.clientId,
        clientSecret: DEMO_CLIENT.clientSecret,
        target: { accountsUrl: sandbox.url },
        port: 0,
        openBrowser: (url) => approveDemoConsent(url),
      });
      const synced = await (await app.records()).sync({ records: [record] });
      expect(synced?.state).toBe('done');
      const [event] = await (await app.data()).cache.queryEvents({ records: [record] }, { limit: 1, direction: 'asc' });
      await (await app.review()).addNote({ eventId: event!.eventId, text: NOTE, tag: null });
      // The default rules flag a minority (none of the sample's events): working hours on, so both packets carry flags.
      const review = await app.review();
      const rules = await review.rules();
      await review.setRules({ ...rules, offHours: { ...rules.offHours, enabled: true } });
      const handlers = createIpcHandlers(app);
      await handlers['export:start']({ records: [record], formats: ['packet'] });
      await (await app.exports()).idle();
      const [entry] = (await app.exports()).history();
      expect(entry?.signerFingerprint).toMatch(/^[0-9a-f]{64}$/);
      appPacket = entry!.files[0]!.path;
    } finally {
      await app.close();
    }

    // The CLI, same home folder, same records.
    const cliPacket = join(home, 'cli-packet.zip');
    const run = await cli(['export', `${record.module}/${record.recordId}`, '--packet', cliPacket]);
    expect(run.err).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    // Progress names each phase as it starts (each counts its events from 0), the cache check first.
    const phases = [...run.err.matchAll(/^… (?:checking the offline cache for damage|\d+ events \((\w+)\))$/gm)].map((line) => line[1] ?? 'checking');
    expect([...new Set(phases)]).toEqual(['checking', 'csv', 'pdf', 'signing', 'zip', 'done']);

    const fromApp = packetFiles(appPacket);
    const fromCli = packetFiles(cliPacket);
    expect(fromCli.manifest.signing.publicKeyFingerprint).toBe(fromApp.manifest.signing.publicKeyFingerprint);
    expect(run.out).toContain(fromApp.manifest.signing.publicKeyFingerprint);
    // Same rows, same flags, same notes — byte for byte.
    expect(fromCli.csv).toBe(fromApp.csv);
    expect(fromCli.json).toBe(fromApp.json);
    expect(fromCli.csv).toContain(NOTE);
    const header = fromCli.csv
      .replace(/^\uFEFF/, '')
      .split('\r\n')[0]!
      .split(',');
    const flagsColumn = header.indexOf('flags');
    expect(flagsColumn).toBeGreaterThan(-1);
    expect(
      fromCli.csv
        .split('\r\n')
        .slice(1)
        .some((row) => row.split(',')[flagsColumn] !== '' && row.split(',')[flagsColumn] !== undefined),
    ).toBe(true);
    // Both name the same signer: the Zoho user, then which shell made it.
    expect(fromApp.manifest.scope.generatedBy).toMatch(/\(browser mode\)$/);
    expect(fromCli.manifest.scope.generatedBy).toMatch(/\(command line, .+\)$/);
    expect(fromCli.manifest.scope.generatedBy.split(' (')[0]).toBe(fromApp.manifest.scope.generatedBy.split(' (')[0]);
    expect(fromCli.manifest.scope.generatedBy).not.toMatch(/^Timeline Auditor user/);
    for (const packet of [appPacket, cliPacket]) {
      expect((await verifyPacket(packet, { pinnedPublicKey: fromApp.manifest.signing.publicKeyFingerprint })).ok).toBe(true);
    }
  });

  it('the CLI export refuses what it cannot do with a plain message', async () => {
    const badZone = await cli(['export', `${record.module}/${record.recordId}`, '--csv', join(home, 'x.csv'), '--tz', 'Nowhere/City']);
    expect(badZone.code).toBe(1);
    expect(badZone.err).toMatch(/time zone/i);
    const badWhere = await cli(['export', `${record.module}/${record.recordId}`, '--csv', join(home, 'x.csv'), '--where', '{"source":["crm_ui"]}']);
    expect(badWhere.code).toBe(2);
    expect(badWhere.err).toContain('--where');
    const nothing = await cli(['export', 'Leads/1', '--csv', join(home, 'y.csv')]);
    expect(nothing.code).toBe(1);
    expect(nothing.err).toContain('Leads/1');
    expect(nothing.err).toContain('never fetched');
    expect(nothing.err).toContain('--allow-incomplete');
  });

  it('the CLI export takes a saved view, a case and --allow-incomplete, and refuses what does not fit', async () => {
    const both = await cli(['export', '--view', 'x', '--where', '{"sources":["crm_ui"]}', '--csv', join(home, 'v.csv')]);
    expect(both.code).toBe(2);
    expect(both.err).toContain('either --where or --view');
    const unknown = await cli(['export', '--view', 'No such view', '--csv', join(home, 'v.csv')]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('There is no saved view called "No such view"');

    const core = createCore(nodePlatformPorts({ shell: 'browser', home, env }));
    try {
      await (await core.review()).saveFilter('UI changes', { combinator: 'and', rules: [{ field: 'source', operator: '=', value: 'crm_ui' }] });
    } finally {
      await core.close();
    }
    const packetPath = join(home, 'view.zip');
    const viewed = await cli(['export', '--view', 'UI changes', '--packet', packetPath, '--case-ref', 'AUD-7', '--purpose', 'Access review', '--reviewer', 'Ana Ruiz, Compliance']);
    expect(viewed.code).toBe(0);
    const { manifest, json } = packetFiles(packetPath);
    expect(manifest.case).toEqual({ reference: 'AUD-7', purpose: 'Access review', reviewer: 'Ana Ruiz, Compliance' });
    expect(manifest.query.filter).toMatchObject({ kind: 'view', viewName: 'UI changes', words: 'Source is crm_ui' });
    const sources = (JSON.parse(json) as { events: Array<{ source: string }> }).events.map((event) => event.source);
    expect(sources.length).toBeGreaterThan(0);
    expect(new Set(sources)).toEqual(new Set(['crm_ui']));
    expect(manifest.coverage.every((row) => row.complete)).toBe(true);

    // Allowed, a never-fetched record passes the completeness check and meets the next one: nothing is cached for it.
    const allowed = await cli(['export', 'Leads/1', '--csv', join(home, 'z.csv'), '--allow-incomplete']);
    expect(allowed.code).toBe(1);
    expect(allowed.err).toContain('Nothing is cached');
  });

  it('CSV from the CLI honours --where and --tz', async () => {
    const csvPath = join(home, 'where.csv');
    const run = await cli(['export', `${record.module}/${record.recordId}`, '--csv', csvPath, '--tz', 'Asia/Tokyo', '--where', '{"sources":["crm_ui"]}']);
    expect(run.code).toBe(0);
    const rows = readFileSync(csvPath, 'utf8')
      .split('\r\n')
      .filter((row) => row !== '');
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.slice(1).every((row) => row.includes('+09:00'))).toBe(true);
  });
});
