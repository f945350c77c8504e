import type { AppVersions } from '../../preload/contract.js';

// Injected at build time by electron-vite (define), read from package.json in tests run by tsx/vitest.
import packageJson from '../../package.json' with { type: 'json' };

export const APP_NAME = packageJson.name;
export const PRODUCT_NAME = packageJson.productName;
export const APP_VERSION = packageJson.version;

export function appVersions(shell: AppVersions['shell']): AppVersions {
  return {
    name: APP_NAME,
    productName: PRODUCT_NAME,
    version: APP_VERSION,
    shell,
    electron: process.versions['electron'] ?? null,
    chrome: process.versions['chrome'] ?? null,
    node: process.versions.node,
    platform: process.platform,
    arch: process.arch,
  };
}
