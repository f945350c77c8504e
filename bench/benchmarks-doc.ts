import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BENCHMARKS_DOC = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));

/**
 * Replaces the `## <title>` section of docs/benchmarks.md (or appends it), leaving every other
 * benchmark's section as it is. `section` starts with its own `## <title>` heading.
 * The file is re-read just before writing: other benchmarks write their sections too.
 */
export function writeBenchmarkSection(title: string, section: string, docPath = BENCHMARKS_DOC): void {
  const current = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '# Benchmarks\n';
  const heading = new RegExp(`^## ${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, 'm');
  const start = current.search(heading);
  let next: string;
  if (start < 0) {
    next = `${current.trimEnd()}\n\n${section.trimEnd()}\n`;
  } else {
    const afterHeading = current.indexOf('\n', start) + 1;
    const rest = afterHeading === 0 ? '' : current.slice(afterHeading);
    const end = rest.search(/^## /m);
    next = `${current.slice(0, start)}${section.trimEnd()}\n${end < 0 ? '' : `\n${rest.slice(end)}`}`;
  }
  writeFileSync(docPath, next.endsWith('\n') ? next : `${next}\n`);
}
