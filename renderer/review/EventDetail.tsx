import { useCallback, useEffect, useState } from 'react';
import { Alert, Box, Button, Chip, Dialog, DialogActions, DialogContent, DialogTitle, Divider, IconButton, MenuItem, Paper, Stack, TextField, Tooltip, Typography } from '@mui/material';
import CloseOutlined from '@mui/icons-material/CloseOutlined';
import DataObjectOutlined from '@mui/icons-material/DataObjectOutlined';
import DeleteOutlined from '@mui/icons-material/DeleteOutlined';
import HistoryOutlined from '@mui/icons-material/HistoryOutlined';
import { DateTime } from 'luxon';
import { SYSTEM_ACTOR, type ReviewEventDetail, type ReviewFieldChange } from '../../preload/contract';
import { diffLines } from './line-diff';
import { actionLabel, sourceLabel } from '../../preload/labels';
import { moduleName } from '../components/module-names';
import { formatTimestamp } from '../components/time';
import { call, IpcCallError } from '../ipc/client';
import { numberFormat } from '../records/format';
import { FLAG_LABELS, shown } from './review-model';

export const NOTE_TAGS = ['reviewed', 'follow-up', 'suspicious', 'explained'] as const;
/** What main accepts for one note (contract: review:add-note). */
export const NOTE_MAX_LENGTH = 5000;

interface Props {
  eventId: string;
  /** The resolved zone name (settings:time-zone). */
  zone: string;
  onClose: () => void;
  /** A note was added or removed (the table's note column changes). */
  onNotesChanged: () => void;
  onViewRecordAsOf: (record: { module: string; recordId: string }, eventId: string) => void;
}

/** A failed request in words, with main's hint when it has one. */
function errorWords(error: unknown): string {
  if (error instanceof IpcCallError) return error.hint === undefined ? error.message : `${error.message} ${error.hint}`;
  return error instanceof Error ? error.message : String(error);
}

/** Zoho's own code beside its plain words (the detail keeps the evidence visible). */
function Code({ children }: { children: React.ReactNode }) {
  return (
    <Typography component="code" variant="caption" color="text.secondary" sx={{ ml: 1, fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' }}>
      {children}
    </Typography>
  );
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Box sx={{ mb: 2 }}>
      <Typography variant="overline" color="text.secondary" sx={{ lineHeight: 2 }}>
        {title}
      </Typography>
      {children}
    </Box>
  );
}

function Pair({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Stack direction="row" spacing={1} sx={{ py: 0.25 }}>
      <Typography variant="body2" color="text.secondary" sx={{ width: 110, flexShrink: 0 }}>
        {label}
      </Typography>
      <Typography variant="body2" component="div" sx={{ minWidth: 0, overflowWrap: 'anywhere' }}>
        {children}
      </Typography>
    </Stack>
  );
}

/** Everything Zoho sent about one event, its flags and the reviewers' notes. */
export function EventDetail({ eventId, zone, onClose, onNotesChanged, onViewRecordAsOf }: Props) {
  const [detail, setDetail] = useState<ReviewEventDetail | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [raw, setRaw] = useState<string | null>(null);
  const [noteText, setNoteText] = useState('');
  const [noteTag, setNoteTag] = useState<string>('');

  const load = useCallback(() => {
    void call('review:event', { eventId, timeZone: zone }).then(
      (value) => {
        setDetail(value);
        setProblem(null);
      },
      (error: unknown) => setProblem(error instanceof Error ? error.message : String(error)),
    );
  }, [eventId, zone]);
  useEffect(() => {
    setDetail(null);
    load();
  }, [load]);

  const [noteProblem, setNoteProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  // Counted as main counts it (trimmed), so the button and main agree on what is too long.
  const noteLength = noteText.trim().length;
  const noteTooLong = noteLength > NOTE_MAX_LENGTH;
  const addNote = async (): Promise<void> => {
    setSaving(true);
    try {
      await call('review:add-note', { eventId, text: noteText, tag: noteTag === '' ? null : noteTag });
      setNoteText('');
      setNoteTag('');
      setNoteProblem(null);
      load();
      onNotesChanged();
    } catch (error) {
      // The note stays in the box: nothing a reviewer wrote is dropped without a word.
      setNoteProblem(`The note was not saved: ${errorWords(error)}`);
    } finally {
      setSaving(false);
    }
  };
  const removeNote = async (id: number): Promise<void> => {
    try {
      await call('review:delete-note', { id });
      setNoteProblem(null);
      load();
      onNotesChanged();
    } catch (error) {
      setNoteProblem(`The note was not deleted: ${errorWords(error)}`);
    }
  };

  const original = detail === null ? null : DateTime.fromISO(detail.auditedTime, { setZone: true });
  return (
    <Box
      data-testid="event-detail"
      sx={{ p: 2, height: '100%', overflow: 'auto', boxSizing: 'border-box' }}
      role="region"
      aria-label="Event detail"
      onKeyDown={(event) => {
        // Menus and dialogs inside (MUI modals) stop their own Esc; anything else closes the pane.
        if (event.key === 'Escape' && !event.defaultPrevented) {
          event.preventDefault();
          onClose();
        }
      }}
    >
      <Stack direction="row" sx={{ alignItems: 'flex-start', mb: 1 }}>
        <Box sx={{ flexGrow: 1 }}>
          <Typography variant="h6" component="h3" sx={{ lineHeight: 1.3 }}>
            {detail === null ? 'Event' : actionLabel(detail.action)}
            {detail !== null && (
              <Typography component="span" variant="caption" color="text.secondary" sx={{ ml: 1 }}>
                {detail.action}
              </Typography>
            )}
          </Typography>
          {detail !== null && (
            <Typography variant="body2" color="text.secondary">
              {detail.shownTime}
            </Typography>
          )}
        </Box>
        <Tooltip title="Close (Esc)">
          <IconButton aria-label="Close detail" onClick={onClose}>
            <CloseOutlined />
          </IconButton>
        </Tooltip>
      </Stack>
      {problem !== null && <Alert severity="error">{problem}</Alert>}
      {detail !== null && (
        <>
          <Stack direction="row" spacing={1} sx={{ mb: 2, flexWrap: 'wrap', rowGap: 1 }}>
            <Button size="small" variant="outlined" startIcon={<DataObjectOutlined />} onClick={() => void call('review:raw', { eventId }).then(({ raw: text }) => setRaw(text))}>
              Raw JSON
            </Button>
            <Button size="small" variant="outlined" startIcon={<HistoryOutlined />} onClick={() => onViewRecordAsOf(detail.timelines[0] ?? { module: detail.record.module, recordId: detail.record.id }, detail.eventId)}>
              Record as of this event
            </Button>
          </Stack>
          {detail.flags.length > 0 && (
            <Stack direction="row" spacing={0.5} sx={{ mb: 2, flexWrap: 'wrap' }} data-testid="detail-flags">
              {detail.flags.map((flag) => (
                <Chip
                  key={flag}
                  size="small"
                  variant="outlined"
                  label={FLAG_LABELS[flag]}
                  title={`Flag code: ${flag}`}
                  // Filled warning orange under white text falls short of 4.5:1 (axe color-contrast).
                  sx={{ color: (theme) => (theme.palette.mode === 'dark' ? theme.palette.warning.light : '#8a4a00'), borderColor: 'warning.main' }}
                />
              ))}
            </Stack>
          )}
          <Section title="When">
            <Pair label="Shown">{detail.shownTime}</Pair>
            <Pair label="As recorded">
              <span data-testid="detail-original-time">{detail.auditedTime}</span>
              {original?.isValid === true && (
                <Typography component="span" variant="caption" color="text.secondary">
                  {' '}
                  (offset {original.toFormat('ZZ')})
                </Typography>
              )}
            </Pair>
            <Pair label="Event id">{detail.eventId}</Pair>
          </Section>
          <Section title="Who and how">
            {detail.doneBy === null ? (
              <Pair label="Done by">{SYSTEM_ACTOR} — Zoho names no user for this action</Pair>
            ) : (
              <>
                <Pair label="Done by">
                  <bdi>{detail.doneBy.name ?? '—'}</bdi>{' '}
                  <Typography component="span" variant="caption" color="text.secondary">
                    {detail.doneBy.id}
                  </Typography>
                </Pair>
                {detail.doneBy.email !== null && <Pair label="Email">{detail.doneBy.email}</Pair>}
                <Pair label="Profile">{detail.doneBy.profile?.name ?? '—'}</Pair>
                <Pair label="User type">{detail.doneBy.type ?? '—'}</Pair>
              </>
            )}
            {detail.timelineType !== null && <Pair label="Timeline type">{detail.timelineType}</Pair>}
            {detail.extension !== null && <Pair label="Extension">{detail.extension}</Pair>}
            <Pair label="Source">
              {sourceLabel(detail.source)}
              {detail.source !== null && <Code>{detail.source}</Code>}
            </Pair>
            <Pair label="Automation">
              {detail.automation === null ? (
                'none — done by a person'
              ) : (
                <>
                  {detail.automation.words}
                  {detail.automation.id !== null && (
                    <Typography component="span" variant="caption" color="text.secondary">
                      {' '}
                      ({detail.automation.id})
                    </Typography>
                  )}
                </>
              )}
            </Pair>
          </Section>
          <Section title="Record">
            <Pair label={moduleName(detail.record.module)}>
              <bdi>{detail.record.name ?? '—'}</bdi>{' '}
              <Typography component="span" variant="caption" color="text.secondary">
                {detail.record.id}
              </Typography>
            </Pair>
            {detail.relatedRecord !== null && (
              <Pair label={`Related ${moduleName(detail.relatedRecord.module)}`}>
                {detail.relatedRecord.name ?? '—'}{' '}
                <Typography component="span" variant="caption" color="text.secondary">
                  {detail.relatedRecord.id}
                </Typography>
              </Pair>
            )}
            <Pair label="In timelines">{detail.timelines.map((key) => `${key.module}/${key.recordId}`).join(', ') || '—'}</Pair>
          </Section>
          <Section title={`Field changes (${detail.fieldChanges.length})`}>
            {detail.fieldChanges.length === 0 && (
              <Typography variant="body2" color="text.secondary">
                This event changed no fields.
              </Typography>
            )}
            <Stack spacing={1}>
              {detail.fieldChanges.map((change, index) => (
                <FieldChangeCard key={`${change.apiName}-${index}`} change={change} />
              ))}
            </Stack>
          </Section>
          <Divider sx={{ my: 2 }} />
          <Section title={`Reviewer notes (${detail.notes.length})`}>
            <Stack spacing={1} sx={{ mb: 1.5 }} data-testid="detail-notes">
              {detail.notes.map((note) => (
                <Paper key={note.id} variant="outlined" sx={{ p: 1.25 }} data-testid="detail-note">
                  <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
                    <Typography variant="caption" color="text.secondary" sx={{ flexGrow: 1 }}>
                      {note.author} · {formatTimestamp(note.at, zone)}
                    </Typography>
                    {note.tag !== null && <Chip size="small" label={note.tag} color="primary" variant="outlined" />}
                    <IconButton size="small" aria-label="Delete note" onClick={() => void removeNote(note.id)}>
                      <DeleteOutlined fontSize="small" />
                    </IconButton>
                  </Stack>
                  <Typography variant="body2" sx={{ whiteSpace: 'pre-wrap' }}>
                    {note.text}
                  </Typography>
                </Paper>
              ))}
            </Stack>
            <Stack spacing={1}>
              <TextField
                label="Add a note"
                multiline
                minRows={2}
                maxRows={12}
                size="small"
                value={noteText}
                onChange={(event) => setNoteText(event.target.value)}
                error={noteTooLong}
                helperText={
                  noteTooLong
                    ? `${numberFormat.format(noteLength)} / ${numberFormat.format(NOTE_MAX_LENGTH)} characters — ${numberFormat.format(noteLength - NOTE_MAX_LENGTH)} too many: shorten the note to save it.`
                    : `${numberFormat.format(noteLength)} / ${numberFormat.format(NOTE_MAX_LENGTH)} characters`
                }
                slotProps={{ formHelperText: { 'data-testid': 'note-counter', 'aria-live': 'polite' } as object }}
              />
              {noteProblem !== null && (
                <Alert severity="error" onClose={() => setNoteProblem(null)} data-testid="note-problem">
                  {noteProblem}
                </Alert>
              )}
              <Stack direction="row" spacing={1}>
                <TextField select size="small" label="Tag" value={noteTag} onChange={(event) => setNoteTag(event.target.value)} sx={{ width: 160 }}>
                  <MenuItem value="">No tag</MenuItem>
                  {NOTE_TAGS.map((tag) => (
                    <MenuItem key={tag} value={tag}>
                      {tag}
                    </MenuItem>
                  ))}
                </TextField>
                <Box sx={{ flexGrow: 1 }} />
                <Button variant="contained" disabled={noteText.trim() === '' || noteTooLong || saving} onClick={() => void addNote()}>
                  Save note
                </Button>
              </Stack>
            </Stack>
          </Section>
        </>
      )}
      <Dialog open={raw !== null} onClose={() => setRaw(null)} maxWidth="md" fullWidth>
        <DialogTitle>Raw JSON as received from Zoho</DialogTitle>
        <DialogContent dividers>
          <Box component="pre" data-testid="raw-json" sx={{ m: 0, fontSize: 12, whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' }}>
            {raw}
          </Box>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => void navigator.clipboard?.writeText(raw ?? '')}>Copy</Button>
          <Button onClick={() => setRaw(null)}>Close</Button>
        </DialogActions>
      </Dialog>
    </Box>
  );
}

function PickValue({ change, value }: { change: ReviewFieldChange; value: string | null }) {
  if (value === null || value === '')
    return (
      <Typography component="span" color="text.disabled">
        (empty)
      </Typography>
    );
  const entry = change.pickList?.find((candidate) => candidate.actualValue === value || candidate.displayValue === value);
  const colour = change.colourCoded !== false ? (entry?.colour ?? null) : null;
  return <Chip size="small" label={entry?.displayValue ?? value} sx={colour === null ? {} : { bgcolor: colour, color: (theme) => theme.palette.getContrastText(colour) }} variant={colour === null ? 'outlined' : 'filled'} />;
}

function FieldChangeCard({ change }: { change: ReviewFieldChange }) {
  const multiLine = (change.oldValue ?? '').includes('\n') || (change.newValue ?? '').includes('\n') || change.dataType === 'textarea';
  return (
    <Paper variant="outlined" sx={{ p: 1.25 }} data-testid="field-change">
      <Stack direction="row" spacing={1} sx={{ alignItems: 'baseline', mb: 0.5 }}>
        <Typography variant="subtitle2">{change.label ?? change.apiName}</Typography>
        <Typography variant="caption" color="text.secondary">
          {change.apiName}
        </Typography>
        <Box sx={{ flexGrow: 1 }} />
        {change.dataType !== null && <Chip size="small" variant="outlined" label={change.dataType} sx={{ height: 20, fontSize: 11 }} />}
      </Stack>
      {change.pickList !== null ? (
        <>
          <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
            <PickValue change={change} value={change.oldValue} />
            <span>→</span>
            <PickValue change={change} value={change.newValue} />
          </Stack>
          <Stack direction="row" sx={{ flexWrap: 'wrap', gap: 0.5, mt: 1 }} aria-label="Picklist values">
            {change.pickList.map((value) => (
              <Box key={value.actualValue} sx={{ display: 'inline-flex', alignItems: 'center', gap: 0.5, fontSize: 11, color: 'text.secondary', pr: 1 }}>
                <Box sx={{ width: 9, height: 9, borderRadius: '50%', bgcolor: value.colour ?? 'action.disabled', border: 1, borderColor: 'divider' }} />
                {value.displayValue}
              </Box>
            ))}
          </Stack>
        </>
      ) : multiLine ? (
        <Box component="pre" data-testid="line-diff" sx={{ m: 0, fontSize: 12, fontFamily: 'ui-monospace, monospace', whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
          {diffLines(change.oldValue ?? '', change.newValue ?? '').map((line, index) => (
            <Box
              key={index}
              sx={{
                px: 0.5,
                bgcolor: line.kind === 'added' ? 'rgba(46,160,67,0.15)' : line.kind === 'removed' ? 'rgba(248,81,73,0.15)' : 'transparent',
                textDecoration: line.kind === 'removed' ? 'line-through' : 'none',
              }}
            >
              {line.kind === 'added' ? '+ ' : line.kind === 'removed' ? '− ' : '  '}
              {line.text}
            </Box>
          ))}
        </Box>
      ) : (
        <Stack direction="row" spacing={1} sx={{ alignItems: 'baseline', flexWrap: 'wrap' }}>
          <Typography variant="body2" color="text.secondary" sx={{ textDecoration: change.oldValue === null ? 'none' : 'line-through', overflowWrap: 'anywhere' }}>
            {shown(change.oldValue)}
          </Typography>
          <span>→</span>
          <Typography variant="body2" sx={{ fontWeight: 500, overflowWrap: 'anywhere' }}>
            {shown(change.newValue)}
          </Typography>
        </Stack>
      )}
    </Paper>
  );
}
