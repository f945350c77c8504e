import { readFileSync } from 'node:fs';
import react from '@vitejs/plugin-react';
import { createServer, type PluginOption } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import config, { DEV_CSP_NONCE_VARIABLE, devCspNoncePlugin } from '../../../electron.vite.config.js';
import { CONTENT_SECURITY_POLICY } from '../../../main/core/content-security-policy.js';

/**
 * `npm run dev` used to open a blank window: the CSP blocked @vitejs/plugin-react's inline preamble.
 * The dev server now serves index.html with a nonce on its scripts and in its policy; builds are
 * untouched (the packaged policy is the one in renderer/index.html, checked here against the header's).
 */
const metaPolicy = (html: string): string => /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
const pluginNames = (plugins: PluginOption[] | undefined): string[] => (plugins ?? []).flat(3).flatMap((plugin) => (plugin !== null && typeof plugin === 'object' && 'name' in plugin ? [plugin.name] : []));
const previousNonce = process.env[DEV_CSP_NONCE_VARIABLE];
afterAll(() => {
  if (previousNonce === undefined) delete process.env[DEV_CSP_NONCE_VARIABLE];
  else process.env[DEV_CSP_NONCE_VARIABLE] = previousNonce;
});

async function resolved(command: 'build' | 'serve') {
  if (typeof config !== 'function') throw new Error('electron.vite.config.ts exports a function of the command');
  return config({ command, mode: command === 'build' ? 'production' : 'development' });
}

describe('the renderer’s Content-Security-Policy in dev and in builds', () => {
  it('packaged: renderer/index.html carries the header’s policy (less frame-ancestors, which a meta tag cannot set), and a build adds no nonce', async () => {
    const html = readFileSync('renderer/index.html', 'utf8');
    expect(metaPolicy(html)).toBe(CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", ''));
    delete process.env[DEV_CSP_NONCE_VARIABLE];
    const build = await resolved('build');
    expect(build.renderer?.html?.cspNonce).toBeUndefined();
    expect(pluginNames(build.renderer?.plugins)).not.toContain('timeline-auditor:dev-csp-nonce');
    expect(process.env[DEV_CSP_NONCE_VARIABLE]).toBeUndefined();
    expect(devCspNoncePlugin('n0nce').apply).toBe('serve');
  });

  it('dev server: one nonce for Vite’s tags, the meta policy and (through the environment) the Electron header', async () => {
    delete process.env[DEV_CSP_NONCE_VARIABLE];
    const first = await resolved('serve');
    const nonce = process.env[DEV_CSP_NONCE_VARIABLE]!;
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{24}$/);
    expect(first.renderer?.html?.cspNonce).toBe(nonce);
    expect((await resolved('serve')).renderer?.html?.cspNonce).toBe(nonce); // evaluated again: the same nonce
    expect(pluginNames(first.renderer?.plugins)).toContain('timeline-auditor:dev-csp-nonce');
  });

  it('the served index.html: plugin-react’s inline preamble carries the nonce the policy admits', async () => {
    const nonce = 'ZGV2LXNlcnZlci1ub25jZQ==';
    const server = await createServer({ configFile: false, root: 'renderer', logLevel: 'silent', plugins: [react(), devCspNoncePlugin(nonce)], html: { cspNonce: nonce }, server: { middlewareMode: true, ws: false } });
    try {
      const served = await server.transformIndexHtml('/index.html', readFileSync('renderer/index.html', 'utf8'));
      expect(metaPolicy(served)).toContain(`script-src 'self' 'nonce-${nonce}';`);
      const inlineScripts = [...served.matchAll(/<script([^>]*)>([^<]+)<\/script>/g)];
      expect(inlineScripts.some(([, , body]) => body!.includes('injectIntoGlobalHook'))).toBe(true); // the preamble is there
      for (const [, attributes] of inlineScripts) expect(attributes).toContain(`nonce="${nonce}"`);
    } finally {
      await server.close();
    }
  });

  it('refuses to run against a changed policy instead of leaving the dev window blank', () => {
    const handler = devCspNoncePlugin('n0nce').transformIndexHtml as { handler: (html: string) => string };
    expect(() => handler.handler('<meta http-equiv="Content-Security-Policy" content="script-src \'self\' \'unsafe-eval\'">')).toThrow(/no longer contains/);
  });
});
