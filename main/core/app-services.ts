import type { AppVersions } from '../../preload/contract.js';
import { ConnectionController, toView, type ConnectionShell } from '../auth/connection-controller.js';
import type { TokenVault } from '../auth/token-vault.js';
import { ZohoAuthService } from '../auth/zoho-auth-service.js';
import { DemoWorkspace } from '../demo/demo-workspace.js';
import { SettingsService } from '../settings/settings-service.js';
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
}

/** The main-process services, wired once per process. */
export interface AppServices {
  environment: AppEnvironment;
  events: EventHub;
  settings: SettingsService;
  auth: ZohoAuthService;
  connection: ConnectionController;
  demo: DemoWorkspace;
  /** Stops what the services started (the demo workspace). */
  close(): Promise<void>;
}

export function createAppServices(environment: AppEnvironment): AppServices {
  const events = new EventHub();
  const auth = new ZohoAuthService({
    vault: environment.vault,
    onStatusChange: (status) => events.emit('auth:status-changed', toView(status)),
  });
  const demo = new DemoWorkspace(environment.home);
  // A demo connection from an earlier run needs its workspace back before the first call.
  const status = auth.status();
  if (status.state !== 'disconnected' && DemoWorkspace.isDemoServer(status.accountsServer)) {
    void demo.start().then(
      (sandbox) => environment.allowExternalOrigin(sandbox.url),
      () => undefined, // Reported when the connection is used: the demo then asks to reconnect.
    );
  }
  return {
    environment,
    events,
    settings: new SettingsService(environment.settingsStore, events),
    auth,
    connection: new ConnectionController(auth, demo, events, environment, environment.settingsStore),
    demo,
    close: () => demo.close(),
  };
}

/** Maps every request channel of the contract to a service call. */
export function createIpcHandlers(services: AppServices): IpcHandlers {
  const { connection } = services;
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
  };
}
