import { passphraseFromEnv } from '../../auth/aes-gcm-scrypt-cipher.js';
import type { CliCommand } from '../types.js';
import { parseCommandArgs } from '../args.js';

const USAGE = "timeline-auditor disconnect\n  Revokes the app's access at Zoho (best effort) and deletes the stored tokens.";

export const disconnectCommand: CliCommand = {
  name: 'disconnect',
  summary: 'Revoke Zoho access and delete the stored tokens',
  usage: USAGE,
  async run(argv, context) {
    parseCommandArgs({ args: argv, options: {}, strict: true });
    const service = (await context.core()).auth;
    // The refresh token must be decrypted to revoke it: ask for the passphrase rather than wipe an
    // unrevoked token. (A wrong passphrase still wipes, with a warning — that is the way out of it.)
    if (service.status().state !== 'disconnected') passphraseFromEnv(context.env);
    const result = await service.disconnect(context.signal);
    if (!result.wasConnected) {
      context.stdout.write('Not connected to Zoho; nothing to do.\n');
      return 0;
    }
    if (result.credentialsUnreadable !== undefined) {
      context.stderr.write(`Warning: the stored credentials could not be read (${result.credentialsUnreadable.message}), so Zoho access was not revoked.\n`);
      context.stderr.write('To be sure, remove Timeline Auditor under Sessions → Connected Apps in your Zoho account.\n');
    } else if (!result.revoked) {
      context.stderr.write(`Warning: Zoho access could not be revoked${result.revokeError === undefined ? '' : ` (${result.revokeError.message})`}.\n`);
      context.stderr.write('To be sure, remove Timeline Auditor under Sessions → Connected Apps in your Zoho account.\n');
    }
    context.stdout.write(`Disconnected from Zoho${result.revoked ? ' (access revoked)' : ''}; stored tokens deleted.\n`);
    return 0;
  },
};
