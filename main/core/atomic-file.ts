import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a file all-or-nothing: `write` fills a temporary file beside `path` (same folder, so the
 * rename is atomic on one file system), which replaces `path` only once `write` has succeeded. A
 * failure or a cancel removes the temporary file: no half-written export is ever left under the
 * name a person would open. Every export entry (CSV, PDF, packet) writes through this.
 */
export async function writeAtomically<T>(path: string, write: (temporaryPath: string) => Promise<T>): Promise<T> {
  // Hidden and unique: two exports to one name cannot write the same temporary file.
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.partial`);
  try {
    const result = await write(temporary);
    await rename(temporary, path);
    return result;
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
