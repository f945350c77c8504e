import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/app/core.js';
import { nodePlatformPorts } from '../../../main/app/node-platform.js';
import { ZohoClient } from '../../../main/zoho/index.js';
import { browse, tempHome } from '../auth/support.js';

const env = { TIMELINE_AUDITOR_PASSPHRASE: 'demo test passphrase' };
const opened: Core[] = [];

function services(home: string): Core {
  const created = createCore(
    nodePlatformPorts({
      shell: 'browser',
      home,
      env,
      browser: { openExternal: (url) => void browse(url, { decision: 'approve' }), allowExternalOrigin: () => undefined, revealInFolder: () => false },
    }),
  );
  opened.push(created);
  return created;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((running) => running.close()));
});

describe('demo workspace', () => {
  it('connects through the consent page and stays connected across an app restart', async () => {
    const home = tempHome('ta-demo-');
    const first = services(home.dir);
    const status = await first.connection.connectDemo();
    expect(status).toMatchObject({ state: 'connected', demo: true });
    const users = await new ZohoClient({ tokenProvider: first.auth }).listUsers();
    expect(users.length).toBeGreaterThan(0);
    await first.close();

    // A new process: the workspace comes back on the same address and honours the stored refresh token.
    const second = services(home.dir);
    expect(await second.connection.status()).toMatchObject({ state: 'connected', demo: true, apiDomain: status.apiDomain });
    const client = new ZohoClient({ tokenProvider: second.auth });
    const again = await client.listUsers();
    expect(again.map((user) => user.id)).toEqual(users.map((user) => user.id));
    expect((await second.connection.status()).state).toBe('connected');

    // Its state file keeps hashes of grants only: no usable token at rest.
    const stored = second.auth.status();
    expect(stored.state).toBe('connected');
    const stateFile = readdirSync(home.dir).find((name) => name === 'demo-workspace.json');
    expect(stateFile).toBeDefined();
    const text = readFileSync(join(home.dir, stateFile!), 'utf8');
    expect(text).toMatch(/tokenSha256/);
    expect(text).not.toMatch(/1000\.[0-9a-f]{32}\.[0-9a-f]{32}/);
    home.remove();
  });
});
