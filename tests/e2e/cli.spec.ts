import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { unzipSync, zipSync } from 'fflate';
import { expect, test } from '@playwright/test';

const run = promisify(execFile);

/**
 * The BUILT command line (bin/timeline-auditor.js → out/main/cli.js), as a newcomer runs it: a bundling
 * mistake that unit tests on the sources cannot see shows up here.
 */
test.describe('timeline-auditor command line (built)', () => {
  test('`demo` runs the whole job with one command and leaves a packet that verifies', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ta-demo-e2e-'));
    try {
      const env = { ...process.env, TIMELINE_AUDITOR_PASSPHRASE: '' };
      const demo = await run(process.execPath, ['bin/timeline-auditor.js', 'demo', '--out', out, '--records', '5'], { env });
      expect(demo.stdout).toContain('2/4 Signed in through the loopback OAuth flow');
      expect(demo.stdout).toMatch(/3\/4 Synced \d+ records: \d+ events cached/);
      const packet = join(out, 'demo-audit-packet.zip');
      expect(demo.stdout).toContain(`4/4 Wrote and verified the signed audit packet: ${packet}`);
      for (const file of ['report.pdf', 'events.csv', 'events.json', 'users.json']) expect(demo.stdout).toContain(file);
      const fingerprint = /Signing key \(pin it\): ([0-9a-f]{64})/.exec(demo.stdout)![1]!;
      const verified = await run(process.execPath, ['bin/timeline-auditor.js', 'verify', packet, '--public-key', fingerprint], { env });
      expect(verified.stdout).toContain('INTACT');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test('sandbox → fetch into the cache → export a packet → verify, and a tampered packet is caught', async () => {
    const home = mkdtempSync(join(tmpdir(), 'ta-cli-e2e-'));
    const sandbox = spawn(process.execPath, ['bin/timeline-auditor.js', 'sandbox', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const lines = createInterface({ input: sandbox.stdout });
      const banner: string[] = [];
      await new Promise<void>((resolve) => lines.on('line', (line) => (banner.push(line), /access token/.test(line) && resolve())));
      const url = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(banner.join('\n'))![1]!;
      const token = banner
        .find((line) => line.includes('access token'))!
        .split(/\s+/)
        .pop()!;
      const env: NodeJS.ProcessEnv = { ...process.env, TIMELINE_AUDITOR_HOME: home, ZOHO_API_DOMAIN: url, ZOHO_ACCESS_TOKEN: token };
      delete env['TIMELINE_AUDITOR_PASSPHRASE'];
      const cli = (...args: string[]) => run(process.execPath, ['bin/timeline-auditor.js', ...args], { env });

      const help = await cli('--help');
      for (const command of ['demo', 'connect', 'status', 'disconnect', 'fetch', 'export', 'verify', 'trust', 'sandbox']) expect(help.stdout).toContain(`  ${command}`);

      const fetched = await cli('fetch', 'Leads/554023000001122039');
      expect(fetched.stdout).toContain('Leads/554023000001122039: 8 events cached (8 new)');

      // A destination the system refuses: a plain message, exit 1, at once (Node's own recursive mkdir
      // spins forever under /proc), and nothing written — not even the CSV whose folder was fine.
      const fine = join(home, 'fine.csv');
      const refusedDestinations = [
        ['--csv', fine, '--pdf', home],
        ...(process.platform === 'linux'
          ? [
              ['--csv', '/proc/ta-e2e-nope/x.csv'],
              ['--csv', '/proc/x.csv'],
            ]
          : []),
      ];
      for (const destination of refusedDestinations) {
        const failed = await run(process.execPath, ['bin/timeline-auditor.js', 'export', 'Leads/554023000001122039', ...destination], { env, timeout: 30_000 }).then(
          () => null,
          (error: { code: number | null; killed: boolean; stderr: string }) => error,
        );
        expect(failed?.killed, `export ${destination.join(' ')} ended by itself`).toBe(false);
        expect(failed?.code).toBe(1);
        expect(failed?.stderr).toMatch(/^Error: Cannot write \S+: .+\.\nWhat to do: /);
        expect(failed?.stderr).not.toContain('Unexpected error');
        expect(failed?.stderr).not.toMatch(/^\s+at /m);
      }
      expect(existsSync(fine)).toBe(false);

      const packet = join(home, 'audit.zip');
      // The signing key is kept encrypted like the tokens: signing a packet asks for the passphrase, plainly.
      const refused = await cli('export', 'Leads/554023000001122039', '--packet', packet).then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      );
      expect(refused?.code).toBe(1);
      expect(refused?.stderr).toContain('TIMELINE_AUDITOR_PASSPHRASE is not set');
      expect(existsSync(packet)).toBe(false);
      env['TIMELINE_AUDITOR_PASSPHRASE'] = 'cli e2e passphrase';
      const exported = await cli('export', 'Leads/554023000001122039', '--packet', packet, '--tz', 'Asia/Kolkata');
      expect(exported.stdout).toContain('8 events');
      const fingerprint = /Signing key fingerprint: ([0-9a-f]{64})/.exec(exported.stdout)![1]!;

      const verified = await cli('verify', packet, '--public-key', fingerprint);
      expect(verified.stdout).toContain('Result: INTACT, SIGNED BY A TRUSTED SIGNER: the key you gave.');
      // Unpinned, the home that signed it trusts its own key (exit 0); a fresh home does not know the signer (exit 3).
      const own = await cli('verify', packet);
      expect(own.stdout).toContain('Result: INTACT, SIGNED BY A TRUSTED SIGNER: this installation.');
      const freshHome = mkdtempSync(join(tmpdir(), 'ta-cli-e2e-fresh-'));
      const unknown = await cli('--home', freshHome, 'verify', packet).then(
        () => null,
        (error: { code: number; stdout: string }) => error,
      );
      rmSync(freshHome, { recursive: true, force: true });
      expect(unknown?.code).toBe(3);
      expect(unknown?.stdout).toContain(`Result: INTACT BUT SIGNER UNKNOWN`);
      expect(unknown?.stdout).toContain(`fingerprint ${fingerprint}.`);

      // One byte changed in the CSV: verify fails and names the file.
      const files = unzipSync(readFileSync(packet));
      const csvBytes = files['events.csv']!;
      csvBytes[10] = csvBytes[10]! ^ 0x01;
      const tampered = join(home, 'tampered.zip');
      writeFileSync(tampered, zipSync(files));
      const failure = await cli('verify', tampered).then(
        () => null,
        (error: { code: number; stdout: string }) => error,
      );
      expect(failure?.code).toBe(1);
      expect(failure?.stdout).toContain('Result: NOT INTACT. events.csv');

      const csv = join(home, 'events.csv');
      await cli('export', 'Leads/554023000001122039', '--csv', csv);
      expect(readFileSync(csv, 'utf8').startsWith('\uFEFFevent_id,audited_time,action,source,done_by_id')).toBe(true);
    } finally {
      sandbox.kill('SIGTERM');
      rmSync(home, { recursive: true, force: true });
    }
  });
});
