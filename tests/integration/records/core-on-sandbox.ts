/**
 * A real composition root (createCore + the Node platform ports) in a temp home folder, talking to
 * the loopback sandbox with a fixed access token, and recording every event pushed to windows.
 * Shared by the records-service and export-service integration tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../../../main/app/core.js';
import { nodePlatformPorts } from '../../../main/app/node-platform.js';
import type { PlatformPorts } from '../../../main/app/platform-ports.js';
import type { Clock } from '../../../main/core/clock.js';
import type { Sandbox } from '../../../main/sandbox/index.js';
import { StaticTokenProvider } from '../../../main/zoho/static-token-provider.js';
import type { EventChannel, EventEnvelope, EventPayload } from '../../../preload/contract.js';

export const PASSPHRASE_ENV = { TIMELINE_AUDITOR_PASSPHRASE: 'records and exports integration passphrase' };

export interface CoreOnSandbox {
  core: Core;
  home: string;
  /** Every event the core pushed, in order. */
  pushed: EventEnvelope[];
  /** The payloads pushed on one channel, in order. */
  payloads<E extends EventChannel>(channel: E): Array<EventPayload<E>>;
  /** Closes the core (and, unless keepHome, deletes its home folder). */
  close(options?: { keepHome?: boolean }): Promise<void>;
}

export function tempHome(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function coreOnSandbox(sandbox: Sandbox, options: { home?: string; shell?: PlatformPorts['shell']; clock?: Clock; scopes?: string[] } = {}): CoreOnSandbox {
  const home = options.home ?? tempHome('ta-core-');
  const base = nodePlatformPorts({ shell: 'browser', home, env: PASSPHRASE_ENV });
  // The shell and the clock are ports like any other: a test may hand the root its own.
  const ports: PlatformPorts = { ...base, ...(options.shell === undefined ? {} : { shell: options.shell }), ...(options.clock === undefined ? {} : { clock: options.clock }) };
  const core = createCore(ports, {
    tokenProvider: new StaticTokenProvider({ accessToken: sandbox.mintAccessToken(options.scopes === undefined ? {} : { scopes: options.scopes }).accessToken, apiDomain: sandbox.url }),
  });
  const pushed: EventEnvelope[] = [];
  core.events.subscribe((envelope) => pushed.push(envelope));
  return {
    core,
    home,
    pushed,
    payloads: <E extends EventChannel>(channel: E) => pushed.filter((envelope) => envelope.channel === channel).map((envelope) => envelope.payload as EventPayload<E>),
    close: async ({ keepHome = false } = {}) => {
      await core.close();
      if (!keepHome) rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Event ids of a record's timeline as the sandbox serves them (newest first), signals excluded. */
export function groundTruthIds(sandbox: Sandbox, module: string, recordId: string): string[] {
  return (sandbox.groundTruth(module, recordId) as Array<{ id: string }>).map((event) => event.id);
}
