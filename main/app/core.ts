/**
 * The one composition root: every service of the app, the browser-mode host and the CLI is built
 * here from a shell's PlatformPorts. Services are made on first use, so a CLI command only pays for
 * what it touches (`status` never opens the cache).
 */
import { ConnectionController, toView } from '../auth/connection-controller.js';
import { TokenVault } from '../auth/token-vault.js';
import { ZohoAuthService } from '../auth/zoho-auth-service.js';
import { cacheFilePath } from '../cache/location.js';
import { EventHub } from '../core/event-hub.js';
import type { EventPayload } from '../../preload/contract.js';
import { DemoWorkspace } from '../demo/demo-workspace.js';
import type { ExportService } from '../export/export-service.js';
import type { RecordsService } from '../records/records-service.js';
import type { ReviewService } from '../review/review-service.js';
import { createAppLog, type AppLog } from '../logging/app-log.js';
import { DEMO_DISABLED_MESSAGE, loadAdminPolicy, type AdminPolicy } from '../policy/admin-policy.js';
import { SettingsService } from '../settings/settings-service.js';
import { join } from 'node:path';
import { UpdateService } from '../updates/update-service.js';
import { ZohoClient } from '../zoho/client.js';
import type { TokenProvider } from '../zoho/token-provider.js';
import type { DataClient } from '../data/data-client.js';
import type { DataServices } from './data-services.js';
import type { PlatformPorts } from './platform-ports.js';

/** Names of the key-value stores in the home folder (the file names shells and older versions share). */
export const SETTINGS_STORE = 'settings';
export const VAULT_STORE = 'zoho-vault';

export interface CoreOptions {
  /**
   * Talk to Zoho with this instead of the stored connection (the CLI's --api-domain/--token, for
   * scripts and the live contract test).
   */
  tokenProvider?: TokenProvider;
  /** Zoho CRM API version for every call (the CLI's --api-version). */
  apiVersion?: string;
  /** The admin policy's "updates disabled" (main/policy); without it updates are allowed. */
  updatesDisabledByPolicy?: () => boolean;
}

/**
 * The main-process services, built once per process. Sign-in and settings are at hand at once; the
 * services on the cache (records, review, exports) load on first use, so start-up and light CLI
 * commands never pay for SQLite, the sync engine or the export engine.
 */
export interface Core {
  readonly ports: PlatformPorts;
  readonly events: EventHub;
  readonly settings: SettingsService;
  readonly auth: ZohoAuthService;
  readonly connection: ConnectionController;
  readonly demo: DemoWorkspace;
  /** The machine-wide admin policy, read once at start (a bad file is reported in it, never thrown). */
  readonly policy: AdminPolicy;
  /** True when the admin policy turns updates off (the updater asks before every check). */
  updatesDisabledByPolicy(): boolean;
  /** The log (scrubbed, 0600) in the shell's log folder. */
  readonly log: AppLog;
  /** The app's own updates (`not-configured` outside a desktop build with a feed). */
  readonly updates: UpdateService;
  records(): Promise<RecordsService>;
  review(): Promise<ReviewService>;
  exports(): Promise<ExportService>;
  /** The data worker's client: the cache's reads (tests and tools; the services are the way in). */
  data(): Promise<DataClient>;
  /** Whether the cache's services were started in this process (diagnostics read them only then). */
  dataStarted(): boolean;
  /** A Zoho client on the stored connection (or CoreOptions.tokenProvider). */
  zoho(): ZohoClient;
  /** Stops what the services started (sync, export, demo workspace) and closes the cache. */
  close(): Promise<void>;
}

/** A service made on first call; `made()` tells whether (and what) it was made, without making it. */
type Lazy<T> = (() => T) & { made(): T | undefined };

function once<T>(make: () => T): Lazy<T> {
  let made: { value: T } | undefined;
  return Object.assign(() => (made ??= { value: make() }).value, { made: () => made?.value });
}

export function createCore(ports: PlatformPorts, options: CoreOptions = {}): Core {
  const events = new EventHub();
  const log = createAppLog({ folder: ports.paths.logs ?? join(ports.paths.home, 'logs') });
  for (const secret of ports.knownSecrets ?? []) log.registerSecret(secret);
  const policy = loadAdminPolicy(ports.policyFile ?? null);
  log.info(`Timeline Auditor starting (${ports.shell}); admin policy: ${policy.state}${policy.file === null ? '' : ` (${policy.file})`}`);
  for (const problem of policy.problems) log.warn(`Admin policy: ${problem.field ?? 'file'}: ${problem.problem}`);
  // The diagnostics worth keeping: how sign-ins, syncs and exports ended (never their secrets: the log scrubs).
  events.subscribe(({ channel, payload }) => {
    // The envelope's payload is typed per channel only through its channel name.
    switch (channel) {
      case 'auth:authorization-url':
        log.info('Sign-in: waiting for the browser', { url: (payload as EventPayload<'auth:authorization-url'>).url });
        break;
      case 'sync:progress': {
        const sync = payload as EventPayload<'sync:progress'>;
        if (sync.state !== 'running') log.info(`Sync ${sync.runId} ${sync.state}: ${sync.recordsDone}/${sync.recordsTotal} records, ${sync.recordsFailed} failed, ${sync.eventsWritten} events`);
        break;
      }
      case 'export:progress': {
        const job = payload as EventPayload<'export:progress'>;
        if (job.state === 'failed') log.error(`Export ${job.exportId} failed`, job.error);
        else if (job.state !== 'running') log.info(`Export ${job.exportId} ${job.state}`);
        break;
      }
      default:
        break;
    }
  });
  const settingsStore = once(() => ports.openStore(SETTINGS_STORE));
  const settings = once(() => new SettingsService(settingsStore(), events));
  const demo = once(() => new DemoWorkspace(ports.paths.home, ports.demoLatencyMs ?? 0, policy.disableDemoWorkspace ? DEMO_DISABLED_MESSAGE : null));
  const auth = once(() => {
    const service = new ZohoAuthService({
      vault: new TokenVault(ports.openStore(VAULT_STORE), ports.cipher),
      ...(ports.http === undefined ? {} : { fetch: ports.http }),
      onStatusChange: (status) => {
        log.info(`Zoho connection: ${status.state}${status.brokenReason === undefined ? '' : ` (${status.brokenReason})`}`);
        events.emit('auth:status-changed', toView(status));
      },
      onSecret: (secret) => log.registerSecret(secret),
    });
    // A demo connection from an earlier run needs its workspace back before the first call.
    const status = service.status();
    if (status.state !== 'disconnected' && DemoWorkspace.isDemoServer(status.accountsServer) && !policy.disableDemoWorkspace) {
      void demo()
        .start()
        .then(
          (sandbox) => ports.browser.allowExternalOrigin(sandbox.url),
          () => undefined, // Reported when the connection is used: the demo then asks to reconnect.
        );
    }
    return service;
  });
  const connection = once(() => new ConnectionController(auth(), demo(), events, ports.browser, settingsStore(), ports.passphraseChoice, policy, (secret) => log.registerSecret(secret)));
  const updates = once(
    () =>
      new UpdateService({
        updater: ports.updates?.updater ?? null,
        connectionCost: ports.updates?.connectionCost ?? (() => Promise.resolve('unknown')),
        updatesDisabledByPolicy: options.updatesDisabledByPolicy ?? (() => policy.disableUpdates),
        clock: ports.clock,
        onStatusChange: (status) => events.emit('updates:status-changed', status),
      }),
  );
  const zohoClient = (): ZohoClient =>
    new ZohoClient({
      tokenProvider: options.tokenProvider ?? auth(),
      clock: ports.clock,
      ...(ports.http === undefined ? {} : { fetch: ports.http }),
      ...(options.apiVersion === undefined ? {} : { apiVersion: options.apiVersion }),
    });
  const data = once(async (): Promise<DataServices> => {
    // The worker thread starts (and opens the cache) while the services' modules load here.
    const [client, { createDataServices }] = await Promise.all([import('../data/data-client.js').then(({ createDataClient }) => createDataClient(ports.workers, { cacheFile: cacheFilePath(ports.paths.home) })), import('./data-services.js')]);
    return createDataServices({
      data: client,
      ports,
      events,
      settingsStore: settingsStore(),
      settings: settings(),
      auth: auth(),
      syncClient: zohoClient,
      policy,
    });
  });

  // Getters keep construction lazy while the shape stays a plain object of services.
  return {
    ports,
    events,
    get settings() {
      return settings();
    },
    get auth() {
      return auth();
    },
    get connection() {
      return connection();
    },
    get demo() {
      return demo();
    },
    policy,
    updatesDisabledByPolicy: () => policy.disableUpdates,
    log,
    get updates() {
      return updates();
    },
    records: async () => (await data()).records,
    review: async () => (await data()).review,
    exports: async () => (await data()).exports,
    data: async () => (await data()).data,
    dataStarted: () => data.made() !== undefined,
    zoho: zohoClient,
    close: async () => {
      // Only what was made is stopped: closing must not build services just to close them.
      await (await data.made())?.close();
      await demo.made()?.close();
    },
  };
}
