/**
 * The app's own updates as a capability: plain TypeScript over injected ports, so the rules below
 * are tested with electron-updater itself on a loopback feed (tests/integration/updates).
 *
 * Rules (issue 15):
 * - admin policy "updates disabled" → no request to the feed at all, ever (checked on every call);
 * - no feed URL at build time → `not-configured`, never an error;
 * - a found update downloads by itself only on a connection known to be unmetered; on a metered or
 *   unknown one it waits for the user's consent (`consentToDownload`);
 * - the download is verified by the updater (sha512 from latest.yml; the publisher's signature on
 *   Windows, the code signature on macOS: docs/security.md) and installs on the next quit, or at once
 *   through `installAndRestart`.
 */
import type { UpdateConnectionCost, UpdateStatusView } from '../../preload/contract.js';
import type { Clock } from '../core/clock.js';
import { AuditorError } from '../core/errors.js';

/** An update the feed offers (newer than the running version). */
export interface FoundUpdate {
  version: string;
  /** The installer's size as latest.yml states it; null when it does not. */
  sizeBytes: number | null;
}

/** The updater the service drives (main/electron adapts electron-updater's AppUpdater to it). */
export interface UpdaterPort {
  /** Asks the feed; null when the running version is the newest. */
  check(): Promise<FoundUpdate | null>;
  /** Downloads the update `check` found and verifies it; rejects when verification fails. */
  download(onProgress: (percent: number) => void): Promise<void>;
  /** Quits the app and runs the downloaded installer. */
  quitAndInstall(): void;
}

export interface UpdateServicePorts {
  /** null: the build has no feed URL (TIMELINE_AUDITOR_UPDATE_URL unset), or this shell has no updater. */
  updater: UpdaterPort | null;
  /** Whether the current connection is metered. 'unknown' is treated as metered (never download without consent). */
  connectionCost(): Promise<UpdateConnectionCost>;
  /** The admin policy's "updates disabled" (main/policy); read on every call, so a changed policy applies at once. */
  updatesDisabledByPolicy(): boolean;
  clock: Clock;
  /** Told of every state change (the shells push it as `updates:status-changed`). */
  onStatusChange?(status: UpdateStatusView): void;
}

/** How often a running app asks the feed (besides "Check now"). */
export const UPDATE_CHECK_INTERVAL_MS = 6 * 60 * 60 * 1000;

export class UpdateService {
  readonly #ports: UpdateServicePorts;
  #state: UpdateStatusView;
  /** The update found by the last check: what consent downloads. */
  #found: FoundUpdate | null = null;

  constructor(ports: UpdateServicePorts) {
    this.#ports = ports;
    this.#state = ports.updater === null ? { state: 'not-configured' } : { state: 'idle', lastCheckedAt: null };
  }

  status(): UpdateStatusView {
    // The policy wins over whatever state an earlier check left (an update already downloaded still
    // installs only if the user asks while the policy allows it).
    if (this.#ports.updatesDisabledByPolicy()) return { state: 'disabled-by-policy' };
    return this.#state;
  }

  /** Asks the feed now. While a check or download runs, answers its state (no second request). */
  async checkNow(): Promise<UpdateStatusView> {
    const updater = this.#ports.updater;
    if (this.#ports.updatesDisabledByPolicy() || updater === null) return this.status();
    const current = this.#state.state;
    if (current === 'checking' || current === 'downloading' || current === 'downloaded') return this.#state;
    this.#set({ state: 'checking' });
    let found: FoundUpdate | null;
    try {
      found = await updater.check();
    } catch (error) {
      return this.#fail('The update feed could not be read', error);
    }
    this.#found = found;
    if (found === null) return this.#set({ state: 'idle', lastCheckedAt: new Date(this.#ports.clock.now()).toISOString() });
    this.#set({ state: 'available', version: found.version, sizeBytes: found.sizeBytes });
    const connection = await this.#connectionCost();
    if (connection !== 'unmetered') return this.#set({ state: 'awaiting-consent', version: found.version, sizeBytes: found.sizeBytes, connection });
    return this.#download(updater, found);
  }

  /** The user agreed to download the update found (on a metered or unknown connection). */
  async consentToDownload(): Promise<UpdateStatusView> {
    const updater = this.#ports.updater;
    if (this.#ports.updatesDisabledByPolicy() || updater === null) return this.status();
    const found = this.#found;
    if (found === null || (this.#state.state !== 'awaiting-consent' && this.#state.state !== 'available')) {
      throw new AuditorError('UPDATE_NOTHING_TO_DOWNLOAD', 'There is no update waiting to be downloaded.', { hint: 'Check for updates first.' });
    }
    return this.#download(updater, found);
  }

  /** Quits and installs the downloaded update. */
  installAndRestart(): UpdateStatusView {
    const updater = this.#ports.updater;
    if (this.#ports.updatesDisabledByPolicy() || updater === null) return this.status();
    if (this.#state.state !== 'downloaded') {
      throw new AuditorError('UPDATE_NOT_DOWNLOADED', 'No update has been downloaded yet.', { hint: 'Check for updates and download the update first.' });
    }
    updater.quitAndInstall();
    return this.#state;
  }

  /** Checks now and then every `intervalMs` until `signal` aborts (the desktop app runs it after start-up). */
  async runScheduledChecks(signal: AbortSignal, intervalMs = UPDATE_CHECK_INTERVAL_MS): Promise<void> {
    while (!signal.aborted) {
      await this.checkNow();
      try {
        await this.#ports.clock.sleep(intervalMs, signal);
      } catch {
        return; // aborted
      }
    }
  }

  async #download(updater: UpdaterPort, found: FoundUpdate): Promise<UpdateStatusView> {
    this.#set({ state: 'downloading', version: found.version, percent: 0 });
    try {
      await updater.download((percent) => {
        if (this.#state.state === 'downloading') this.#set({ state: 'downloading', version: found.version, percent: Math.max(0, Math.min(100, Math.round(percent))) });
      });
    } catch (error) {
      return this.#fail(`Version ${found.version} could not be downloaded or did not verify`, error);
    }
    return this.#set({ state: 'downloaded', version: found.version });
  }

  async #connectionCost(): Promise<UpdateConnectionCost> {
    try {
      return await this.#ports.connectionCost();
    } catch {
      return 'unknown'; // a probe that fails must not turn into a download without consent
    }
  }

  #fail(what: string, error: unknown): UpdateStatusView {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    return this.#set({ state: 'error', message: `${what}: ${reason}` });
  }

  #set(state: UpdateStatusView): UpdateStatusView {
    this.#state = state;
    this.#ports.onStatusChange?.(this.status());
    return state;
  }
}
