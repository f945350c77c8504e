import { orgTimeZoneOf, type ConnectionStatus } from './zoho-auth-service.js';

/** Who is connected, in one line (CLI output). */
export function describeConnectedUser(status: ConnectionStatus): string {
  const who = status.user?.name ?? status.user?.email ?? 'an unknown Zoho user';
  const email = status.user?.email !== undefined && status.user.name !== undefined ? ` <${status.user.email}>` : '';
  const org = status.orgId === undefined ? 'organisation unknown' : `organisation ${status.orgId}`;
  const dc = status.dataCentre === undefined ? (status.accountsServer ?? 'unknown data centre') : `data centre ${status.dataCentre.toUpperCase()}`;
  return `${who}${email} (${org}, ${dc})`;
}

/** Plain-data status for --json and IPC: times as ISO strings. */
export function statusAsJson(status: ConnectionStatus): Record<string, unknown> {
  return {
    state: status.state,
    ...(status.brokenReason === undefined ? {} : { brokenReason: status.brokenReason }),
    user: status.user ?? null,
    orgId: status.orgId ?? null,
    orgTimeZone: status.state === 'disconnected' ? null : orgTimeZoneOf(status),
    dataCentre: status.dataCentre ?? null,
    accountsServer: status.accountsServer ?? null,
    apiDomain: status.apiDomain ?? null,
    expiresAt: status.expiresAt === undefined ? null : new Date(status.expiresAt).toISOString(),
    scopes: status.scopes,
    cipherKind: status.cipherKind,
  };
}

export function describeStatus(status: ConnectionStatus): string[] {
  const lines: string[] = [];
  if (status.state === 'disconnected') {
    lines.push('Not connected to Zoho. Run "timeline-auditor connect" to connect.');
  } else if (status.state === 'unreadable') {
    lines.push(`The stored Zoho connection cannot be read: ${status.unreadable?.message ?? 'its secrets do not decrypt here.'}`);
    lines.push(status.unreadable?.hint ?? 'Use the passphrase you connected with, or run "timeline-auditor disconnect" and connect again.');
  } else if (status.state === 'broken') {
    lines.push(`Connection BROKEN: ${status.brokenReason ?? 'the saved sign-in no longer works.'}`);
    lines.push(`Was connected as ${describeConnectedUser(status)}. Reconnect with "timeline-auditor connect".`);
  } else {
    lines.push(`Connected as ${describeConnectedUser(status)}.`);
    if (status.expiresAt !== undefined) lines.push(`Access token valid until ${new Date(status.expiresAt).toISOString()} (renewed automatically).`);
  }
  if (status.state !== 'disconnected') {
    lines.push(`Accounts server: ${status.accountsServer ?? '-'}; API domain: ${status.apiDomain ?? '-'}.`);
    lines.push(`Scopes: ${status.scopes.join(', ')}.`);
    const orgZone = orgTimeZoneOf(status);
    lines.push(orgZone.state === 'read' ? `Organisation's time zone: ${orgZone.zone} (read at sign-in).` : `Organisation's time zone: not known (${orgZone.reason}).`);
  }
  lines.push(`Secrets protected by: ${status.cipherKind}${status.cipherKind === 'safeStorage-basic_text' ? ' (WARNING: effectively unencrypted)' : ''}.`);
  return lines;
}
