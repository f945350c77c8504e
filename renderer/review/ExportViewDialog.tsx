import { useState } from 'react';
import { Alert, Button, Checkbox, Dialog, DialogActions, DialogContent, DialogTitle, FormControlLabel, FormGroup, Typography } from '@mui/material';
import type { ExportFormat, LocalFilterGroupInput } from '../../preload/contract';
import { CaseFields, caseInput, EMPTY_CASE, useExportStart, type CaseFieldsValue } from '../exports/ExportStart';
import { numberFormat } from '../records/format';

const FORMATS: Array<{ format: ExportFormat; label: string }> = [
  { format: 'packet', label: 'Signed audit packet (.zip) — report, CSV, raw events, signed manifest' },
  { format: 'pdf', label: 'PDF report' },
  { format: 'csv', label: 'CSV (one row per field change)' },
];

export interface ExportViewDialogProps {
  open: boolean;
  onClose: () => void;
  /** The filter on screen, as the contract takes it, and the words its chips show. */
  filter: LocalFilterGroupInput;
  words: string;
  /** The saved view the filter is, when it is one (named in the packet). */
  viewName: string | null;
  events: number | null;
  /** Called once the export is running (its progress is on the Exports screen). */
  onStarted: () => void;
}

/** Exports what the reviewer is looking at: the filter on screen (or the saved view it is), over every tracked record. */
export function ExportViewDialog({ open, onClose, filter, words, viewName, events, onStarted }: ExportViewDialogProps) {
  const [formats, setFormats] = useState<Set<ExportFormat>>(new Set(['packet']));
  const [exportCase, setExportCase] = useState<CaseFieldsValue>(EMPTY_CASE);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const exporter = useExportStart(setProblem);
  const start = async (): Promise<void> => {
    setProblem(null);
    setBusy(true);
    const caseFields = caseInput(exportCase);
    const started = await exporter.start({
      formats: FORMATS.map((entry) => entry.format).filter((format) => formats.has(format)),
      view: { name: viewName, filter, words },
      ...(caseFields === undefined ? {} : { case: caseFields }),
    });
    setBusy(false);
    if (started) onStarted();
  };
  return (
    <>
      {exporter.dialog}
      <Dialog open={open} onClose={onClose} maxWidth="sm" fullWidth aria-labelledby="export-view-title">
        <DialogTitle id="export-view-title">Export what you are looking at</DialogTitle>
        <DialogContent>
          <Typography variant="body2" sx={{ mb: 1 }}>
            {viewName === null ? 'The filter on screen' : `The saved view “${viewName}”`}: <strong>{words === '' ? 'all events' : words}</strong>
          </Typography>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5 }}>
            {events === null ? '' : `${numberFormat.format(events)} events, `}across every record in the cache. The packet records this filter, structured and in words, with a coverage statement for each record.
          </Typography>
          {problem !== null && (
            <Alert severity="error" sx={{ mb: 1.5 }} onClose={() => setProblem(null)}>
              {problem}
            </Alert>
          )}
          <FormGroup>
            {FORMATS.map((entry) => (
              <FormControlLabel
                key={entry.format}
                control={
                  <Checkbox
                    size="small"
                    checked={formats.has(entry.format)}
                    onChange={() =>
                      setFormats((current) => {
                        const next = new Set(current);
                        if (next.has(entry.format)) next.delete(entry.format);
                        else next.add(entry.format);
                        return next;
                      })
                    }
                  />
                }
                label={<Typography variant="body2">{entry.label}</Typography>}
              />
            ))}
          </FormGroup>
          <CaseFields value={exportCase} onChange={setExportCase} />
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="contained" disabled={busy || formats.size === 0 || events === 0} onClick={() => void start()}>
            Export
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
