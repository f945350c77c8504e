#!/usr/bin/env node
// Writes assets/licenses.json: every production dependency the app ships (package.json
// "dependencies" and what they depend on, as installed in node_modules) with its version and
// license, for the About dialog (`import licenses from '../../assets/licenses.json'`). Run by
// `npm run build`; the file is committed so a fresh clone type-checks, and tests/unit/packaging
// fails when it no longer matches node_modules. `--check` only compares.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'assets', 'licenses.json');

/** The folder Node would load `name` from when required inside `fromDir`. */
function packageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || dirname(dir) === dir) return null;
  }
}

/** SPDX expression from the many shapes package.json files use (or the MIT text in LICENSE). */
function licenseOf(manifest, dir) {
  const { license, licenses } = manifest;
  if (typeof license === 'string') return license;
  if (license !== null && typeof license === 'object' && typeof license.type === 'string') return license.type;
  if (Array.isArray(licenses)) {
    const types = licenses.map((entry) => (typeof entry === 'string' ? entry : entry?.type)).filter((type) => typeof type === 'string');
    if (types.length > 0) return types.length === 1 ? types[0] : `(${types.join(' OR ')})`;
  }
  const file = ['LICENSE', 'LICENSE.md', 'LICENSE.txt'].map((name) => join(dir, name)).find((path) => existsSync(path));
  if (file !== undefined && /Permission is hereby granted, free of charge/.test(readFileSync(file, 'utf8'))) return 'MIT';
  return 'UNKNOWN';
}

export function productionLicenses() {
  const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const found = new Map();
  const queue = Object.keys(rootManifest.dependencies ?? {}).map((name) => ({ name, fromDir: root, optional: false }));
  while (queue.length > 0) {
    const { name, fromDir, optional } = queue.shift();
    const dir = packageDir(name, fromDir);
    if (dir === null) {
      if (optional) continue; // an optional dependency for another platform
      throw new Error(`${name} (needed by ${fromDir}) is not installed: run npm ci first.`);
    }
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const key = `${manifest.name}@${manifest.version}`;
    if (found.has(key)) continue;
    found.set(key, { name: manifest.name, version: manifest.version, license: licenseOf(manifest, dir) });
    for (const dependency of Object.keys(manifest.dependencies ?? {})) queue.push({ name: dependency, fromDir: dir, optional: false });
    for (const dependency of Object.keys(manifest.optionalDependencies ?? {})) queue.push({ name: dependency, fromDir: dir, optional: true });
  }
  return [...found.values()].sort((a, b) => (a.name === b.name ? a.version.localeCompare(b.version) : a.name < b.name ? -1 : 1));
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const text = `${JSON.stringify(productionLicenses(), null, 2)}\n`;
  if (process.argv.includes('--check')) {
    const current = existsSync(target) ? readFileSync(target, 'utf8') : '';
    if (current !== text) {
      console.error('assets/licenses.json is out of date: run `node scripts/licenses.mjs` (npm run build does).');
      process.exit(1);
    }
    console.log('assets/licenses.json is up to date');
  } else {
    writeFileSync(target, text);
    console.log(`wrote assets/licenses.json (${text.split('"name"').length - 1} packages)`);
  }
}
