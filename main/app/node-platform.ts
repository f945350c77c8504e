/**
 * PlatformPorts under plain Node: the CLI and the browser-mode host. Stores are JSON files in the
 * home folder; secrets are encrypted with AES-256-GCM under a key derived from
 * TIMELINE_AUDITOR_PASSPHRASE, asked for only when a secret is actually read or written (so
 * `status` works without it).
 */
import { join } from 'node:path';
import { createNodeCipher } from '../auth/node-vault.js';
import { systemClock } from '../core/clock.js';
import { createJsonFileStore } from '../core/json-file-store.js';
import { makeHomeFolderPrivate } from '../core/private-files.js';
import { machinePolicyPath } from '../policy/admin-policy.js';
import { sourceDataWorkerEntry, workerThreadSpawner } from '../data/spawners.js';
import { headlessBrowserPort, type BrowserPort, type PlatformPorts } from './platform-ports.js';

export interface NodePlatformOptions {
  shell: 'browser' | 'cli';
  home: string;
  env: NodeJS.ProcessEnv;
  /** Default: <home>/exports. */
  exportsFolder?: string;
  browser?: BrowserPort;
  demoLatencyMs?: number;
  /** The data worker's entry: out/main/data-worker.js beside the built shell; default the TypeScript source (tests, tsx). */
  dataWorkerEntry?: URL;
  /** The admin policy file; default the machine-wide location (docs/admin.md), null: none. */
  policyFile?: string | null;
}

export function nodePlatformPorts(options: NodePlatformOptions): PlatformPorts {
  // Owner-only (0700, files 0600) before anything is read or written; narrows what earlier versions left wider.
  makeHomeFolderPrivate(options.home);
  return {
    shell: options.shell,
    paths: { home: options.home, exportsFolder: options.exportsFolder ?? join(options.home, 'exports'), logs: join(options.home, 'logs') },
    policyFile: options.policyFile === undefined ? machinePolicyPath(process.platform, options.env) : options.policyFile,
    knownSecrets: [options.env['TIMELINE_AUDITOR_PASSPHRASE'] ?? ''].filter((secret) => secret !== ''),
    openStore: (name) => createJsonFileStore(options.home, name),
    cipher: createNodeCipher(options.home, options.env, { requirePassphrase: false }),
    clock: systemClock,
    workers: workerThreadSpawner(options.dataWorkerEntry ?? sourceDataWorkerEntry()),
    browser: options.browser ?? headlessBrowserPort,
    ...(options.demoLatencyMs === undefined ? {} : { demoLatencyMs: options.demoLatencyMs }),
  };
}
