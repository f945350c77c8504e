import { parseArgs } from 'node:util';
import { describeStatus, statusAsJson } from '../../auth/status-text.js';
import { AuditorError } from '../../core/errors.js';
import type { CliCommand } from '../types.js';

const USAGE = 'timeline-auditor status [--json]\n  Shows whether Timeline Auditor is connected to Zoho, as whom, and until when. No passphrase needed.';

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'Show the Zoho connection (connected, broken or disconnected)',
  usage: USAGE,
  async run(argv, context) {
    let json: boolean;
    try {
      json = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } }, strict: true }).values.json === true;
    } catch (error) {
      throw new AuditorError('CLI_USAGE', error instanceof Error ? error.message : String(error), { hint: `Usage: ${USAGE}` });
    }
    const status = (await context.core()).auth.status();
    if (json) context.stdout.write(`${JSON.stringify(statusAsJson(status), null, 2)}\n`);
    else context.stdout.write(`${describeStatus(status).join('\n')}\n`);
    return 0;
  },
};
