/**
 * parseCommandArgs sets plain arguments aside before node:util's parseArgs sees the rest (which is
 * quadratic in the number of arguments): the result and every error must be parseArgs' own, for any
 * mix of options, values, plain arguments and '--'.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CliUsageError, parseCommandArgs, plainParseArgsMessage } from '../../../main/cli/args.js';

const options = {
  csv: { type: 'string' },
  tz: { type: 'string', short: 'z' },
  where: { type: 'string', multiple: true },
  'allow-incomplete': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  verbose: { type: 'boolean', short: 'v' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

const WORDS = [
  'Leads/554023000001122039',
  'Deals/1',
  '-',
  '--',
  '--csv',
  '--csv=out.csv',
  'out.csv',
  '--tz',
  '-z',
  'Europe/Berlin',
  '--where',
  'source=api',
  '--allow-incomplete',
  '-q',
  '-qv',
  '-qz',
  '-vq',
  '--nope',
  '-x',
  '--quiet=yes',
  '-5',
  'x=y',
  '--allow-incomplete=true',
];

function outcome(run: () => unknown): unknown {
  try {
    return { ok: run() };
  } catch (error) {
    return { error: error instanceof CliUsageError ? error.message : plainParseArgsMessage(error) };
  }
}

describe('parseCommandArgs', () => {
  it('answers exactly as parseArgs for 3,000 random argument lists', () => {
    let state = 12345;
    const next = (limit: number): number => (state = (state * 1103515245 + 12345) % 2 ** 31) % limit;
    for (let round = 0; round < 3_000; round += 1) {
      const args = Array.from({ length: next(9) }, () => WORDS[next(WORDS.length)]!);
      for (const strict of [true, false]) {
        const config = { args, options, allowPositionals: true, strict };
        expect(
          outcome(() => parseCommandArgs(config)),
          JSON.stringify({ args, strict }),
        ).toEqual(outcome(() => parseArgs(config)));
      }
    }
  });

  it('reads 30,000 record arguments with options among them', () => {
    const records = Array.from({ length: 30_000 }, (_, index) => `Leads/${554023000000000000n + BigInt(index)}`);
    const args = [...records.slice(0, 10), '--csv', 'out.csv', ...records.slice(10), '--tz', 'UTC', '--', '--not-an-option'];
    const parsed = parseCommandArgs({ args, options, allowPositionals: true });
    expect(parsed.values).toEqual({ csv: 'out.csv', tz: 'UTC' });
    expect(parsed.positionals).toEqual([...records, '--not-an-option']);
  });
});
