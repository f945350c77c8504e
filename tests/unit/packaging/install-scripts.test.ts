import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

// npm 11 reads package.json's `allowScripts` (advisory now; npm 12 skips every dependency install
// script it does not cover). Each entry is a name (all versions) or name@version; true approves,
// false denies. This test keeps that field equal to what the lockfile says has install scripts, so a
// new dependency with a script cannot slip in unreviewed and a removed one leaves no stale entry.
const packageJson = z.object({ allowScripts: z.record(z.string(), z.boolean()) }).parse(JSON.parse(readFileSync('package.json', 'utf8')));
const lock = z.object({ packages: z.record(z.string(), z.object({ version: z.string().optional(), hasInstallScript: z.boolean().optional() })) }).parse(JSON.parse(readFileSync('package-lock.json', 'utf8')));

/** name → version of every locked package whose install scripts npm would run. */
const withInstallScripts = new Map(
  Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && entry.hasInstallScript === true)
    .map(([path, entry]) => [path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length), entry.version ?? ''] as const),
);

/** "esbuild" → { name: "esbuild" }, "@scope/x@1.2.3" → { name: "@scope/x", version: "1.2.3" }. */
function parseKey(key: string): { name: string; version?: string } {
  const at = key.indexOf('@', 1);
  return at < 0 ? { name: key } : { name: key.slice(0, at), version: key.slice(at + 1) };
}

const entries = Object.entries(packageJson.allowScripts).map(([key, allowed]) => ({ key, allowed, ...parseKey(key) }));

describe('install scripts approved in package.json (allowScripts)', () => {
  it('approves exactly the packages whose scripts the app needs: the SQLite addon and esbuild’s binary', () => {
    expect(
      entries
        .filter((entry) => entry.allowed)
        .map((entry) => entry.name)
        .sort(),
    ).toEqual(['better-sqlite3', 'esbuild']);
  });

  it('covers every locked package with an install script, approved or denied', () => {
    const uncovered = [...withInstallScripts].filter(([name, version]) => !entries.some((entry) => entry.name === name && (entry.version === undefined || entry.version === version)));
    expect(uncovered).toEqual([]);
  });

  it('has no entry for a package that is not locked or has no install script (npm install-scripts prune would drop it)', () => {
    const stale = entries.filter((entry) => withInstallScripts.get(entry.name) === undefined || (entry.version !== undefined && withInstallScripts.get(entry.name) !== entry.version));
    expect(stale.map((entry) => entry.key)).toEqual([]);
  });

  it('finds install scripts in the lockfile at all (the check above is not vacuous)', () => {
    expect(withInstallScripts.has('better-sqlite3')).toBe(true);
  });
});
