/**
 * The one composition root: every service of the app, the browser-mode host and the CLI is built
 * here from a shell's PlatformPorts. Services are made on first use, so a CLI command only pays for
 * what it touches (`status` never opens the cache).
 */
import { ConnectionController, toView } from '../auth/connection-controller.js';
import { TokenVault } from '../auth/token-vault.js';
import { ZohoAuthService } from '../auth/zoho-auth-service.js';
import { TimelineCache } from '../cache/index.js';
import { cacheFilePath } from '../cache/location.js';
import { APP_VERSION } from '../core/app-info.js';
import { EventHub } from '../core/event-hub.js';
import { DemoWorkspace } from '../demo/demo-workspace.js';
import { ExportService } from '../export/export-service.js';
import { FileSigningKeyStore } from '../export/signing-key-store.js';
import { RecordsService } from '../records/records-service.js';
import { ReviewService } from '../review/review-service.js';
import { SettingsService } from '../settings/settings-service.js';
import { ZohoClient } from '../zoho/client.js';
import { SYNC_CLIENT_RETRY } from '../sync/index.js';
import type { TokenProvider } from '../zoho/token-provider.js';
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
}

/** The main-process services, built once per process. */
export interface Core {
  readonly ports: PlatformPorts;
  readonly events: EventHub;
  readonly settings: SettingsService;
  readonly auth: ZohoAuthService;
  readonly connection: ConnectionController;
  readonly demo: DemoWorkspace;
  readonly records: RecordsService;
  readonly review: ReviewService;
  readonly exports: ExportService;
  /** A Zoho client on the stored connection (or CoreOptions.tokenProvider). */
  zoho(): ZohoClient;
  /** The local cache, opened on first use. */
  cache(): TimelineCache;
  /** Stops what the services started (sync, export, demo workspace) and closes the cache. */
  close(): Promise<void>;
}

/** A service made on first call; `made()` tells whether (and what) it was made, without making it. */
type Lazy<T> = (() => T) & { made(): T | undefined };

export function createCore(ports: PlatformPorts, options: CoreOptions = {}): Core {
  const events = new EventHub();
  const { home } = ports.paths;
  const once = <T>(make: () => T): Lazy<T> => {
    let made: { value: T } | undefined;
    return Object.assign(() => (made ??= { value: make() }).value, { made: () => made?.value });
  };

  const settingsStore = once(() => ports.openStore(SETTINGS_STORE));
  const settings = once(() => new SettingsService(settingsStore(), events));
  const auth = once(() => {
    const service = new ZohoAuthService({
      vault: new TokenVault(ports.openStore(VAULT_STORE), ports.cipher),
      onStatusChange: (status) => events.emit('auth:status-changed', toView(status)),
    });
    // A demo connection from an earlier run needs its workspace back before the first call.
    const status = service.status();
    if (status.state !== 'disconnected' && DemoWorkspace.isDemoServer(status.accountsServer)) {
      void demo().start().then(
        (sandbox) => ports.browser.allowExternalOrigin(sandbox.url),
        () => undefined, // Reported when the connection is used: the demo then asks to reconnect.
      );
    }
    return service;
  });
  const demo = once(() => new DemoWorkspace(home, ports.demoLatencyMs ?? 0));
  let openedCache: TimelineCache | undefined;
  const cache = (): TimelineCache => (openedCache ??= TimelineCache.open(cacheFilePath(home)));
  const zoho = (): ZohoClient =>
    new ZohoClient({
      tokenProvider: options.tokenProvider ?? auth(),
      clock: ports.clock,
      ...(ports.http === undefined ? {} : { fetch: ports.http }),
      ...(options.apiVersion === undefined ? {} : { apiVersion: options.apiVersion }),
    });
  const connection = once(() => new ConnectionController(auth(), demo(), events, ports.browser, settingsStore()));
  // TODO(merge wt-client): one retry policy in the client; until then sync asks for one try per request.
  const records = once(() => new RecordsService({ cache, client: () => new ZohoClient({ tokenProvider: options.tokenProvider ?? auth(), clock: ports.clock, retry: SYNC_CLIENT_RETRY, ...(ports.http === undefined ? {} : { fetch: ports.http }), ...(options.apiVersion === undefined ? {} : { apiVersion: options.apiVersion }) }), events, clock: ports.clock }));
  const review = once(
    () =>
      new ReviewService({
        cache,
        store: settingsStore(),
        events,
        clock: ports.clock,
        author: () => auth().status().user?.name ?? auth().status().user?.email ?? 'Reviewer',
      }),
  );
  const exports = once(
    () =>
      new ExportService({
        cache,
        events,
        clock: ports.clock,
        keyStore: new FileSigningKeyStore(home, ports.cipher),
        exportsFolder: ports.paths.exportsFolder,
        store: settingsStore(),
        settings: () => settings().get(),
        connection: () => auth().status(),
        shell: ports.shell,
        appVersion: APP_VERSION,
        revealInFolder: (path) => ports.browser.revealInFolder(path),
        // Flags and reviewer notes travel with the events into the CSV, the PDF and the packet.
        annotations: (eventIds) =>
          new Map(
            [...review().reviewAnnotations(eventIds)].map(([eventId, annotation]) => [
              eventId,
              {
                flags: annotation.flags.map(String),
                notes: annotation.notes.map((note) => ({ author: note.author, text: note.tag === null ? note.text : `[${note.tag}] ${note.text}`, at: note.at })),
              },
            ]),
          ),
      }),
  );

  // Getters keep construction lazy while the shape stays a plain object of services.
  const core: Core = {
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
    get records() {
      return records();
    },
    get review() {
      return review();
    },
    get exports() {
      return exports();
    },
    zoho,
    cache,
    close: async () => {
      // Only what was made is stopped: closing must not build services just to close them.
      records.made()?.cancel();
      exports.made()?.cancel();
      await Promise.all([records.made()?.idle(), exports.made()?.idle()]);
      await demo.made()?.close();
      review.made()?.dispose();
      openedCache?.close();
      openedCache = undefined;
    },
  };
  return core;
}
