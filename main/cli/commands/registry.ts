import type { CliCommand } from '../types.js';

/** Every CLI command, in the order `--help` lists them. */
export const cliCommands: readonly CliCommand[] = [];
