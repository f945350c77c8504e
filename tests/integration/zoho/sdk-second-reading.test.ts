import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ZohoSdk from '@zohocrm/nodejs-sdk-8.0';
import { LARGE_RECORD, LARGE_RECORD_EVENTS, SAMPLE_RECORD, startSandbox, type Sandbox } from '../../../main/sandbox/index.js';
import { RECORD_MODULES } from '../../../main/sandbox/dataset.js';
import { StaticTokenProvider, ZohoClient, type TimelineEntry } from '../../../main/zoho/index.js';

/**
 * Zoho's own Node SDK for CRM v8 (@zohocrm/nodejs-sdk-8.0) as a second, independent reader of the
 * sandbox: it must read every record the project's client reads, with the same counts and ids, and read
 * each event the same way (action, time, user, record, field names, the Pathfinder state).
 *
 * How the SDK reaches the loopback sandbox: its DataCenter classes are only ready-made Environment
 * objects (lib/routes/dc), and Environment takes any base URL; with an access token and findUser(false)
 * it never calls an accounts server. A token is saved to a FileStore in a temp dir; logging is off.
 */

let sandbox: Sandbox;
let dir: string;
let client: ZohoClient;
const operations = new ZohoSdk.Timelines.TimelinesOperations();

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 1 });
  dir = mkdtempSync(join(tmpdir(), 'zoho-sdk-'));
  const { accessToken } = sandbox.mintAccessToken();
  client = new ZohoClient({ tokenProvider: new StaticTokenProvider({ accessToken, apiDomain: sandbox.url }) });
  const environment = new ZohoSdk.Environment(sandbox.url, `${sandbox.url}/oauth/v2/token`, sandbox.url);
  const token = new ZohoSdk.OAuthBuilder().accessToken(accessToken).findUser(false).build();
  const logger = new ZohoSdk.LogBuilder().level(ZohoSdk.Levels.OFF).filePath(join(dir, 'sdk.log')).build();
  const builder = await new ZohoSdk.InitializeBuilder();
  await builder
    .environment(environment)
    .token(token)
    .store(new ZohoSdk.FileStore(join(dir, 'tokens.csv')))
    .logger(logger)
    .resourcePath(dir)
    .initialize();
});

afterAll(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every event of a record through the SDK: per_page 200 first, then next_page_token, as Zoho requires. */
async function sdkRead(module: string, recordId: string, options: { signals?: boolean } = {}): Promise<{ events: ZohoSdk.Timelines.Timeline[]; pages: number }> {
  const events: ZohoSdk.Timelines.Timeline[] = [];
  let pageToken: string | undefined;
  let pages = 0;
  for (;;) {
    const params = new ZohoSdk.ParameterMap();
    if (pageToken === undefined) await params.add(ZohoSdk.Timelines.GetTimelinesParam.PER_PAGE, '200');
    else await params.add(ZohoSdk.Timelines.GetTimelinesParam.PAGE_TOKEN, pageToken);
    if (options.signals === true) {
      await params.add(ZohoSdk.Timelines.GetTimelinesParam.INCLUDE_TIMELINE_TYPE, 'signals');
      await params.add(ZohoSdk.Timelines.GetTimelinesParam.INCLUDE, 'type');
    }
    const response = await operations.getTimelines(module, recordId, params);
    pages += 1;
    if (response === null) throw new Error(`the SDK returned no response for ${module}/${recordId}`);
    if (response.getStatusCode() === 204) break;
    const body = response.getObject();
    if (body instanceof ZohoSdk.Timelines.APIException) throw new Error(`Zoho error through the SDK: ${body.getCode()?.getValue() ?? '?'} ${body.getMessage()?.getValue() ?? ''}`);
    events.push(...body.getTimeline());
    const info = body.getInfo();
    if (info?.getMoreRecords() !== true) break;
    pageToken = info.getNextPageToken();
    if (pageToken === undefined) throw new Error('more_records without next_page_token');
  }
  return { events, pages };
}

const text = (id: bigint | string | undefined): string | undefined => (id === undefined ? undefined : String(id));

/** One event as both clients should agree on it: ids as decimal strings, the time as an instant. */
function sdkView(event: ZohoSdk.Timelines.Timeline): unknown {
  const pathfinder = event.getAutomationDetails()?.getPathfinder();
  return {
    id: text(event.getId()),
    at: event.getAuditedTime()?.getTime(),
    action: event.getAction(),
    source: event.getSource(),
    doneBy: text(event.getDoneBy()?.getId()) ?? null,
    record: [event.getRecord()?.getModule()?.getAPIName(), text(event.getRecord()?.getId())],
    related: text(event.getRelatedRecord()?.getId()) ?? null,
    automation: event.getAutomationDetails()?.getType() ?? null,
    rule: text(event.getAutomationDetails()?.getRule()?.getId()) ?? null,
    pathfinder: pathfinder === undefined ? null : [pathfinder.getState()?.getName(), text(pathfinder.getState()?.getId()), pathfinder.getProcessEntry() === true, pathfinder.getProcessExit() === true],
    fields: (event.getFieldHistory() ?? []).map((change) => [change.getAPIName(), text(change.getId())]),
  };
}

function projectView(entry: TimelineEntry): unknown {
  const event = entry.event;
  const pathfinder = event.automation_details?.pathfinder ?? null;
  return {
    id: event.id,
    at: Date.parse(event.audited_time),
    action: event.action,
    source: event.source ?? undefined,
    doneBy: event.done_by?.id ?? null,
    record: [event.record.module.api_name, event.record.id],
    related: event.related_record?.id ?? null,
    automation: event.automation_details?.type ?? null,
    rule: event.automation_details?.rule?.id ?? null,
    pathfinder: pathfinder === null ? null : [pathfinder.state?.name, pathfinder.state?.id, pathfinder.process_entry === true, pathfinder.process_exit === true],
    fields: (event.field_history ?? []).map((change) => [change.api_name, change.id]),
  };
}

describe("Zoho's SDK reads the sandbox as the project's client does", () => {
  it('every listed record and the sample: same counts, same ids in the same order, same events', async () => {
    let records = 0;
    let events = 0;
    let pathfinderSteps = 0;
    for (const module of RECORD_MODULES) {
      const listed = (await client.listRecords(module, { fields: ['id'] })).map((record) => record.id);
      expect(listed.length).toBeGreaterThan(0);
      if (module === SAMPLE_RECORD.module) expect(listed).toContain(SAMPLE_RECORD.id);
      for (const recordId of listed) {
        const ours = await client.fetchTimeline(module, recordId);
        const theirs = await sdkRead(module, recordId);
        expect(
          theirs.events.map((event) => text(event.getId())),
          `${module}/${recordId}`,
        ).toEqual(ours.entries.map((entry) => entry.event.id));
        expect(theirs.events.map(sdkView), `${module}/${recordId}`).toEqual(ours.entries.map(projectView));
        records += 1;
        events += ours.entries.length;
        pathfinderSteps += theirs.events.filter((event) => event.getAutomationDetails()?.getPathfinder() !== undefined).length;
      }
    }
    expect(records).toBe(RECORD_MODULES.length * 20 + 1);
    expect(events).toBeGreaterThan(1_000);
    expect(pathfinderSteps).toBeGreaterThan(10);
  });

  it(`the large record: both read ${LARGE_RECORD_EVENTS - 384} timeline events page by page, and ${LARGE_RECORD_EVENTS} with signals`, async () => {
    const ours = await client.fetchTimeline(LARGE_RECORD.module, LARGE_RECORD.id);
    const theirs = await sdkRead(LARGE_RECORD.module, LARGE_RECORD.id);
    expect(theirs.events).toHaveLength(9_616);
    expect(ours.entries).toHaveLength(9_616);
    expect(theirs.pages).toBe(ours.pages);
    expect(theirs.events.map((event) => text(event.getId()))).toEqual(ours.entries.map((entry) => entry.event.id));

    const oursWithSignals = await client.fetchTimeline(LARGE_RECORD.module, LARGE_RECORD.id, { includeTimelineType: 'signals', include: ['type'] });
    const theirsWithSignals = await sdkRead(LARGE_RECORD.module, LARGE_RECORD.id, { signals: true });
    expect(theirsWithSignals.events).toHaveLength(LARGE_RECORD_EVENTS);
    expect(theirsWithSignals.events.map((event) => text(event.getId()))).toEqual(oursWithSignals.entries.map((entry) => entry.event.id));
    expect(theirsWithSignals.events.filter((event) => event.getType() === 'signals')).toHaveLength(LARGE_RECORD_EVENTS - 9_616);
  });
});
