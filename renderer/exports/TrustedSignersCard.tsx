import { useEffect, useState } from 'react';
import { Alert, Button, Card, CardContent, Chip, Stack, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography } from '@mui/material';
import type { TrustedSignerView } from '../../preload/contract';
import { Copyable } from './Copyable';
import LockOutlined from '@mui/icons-material/LockOutlined';

/** Fingerprints as `trust add` takes them: 64 hex digits, colons, spaces and "sha256:" allowed (main checks again). */
function looksLikeFingerprint(text: string): boolean {
  return /^[0-9a-f]{64}$/.test(
    text
      .trim()
      .toLowerCase()
      .replace(/^sha256:/, '')
      .replace(/[:\s]/g, ''),
  );
}

/**
 * The signers verify trusts in this home folder — the same list as `timeline-auditor trust`: this
 * installation's key, and keys added by fingerprint with a name.
 */
export function TrustedSignersCard({ signers, onAdd, onRemove }: { signers: TrustedSignerView[] | null; onAdd: (fingerprint: string, name: string) => Promise<string | null>; onRemove: (fingerprint: string) => Promise<string | null> }) {
  const [fingerprint, setFingerprint] = useState('');
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // A change of the list (here or from a verdict) makes an earlier error stale.
  useEffect(() => setProblem(null), [signers]);
  const fingerprintInvalid = fingerprint.trim() !== '' && !looksLikeFingerprint(fingerprint);
  const add = async (): Promise<void> => {
    setBusy(true);
    const failure = await onAdd(fingerprint, name.trim());
    setBusy(false);
    setProblem(failure);
    if (failure === null) {
      setFingerprint('');
      setName('');
    }
  };
  return (
    <Card variant="outlined" sx={{ mb: 2 }}>
      <CardContent>
        <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600, mb: 0.5 }}>
          Trusted signers
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
          Verify names a packet’s signer only when its key is here; any other key is reported as unknown. Add a key only with the fingerprint its owner gave you directly — never one read from a packet. The command line uses the same list (
          <code>timeline-auditor trust</code>).
        </Typography>
        {problem !== null && (
          <Alert severity="error" sx={{ mb: 1 }} onClose={() => setProblem(null)}>
            {problem}
          </Alert>
        )}
        <Table size="small" aria-label="Trusted signers" sx={{ tableLayout: 'fixed', mb: 1.5 }}>
          <TableHead>
            <TableRow>
              <TableCell sx={{ width: '30%' }}>Name</TableCell>
              <TableCell>Key fingerprint (SHA-256)</TableCell>
              <TableCell sx={{ width: 110 }} />
            </TableRow>
          </TableHead>
          <TableBody>
            {(signers ?? []).map((signer) => (
              <TableRow key={signer.fingerprint} data-testid="trusted-signer-row">
                <TableCell sx={{ overflowWrap: 'anywhere' }}>
                  {signer.kind === 'own' ? (
                    <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
                      <span>{signer.name}</span>
                      <Chip size="small" label="own key" />
                    </Stack>
                  ) : signer.kind === 'policy' ? (
                    <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
                      <span>{signer.name}</span>
                      <Chip size="small" icon={<LockOutlined />} label="Set by your administrator" data-testid="policy-signer" />
                    </Stack>
                  ) : (
                    signer.name
                  )}
                </TableCell>
                <TableCell sx={{ minWidth: 0 }}>
                  <Copyable text={signer.fingerprint} label={`fingerprint of ${signer.name}`} />
                </TableCell>
                <TableCell align="right">
                  {signer.kind === 'added' && (
                    <Button
                      size="small"
                      color="error"
                      aria-label={`Remove ${signer.name}`}
                      onClick={() =>
                        void onRemove(signer.fingerprint).then((failure) => {
                          setProblem(failure);
                        })
                      }
                    >
                      Remove
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        <Stack direction={{ xs: 'column', md: 'row' }} spacing={1} sx={{ alignItems: { md: 'flex-start' } }}>
          <TextField
            size="small"
            label="Fingerprint"
            value={fingerprint}
            onChange={(event) => setFingerprint(event.target.value)}
            error={fingerprintInvalid}
            helperText={fingerprintInvalid ? '64 hexadecimal characters (colons and spaces are fine)' : ' '}
            sx={{ flex: 3 }}
            slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace' }, maxLength: 200 } }}
          />
          <TextField size="small" label="Name" placeholder="Who gave it to you" value={name} onChange={(event) => setName(event.target.value)} helperText=" " sx={{ flex: 2 }} slotProps={{ htmlInput: { maxLength: 120 } }} />
          <Button variant="outlined" disabled={busy || !looksLikeFingerprint(fingerprint) || name.trim() === ''} onClick={() => void add()} sx={{ whiteSpace: 'nowrap', height: 40 }}>
            Trust signer
          </Button>
        </Stack>
      </CardContent>
    </Card>
  );
}
