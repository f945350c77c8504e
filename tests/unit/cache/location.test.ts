import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CACHE_FILE_NAME, cacheFilePath } from '../../../main/cache/index.js';

describe('cache file location', () => {
  it('is a fixed file name inside the app home folder', () => {
    expect(cacheFilePath(join('home', 'user data'))).toBe(join('home', 'user data', CACHE_FILE_NAME));
    expect(CACHE_FILE_NAME).toMatch(/\.sqlite$/);
  });
});
