import { useState } from 'react';
import { Alert, Box, Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, IconButton, LinearProgress, ListItemText, Menu, MenuItem, Tooltip, Typography } from '@mui/material';
import ArrowDropDown from '@mui/icons-material/ArrowDropDown';
import DoneAllOutlined from '@mui/icons-material/DoneAllOutlined';
import HistoryEduOutlined from '@mui/icons-material/HistoryEduOutlined';
import ListAltOutlined from '@mui/icons-material/ListAltOutlined';
import VerifiedOutlined from '@mui/icons-material/VerifiedOutlined';
import CheckCircleOutline from '@mui/icons-material/CheckCircleOutlineOutlined';
import OutlinedFlag from '@mui/icons-material/OutlinedFlag';
import RadioButtonUnchecked from '@mui/icons-material/RadioButtonUnchecked';
import { type LocalFilterGroupInput, type ReviewProgress, type ReviewState, type SavedFilter } from '../../preload/contract';
import { call, IpcCallError } from '../ipc/client';
import { numberFormat } from '../records/format';
import { ReviewLogDialog } from './ReviewLogDialog';
import { ReviewProgressDialog } from './ReviewProgressDialog';
import { keyForState, MARK_ORDER, percentReviewed, progressDetail, progressWords, REVIEW_STATE_LABELS } from './review-work';
import { SignOffDialog } from './SignOffDialog';

interface Props {
  filter: LocalFilterGroupInput;
  timeZone: string;
  /** The filter on screen in words, for the confirm. */
  filterWords: string;
  progress: ReviewProgress | null;
  saved: readonly SavedFilter[];
  /** The saved view the filter on screen is, if it is one: the sign-off's default scope. */
  currentViewName: string | null;
  /** Whether an event is selected in the table (the mark buttons act on it). */
  selectedShown: boolean;
  /** Marks the selected event and moves on, as its key does. */
  onMarkSelected: (state: ReviewState) => void;
  /** After a bulk mark: main's progress for the filter (the rows are to be refetched). */
  onBulkMarked: (progress: ReviewProgress, marked: number, state: ReviewState) => void;
}

const format = (value: number): string => numberFormat.format(value);
const STATE_ICON = { reviewed: CheckCircleOutline, follow_up: OutlinedFlag, unreviewed: RadioButtonUnchecked } as const;
const KBD_SX = { fontFamily: 'monospace', fontSize: 11, lineHeight: '14px', px: 0.5, border: 1, borderColor: 'divider', borderRadius: 0.5, color: 'text.secondary', bgcolor: 'background.paper' } as const;
const STATE_COLOR = { reviewed: 'success.main', follow_up: 'warning.main', unreviewed: 'text.secondary' } as const;
/*
 * The bar sizes itself by its own width (a container query), not the window's: with the detail pane
 * open the table's column is narrow in a wide window. Narrow, secondary actions show only their icon
 * (their names stay in aria-label and the tooltip), then the detail words and the thin bar go.
 */
const WIDE_ONLY = { display: 'none', '@container (min-width: 940px)': { display: 'inline' } } as const;
const NARROW_SX = { whiteSpace: 'nowrap', flexShrink: 0, minWidth: 0, '& .MuiButton-startIcon': { mr: 0 }, '@container (min-width: 940px)': { '& .MuiButton-startIcon': { mr: 1 } } } as const;

/** How many of `total` events a bulk mark to `state` changes (the others are in that state already). */
function changing(progress: ReviewProgress, state: ReviewState): number {
  return progress.total - (state === 'reviewed' ? progress.reviewed : state === 'follow_up' ? progress.followUp : progress.unreviewed);
}

/**
 * Review work for the filter on screen: "x of y reviewed", marking the whole filtered set (after a
 * confirm that shows the count main will check), sign-off, the review log and progress per view and record.
 */
export function ReviewWorkBar({ filter, timeZone, filterWords, progress, saved, currentViewName, selectedShown, onMarkSelected, onBulkMarked }: Props) {
  const [bulkMenu, setBulkMenu] = useState<HTMLElement | null>(null);
  const [confirm, setConfirm] = useState<{ state: ReviewState; expected: number; changes: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [signOffOpen, setSignOffOpen] = useState(false);
  const [logOpen, setLogOpen] = useState(false);
  const [overviewOpen, setOverviewOpen] = useState(false);

  const bulkMark = async (state: ReviewState, expected: number): Promise<void> => {
    setBusy(true);
    setProblem(null);
    try {
      const answer = await call('review:mark-filtered', { filter, timeZone, state, expectedEvents: expected });
      setConfirm(null);
      onBulkMarked(answer.progress, answer.marked, state);
    } catch (error) {
      if (error instanceof IpcCallError && error.code === 'REVIEW_SCOPE_CHANGED') {
        // The cache changed under the confirm (a sync landed): show the new count and ask again.
        const now = await call('review:progress', { filter, timeZone }).catch(() => null);
        if (now !== null && now.total > 0) setConfirm({ state, expected: now.total, changes: changing(now, state) });
        setProblem(`The filter now matches ${now === null ? 'a different number of' : format(now.total)} events (not ${format(expected)}). Nothing was marked; check the count and confirm again.`);
      } else {
        setProblem(error instanceof IpcCallError && error.hint !== undefined ? `${error.message} ${error.hint}` : error instanceof Error ? error.message : String(error));
      }
    } finally {
      setBusy(false);
    }
  };

  const percent = progress === null ? 0 : percentReviewed(progress);
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, pb: 1, minWidth: 0, containerType: 'inline-size' }} data-testid="review-work-bar">
      {/* One line: the count, a thin bar, what is still open; then the actions (icons only where the screen is narrow). */}
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, minWidth: 0, flex: '1 1 auto' }} role="group" aria-label="Review progress for the filter">
        <Typography
          variant="body2"
          sx={{ fontWeight: 600, fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}
          data-testid="review-progress"
          data-reviewed={progress?.reviewed ?? ''}
          data-total={progress?.total ?? ''}
          data-follow-up={progress?.followUp ?? ''}
          title={progress === null ? undefined : progressDetail(progress, format)}
          aria-live="polite"
        >
          {progress === null ? 'Counting reviewed events…' : progressWords(progress, format)}
        </Typography>
        <LinearProgress
          variant="determinate"
          value={percent}
          aria-label={`${percent} % of the filtered events reviewed${progress === null ? '' : `; ${progressDetail(progress, format)}`}`}
          sx={{ height: 6, borderRadius: 3, width: 96, flexShrink: 0, '@container (max-width: 640px)': { display: 'none' } }}
        />
        <Typography
          variant="caption"
          color="text.secondary"
          data-testid="review-progress-detail"
          title={progress === null ? undefined : progressDetail(progress, format)}
          sx={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis', minWidth: 0, display: 'none', '@container (min-width: 1060px)': { display: 'block' } }}
        >
          {progress === null ? '' : progressDetail(progress, format)}
        </Typography>
      </Box>
      {/* The keys' twins for the pointer: mark the selected event and move on. */}
      <Box role="group" aria-label="Mark the selected event" sx={{ display: 'flex', flexShrink: 0, border: 1, borderColor: 'divider', borderRadius: 1 }}>
        {MARK_ORDER.map((state) => {
          const Icon = STATE_ICON[state];
          const name = `Mark the selected event ${REVIEW_STATE_LABELS[state].toLowerCase()} (${keyForState(state)})`;
          return (
            <Tooltip key={state} title={selectedShown ? `${name}, then move to the next` : `${name} — with no event selected, the first press selects the first row`}>
              <span>
                <IconButton size="small" aria-label={name} disabled={progress === null || progress.total === 0} onClick={() => onMarkSelected(state)} sx={{ borderRadius: 0.5, color: STATE_COLOR[state], gap: 0.25, px: 0.75 }}>
                  <Icon fontSize="small" />
                  {/* The key, visible on the button: the shortcut is learnt by using the button. */}
                  <Box component="kbd" aria-hidden sx={KBD_SX}>
                    {keyForState(state)}
                  </Box>
                </IconButton>
              </span>
            </Tooltip>
          );
        })}
      </Box>
      <Tooltip title="Set the review state of every event the filter matches (you confirm the count first)">
        <span>
          <Button
            size="small"
            variant="outlined"
            aria-label="Mark all filtered"
            startIcon={<DoneAllOutlined />}
            endIcon={<ArrowDropDown />}
            disabled={progress === null || progress.total === 0}
            onClick={(event) => setBulkMenu(event.currentTarget)}
            aria-haspopup="menu"
            sx={{ whiteSpace: 'nowrap', flexShrink: 0 }}
          >
            Mark all…
          </Button>
        </span>
      </Tooltip>
      <Tooltip title="Review progress of each saved view and record">
        <Button size="small" aria-label="Progress by view" startIcon={<ListAltOutlined />} onClick={() => setOverviewOpen(true)} sx={NARROW_SX}>
          <Box component="span" sx={WIDE_ONLY}>
            Progress
          </Box>
        </Button>
      </Tooltip>
      <Tooltip title="Every reviewer action, hash-chained">
        <Button size="small" aria-label="Review log" startIcon={<HistoryEduOutlined />} onClick={() => setLogOpen(true)} sx={NARROW_SX}>
          <Box component="span" sx={WIDE_ONLY}>
            Review log
          </Box>
        </Button>
      </Tooltip>
      <Button size="small" variant="outlined" startIcon={<VerifiedOutlined />} onClick={() => setSignOffOpen(true)} sx={{ whiteSpace: 'nowrap', flexShrink: 0 }}>
        Sign off…
      </Button>

      <Menu anchorEl={bulkMenu} open={bulkMenu !== null} onClose={() => setBulkMenu(null)}>
        {MARK_ORDER.map((state) => (
          <MenuItem
            key={state}
            onClick={() => {
              setBulkMenu(null);
              setProblem(null);
              if (progress !== null) setConfirm({ state, expected: progress.total, changes: changing(progress, state) });
            }}
          >
            <ListItemText primary={`Mark all ${progress === null ? '' : format(progress.total)} as ${REVIEW_STATE_LABELS[state].toLowerCase()}…`} secondary={`One at a time: key ${keyForState(state)}`} />
          </MenuItem>
        ))}
      </Menu>

      <Dialog open={confirm !== null} onClose={() => !busy && setConfirm(null)} aria-labelledby="bulk-mark-title" aria-describedby="bulk-mark-description">
        <DialogTitle id="bulk-mark-title">{confirm === null ? '' : `Mark ${format(confirm.expected)} events as ${REVIEW_STATE_LABELS[confirm.state].toLowerCase()}?`}</DialogTitle>
        <DialogContent>
          <DialogContentText id="bulk-mark-description" data-testid="bulk-mark-count" data-expected={confirm?.expected ?? ''}>
            {confirm === null
              ? ''
              : `Every one of the ${format(confirm.expected)} events the filter matches (${filterWords}) becomes “${REVIEW_STATE_LABELS[confirm.state]}”; ${format(confirm.changes)} of them change. The review log records it as one entry, with your name.`}
          </DialogContentText>
          {problem !== null && (
            <Alert severity="warning" sx={{ mt: 1.5 }}>
              {problem}
            </Alert>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setConfirm(null)} disabled={busy}>
            Cancel
          </Button>
          <Button variant="contained" disabled={busy || confirm === null} onClick={() => confirm !== null && void bulkMark(confirm.state, confirm.expected)}>
            {confirm === null ? 'Mark' : `Mark ${format(confirm.expected)} events`}
          </Button>
        </DialogActions>
      </Dialog>

      <SignOffDialog open={signOffOpen} onClose={() => setSignOffOpen(false)} saved={saved} defaultViewName={currentViewName} timeZone={timeZone} />
      <ReviewLogDialog open={logOpen} onClose={() => setLogOpen(false)} timeZone={timeZone} />
      <ReviewProgressDialog open={overviewOpen} onClose={() => setOverviewOpen(false)} timeZone={timeZone} />
    </Box>
  );
}
