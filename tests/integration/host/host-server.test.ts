import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/app/core.js';
import { createIpcHandlers } from '../../../main/app/ipc-handlers.js';
import { nodePlatformPorts } from '../../../main/app/node-platform.js';
import { startHost, type RunningHost } from '../../../main/host/host-server.js';

let host: RunningHost;
let services: Core;
let root: string;

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'auditor-host-'));
  const renderer = join(root, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, 'secret.txt'), 'outside');
  services = createCore(nodePlatformPorts({ shell: 'browser', home: root, env: { TIMELINE_AUDITOR_PASSPHRASE: 'host test' } }));
  host = await startHost({ handlers: createIpcHandlers(services), events: services.events, rendererDirectory: renderer });
});
afterEach(async () => {
  await host.close();
  await services.close();
});

const auth = () => ({ authorization: `Bearer ${host.secret}`, 'content-type': 'application/json' });

/** A raw request, so the Host header and the path can be anything a hostile client sends. */
function rawGet(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const { port } = new URL(host.origin);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('loopback host', () => {
  it('binds 127.0.0.1 and serves the renderer with the CSP', async () => {
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${host.origin}/assets/app.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await (await fetch(`${host.origin}/review`)).text()).toContain('<title>app</title>');
  });

  it('never serves files outside the renderer folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const response = await rawGet(path, { host: new URL(host.origin).host });
      expect(response.body).not.toContain('outside');
    }
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    const response = await rawGet('/', { host: 'attacker.example:80' });
    expect(response.status).toBe(421);
  });

  it('answers IPC only with the bearer secret and from its own origin', async () => {
    const url = `${host.origin}/__auditor/ipc/app:versions`;
    expect((await fetch(url, { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await fetch(url, { method: 'POST', body: '{}', headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(url, { method: 'POST', body: '{}', headers: { ...auth(), origin: 'http://evil.example' } })).status).toBe(403);
    const ok = await fetch(url, { method: 'POST', body: '{}', headers: auth() });
    expect(await ok.json()).toMatchObject({ ok: true, value: { shell: 'browser' } });
    const notJson = await fetch(url, { method: 'POST', body: '{nope', headers: auth() });
    expect(await notJson.json()).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('streams pushed events to authorised clients', async () => {
    expect((await fetch(`${host.origin}/__auditor/events`)).status).toBe(401);
    const controller = new AbortController();
    const response = await fetch(`${host.origin}/__auditor/events`, { headers: auth(), signal: controller.signal });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    await reader.read(); // the ": connected" comment
    await fetch(`${host.origin}/__auditor/ipc/settings:update`, { method: 'POST', body: JSON.stringify({ theme: 'light' }), headers: auth() });
    const { value } = await reader.read();
    expect(value).toContain('"channel":"settings:changed"');
    expect(value).toContain('"theme":"light"');
    controller.abort();
  });
});
