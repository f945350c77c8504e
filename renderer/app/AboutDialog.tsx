import { useEffect, useState } from 'react';
import { Accordion, AccordionDetails, AccordionSummary, Dialog, DialogActions, DialogContent, DialogTitle, Button, Table, TableBody, TableCell, TableHead, TableRow, Typography, CircularProgress } from '@mui/material';
import ExpandMore from '@mui/icons-material/ExpandMore';
import licenses from '../../assets/licenses.json';
import { useRequest } from '../ipc/client';

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
