import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { matchesGlob } from 'node:path';
import type { Configuration } from 'electron-builder';
import { describe, expect, it } from 'vitest';
import { APP_USER_MODEL_ID } from '../../../main/electron/app-shell.js';

/**
 * electron-builder.yml as electron-builder itself loads and validates it (its own loader and JSON
 * schema, from the installed app-builder-lib — no Electron download involved), then the settings
 * that matter for security asserted one by one. scripts/check-package.mjs goes further and packages.
 */
const builderRequire = createRequire(createRequire(import.meta.url).resolve('electron-builder/package.json'));
const { getConfig, validateConfiguration } = builderRequire('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: Configuration | null): Promise<Configuration>;
  validateConfiguration(config: Configuration, debugLogger: unknown): Promise<void>;
};
const { DebugLogger } = builderRequire('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

const config = await getConfig(process.cwd(), null, null);

/** Whether electron-builder's `files` list (last matching pattern wins, `!` excludes) takes `path`. */
function packaged(path: string): boolean {
  let included = false;
  // getConfig normalises `files` to [{ filter: [...] }]; plain strings are accepted too.
  const patterns = [config.files ?? []].flat().flatMap((entry) => (typeof entry === 'string' ? [entry] : entry === null ? [] : [entry.filter ?? []].flat()));
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    if (matchesGlob(path, negated ? pattern.slice(1) : pattern)) included = !negated;
  }
  return included;
}

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own configuration schema, which does reject a misspelt option', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    const misspelt = { ...config, mac: { ...config.mac, hardenedRuntme: true } } as Configuration;
    await expect(validateConfiguration(misspelt, new DebugLogger(false))).rejects.toThrow(/configuration.mac/);
  });

  it('names the app', () => {
    expect(config.appId).toBe('com.timeline-auditor.app');
    expect(config.productName).toBe('Timeline Auditor');
  });

  it('sets every Electron fuse that hardens the packaged binary', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      // On until the renderer is served from a custom protocol instead of file:// (docs/security.md).
      grantFileProtocolExtraPrivileges: true,
      // Unsigned Apple-silicon builds must still start after the fuses changed the binary.
      resetAdHocDarwinSignature: true,
    });
  });

  it('packs the app into an asar with only better-sqlite3’s native addon unpacked', () => {
    expect(config.asar).toBe(true);
    const unpack = [config.asarUnpack ?? []].flat();
    expect(unpack.some((pattern) => matchesGlob('node_modules/better-sqlite3/build/Release/better_sqlite3.node', pattern))).toBe(true);
    expect(unpack.some((pattern) => matchesGlob('out/main/index.js', pattern))).toBe(false);
    expect(config.npmRebuild).toBe(true);
  });

  it('ships the app’s bundles but never the loopback host, the CLI, source maps or type declarations', () => {
    for (const path of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'out/renderer/assets/index-abc.js', 'package.json']) expect(packaged(path), path).toBe(true);
    for (const path of ['out/main/host.js', 'out/main/cli.js', 'out/main/index.js.map', 'out/types/node/main/index.d.ts', 'main/electron/main.ts', 'tests/e2e/connect.spec.ts']) {
      expect(packaged(path), path).toBe(false);
    }
  });

  it('signs macOS builds with the hardened runtime and only the JIT entitlement', () => {
    expect(config.mac?.hardenedRuntime).toBe(true);
    expect(config.mac?.notarize).not.toBe(false);
    // Identity and certificates come from the environment (CSC_LINK …), never from the repository.
    expect(config.mac?.identity).toBeUndefined();
    expect(JSON.stringify(config)).not.toMatch(/cscLink|cscKeyPassword|APPLE_APP_SPECIFIC_PASSWORD/i);
    for (const file of [config.mac?.entitlements, config.mac?.entitlementsInherit]) {
      expect(file).toBe('build/entitlements.mac.plist');
      const keys = [...readFileSync(file!, 'utf8').matchAll(/<key>([^<]+)<\/key>/g)].map((match) => match[1]);
      expect(keys).toEqual(['com.apple.security.cs.allow-jit']);
    }
  });

  it('builds per-arch macOS DMG and zip, and a per-user NSIS installer for x64 and arm64', () => {
    expect(config.mac?.target).toEqual([
      { target: 'dmg', arch: ['x64', 'arm64'] },
      { target: 'zip', arch: ['x64', 'arm64'] },
    ]);
    expect(config.win?.target).toEqual([{ target: 'nsis', arch: ['x64', 'arm64'] }]);
    expect(config.nsis?.perMachine).toBe(false);
    expect(config.nsis?.allowElevation).toBe(false);
    expect(config.nsis?.deleteAppDataOnUninstall).toBe(false);
  });

  it('points at icons that exist and are what their names say', () => {
    const magic = (path: string, bytes: number): string => readFileSync(path).subarray(0, bytes).toString('latin1');
    expect(config.mac?.icon).toBe('assets/icon.icns');
    expect(magic('assets/icon.icns', 4)).toBe('icns');
    expect(config.win?.icon).toBe('assets/icon.ico');
    expect([...readFileSync('assets/icon.ico').subarray(0, 4)]).toEqual([0, 0, 1, 0]);
    for (const size of [1024, 512, 256]) {
      const png = readFileSync(`assets/icons/${size}x${size}.png`);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
    }
    expect(existsSync('assets/icon.svg')).toBe(true);
  });

  it('refuses macOS older than 13, which Electron 44+ cannot run on', () => {
    expect(config.mac?.minimumSystemVersion).toBe('13.0');
  });

  it('gives the running app (Windows AppUserModelId) the installer’s appId', () => {
    expect(APP_USER_MODEL_ID).toBe(config.appId);
  });

  it('ships the `timeline-auditor` shims: Windows on the PATH through the NSIS include, macOS in Resources/bin', () => {
    const resources = (section: { extraResources?: unknown } | null | undefined) => [section?.extraResources ?? []].flat() as Array<{ from: string; to: string }>;
    expect(resources(config.win)).toEqual([{ from: 'build/cli/timeline-auditor.cmd', to: 'bin/timeline-auditor.cmd' }]);
    expect(resources(config.mac)).toEqual([{ from: 'build/cli/timeline-auditor', to: 'bin/timeline-auditor' }]);

    // Windows: the app binary (productName.exe two folders up from resources\bin) with --cli and every argument, its exit code passed on.
    const cmd = readFileSync('build/cli/timeline-auditor.cmd', 'utf8');
    expect(cmd).toMatch(/\r\n/); // cmd.exe reads CRLF batch files reliably
    expect(cmd).toContain(`"%~dp0..\\..\\${config.productName}.exe" --cli %*`);
    expect(cmd).toContain('exit /b %ERRORLEVEL%');
    expect(cmd).toContain('set ELECTRON_NO_ATTACH_CONSOLE=\r\n');
    expect(cmd).not.toContain('ELECTRON_RUN_AS_NODE'); // the fuse stays off: the app's own main runs the CLI

    // macOS: resolves its own link, runs Contents/MacOS/<productName> --cli "$@", and is executable.
    const sh = readFileSync('build/cli/timeline-auditor', 'utf8');
    expect(sh.startsWith('#!/bin/sh\n')).toBe(true);
    expect(sh).toContain(`exec "$contents/MacOS/${config.productName}" --cli "$@"`);
    expect(statSync('build/cli/timeline-auditor').mode & 0o111).toBe(0o111);

    // The installer adds resources\bin to the per-user PATH and takes it off again (not on an update).
    expect(config.nsis?.include).toBe('build/installer.nsh');
    const nsh = readFileSync('build/installer.nsh', 'utf8');
    expect(nsh).toContain('!define TA_CLI_DIR "$INSTDIR\\resources\\bin"');
    expect(nsh).toMatch(/!macro customInstall[\s\S]*WriteRegExpandStr HKCU "Environment" "Path"[\s\S]*!macroend/);
    expect(nsh).toMatch(/!macro customUnInstall\s+\$\{IfNot\} \$\{isUpdated\}[\s\S]*WriteRegExpandStr HKCU "Environment" "Path"[\s\S]*!macroend/);
    expect(nsh).not.toMatch(/HKLM/);
  });
});
