import { useEffect, useMemo, useState } from 'react';
import { Alert, Autocomplete, Box, Button, Checkbox, Chip, Dialog, DialogActions, DialogContent, DialogTitle, Divider, FormControlLabel, Stack, Switch, TextField, Typography } from '@mui/material';
import { flagRulesSchema, type FlagRules, type ReviewFacets } from '../../preload/contract';
import { FLAG_LABELS, sourceLabel } from '../../preload/labels';
import { call } from '../ipc/client';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const numberFormat = new Intl.NumberFormat();

/** Every IANA zone this browser knows (the same Intl main checks against), UTC first. */
function timeZoneOptions(): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return ['UTC', ...known.filter((zone) => zone !== 'UTC')];
}

/** What a number field holds while typed: the text as typed, so "25" stays visible with its message instead of silently becoming 23. */
type NumberTexts = Record<'startHour' | 'endHour' | 'events' | 'minutes', string>;

function textsOf(rules: FlagRules): NumberTexts {
  return { startHour: String(rules.offHours.startHour), endHour: String(rules.offHours.endHour), events: String(rules.massChange.events), minutes: String(rules.massChange.minutes) };
}

/** The rules with the typed numbers in them: text that is not a number stays text, so the contract's schema refuses it in words. */
function withTexts(rules: FlagRules, texts: NumberTexts): unknown {
  const value = (text: string): number | string => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text);
  return {
    ...rules,
    offHours: { ...rules.offHours, startHour: value(texts.startHour), endHour: value(texts.endHour) },
    massChange: { ...rules.massChange, events: value(texts.events), minutes: value(texts.minutes) },
  };
}

/** Edits the review rules (stored in main); saving recomputes every event's flags. */
export function FlagRulesDialog({ open, onClose, onSaved, facets }: { open: boolean; onClose: () => void; onSaved: (flagged: number) => void; facets: ReviewFacets | null }) {
  const [rules, setRules] = useState<FlagRules | null>(null);
  const [texts, setTexts] = useState<NumberTexts | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const zones = useMemo(timeZoneOptions, []);
  useEffect(() => {
    if (open)
      void call('review:rules', {}).then((loaded) => {
        setRules(loaded);
        setTexts(textsOf(loaded));
        setProblem(null);
      });
  }, [open]);
  // The same schema main applies, so each field shows main's words before anything is sent.
  const checked = useMemo(() => (rules === null || texts === null ? null : flagRulesSchema.safeParse(withTexts(rules, texts))), [rules, texts]);
  if (rules === null || texts === null || checked === null) return null;
  const fieldError = (section: keyof FlagRules, field: string): string | undefined => (checked.success ? undefined : checked.error.issues.find((issue) => issue.path[0] === section && issue.path[1] === field)?.message.replace(/^[^:]+: /, ''));
  const set = <K extends keyof FlagRules>(key: K, value: Partial<FlagRules[K]>): void => setRules({ ...rules, [key]: { ...rules[key], ...value } });
  const save = async (): Promise<void> => {
    if (!checked.success) {
      setProblem([...new Set(checked.error.issues.map((issue) => issue.message))].join('. ') + '.');
      return;
    }
    setSaving(true);
    try {
      const result = await call('review:set-rules', checked.data);
      setProblem(null);
      onSaved(result.flagged);
      onClose();
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setSaving(false);
    }
  };
  // Each rule's switch describes what it flags (its flag's name, FLAG_LABELS, is in the summary above and on the events).
  const toggle = (key: keyof FlagRules, label: string) => (
    <FormControlLabel control={<Switch checked={rules[key].enabled} onChange={(event) => set(key, { enabled: event.target.checked })} />} label={<Typography variant="subtitle2">{label}</Typography>} />
  );
  const number = (key: keyof NumberTexts, section: keyof FlagRules, label: string, width = 140) => {
    const error = fieldError(section, key);
    return (
      <TextField
        size="small"
        label={label}
        value={texts[key]}
        error={error !== undefined}
        helperText={error}
        sx={{ width: error === undefined ? width : 220 }}
        slotProps={{ htmlInput: { inputMode: 'numeric', 'aria-label': label } }}
        onChange={(event) => setTexts({ ...texts, [key]: event.target.value })}
      />
    );
  };
  const start = Number(texts.startHour);
  const end = Number(texts.endHour);
  const overnight = checked.success && end <= start;
  const topReasons = (facets?.flags ?? []).filter((entry) => entry.count > 0);
  const zoneError = fieldError('offHours', 'timeZone');
  return (
    <Dialog open={open} onClose={onClose} maxWidth="sm" fullWidth>
      <DialogTitle>Review flags</DialogTitle>
      <DialogContent dividers>
        <Stack spacing={1.5}>
          {facets !== null && (
            <Box>
              <Typography variant="body2">
                {numberFormat.format(facets.flaggedEvents)} {facets.flaggedEvents === 1 ? 'event is' : 'events are'} flagged now{topReasons.length > 0 ? '; the most frequent reasons:' : '.'}
              </Typography>
              {topReasons.length > 0 && (
                <Stack direction="row" spacing={0.75} sx={{ flexWrap: 'wrap', rowGap: 0.75, mt: 0.75 }} aria-label="Most frequent flag reasons">
                  {topReasons.map((entry) => (
                    <Chip key={entry.flag} size="small" variant="outlined" label={`${FLAG_LABELS[entry.flag]}: ${numberFormat.format(entry.count)}`} />
                  ))}
                </Stack>
              )}
            </Box>
          )}
          <Divider />
          {toggle('offHours', 'Changes outside working hours')}
          <Stack direction="row" spacing={1.5} sx={{ pl: 6, flexWrap: 'wrap', rowGap: 1, alignItems: 'flex-start' }}>
            {number('startHour', 'offHours', 'From hour (0–23)')}
            {number('endHour', 'offHours', 'To hour (0–23)')}
            <Autocomplete
              size="small"
              sx={{ flex: 1, minWidth: 220 }}
              options={zones}
              value={rules.offHours.timeZone}
              // A zone typed that is not in the list stays as typed and is refused in words (never replaced by another zone).
              freeSolo
              autoSelect
              onChange={(_event, value) => set('offHours', { timeZone: value ?? '' })}
              onInputChange={(_event, value, reason) => reason === 'input' && set('offHours', { timeZone: value })}
              renderInput={(params) => <TextField {...params} label="Time zone" error={zoneError !== undefined} helperText={zoneError} />}
            />
          </Stack>
          <Typography variant="caption" color="text.secondary" sx={{ pl: 6 }}>
            {overnight
              ? `A night shift: ${start}:00 to ${end}:00 the next morning; the hours after midnight count for the day the shift started.`
              : 'Working hours from the first hour up to (not including) the second; a second hour at or before the first is a night shift.'}
          </Typography>
          <Stack direction="row" sx={{ pl: 6 }} role="group" aria-label="Working days">
            {DAYS.map((day, index) => (
              <FormControlLabel
                key={day}
                control={
                  <Checkbox
                    size="small"
                    checked={rules.offHours.workDays.includes(index + 1)}
                    onChange={(event) => set('offHours', { workDays: event.target.checked ? [...rules.offHours.workDays, index + 1].sort() : rules.offHours.workDays.filter((value) => value !== index + 1) })}
                  />
                }
                label={day}
              />
            ))}
          </Stack>
          <Divider />
          {toggle('massChange', 'Mass changes by one user')}
          <Stack direction="row" spacing={1.5} sx={{ pl: 6, alignItems: 'flex-start' }}>
            {number('events', 'massChange', 'Events (N)')}
            <Typography variant="body2" sx={{ pt: 1 }}>
              within
            </Typography>
            {number('minutes', 'massChange', 'Minutes (M)')}
          </Stack>
          <Divider />
          {toggle('apiByPerson', 'Changes through the API by a person’s account')}
          <Autocomplete
            sx={{ pl: 6 }}
            multiple
            size="small"
            options={facets?.zohoFilter.sources ?? []}
            getOptionLabel={sourceLabel}
            value={rules.apiByPerson.sources}
            onChange={(_event, value) => set('apiByPerson', { sources: value })}
            renderInput={(params) => <TextField {...params} label="API sources" />}
          />
          <Divider />
          {toggle('ownerChange', 'Owner changes')}
          {toggle('deletion', 'Deletions')}
          <Divider />
          {toggle('sensitiveFields', 'Changes to sensitive fields')}
          <Autocomplete
            sx={{ pl: 6 }}
            multiple
            freeSolo
            size="small"
            options={(facets?.fields ?? []).map((field) => field.apiName)}
            getOptionLabel={(apiName) => facets?.fields.find((field) => field.apiName === apiName)?.label ?? apiName}
            value={rules.sensitiveFields.fields}
            onChange={(_event, value) => set('sensitiveFields', { fields: value })}
            renderInput={(params) => <TextField {...params} label="Sensitive fields" />}
          />
          {problem !== null && <Alert severity="error">{problem}</Alert>}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="contained" disabled={saving} onClick={() => void save()}>
          Save and recompute
        </Button>
      </DialogActions>
    </Dialog>
  );
}
