#!/usr/bin/env node
// The CLI is built with the app (`npm run build`, run by `npm install` through `prepare`).
import { existsSync } from 'node:fs';

const entry = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('Timeline Auditor is not built yet: run `npm run build` in its folder first.\n');
  process.exit(1);
}
await import(entry.href);
