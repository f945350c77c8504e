import { useRef, useState } from 'react';
import { Alert, Box, Button, Card, CardContent, MenuItem, Stack, Tab, Tabs, TextField, Typography } from '@mui/material';
import type { AddRecordsResult } from '../../preload/contract';
import { call, IpcCallError } from '../ipc/client';

type Source = 'paste' | 'csv' | 'module';
const MAX_CSV_BYTES = 5_000_000;

/** Adds records to the tracked list: pasted `Module/id` lines, a CSV of ids, or a whole module. */
export function AddRecordsCard({ modules, onAdded }: { modules: string[]; onAdded: () => void }) {
  const [source, setSource] = useState<Source>('paste');
  const [text, setText] = useState('');
  const [defaultModule, setDefaultModule] = useState('Leads');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<AddRecordsResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const submit = async (action: () => Promise<AddRecordsResult>): Promise<void> => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const outcome = await action();
      setResult(outcome);
      if (outcome.added > 0) {
        setText('');
        onAdded();
      }
    } catch (reason) {
      setError(reason instanceof IpcCallError && reason.hint !== undefined ? `${reason.message} ${reason.hint}` : reason instanceof Error ? reason.message : String(reason));
    } finally {
      setBusy(false);
    }
  };

  const onFile = async (file: File | undefined): Promise<void> => {
    if (file === undefined) return;
    if (file.size > MAX_CSV_BYTES) {
      setError(`${file.name} is ${Math.round(file.size / 1e6)} MB; import files up to 5 MB, or split the list.`);
      return;
    }
    const content = await file.text();
    await submit(() => call('records:add', { text: content, defaultModule, format: 'csv' }));
    if (fileInput.current !== null) fileInput.current.value = '';
  };

  const moduleSelect = (
    <TextField select size="small" label={source === 'module' ? 'Module' : 'Module for bare ids'} value={defaultModule} onChange={(event) => setDefaultModule(event.target.value)} sx={{ minWidth: 200 }}>
      {modules.map((module) => (
        <MenuItem key={module} value={module}>
          {module}
        </MenuItem>
      ))}
    </TextField>
  );

  return (
    <Card variant="outlined" sx={{ mb: 2 }}>
      <CardContent>
        <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600 }}>
          Add records
        </Typography>
        <Tabs value={source} onChange={(_event, value: Source) => setSource(value)} sx={{ mb: 2 }} aria-label="How to add records">
          <Tab value="paste" label="Paste ids" />
          <Tab value="csv" label="Import CSV" />
          <Tab value="module" label="Whole module" />
        </Tabs>
        {source === 'paste' && (
          <Stack spacing={1.5}>
            <TextField
              multiline
              minRows={3}
              maxRows={10}
              label="Records"
              placeholder={'Leads/554023000001122039\nDeals/554023000000612001\n554023000000998877'}
              helperText="One per line (or separated by commas): Module/RecordId, or a bare id for the module chosen here."
              value={text}
              onChange={(event) => setText(event.target.value)}
              slotProps={{ htmlInput: { 'aria-label': 'Records to add', spellCheck: false, style: { fontFamily: 'monospace' } } }}
            />
            <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
              {moduleSelect}
              <Button variant="contained" disabled={busy || text.trim() === ''} onClick={() => void submit(() => call('records:add', { text, defaultModule, format: 'paste' }))}>
                Add
              </Button>
            </Stack>
          </Stack>
        )}
        {source === 'csv' && (
          <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
            {moduleSelect}
            <Button variant="contained" component="label" disabled={busy}>
              Choose CSV file…
              <input ref={fileInput} hidden type="file" accept=".csv,text/csv" aria-label="CSV file" onChange={(event) => void onFile(event.target.files?.[0])} />
            </Button>
            <Typography variant="body2" color="text.secondary">
              A column named id, record_id or Record Id; optionally a module column.
            </Typography>
          </Stack>
        )}
        {source === 'module' && (
          <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
            {moduleSelect}
            <Button variant="contained" disabled={busy} onClick={() => void submit(() => call('records:add-module', { module: defaultModule }))}>
              Add all records of {defaultModule}
            </Button>
          </Stack>
        )}
        <Box sx={{ mt: 1.5 }}>
          {error !== null && <Alert severity="error">{error}</Alert>}
          {result !== null && (
            <Alert severity={result.problems.length > 0 ? 'warning' : 'success'} data-testid="add-records-result">
              Added {result.added} record{result.added === 1 ? '' : 's'}.
              {result.problems.slice(0, 5).map((problem) => (
                <div key={problem.line}>
                  Line {problem.line} ({problem.text}): {problem.message}
                </div>
              ))}
              {result.problems.length > 5 && <div>…and {result.problems.length - 5} more lines could not be read.</div>}
            </Alert>
          )}
        </Box>
      </CardContent>
    </Card>
  );
}
