import { useEffect, useState } from 'react';
import { Alert, Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, LinearProgress, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import type { ReviewProgress, ReviewProgressOverview } from '../../preload/contract';
import { moduleName } from '../components/module-names';
import { call } from '../ipc/client';
import { numberFormat } from '../records/format';
import { FOLLOW_UP_TEXT } from './ReviewStateCell';
import { percentReviewed, progressDetail, progressWords } from './review-work';

const format = (value: number): string => numberFormat.format(value);

function ProgressCells({ progress, label }: { progress: ReviewProgress; label: string }) {
  const percent = percentReviewed(progress);
  return (
    <>
      <TableCell sx={{ width: 180 }}>
        <LinearProgress variant="determinate" value={percent} aria-label={`${label}: ${percent} % reviewed`} sx={{ height: 6, borderRadius: 3 }} />
      </TableCell>
      <TableCell sx={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>{progressWords(progress, format)}</TableCell>
      <TableCell sx={{ color: progress.followUp > 0 ? FOLLOW_UP_TEXT : 'text.secondary' }}>{progressDetail(progress, format)}</TableCell>
    </>
  );
}

/** Review progress of each saved view and each tracked record. */
export function ReviewProgressDialog({ open, onClose, timeZone }: { open: boolean; onClose: () => void; timeZone: string }) {
  const [overview, setOverview] = useState<ReviewProgressOverview | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (!open) return;
    setOverview(null);
    void call('review:progress-overview', { timeZone }).then(setOverview, (error: unknown) => setProblem(error instanceof Error ? error.message : String(error)));
  }, [open, timeZone]);

  return (
    <Dialog open={open} onClose={onClose} maxWidth="md" fullWidth aria-labelledby="review-progress-title" data-testid="review-progress-dialog">
      <DialogTitle id="review-progress-title">Review progress by view and record</DialogTitle>
      <DialogContent dividers>
        {problem !== null && <Alert severity="error">{problem}</Alert>}
        {overview === null && problem === null && <LinearProgress aria-label="Counting" />}
        {overview !== null && (
          <>
            <Typography variant="subtitle2">Saved views</Typography>
            {overview.views.length === 0 ? (
              <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
                No saved views yet.
              </Typography>
            ) : (
              <Table size="small" aria-label="Progress of each saved view" sx={{ mb: 2 }}>
                <TableBody>
                  {overview.views.map((view) => (
                    <TableRow key={view.name} data-testid="progress-view" data-name={view.name} data-reviewed={view.progress.reviewed} data-total={view.progress.total}>
                      <TableCell>{view.name}</TableCell>
                      <ProgressCells progress={view.progress} label={view.name} />
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
            <Typography variant="subtitle2">Records</Typography>
            {overview.records.length === 0 ? (
              <Typography variant="body2" color="text.secondary">
                No records with events yet.
              </Typography>
            ) : (
              <Box sx={{ maxHeight: 360, overflow: 'auto' }} tabIndex={0} role="region" aria-label="Records and their review progress">
                <Table size="small" stickyHeader aria-label="Progress of each record">
                  <TableHead>
                    <TableRow>
                      <TableCell>Record</TableCell>
                      <TableCell>Progress</TableCell>
                      <TableCell>Reviewed</TableCell>
                      <TableCell>Still open</TableCell>
                    </TableRow>
                  </TableHead>
                  <TableBody>
                    {overview.records.map((record) => (
                      <TableRow key={`${record.module}/${record.recordId}`} data-testid="progress-record">
                        <TableCell title={`${record.module}/${record.recordId}`}>
                          <Typography component="span" variant="body2" color="text.secondary">
                            {moduleName(record.module)}{' '}
                          </Typography>
                          {record.name ?? record.recordId}
                        </TableCell>
                        <ProgressCells progress={record.progress} label={record.name ?? record.recordId} />
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </Box>
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
