import type { AppVersions, UpdateConnectionCost } from '../../preload/contract.js';
import type { PassphraseChoice, SecretCipher } from '../core/cipher.js';
import type { Clock } from '../core/clock.js';
import type { KeyValueStore } from '../core/kv-store.js';
import type { WorkerSpawner } from '../data/protocol.js';
import type { UpdaterPort } from '../updates/update-service.js';

/**
 * What a shell (Electron, the browser-mode host, the CLI) hands the composition root. Everything
 * platform-specific is behind these few ports; every service is built from them in one place
 * (main/app/core.ts), so the same home folder means the same settings, connection, signing identity
 * and packets whichever shell made them.
 */
export interface PlatformPorts {
  shell: AppVersions['shell'];
  paths: {
    /** Per-user data folder: settings, the Zoho connection, the cache, the signing key. */
    home: string;
    /** Where the app writes exports (the CLI names its own files). */
    exportsFolder: string;
    /** The user's log folder (Electron: app.getPath('logs')); default <home>/logs. */
    logs?: string;
  };
  /** The machine-wide admin policy file (docs/admin.md); null: none is read. Default: no policy (shells pass the OS location). */
  policyFile?: string | null;
  /** Secrets the shell already holds (the passphrase from the environment): never written to the log. */
  knownSecrets?: readonly string[];
  /** Opens a named key-value store in the home folder (electron-store in Electron, JSON files under Node). */
  openStore(name: string): KeyValueStore;
  /** Encrypts secrets at rest: safeStorage in Electron, AES-256-GCM/scrypt from a passphrase under Node. */
  cipher: SecretCipher;
  /** Electron on Linux without a keyring: the cipher refuses secrets until a passphrase is chosen here (the Connect screen offers it). */
  passphraseChoice?: PassphraseChoice;
  clock: Clock;
  /** Starts the data worker (a worker thread running out/main/data-worker.js, or the source under tsx). */
  workers: WorkerSpawner;
  /** HTTP for every Zoho call; default: the global fetch. */
  http?: typeof fetch;
  browser: BrowserPort;
  /** Artificial latency of the demo workspace's CRM answers (development host and e2e tests). */
  demoLatencyMs?: number;
  /** The app's own updates (desktop app only); absent: updates are `not-configured`. */
  updates?: UpdatePorts;
}

/** What the update service needs from the shell (main/updates/update-service.ts). */
export interface UpdatePorts {
  /** electron-updater behind the port; null when the build has no feed URL. */
  updater: UpdaterPort | null;
  connectionCost(): Promise<UpdateConnectionCost>;
}

/** The system browser and file manager, as far as the shell has them. */
export interface BrowserPort {
  /** Hand a URL to the system browser (Electron: shell.openExternal behind the URL policy). */
  openExternal(url: string): Promise<void> | void;
  /** Let openExternal reach a non-https origin (the demo workspace's consent page on 127.0.0.1). */
  allowExternalOrigin(origin: string): void;
  /** Shows a file in the system file manager; false where there is none (browser mode, CLI). */
  revealInFolder(path: string): boolean;
  /**
   * The system "open file" dialog for a packet (.zip): the chosen path, or null when cancelled.
   * Absent where main has no dialog (browser mode uploads the file instead; CLI, tests).
   */
  choosePacketFile?: () => Promise<string | null>;
}

/** A shell without a browser or file manager to drive (CLI, tests). */
export const headlessBrowserPort: BrowserPort = {
  openExternal: () => undefined,
  allowExternalOrigin: () => undefined,
  revealInFolder: () => false,
};
