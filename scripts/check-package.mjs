#!/usr/bin/env node
// Packages the app with electron-builder for real (`--linux dir`, the project's build machines are
// Linux) and checks the result, WITHOUT the Electron binary (it cannot be downloaded here): a
// stand-in "Electron" that carries only Electron's fuse wire is given as electronDist. What this
// proves: electron-builder.yml is accepted and runs end to end, the fuses are flipped as configured,
// the asar holds the app and not the loopback host/CLI, better-sqlite3's addon is unpacked, and
// every package the main-process bundle imports is in the package. Not proven here: signing,
// notarisation, NSIS/DMG, the rebuild of better-sqlite3 for Electron's ABI (npmRebuild needs
// Electron's headers, also a download) — the Windows/macOS CI jobs do those. It also holds the package
// to its size budget (scripts/package-budget.mjs, which says what the budget is made of) and the font
// files to the PDF's font table (main/export/pdf/font-files.ts, imported through tsx).
// Usage: npm run build && npm run package:check   (about 30 s)
import { spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pdfFontFiles } from '../main/export/pdf/font-files.ts';
import { checkAppSize, summariseAppSize } from './package-budget.mjs';

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// Fuse order of @electron/fuses V1 and what electron-builder.yml asks for ('1' on, '0' off).
const FUSES = [
  ['runAsNode', '0'],
  ['enableCookieEncryption', '1'],
  ['enableNodeOptionsEnvironmentVariable', '0'],
  ['enableNodeCliInspectArguments', '0'],
  ['enableEmbeddedAsarIntegrityValidation', '1'],
  ['onlyLoadAppFromAsar', '1'],
  ['loadBrowserProcessSpecificV8Snapshot', '0'],
  ['grantFileProtocolExtraPrivileges', '1'],
];
// Electron's defaults, which the stand-in starts from, so every fuse has to be flipped to pass.
const ELECTRON_DEFAULT_WIRE = '10110001';

const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

if (!existsSync('out/main/index.js')) {
  console.error('out/ is missing: run `npm run build` first.');
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), 'auditor-package-'));
try {
  const electronDist = join(work, 'electron');
  mkdirSync(join(electronDist, 'resources'), { recursive: true });
  const version = JSON.parse(readFileSync('node_modules/electron/package.json', 'utf8')).version;
  writeFileSync(
    join(electronDist, 'electron'),
    Buffer.concat([Buffer.from('#!/bin/sh\necho "stand-in Electron for scripts/check-package.mjs"\nexit 1\n# '), Buffer.from(SENTINEL), Buffer.from([1, FUSES.length]), Buffer.from(`${ELECTRON_DEFAULT_WIRE}\n`)]),
  );
  chmodSync(join(electronDist, 'electron'), 0o755);
  writeFileSync(join(electronDist, 'version'), version);
  writeFileSync(join(electronDist, 'LICENSE'), 'stand-in');

  const output = join(work, 'dist');
  const builder = spawnSync(process.execPath, ['node_modules/electron-builder/cli.js', '--linux', 'dir', '--x64', `-c.electronDist=${electronDist}`, '-c.npmRebuild=false', `-c.directories.output=${output}`], {
    encoding: 'utf8',
    env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' },
  });
  check(builder.status === 0, 'electron-builder packaged the app with electron-builder.yml');
  if (builder.status !== 0) {
    console.error(builder.stdout, builder.stderr);
    process.exit(1);
  }
  const appDir = join(output, 'linux-unpacked');
  const executable = readdirSync(appDir).find((name) => name === 'timeline-auditor');
  check(executable !== undefined, 'the executable is named timeline-auditor');

  // The fuse wire, read back from the packaged executable.
  const binary = readFileSync(join(appDir, executable ?? 'electron'));
  const at = binary.indexOf(SENTINEL) + SENTINEL.length;
  const wire = binary.subarray(at + 2, at + 2 + binary[at + 1]).toString('latin1');
  for (const [index, [name, expected]] of FUSES.entries()) check(wire[index] === expected, `fuse ${name} is ${expected === '1' ? 'on' : 'off'}`);

  // The asar's header (a pickled JSON index of its files).
  const asarPath = join(appDir, 'resources', 'app.asar');
  const asar = readFileSync(asarPath);
  const header = JSON.parse(asar.subarray(16, 16 + asar.readUInt32LE(12)).toString('utf8'));
  const entry = (path) => path.split('/').reduce((node, part) => node?.files?.[part], header);
  const allPaths = (node, prefix = '') => Object.entries(node.files ?? {}).flatMap(([name, child]) => [`${prefix}${name}`, ...allPaths(child, `${prefix}${name}/`)]);

  for (const path of ['package.json', 'out/main/index.js', 'out/main/data-worker.js', 'out/preload/index.cjs', 'out/renderer/index.html']) check(entry(path) !== undefined, `${path} is in app.asar`);
  for (const path of ['out/main/host.js', 'out/main/cli.js']) check(entry(path) === undefined, `${path} is NOT in the package`);
  check(!allPaths(header).some((path) => path.endsWith('.map')), 'no source maps in the package');
  check(!allPaths(header).some((path) => path.startsWith('node_modules/electron/')), 'the electron npm package is not in the package');
  const addon = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
  check(entry(addon)?.unpacked === true && existsSync(join(appDir, 'resources', 'app.asar.unpacked', addon)), `${addon} is unpacked from the asar`);

  // The PDF's font files, exactly: each one the report loads is packaged (in the asar, where fontkit
  // reads it through Electron's asar support), and no other font file is.
  const isFontFile = (path) => /\.(?:ttf|otf|ttc|woff2?)$/i.test(path);
  const fontsInPackage = new Set(allPaths(header).filter(isFontFile));
  const fontsLoaded = new Set(pdfFontFiles().map((font) => `node_modules/${font.packageName}/${font.file}`));
  for (const path of fontsLoaded) check(fontsInPackage.has(path), `the PDF's font ${path} is in the package`);
  const unusedFonts = [...fontsInPackage].filter((path) => !fontsLoaded.has(path));
  check(unusedFonts.length === 0, `no font file the PDF never loads is in the package${unusedFonts.length === 0 ? '' : `: ${unusedFonts.join(', ')}`}`);

  // The size budget, over every file of app.asar and app.asar.unpacked (the header lists both).
  const flatFiles = (node, prefix = '') => Object.entries(node.files ?? {}).flatMap(([name, child]) => (child.files !== undefined ? flatFiles(child, `${prefix}${name}/`) : [{ path: `${prefix}${name}`, size: Number(child.size ?? 0) }]));
  const size = checkAppSize(summariseAppSize(flatFiles(header)));
  check(size.ok, size.report[0]);
  console.log(size.report.slice(1).join('\n'));

  // Every package the main-process code loads (import, require, require.resolve); the font packages
  // are named in the font table, checked above file by file.
  // A package name, not any quoted text after "from" (SQL such as `AS "from", max(…)` is in the bundle).
  const specifier = /(?:from\s*|import\s*\(\s*|require(?:\.resolve)?\s*\(\s*)["']((?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(?:\/[\w./-]*)?)["']/g;
  const mainFiles = allPaths(header).filter((path) => path.startsWith('out/main/') && path.endsWith('.js'));
  const packages = new Set();
  for (const file of mainFiles) {
    for (const [, name] of readFileSync(file, 'utf8').matchAll(specifier)) {
      if (name.startsWith('node:') || builtinModules.includes(name.split('/')[0]) || name === 'electron') continue;
      packages.add(name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0]);
    }
  }
  check(packages.size > 0, `found the packages main imports (${[...packages].sort().join(', ')})`);
  for (const name of packages) check(entry(`node_modules/${name}/package.json`) !== undefined, `main's dependency ${name} is in the package`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(failures.length === 0 ? 'package check passed' : `package check FAILED: ${failures.length} problem(s)`);
process.exit(failures.length === 0 ? 0 : 1);
