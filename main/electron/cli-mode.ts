/**
 * `"Timeline Auditor" --cli <command> …`: the CLI's commands, headless, from the installed app (like
 * VS Code's `code`), so scheduled packets need neither Node nor a clone. The fuses stay as they are:
 * this is the app's own main process running the CLI's code, not ELECTRON_RUN_AS_NODE.
 *
 * Secrets: the same home and the same cipher as the app (safeStorage), so a home the app made works
 * from its CLI and the other way round. Where Electron has no keyring (Linux `basic_text`) the app
 * asks for a passphrase on its Connect screen; headless, it comes from TIMELINE_AUDITOR_PASSPHRASE
 * (the same AES-256-GCM/scrypt vault and salt file as the app's).
 */
import type { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type { PlatformPorts } from '../app/platform-ports.js';
import { nodePlatformPorts } from '../app/node-platform.js';
import { createNodeCipher } from '../auth/node-vault.js';
import { runCli } from '../cli/index.js';
import type { CipherSelection } from './safe-storage-cipher.js';

/** The switch that turns the app into its CLI; everything after it is the CLI's own argv. */
export const CLI_SWITCH = '--cli';

/** The CLI's argv when the app was started with `--cli`, else null (the desktop app starts). */
export function cliArguments(argv: readonly string[]): string[] | null {
  const at = argv.indexOf(CLI_SWITCH);
  return at === -1 ? null : argv.slice(at + 1);
}

/** The process around the CLI: the app's own stdout/stderr (the shims pass them through), environment and Ctrl-C. */
export interface CliProcessIo {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
}

/** The Electron APIs the CLI mode uses (a subset of ElectronShellApis, so the same stand-in tests both). */
export interface ElectronCliApis {
  app: {
    /** macOS: no Dock icon for a headless run (app.dock?.hide()). */
    hideDock(): void;
    /** No GPU process for a run that draws nothing; only before 'ready'. */
    disableHardwareAcceleration(): void;
    whenReady(): Promise<void>;
    getPath(name: 'userData'): string;
    /** Ends the process with this code at once (no 'will-quit'; the CLI closed what it opened). */
    exit(code: number): void;
  };
  /** safeStorage as a SecretCipher (after 'ready'), the passphrase cipher's salt in `home`. */
  createCipher(home: string): CipherSelection;
}

/** The CLI's ports in the app: plain Node's stores and worker (the same file formats), the app's cipher. */
export function appCliPlatformPorts(electron: ElectronCliApis, home: string, env: NodeJS.ProcessEnv, dataWorkerFile: string): PlatformPorts {
  const ports = nodePlatformPorts({ shell: 'cli', home, env, dataWorkerEntry: pathToFileURL(dataWorkerFile) });
  const selection = electron.createCipher(home);
  const cipher = selection.protection === 'keyring' ? selection.cipher : createNodeCipher(home, env, { requirePassphrase: false });
  return { ...ports, cipher };
}

/**
 * Runs the CLI with `args` and ends the process with its exit code, once stdout and stderr are
 * flushed (pipes are asynchronous on macOS; app.exit would cut the output short). No window, no
 * single-instance lock (the CLI may run while the app is open, as `npx timeline-auditor` can).
 */
export async function runAppCli(electron: ElectronCliApis, args: string[], io: CliProcessIo, dataWorkerFile: string): Promise<number> {
  electron.app.hideDock();
  electron.app.disableHardwareAcceleration();
  let exitCode: number;
  try {
    // safeStorage (and its backend choice on Linux) is usable only once the app is ready.
    await electron.app.whenReady();
    // The app's home is the CLI's default, so `--cli status` sees the app's connection.
    const fromEnv = io.env['TIMELINE_AUDITOR_HOME'];
    const env = { ...io.env, TIMELINE_AUDITOR_HOME: fromEnv !== undefined && fromEnv !== '' ? fromEnv : electron.app.getPath('userData') };
    exitCode = await runCli(args, {
      stdout: io.stdout,
      stderr: io.stderr,
      env,
      signal: io.signal,
      dataWorkerEntry: pathToFileURL(dataWorkerFile),
      platformPorts: (home) => appCliPlatformPorts(electron, home, env, dataWorkerFile),
    });
  } catch (error) {
    // runCli reports a command's own failures; this is start-up going wrong around it.
    io.stderr.write(`Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    exitCode = 1;
  }
  await Promise.all([flushed(io.stdout), flushed(io.stderr)]);
  electron.app.exit(exitCode);
  return exitCode;
}

function flushed(stream: Writable): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

/** Where the link to the macOS shim goes (docs/scheduling.md); on the PATH of every macOS shell. */
export const MAC_CLI_LINK = '/usr/local/bin/timeline-auditor';

/**
 * The Terminal command that links the macOS shim onto the PATH. The app only offers it (a dialog
 * with Copy): changing /usr/local/bin needs the administrator's password, typed by the person.
 */
export function macCliLinkCommand(shimFile: string): string {
  const quoted = `'${shimFile.replaceAll("'", `'\\''`)}'`;
  return `sudo mkdir -p /usr/local/bin && sudo ln -sf ${quoted} ${MAC_CLI_LINK}`;
}
