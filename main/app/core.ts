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
import { DemoWorkspace } from '../demo/demo-workspace.js';
import type { ExportService } from '../export/export-service.js';
import type { RecordsService } from '../records/records-service.js';
import type { ReviewService } from '../review/review-service.js';
import { SettingsService } from '../settings/settings-service.js';
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
  /** The app's own updates (`not-configured` outside a desktop build with a feed). */
  readonly updates: UpdateService;
  records(): Promise<RecordsService>;
  review(): Promise<ReviewService>;
  exports(): Promise<ExportService>;
  /** The data worker's client: the cache's reads (tests and tools; the services are the way in). */
  data(): Promise<DataClient>;
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
  const settingsStore = once(() => ports.openStore(SETTINGS_STORE));
  const settings = once(() => new SettingsService(settingsStore(), events));
  const demo = once(() => new DemoWorkspace(ports.paths.home, ports.demoLatencyMs ?? 0));
  const auth = once(() => {
    const service = new ZohoAuthService({
      vault: new TokenVault(ports.openStore(VAULT_STORE), ports.cipher),
      onStatusChange: (status) => events.emit('auth:status-changed', toView(status)),
    });
    // A demo connection from an earlier run needs its workspace back before the first call.
    const status = service.status();
    if (status.state !== 'disconnected' && DemoWorkspace.isDemoServer(status.accountsServer)) {
      void demo()
        .start()
        .then(
          (sandbox) => ports.browser.allowExternalOrigin(sandbox.url),
          () => undefined, // Reported when the connection is used: the demo then asks to reconnect.
        );
    }
    return service;
  });
  const connection = once(() => new ConnectionController(auth(), demo(), events, ports.browser, settingsStore(), ports.passphraseChoice));
  const updates = once(
    () =>
      new UpdateService({
        updater: ports.updates?.updater ?? null,
        connectionCost: ports.updates?.connectionCost ?? (() => Promise.resolve('unknown')),
        updatesDisabledByPolicy: options.updatesDisabledByPolicy ?? (() => false),
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
    get updates() {
      return updates();
    },
    records: async () => (await data()).records,
    review: async () => (await data()).review,
    exports: async () => (await data()).exports,
    data: async () => (await data()).data,
    zoho: zohoClient,
    close: async () => {
      // Only what was made is stopped: closing must not build services just to close them.
      await (await data.made())?.close();
      await demo.made()?.close();
    },
  };
}
