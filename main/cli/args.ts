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

/** node:util's parseArgs, a mistake reported as usageError in plain words. */
export function parseCommandArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw usageError(plainParseArgsMessage(error));
  }
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
