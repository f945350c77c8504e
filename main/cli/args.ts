/** How every command reads its arguments, and the one error for a command typed wrong. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AuditorError } from '../core/errors.js';

/**
 * A mistake in how a command was typed: exit 2, and runCli prints the command's usage after the
 * message — so no hint here (it used to repeat the usage's first line just above the usage itself).
 */
export class CliUsageError extends AuditorError {
  constructor(message: string, hint?: string) {
    super('CLI_USAGE', message, hint === undefined ? {} : { hint });
  }
}

/** A command's own usage mistake (runCli prints that command's usage after it). */
export function usageError(message: string): CliUsageError {
  return new CliUsageError(message);
}

/**
 * node:util's parseArgs, a mistake reported as usageError in plain words.
 *
 * Plain arguments are set aside before parseArgs sees the rest: it takes each argument off the front
 * of an array (quadratic), and an export of every record is 30,000 arguments — 0.15–0.26 s of the
 * main thread before anything else could start. The options and their values still go through
 * parseArgs, so what is accepted and every error are its own (tests/unit/cli/args.test.ts).
 */
export function parseCommandArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    const split = config.allowPositionals === true && config.tokens !== true && config.args !== undefined ? setAsidePlainArguments(config.args, config.options ?? {}) : null;
    if (split === null) return parseArgs(config);
    const parsed = parseArgs({ ...config, args: split.rest });
    // The plain arguments came before any '--' (whatever follows it stays in `rest`, in order).
    return { ...parsed, positionals: [...split.plain, ...parsed.positionals] } as ReturnType<typeof parseArgs<T>>;
  } catch (error) {
    throw usageError(plainParseArgsMessage(error));
  }
}

/**
 * The arguments before any '--' that are neither options nor an option's value, and the rest in
 * order; null when that cannot be told without parseArgs' own rules (a group of short options, one of
 * which takes a value).
 */
function setAsidePlainArguments(args: readonly string[], options: NonNullable<ParseArgsConfig['options']>): { plain: string[]; rest: string[] } | null {
  const stringOption = (name: string): boolean => options[name]?.type === 'string';
  const shortStringOption = (letter: string): boolean => Object.values(options).some((option) => option.short === letter && option.type === 'string');
  const plain: string[] = [];
  const rest: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] as string;
    if (arg === '--') {
      // A loop, not push(...slice): spreading tens of thousands of arguments overflows the stack.
      for (let after = index; after < args.length; after += 1) rest.push(args[after] as string);
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      plain.push(arg);
      continue;
    }
    rest.push(arg);
    let takesValue: boolean;
    if (arg.startsWith('--')) takesValue = !arg.includes('=') && stringOption(arg.slice(2));
    else if (arg.length === 2) takesValue = shortStringOption(arg.slice(1));
    else if ([...arg.slice(1)].some(shortStringOption)) return null;
    else takesValue = false;
    if (takesValue && index + 1 < args.length) {
      index += 1;
      rest.push(args[index] as string);
    }
  }
  return { plain, rest };
}

/**
 * Node's message without its advice on '--' for an unknown option ("To specify a positional argument
 * starting with a '-', place it at the end of the command after '--'…"), which misleads a person who
 * mistyped an option name.
 */
export function plainParseArgsMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if ((error as { code?: unknown }).code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return message;
  const option = /'([^']+)'/.exec(message)?.[1];
  return option === undefined ? message : `Unknown option ${option}.`;
}
