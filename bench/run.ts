/**
 * `npm run bench`: every benchmark, one after another (each writes its own section of
 * docs/benchmarks.md with the machine and date). Name some to run only those: `npm run bench -- sync`.
 */
import { spawnSync } from 'node:child_process';

const BENCHMARKS = ['cli', 'cache', 'sync', 'export', 'review', 'review-flags', 'data-worker', 'verify'] as const;
const chosen = process.argv.slice(2).filter((name) => (BENCHMARKS as readonly string[]).includes(name));
let failed = 0;
for (const name of chosen.length > 0 ? chosen : BENCHMARKS) {
  process.stdout.write(`\n=== ${name} benchmark ===\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', `bench/${name}-bench.ts`], { stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
