import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliCommands } from '../../../main/cli/commands/registry.js';
import { runCliIn } from './run-cli.js';

const home = mkdtempSync(join(tmpdir(), 'ta-usage-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('a command typed wrong: exit 2, the mistake in plain words, then that command’s usage once', () => {
  it.each(cliCommands.map((command) => command.name))('%s --no-such-option', async (name) => {
    const run = await runCliIn(home, [name, '--no-such-option']);
    expect(run.code).toBe(2);
    expect(run.err.startsWith(`Error: Unknown option --no-such-option.\nUsage: timeline-auditor ${name}`)).toBe(true);
    // Node's advice about '--' misleads a person who mistyped an option; the usage is not repeated as a hint.
    expect(run.err).not.toContain('positional argument');
    expect(run.err).not.toContain('What to do');
    expect(run.err.split(`Usage: timeline-auditor ${name}`)).toHaveLength(2);
  });

  it('a command’s own check (no output file) reads the same way', async () => {
    const run = await runCliIn(home, ['export', 'Leads/554023000001122039']);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/^Error: Choose at least one of --csv FILE, --pdf FILE or --packet FILE\.\nUsage: timeline-auditor export /);
  });
});
