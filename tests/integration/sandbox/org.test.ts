import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../main/sandbox/index.js';
import { auth, ManualClock } from './helpers.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function getOrg(scopes?: string[]): Promise<Response> {
  const token = sandbox?.mintAccessToken(scopes === undefined ? {} : { scopes }).accessToken ?? '';
  return fetch(`${sandbox?.url ?? ''}/crm/v8/org`, { headers: auth(token) });
}

describe('GET /crm/{version}/org (Get Organization Data)', () => {
  it('answers {"org":[{…, time_zone}]} with a zone that has daylight saving unless configured', async () => {
    sandbox = await startSandbox({ clock: new ManualClock() });
    const response = await getOrg();
    expect(response.status).toBe(200);
    const body = (await response.json()) as { org: Array<Record<string, unknown>> };
    expect(body.org).toHaveLength(1);
    expect(body.org[0]).toMatchObject({ id: '700123456', time_zone: 'Europe/Berlin', company_name: expect.any(String) });
  });

  it('serves the configured zone, changeable as a knob', async () => {
    sandbox = await startSandbox({ clock: new ManualClock(), orgTimeZone: 'America/New_York' });
    expect(((await (await getOrg()).json()) as { org: Array<{ time_zone: string }> }).org[0]?.time_zone).toBe('America/New_York');
    sandbox.setKnobs({ orgTimeZone: 'Australia/Lord_Howe' });
    expect(((await (await getOrg()).json()) as { org: Array<{ time_zone: string }> }).org[0]?.time_zone).toBe('Australia/Lord_Howe');
  });

  it('needs ZohoCRM.org.READ (or .ALL): OAUTH_SCOPE_MISMATCH otherwise', async () => {
    sandbox = await startSandbox({ clock: new ManualClock() });
    const refused = await getOrg(['ZohoCRM.modules.READ']);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: 'OAUTH_SCOPE_MISMATCH' });
    expect((await getOrg(['ZohoCRM.org.ALL'])).status).toBe(200);
  });
});
