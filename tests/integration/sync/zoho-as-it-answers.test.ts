/**
 * Issue 13, over real HTTP against the sandbox: unreadable 200s are named for what they are and fail
 * only their record; "offline" is for network failures; credits (X-API-CREDITS-REMAINING) are read,
 * shown and respected; the org's edition sets the concurrency Zoho enforces; short-lived tokens are
 * reused for three quarters of their life, so a bulk fetch stays within 10 refreshes per 10 minutes.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { refreshMarginFor } from '../../../main/auth/zoho-auth-service.js';
import { formatRecordLine, formatSyncResult } from '../../../main/cli/commands/sync-cli-support.js';
import { systemClock } from '../../../main/core/clock.js';
import type { Sandbox } from '../../../main/sandbox/index.js';
import { SyncEngine, type SyncProgress } from '../../../main/sync/index.js';
import { isTransientZohoError, ZohoClient } from '../../../main/zoho/client.js';
import { editionConcurrency, editionOf, fetchOrganization } from '../../../main/zoho/organization.js';
import { connectWithBrowser, startHarness, type Harness as AuthHarness } from '../auth/harness.js';
import { closeTempCaches, expectCacheEqualsGroundTruth, inFlightMeter, makeHarness, openTempCache, pickRecords, startSyncSandbox } from './helpers.js';

let sandbox: Sandbox | undefined;
let auth: AuthHarness | undefined;
/** Raw TCP servers a test started, with every connection they accepted (destroyed at the end). */
const rawServers: Array<{ server: Server; sockets: Set<Socket> }> = [];
afterEach(async () => {
  for (const { server, sockets } of rawServers.splice(0)) {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  await sandbox?.close();
  sandbox = undefined;
  await auth?.close();
  auth = undefined;
  closeTempCaches();
});

/** A loopback port nobody listens on: connecting to it is refused at once. */
async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A loopback TCP server that misbehaves below HTTP: 'silent' accepts and never writes; 'stall' answers
 * 200 with a Content-Length, sends part of the body and stops; 'plain' answers plain HTTP at once,
 * which a TLS client cannot read as a handshake.
 */
async function rawServer(behaviour: 'silent' | 'stall' | 'plain'): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    if (behaviour === 'silent') return;
    socket.once('data', () => {
      if (behaviour === 'plain') socket.end('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
      else socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{"__timeline":[');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  rawServers.push({ server, sockets });
  return (server.address() as AddressInfo).port;
}

/** A fetch that sends every request meant for `live` to `target` instead (same path and query). */
function redirectedFetch(live: string, target: string): typeof fetch {
  return (input, init) => fetch(String(input instanceof Request ? input.url : input).replace(live, target), init);
}

describe('failures named for what they are', () => {
  it.each(['truncated-json', 'html-page'] as const)('a %s answer with HTTP 200 is ZOHO_MALFORMED_RESPONSE after exactly one retry', async (kind) => {
    sandbox = await startSyncSandbox();
    const { client } = makeHarness(sandbox);
    const [record] = pickRecords(sandbox, 1);
    if (record === undefined) throw new Error('no record');
    sandbox.injectFault({ kind }, { pathIncludes: record.recordId, times: 10 });
    const before = sandbox.stats().crmRequests;
    const error: unknown = await client.getTimelinePage(record.module, record.recordId).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'ZOHO_MALFORMED_RESPONSE' });
    expect(isTransientZohoError(error)).toBe(false);
    expect((error as Error).message).toContain(kind === 'html-page' ? 'an HTML page, not JSON' : 'JSON that cannot be read');
    expect(sandbox.stats().crmRequests - before).toBe(2);
  });

  it('one unreadable answer is retried and the record still arrives whole', async () => {
    sandbox = await startSyncSandbox();
    const { client } = makeHarness(sandbox);
    const [record] = pickRecords(sandbox, 1);
    if (record === undefined) throw new Error('no record');
    sandbox.injectFault({ kind: 'html-page' }, { pathIncludes: record.recordId });
    const result = await client.fetchTimeline(record.module, record.recordId, { includeInnerDetails: true, perPage: 5 });
    expect(result.entries.map((entry) => entry.raw)).toEqual(sandbox.groundTruth(record.module, record.recordId));
  });

  it('a bulk run fails only the records Zoho answered garbage for, in state failed with the reason; the run is not "offline"', async () => {
    sandbox = await startSyncSandbox();
    const { engine, store } = makeHarness(sandbox);
    const records = pickRecords(sandbox, 8);
    const [, , html, , truncated] = records;
    if (html === undefined || truncated === undefined) throw new Error('too few records');
    sandbox.injectFault({ kind: 'html-page' }, { pathIncludes: html.recordId, times: 2 });
    sandbox.injectFault({ kind: 'truncated-json' }, { pathIncludes: truncated.recordId, times: 2 });
    const result = await engine.run({ records }, { perPage: 5 });

    expect(result.state).toBe('done');
    expect(result.stopReason).toBeUndefined();
    expect(result.progress).toMatchObject({ recordsDone: 6, recordsFailed: 2, recordsSkipped: 0 });
    for (const bad of [html, truncated]) {
      const outcome = result.records.find((candidate) => candidate.recordId === bad.recordId);
      expect(outcome).toMatchObject({ status: 'failed', freshness: 'failed', error: { code: 'ZOHO_MALFORMED_RESPONSE' } });
      expect(store.recordState(bad)).toMatchObject({ freshness: 'failed', lastError: { code: 'ZOHO_MALFORMED_RESPONSE' } });
      expect(formatRecordLine(outcome ?? { status: 'done', eventsInserted: 0, error: undefined }, 0)).toMatch(/^failed — ZOHO_MALFORMED_RESPONSE: /);
    }
    const good = records.filter((record) => record !== html && record !== truncated);
    expectCacheEqualsGroundTruth(store, sandbox, good);
    const summary = formatSyncResult(result);
    expect(summary).toContain('Records: 6 complete, 2 failed, 0 skipped.');
    expect(summary).not.toMatch(/could not be reached|internet connection/);
  });

  it('a refused connection is "offline": the run stops resumably and counts the records it skipped', async () => {
    sandbox = await startSyncSandbox();
    const deadPort = await refusedPort();
    const live = sandbox.url;
    const offline: typeof fetch = (input, init) => fetch(String(input instanceof Request ? input.url : input).replace(live, `http://127.0.0.1:${deadPort}`), init);
    const { engine, store } = makeHarness(sandbox, { fetch: offline });
    const records = pickRecords(sandbox, 6);
    const result = await engine.run({ records }, { perPage: 5, fetchUsers: false, retry: { maxAttempts: 2 } });

    expect(result.state).toBe('stopped');
    expect(result.stopReason?.code).toBe('SYNC_OFFLINE');
    expect(result.progress.recordsFailed).toBe(0);
    expect(result.progress.recordsSkipped).toBe(records.length - result.progress.recordsDone);
    expect(result.progress.recordsSkipped).toBeGreaterThan(0);
    for (const outcome of result.records) expect(formatRecordLine(outcome, 0)).not.toContain('cached');
    expect(formatSyncResult(result)).toContain(`Records: 0 complete, 0 failed, ${records.length} skipped`);
    expect(store.latestUnfinishedSyncRun()?.id).toBe(result.runId);
  });
});

describe('"offline" for every network failure, and only for those', () => {
  const TIMEOUT_MS = 300;
  const cases: Array<[string, () => Promise<string>, RegExp]> = [
    ['a name that does not resolve (DNS)', async () => 'http://zoho-sandbox.invalid', /ENOTFOUND|EAI_AGAIN/],
    ['a TLS handshake that fails (the server speaks plain HTTP)', async () => `https://127.0.0.1:${await rawServer('plain')}`, /SSL|TLS|EPROTO/i],
    ['a server that accepts the connection and never answers (timeout)', async () => `http://127.0.0.1:${await rawServer('silent')}`, /no complete answer within 0\.3 s/],
    ['an answer whose body stops arriving (timeout)', async () => `http://127.0.0.1:${await rawServer('stall')}`, /no complete answer within 0\.3 s/],
  ];

  it.each(cases)('%s is ZOHO_NETWORK_ERROR, retried, and stops a sync as SYNC_OFFLINE with the rest skipped', async (_name, target, cause) => {
    sandbox = await startSyncSandbox();
    const { client, engine, store } = makeHarness(sandbox, { fetch: redirectedFetch(sandbox.url, await target()), attemptTimeoutMs: TIMEOUT_MS });
    const records = pickRecords(sandbox, 6);
    const [first] = records;
    if (first === undefined) throw new Error('no record');

    const started = Date.now();
    const error: unknown = await client
      .withPolicy({ retry: { maxAttempts: 2 } })
      .getTimelinePage(first.module, first.recordId)
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'ZOHO_NETWORK_ERROR', details: { attempts: 2 } });
    expect(isTransientZohoError(error)).toBe(true);
    const causes: string[] = [];
    for (let link: unknown = error; link instanceof Error; link = link.cause) causes.push(`${link.message} ${(link as { code?: string }).code ?? ''}`);
    expect(causes.join(' | ')).toMatch(cause);
    // A timeout ends the attempt on the wall clock, whatever the injected clock says.
    expect(Date.now() - started).toBeLessThan(10_000);

    const result = await engine.run({ records }, { perPage: 5, fetchUsers: false, retry: { maxAttempts: 2 } });
    expect(result.state).toBe('stopped');
    expect(result.stopReason?.code).toBe('SYNC_OFFLINE');
    expect(result.progress).toMatchObject({ recordsDone: 0, recordsFailed: 0, recordsSkipped: records.length });
    for (const outcome of result.records) expect(formatRecordLine(outcome, 0)).not.toContain('cached');
    expect(store.latestUnfinishedSyncRun()?.id).toBe(result.runId);
  });

  it('cancelling while Zoho has not answered is CANCELLED, not a timeout or "offline"', async () => {
    sandbox = await startSyncSandbox();
    const { client } = makeHarness(sandbox, { fetch: redirectedFetch(sandbox.url, `http://127.0.0.1:${await rawServer('silent')}`), attemptTimeoutMs: 60_000 });
    const [record] = pickRecords(sandbox, 1);
    if (record === undefined) throw new Error('no record');
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('the person pressed Cancel')), 100);
    const error: unknown = await client.getTimelinePage(record.module, record.recordId, { signal: controller.signal }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'CANCELLED' });
  });

  it('a slow but whole answer within the timeout is read normally', async () => {
    sandbox = await startSyncSandbox();
    const { client } = makeHarness(sandbox, { attemptTimeoutMs: 2_000 });
    const [record] = pickRecords(sandbox, 1);
    if (record === undefined) throw new Error('no record');
    sandbox.injectFault({ kind: 'slow-body', ms: 150 }, { pathIncludes: record.recordId });
    const result = await client.fetchTimeline(record.module, record.recordId, { includeInnerDetails: true, perPage: 5 });
    expect(result.entries.map((entry) => entry.raw)).toEqual(sandbox.groundTruth(record.module, record.recordId));
  });
});

describe('credits (X-API-CREDITS-REMAINING)', () => {
  it('are read from every answer and shown falling in progress and in the summary', async () => {
    sandbox = await startSyncSandbox({ creditLimit: 5_000 });
    const { engine } = makeHarness(sandbox);
    const reports: SyncProgress[] = [];
    const result = await engine.run({ records: pickRecords(sandbox, 8) }, { perPage: 5, progressIntervalMs: 0, onProgress: (progress) => reports.push(progress) });

    expect(result.state).toBe('done');
    const used = sandbox.stats().crmRequests;
    expect(result.progress.creditsRemaining).toBe(5_000 - used);
    expect(result.progress.creditsUsed).toBe(used);
    const seen = reports.map((report) => report.creditsRemaining).filter((value): value is number => value !== null);
    expect(seen.length).toBeGreaterThan(2);
    for (let index = 1; index < seen.length; index += 1) expect(seen[index]).toBeLessThanOrEqual(seen[index - 1] ?? Number.POSITIVE_INFINITY);
    expect(new Set(seen).size).toBeGreaterThan(1);
    expect(formatSyncResult(result)).toContain(`${used} API credits used (Zoho says ${5_000 - used} are left in the organisation's 24-hour window)`);
  });

  it("stops resumably before the org's remaining credits run out (no 429), and a resume finishes the job", async () => {
    sandbox = await startSyncSandbox({ creditLimit: 30 });
    const { engine, store } = makeHarness(sandbox);
    const records = pickRecords(sandbox, 12);
    const first = await engine.run({ records }, { perPage: 5, fetchUsers: false });

    expect(first.state).toBe('stopped');
    expect(first.stopReason?.code).toBe('SYNC_CREDIT_BUDGET');
    expect(first.stopReason?.message).toContain('Zoho says the organisation has');
    expect(sandbox.stats().rejected429).toBe(0);
    expect(first.progress.creditsUsed).toBeLessThanOrEqual(30);
    expect(first.progress.creditsRemaining).toBe(30 - sandbox.stats().crmRequests);
    expect(first.progress.recordsSkipped).toBeGreaterThan(0);

    sandbox.setKnobs({ creditLimit: 100_000 });
    const resumed = await engine.run({ resume: first.runId }, { perPage: 5, fetchUsers: false });
    expect(resumed.state).toBe('done');
    expectCacheEqualsGroundTruth(store, sandbox, records);
  });

  it('a credit budget counts what Zoho says was spent when that is more than one per call', async () => {
    sandbox = await startSyncSandbox({ creditLimit: 10_000 });
    // Another integration of the org spends 3 credits between each of our calls.
    const spender = sandbox;
    const { engine } = makeHarness(sandbox, {
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        const remaining = Number(response.headers.get('x-api-credits-remaining'));
        const headers = new Headers(response.headers);
        headers.set('x-api-credits-remaining', String(remaining - 3 * spender.stats().crmRequests));
        return new Response(await response.arrayBuffer(), { status: response.status, headers });
      },
    });
    const result = await engine.run({ records: pickRecords(sandbox, 12) }, { perPage: 5, fetchUsers: false, concurrency: 1, creditBudget: 40 });
    expect(result.state).toBe('stopped');
    expect(result.stopReason?.code).toBe('SYNC_CREDIT_BUDGET');
    // Zoho's count (4 per call) reached the budget after about 40 / 4 calls, long before 40 calls. A call's
    // cost is known only from its answer, and a credit is reserved (at 1) by each of the run's two workers
    // before its call: those two may overshoot by their cost beyond the one reserved.
    expect(sandbox.stats().crmRequests).toBeLessThanOrEqual(12);
    expect(result.progress.creditsUsed).toBeGreaterThan(sandbox.stats().crmRequests);
    expect(result.progress.creditsUsed).toBeLessThanOrEqual(40 + 2 * 3);
  });
});

describe('editions and concurrency', () => {
  it.each([
    ['free', 5],
    ['enterprise', 20],
  ] as const)('GET /org names the %s edition; its limit (%i) is what the sandbox enforces and what a sync starts with', async (edition, limit) => {
    sandbox = await startSyncSandbox({ edition, latencyMs: 15 });
    const { client } = makeHarness(sandbox);
    const organization = await fetchOrganization(client);
    expect(organization.paidType).toBe(edition);
    const concurrency = editionConcurrency(editionOf(organization.paidType));
    expect(concurrency).toBe(limit);

    const records = pickRecords(sandbox, 40);
    const atLimit = makeHarness(sandbox, { clock: systemClock });
    const result = await atLimit.engine.run({ records }, { perPage: 5, fetchUsers: false, concurrency });
    expect(result.state).toBe('done');
    expect(result.peakConcurrency).toBe(limit);
    expect(sandbox.stats().rejected429).toBe(0);
    expectCacheEqualsGroundTruth(atLimit.store, sandbox, records);

    // One over the edition's limit is refused with 429, and the window adapts down.
    const meter = inFlightMeter();
    const over = makeHarness(sandbox, { clock: systemClock, fetch: meter.fetch });
    const overResult = await over.engine.run({ records }, { perPage: 5, fetchUsers: false, concurrency: limit + 5, retry: { baseDelayMs: 5, maxDelayMs: 50, maxAttempts: 20 } });
    expect(overResult.state).toBe('done');
    expect(sandbox.stats().rejected429).toBeGreaterThan(0);
    expect(overResult.progress.currentConcurrency).toBeLessThan(limit + 5);
  });

  it('sign-in reads the edition with the zone; an unknown paid_type assumes Standard', async () => {
    auth = await startHarness({ sandbox: { edition: 'professional' } });
    const { status } = await connectWithBrowser(auth);
    expect(status.orgEdition).toBe('professional');
    expect(status.orgTimeZone).toEqual({ state: 'read', zone: 'Europe/Berlin' });
    expect(editionConcurrency(status.orgEdition)).toBe(15);
    expect(editionOf('Enterprise')).toBe('enterprise');
    expect(editionOf('crm_plus')).toBe('ultimate');
    expect(editionConcurrency(editionOf('bespoke'))).toBe(10);
  });
});

describe('short-lived access tokens', () => {
  it('the refresh margin is min(120 s, a quarter of the lifetime)', () => {
    expect(refreshMarginFor(3600_000)).toBe(120_000);
    expect(refreshMarginFor(480_000)).toBe(120_000);
    expect(refreshMarginFor(60_000)).toBe(15_000);
    expect(refreshMarginFor(5_000)).toBe(1_250);
  });

  it.each([
    [5, 100],
    [60, 1_000],
  ])('with %i s tokens a multi-record fetch finishes whole within Zoho’s 10 refreshes per 10 minutes', async (lifetimeSec, msPerCall) => {
    auth = await startHarness({ sandbox: { accessTokenLifetimeSec: lifetimeSec, seed: 7, recordsPerModule: 10 } });
    await connectWithBrowser(auth);
    const { clock, service } = auth;
    const crm = auth.sandbox;
    // Each CRM call takes msPerCall of the (shared, manual) clock: tokens expire during the fetch.
    const timedFetch: typeof fetch = (input, init) => {
      clock.advance(msPerCall);
      return fetch(input, init);
    };
    const client = new ZohoClient({ tokenProvider: service, clock, fetch: timedFetch });
    const store = openTempCache();
    const records = pickRecords(crm, 30);
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on('warning', onWarning);
    let result;
    try {
      result = await new SyncEngine({ client, store, clock }).run({ records }, { perPage: 5, concurrency: 4 });
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off('warning', onWarning);
    }

    expect(result.stopReason).toBeUndefined();
    expect(result.state).toBe('done');
    expectCacheEqualsGroundTruth(store, crm, records);
    const calls = crm.stats().crmRequests;
    const refreshes = crm.stats().tokenGrants.refresh_token;
    // The fetch outlived several tokens (so refreshing was needed) but minted far fewer than one per call.
    expect(calls * msPerCall).toBeGreaterThan(2 * lifetimeSec * 1000);
    expect(refreshes).toBeGreaterThanOrEqual(2);
    expect(refreshes).toBeLessThanOrEqual(10);
    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
  });
});
