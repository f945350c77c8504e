/**
 * Issue 13, "default the concurrency to the edition's documented limit", through the app's composition
 * root: a core signed in to an org whose GET /org names its edition starts every sync at that edition's
 * limit (the sandbox enforces it with 429s), without the caller choosing a concurrency. The app's one
 * other call around a sync (the module labels) comes after its work, never beside it: beside it, it was
 * the (limit + 1)th call and Zoho's 429 halved the sync's window at its start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/app/core.js';
import { createIpcHandlers } from '../../../main/app/ipc-handlers.js';
import { nodePlatformPorts } from '../../../main/app/node-platform.js';
import { approveDemoConsent } from '../../../main/demo/approve-consent.js';
import { DEMO_CLIENT, startSandbox, type Sandbox } from '../../../main/sandbox/index.js';
import type { SyncProgressView } from '../../../preload/contract.js';

let sandbox: Sandbox | undefined;
let core: Core | undefined;
let home: string | undefined;
afterEach(async () => {
  await core?.close();
  await sandbox?.close();
  if (home !== undefined) rmSync(home, { recursive: true, force: true });
  core = undefined;
  sandbox = undefined;
  home = undefined;
});

describe("a sync starts at the concurrency of the org's edition", () => {
  it.each([
    ['free', 5],
    ['enterprise', 20],
  ] as const)('%s: read at sign-in, the app syncs at %i calls at once and Zoho refuses none', async (edition, limit) => {
    sandbox = await startSandbox({ seed: 7, recordsPerModule: 12, latencyMs: 25, edition });
    home = mkdtempSync(join(tmpdir(), 'ta-edition-'));
    core = createCore(nodePlatformPorts({ shell: 'browser', home, env: { TIMELINE_AUDITOR_PASSPHRASE: 'edition concurrency test' } }));
    const status = await core.auth.connect({ clientId: DEMO_CLIENT.clientId, clientSecret: DEMO_CLIENT.clientSecret, target: { accountsUrl: sandbox.url }, port: 0, openBrowser: (url) => approveDemoConsent(url) });
    expect(status.orgEdition).toBe(edition);

    const progress: SyncProgressView[] = [];
    core.events.subscribe((envelope) => {
      if (envelope.channel === 'sync:progress') progress.push(envelope.payload as SyncProgressView);
    });
    const handlers = createIpcHandlers(core);
    const lines = ['Leads', 'Contacts', 'Accounts', 'Deals'].flatMap((module) => sandbox!.listRecordIds(module).map((id) => `${module}/${id}`));
    expect(lines.length).toBeGreaterThanOrEqual(40);
    await handlers['records:add']({ text: lines.join('\n'), defaultModule: null, format: 'paste' });
    await handlers['sync:start']({ mode: 'full' });
    await (await core.records()).idle();

    const last = progress.at(-1)!;
    expect(last.state).toBe('done');
    expect(last.recordsDone).toBe(lines.length);
    // Started at the edition's limit and never had to come down: Zoho (the sandbox) refused nothing.
    expect(last.currentConcurrency).toBe(limit);
    expect(sandbox.stats().rejected429).toBe(0);
  });
});
