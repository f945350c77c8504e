import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import {
  Alert,
  AlertTitle,
  Box,
  Button,
  Card,
  CardContent,
  Chip,
  CircularProgress,
  Collapse,
  Divider,
  FormControlLabel,
  InputAdornment,
  Link,
  MenuItem,
  Stack,
  Switch,
  Table,
  TableBody,
  TableCell,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import LockOutlined from '@mui/icons-material/LockOutlined';
import CheckCircleOutline from '@mui/icons-material/CheckCircleOutlineOutlined';
import LockResetOutlined from '@mui/icons-material/LockResetOutlined';
import ScienceOutlined from '@mui/icons-material/ScienceOutlined';
import type { ConnectDefaults, ConnectionStatusView, DataCentreId, DemoStatus, DisconnectResultView } from '../../preload/contract';
import { NextStep } from '../components/NextStep';
import { ScreenHeader } from '../components/ScreenHeader';
import { formatInstant } from '../components/time';
import { useTimeZone } from '../settings/SettingsContext';
import { call, IpcCallError, subscribe, useRequest } from '../ipc/client';
import { useConnectionStatus } from './useConnectionStatus';

interface Problem {
  message: string;
  hint: string | undefined;
}

/** What Disconnect did, in words, and how it should look: only a clean revoke is a plain success. */
export interface Notice {
  severity: 'success' | 'warning';
  title: string | null;
  text: string;
}

function disconnectNotice(result: DisconnectResultView): Notice {
  if (result.credentialsUnreadable !== null) {
    return {
      severity: 'warning',
      title: 'Stored credentials removed — Zoho access was not revoked',
      text: `The stored credentials could not be read (${result.credentialsUnreadable.replace(/\.$/, '')}), so Zoho could not be told to revoke the app's access. They were erased from this computer. To be sure, remove Timeline Auditor under Connected Apps in your Zoho account, then connect again.`,
    };
  }
  if (!result.wasConnected) return { severity: 'success', title: null, text: 'Not connected to Zoho; there was nothing to remove.' };
  if (result.revoked) return { severity: 'success', title: null, text: 'Disconnected. Zoho revoked the app’s access and the stored credentials were erased.' };
  return {
    severity: 'warning',
    title: 'Disconnected — Zoho access was not revoked',
    text: `The stored credentials were erased, but Zoho could not be told to revoke access${result.revokeError === null ? '' : ` (${result.revokeError})`}. You can revoke it under Connected Apps in your Zoho account.`,
  };
}

async function disconnectNow(): Promise<Notice> {
  return disconnectNotice(await call('auth:disconnect', {}));
}

function problemOf(error: unknown): Problem {
  if (error instanceof IpcCallError) return { message: error.message, hint: error.hint };
  return { message: error instanceof Error ? error.message : String(error), hint: undefined };
}

function ProblemAlert({ problem, title }: { problem: Problem; title: string }) {
  return (
    <Alert severity="error" sx={{ mb: 2 }} role="alert">
      <AlertTitle>{title}</AlertTitle>
      {problem.message}
      {problem.hint !== undefined && (
        <Typography variant="body2" sx={{ mt: 0.5 }}>
          <strong>What to do:</strong> {problem.hint}
        </Typography>
      )}
    </Alert>
  );
}

function formatExpiry(expiresAt: number | null, zone: string): string {
  if (expiresAt === null) return '—';
  const minutes = Math.round((expiresAt - Date.now()) / 60_000);
  const when = formatInstant(expiresAt, zone);
  return minutes > 0 ? `${when} (in ${minutes} min; renewed automatically)` : `${when} (renewed automatically before the next request)`;
}

const CIPHER_LABELS: Record<ConnectionStatusView['cipherKind'], string> = {
  safeStorage: "Encrypted with this computer's secure storage",
  'safeStorage-basic_text': 'Not stored: no system keyring was found, and no passphrase has been chosen yet',
  'aes-256-gcm-scrypt': 'Encrypted (AES-256-GCM, key from your passphrase)',
};

/** A card's action: busy while it runs, its earlier problem cleared, a failure shown as the card's problem. */
function useCardAction(): { busy: boolean; problem: Problem | null; run: (work: () => Promise<void>) => Promise<void> } {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const run = async (work: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setProblem(null);
    try {
      await work();
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };
  return { busy, problem, run };
}

function ConnectedCard({ status, onDisconnected }: { status: ConnectionStatusView; onDisconnected: (notice: Notice) => void }) {
  const { busy, problem, run } = useCardAction();
  const zone = useTimeZone();
  const dataCentre = status.dataCentre?.toUpperCase() ?? '—';
  const rows: Array<[string, string]> = [
    ['User', [status.user?.name, status.user?.email].filter((part) => part !== null && part !== undefined).join(' · ') || '—'],
    ['Organisation ID', status.orgId ?? '—'],
    ['Data centre', status.demo ? 'Demo workspace (on this computer)' : dataCentre],
    ['API domain', status.apiDomain ?? '—'],
    ['Access token expires', formatExpiry(status.expiresAt, zone)],
    ['Permissions', status.scopes.join(', ')],
    ['Stored credentials', CIPHER_LABELS[status.cipherKind]],
  ];
  const disconnect = async (): Promise<void> => {
    await run(async () => {
      onDisconnected(await disconnectNow());
    });
  };
  return (
    <Card variant="outlined" data-testid="connected-card">
      <CardContent>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 2 }}>
          <CheckCircleOutline color="success" />
          <Typography variant="h6" component="h3">
            Connected
          </Typography>
          {status.demo && <Chip size="small" color="secondary" icon={<ScienceOutlined />} label="Demo workspace" />}
        </Stack>
        {problem !== null && <ProblemAlert problem={problem} title="Could not disconnect" />}
        <Table size="small" aria-label="Connection details">
          <TableBody>
            {rows.map(([label, value]) => (
              <TableRow key={label}>
                <TableCell component="th" scope="row" sx={{ width: 210, color: 'text.secondary' }}>
                  {label}
                </TableCell>
                <TableCell>{value}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        <Stack direction="row" spacing={3} sx={{ mt: 2, alignItems: 'center' }}>
          <Button variant="outlined" color="error" disabled={busy} onClick={() => void disconnect()}>
            Disconnect
          </Button>
          {status.demo && <DemoServerSwitch />}
        </Stack>
      </CardContent>
    </Card>
  );
}

/**
 * A connection is stored but its secrets do not decrypt here: a home folder made with another
 * passphrase (browser mode, CLI) or another keyring. Nothing can be fetched until the person starts
 * with the passphrase used then, or removes the credentials and connects again.
 */
function UnreadableCredentialsCard({ status, onRemoved }: { status: ConnectionStatusView; onRemoved: (notice: Notice) => void }) {
  const { busy, problem, run } = useCardAction();
  const who = [status.user?.name, status.user?.email].filter((part) => part !== null && part !== undefined).join(' · ');
  const remedy =
    status.cipherKind === 'aes-256-gcm-scrypt'
      ? 'Close Timeline Auditor and start it again with the passphrase you used when you connected (TIMELINE_AUDITOR_PASSPHRASE), or remove the stored credentials and connect again.'
      : 'Start Timeline Auditor under the same user account and keyring as when you connected, or remove the stored credentials and connect again.';
  const remove = async (): Promise<void> => {
    await run(async () => {
      onRemoved(await disconnectNow());
    });
  };
  return (
    <Alert severity="error" icon={<LockResetOutlined />} sx={{ mb: 2 }} data-testid="unreadable-credentials">
      <AlertTitle>The stored Zoho credentials cannot be read</AlertTitle>
      <Typography variant="body2">
        A connection{who === '' ? '' : ` (${who})`} is saved on this computer, but its credentials cannot be decrypted here: they were stored under another passphrase or keyring. Nothing can be fetched from Zoho with it; your cached timelines are
        kept.
      </Typography>
      <Typography variant="body2" sx={{ mt: 0.5 }}>
        <strong>What to do:</strong> {remedy}
      </Typography>
      {problem !== null && (
        <Typography variant="body2" sx={{ mt: 0.5 }} role="alert">
          Could not remove them: {problem.message}
        </Typography>
      )}
      <Button variant="outlined" color="inherit" size="small" sx={{ mt: 1 }} disabled={busy} onClick={() => void remove()}>
        Remove stored credentials
      </Button>
    </Alert>
  );
}

/**
 * Linux without a system keyring: Electron's safeStorage would fall back to a built-in key (anyone who
 * can read the files could read the tokens), so nothing is stored until a passphrase protects it.
 */
function PassphraseCard({ hasConnection, onChosen, onRemoved }: { hasConnection: boolean; onChosen: (status: ConnectionStatusView) => void; onRemoved: (notice: Notice) => void }) {
  const [passphrase, setPassphrase] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const { busy, problem, run } = useCardAction();
  const tooShort = passphrase.length > 0 && passphrase.length < 8;
  // A stored connection is checked against the passphrase itself; a new one is typed twice.
  const mismatch = !hasConnection && confirmation.length > 0 && confirmation !== passphrase;
  const ready = passphrase.length >= 8 && (hasConnection || confirmation === passphrase);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    await run(async () => {
      onChosen(await call('auth:use-passphrase', { passphrase }));
    });
  };
  // A lost passphrase must not be a dead end: the stored connection can be removed (it cannot be revoked unread) and made again.
  const remove = async (): Promise<void> => {
    await run(async () => {
      onRemoved(await disconnectNow());
    });
  };
  return (
    <Card variant="outlined" sx={{ borderColor: 'warning.main' }} data-testid="passphrase-card">
      <CardContent component="form" onSubmit={(event: FormEvent) => void submit(event)}>
        <Typography variant="h6" component="h3" sx={{ mb: 1 }}>
          {hasConnection ? 'Enter your passphrase to use the Zoho connection' : 'Protect your Zoho sign-in with a passphrase'}
        </Typography>
        <Typography variant="body2" sx={{ mb: 1 }}>
          This computer has no system keyring (GNOME Keyring or KWallet), so secure storage falls back to its <code>basic_text</code> backend: it would keep the Zoho tokens and the packet signing key under a built-in key that anyone who can read your
          files could undo. Timeline Auditor does not store them that way.
        </Typography>
        {hasConnection ? (
          <Typography variant="body2" sx={{ mb: 2 }}>
            The Zoho connection saved here is encrypted with AES-256-GCM under a key derived from the passphrase you chose (as the command-line tool does). The passphrase is never stored, so you type it each time Timeline Auditor starts. If it is
            lost, remove the stored connection and connect to Zoho again; your cached timelines are kept.
          </Typography>
        ) : (
          <Typography variant="body2" sx={{ mb: 2 }}>
            Choose a passphrase instead: the secrets are encrypted with AES-256-GCM under a key derived from it (as the command-line tool does). It is never stored, so you type it each time Timeline Auditor starts — and if you lose it you connect to
            Zoho again. Alternatively install and unlock a keyring, then restart.
          </Typography>
        )}
        {problem !== null && <ProblemAlert problem={problem} title="The passphrase was not accepted" />}
        {/* spacing 1: each field keeps a line for its helper text */}
        <Stack spacing={1} sx={{ maxWidth: 420 }}>
          <TextField
            label="Passphrase"
            type="password"
            autoComplete={hasConnection ? 'current-password' : 'new-password'}
            value={passphrase}
            onChange={(event) => setPassphrase(event.target.value)}
            error={tooShort}
            helperText={tooShort ? 'Use at least 8 characters.' : ' '}
            slotProps={{ htmlInput: { 'data-testid': 'passphrase-input' } }}
          />
          {!hasConnection && (
            <TextField label="Passphrase again" type="password" autoComplete="new-password" value={confirmation} onChange={(event) => setConfirmation(event.target.value)} error={mismatch} helperText={mismatch ? 'The two passphrases differ.' : ' '} />
          )}
          <Stack direction="row" spacing={2} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
            <Button type="submit" variant="contained" disabled={busy || !ready}>
              {hasConnection ? 'Unlock' : 'Protect with this passphrase'}
            </Button>
            {hasConnection && (
              <Button variant="outlined" color="inherit" disabled={busy} onClick={() => void remove()}>
                Remove stored connection
              </Button>
            )}
          </Stack>
        </Stack>
      </CardContent>
    </Card>
  );
}

/** The demo's server can be taken offline to see the app keep working from its cache. */
function DemoServerSwitch() {
  const [demo, setDemo] = useState<DemoStatus | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void call('demo:status', {}).then(setDemo);
  }, []);
  if (demo === null) return null;
  const toggle = async (online: boolean): Promise<void> => {
    setBusy(true);
    try {
      setDemo(await call('demo:set-online', { online }));
    } finally {
      setBusy(false);
    }
  };
  return <FormControlLabel control={<Switch checked={demo.online} disabled={busy} onChange={(event) => void toggle(event.target.checked)} />} label={demo.online ? 'Demo server online' : 'Demo server offline — the app works from its cache'} />;
}

function WaitingForBrowser({ url, onCancel }: { url: string | null; onCancel: () => void }) {
  return (
    <Alert severity="info" icon={<CircularProgress size={20} />} sx={{ mb: 2 }} data-testid="waiting-for-browser">
      <AlertTitle>Waiting for you to approve access in your browser…</AlertTitle>
      <Typography variant="body2" sx={{ mb: 1 }}>
        Sign in to Zoho in the browser window that opened and press Accept. This page continues by itself; it gives up after 5 minutes.
      </Typography>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        {url !== null && (
          <Link href={url} target="_blank" rel="noreferrer" data-testid="authorization-link">
            Open the sign-in page again
          </Link>
        )}
        <Button size="small" variant="outlined" onClick={onCancel}>
          Cancel
        </Button>
      </Stack>
    </Alert>
  );
}

const SET_BY_ADMINISTRATOR = 'Set by your administrator';

/** A field the admin policy sets: disabled, with a lock and the reason where its help text was. */
function lockedField(locked: boolean, helperText: string): { disabled: boolean; helperText: string; slotProps: { input?: { endAdornment: ReactNode } } } {
  if (!locked) return { disabled: false, helperText, slotProps: {} };
  return {
    disabled: true,
    helperText: SET_BY_ADMINISTRATOR,
    slotProps: {
      input: {
        endAdornment: (
          <InputAdornment position="end">
            <LockOutlined fontSize="small" titleAccess={SET_BY_ADMINISTRATOR} />
          </InputAdornment>
        ),
      },
    },
  };
}

function ConnectForm({ defaults, busy, onSubmit }: { defaults: ConnectDefaults; busy: boolean; onSubmit: (input: { dataCentre: DataCentreId; clientId: string; clientSecret: string; port: number; scopes: string[] }) => void }) {
  const [dataCentre, setDataCentre] = useState<DataCentreId>(defaults.lastDataCentre ?? 'us');
  const [clientId, setClientId] = useState(defaults.lastClientId ?? '');
  const [clientSecret, setClientSecret] = useState('');
  const [port, setPort] = useState(String(defaults.port));
  const [scopes, setScopes] = useState(defaults.scopes.join(', '));
  const [advanced, setAdvanced] = useState(false);
  const portNumber = Number(port);
  const portError = !Number.isInteger(portNumber) || portNumber < 1024 || portNumber > 65535 ? 'Use a port from 1024 to 65535.' : null;
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (portError !== null) return;
    onSubmit({ dataCentre, clientId, clientSecret, port: portNumber, scopes: scopes.split(/[\s,]+/).filter((scope) => scope !== '') });
  };
  return (
    <Card variant="outlined" component="form" onSubmit={submit} aria-label="Connect to Zoho CRM">
      <CardContent>
        <Typography variant="h6" component="h3" sx={{ mb: 0.5 }}>
          Connect your Zoho CRM
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          In Zoho&apos;s API console (api-console.zoho.com) add a <em>Server-based Application</em> with the redirect URI <code>http://127.0.0.1:{portError === null ? portNumber : '<port>'}/callback</code>, then paste its client ID and secret here.
          Timeline Auditor only reads; it never changes your CRM.
        </Typography>
        <Stack spacing={2} sx={{ maxWidth: 520 }}>
          <TextField
            select
            label="Data centre"
            value={dataCentre}
            onChange={(event) => setDataCentre(event.target.value as DataCentreId)}
            size="small"
            {...lockedField(defaults.locked.dataCentre, 'Where your Zoho account lives (the domain you sign in at).')}
          >
            {defaults.dataCentres.map((centre) => (
              <MenuItem key={centre.id} value={centre.id}>
                {centre.label}
              </MenuItem>
            ))}
          </TextField>
          <TextField label="Client ID" value={clientId} onChange={(event) => setClientId(event.target.value)} size="small" required autoComplete="off" {...lockedField(defaults.locked.clientId, ' ')} />
          <TextField label="Client secret" type="password" value={clientSecret} onChange={(event) => setClientSecret(event.target.value)} size="small" required autoComplete="off" helperText="Stored encrypted on this computer." />
          <TextField
            label="Redirect port"
            value={port}
            onChange={(event) => setPort(event.target.value)}
            size="small"
            error={portError !== null}
            {...lockedField(defaults.locked.port, portError ?? 'Must match the redirect URI registered in Zoho exactly.')}
            slotProps={{ htmlInput: { inputMode: 'numeric' }, ...lockedField(defaults.locked.port, '').slotProps }}
            sx={{ maxWidth: 200 }}
          />
          <Link component="button" type="button" variant="body2" onClick={() => setAdvanced((value) => !value)} sx={{ alignSelf: 'flex-start' }}>
            {advanced ? 'Hide permissions' : 'Permissions requested…'}
          </Link>
          <Collapse in={advanced}>
            <TextField
              label="Scopes"
              value={scopes}
              onChange={(event) => setScopes(event.target.value)}
              size="small"
              fullWidth
              multiline
              {...lockedField(defaults.locked.scopes, 'Read-only by default: records and timelines, module and field metadata, users, organisation.')}
            />
          </Collapse>
          <Box>
            <Button type="submit" variant="contained" disabled={busy || clientId.trim() === '' || clientSecret.trim() === '' || portError !== null}>
              Connect
            </Button>
          </Box>
        </Stack>
      </CardContent>
    </Card>
  );
}

export function ConnectScreen() {
  const [status, setStatus] = useConnectionStatus();
  const [defaults] = useRequest('auth:defaults', {});
  const [connecting, setConnecting] = useState<'zoho' | 'demo' | null>(null);
  const [authorizationUrl, setAuthorizationUrl] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);

  useEffect(() => subscribe('auth:authorization-url', ({ url }) => setAuthorizationUrl(url)), []);

  const run = async (kind: 'zoho' | 'demo', flow: () => Promise<ConnectionStatusView>): Promise<void> => {
    setConnecting(kind);
    setAuthorizationUrl(null);
    setProblem(null);
    setNotice(null);
    try {
      setStatus(await flow());
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setConnecting(null);
    }
  };

  const connected = status?.state === 'connected';
  return (
    <Box sx={{ p: 3, maxWidth: 900 }}>
      <ScreenHeader title="Connect" subtitle="Sign in to your Zoho CRM organisation once; Timeline Auditor keeps the connection alive." />
      {status?.state === 'broken' && (
        <Alert severity="warning" sx={{ mb: 2 }} data-testid="reconnect-prompt">
          <AlertTitle>The connection to Zoho needs to be renewed</AlertTitle>
          {status.brokenReason ?? 'Zoho no longer accepts the stored sign-in.'} Connect again below{status.demo ? ' (Open the demo workspace)' : ''}; your cached timelines are kept.
        </Alert>
      )}
      {notice !== null && (
        <Alert severity={notice.severity} sx={{ mb: 2 }} onClose={() => setNotice(null)} data-testid="disconnect-notice">
          {notice.title !== null && <AlertTitle>{notice.title}</AlertTitle>}
          {notice.text}
        </Alert>
      )}
      {status?.state === 'unreadable' && status.cipherKind !== 'safeStorage-basic_text' && <UnreadableCredentialsCard status={status} onRemoved={setNotice} />}
      {problem !== null && <ProblemAlert problem={problem} title="Could not connect" />}
      {connecting !== null && <WaitingForBrowser url={authorizationUrl} onCancel={() => void call('auth:cancel', {})} />}
      {status === null || defaults.status === 'loading' ? (
        <CircularProgress size={24} />
      ) : status.cipherKind === 'safeStorage-basic_text' ? (
        <PassphraseCard hasConnection={status.state !== 'disconnected'} onChosen={setStatus} onRemoved={setNotice} />
      ) : connected ? (
        <Stack spacing={2}>
          <NextStep title="Next: add the records to audit" screen="records" testId="next-step-records">
            In Records, paste record ids, import a CSV or take a whole module, then fetch their timelines into the local cache.
          </NextStep>
          <ConnectedCard status={status} onDisconnected={setNotice} />
        </Stack>
      ) : (
        <Stack spacing={2}>
          {defaults.status === 'ready' && defaults.value.demoDisabledReason !== null ? (
            <Alert severity="info" icon={<LockOutlined />} data-testid="demo-disabled">
              {defaults.value.demoDisabledReason}
            </Alert>
          ) : (
            <Card variant="outlined" sx={{ borderColor: 'secondary.main' }}>
              <CardContent>
                <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
                  <ScienceOutlined color="secondary" fontSize="large" />
                  <Box sx={{ flexGrow: 1 }}>
                    <Typography variant="h6" component="h3">
                      No Zoho account at hand?
                    </Typography>
                    <Typography variant="body2" color="text.secondary">
                      Open the demo workspace: a Zoho-compatible CRM running on this computer with sample records and users. You sign in through the same browser flow as with Zoho.
                    </Typography>
                  </Box>
                  <Button variant="contained" color="secondary" sx={{ flexShrink: 0, whiteSpace: 'nowrap' }} disabled={connecting !== null} onClick={() => void run('demo', () => call('auth:connect-demo', {}))}>
                    Open demo workspace
                  </Button>
                </Stack>
              </CardContent>
            </Card>
          )}
          <Divider />
          {defaults.status === 'ready' ? (
            <ConnectForm defaults={defaults.value} busy={connecting !== null} onSubmit={(input) => void run('zoho', () => call('auth:connect', input))} />
          ) : (
            defaults.status === 'error' && <ProblemAlert problem={problemOf(defaults.error)} title="Could not load the sign-in options" />
          )}
        </Stack>
      )}
    </Box>
  );
}
