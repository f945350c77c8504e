#!/usr/bin/env node
// Prints the executable of the app `npm run package:e2e` (or package:dir) left in dist/, for
// TIMELINE_AUDITOR_PACKAGED_APP (tests/e2e/support/electron-binary.ts). Exit 1 when there is none.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const arm = process.arch === 'arm64';
const candidates =
  {
    win32: [`dist/${arm ? 'win-arm64-unpacked' : 'win-unpacked'}/Timeline Auditor.exe`],
    darwin: [`dist/${arm ? 'mac-arm64' : 'mac'}/Timeline Auditor.app/Contents/MacOS/Timeline Auditor`],
    linux: [`dist/${arm ? 'linux-arm64-unpacked' : 'linux-unpacked'}/timeline-auditor`],
  }[process.platform] ?? [];
const found = candidates.map((path) => resolve(path)).find((path) => existsSync(path));
if (found === undefined) {
  console.error(`No packaged app in dist/ (looked for ${candidates.join(', ') || `a ${process.platform} build`}): run \`npm run package:e2e\` first.`);
  process.exit(1);
}
console.log(found);
