import type { AppVersions } from '../../preload/contract.js';
import { ConnectionController, toView, type ConnectionShell } from '../auth/connection-controller.js';
import type { TokenVault } from '../auth/token-vault.js';
import { ZohoAuthService } from '../auth/zoho-auth-service.js';
import { DemoWorkspace } from '../demo/demo-workspace.js';
import { TimelineCache } from '../cache/index.js';
import { cacheFilePath } from '../cache/location.js';
import { RecordsService } from '../records/records-service.js';
import { ReviewService } from '../review/review-service.js';
import { keepFlagsCurrent, SqliteReviewStore } from '../review/sqlite-review-store.js';
import { SettingsService } from '../settings/settings-service.js';
import { SYNC_CLIENT_RETRY } from '../sync/index.js';
import { ZohoClient } from '../zoho/client.js';
import { systemClock } from './clock.js';
import { APP_VERSION, appVersions } from './app-info.js';
import type { SecretCipher } from './cipher.js';
import { ExportService } from '../export/export-service.js';
import { FileSigningKeyStore } from '../export/signing-key-store.js';
import { EventHub } from './event-hub.js';
import type { IpcHandlers } from './ipc-dispatch.js';
import type { KeyValueStore } from './kv-store.js';

/** What every shell (Electron, loopback host) provides to the core. */
export interface AppEnvironment extends ConnectionShell {
  shell: AppVersions['shell'];
  /** Per-user data folder. */
  home: string;
  settingsStore: KeyValueStore;
  /** The Zoho connection, secrets encrypted (safeStorage in Electron, AES-GCM/scrypt under Node). */
  vault: TokenVault;
  /** Encrypts secrets at rest (the packet signing key); the same cipher as the vault's. */
  secretCipher: SecretCipher;
  /** Where exports are written. */
  exportsFolder: string;
  /** Shows a file in the system file manager; false where there is none (browser mode). */
  revealInFolder(path: string): boolean;
  /** Artificial latency of the demo workspace's CRM answers (development host and e2e tests). */
  demoLatencyMs?: number;
}

/** The main-process services, wired once per process. */
export interface AppServices {
  environment: AppEnvironment;
  events: EventHub;
  settings: SettingsService;
  auth: ZohoAuthService;
  connection: ConnectionController;
  demo: DemoWorkspace;
  records: RecordsService;
  review: ReviewService;
  exports: ExportService;
  /** The local cache, opened on first use. */
  cache(): TimelineCache;
  /** Stops what the services started (sync, demo workspace) and closes the cache. */
  close(): Promise<void>;
}

export function createAppServices(environment: AppEnvironment): AppServices {
  const events = new EventHub();
  const auth = new ZohoAuthService({
    vault: environment.vault,
    onStatusChange: (status) => events.emit('auth:status-changed', toView(status)),
  });
  const demo = new DemoWorkspace(environment.home, environment.demoLatencyMs ?? 0);
  // A demo connection from an earlier run needs its workspace back before the first call.
  const status = auth.status();
  if (status.state !== 'disconnected' && DemoWorkspace.isDemoServer(status.accountsServer)) {
    void demo.start().then(
      (sandbox) => environment.allowExternalOrigin(sandbox.url),
      () => undefined, // Reported when the connection is used: the demo then asks to reconnect.
    );
  }
  let cache: TimelineCache | undefined;
  const openCache = (): TimelineCache => {
    if (cache === undefined) {
      cache = TimelineCache.open(cacheFilePath(environment.home));
      // Review's flags are written with each page (the cache's hook), not computed on first open.
      keepFlagsCurrent(cache);
    }
    return cache;
  };
  const records = new RecordsService({
    cache: openCache,
    client: () => new ZohoClient({ tokenProvider: auth, retry: SYNC_CLIENT_RETRY }),
    events,
    clock: systemClock,
  });
  const settings = new SettingsService(environment.settingsStore, events);
  const review = new ReviewService({
    reviewStore: new SqliteReviewStore(openCache),
    store: environment.settingsStore,
    events,
    clock: systemClock,
    author: () => auth.status().user?.name ?? auth.status().user?.email ?? 'Reviewer',
  });
  const exportService = new ExportService({
    cache: openCache,
    events,
    clock: systemClock,
    keyStore: new FileSigningKeyStore(environment.home, environment.secretCipher),
    exportsFolder: environment.exportsFolder,
    store: environment.settingsStore,
    settings: () => settings.get(),
    connection: () => {
      const status = auth.status();
      const user = [status.user?.name, status.user?.email === undefined ? undefined : `<${status.user.email}>`].filter((part) => part !== undefined).join(' ');
      return { dataCentre: status.dataCentre ?? null, orgId: status.orgId ?? null, apiDomain: status.apiDomain ?? null, user: user === '' ? 'Timeline Auditor user' : user };
    },
    appVersion: APP_VERSION,
    revealInFolder: (path) => environment.revealInFolder(path),
    // Flags and reviewer notes travel with the events into the CSV, the PDF and the packet.
    annotations: async (eventIds) =>
      new Map(
        [...(await review.reviewAnnotations(eventIds))].map(([eventId, annotation]) => [
          eventId,
          {
            flags: annotation.flags.map(String),
            notes: annotation.notes.map((note) => ({ author: note.author, text: note.tag === null ? note.text : `[${note.tag}] ${note.text}`, at: note.at })),
          },
        ]),
      ),
  });
  return {
    environment,
    events,
    settings,
    auth,
    connection: new ConnectionController(auth, demo, events, environment, environment.settingsStore),
    demo,
    records,
    review,
    exports: exportService,
    cache: openCache,
    close: async () => {
      records.cancel();
      exportService.cancel();
      await Promise.all([records.idle(), exportService.idle()]);
      await demo.close();
      review.dispose();
      cache?.close();
      cache = undefined;
    },
  };
}

/** Maps every request channel of the contract to a service call. */
export function createIpcHandlers(services: AppServices): IpcHandlers {
  const { connection, records } = services;
  return {
    'app:versions': async () => appVersions(services.environment.shell),
    'settings:get': async () => services.settings.get(),
    'settings:update': async (patch) => services.settings.update(patch),
    'auth:defaults': async () => connection.defaults(),
    'auth:status': async () => connection.status(),
    'auth:connect': (input) => connection.connect(input),
    'auth:connect-demo': () => connection.connectDemo(),
    'auth:cancel': async () => connection.cancel(),
    'auth:disconnect': () => connection.disconnect(),
    'demo:status': () => services.demo.status(),
    'demo:set-online': async ({ online }) => {
      if (online) services.environment.allowExternalOrigin((await services.demo.start()).url);
      else await services.demo.close();
      return services.demo.status();
    },
    'records:overview': async () => records.overview(),
    'records:add': async (input) => records.add(input),
    'records:remove': async ({ records: keys }) => records.remove(keys),
    'records:add-module': ({ module }) => records.addModule(module),
    'sync:start': (input) => records.start(input),
    'sync:resume': () => records.resume(),
    'sync:cancel': async () => records.cancel(),
    'sync:progress': async () => records.progress(),
    'timeline:record': async ({ record, limit, offset }) => records.timeline(record, limit, offset),
    'review:page': async (input) => services.review.page(input),
    'review:summary': async (input) => services.review.summary(input),
    'review:heatmaps': async (input) => services.review.heatmaps(input),
    'review:facets': async () => services.review.facets(),
    'review:event': async ({ eventId }) => services.review.event(eventId),
    'review:raw': async ({ eventId }) => services.review.raw(eventId),
    'review:record-state': async (input) => services.review.recordState(input),
    'review:add-note': async (input) => services.review.addNote(input),
    'review:delete-note': async ({ id }) => services.review.deleteNote(id),
    'review:saved-filters': async () => services.review.savedFilters(),
    'review:save-filter': async ({ name, filter }) => services.review.saveFilter(name, filter),
    'review:delete-filter': async ({ name }) => services.review.deleteFilter(name),
    'review:rules': async () => services.review.rules(),
    'review:set-rules': async (rules) => services.review.setRules(rules),
    'review:preferences': async () => services.review.preferences(),
    'review:set-preferences': async (preferences) => services.review.setPreferences(preferences),
    'review:zoho-filter': async (model) => services.review.zohoFilter(model),
    'export:start': async (input) => services.exports.start(input),
    'export:cancel': async () => services.exports.cancel(),
    'export:history': async () => services.exports.history(),
    'export:signing-key': () => services.exports.signingKey(),
    'export:reveal': async ({ exportId }) => services.exports.reveal(exportId),
    'export:verify': (input) => services.exports.verify(input),
  };
}
