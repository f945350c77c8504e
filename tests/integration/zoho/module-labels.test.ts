/**
 * The org's module labels: Zoho's modules API (GET /settings/modules) as the sandbox serves it, the
 * client's reading of it, the cache keeping it at each sync, the Review screen's facets carrying it —
 * and a sync that goes on when the labels cannot be read (no scope), falling back to the built-in names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCOPES, SAMPLE_RECORD, startSandbox, type Sandbox } from '../../../main/sandbox/index.js';
import { ZohoClient, fetchModuleLabels } from '../../../main/zoho/index.js';
import { StaticTokenProvider } from '../../../main/zoho/static-token-provider.js';
import { moduleLabel } from '../../../preload/labels.js';
import { coreOnSandbox } from '../records/core-on-sandbox.js';

const WITH_MODULES_SCOPE = [...DEFAULT_SCOPES, 'ZohoCRM.settings.modules.READ'];
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 3, recordsPerModule: 2, latencyMs: 0 });
});
afterAll(async () => {
  await sandbox.close();
});

function client(scopes: string[]): ZohoClient {
  return new ZohoClient({ tokenProvider: new StaticTokenProvider({ accessToken: sandbox.mintAccessToken({ scopes }).accessToken, apiDomain: sandbox.url }), retry: { maxAttempts: 1 } });
}

describe('module labels from Zoho', () => {
  it('the sandbox answers in the documented shape; the client reads api_name and the labels exactly as sent', async () => {
    const raw = await client(WITH_MODULES_SCOPE).getJson(['settings', 'modules'], { what: 'modules', scope: 'ZohoCRM.settings.modules.READ' });
    expect(raw.status).toBe(200);
    const modules = (raw.body as { modules: Array<Record<string, unknown>> }).modules;
    for (const module of modules) expect(Object.keys(module)).toEqual(expect.arrayContaining(['api_name', 'module_name', 'singular_label', 'plural_label', 'generated_type', 'api_supported', 'id']));
    const labels = await fetchModuleLabels(client(WITH_MODULES_SCOPE));
    expect(labels.map((label) => label.apiName)).toEqual(modules.map((module) => module.api_name));
    expect(labels).toContainEqual({ apiName: 'Events', moduleName: 'Events', singularLabel: 'Meeting', pluralLabel: 'Meetings' });
    expect(labels).toContainEqual({ apiName: 'Services__s', moduleName: 'Services', singularLabel: 'Service', pluralLabel: 'Services' });
    // A custom module: its label is nothing like its API name.
    expect(labels).toContainEqual({ apiName: 'Site_Inspections', moduleName: 'Site_Inspections', singularLabel: 'Site inspection', pluralLabel: 'Site inspections' });
    expect(modules.find((module) => module.api_name === 'Site_Inspections')).toMatchObject({ generated_type: 'custom' });
  });

  it('a token without the settings scope is refused as Zoho refuses it', async () => {
    await expect(fetchModuleLabels(client(DEFAULT_SCOPES))).rejects.toMatchObject({ code: expect.stringMatching(/SCOPE/) });
  });

  it('a damaged answer is refused, never turned into labels', async () => {
    const fake = { getJson: () => Promise.resolve({ status: 200, body: { modules: [{ api_name: 'Leads', plural_label: 'Leads' }] } }) };
    await expect(fetchModuleLabels(fake)).rejects.toMatchObject({ code: 'ZOHO_MALFORMED_RESPONSE' });
  });

  it('a sync keeps them in the cache and the facets carry them; the org’s words win over the built-in ones', async () => {
    const running = coreOnSandbox(sandbox, { scopes: WITH_MODULES_SCOPE });
    try {
      const records = await running.core.records();
      const result = await records.sync({ records: [{ module: SAMPLE_RECORD.module, recordId: SAMPLE_RECORD.id }] });
      expect(result?.state).toBe('done');
      const facets = await (await running.core.review()).facets();
      expect(facets.moduleLabels).toMatchObject({ Events: 'Meetings', Services__s: 'Services', Site_Inspections: 'Site inspections', Leads: 'Leads' });
      expect(moduleLabel('Site_Inspections', facets.moduleLabels)).toBe('Site inspections');
      expect(moduleLabel('Site_Inspections')).toBe('Site Inspections');
    } finally {
      await running.close();
    }
  });

  it('without the scope the sync still completes, and labels fall back to the built-in names', async () => {
    const running = coreOnSandbox(sandbox);
    try {
      const records = await running.core.records();
      expect(await records.refreshModuleLabels()).toMatchObject({ failed: expect.stringMatching(/scope|permission/i) });
      const result = await records.sync({ records: [{ module: SAMPLE_RECORD.module, recordId: SAMPLE_RECORD.id }] });
      expect(result?.state).toBe('done');
      const facets = await (await running.core.review()).facets();
      expect(facets.moduleLabels).toEqual({});
      expect(moduleLabel('Events', facets.moduleLabels)).toBe('Meetings');
      expect(moduleLabel('Services__s', facets.moduleLabels)).toBe('Services');
    } finally {
      await running.close();
    }
  });
});
