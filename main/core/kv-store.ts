/**
 * The settings/vault store. In Electron it is `electron-store`; under plain Node (CLI, host,
 * tests) it is json-file-store.ts, which reads and writes the same JSON file format.
 * Services depend on this interface only, never on either package.
 */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  clear(): void;
  /** The file it writes, so tests can scan what is at rest. */
  readonly path: string;
}
