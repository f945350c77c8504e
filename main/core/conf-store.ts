import Conf from 'conf';
import type { KeyValueStore } from './kv-store.js';

/** A KeyValueStore on `conf`, for plain Node (CLI, loopback host, tests). */
export function createConfStore(directory: string, name: string): KeyValueStore {
  const conf = new Conf<Record<string, unknown>>({ cwd: directory, configName: name, projectName: 'timeline-auditor' });
  return {
    get: (key) => conf.get(key),
    set: (key, value) => conf.set(key, value),
    delete: (key) => conf.delete(key),
    clear: () => conf.clear(),
    path: conf.path,
  };
}
