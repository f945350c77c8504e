/**
 * "Is this connection metered?" for the update service. Electron has no API for it, and Chromium's
 * NetworkInformation (navigator.connection) does not tell on desktop: `type` is not exposed on
 * Windows/macOS and `saveData` reflects a data-saver setting, not a metered network. So:
 *
 * - Windows: the OS knows (Settings → Network → "Metered connection"); WinRT's
 *   NetworkInformation.GetInternetConnectionProfile().GetConnectionCost() reports it, and Windows
 *   PowerShell 5.1 (present on every Windows 10/11) can call WinRT. We ask it once per check.
 * - macOS (NWPath.isExpensive / isConstrained exist only in Network.framework, no command line) and
 *   everything else: 'unknown'.
 *
 * Unknown counts as metered: the update service never downloads without consent unless the answer
 * is a definite 'unmetered'.
 */
import { execFile } from 'node:child_process';
import type { UpdateConnectionCost } from '../../preload/contract.js';

/** Prints "<NetworkCostType> <Roaming> <OverDataLimit> <ApproachingDataLimit>", or nothing when offline. */
export const WINDOWS_CONNECTION_COST_SCRIPT = [
  '$ErrorActionPreference = "Stop"',
  '[void][Windows.Networking.Connectivity.NetworkInformation, Windows.Networking.Connectivity, ContentType = WindowsRuntime]',
  '$connectionProfile = [Windows.Networking.Connectivity.NetworkInformation]::GetInternetConnectionProfile()',
  'if ($connectionProfile -ne $null) { $cost = $connectionProfile.GetConnectionCost(); "$($cost.NetworkCostType) $($cost.Roaming) $($cost.OverDataLimit) $($cost.ApproachingDataLimit)" }',
].join('; ');

/**
 * Reads the script's output. NetworkCostType: Unrestricted (unmetered), Fixed or Variable (metered),
 * Unknown. Roaming or a data limit reached/near makes any connection metered.
 */
export function parseWindowsConnectionCost(output: string): UpdateConnectionCost {
  const [costType, roaming, overLimit, approachingLimit] = output.trim().split(/\s+/);
  if (costType === undefined || roaming === undefined || overLimit === undefined || approachingLimit === undefined) return 'unknown';
  const flags = [roaming, overLimit, approachingLimit].map((flag) => flag.toLowerCase());
  if (flags.some((flag) => flag !== 'true' && flag !== 'false')) return 'unknown';
  if (flags.includes('true')) return 'metered';
  switch (costType.toLowerCase()) {
    case 'unrestricted':
      return 'unmetered';
    case 'fixed':
    case 'variable':
      return 'metered';
    default:
      return 'unknown';
  }
}

export type RunCommand = (file: string, args: readonly string[], timeoutMs: number) => Promise<string>;

const runCommand: RunCommand = (file, args, timeoutMs) =>
  new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: timeoutMs, windowsHide: true }, (error, stdout) => (error instanceof Error ? reject(error) : resolve(stdout)));
  });

/** The connection-cost port for a platform: the WinRT probe on Windows, 'unknown' elsewhere; any failure is 'unknown'. */
export function connectionCostProbe(platform: NodeJS.Platform, run: RunCommand = runCommand): () => Promise<UpdateConnectionCost> {
  if (platform !== 'win32') return () => Promise.resolve('unknown');
  return async () => {
    try {
      return parseWindowsConnectionCost(await run('powershell.exe', ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', WINDOWS_CONNECTION_COST_SCRIPT], 10_000));
    } catch {
      return 'unknown';
    }
  };
}
