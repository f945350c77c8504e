import { useEffect, useState } from 'react';
import { Accordion, AccordionDetails, AccordionSummary, Alert, Dialog, DialogActions, DialogContent, DialogTitle, Button, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography, CircularProgress } from '@mui/material';
import ExpandMore from '@mui/icons-material/ExpandMore';
import licenses from '../../assets/licenses.json';
import { call, useRequest } from '../ipc/client';

type DiagnosticsState = { kind: 'idle' } | { kind: 'gathering' } | { kind: 'ready'; text: string; copied: boolean; copyError: string | null } | { kind: 'failed'; message: string };

/**
 * "Copy diagnostics": main gathers versions, OS, settings, the admin policy, cache figures and the
 * last log lines (secrets scrubbed); the text is copied and also shown, so it can be selected by
 * hand where the clipboard is refused.
 */
function DiagnosticsSection() {
  const [state, setState] = useState<DiagnosticsState>({ kind: 'idle' });
  const gather = async () => {
    setState({ kind: 'gathering' });
    try {
      const { text } = await call('app:diagnostics', {});
      try {
        await navigator.clipboard.writeText(text);
        setState({ kind: 'ready', text, copied: true, copyError: null });
      } catch (error) {
        setState({ kind: 'ready', text, copied: false, copyError: (error as Error).message });
      }
    } catch (error) {
      setState({ kind: 'failed', message: (error as Error).message });
    }
  };
  return (
    <>
      <Button variant="outlined" size="small" sx={{ mt: 2 }} onClick={() => void gather()} disabled={state.kind === 'gathering'} data-testid="copy-diagnostics">
        Copy diagnostics
      </Button>
      {state.kind === 'gathering' && <CircularProgress size={16} sx={{ ml: 1, verticalAlign: 'middle' }} />}
      {state.kind === 'failed' && (
        <Alert severity="error" sx={{ mt: 1 }}>
          {state.message}
        </Alert>
      )}
      {state.kind === 'ready' && (
        <>
          <Alert severity={state.copied ? 'success' : 'warning'} sx={{ mt: 1 }} data-testid="diagnostics-status">
            {state.copied ? 'Copied. Paste it into your support ticket; tokens and secrets are removed.' : `Could not copy (${state.copyError ?? 'refused'}): select the text below and copy it.`}
          </Alert>
          <TextField
            value={state.text}
            multiline
            fullWidth
            minRows={4}
            maxRows={12}
            sx={{ mt: 1, '& textarea': { fontFamily: 'monospace', fontSize: 12 } }}
            slotProps={{ htmlInput: { readOnly: true, 'aria-label': 'Diagnostics', 'data-testid': 'diagnostics-text' } }}
            onFocus={(event) => event.target.select()}
          />
        </>
      )}
    </>
  );
}

/** The About dialog: versions, and the licenses of the bundled open-source packages. */
export function AboutDialog({ open, onClose, showLicenses = false }: { open: boolean; onClose: () => void; showLicenses?: boolean }) {
  const [versions] = useRequest('app:versions', {});
  const [licensesExpanded, setLicensesExpanded] = useState(showLicenses);
  useEffect(() => setLicensesExpanded(showLicenses), [showLicenses, open]);
  return (
    <Dialog open={open} onClose={onClose} aria-labelledby="about-title" maxWidth="sm" fullWidth>
      <DialogTitle id="about-title">About Timeline Auditor</DialogTitle>
      <DialogContent>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          Review the change history of Zoho CRM records offline and hand over provable audit packets.
        </Typography>
        {versions.status === 'loading' && <CircularProgress size={20} />}
        {versions.status === 'error' && <Typography color="error">{versions.error.message}</Typography>}
        {versions.status === 'ready' && (
          <Table size="small" aria-label="versions">
            <TableBody>
              {(
                [
                  ['Version', versions.value.version],
                  ['Shell', versions.value.shell === 'electron' ? 'Desktop app' : 'Browser (development host)'],
                  ['Electron', versions.value.electron ?? '—'],
                  ['Chromium', versions.value.chrome ?? '—'],
                  ['Node.js', versions.value.node],
                  ['Platform', `${versions.value.platform} ${versions.value.arch}`],
                ] as const
              ).map(([label, value]) => (
                <TableRow key={label}>
                  <TableCell component="th" scope="row">
                    {label}
                  </TableCell>
                  <TableCell data-testid={`version-${label.toLowerCase().replace(/[^a-z]/g, '')}`}>{value}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
        <DiagnosticsSection />
        <Accordion expanded={licensesExpanded} onChange={(_event, expanded) => setLicensesExpanded(expanded)} sx={{ mt: 2 }} disableGutters variant="outlined">
          <AccordionSummary expandIcon={<ExpandMore />}>
            <Typography variant="body2">Open-source licenses ({licenses.length} packages)</Typography>
          </AccordionSummary>
          <AccordionDetails sx={{ maxHeight: 260, overflow: 'auto', p: 0 }}>
            <Table size="small" aria-label="Open-source licenses" stickyHeader>
              <TableHead>
                <TableRow>
                  <TableCell>Package</TableCell>
                  <TableCell>Version</TableCell>
                  <TableCell>License</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {licenses.map((entry) => (
                  <TableRow key={`${entry.name}@${entry.version}`}>
                    <TableCell>{entry.name}</TableCell>
                    <TableCell>{entry.version}</TableCell>
                    <TableCell>{entry.license}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </AccordionDetails>
        </Accordion>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
