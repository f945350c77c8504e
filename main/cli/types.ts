import type { Writable } from 'node:stream';
import type { Core, CoreOptions } from '../app/core.js';
import type { PlatformPorts } from '../app/platform-ports.js';

/** What a CLI command gets: its own argv (after the command name) and the process around it. */
export interface CliContext {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  /** Home directory (from --home, TIMELINE_AUDITOR_HOME, or the platform default). */
  home: string;
  /** Ctrl-C aborts this. */
  signal: AbortSignal;
  /** The data worker's entry (out/main/data-worker.js beside the built CLI); default: the TypeScript source. */
  dataWorkerEntry?: URL;
  /** The admin policy file (tests); default the machine-wide location (docs/admin.md), null: none. */
  policyFile?: string | null;
  /**
   * The platform ports for a home folder, when the shell running the CLI has its own: the installed
   * app's `--cli` passes Electron's safeStorage cipher, so a home the app made works from its CLI.
   * Default: plain Node's (JSON stores, the passphrase cipher).
   */
  platformPorts?: (home: string) => PlatformPorts;
  /**
   * The app's services for this home folder, from the one composition root (main/app). Built on the
   * first call (so `--help` and `verify` never load them) and closed when the command ends.
   */
  core(options?: CoreOptions): Promise<Core>;
}

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** Returns the process exit code. Throw AuditorError for failures a person must act on. */
  run(argv: string[], context: CliContext): Promise<number>;
}

/** A command as the registry lists it: `--help` needs only the name and summary, so the code loads on use. */
export interface CliCommandEntry {
  name: string;
  summary: string;
  load(): Promise<CliCommand>;
}
