import { settingsSchema, type Settings, type SettingsPatch } from '../../preload/contract.js';
import type { EventHub } from '../core/event-hub.js';
import type { KeyValueStore } from '../core/kv-store.js';

export const DEFAULT_SETTINGS: Settings = { theme: 'system', timeZone: { kind: 'local' } };

const SETTINGS_KEY = 'settings';

/** The user's preferences, validated on the way in and on the way out (a hand-edited file cannot break the app). */
export class SettingsService {
  constructor(
    private readonly store: KeyValueStore,
    private readonly events: EventHub,
  ) {}

  get(): Settings {
    const parsed = settingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...asRecord(this.store.get(SETTINGS_KEY)) });
    return parsed.success ? parsed.data : DEFAULT_SETTINGS;
  }

  update(patch: SettingsPatch): Settings {
    const next = settingsSchema.parse({ ...this.get(), ...patch });
    this.store.set(SETTINGS_KEY, next);
    this.events.emit('settings:changed', next);
    return next;
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
