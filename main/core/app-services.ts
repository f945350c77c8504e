import type { AppVersions } from '../../preload/contract.js';
import { ConnectionController, toView, type ConnectionShell } from '../auth/connection-controller.js';
import type { TokenVault } from '../auth/token-vault.js';
import { ZohoAuthService } from '../auth/zoho-auth-service.js';
import { DemoWorkspace } from '../demo/demo-workspace.js';
import { TimelineCache } from '../cache/index.js';
import { cacheFilePath } from '../cache/location.js';
import { RecordsService } from '../records/records-service.js';
import { SettingsService } from '../settings/settings-service.js';
import { SYNC_CLIENT_RETRY } from '../sync/index.js';
import { ZohoClient } from '../zoho/client.js';
import { systemClock } from './clock.js';
import { appVersions } from './app-info.js';
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
  const openCache = (): TimelineCache => (cache ??= TimelineCache.open(cacheFilePath(environment.home)));
  const records = new RecordsService({
    cache: openCache,
    client: () => new ZohoClient({ tokenProvider: auth, retry: SYNC_CLIENT_RETRY }),
    events,
    clock: systemClock,
  });
  return {
    environment,
    events,
    settings: new SettingsService(environment.settingsStore, events),
    auth,
    connection: new ConnectionController(auth, demo, events, environment, environment.settingsStore),
    demo,
    records,
    cache: openCache,
    close: async () => {
      records.cancel();
      await records.idle();
      await demo.close();
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
  };
}
