import type { CliCommand } from '../types.js';
import { connectCommand } from './connect.js';
import { demoCommand } from './demo.js';
import { disconnectCommand } from './disconnect.js';
import { exportCommand } from './export.js';
import { fetchCommand } from './fetch.js';
import { sandboxCommand } from './sandbox.js';
import { statusCommand } from './status.js';
import { verifyCommand } from './verify.js';

/** Every CLI command, in the order `--help` lists them. */
export const cliCommands: readonly CliCommand[] = [demoCommand, connectCommand, statusCommand, disconnectCommand, fetchCommand, exportCommand, verifyCommand, sandboxCommand];
