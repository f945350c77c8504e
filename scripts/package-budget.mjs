// The size budget of the packaged app (app.asar plus app.asar.unpacked) and the report of what fills
// it, used by scripts/check-package.mjs on the real package and tested in
// tests/unit/packaging/package-budget.test.ts.
//
// Budget: 85 MB (85,000,000 bytes). Measured 76.5 MB on 2026-11-30, Linux x64 package (about 137 MB
// with every font weight); Electron's own runtime is not counted, it is not ours to trim. What fills
// it (docs/packaging.md has the table):
//   ~30 MB  PDF fonts, regular + bold only (main/export/pdf/font-files.ts): Noto Sans CJK SC 17 MB and
//           KR 9.3 MB cannot be subset ahead of time (evidence values are arbitrary text), Noto Emoji
//           1.8 MB, Noto Sans 1.3 MB, Arabic and Hebrew 0.3 MB. Every other weight is excluded.
//   ~16 MB  main-process libraries: pdfkit 7.7 MB (with its standard-font metrics), zod 5.8 MB,
//           fontkit 2.7 MB, luxon, csv-parse/stringify, fflate, yauzl, electron-store
//    ~2 MB  better-sqlite3's native addon (unpacked from the asar)
//   ~4.5 MB out/: the renderer bundle 3.5 MB, main + worker + preload 1 MB
//   ~24 MB  the rest: transitive production dependencies, many of them renderer-only ones that Vite
//           has already bundled (es-toolkit, @reduxjs/toolkit, @popperjs/core, @babel/*) — the next
//           thing to exclude in electron-builder.yml.
// Headroom 8.5 MB (11%) takes ordinary dependency updates; one more CJK weight (8 MB) or a newly
// copied renderer library does not fit, and is meant to be a decision rather than a drift.
export const APP_SIZE_BUDGET_BYTES = 85_000_000;

/**
 * @typedef {{ path: string; size: number }} PackagedFile   path inside the app, with `/`
 * @typedef {{ totalBytes: number; groups: { name: string; bytes: number }[] }} AppSizeSummary
 */

/** The package a file belongs to ("node_modules/@scope/name", "node_modules/name") or its top two folders ("out/renderer"). */
export function sizeGroup(path) {
  const parts = path.split('/');
  if (parts[0] === 'node_modules' && parts.length > 2) return parts.slice(0, parts[1]?.startsWith('@') ? 3 : 2).join('/');
  // A file's folder, at most two deep ("out/main/index.js" → "out/main"); a top-level file is its own group.
  return parts.length === 1 ? path : parts.slice(0, Math.min(2, parts.length - 1)).join('/');
}

/** @param {PackagedFile[]} files @returns {AppSizeSummary} */
export function summariseAppSize(files) {
  const groups = new Map();
  let totalBytes = 0;
  for (const file of files) {
    totalBytes += file.size;
    const name = sizeGroup(file.path);
    groups.set(name, (groups.get(name) ?? 0) + file.size);
  }
  return { totalBytes, groups: [...groups].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name)) };
}

const megabytes = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * @param {AppSizeSummary} summary
 * @param {number} budgetBytes
 * @returns {{ ok: boolean; report: string[] }}  report: the verdict, then the ten largest parts
 */
export function checkAppSize(summary, budgetBytes = APP_SIZE_BUDGET_BYTES) {
  const ok = summary.totalBytes <= budgetBytes;
  const verdict = `app.asar + app.asar.unpacked: ${megabytes(summary.totalBytes)} (${summary.totalBytes} bytes), budget ${megabytes(budgetBytes)}${ok ? '' : ` — ${megabytes(summary.totalBytes - budgetBytes)} OVER`}`;
  return { ok, report: [verdict, ...summary.groups.slice(0, 10).map((group) => `  ${megabytes(group.bytes).padStart(8)}  ${group.name}`)] };
}
