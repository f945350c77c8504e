import { useCallback, useEffect, useState } from 'react';
import { Alert, Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { DateTime } from 'luxon';
import type { ReviewLogChainView, ReviewLogEntryView } from '../../preload/contract';
import { call } from '../ipc/client';
import { REVIEW_LOG_ACTION_LABELS } from './review-work';

const PAGE = 50;

/** A time kept as ms since the epoch, in the zone the screens use, with its offset. */
export function formatMillis(at: number, zone: string): string {
  const time = DateTime.fromMillis(at).setZone(zone);
  return (time.isValid ? time : DateTime.fromMillis(at)).toFormat('yyyy-LL-dd HH:mm:ss ZZ');
}

/** The chain's verdict in words. */
function ChainVerdict({ chain }: { chain: ReviewLogChainView }) {
  if (chain.intact) {
    return (
      <Alert severity="success" data-testid="review-log-chain" data-intact="true">
        {chain.head === null ? 'The review log is empty.' : `Chain intact: all ${chain.entries} entries hash to the one before them. Head: entry #${chain.head.seq}, ${chain.head.hash.slice(0, 16)}…`}
      </Alert>
    );
  }
  return (
    <Alert severity="error" data-testid="review-log-chain" data-intact="false">
      Chain broken at entry #{chain.brokenAtSeq}: {chain.reason} An entry was edited, removed or reordered after it was written.
    </Alert>
  );
}

/** The newest review-log entries in plain words, with who and when, and whether the whole chain is intact. */
export function ReviewLogDialog({ open, onClose, timeZone }: { open: boolean; onClose: () => void; timeZone: string }) {
  const [entries, setEntries] = useState<ReviewLogEntryView[]>([]);
  const [chain, setChain] = useState<ReviewLogChainView | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(async (beforeSeq: number | null): Promise<void> => {
    setLoading(true);
    try {
      const answer = await call('review:log', { beforeSeq, limit: PAGE });
      setEntries((shown) => (beforeSeq === null ? answer.entries : [...shown, ...answer.entries]));
      setChain(answer.chain);
      setProblem(null);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    if (open) void load(null);
  }, [open, load]);

  const oldest = entries.reduce((low, entry) => Math.min(low, entry.seq), Number.POSITIVE_INFINITY);
  return (
    <Dialog open={open} onClose={onClose} maxWidth="lg" fullWidth aria-labelledby="review-log-title" data-testid="review-log-dialog">
      <DialogTitle id="review-log-title">Review log</DialogTitle>
      <DialogContent dividers>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5 }}>
          Every reviewer action — review states, notes, flag rules, sign-offs, exports — is appended here and never edited; each entry’s hash covers the one before it.
        </Typography>
        {chain !== null && <ChainVerdict chain={chain} />}
        {problem !== null && (
          <Alert severity="error" sx={{ mt: 1 }}>
            {problem}
          </Alert>
        )}
        <Table size="small" sx={{ mt: 1.5, tableLayout: 'fixed', '& td, & th': { fontSize: 13, px: 1 } }} aria-label="Review-log entries, newest first">
          <colgroup>
            <col style={{ width: 56 }} />
            <col style={{ width: 200 }} />
            <col style={{ width: 160 }} />
            <col style={{ width: 130 }} />
            <col />
          </colgroup>
          <TableHead>
            <TableRow>
              <TableCell>#</TableCell>
              <TableCell>Time</TableCell>
              <TableCell>Who</TableCell>
              <TableCell>Kind</TableCell>
              <TableCell>What</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {entries.map((entry) => (
              <TableRow key={entry.seq} data-testid="review-log-entry" data-seq={entry.seq} data-action={entry.action}>
                <TableCell sx={{ fontVariantNumeric: 'tabular-nums' }}>{entry.seq}</TableCell>
                <TableCell sx={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>{formatMillis(entry.at, timeZone)}</TableCell>
                <TableCell sx={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} title={entry.actor}>
                  {entry.actor}
                </TableCell>
                <TableCell title={entry.action}>{REVIEW_LOG_ACTION_LABELS[entry.action]}</TableCell>
                <TableCell sx={{ overflowWrap: 'anywhere' }} title={`hash ${entry.hash}\nprevious ${entry.previousHash}`}>
                  {entry.words}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        {entries.length === 0 && !loading && chain !== null && (
          <Typography color="text.secondary" sx={{ p: 2, textAlign: 'center' }}>
            Nothing has been reviewed yet.
          </Typography>
        )}
        {oldest > 1 && Number.isFinite(oldest) && (
          <Box sx={{ textAlign: 'center', mt: 1 }}>
            <Button onClick={() => void load(oldest)} disabled={loading}>
              Older entries
            </Button>
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
