/**
 * Updates on a loopback feed, through electron-updater itself: a real NsisUpdater (on a stand-in
 * app, since Electron cannot run here) reads app-update.yml, asks the generic provider for
 * latest.yml over HTTP, downloads the installer, checks its sha512 and calls the publisher-signature
 * check with the publisherName from app-update.yml — the path the desktop app takes, driven by the
 * update service through the same adapter main.ts uses (main/electron/app-updater-port.ts).
 *
 * electron-updater's own test hooks used here (its test suite does the same): an AppAdapter instead
 * of Electron's app, `httpExecutor` (Node's http instead of Electron's net), `_testOnlyOptions`
 * (platform win32, no differential download), `updateConfigPath`, `verifyUpdateCodeSignature`.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configureRequestOptions, configureRequestUrl, HttpExecutor, type DownloadOptions } from 'builder-util-runtime';
import electronUpdater from 'electron-updater';
import type { AppAdapter } from 'electron-updater/out/AppAdapter.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UpdateConnectionCost, UpdateStatusView } from '../../../preload/contract.js';
import { systemClock } from '../../../main/core/clock.js';
import { AuditorError } from '../../../main/core/errors.js';
import { appUpdaterPort, configuredUpdaterPort } from '../../../main/electron/app-updater-port.js';
import { UpdateService } from '../../../main/updates/update-service.js';

const { NsisUpdater } = electronUpdater;

const RUNNING_VERSION = '0.1.0';
const PUBLISHER = 'Timeline Auditor Test Signer';
const INSTALLER = 'Timeline-Auditor-Setup-0.2.0.exe';
const CHECKED_AT = Date.UTC(2026, 10, 30, 12, 0, 0);

/**
 * Node's http for electron-updater's requests (in the app: Electron's net, which needs Electron).
 * `download` is ElectronHttpExecutor's, line for line: the base class's doDownload streams the file
 * through its DigestTransform, which is where the sha512 from latest.yml is checked.
 */
class LoopbackHttpExecutor extends HttpExecutor<ClientRequest> {
  createRequest(options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest {
    return httpRequest(options, callback);
  }

  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise<string>((resolve, reject, onCancel) => {
      const requestOptions: RequestOptions = { ...(options.headers == null ? {} : { headers: options.headers }) };
      configureRequestUrl(url, requestOptions);
      configureRequestOptions(requestOptions);
      this.doDownload(requestOptions, { destination, options, onCancel, callback: (error: Error | null | undefined) => (error instanceof Error ? reject(error) : resolve(destination)), responseHandler: null }, 0);
    });
  }
}

interface Feed {
  url: string;
  /** Every path the updater asked the feed for, in order. */
  requests: string[];
  server: Server;
}

let dir: string;
let feed: Feed;
const installer = Buffer.from('MZ a stand-in NSIS installer for the loopback feed test '.repeat(2000));

async function serveFeed(latestYml: string): Promise<Feed> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push(path);
    if (path === '/feed/latest.yml') {
      res.writeHead(200, { 'content-type': 'text/yaml' }).end(latestYml);
    } else if (path === `/feed/${INSTALLER}`) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(installer.length) }).end(installer);
    } else {
      res.writeHead(404).end();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/feed/`, requests, server };
}

function latestYml(version: string, sha512: string): string {
  return [`version: ${version}`, 'files:', `  - url: ${INSTALLER}`, `    sha512: ${sha512}`, `    size: ${installer.length}`, `path: ${INSTALLER}`, `sha512: ${sha512}`, "releaseDate: '2026-11-30T10:00:00.000Z'", ''].join('\n');
}

const rightSha512 = (): string => createHash('sha512').update(installer).digest('base64');

/** What electron-builder writes into resources/app-update.yml for a signed build with a feed. */
async function writeAppUpdateYml(feedUrl: string): Promise<string> {
  const path = join(dir, 'resources', 'app-update.yml');
  await writeFile(path, [`provider: generic`, `url: ${feedUrl}`, 'updaterCacheDirName: timeline-auditor-updater', `publisherName:`, `  - ${PUBLISHER}`, ''].join('\n'));
  return path;
}

interface SignatureCheck {
  publisherNames: string[];
  file: string;
}

/** A real NsisUpdater on a stand-in app; `signatureVerdict` answers its publisher check (null = signed by the publisher). */
async function makeUpdater(signatureVerdict: string | null): Promise<{ updater: InstanceType<typeof NsisUpdater>; signatureChecks: SignatureCheck[] }> {
  const appUpdateConfigPath = await writeAppUpdateYml(feed.url);
  const app: AppAdapter = {
    version: RUNNING_VERSION,
    name: 'timeline-auditor',
    isPackaged: true,
    appUpdateConfigPath,
    userDataPath: join(dir, 'user-data'),
    baseCachePath: join(dir, 'cache'),
    whenReady: () => Promise.resolve(),
    relaunch: () => undefined,
    quit: () => undefined,
    onQuit: () => undefined,
  };
  const updater = new NsisUpdater(null, app);
  updater.logger = null;
  updater.updateConfigPath = appUpdateConfigPath;
  const hooks = updater as unknown as { httpExecutor: HttpExecutor<ClientRequest>; _testOnlyOptions: { platform: 'win32'; isUseDifferentialDownload: boolean } };
  hooks.httpExecutor = new LoopbackHttpExecutor();
  hooks._testOnlyOptions = { platform: 'win32', isUseDifferentialDownload: false };
  const signatureChecks: SignatureCheck[] = [];
  updater.verifyUpdateCodeSignature = (publisherNames, file) => {
    signatureChecks.push({ publisherNames, file });
    return Promise.resolve(signatureVerdict);
  };
  return { updater, signatureChecks };
}

function makeService(options: { updater: InstanceType<typeof NsisUpdater> | null; connection: UpdateConnectionCost; policyDisablesUpdates?: () => boolean }): { service: UpdateService; changes: UpdateStatusView[] } {
  const changes: UpdateStatusView[] = [];
  const service = new UpdateService({
    updater: options.updater === null ? null : appUpdaterPort(options.updater),
    connectionCost: () => Promise.resolve(options.connection),
    updatesDisabledByPolicy: options.policyDisablesUpdates ?? (() => false),
    clock: { now: () => CHECKED_AT, sleep: systemClock.sleep },
    onStatusChange: (status) => changes.push(status),
  });
  return { service, changes };
}

async function pendingFiles(): Promise<string[]> {
  return readdir(join(dir, 'cache', 'timeline-auditor-updater', 'pending')).catch(() => []);
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ta-updates-'));
  await mkdir(join(dir, 'resources'));
});

afterEach(async () => {
  feed.server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('updates on a loopback feed (electron-updater NsisUpdater, generic provider)', () => {
  it('on an unmetered connection: check → download → sha512 and publisher verified → downloaded', async () => {
    feed = await serveFeed(latestYml('0.2.0', rightSha512()));
    const { updater, signatureChecks } = await makeUpdater(null);
    const { service, changes } = makeService({ updater, connection: 'unmetered' });

    expect(service.status()).toEqual({ state: 'idle', lastCheckedAt: null });
    const result = await service.checkNow();

    expect(result).toEqual({ state: 'downloaded', version: '0.2.0' });
    expect(changes.map((change) => change.state)).toEqual(expect.arrayContaining(['checking', 'available', 'downloading', 'downloaded']));
    expect(changes[changes.length - 1]).toEqual({ state: 'downloaded', version: '0.2.0' });
    expect(feed.requests).toEqual(['/feed/latest.yml', `/feed/${INSTALLER}`]);
    // The publisher check ran on the downloaded file with the name from app-update.yml.
    expect(signatureChecks).toHaveLength(1);
    expect(signatureChecks[0]?.publisherNames).toEqual([PUBLISHER]);
    const downloaded = join(dir, 'cache', 'timeline-auditor-updater', 'pending', INSTALLER);
    expect(await pendingFiles()).toContain(INSTALLER);
    expect((await readFile(downloaded)).equals(installer)).toBe(true);
  });

  it('refuses an installer whose sha512 is not the one latest.yml states', async () => {
    const wrong = createHash('sha512').update('some other installer').digest('base64');
    feed = await serveFeed(latestYml('0.2.0', wrong));
    const { updater, signatureChecks } = await makeUpdater(null);
    const { service } = makeService({ updater, connection: 'unmetered' });

    const result = await service.checkNow();

    expect(result.state).toBe('error');
    expect(result.state === 'error' ? result.message : '').toMatch(/^Version 0\.2\.0 could not be downloaded or did not verify: sha512 checksum mismatch/);
    expect(feed.requests).toEqual(['/feed/latest.yml', `/feed/${INSTALLER}`]);
    expect(signatureChecks).toHaveLength(0);
    expect(await pendingFiles()).not.toContain(INSTALLER);
    expect(() => service.installAndRestart()).toThrow(AuditorError);
  });

  it('refuses an installer the publisher check rejects', async () => {
    feed = await serveFeed(latestYml('0.2.0', rightSha512()));
    const { updater, signatureChecks } = await makeUpdater('the signature is from "Someone Else"');
    const { service } = makeService({ updater, connection: 'unmetered' });

    const result = await service.checkNow();

    expect(signatureChecks).toHaveLength(1);
    expect(result.state).toBe('error');
    expect(result.state === 'error' ? result.message : '').toMatch(/^Version 0\.2\.0 could not be downloaded or did not verify: New version 0\.2\.0 is not signed by the application owner: the signature is from "Someone Else"/);
    expect(await pendingFiles()).not.toContain(INSTALLER);
  });

  it.each(['metered', 'unknown'] as const)('on a %s connection: nothing downloads until the user consents', async (connection) => {
    feed = await serveFeed(latestYml('0.2.0', rightSha512()));
    const { updater } = await makeUpdater(null);
    const { service } = makeService({ updater, connection });

    const found = await service.checkNow();

    expect(found).toEqual({ state: 'awaiting-consent', version: '0.2.0', sizeBytes: installer.length, connection });
    expect(feed.requests).toEqual(['/feed/latest.yml']);
    expect(await pendingFiles()).toEqual([]);
    // A second check while waiting asks the feed again but still downloads nothing.
    await service.checkNow();
    expect(feed.requests).toEqual(['/feed/latest.yml', '/feed/latest.yml']);

    const consented = await service.consentToDownload();

    expect(consented).toEqual({ state: 'downloaded', version: '0.2.0' });
    expect(feed.requests).toEqual(['/feed/latest.yml', '/feed/latest.yml', `/feed/${INSTALLER}`]);
    expect(await pendingFiles()).toContain(INSTALLER);
  });

  it('disabled by admin policy: no request reaches the feed at all', async () => {
    feed = await serveFeed(latestYml('0.2.0', rightSha512()));
    const { updater } = await makeUpdater(null);
    let policyDisablesUpdates = true;
    const { service, changes } = makeService({ updater, connection: 'unmetered', policyDisablesUpdates: () => policyDisablesUpdates });

    expect(service.status()).toEqual({ state: 'disabled-by-policy' });
    expect(await service.checkNow()).toEqual({ state: 'disabled-by-policy' });
    expect(await service.consentToDownload()).toEqual({ state: 'disabled-by-policy' });
    expect(service.installAndRestart()).toEqual({ state: 'disabled-by-policy' });
    const controller = new AbortController();
    const scheduled = service.runScheduledChecks(controller.signal, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    await scheduled;

    expect(feed.requests).toEqual([]);
    expect(changes).toEqual([]);
    expect(await pendingFiles()).toEqual([]);

    // The policy is read on every call: lifted, the next check reaches the feed.
    policyDisablesUpdates = false;
    expect(await service.checkNow()).toEqual({ state: 'downloaded', version: '0.2.0' });
    expect(feed.requests).toEqual(['/feed/latest.yml', `/feed/${INSTALLER}`]);
  });

  it('the feed offers the running version: idle, with the time of the check', async () => {
    feed = await serveFeed(latestYml(RUNNING_VERSION, rightSha512()));
    const { updater } = await makeUpdater(null);
    const { service } = makeService({ updater, connection: 'unmetered' });

    expect(await service.checkNow()).toEqual({ state: 'idle', lastCheckedAt: '2026-11-30T12:00:00.000Z' });
    expect(feed.requests).toEqual(['/feed/latest.yml']);
    await expect(service.consentToDownload()).rejects.toMatchObject({ code: 'UPDATE_NOTHING_TO_DOWNLOAD' });
  });

  it('an unreachable feed is an error state, not an exception', async () => {
    feed = await serveFeed('');
    const { updater } = await makeUpdater(null);
    feed.server.close();
    await once(feed.server, 'close');
    const { service } = makeService({ updater, connection: 'unmetered' });

    const result = await service.checkNow();

    expect(result.state).toBe('error');
    expect(result.state === 'error' ? result.message : '').toMatch(/^The update feed could not be read: /);
  });
});

describe('a build without a feed URL', () => {
  it('is not configured: no updater is made, and the service says so without an error', async () => {
    feed = await serveFeed(latestYml('0.2.0', rightSha512()));
    let updatersMade = 0;
    const make = (): InstanceType<typeof NsisUpdater> => {
      updatersMade += 1;
      throw new Error('no updater may be made without app-update.yml');
    };
    // resources/ without app-update.yml: what electron-builder leaves when TIMELINE_AUDITOR_UPDATE_URL is unset.
    expect(configuredUpdaterPort({ isPackaged: true }, join(dir, 'resources'), make)).toBeNull();
    // Unpackaged (npm run dev) never updates, even with the file.
    await writeAppUpdateYml(feed.url);
    expect(configuredUpdaterPort({ isPackaged: false }, join(dir, 'resources'), make)).toBeNull();
    expect(updatersMade).toBe(0);

    const { service, changes } = makeService({ updater: null, connection: 'unmetered' });
    expect(service.status()).toEqual({ state: 'not-configured' });
    expect(await service.checkNow()).toEqual({ state: 'not-configured' });
    expect(await service.consentToDownload()).toEqual({ state: 'not-configured' });
    expect(service.installAndRestart()).toEqual({ state: 'not-configured' });
    expect(changes).toEqual([]);
    expect(feed.requests).toEqual([]);
  });
});
