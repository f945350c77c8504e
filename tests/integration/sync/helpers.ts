import { expect } from 'vitest';
import type { Clock } from '../../../main/core/clock.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../main/sandbox/index.js';
import { SyncEngine, type SyncRecordInput } from '../../../main/sync/index.js';
import type { RecordKey } from '../../../main/sync/sync-store.js';
import { ZohoClient } from '../../../main/zoho/client.js';
import { StaticTokenProvider } from '../../../main/zoho/static-token-provider.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TimelineCache } from '../../../main/cache/index.js';

export const RECORD_MODULES = ['Leads', 'Contacts', 'Accounts', 'Deals'] as const;

/**
 * A clock whose sleeps end at the next turn of the event loop and move its time forward by the time
 * slept (abort still honoured): backoffs and Retry-After pauses cost no real time.
 */
export class InstantClock implements Clock {
  readonly sleeps: number[] = [];
  private skipped = 0;
  now(): number {
    return Date.now() + this.skipped;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    this.skipped += Math.max(0, ms);
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      setImmediate(() => (signal?.aborted ? reject(signal.reason) : resolve()));
    });
  }
}

export async function startSyncSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ seed: 7, recordsPerModule: 10, latencyMs: 0, ...options });
}

/** The first `count` generated records, spread over the four record modules. */
export function pickRecords(sandbox: Sandbox, count: number): SyncRecordInput[] {
  const lists = RECORD_MODULES.map((module) => sandbox.listRecordIds(module).map((recordId) => ({ module, recordId })));
  const records: SyncRecordInput[] = [];
  for (let index = 0; records.length < count; index += 1) {
    let added = false;
    for (const list of lists) {
      const record = list[index];
      if (record !== undefined && records.length < count) {
        records.push(record);
        added = true;
      }
    }
    if (!added) throw new Error(`the sandbox has fewer than ${count} records`);
  }
  return records;
}

export interface Harness {
  sandbox: Sandbox;
  store: TimelineCache;
  client: ZohoClient;
  engine: SyncEngine;
  clock: Clock;
}

export function makeHarness(sandbox: Sandbox, options: { clock?: Clock; fetch?: typeof fetch; token?: string; scopes?: string[]; attemptTimeoutMs?: number } = {}): Harness {
  const clock = options.clock ?? new InstantClock();
  const accessToken = options.token ?? sandbox.mintAccessToken(options.scopes === undefined ? {} : { scopes: options.scopes }).accessToken;
  const client = new ZohoClient({
    tokenProvider: new StaticTokenProvider({ accessToken, apiDomain: sandbox.url }),
    clock,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.attemptTimeoutMs === undefined ? {} : { attemptTimeoutMs: options.attemptTimeoutMs }),
  });
  const store = openTempCache();
  return { sandbox, store, client, clock, engine: new SyncEngine({ client, store, clock }) };
}

const openCaches: Array<{ cache: TimelineCache; folder: string }> = [];

/** A real TimelineCache in a fresh temp folder; closeTempCaches() removes them. */
export function openTempCache(): TimelineCache {
  const folder = mkdtempSync(join(tmpdir(), 'sync-cache-'));
  const cache = TimelineCache.open(join(folder, 'cache.sqlite'));
  openCaches.push({ cache, folder });
  return cache;
}

export function closeTempCaches(): void {
  for (const { cache, folder } of openCaches.splice(0)) {
    cache.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Zoho's objects as the cache stored them, for the record's timeline. */
export function cachedRawEvents(store: TimelineCache, key: RecordKey): unknown[] {
  return store.queryEvents({ records: [key] }, { includeRaw: true, limit: 1_000_000 }).map((event) => JSON.parse(event.raw ?? 'null') as unknown);
}

/** The cache holds exactly Zoho's events for each record: none missing, none extra or duplicated, each verbatim. */
export function expectCacheEqualsGroundTruth(store: TimelineCache, sandbox: Sandbox, records: readonly RecordKey[]): void {
  for (const record of records) {
    const truth = sandbox.groundTruth(record.module, record.recordId) as Array<{ id: string }>;
    const cached = cachedRawEvents(store, record) as Array<{ id: string }>;
    const byId = (list: Array<{ id: string }>): Array<{ id: string }> => [...list].sort((a, b) => a.id.localeCompare(b.id));
    expect(cached.length, `${record.module}/${record.recordId} event count`).toBe(truth.length);
    expect(byId(cached), `${record.module}/${record.recordId} events`).toEqual(byId(truth));
    expect(store.recordState(record)?.eventCount).toBe(truth.length);
  }
}

/** Wraps real fetch to count requests in flight over time (instrumentation only; answers pass through untouched). */
export function inFlightMeter(): { fetch: typeof fetch; timeAbove: (limit: number) => number; peak: () => number; meanAtSend: () => number } {
  let inFlight = 0;
  let peak = 0;
  let sends = 0;
  let inFlightAtSends = 0;
  let lastChange = performance.now();
  const durations: Array<{ count: number; ms: number }> = [];
  const change = (delta: number): void => {
    const now = performance.now();
    durations.push({ count: inFlight, ms: now - lastChange });
    lastChange = now;
    inFlight += delta;
    peak = Math.max(peak, inFlight);
  };
  return {
    fetch: async (input, init) => {
      change(1);
      sends += 1;
      inFlightAtSends += inFlight;
      try {
        const response = await fetch(input, init);
        const body = await response.arrayBuffer();
        return new Response(response.status === 204 ? null : body, { status: response.status, statusText: response.statusText, headers: response.headers });
      } finally {
        change(-1);
      }
    },
    /** Fraction of the busy time during which more than `limit` requests were in flight. */
    timeAbove(limit: number): number {
      const busy = durations.filter((entry) => entry.count > 0).reduce((sum, entry) => sum + entry.ms, 0);
      const over = durations.filter((entry) => entry.count > limit).reduce((sum, entry) => sum + entry.ms, 0);
      return busy === 0 ? 0 : over / busy;
    },
    peak: () => peak,
    /**
     * Mean number of requests in flight (this one included) as each request was sent: the window the
     * engine actually used. Unlike the time-weighted mean, a loaded machine that is slow to read
     * answers does not inflate it (an unread answer keeps its slot for the engine too).
     */
    meanAtSend: () => (sends === 0 ? 0 : inFlightAtSends / sends),
  };
}
