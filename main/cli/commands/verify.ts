import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AuditorError } from '../../core/errors.js';
import { verifyPacket } from '../../export/verify.js';
import type { CliCommand } from '../types.js';

const USAGE = `timeline-auditor verify PACKET.zip [--public-key KEY]

Checks that an audit packet is exactly as its author signed it: the signature on manifest.json,
and that every file (report.pdf, events.csv, events.json, users.json) is present and unchanged,
with nothing added. Needs no Zoho connection and no app data.

Options:
  --public-key KEY   The author's public key you trust: a PEM file, PEM text, or its 64-character
                     SHA-256 fingerprint. Without it, the packet is checked against the key written
                     inside it (which proves it is intact, not who made it).
  --json             Print the result as JSON.

Exit code: 0 when the packet is intact, 1 when it is not, 2 for a usage error.`;

function usageError(message: string): AuditorError {
  return new AuditorError('CLI_USAGE', message, { hint: `Usage: ${USAGE.split('\n')[0]}` });
}

export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: 'Check that an audit packet is intact and signed',
  usage: USAGE,
  async run(argv, context) {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { 'public-key': { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
    } catch (error) {
      throw usageError(error instanceof Error ? error.message : String(error));
    }
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
    const result = await verifyPacket(packetPath, pinned === undefined ? {} : { pinnedPublicKey: pinned });
    if (parsed.values.json === true) {
      const { manifest: _manifest, ...rest } = result;
      context.stdout.write(`${JSON.stringify(rest, null, 2)}\n`);
      return result.ok ? 0 : 1;
    }
    const lines = [`Packet: ${packetPath}`];
    if (result.signerFingerprint !== null) lines.push(`Signing key fingerprint (SHA-256): ${result.signerFingerprint}${pinned === undefined ? '  (not pinned: compare it with the one the author gave you)' : ''}`);
    if (result.manifest !== null)
      lines.push(`Made by ${result.manifest.scope.generatedBy} at ${result.manifest.createdAt} with ${result.manifest.generator.productName} ${result.manifest.generator.version}; packet digest ${result.manifest.packetDigest.value}`);
    lines.push('');
    for (const file of result.files) lines.push(`  ${file.ok ? 'OK     ' : 'PROBLEM'}  ${file.name}${file.problem === undefined ? '' : ` — ${file.problem}`}`);
    lines.push('');
    if (result.ok) lines.push('Result: INTACT. Every file matches the signed manifest and the signature is valid.');
    else if (result.firstProblem !== null) lines.push(`Result: NOT INTACT. ${result.firstProblem.file} ${result.firstProblem.problem}`, 'Do not rely on this packet; ask its author for a fresh copy.');
    context.stdout.write(`${lines.join('\n')}\n`);
    return result.ok ? 0 : 1;
  },
};
