/**
 * "Copy diagnostics" (About): what a support ticket needs — versions, OS, settings, the connection's
 * shape (never its secrets), the admin policy, cache size and the last log lines. The whole text
 * goes through the log's scrubber once more before it leaves, so a secret can only reach the
 * clipboard if neither a pattern nor a registered value catches it.
 */
import { release, type as osType } from 'node:os';
import type { DiagnosticsView } from '../../preload/contract.js';
import { appVersions } from '../core/app-info.js';
import type { Core } from './core.js';

export const DIAGNOSTICS_LOG_LINES = 200;

export async function gatherDiagnostics(core: Core): Promise<DiagnosticsView> {
  const versions = appVersions(core.ports.shell);
  const status = core.auth.status();
  const { policy } = core;
  // Cache figures only when the cache is already open: gathering diagnostics must not start the worker.
  const cache = core.dataStarted()
    ? await (await core.records()).overview().then(
        (overview) => overview.cache,
        (error: unknown) => `unavailable (${(error as Error).message})`,
      )
    : 'not opened in this session';
  const lines = [
    `${versions.productName} ${versions.version} (${versions.shell})`,
    `Electron ${versions.electron ?? '—'}, Chrome ${versions.chrome ?? '—'}, Node ${versions.node}`,
    `OS: ${osType()} ${release()} (${versions.platform} ${versions.arch})`,
    `Settings: ${JSON.stringify(core.settings.get())}`,
    `Zoho connection: ${status.state}${status.dataCentre === undefined ? '' : `, data centre ${status.dataCentre}`}${status.accountsServer === undefined ? '' : `, ${status.accountsServer}`}, scopes ${status.scopes.join(',') || '—'}, secrets kept by ${status.cipherKind}`,
    `Admin policy: ${policy.state}${policy.file === null ? '' : ` (${policy.file})`}; locked: ${
      [policy.dataCentre === null ? null : `data centre ${policy.dataCentre}`, policy.clientId === null ? null : 'client ID', policy.redirectPort === null ? null : `port ${policy.redirectPort}`, policy.scopes === null ? null : 'scopes']
        .filter((item) => item !== null)
        .join(', ') || 'nothing'
    }; demo ${policy.disableDemoWorkspace ? 'off' : 'allowed'}; updates ${policy.disableUpdates ? 'off' : 'allowed'}; ${policy.trustedSigners.length} pre-trusted signer(s)`,
    ...policy.problems.map((problem) => `  policy problem: ${problem.field ?? 'file'}: ${problem.problem}`),
    `Cache: ${typeof cache === 'string' ? cache : `${cache.records} records, ${cache.events} events, ${cache.users} users, ${cache.fileBytes} bytes`}`,
    `Log: ${core.log.file ?? 'none'}`,
    '',
    `Last log lines:`,
    ...core.log.tail(DIAGNOSTICS_LOG_LINES),
  ];
  return { text: core.log.scrubber.scrubText(lines.join('\n')), logFile: core.log.file };
}
