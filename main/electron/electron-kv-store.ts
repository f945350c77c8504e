import Store from 'electron-store';
import type { KeyValueStore } from '../core/kv-store.js';

/** A KeyValueStore on electron-store (in the app's userData folder). */
export function createElectronStore(name: string): KeyValueStore {
  const store = new Store<Record<string, unknown>>({ name });
  return {
    get: (key) => store.get(key),
    set: (key, value) => store.set(key, value),
    delete: (key) => store.delete(key),
    clear: () => store.clear(),
    path: store.path,
  };
}
