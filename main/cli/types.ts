import type { Writable } from 'node:stream';

/** What a CLI command gets: its own argv (after the command name) and the process around it. */
export interface CliContext {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  /** Home directory (from --home, TIMELINE_AUDITOR_HOME, or the platform default). */
  home: string;
  /** Ctrl-C aborts this. */
  signal: AbortSignal;
}

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** Returns the process exit code. Throw AuditorError for failures a person must act on. */
  run(argv: string[], context: CliContext): Promise<number>;
}
