import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TrustedSignerView } from '../../../preload/contract.js';
import { AuditorError } from '../../core/errors.js';
import { createNodeCipher } from '../../auth/node-vault.js';
import { FileSigningKeyStore, readSigningIdentity, type SigningIdentity } from '../../export/signing-key-store.js';
import { TrustList } from '../../export/trust-list.js';
import { printable } from '../printable.js';
import type { CliCommand, CliContext } from '../types.js';
import { parseCommandArgs, usageError } from '../args.js';

const USAGE = `timeline-auditor trust <add|list|remove> …

  trust add FINGERPRINT --name "NAME"   Trust packets signed by this key; verify then names NAME.
  trust list [--json]                   The trusted signers: this installation's own key, then those added.
  trust remove FINGERPRINT              Stop trusting a key you added.

FINGERPRINT is the SHA-256 fingerprint of the author's public key, as they read it to you from their
Exports screen or \`timeline-auditor verify\` (64 hex characters; colons, spaces and "sha256:" are fine).
Get it from the author over a channel you trust — never from the packet itself.
The list is kept in this home folder (trusted-signers.json) and shared with the desktop app.`;

/**
 * The home folder's trust list. Its own key is read from signing-identity.json; a home whose key
 * predates that file gets it written now, when the key can be opened (TIMELINE_AUDITOR_PASSPHRASE
 * set) — never is a key made here.
 */
export function trustListFor(context: Pick<CliContext, 'home' | 'env'>): TrustList {
  const ownIdentity = async (): Promise<SigningIdentity | null> => {
    const recorded = await readSigningIdentity(context.home);
    if (recorded !== null || !['signing-key.pem.enc', 'signing-key.pem'].some((name) => existsSync(join(context.home, name)))) return recorded;
    try {
      return await new FileSigningKeyStore(context.home, createNodeCipher(context.home, context.env, { requirePassphrase: false })).identity();
    } catch {
      return null; // no passphrase, or the key cannot be opened: its packets stay "signer unknown" here
    }
  };
  return new TrustList({ directory: context.home, ownIdentity });
}

/** Bad input is a usage error (exit 2): the command was written wrongly, nothing was looked up. */
async function asUsage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AuditorError && (error.code === 'TRUST_BAD_FINGERPRINT' || error.code === 'TRUST_NAME_MISSING' || error.code === 'TRUST_NAME_TOO_LONG' || error.code === 'TRUST_NAME_INVALID')) {
      throw new AuditorError('CLI_USAGE', error.message, error.hint === undefined ? {} : { hint: error.hint });
    }
    throw error;
  }
}

function describe(signer: TrustedSignerView): string {
  return signer.kind === 'own' ? `${signer.fingerprint}  ${signer.name} (this home folder's own key, always trusted)` : `${signer.fingerprint}  ${signer.name} (added ${signer.addedAt})`;
}

export const trustCommand: CliCommand = {
  name: 'trust',
  summary: 'Manage the signers whose packets verify trusts (add, list, remove)',
  usage: USAGE,
  async run(argv, context) {
    const parsed = parseCommandArgs({ args: argv, allowPositionals: true, strict: true, options: { name: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
    if (parsed.values.help === true) {
      context.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const [action, ...rest] = parsed.positionals;
    const list = trustListFor(context);
    switch (action) {
      case 'add': {
        const [fingerprint, ...extra] = rest;
        if (fingerprint === undefined) throw usageError('Name the key to trust: timeline-auditor trust add FINGERPRINT --name "NAME"');
        if (extra.length > 0) throw usageError(`One key at a time; unexpected: ${extra.join(' ')} (quote a name with spaces).`);
        if (parsed.values.name === undefined) throw usageError('Give the signer a name with --name "NAME", so verify can say who signed.');
        const name = parsed.values.name;
        const added = await asUsage(() => list.add(fingerprint, name));
        context.stdout.write(`${printable(`Trusted: ${describe(added)}`)}\n${printable(`Packets signed with this key now verify as signed by "${added.name}".`)}\n`);
        return 0;
      }
      case 'remove': {
        const [fingerprint, ...extra] = rest;
        if (fingerprint === undefined) throw usageError('Name the key to remove: timeline-auditor trust remove FINGERPRINT');
        if (extra.length > 0) throw usageError(`One key at a time; unexpected: ${extra.join(' ')}`);
        const removed = await asUsage(() => list.remove(fingerprint));
        context.stdout.write(`${printable(`No longer trusted: ${removed.fingerprint} (${removed.name}).`)}\n`);
        return 0;
      }
      case 'list': {
        if (rest.length > 0) throw usageError(`trust list takes no arguments; unexpected: ${rest.join(' ')}`);
        const signers = await list.list();
        if (parsed.values.json === true) {
          context.stdout.write(`${JSON.stringify(signers, null, 2)}\n`);
          return 0;
        }
        const lines = ['Trusted signers (SHA-256 key fingerprint, name):'];
        if (!signers.some((signer) => signer.kind === 'own')) {
          const hasKey = ['signing-key.pem.enc', 'signing-key.pem'].some((name) => existsSync(join(context.home, name)));
          lines.push(
            hasKey
              ? '  (this home folder’s own key could not be opened to record its fingerprint: set TIMELINE_AUDITOR_PASSPHRASE, or open the app’s Exports screen once)'
              : "  (this home folder has no signing key yet: it is made with the first packet or when the app's Exports screen opens)",
          );
        }
        for (const signer of signers) lines.push(`  ${describe(signer)}`);
        if (signers.every((signer) => signer.kind === 'own')) lines.push('  No other signers added: `timeline-auditor trust add FINGERPRINT --name "NAME"`.');
        context.stdout.write(`${lines.map(printable).join('\n')}\n`);
        return 0;
      }
      case undefined:
        throw usageError('Say what to do: trust add, trust list or trust remove.');
      default:
        throw usageError(`Unknown trust action "${action}": use add, list or remove.`);
    }
  },
};
