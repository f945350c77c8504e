import { describeStatus, statusAsJson } from '../../auth/status-text.js';
import type { CliCommand } from '../types.js';
import { parseCommandArgs } from '../args.js';

const USAGE = 'timeline-auditor status [--json]\n  Shows whether Timeline Auditor is connected to Zoho, as whom, and until when. No passphrase needed.';

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'Show the Zoho connection (connected, broken or disconnected)',
  usage: USAGE,
  async run(argv, context) {
    const json = parseCommandArgs({ args: argv, options: { json: { type: 'boolean', default: false } }, strict: true }).values.json === true;
    const status = (await context.core()).auth.status();
    if (json) context.stdout.write(`${JSON.stringify(statusAsJson(status), null, 2)}\n`);
    else context.stdout.write(`${describeStatus(status).join('\n')}\n`);
    return 0;
  },
};
