import { PassThrough } from 'node:stream';
import { runCli } from '../../../main/cli/index.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs `timeline-auditor --home HOME …argv` in this process, as a person would type it; answers the exit code and what it printed. */
export async function runCliIn(home: string, argv: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await runCli(['--home', home, ...argv], { stdout, stderr, env, signal: new AbortController().signal });
  return { code, out, err };
}
