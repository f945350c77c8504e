import { existsSync, readFileSync } from 'node:fs';
import type { PacketSignerView } from '../../../preload/contract.js';
import { AuditorError } from '../../core/errors.js';
import { completenessLines, statedCompleteness } from '../../export/completeness.js';
import { verdictExitCode, verifyPacket, type VerifyResult } from '../../export/verify.js';
import { printable } from '../printable.js';
import { reviewLines } from '../../export/review-verify.js';
import { trustListFor } from './trust.js';
import type { CliCommand } from '../types.js';
import { parseCommandArgs, usageError } from '../args.js';

const USAGE = `timeline-auditor verify PACKET.zip [--public-key KEY] [--json]

Checks that an audit packet is exactly as its author signed it — the signature on manifest.json,
every file (report.pdf, events.csv, events.json, users.json) present and unchanged, nothing added,
the packet digest — and who signed it. Needs no Zoho connection and no cache.

A signer is trusted when its key is this installation's own or on the trust list of this home
folder (timeline-auditor trust add FINGERPRINT --name "…"). Any other key is reported as unknown:
anyone can make a packet that is intact under a key of their own.

Options:
  --public-key KEY   Trust exactly this key for this one check (instead of the trust list): a PEM
                     file, PEM text, or its 64-character SHA-256 fingerprint. A packet signed by
                     another key is not intact.
  --json             Print the result (with its verdict) as JSON.

Exit code: 0 intact and signed by a trusted signer; 3 intact but the signer is unknown (compare its
fingerprint with the one the author gave you); 1 not intact; 2 usage error.`;

/** "Ada Lovelace <ada@example.com>, organisation 20071234567 (EU), installation 1b2c… on laptop-7". */
export function describeSigner(signer: PacketSignerView): string {
  const user = signer.zohoUser === null ? 'no Zoho user' : [signer.zohoUser.name, signer.zohoUser.email === null ? null : `<${signer.zohoUser.email}>`].filter((part) => part !== null).join(' ') || 'no Zoho user';
  const organisation = `organisation ${signer.organisation.orgId ?? 'unknown'}${signer.organisation.dataCentre === null ? '' : ` (${signer.organisation.dataCentre})`}`;
  return `${user}, ${organisation}, installation ${signer.installation.id}${signer.installation.hostname === '' ? '' : ` on ${signer.installation.hostname}`}`;
}

function resultLine(result: VerifyResult): string[] {
  const verdict = result.verdict;
  switch (verdict.kind) {
    case 'trusted':
      return [`Result: INTACT, SIGNED BY A TRUSTED SIGNER: ${verdict.signerName}. Every file matches the signed manifest and the signature is valid.`];
    case 'signer-unknown':
      return [
        'Result: INTACT BUT SIGNER UNKNOWN. Every file matches the manifest, but it was signed by a key this installation does not trust —',
        `fingerprint ${verdict.fingerprint}.`,
        'Compare it with the one the author gave you. Anyone can make a packet like this with a key of their own: do not rely on it until the fingerprints match;',
        `then \`timeline-auditor trust add ${verdict.fingerprint} --name "…"\` (or --public-key for one check).`,
      ];
    case 'not-intact':
      return [`Result: NOT INTACT. ${verdict.file} ${verdict.problem}`, 'Do not rely on this packet; ask its author for a fresh copy.'];
    default: {
      const unhandled: never = verdict;
      throw new Error(`Unhandled verdict ${JSON.stringify(unhandled)}`);
    }
  }
}

export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: 'Check that an audit packet is intact and who signed it',
  usage: USAGE,
  async run(argv, context) {
    const parsed = parseCommandArgs({ args: argv, allowPositionals: true, strict: true, options: { 'public-key': { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
    if (parsed.values.help === true) {
      context.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const [packetPath, ...extra] = parsed.positionals;
    if (packetPath === undefined) throw usageError('Name the packet to check, for example: timeline-auditor verify audit-packet.zip');
    if (extra.length > 0) throw usageError(`Only one packet at a time; unexpected: ${extra.join(' ')}`);
    if (!existsSync(packetPath)) {
      throw new AuditorError('VERIFY_NOT_FOUND', `There is no file at ${packetPath}.`, { hint: 'Check the path and file name of the packet (.zip).' });
    }
    const keyOption = parsed.values['public-key'];
    const pinned = keyOption === undefined ? undefined : existsSync(keyOption) ? readFileSync(keyOption, 'utf8') : keyOption;
    // Pinned: that key alone decides, for this check. Otherwise the home folder's trust list.
    const trustedKeys = pinned === undefined ? await trustListFor(context).list() : [];
    let result: VerifyResult;
    try {
      result = await verifyPacket(packetPath, pinned === undefined ? { trustedKeys } : { pinnedPublicKey: pinned });
    } catch (error) {
      if (error instanceof AuditorError && error.code === 'VERIFY_BAD_PINNED_KEY') throw usageError(`${error.message} ${error.hint ?? ''}`.trim());
      throw error;
    }
    const exitCode = verdictExitCode(result.verdict);
    const signer = result.signer;
    if (parsed.values.json === true) {
      const { manifest, ...rest } = result;
      context.stdout.write(`${JSON.stringify({ ...rest, createdAt: manifest?.createdAt ?? null, completeness: statedCompleteness(manifest), exitCode }, null, 2)}\n`);
      return exitCode;
    }
    const lines = [`Packet: ${packetPath}`];
    if (result.signerFingerprint !== null) lines.push(`Signing key fingerprint (SHA-256): ${result.signerFingerprint}`);
    if (signer !== null) lines.push(`Signed by (as the manifest states): ${describeSigner(signer)}`);
    if (result.manifest !== null)
      lines.push(`Made by ${result.manifest.scope.generatedBy} at ${result.manifest.createdAt} with ${result.manifest.generator.productName} ${result.manifest.generator.version}; packet digest ${result.manifest.packetDigest.value}`);
    lines.push('');
    for (const file of result.files) lines.push(`  ${file.ok ? 'OK     ' : 'PROBLEM'}  ${file.name}${file.problem === undefined ? '' : ` — ${file.problem}`}`);
    // What the signed manifest states about completeness — worth reading only when the packet is intact.
    if (result.verdict.kind !== 'not-intact') lines.push('', 'The signed manifest states:', ...completenessLines(statedCompleteness(result.manifest)).map((line) => `  ${line}`));
    if (result.review !== null) lines.push('', ...reviewLines(result.review));
    lines.push('', ...resultLine(result));
    context.stdout.write(`${lines.map(printable).join('\n')}\n`);
    return exitCode;
  },
};
