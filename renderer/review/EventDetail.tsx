import { useCallback, useEffect, useState } from 'react';
import { Alert, Box, Button, Chip, Dialog, DialogActions, DialogContent, DialogTitle, Divider, IconButton, MenuItem, Paper, Stack, TextField, Tooltip, Typography } from '@mui/material';
import CloseOutlined from '@mui/icons-material/CloseOutlined';
import DataObjectOutlined from '@mui/icons-material/DataObjectOutlined';
import DeleteOutlined from '@mui/icons-material/DeleteOutlined';
import HistoryOutlined from '@mui/icons-material/HistoryOutlined';
import { DateTime } from 'luxon';
import { SYSTEM_ACTOR, type ReviewEventDetail, type ReviewFieldChange } from '../../preload/contract';
import { call } from '../ipc/client';
import { diffLines } from './line-diff';
import { FLAG_LABELS, shown } from './review-model';

export const NOTE_TAGS = ['reviewed', 'follow-up', 'suspicious', 'explained'] as const;

interface Props {
  eventId: string;
  /** The resolved zone name (settings:time-zone). */
  zone: string;
  onClose: () => void;
  /** A note was added or removed (the table's note column changes). */
  onNotesChanged: () => void;
  onViewRecordAsOf: (record: { module: string; recordId: string }, eventId: string) => void;
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

  const addNote = async (): Promise<void> => {
    await call('review:add-note', { eventId, text: noteText, tag: noteTag === '' ? null : noteTag });
    setNoteText('');
    setNoteTag('');
    load();
    onNotesChanged();
  };
  const removeNote = async (id: number): Promise<void> => {
    await call('review:delete-note', { id });
    load();
    onNotesChanged();
  };

  const original = detail === null ? null : DateTime.fromISO(detail.auditedTime, { setZone: true });
  return (
    <Box data-testid="event-detail" sx={{ width: 520, p: 2, height: '100%', overflow: 'auto' }} role="region" aria-label="Event detail">
      <Stack direction="row" sx={{ alignItems: 'flex-start', mb: 1 }}>
        <Box sx={{ flexGrow: 1 }}>
          <Typography variant="h6" sx={{ textTransform: 'capitalize', lineHeight: 1.3 }}>
            {detail?.action.replace(/_/g, ' ') ?? 'Event'}
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
                <Chip key={flag} size="small" color="warning" label={FLAG_LABELS[flag]} />
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
                  {detail.doneBy.name ?? '—'}{' '}
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
            <Pair label="Source">{detail.source ?? '—'}</Pair>
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
            <Pair label={detail.record.module}>
              {detail.record.name ?? '—'}{' '}
              <Typography component="span" variant="caption" color="text.secondary">
                {detail.record.id}
              </Typography>
            </Pair>
            {detail.relatedRecord !== null && (
              <Pair label={`Related ${detail.relatedRecord.module}`}>
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
                      {note.author} · {DateTime.fromMillis(note.at, { zone }).toFormat('yyyy-LL-dd HH:mm')}
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
              <TextField label="Add a note" multiline minRows={2} size="small" value={noteText} onChange={(event) => setNoteText(event.target.value)} />
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
                <Button variant="contained" disabled={noteText.trim() === ''} onClick={() => void addNote()}>
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
