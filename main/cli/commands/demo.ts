import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createCore } from '../../app/core.js';
import { nodePlatformPorts } from '../../app/node-platform.js';
import { describeConnectedUser } from '../../auth/status-text.js';
import { AuditorError } from '../../core/errors.js';
import { approveDemoConsent } from '../../demo/approve-consent.js';
import { verifyPacket } from '../../export/verify.js';
import { DEMO_DISABLED_MESSAGE, loadAdminPolicy, machinePolicyPath } from '../../policy/admin-policy.js';
import { DEMO_CLIENT, SAMPLE_RECORD, startSandbox } from '../../sandbox/index.js';
import type { CliCommand } from '../types.js';
import { formatSyncProgress } from './sync-cli-support.js';
import { makeDirectorySync } from '../../core/make-directory.js';
import { parseCommandArgs, usageError } from '../args.js';

const USAGE = `timeline-auditor demo [--out DIR] [--records N]

Runs the whole job once, on any machine, with no Zoho account: starts the bundled Zoho-compatible
demo workspace, signs in to it through the same loopback OAuth flow as a real org (approving its
consent page for you), syncs sample records into a cache, writes a signed audit packet and verifies it.

  --out DIR      where the demo's cache, keys and packet go (default: a new temporary folder)
  --records N    how many sample Leads to sync besides the documented sample record (default 12)`;

export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'Run the main job end to end against the bundled demo workspace (no Zoho account needed)',
  usage: USAGE,
  async run(argv, context) {
    const { values } = parseCommandArgs({ args: argv, options: { out: { type: 'string' }, records: { type: 'string' } }, strict: true });
    const recordCount = values.records === undefined ? 12 : Number(values.records);
    if (!Number.isInteger(recordCount) || recordCount < 0 || recordCount > 500) throw usageError('--records takes a whole number from 0 to 500.');
    const home = values.out === undefined ? mkdtempSync(join(tmpdir(), 'timeline-auditor-demo-')) : resolve(values.out);
    makeDirectorySync(home);
    const say = (line: string): void => void context.stdout.write(`${line}\n`);

    const policy = loadAdminPolicy(context.policyFile === undefined ? machinePolicyPath(process.platform, context.env) : context.policyFile);
    if (policy.disableDemoWorkspace) throw new AuditorError('DEMO_DISABLED_BY_POLICY', DEMO_DISABLED_MESSAGE, { hint: 'Connect to your organisation’s Zoho CRM instead (timeline-auditor connect).' });
    say(`Demo folder: ${home}`);
    const sandbox = await startSandbox({ recordsPerModule: Math.max(recordCount, 1), latencyMs: 20 });
    try {
      say(`1/4 Demo workspace running at ${sandbox.url} (a Zoho-compatible CRM on this computer).`);

      // The demo's tokens are throwaway: a random passphrase for this run protects them at rest.
      const env = { ...context.env, TIMELINE_AUDITOR_PASSPHRASE: randomBytes(24).toString('base64url') };
      // The demo folder gets the same services as any home folder, from the one composition root.
      const core = createCore(nodePlatformPorts({ shell: 'cli', home, env, policyFile: policy.file, ...(context.dataWorkerEntry === undefined ? {} : { dataWorkerEntry: context.dataWorkerEntry }) }));
      try {
        const status = await core.auth.connect({
          clientId: DEMO_CLIENT.clientId,
          clientSecret: DEMO_CLIENT.clientSecret,
          target: { accountsUrl: sandbox.url },
          port: 0,
          signal: context.signal,
          openBrowser: (url) => approveDemoConsent(url),
        });
        say(`2/4 Signed in through the loopback OAuth flow (PKCE, state checked) as ${describeConnectedUser(status)}.`);

        const records = [
          { module: SAMPLE_RECORD.module, recordId: SAMPLE_RECORD.id },
          ...sandbox
            .listRecordIds('Leads')
            .slice(0, recordCount)
            .map((recordId) => ({ module: 'Leads', recordId })),
        ];
        const unique = [...new Map(records.map((record) => [`${record.module}/${record.recordId}`, { module: record.module, recordId: record.recordId }])).values()];
        const tty = context.stdout.isTTY === true;
        const recordsService = await core.records();
        const result = await recordsService.sync(
          { records: unique },
          {
            signal: context.signal,
            progressIntervalMs: tty ? 200 : 1_000,
            onProgress: (progress) => {
              if (tty) context.stdout.write(`\r\x1b[2K    ${progressBar(progress.recordsDone + progress.recordsFailed, progress.recordsTotal)} ${formatSyncProgress(progress)}`);
            },
          },
        );
        if (tty) context.stdout.write('\r\x1b[2K');
        if (result === null || result.state !== 'done') throw new AuditorError('DEMO_SYNC_FAILED', `The demo sync ended ${result?.state ?? 'without running'}: ${result?.stopReason?.message ?? ''}`);
        const cached = (await recordsService.recordStates(unique)).reduce((sum, state) => sum + (state?.eventCount ?? 0), 0);
        say(`3/4 Synced ${unique.length} records: ${cached} events cached in ${recordsService.cacheFile()}.`);

        const packetPath = join(home, 'demo-audit-packet.zip');
        const entry = await (await core.exports()).exportFiles({ records: unique, formats: ['packet'], timeZone: 'UTC', files: { packet: packetPath } }, { signal: context.signal });
        const fingerprint = entry.signerFingerprint ?? '';
        const verification = await verifyPacket(packetPath, { pinnedPublicKey: fingerprint });
        if (!verification.ok || verification.manifest === null) throw new AuditorError('DEMO_VERIFY_FAILED', `The demo packet did not verify: ${verification.firstProblem?.file}: ${verification.firstProblem?.problem}`);
        say(`4/4 Wrote and verified the signed audit packet: ${packetPath}`);
        say('');
        say('It contains:');
        for (const file of verification.manifest.files) say(`  ${file.name.padEnd(14)} ${String(file.size).padStart(9)} bytes  sha256 ${file.sha256.slice(0, 16)}…`);
        say('');
        say(`Packet digest:       ${entry.packetDigest ?? ''}`);
        say(`Signing key (pin it): ${fingerprint}`);
        say(`Check it yourself:   timeline-auditor verify ${packetPath} --public-key ${fingerprint}`);
        return 0;
      } finally {
        await core.close();
      }
    } finally {
      await sandbox.close();
    }
  },
};

function progressBar(done: number, total: number, width = 24): string {
  const filled = total === 0 ? width : Math.round((width * done) / total);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}
