import { useEffect, useMemo, useState } from 'react';
import { Alert, Autocomplete, Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, FormControlLabel, List, ListItem, ListItemText, MenuItem, Radio, RadioGroup, Stack, TextField, Typography } from '@mui/material';
import { signOffInputSchema, type ReviewProgress, type ReviewProgressOverview, type SavedFilter, type SignOffView } from '../../preload/contract';
import { moduleName } from '../components/module-names';
import { call, IpcCallError } from '../ipc/client';
import { numberFormat } from '../records/format';
import { progressDetail, progressWords, sumProgress } from './review-work';
import { formatMillis } from './ReviewLogDialog';
import { FOLLOW_UP_TEXT } from './ReviewStateCell';

type RecordOption = ReviewProgressOverview['records'][number];
type Field = 'scope' | 'statement' | 'name' | 'role' | 'unreviewedReason';

interface Props {
  open: boolean;
  onClose: () => void;
  saved: readonly SavedFilter[];
  /** The saved view on screen, chosen first. */
  defaultViewName: string | null;
  timeZone: string;
}

const format = (value: number): string => numberFormat.format(value);
const recordLabel = (record: RecordOption): string => `${moduleName(record.module)} · ${record.name ?? record.recordId}`;

/**
 * A reviewer attests a scope — a saved view or some records — with a statement, name and role. While
 * events in the scope are unreviewed the reason field appears and is required (main refuses
 * otherwise: SIGN_OFF_UNREVIEWED).
 */
export function SignOffDialog({ open, onClose, saved, defaultViewName, timeZone }: Props) {
  const [overview, setOverview] = useState<ReviewProgressOverview | null>(null);
  const [signOffs, setSignOffs] = useState<SignOffView[]>([]);
  const [kind, setKind] = useState<'view' | 'records'>('view');
  const [viewName, setViewName] = useState('');
  const [records, setRecords] = useState<RecordOption[]>([]);
  const [statement, setStatement] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState('');
  const [reason, setReason] = useState('');
  // Main said the scope has unreviewed events (the overview may have been older than a mark).
  const [mainSaysUnreviewed, setMainSaysUnreviewed] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<SignOffView | null>(null);

  useEffect(() => {
    if (!open) return;
    setResult(null);
    setProblem(null);
    setErrors({});
    setMainSaysUnreviewed(false);
    // With no saved view yet, records are the only scope there is.
    setKind(saved.length === 0 ? 'records' : 'view');
    setViewName(defaultViewName ?? saved[0]?.name ?? '');
    setOverview(null);
    void call('review:progress-overview', { timeZone }).then(setOverview, (error: unknown) => setProblem(error instanceof Error ? error.message : String(error)));
    void call('review:sign-offs', {}).then(setSignOffs, () => undefined);
    void call('auth:status', {}).then(
      (status) => setName((current) => (current === '' ? (status.user?.name ?? '') : current)),
      () => undefined,
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  const scopeProgress: ReviewProgress | null = useMemo(() => {
    if (overview === null) return null;
    if (kind === 'view') return overview.views.find((view) => view.name === viewName)?.progress ?? null;
    return records.length === 0 ? null : sumProgress(records.map((record) => record.progress));
  }, [overview, kind, viewName, records]);
  const needsReason = mainSaysUnreviewed || (scopeProgress?.unreviewed ?? 0) > 0;

  const submit = async (): Promise<void> => {
    setProblem(null);
    const scope = kind === 'view' ? { kind: 'view' as const, name: viewName } : { kind: 'records' as const, records: records.map(({ module, recordId }) => ({ module, recordId })) };
    const input = { scope, statement, name, role, unreviewedReason: needsReason ? reason : null, timeZone };
    // The contract's own schema, so the messages here are the ones main would give.
    const parsed = signOffInputSchema.safeParse(input);
    if (!parsed.success) {
      const found: Partial<Record<Field, string>> = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] as Field | undefined;
        if (field !== undefined && found[field] === undefined) found[field] = field === 'scope' ? (kind === 'view' ? 'choose a saved view' : 'choose at least one record') : issue.message;
      }
      setErrors(found);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const view = await call('review:sign-off', parsed.data);
      setResult(view);
      // The next sign-off starts from a blank statement and scope (name and role stay: the same person).
      setStatement('');
      setReason('');
      setRecords([]);
      setSignOffs(await call('review:sign-offs', {}).catch(() => [view]));
    } catch (error) {
      if (error instanceof IpcCallError && error.code === 'SIGN_OFF_UNREVIEWED') {
        setMainSaysUnreviewed(true);
        setErrors({ unreviewedReason: 'say why unreviewed events are acceptable (at least 10 characters)' });
        setProblem(`Not signed off: ${error.message}`);
      } else {
        setProblem(`Not signed off: ${error instanceof IpcCallError && error.hint !== undefined ? `${error.message} ${error.hint}` : error instanceof Error ? error.message : String(error)}`);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={open} onClose={() => !busy && onClose()} maxWidth="md" fullWidth aria-labelledby="sign-off-title" data-testid="sign-off-dialog">
      <DialogTitle id="sign-off-title">Sign off a review</DialogTitle>
      <DialogContent dividers>
        {result !== null ? (
          <Alert severity="success" data-testid="sign-off-result">
            Signed off {result.scopeWords} as {result.name}, {result.role} — {progressWords(result.progress, format)} ({progressDetail(result.progress, format)}). Recorded as review-log entry #{result.logSeq} ({result.logHash.slice(0, 12)}…).
          </Alert>
        ) : (
          <Stack spacing={2}>
            <Box>
              <Typography id="sign-off-scope-label" variant="subtitle2">
                What you attest
              </Typography>
              <RadioGroup row aria-labelledby="sign-off-scope-label" value={kind} onChange={(event) => setKind(event.target.value === 'records' ? 'records' : 'view')}>
                <FormControlLabel value="view" control={<Radio size="small" />} label="A saved view" />
                <FormControlLabel value="records" control={<Radio size="small" />} label="Records" />
              </RadioGroup>
              {kind === 'view' ? (
                <TextField
                  select
                  fullWidth
                  size="small"
                  label="Saved view"
                  value={saved.some((entry) => entry.name === viewName) ? viewName : ''}
                  onChange={(event) => setViewName(event.target.value)}
                  error={errors.scope !== undefined}
                  helperText={errors.scope ?? (saved.length === 0 ? 'No saved views yet: save a filter on the Review screen first, or sign off records.' : ' ')}
                >
                  {saved.map((entry) => {
                    const progress = overview?.views.find((view) => view.name === entry.name)?.progress;
                    return (
                      <MenuItem key={entry.name} value={entry.name}>
                        <ListItemText primary={entry.name} secondary={progress === undefined ? null : `${progressWords(progress, format)} · ${progressDetail(progress, format)}`} />
                      </MenuItem>
                    );
                  })}
                </TextField>
              ) : (
                <Autocomplete
                  multiple
                  size="small"
                  options={overview?.records ?? []}
                  loading={overview === null}
                  value={records}
                  onChange={(_event, value) => setRecords(value)}
                  getOptionLabel={recordLabel}
                  isOptionEqualToValue={(option, value) => option.module === value.module && option.recordId === value.recordId}
                  renderOption={(props, option) => (
                    <li {...props} key={`${option.module}/${option.recordId}`}>
                      <ListItemText primary={recordLabel(option)} secondary={`${option.module}/${option.recordId} · ${progressWords(option.progress, format)}`} />
                    </li>
                  )}
                  renderInput={(params) => <TextField {...params} label="Records" error={errors.scope !== undefined} helperText={errors.scope ?? ' '} />}
                />
              )}
              <Typography variant="body2" data-testid="sign-off-scope-progress" data-unreviewed={scopeProgress?.unreviewed ?? ''} sx={{ color: scopeProgress !== null && scopeProgress.unreviewed > 0 ? FOLLOW_UP_TEXT : 'text.secondary' }}>
                {scopeProgress === null ? (overview === null ? 'Counting…' : 'Choose a scope.') : `In scope: ${progressWords(scopeProgress, format)} · ${progressDetail(scopeProgress, format)}.`}
              </Typography>
            </Box>
            <TextField
              label="Statement"
              multiline
              minRows={3}
              value={statement}
              onChange={(event) => setStatement(event.target.value)}
              error={errors.statement !== undefined}
              helperText={errors.statement ?? 'What you attest, in your words: what you checked and what you found.'}
            />
            <Stack direction="row" spacing={2}>
              <TextField label="Name" fullWidth value={name} onChange={(event) => setName(event.target.value)} error={errors.name !== undefined} helperText={errors.name ?? ' '} />
              <TextField label="Role" fullWidth value={role} onChange={(event) => setRole(event.target.value)} error={errors.role !== undefined} helperText={errors.role ?? 'e.g. Compliance officer'} />
            </Stack>
            {needsReason && (
              <TextField
                label="Why sign off with unreviewed events"
                multiline
                minRows={2}
                value={reason}
                onChange={(event) => setReason(event.target.value)}
                error={errors.unreviewedReason !== undefined}
                helperText={errors.unreviewedReason ?? `${scopeProgress === null ? 'Some' : format(scopeProgress.unreviewed)} events in scope are unreviewed: a sign-off then says why that is acceptable.`}
                slotProps={{ htmlInput: { 'data-testid': 'sign-off-reason' } }}
              />
            )}
          </Stack>
        )}
        {problem !== null && (
          <Alert severity="error" sx={{ mt: 2 }} data-testid="sign-off-problem">
            {problem}
          </Alert>
        )}
        {signOffs.length > 0 && (
          <Box sx={{ mt: 2 }}>
            <Typography variant="subtitle2">Sign-offs so far</Typography>
            <List dense aria-label="Sign-offs so far" data-testid="sign-off-list">
              {signOffs.slice(0, 8).map((entry) => (
                <ListItem key={entry.id} disableGutters>
                  <ListItemText
                    primary={`${entry.scopeWords} — ${entry.name}, ${entry.role}`}
                    secondary={`${formatMillis(entry.at, timeZone)} · ${progressWords(entry.progress, format)}${entry.unreviewedReason === null ? '' : ` · reason: ${entry.unreviewedReason}`} · log #${entry.logSeq}`}
                  />
                </ListItem>
              ))}
            </List>
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        {result === null ? (
          <>
            <Button onClick={onClose} disabled={busy}>
              Cancel
            </Button>
            <Button variant="contained" onClick={() => void submit()} disabled={busy}>
              Sign off
            </Button>
          </>
        ) : (
          <Button variant="contained" onClick={onClose}>
            Done
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
