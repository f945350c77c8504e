/**
 * The update channels through the composition root, as the browser host and the CLI have them (no
 * updater: `not-configured`), and the admin-policy flag the lead wires from main/policy.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../../preload/contract.js';
import { createCore } from '../../../main/app/core.js';
import { createIpcHandlers } from '../../../main/app/ipc-handlers.js';
import { nodePlatformPorts } from '../../../main/app/node-platform.js';
import type { UpdaterPort } from '../../../main/updates/update-service.js';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'ta-updates-core-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('updates through createCore and the IPC handlers', () => {
  it('a shell without an updater (browser host, CLI) answers not-configured on every channel', async () => {
    const core = createCore(nodePlatformPorts({ shell: 'browser', home, env: {} }));
    const handlers = createIpcHandlers(core);
    expect(await handlers['updates:status']({})).toEqual({ state: 'not-configured' });
    expect(await handlers['updates:check']({})).toEqual({ state: 'not-configured' });
    expect(await handlers['updates:download']({})).toEqual({ state: 'not-configured' });
    expect(await handlers['updates:install']({})).toEqual({ state: 'not-configured' });
    await core.close();
  });

  it('with an updater: the policy flag stops it before any check, and state changes are pushed as updates:status-changed', async () => {
    let checks = 0;
    const updater: UpdaterPort = {
      check: () => {
        checks += 1;
        return Promise.resolve(null);
      },
      download: () => Promise.reject(new Error('nothing to download')),
      quitAndInstall: () => undefined,
    };
    let disabled = true;
    const core = createCore({ ...nodePlatformPorts({ shell: 'browser', home, env: {} }), updates: { updater, connectionCost: () => Promise.resolve('unmetered') } }, { updatesDisabledByPolicy: () => disabled });
    const pushed: EventEnvelope[] = [];
    core.events.subscribe((envelope) => pushed.push(envelope));
    const handlers = createIpcHandlers(core);

    expect(await handlers['updates:check']({})).toEqual({ state: 'disabled-by-policy' });
    expect(checks).toBe(0);
    expect(pushed).toEqual([]);

    disabled = false;
    const checked = await handlers['updates:check']({});
    expect(checked.state).toBe('idle');
    expect(checks).toBe(1);
    expect(pushed.map((envelope) => [envelope.channel, (envelope.payload as { state: string }).state])).toEqual([
      ['updates:status-changed', 'checking'],
      ['updates:status-changed', 'idle'],
    ]);
    await core.close();
  });
});
