import { dirname } from 'node:path';
import Store from 'electron-store';
import type { KeyValueStore } from '../core/kv-store.js';
import { ensurePrivateDirectory, PRIVATE_FILE_MODE, tightenPrivateFile } from '../core/private-files.js';

/**
 * A KeyValueStore on electron-store (in the app's userData folder). Its files (settings, the token
 * vault) are written 0600 (conf's configFileMode; its default is 0666 less the umask), and the
 * userData folder and a file of an earlier version are narrowed to 0700/0600 when opened.
 */
export function createElectronStore(name: string): KeyValueStore {
  const store = new Store<Record<string, unknown>>({ name, configFileMode: PRIVATE_FILE_MODE });
  ensurePrivateDirectory(dirname(store.path));
  tightenPrivateFile(store.path);
  return {
    get: (key) => store.get(key),
    set: (key, value) => store.set(key, value),
    delete: (key) => store.delete(key),
    clear: () => store.clear(),
    path: store.path,
  };
}
