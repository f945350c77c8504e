/**
 * Verify benchmark: `node --import tsx bench/verify-bench.ts` — the built CLI
 * (`timeline-auditor verify … --json`) as a reviewer runs it, each run in its own process so its peak
 * RSS (getrusage maxrss, reported at exit by a one-line preload) is its own:
 *   - an honest packet of 20,000 events (how fast a real packet streams through the hashes);
 *   - a zip bomb, 1.5 GiB of zeros in ~1.5 MB, declaring its true size (refused before inflating);
 *   - the same bomb declaring the manifest's size (stopped as soon as it outgrows it);
 *   - the worst case: a manifest re-signed by an unknown key that lists the 1.5 GiB of zeros honestly,
 *     so every byte must be inflated and hashed before "signer unknown" (streamed, never held).
 * Targets (issue 12): a clear NOT INTACT verdict for a bomb within seconds, peak RSS < 300 MB.
 * Writes the "Verify" section of docs/benchmarks.md (only that section).
 */
import { spawn } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { writeAuditPacket, type PacketManifest } from '../main/export/packet.js';
import { FileSigningKeyStore, publicKeyFingerprint } from '../main/export/signing-key-store.js';
import { buildEvents, exportInputOf, TEST_SIGNER } from '../tests/unit/export/fixtures.js';
import { deflatedZeros, entryOf, writeForgedZip } from '../tests/integration/export/zip-forge.js';
import { writeBenchmarkSection } from './benchmarks-doc.js';

const CLI = fileURLToPath(new URL('../bin/timeline-auditor.js', import.meta.url));
/**
 * Prints the process's peak RSS on stderr as it exits: VmHWM (Linux), which starts afresh at exec —
 * getrusage's maxrss would include this (big) parent's pages from before the child's exec.
 */
const REPORT_RSS = `data:text/javascript,${encodeURIComponent(
  "import { readFileSync } from 'node:fs';\n" +
    "process.on('exit', () => {\n" +
    "  const hwm = /VmHWM:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));\n" +
    '  process.stderr.write(`\\nMAXRSS ${hwm === null ? process.resourceUsage().maxRSS * 1024 : Number(hwm[1]) * 1024}\\n`);\n' +
    '});\n',
)}`;

interface Run {
  part: string;
  seconds: number;
  peakRssMiB: number;
  exitCode: number;
  verdict: string;
}

async function verifyRun(part: string, home: string, packet: string): Promise<Run> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', REPORT_RSS, CLI, '--home', home, 'verify', packet, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  const seconds = (performance.now() - started) / 1000;
  const rss = Number(/MAXRSS (\d+)/.exec(stderr)?.[1] ?? Number.NaN);
  const result = JSON.parse(stdout) as { verdict: { kind: string; file?: string; problem?: string } };
  const verdict = result.verdict.kind === 'not-intact' ? `not intact: ${result.verdict.file ?? ''} ${result.verdict.problem ?? ''}` : result.verdict.kind;
  return { part, seconds, peakRssMiB: rss / 1024 ** 2, exitCode, verdict };
}

async function main(): Promise<void> {
  if (!existsSync(join(fileURLToPath(new URL('..', import.meta.url)), 'out', 'main', 'cli.js'))) throw new Error('Build first: npx electron-vite build');
  const dir = await mkdtemp(join(tmpdir(), 'verify-bench-'));
  try {
    const home = join(dir, 'home');
    const keyStore = new FileSigningKeyStore(home);
    const honest = join(dir, 'packet.zip');
    await writeAuditPacket(exportInputOf(buildEvents(20_000)), honest, { keyStore, signer: TEST_SIGNER });
    const files = unzipSync(new Uint8Array(await readFile(honest)));
    const manifest = JSON.parse(Buffer.from(files['manifest.json']!).toString('utf8')) as PacketManifest;
    const zeros = await deflatedZeros(1.5 * 1024 ** 3);
    const bomb = async (name: string, declaredSize: number): Promise<string> => {
      const path = join(dir, name);
      await writeForgedZip(path, [
        ...['manifest.json', 'manifest.sig', 'report.pdf'].map((file) => entryOf(file, files[file]!)),
        { name: 'events.csv', data: zeros, method: 8, declaredSize, crc32: 0 },
        ...['events.json', 'users.json'].map((file) => entryOf(file, files[file]!)),
      ]);
      return path;
    };
    const honestBomb = await bomb('bomb-honest.zip', 1.5 * 1024 ** 3);
    const lyingBomb = await bomb('bomb-lying.zip', manifest.files.find((file) => file.name === 'events.csv')!.size);
    const bombBytes = zeros.length;
    // The worst case: a forger's manifest that lists the bomb with its true size and hash, re-signed.
    const zeroHash = createHash('sha256');
    const digest = createHash('sha256').update(files['events.json']!);
    const mebibyte = Buffer.alloc(1024 ** 2);
    for (let index = 0; index < 1.5 * 1024; index += 1) {
      zeroHash.update(mebibyte);
      digest.update(mebibyte);
    }
    const forged = JSON.parse(JSON.stringify(manifest)) as PacketManifest;
    forged.files = forged.files.map((file) => (file.name === 'events.csv' ? { ...file, size: 1.5 * 1024 ** 3, sha256: zeroHash.digest('hex') } : file));
    forged.packetDigest.value = digest.update(files['users.json']!).digest('hex');
    const { privateKey } = generateKeyPairSync('ed25519');
    const forgerKey = createPublicKey(privateKey);
    forged.signing.publicKeyPem = forgerKey.export({ type: 'spki', format: 'pem' }).toString();
    forged.signing.publicKeyFingerprint = publicKeyFingerprint(forgerKey);
    const forgedBytes = Buffer.from(`${JSON.stringify(forged, null, 2)}\n`);
    const listedBomb = join(dir, 'bomb-listed.zip');
    await writeForgedZip(listedBomb, [
      entryOf('manifest.json', forgedBytes),
      entryOf('manifest.sig', Buffer.from(`${sign(null, forgedBytes, privateKey).toString('base64')}\n`)),
      entryOf('report.pdf', files['report.pdf']!),
      { name: 'events.csv', data: zeros, method: 8, declaredSize: 1.5 * 1024 ** 3, crc32: 0 },
      ...['events.json', 'users.json'].map((file) => entryOf(file, files[file]!)),
    ]);
    const runs = [
      await verifyRun(`Honest packet, 20,000 events (${((await stat(honest)).size / 1024 ** 2).toFixed(1)} MB zip)`, home, honest),
      await verifyRun(`That packet with events.csv replaced by a zip bomb (1.5 GiB of zeros in ${(bombBytes / 1024 ** 2).toFixed(1)} MB), true size declared`, home, honestBomb),
      await verifyRun(`The same bomb declaring the manifest's size for events.csv`, home, lyingBomb),
      await verifyRun(`Worst case: a manifest re-signed by an unknown key listing the 1.5 GiB of zeros with its true size and hash`, home, listedBomb),
    ];
    for (const run of runs) process.stdout.write(`${run.part}: ${run.seconds.toFixed(2)} s, peak RSS ${run.peakRssMiB.toFixed(0)} MiB, exit ${run.exitCode}, ${run.verdict}\n`);
    const now = new Date().toISOString().slice(0, 16).replace('T', ' ');
    const section = [
      '## Verify',
      '',
      '`node --import tsx bench/verify-bench.ts`: the built CLI, `timeline-auditor verify PACKET --json`, one process per run (wall time includes start-up; peak RSS includes streaming the honest files of the packet, ~75 MiB is the CLI itself).',
      `Machine: ${cpus().length} CPUs (nproc), ${cpus()[0]?.model ?? 'unknown CPU'}; Node ${process.version}; ${now} UTC; load average at the end ${loadavg()
        .map((value) => value.toFixed(2))
        .join(' / ')}.`,
      '',
      '| Packet | Time | Peak RSS (target < 300 MB) | Exit | Verdict |',
      '| --- | --- | --- | --- | --- |',
      ...runs.map((run) => `| ${run.part} | **${run.seconds.toFixed(2)} s** | **${run.peakRssMiB.toFixed(0)} MiB** | ${run.exitCode} | ${run.verdict.replace(/\|/g, '\\|')} |`),
      '',
    ].join('\n');
    writeBenchmarkSection('Verify', section);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
