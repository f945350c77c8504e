import { useEffect, useState } from 'react';
import { Alert, Autocomplete, Button, Checkbox, Dialog, DialogActions, DialogContent, DialogTitle, Divider, FormControlLabel, Stack, Switch, TextField, Typography } from '@mui/material';
import type { FlagRules, ReviewFacets } from '../../preload/contract';
import { call } from '../ipc/client';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Edits the review rules (stored in main); saving recomputes every event's flags. */
export function FlagRulesDialog({ open, onClose, onSaved, facets }: { open: boolean; onClose: () => void; onSaved: (flagged: number) => void; facets: ReviewFacets | null }) {
  const [rules, setRules] = useState<FlagRules | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (open) void call('review:rules', {}).then(setRules);
  }, [open]);
  if (rules === null) return null;
  const set = <K extends keyof FlagRules>(key: K, value: Partial<FlagRules[K]>): void => setRules({ ...rules, [key]: { ...rules[key], ...value } });
  const save = async (): Promise<void> => {
    setSaving(true);
    try {
      const result = await call('review:set-rules', rules);
      setProblem(null);
      onSaved(result.flagged);
      onClose();
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setSaving(false);
    }
  };
  const toggle = (key: keyof FlagRules, label: string) => (
    <FormControlLabel control={<Switch checked={rules[key].enabled} onChange={(event) => set(key, { enabled: event.target.checked })} />} label={<Typography variant="subtitle2">{label}</Typography>} />
  );
  const number = (value: number, onChange: (value: number) => void, label: string, min: number, max: number) => (
    <TextField size="small" type="number" label={label} value={value} sx={{ width: 112 }} slotProps={{ htmlInput: { min, max } }} onChange={(event) => onChange(Math.max(min, Math.min(max, Math.trunc(Number(event.target.value) || min))))} />
  );
  return (
    <Dialog open={open} onClose={onClose} maxWidth="sm" fullWidth>
      <DialogTitle>Review flags</DialogTitle>
      <DialogContent dividers>
        <Stack spacing={1.5}>
          {toggle('offHours', 'Changes outside working hours')}
          <Stack direction="row" spacing={1.5} sx={{ pl: 6, flexWrap: 'wrap', rowGap: 1 }}>
            {number(rules.offHours.startHour, (value) => set('offHours', { startHour: value }), 'From hour', 0, 23)}
            {number(rules.offHours.endHour, (value) => set('offHours', { endHour: value }), 'To hour', 1, 24)}
            <TextField size="small" label="Time zone (IANA, e.g. Europe/Berlin)" value={rules.offHours.timeZone} onChange={(event) => set('offHours', { timeZone: event.target.value })} sx={{ flex: 1 }} />
          </Stack>
          <Stack direction="row" sx={{ pl: 6 }}>
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
          <Stack direction="row" spacing={1.5} sx={{ pl: 6, alignItems: 'center' }}>
            {number(rules.massChange.events, (value) => set('massChange', { events: value }), 'Events (N)', 2, 100000)}
            <Typography variant="body2">within</Typography>
            {number(rules.massChange.minutes, (value) => set('massChange', { minutes: value }), 'Minutes (M)', 1, 10080)}
          </Stack>
          <Divider />
          {toggle('apiByPerson', 'Changes through the API by a person’s account')}
          <Autocomplete
            sx={{ pl: 6 }}
            multiple
            size="small"
            options={facets?.zohoFilter.sources ?? []}
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
