import type { AppVersions } from '../../preload/contract.js';
import { SettingsService } from '../settings/settings-service.js';
import { appVersions } from './app-info.js';
import { EventHub } from './event-hub.js';
import type { IpcHandlers } from './ipc-dispatch.js';
import type { KeyValueStore } from './kv-store.js';

/** What every shell (Electron, loopback host, CLI) provides to the core. */
export interface AppEnvironment {
  shell: AppVersions['shell'];
  /** Per-user data folder. */
  home: string;
  settingsStore: KeyValueStore;
}

/** The main-process services, wired once per process. */
export interface AppServices {
  environment: AppEnvironment;
  events: EventHub;
  settings: SettingsService;
}

export function createAppServices(environment: AppEnvironment): AppServices {
  const events = new EventHub();
  return {
    environment,
    events,
    settings: new SettingsService(environment.settingsStore, events),
  };
}

/** Maps every request channel of the contract to a service call. */
export function createIpcHandlers(services: AppServices): IpcHandlers {
  return {
    'app:versions': async () => appVersions(services.environment.shell),
    'settings:get': async () => services.settings.get(),
    'settings:update': async (patch) => services.settings.update(patch),
  };
}
