import { describe, expect, it } from 'vitest';
import { connectionCostProbe, parseWindowsConnectionCost, WINDOWS_CONNECTION_COST_SCRIPT } from '../../../main/updates/connection-cost.js';

describe('the Windows connection-cost answer (WinRT NetworkCostType Roaming OverDataLimit ApproachingDataLimit)', () => {
  it.each([
    ['Unrestricted False False False\r\n', 'unmetered'],
    ['Fixed False False False', 'metered'],
    ['Variable False False False', 'metered'],
    ['Unrestricted True False False', 'metered'],
    ['Unrestricted False True False', 'metered'],
    ['Unrestricted False False True', 'metered'],
    ['Unknown False False False', 'unknown'],
    ['', 'unknown'],
    ['Unrestricted', 'unknown'],
    ['Unrestricted maybe False False', 'unknown'],
    ['The term "Windows.Networking" is not recognized', 'unknown'],
  ] as const)('%j → %s', (output, expected) => {
    expect(parseWindowsConnectionCost(output)).toBe(expected);
  });
});

describe('connectionCostProbe', () => {
  it('asks Windows PowerShell on win32 and reads its answer', async () => {
    const calls: { file: string; args: readonly string[] }[] = [];
    const probe = connectionCostProbe('win32', (file, args) => {
      calls.push({ file, args });
      return Promise.resolve('Unrestricted False False False\n');
    });
    expect(await probe()).toBe('unmetered');
    expect(calls).toEqual([{ file: 'powershell.exe', args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', WINDOWS_CONNECTION_COST_SCRIPT] }]);
  });

  it('a probe that fails is unknown (so a download waits for consent)', async () => {
    const probe = connectionCostProbe('win32', () => Promise.reject(new Error('powershell.exe not found')));
    expect(await probe()).toBe('unknown');
  });

  it.each(['darwin', 'linux'] as const)('%s: unknown, without running anything', async (platform) => {
    let ran = false;
    const probe = connectionCostProbe(platform, () => {
      ran = true;
      return Promise.resolve('Unrestricted False False False');
    });
    expect(await probe()).toBe('unknown');
    expect(ran).toBe(false);
  });
});
