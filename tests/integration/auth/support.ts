import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../../main/core/clock.js';

/** A clock tests move by hand; sleepers wake when it passes their deadline. */
export class ManualClock implements Clock {
  #now: number;
  #sleepers: { until: number; resolve(): void }[] = [];
  constructor(start = Date.UTC(2026, 0, 15, 9, 0, 0)) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const sleeper = { until: this.#now + ms, resolve };
      this.#sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.#sleepers = this.#sleepers.filter((other) => other !== sleeper);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }
  advance(ms: number): void {
    this.#now += ms;
    const due = this.#sleepers.filter((sleeper) => sleeper.until <= this.#now);
    this.#sleepers = this.#sleepers.filter((sleeper) => sleeper.until > this.#now);
    for (const sleeper of due) sleeper.resolve();
  }
}

export interface BrowserVisit {
  /** The last URL requested (the loopback callback, when the flow got there). */
  lastUrl: string;
  status: number;
  body: string;
  /** Every URL visited, in order. */
  visited: string[];
}

/**
 * Plays the browser: GET the URL, follow Location headers by hand (redirect: 'manual'), and on a
 * sandbox consent page press Accept or Deny. `rewrite` may change any URL before it is requested.
 */
export async function browse(url: string, options: { decision?: 'approve' | 'deny'; rewrite?: (url: URL) => URL; maxHops?: number } = {}): Promise<BrowserVisit> {
  const visited: string[] = [];
  let next: { url: string; init: RequestInit } = { url, init: { method: 'GET' } };
  for (let hop = 0; hop < (options.maxHops ?? 10); hop += 1) {
    const target = options.rewrite === undefined ? new URL(next.url) : options.rewrite(new URL(next.url));
    visited.push(target.toString());
    const response = await fetch(target, { ...next.init, redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location !== null) {
      await response.arrayBuffer();
      next = { url: new URL(location, target).toString(), init: { method: 'GET' } };
      continue;
    }
    const body = await response.text();
    const consent = /name="consent_id" value="([^"]+)"/.exec(body);
    if (consent?.[1] !== undefined && options.decision !== undefined) {
      next = {
        url: new URL('/oauth/v2/auth', target).toString(),
        init: {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ consent_id: consent[1], decision: options.decision }).toString(),
        },
      };
      continue;
    }
    return { lastUrl: target.toString(), status: response.status, body, visited };
  }
  throw new Error(`too many redirects from ${url}`);
}

export function tempHome(prefix = 'ta-auth-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every file under `dir`, recursively, with its bytes. */
export function filesUnder(dir: string): { path: string; content: Buffer }[] {
  const files: { path: string; content: Buffer }[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...filesUnder(path));
    else files.push({ path, content: readFileSync(path) });
  }
  return files;
}

/** Resolves once `predicate` holds, checking on each macrotask; for waiting on real I/O. */
export async function until(predicate: () => boolean, what: string, tries = 2000): Promise<void> {
  for (let i = 0; i < tries; i += 1) {
    if (predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}
