import { AuditorError } from '../../core/errors.js';
import { DEMO_CLIENT, LARGE_RECORD, LARGE_RECORD_EVENTS, SAMPLE_RECORD, startSandbox } from '../../sandbox/index.js';
import type { SandboxOptions } from '../../sandbox/index.js';
import type { CliCommand } from '../types.js';
import { parseCommandArgs, usageError } from '../args.js';

const USAGE = [
  'timeline-auditor sandbox [--port N] [--latency MS] [--concurrency N] [--seed N]',
  '  Starts the built-in Zoho-compatible sandbox (accounts server and CRM API on one address) and runs',
  '  until Ctrl-C. Sign in with the demo client it prints, or use the printed access token directly.',
].join('\n');

function wholeNumber(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw usageError(`--${name} must be a whole number from ${min} to ${max} (got "${raw}").`);
  }
  return Number(raw);
}

export const sandboxCommand: CliCommand = {
  name: 'sandbox',
  summary: 'Run the built-in Zoho-compatible sandbox server (for the demo and for testing)',
  usage: USAGE,
  async run(argv, context) {
    const values: { port?: string; latency?: string; concurrency?: string; seed?: string } = parseCommandArgs({
      args: argv,
      options: { port: { type: 'string' }, latency: { type: 'string' }, concurrency: { type: 'string' }, seed: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }).values;
    const options: SandboxOptions = {};
    const port = wholeNumber('port', values.port, 0, 65535);
    const latency = wholeNumber('latency', values.latency, 0, 600_000);
    const concurrency = wholeNumber('concurrency', values.concurrency, 1, 10_000);
    const seed = wholeNumber('seed', values.seed, 0, 2 ** 32 - 1);
    if (port !== undefined) options.port = port;
    if (latency !== undefined) options.latencyMs = latency;
    if (concurrency !== undefined) options.concurrencyLimit = concurrency;
    if (seed !== undefined) options.seed = seed;

    let sandbox;
    try {
      sandbox = await startSandbox(options);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new AuditorError('SANDBOX_START_FAILED', `The sandbox could not start: ${error instanceof Error ? error.message : String(error)}`, {
        hint: code === 'EADDRINUSE' ? 'That port is taken; choose another with --port, or leave it out to use a free one.' : 'Check the options and try again.',
        cause: error,
      });
    }
    const { accessToken } = sandbox.mintAccessToken();
    // Counted from the data, not written down: a plain timeline read returns the entries without signals.
    const largeTimeline = sandbox.groundTruth(LARGE_RECORD.module, LARGE_RECORD.id, { includeInnerDetails: false }).length;
    const count = new Intl.NumberFormat('en-US');
    context.stdout.write(
      [
        `Zoho sandbox running at ${sandbox.url}  (accounts server and api_domain)`,
        `  demo client id:     ${DEMO_CLIENT.clientId}`,
        `  demo client secret: ${DEMO_CLIENT.clientSecret}`,
        `  redirect URI:       http://127.0.0.1:<any port>/callback`,
        `  access token (1 h): ${accessToken}`,
        `  sample record:      ${SAMPLE_RECORD.module}/${SAMPLE_RECORD.id}`,
        `  large record:       ${LARGE_RECORD.module}/${LARGE_RECORD.id} (${count.format(largeTimeline)} timeline events; ${count.format(LARGE_RECORD_EVENTS)} with the ${count.format(LARGE_RECORD_EVENTS - largeTimeline)} signals of include_timeline_type=signals)`,
        'Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );
    await new Promise<void>((resolve) => {
      if (context.signal.aborted) resolve();
      else context.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await sandbox.close();
    context.stdout.write('Sandbox stopped.\n');
    return 0;
  },
};
