import type { ConnectDefaults, ConnectInput, ConnectionStatusView, DisconnectResultView, UsePassphraseInput } from '../../preload/contract.js';
import type { PassphraseChoice } from '../core/cipher.js';
import type { EventHub } from '../core/event-hub.js';
import { AuditorError } from '../core/errors.js';
import type { KeyValueStore } from '../core/kv-store.js';
import { DemoWorkspace } from '../demo/demo-workspace.js';
import { DEMO_DISABLED_MESSAGE, NO_POLICY, type AdminPolicy } from '../policy/admin-policy.js';
import { ACCOUNTS_URL_BY_DATA_CENTRE, DATA_CENTRE_TABLE, DATA_CENTRES, type DataCentre } from './data-centres.js';
import { DEFAULT_CALLBACK_PORT, DEFAULT_SCOPES, orgTimeZoneOf, type ConnectionStatus, type ZohoAuthService } from './zoho-auth-service.js';

const LAST_FORM_KEY = 'connectForm';

export interface ConnectionShell {
  /** Hand a URL to the system browser (Electron: shell.openExternal behind the URL policy). */
  openExternal(url: string): Promise<void> | void;
  /** Let openExternal reach a non-https origin (the demo workspace's consent page on 127.0.0.1). */
  allowExternalOrigin(origin: string): void;
}

/**
 * The app's side of sign-in: one flow at a time, cancellable, status pushed to every window, and
 * the demo workspace connected through exactly the same loopback flow as a real Zoho org.
 */
export class ConnectionController {
  #inFlight: AbortController | undefined;

  constructor(
    private readonly auth: ZohoAuthService,
    private readonly demo: DemoWorkspace,
    private readonly events: EventHub,
    private readonly shell: ConnectionShell,
    private readonly preferences: KeyValueStore,
    private readonly passphraseChoice?: PassphraseChoice,
    /** The admin policy: its locked fields are the form's values, and connect refuses others. */
    private readonly policy: AdminPolicy = NO_POLICY,
    /** Told secrets typed here (the passphrase), so the log can scrub them. */
    private readonly onSecret: (value: string) => void = () => undefined,
  ) {}

  /** Linux without a keyring: secrets are protected with this passphrase; a stored connection must decrypt with it. */
  async usePassphrase(input: UsePassphraseInput): Promise<ConnectionStatusView> {
    if (this.passphraseChoice === undefined) {
      throw new AuditorError('VAULT_PASSPHRASE_NOT_OFFERED', 'Secrets here are already protected; no passphrase is needed.', {
        hint: 'Under the CLI or the browser host the passphrase comes from TIMELINE_AUDITOR_PASSPHRASE.',
      });
    }
    this.onSecret(input.passphrase);
    try {
      await this.passphraseChoice.usePassphrase(input.passphrase, () => this.auth.checkSecretsReadable());
    } catch (error) {
      // The cipher's own words name TIMELINE_AUDITOR_PASSPHRASE (the CLI's remedy); here the person typed it.
      if (error instanceof AuditorError && error.code === 'VAULT_DECRYPT_FAILED') {
        throw new AuditorError('VAULT_PASSPHRASE_MISMATCH', 'This passphrase does not match the one the stored Zoho connection was protected with.', {
          hint: 'Type the passphrase you chose when you connected (capitals and spaces count).',
          cause: error,
        });
      }
      throw error;
    }
    const status = await this.status();
    this.events.emit('auth:status-changed', status);
    return status;
  }

  /** Checked: stored credentials that cannot be decrypted show as 'unreadable', never as connected. */
  async status(): Promise<ConnectionStatusView> {
    return toView(await this.auth.checkedStatus());
  }

  defaults(): ConnectDefaults {
    const last = this.preferences.get(LAST_FORM_KEY) as { clientId?: unknown; dataCentre?: unknown } | undefined;
    const lastDataCentre = typeof last?.dataCentre === 'string' && (DATA_CENTRES as readonly string[]).includes(last.dataCentre) ? (last.dataCentre as DataCentre) : null;
    const { policy } = this;
    return {
      port: policy.redirectPort ?? DEFAULT_CALLBACK_PORT,
      scopes: [...(policy.scopes ?? DEFAULT_SCOPES)],
      dataCentres: DATA_CENTRES.map((id) => ({ id, label: DATA_CENTRE_TABLE[id].label, accountsUrl: ACCOUNTS_URL_BY_DATA_CENTRE[id] })),
      lastClientId: policy.clientId ?? (typeof last?.clientId === 'string' ? last.clientId : null),
      lastDataCentre: policy.dataCentre ?? lastDataCentre,
      locked: { dataCentre: policy.dataCentre !== null, clientId: policy.clientId !== null, port: policy.redirectPort !== null, scopes: policy.scopes !== null },
      demoDisabledReason: policy.disableDemoWorkspace ? DEMO_DISABLED_MESSAGE : null,
    };
  }

  async connect(request: ConnectInput): Promise<ConnectionStatusView> {
    const input = this.#withPolicy(request);
    this.preferences.set(LAST_FORM_KEY, { clientId: input.clientId, dataCentre: input.dataCentre });
    return this.#run((signal) =>
      this.auth.connect({
        clientId: input.clientId,
        clientSecret: input.clientSecret,
        target: { dataCentre: input.dataCentre },
        port: input.port,
        ...(input.scopes === undefined ? {} : { scopes: input.scopes }),
        openBrowser: (url) => this.shell.openExternal(url),
        onAuthorizationUrl: (url) => this.events.emit('auth:authorization-url', { url }),
        signal,
      }),
    );
  }

  /** The request with the policy's locked values; a request that asks for another value of a locked field is refused. */
  #withPolicy(input: ConnectInput): ConnectInput {
    const { policy } = this;
    const refuse = (what: string, locked: string): never => {
      throw new AuditorError('POLICY_LOCKED', `The ${what} is set by your administrator (${locked}) and cannot be changed here.`, { hint: `Connect with ${locked}, or ask your administrator to change the policy (docs/admin.md).` });
    };
    if (policy.dataCentre !== null && input.dataCentre !== policy.dataCentre) refuse('data centre', policy.dataCentre);
    if (policy.clientId !== null && input.clientId.trim() !== policy.clientId) refuse('client ID', policy.clientId);
    if (policy.redirectPort !== null && input.port !== policy.redirectPort) refuse('redirect port', String(policy.redirectPort));
    if (policy.scopes !== null && input.scopes !== undefined && [...input.scopes].sort().join(',') !== [...policy.scopes].sort().join(',')) refuse('list of scopes', policy.scopes.join(', '));
    return policy.scopes === null ? input : { ...input, scopes: [...policy.scopes] };
  }

  async connectDemo(): Promise<ConnectionStatusView> {
    if (this.policy.disableDemoWorkspace) throw new AuditorError('DEMO_DISABLED_BY_POLICY', DEMO_DISABLED_MESSAGE, { hint: 'Connect to your organisation’s Zoho CRM instead.' });
    return this.#run(async (signal) => {
      const sandbox = await this.demo.start();
      this.shell.allowExternalOrigin(sandbox.url);
      return this.auth.connect({
        clientId: this.demo.client.clientId,
        clientSecret: this.demo.client.clientSecret,
        target: { accountsUrl: sandbox.url },
        // The demo client accepts any loopback port, so a busy default port cannot get in the way.
        port: 0,
        openBrowser: (url) => this.shell.openExternal(url),
        onAuthorizationUrl: (url) => this.events.emit('auth:authorization-url', { url }),
        signal,
      });
    });
  }

  cancel(): { cancelled: boolean } {
    if (this.#inFlight === undefined) return { cancelled: false };
    this.#inFlight.abort(new AuditorError('AUTH_CANCELLED', 'Sign-in was cancelled.'));
    return { cancelled: true };
  }

  async disconnect(): Promise<DisconnectResultView> {
    const result = await this.auth.disconnect();
    return { wasConnected: result.wasConnected, revoked: result.revoked, revokeError: result.revokeError?.message ?? null, credentialsUnreadable: result.credentialsUnreadable?.message ?? null };
  }

  async #run(flow: (signal: AbortSignal) => Promise<ConnectionStatus>): Promise<ConnectionStatusView> {
    if (this.#inFlight !== undefined) {
      throw new AuditorError('AUTH_IN_PROGRESS', 'A sign-in is already waiting for the browser.', {
        hint: 'Finish it in the browser, or press Cancel and start again.',
      });
    }
    const controller = new AbortController();
    this.#inFlight = controller;
    try {
      const status = await flow(controller.signal);
      return toView(status);
    } finally {
      this.#inFlight = undefined;
    }
  }
}

export function toView(status: ConnectionStatus): ConnectionStatusView {
  return {
    state: status.state,
    brokenReason: status.brokenReason ?? null,
    unreadableReason: status.unreadable?.message ?? null,
    user: status.user === undefined ? null : { id: status.user.id ?? null, name: status.user.name ?? null, email: status.user.email ?? null },
    orgId: status.orgId ?? null,
    orgTimeZone: status.state === 'disconnected' ? null : orgTimeZoneOf(status),
    dataCentre: status.dataCentre ?? null,
    accountsServer: status.accountsServer ?? null,
    apiDomain: status.apiDomain ?? null,
    expiresAt: status.expiresAt ?? null,
    scopes: status.scopes,
    cipherKind: status.cipherKind,
    demo: DemoWorkspace.isDemoServer(status.accountsServer),
  };
}
