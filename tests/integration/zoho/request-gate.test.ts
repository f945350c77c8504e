import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../main/sandbox/index.js';
import { isTransientZohoError, ZohoApiError, ZohoClient, type AttemptResult, type RequestGate, type ZohoClientOptions } from '../../../main/zoho/index.js';
import { RecordingClock, SandboxTokenProvider, rewritingFetch } from './helpers.js';

const SAMPLE = { module: 'Leads', id: '554023000001122039' };

let sandbox: Sandbox;
let clock: RecordingClock;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 7 });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  clock = new RecordingClock();
});

function client(overrides: Partial<ZohoClientOptions> = {}): ZohoClient {
  return new ZohoClient({ tokenProvider: new SandboxTokenProvider(sandbox), clock, random: () => 0.5, ...overrides });
}

/** A gate that admits everything and writes down what each attempt was reported as, and when (Zoho's credits header apart). */
function recordingGate(): { gate: RequestGate; log: Array<'acquire' | AttemptResult>; held: () => number; credits: number[] } {
  const log: Array<'acquire' | AttemptResult> = [];
  const credits: number[] = [];
  let held = 0;
  return {
    log,
    credits,
    held: () => held,
    gate: {
      acquire: async () => {
        log.push('acquire');
        held += 1;
        let released = false;
        return {
          release: (result) => {
            expect(released, 'a ticket is released once').toBe(false);
            released = true;
            held -= 1;
            const { creditsRemaining, ...attempt } = result;
            log.push(attempt);
            if (creditsRemaining !== undefined) credits.push(creditsRemaining);
          },
        };
      },
    },
  };
}

async function caught(promise: Promise<unknown>): Promise<ZohoApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ZohoApiError);
    return error as ZohoApiError;
  }
  throw new Error('expected the call to fail');
}

describe('the client’s one retry policy, through a request gate', () => {
  it('passes every attempt, retries included, through the gate, reporting 429s with their Retry-After', async () => {
    const { gate, log, held } = recordingGate();
    sandbox.injectFault({ kind: 'status', status: 429 }, { pathIncludes: SAMPLE.id, times: 2 });
    sandbox.injectFault({ kind: 'status', status: 503 }, { pathIncludes: SAMPLE.id, afterRequests: 2, times: 1 });
    const withRetryAfter = rewritingFetch({ addHeaders: { status: 429, headers: { 'retry-after': '3' } } });
    const result = await client({ requestGate: gate, fetch: withRetryAfter }).fetchTimeline(SAMPLE.module, SAMPLE.id);
    expect(result.entries.length).toBeGreaterThan(0);
    expect(log).toEqual(['acquire', { kind: 'rate-limited', retryAfterMs: 3000 }, 'acquire', { kind: 'rate-limited', retryAfterMs: 3000 }, 'acquire', { kind: 'error' }, 'acquire', { kind: 'ok' }]);
    expect(held()).toBe(0);
    // The backoff happens after the ticket is given back, and waits at least as long as Zoho asked.
    expect(clock.sleeps).toHaveLength(3);
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(3000);
    expect(clock.sleeps[1]).toBeGreaterThanOrEqual(3000);
  });

  it('withPolicy keeps the token and transport, and merges the retry settings', async () => {
    const { gate, log } = recordingGate();
    const base = client({ retry: { maxAttempts: 5, baseDelayMs: 40 } });
    const gated = base.withPolicy({ requestGate: gate, retry: { maxAttempts: 2 } });
    expect(gated.retry).toMatchObject({ maxAttempts: 2, baseDelayMs: 40 });
    expect(base.retry.maxAttempts).toBe(5);
    sandbox.injectFault({ kind: 'status', status: 500 }, { pathIncludes: SAMPLE.id, times: 2 });
    const error = await caught(gated.fetchTimeline(SAMPLE.module, SAMPLE.id));
    expect(error.code).toBe('ZOHO_SERVER_ERROR');
    expect(error.details?.['attempts']).toBe(2);
    expect(log.filter((entry) => entry === 'acquire')).toHaveLength(2);
  });

  it('does not retry what is not transient (isTransientZohoError decides), and still releases the ticket', async () => {
    const { gate, log, held } = recordingGate();
    const error = await caught(client({ requestGate: gate }).fetchTimeline('Leads', '554023000999999999'));
    expect(isTransientZohoError(error)).toBe(false);
    expect(error.code).toBe('ZOHO_INVALID_DATA');
    expect(log).toEqual(['acquire', { kind: 'error' }]);
    expect(held()).toBe(0);
    expect(clock.sleeps).toEqual([]);
  });

  it('a gate that refuses (throws) stops the call before anything is sent', async () => {
    const refusal = new Error('budget spent');
    const before = sandbox.stats().crmRequests;
    const refusing: RequestGate = { acquire: () => Promise.reject(refusal) };
    await expect(client({ requestGate: refusing }).fetchTimeline(SAMPLE.module, SAMPLE.id)).rejects.toBe(refusal);
    expect(sandbox.stats().crmRequests).toBe(before);
  });

  it('abort while waiting at the gate → CANCELLED, nothing sent', async () => {
    const before = sandbox.stats().crmRequests;
    const controller = new AbortController();
    const waiting: RequestGate = {
      acquire: (signal) => new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true })),
    };
    const pending = client({ requestGate: waiting }).fetchTimeline(SAMPLE.module, SAMPLE.id, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const error = await caught(pending);
    expect(error.code).toBe('CANCELLED');
    expect(sandbox.stats().crmRequests).toBe(before);
  });

  it('abort during a request releases its ticket as an error', async () => {
    const { gate, log, held } = recordingGate();
    sandbox.injectFault({ kind: 'slow-body', ms: 5_000 }, { pathIncludes: SAMPLE.id });
    const controller = new AbortController();
    const pending = client({ requestGate: gate }).fetchTimeline(SAMPLE.module, SAMPLE.id, { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    expect((await caught(pending)).code).toBe('CANCELLED');
    expect(log).toEqual(['acquire', { kind: 'error' }]);
    expect(held()).toBe(0);
  });

  it('with default settings a record listing survives a 429 and a 500 (no caller switches retries off)', async () => {
    sandbox.injectFault({ kind: 'status', status: 429 }, { pathIncludes: '/Contacts', times: 1 });
    sandbox.injectFault({ kind: 'status', status: 500 }, { pathIncludes: '/Contacts', afterRequests: 1, times: 1 });
    const records = await client().listRecords('Contacts', { fields: ['Last_Name'] });
    expect(records.map((record) => record.id).sort()).toEqual(sandbox.listRecordIds('Contacts').sort());
    expect(clock.sleeps).toHaveLength(2);
  });
});
