import { useState } from 'react';
import { Alert, AlertTitle, Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, Stack, Table, TableBody, TableCell, TableRow, TextField, Typography } from '@mui/material';
import CheckCircleOutlined from '@mui/icons-material/CheckCircleOutlined';
import ErrorOutlined from '@mui/icons-material/ErrorOutlined';
import type { PacketCompletenessView, PacketReviewView, PacketSignerView, PacketVerdict, PacketVerificationView, ReviewProgress } from '../../preload/contract';
import { formatTimestamp } from '../components/time';
import { numberFormat } from '../records/format';
import { Copyable } from './Copyable';

const TRUSTED_AS: Record<Extract<PacketVerdict, { kind: 'trusted' }>['trustedAs'], string> = {
  'this-installation': 'This installation’s own key signed it.',
  'trust-list': 'Its key is on this installation’s list of trusted signers.',
  'pinned-key': 'It was signed by the key you gave for this check.',
};

function Verdict({ verdict }: { verdict: PacketVerdict }) {
  switch (verdict.kind) {
    case 'trusted':
      return (
        <Alert severity="success" sx={{ mb: 2 }} data-testid="verification-verdict" data-verdict={verdict.kind}>
          <AlertTitle>Intact — signed by {verdict.signerName}</AlertTitle>
          Every file matches the signed manifest and the signature is valid. {TRUSTED_AS[verdict.trustedAs]}
        </Alert>
      );
    case 'signer-unknown':
      return (
        <Alert severity="warning" sx={{ mb: 2 }} data-testid="verification-verdict" data-verdict={verdict.kind}>
          <AlertTitle>Intact but signer unknown</AlertTitle>
          Every file matches its manifest, but the manifest was signed by a key this installation does not trust — and anyone can make such a packet with a key of their own. Compare this fingerprint with the one the author gave you before relying on
          it:
          <Box sx={{ mt: 1 }} data-testid="unknown-signer-fingerprint">
            <Copyable text={verdict.fingerprint} label="signer fingerprint" wrap />
          </Box>
        </Alert>
      );
    case 'not-intact':
      return (
        <Alert severity="error" sx={{ mb: 2 }} data-testid="verification-verdict" data-verdict={verdict.kind}>
          <AlertTitle>Not intact</AlertTitle>
          {verdict.file} {verdict.problem} Do not rely on this packet; ask its author for a fresh copy.
        </Alert>
      );
    default: {
      const unhandled: never = verdict;
      return unhandled;
    }
  }
}

function signerLines(signer: PacketSignerView): Array<[string, string]> {
  const user = signer.zohoUser === null ? '—' : [signer.zohoUser.name, signer.zohoUser.email === null ? null : `<${signer.zohoUser.email}>`].filter((part) => part !== null).join(' ') || '—';
  return [
    ['Zoho user', user],
    ['Organisation', `${signer.organisation.orgId ?? 'unknown'}${signer.organisation.dataCentre === null ? '' : ` (data centre ${signer.organisation.dataCentre})`}`],
    ['Installation', `${signer.installation.id}${signer.installation.hostname === '' ? '' : ` on ${signer.installation.hostname}`}`],
  ];
}

/** What the signed manifest states about completeness: an auditor's first question after "is it genuine?". */
function CompletenessStatement({ completeness }: { completeness: PacketCompletenessView }) {
  if (completeness.kind === 'not-stated') {
    return (
      <Alert severity="info" variant="outlined" sx={{ mb: 2 }} data-testid="verification-completeness">
        This packet states no coverage: it was made by a version before packets said whether each record was fetched completely.
      </Alert>
    );
  }
  if (completeness.kind === 'unreadable') {
    return (
      <Alert severity="warning" variant="outlined" sx={{ mb: 2 }} data-testid="verification-completeness">
        The coverage statement in the manifest cannot be read. Do not rely on the packet being complete.
      </Alert>
    );
  }
  const rows: Array<[string, string]> = [
    [
      'Coverage',
      completeness.incomplete.length === 0
        ? completeness.records === 1
          ? 'The record was fetched completely'
          : `All ${numberFormat.format(completeness.records)} records fetched completely`
        : `${numberFormat.format(completeness.incomplete.length)} of ${numberFormat.format(completeness.records)} records NOT fetched completely`,
    ],
    ['Control totals', `${numberFormat.format(completeness.events)} events, ${numberFormat.format(completeness.fieldChanges)} field changes${completeness.totalsAgree ? '' : ' — the totals disagree'}`],
    ['Filter', completeness.filter === null ? 'None (every event of the records)' : `${completeness.viewName === null ? '' : `Saved view “${completeness.viewName}”: `}${completeness.filter}`],
  ];
  if (completeness.case?.reference != null) rows.push(['Case', completeness.case.reference]);
  if (completeness.case?.purpose != null) rows.push(['Purpose', completeness.case.purpose]);
  if (completeness.case?.reviewer != null) rows.push(['Reviewer', completeness.case.reviewer]);
  return (
    <Box sx={{ mb: 2 }} data-testid="verification-completeness">
      <Typography variant="subtitle2">What the packet covers (as the signed manifest states)</Typography>
      <Table size="small" aria-label="Coverage">
        <TableBody>
          {rows.map(([label, value]) => (
            <TableRow key={label}>
              <TableCell sx={{ width: 130, color: 'text.secondary' }}>{label}</TableCell>
              <TableCell sx={{ overflowWrap: 'anywhere' }}>{value}</TableCell>
            </TableRow>
          ))}
          {completeness.incomplete.slice(0, 10).map((row) => (
            <TableRow key={row.record}>
              <TableCell sx={{ color: 'warning.main' }}>Incomplete</TableCell>
              <TableCell sx={{ overflowWrap: 'anywhere' }}>
                {row.record} — {row.reason}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

function progressWords(progress: ReviewProgress): string {
  const events = progress.total === 1 ? 'event' : 'events';
  return `${numberFormat.format(progress.reviewed)} of ${numberFormat.format(progress.total)} ${events} reviewed, ${numberFormat.format(progress.followUp)} for follow-up, ${numberFormat.format(progress.unreviewed)} unreviewed`;
}

/** What the signed manifest states about the review: the review log's chain as verify recomputed it, counts and sign-offs. */
function ReviewStatement({ review }: { review: PacketReviewView | undefined }) {
  if (review === undefined || review.kind === 'not-stated') {
    return (
      <Alert severity="info" variant="outlined" sx={{ mb: 2 }} data-testid="verification-review" data-chain="not-stated">
        This packet carries no review log: it was made by a version before packets recorded the review.
      </Alert>
    );
  }
  if (review.kind === 'unreadable') {
    return (
      <Alert severity="warning" variant="outlined" sx={{ mb: 2 }} data-testid="verification-review" data-chain="unreadable">
        The review section of the manifest cannot be read: {review.reason}
      </Alert>
    );
  }
  const chain = review.chain;
  const rows: Array<[string, string]> = [
    [
      'Review log',
      chain.intact
        ? chain.head === null
          ? 'Empty — no reviewer action before this export'
          : `Chain intact: ${numberFormat.format(chain.entries)} ${chain.entries === 1 ? 'entry' : 'entries'}, head entry #${chain.head.seq}`
        : `BROKEN at entry #${chain.brokenAtSeq}: ${chain.reason}`,
    ],
    ['Review state', progressWords(review.counts)],
  ];
  for (const signOff of review.signOffs) {
    rows.push([
      `Sign-off #${signOff.id}`,
      `${signOff.name}, ${signOff.role} (${signOff.signedBy}) on ${formatTimestamp(signOff.at)} — ${signOff.scopeWords}: “${signOff.statement}”${signOff.unreviewedReason === null ? '' : ` Unreviewed events: ${signOff.unreviewedReason}`}`,
    ]);
  }
  if (review.signOffs.length === 0) rows.push(['Sign-off', 'None covers these events']);
  return (
    <Box sx={{ mb: 2 }} data-testid="verification-review" data-chain={chain.intact ? 'intact' : 'broken'}>
      <Typography variant="subtitle2">The review (as the signed manifest states; the log’s chain recomputed)</Typography>
      <Table size="small" aria-label="Review">
        <TableBody>
          {rows.map(([label, value]) => (
            <TableRow key={label}>
              <TableCell sx={{ width: 130, color: chain.intact || label !== 'Review log' ? 'text.secondary' : 'error.main' }}>{label}</TableCell>
              <TableCell sx={{ overflowWrap: 'anywhere' }}>{value}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

/** Trusting an unknown signer from the verdict: only after comparing fingerprints, with a name. */
function TrustSignerForm({ fingerprint, onTrust }: { fingerprint: string; onTrust: (fingerprint: string, name: string) => Promise<void> }) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 2 }}>
      <TextField size="small" label="Signer’s name" placeholder="e.g. Ada Lovelace, ACME finance" value={name} onChange={(event) => setName(event.target.value)} sx={{ flex: 1 }} slotProps={{ htmlInput: { maxLength: 120 } }} />
      <Button
        variant="outlined"
        disabled={busy || name.trim() === ''}
        onClick={() => {
          setBusy(true);
          void onTrust(fingerprint, name.trim()).finally(() => setBusy(false));
        }}
      >
        Fingerprints match — trust
      </Button>
    </Stack>
  );
}

/** What verification found: the verdict first, who the manifest says signed, then file by file. */
export function PacketVerificationDialog({ name, result, onClose, onTrust }: { name: string; result: PacketVerificationView | null; onClose: () => void; onTrust: (fingerprint: string, name: string) => Promise<void> }) {
  return (
    <Dialog open={result !== null} onClose={onClose} maxWidth="sm" fullWidth aria-labelledby="verification-title">
      <DialogTitle id="verification-title">Verification of {name}</DialogTitle>
      {/* Focusable: the findings scroll, and keyboard users must be able to scroll them (axe 'scrollable-region-focusable'). */}
      <DialogContent dividers tabIndex={0} aria-label="Verification findings">
        {result !== null && (
          <>
            <Verdict verdict={result.verdict} />
            {result.verdict.kind === 'signer-unknown' && <TrustSignerForm key={result.verdict.fingerprint} fingerprint={result.verdict.fingerprint} onTrust={onTrust} />}
            {result.signer !== null && (
              <>
                <Typography variant="subtitle2">Signed by (as the manifest states{result.verdict.kind === 'trusted' ? '' : ' — only as reliable as its signer'})</Typography>
                <Table size="small" aria-label="Signer" sx={{ mb: 2 }}>
                  <TableBody>
                    {signerLines(result.signer).map(([label, value]) => (
                      <TableRow key={label}>
                        <TableCell sx={{ width: 130, color: 'text.secondary' }}>{label}</TableCell>
                        <TableCell sx={{ overflowWrap: 'anywhere' }}>{value}</TableCell>
                      </TableRow>
                    ))}
                    {result.createdAt !== null && (
                      <TableRow>
                        <TableCell sx={{ color: 'text.secondary' }}>Made</TableCell>
                        <TableCell>{result.createdAt}</TableCell>
                      </TableRow>
                    )}
                  </TableBody>
                </Table>
              </>
            )}
            {result.verdict.kind !== 'not-intact' && <CompletenessStatement completeness={result.completeness} />}
            {/* A broken review log is shown even when the packet is not intact: it says which entry. */}
            {(result.verdict.kind !== 'not-intact' || (result.review?.kind === 'stated' && !result.review.chain.intact)) && <ReviewStatement review={result.review} />}
            <Typography variant="subtitle2">Files</Typography>
            <Table size="small" aria-label="Files in the packet">
              <TableBody>
                {result.files.map((file, index) => (
                  <TableRow key={`${file.name}-${index}`}>
                    <TableCell sx={{ width: 32 }}>{file.ok ? <CheckCircleOutlined color="success" fontSize="small" /> : <ErrorOutlined color="error" fontSize="small" />}</TableCell>
                    <TableCell sx={{ fontFamily: 'monospace' }}>{file.name}</TableCell>
                    <TableCell>{file.ok ? 'matches' : file.problem}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            {result.signerFingerprint !== null && result.verdict.kind !== 'signer-unknown' && (
              <Typography variant="body2" color="text.secondary" sx={{ mt: 2, wordBreak: 'break-all' }}>
                Signing key fingerprint (SHA-256): {result.signerFingerprint}
              </Typography>
            )}
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
