/**
 * `timeline-auditor`: the same main-process core as the app, headless — for scheduled audit packets,
 * scripting and tests. Global options come before the command: `timeline-auditor [--home DIR] <command> …`.
 */
import { AuditorError } from '../core/errors.js';
import { CliUsageError, plainParseArgsMessage } from './args.js';
import { APP_VERSION } from '../core/app-info.js';
import { defaultHomeDirectory } from '../core/paths.js';
import type { Core, CoreOptions } from '../app/core.js';
import { cliCommands } from './commands/registry.js';
import type { CliCommand, CliCommandEntry, CliContext } from './types.js';
import { makeDirectorySync } from '../core/make-directory.js';

function overview(commands: readonly CliCommandEntry[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    'Timeline Auditor — review Zoho CRM record timelines and make audit packets.',
    '',
    'Usage: timeline-auditor [--home DIR] <command> [options]',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Options:',
    '  --home DIR     where settings, tokens and the cache live (or TIMELINE_AUDITOR_HOME)',
    '  --help, -h     this help; `timeline-auditor <command> --help` for a command',
    '  --version      print the version',
    '',
  ].join('\n');
}

/** What runs a command besides its arguments: the process's streams, environment and Ctrl-C. */
export type CliProcess = Omit<CliContext, 'home' | 'core'>;

/**
 * A command's context for a home folder: `core()` builds the services from the one composition root
 * on first use (imported then, so light commands never load it); `close()` stops what it started.
 */
export function createCliContext(base: CliProcess, home: string): CliContext & { close(): Promise<void> } {
  let built: Promise<Core> | undefined;
  return {
    ...base,
    home,
    core: (options?: CoreOptions) => {
      built ??= (async () => {
        const [{ createCore }, { nodePlatformPorts }] = await Promise.all([import('../app/core.js'), import('../app/node-platform.js')]);
        const ports =
          base.platformPorts?.(home) ??
          nodePlatformPorts({ shell: 'cli', home, env: base.env, ...(base.policyFile === undefined ? {} : { policyFile: base.policyFile }), ...(base.dataWorkerEntry === undefined ? {} : { dataWorkerEntry: base.dataWorkerEntry }) });
        return createCore(ports, options);
      })();
      return built;
    },
    close: async () => {
      if (built !== undefined) await (await built).close();
    },
  };
}

export async function runCli(argv: string[], base: CliProcess): Promise<number> {
  const args = [...argv];
  let home: string | undefined;
  while (args[0]?.startsWith('-')) {
    const flag = args.shift() as string;
    if (flag === '--help' || flag === '-h') {
      base.stdout.write(overview(cliCommands));
      return 0;
    }
    if (flag === '--version') {
      base.stdout.write(`${APP_VERSION}\n`);
      return 0;
    }
    if (flag === '--home' || flag.startsWith('--home=')) {
      home = flag.includes('=') ? flag.slice('--home='.length) : args.shift();
      if (home === undefined || home === '') return fail(base, new CliUsageError('--home needs a directory.'));
      continue;
    }
    return fail(base, new CliUsageError(`Unknown option ${flag}.`, 'Run `timeline-auditor --help` for the options.'));
  }
  const name = args.shift();
  if (name === undefined) {
    base.stdout.write(overview(cliCommands));
    return 2;
  }
  const entry = cliCommands.find((candidate) => candidate.name === name);
  if (entry === undefined) {
    return fail(base, new CliUsageError(`Unknown command "${name}".`, `Commands: ${cliCommands.map((candidate) => candidate.name).join(', ')}.`));
  }
  const command = await entry.load();
  if (args.includes('--help') || args.includes('-h')) {
    base.stdout.write(`${command.summary}\n\nUsage: ${command.usage}\n`);
    return 0;
  }
  const resolvedHome = home ?? defaultHomeDirectory(base.env);
  const context = createCliContext(base, resolvedHome);
  try {
    makeDirectorySync(resolvedHome, 0o700);
    return await command.run(args, context);
  } catch (error) {
    return fail(base, error, command);
  } finally {
    await context.close();
  }
}

function fail(base: CliProcess, error: unknown, command?: CliCommand): number {
  if (error instanceof AuditorError) {
    base.stderr.write(`Error: ${error.message}\n`);
    if (error.hint !== undefined) base.stderr.write(`What to do: ${error.hint}\n`);
    if (error.code === 'CLI_USAGE' && command !== undefined) base.stderr.write(`Usage: ${command.usage}\n`);
    return error.code === 'CLI_USAGE' ? 2 : 1;
  }
  if (error instanceof Error && error.name === 'AbortError') {
    base.stderr.write('Cancelled.\n');
    return 130;
  }
  if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
    base.stderr.write(`Error: ${plainParseArgsMessage(error)}\n`);
    if (command !== undefined) base.stderr.write(`Usage: ${command.usage}\n`);
    return 2;
  }
  base.stderr.write(`Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
}
