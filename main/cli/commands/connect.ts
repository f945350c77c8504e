import { passphraseFromEnv } from '../../auth/aes-gcm-scrypt-cipher.js';
import { isDataCentre, DATA_CENTRES } from '../../auth/data-centres.js';
import type { AccountsTarget } from '../../auth/data-centres.js';
import { openInDefaultBrowser } from '../../auth/platform-browser.js';
import { describeConnectedUser } from '../../auth/status-text.js';
import { DEFAULT_CALLBACK_PORT } from '../../auth/zoho-auth-service.js';
import { splitScopes } from '../../auth/zoho-accounts-api.js';
import type { CliCommand } from '../types.js';
import { parseCommandArgs, usageError } from '../args.js';

const USAGE = `timeline-auditor connect --client-id ID --client-secret SECRET (--dc ${DATA_CENTRES.join('|')} | --accounts-url URL)
                          [--port N] [--scope S1,S2] [--no-browser] [--timeout SECONDS]
  Signs in to Zoho in your browser and stores the tokens encrypted (needs TIMELINE_AUDITOR_PASSPHRASE).
  Register http://127.0.0.1:${DEFAULT_CALLBACK_PORT}/callback (or your --port) as redirect URI in Zoho's API console.
  The client secret may also come from TIMELINE_AUDITOR_CLIENT_SECRET (keeps it out of the process list).`;

export const connectCommand: CliCommand = {
  name: 'connect',
  summary: 'Sign in to Zoho CRM and store the tokens encrypted',
  usage: USAGE,
  async run(argv, context) {
    const { values } = parseCommandArgs({
      args: argv,
      options: {
        'client-id': { type: 'string' },
        'client-secret': { type: 'string' },
        dc: { type: 'string' },
        'accounts-url': { type: 'string' },
        port: { type: 'string' },
        scope: { type: 'string' },
        'no-browser': { type: 'boolean', default: false },
        timeout: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
    const clientId = values['client-id'];
    const clientSecret = values['client-secret'] ?? context.env['TIMELINE_AUDITOR_CLIENT_SECRET'];
    if (clientId === undefined || clientId === '') throw usageError('--client-id is required.');
    if (clientSecret === undefined || clientSecret === '') throw usageError('--client-secret is required.');

    let target: AccountsTarget;
    if (values.dc !== undefined && values['accounts-url'] !== undefined) throw usageError('Give either --dc or --accounts-url, not both.');
    if (values.dc !== undefined) {
      const dc = values.dc.toLowerCase();
      if (!isDataCentre(dc)) throw usageError(`Unknown data centre "${values.dc}"; use one of ${DATA_CENTRES.join(', ')}.`);
      target = { dataCentre: dc };
    } else if (values['accounts-url'] !== undefined) {
      target = { accountsUrl: values['accounts-url'] };
    } else {
      throw usageError('Say where your Zoho account lives: --dc (us, eu, in, …) or --accounts-url.');
    }

    const port = values.port === undefined ? DEFAULT_CALLBACK_PORT : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError(`--port must be a port number, not "${values.port}".`);
    const timeoutSec = values.timeout === undefined ? undefined : Number(values.timeout);
    if (timeoutSec !== undefined && !(timeoutSec > 0)) throw usageError(`--timeout must be a number of seconds, not "${values.timeout}".`);
    const scopes = values.scope === undefined ? undefined : splitScopes(values.scope);
    if (scopes !== undefined && scopes.length === 0) throw usageError('--scope must name at least one scope.');

    // Fails before any browser opens if the passphrase is missing.
    passphraseFromEnv(context.env);
    const service = (await context.core()).auth;
    const noBrowser = values['no-browser'] === true;
    const status = await service.connect({
      clientId,
      clientSecret,
      target,
      port,
      ...(scopes === undefined ? {} : { scopes }),
      ...(timeoutSec === undefined ? {} : { timeoutMs: timeoutSec * 1000 }),
      signal: context.signal,
      onAuthorizationUrl: (url) => {
        context.stderr.write(noBrowser ? 'Open this address in your browser to sign in to Zoho:\n' : 'Opening your browser to sign in to Zoho. If it does not open, visit:\n');
        // The URL alone on its own line, so scripts and people can copy it.
        context.stdout.write(`${url}\n`);
        context.stderr.write('Waiting for Zoho sign-in to finish…\n');
      },
      openBrowser: noBrowser ? () => undefined : (url) => openInDefaultBrowser(url),
    });
    context.stdout.write(`Connected to Zoho as ${describeConnectedUser(status)}.\n`);
    return 0;
  },
};
