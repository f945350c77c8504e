import { Dialog, DialogActions, DialogContent, DialogTitle, Button, Table, TableBody, TableCell, TableRow, Typography, CircularProgress } from '@mui/material';
import { useRequest } from '../ipc/client';

export function AboutDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [versions] = useRequest('app:versions', {});
  return (
    <Dialog open={open} onClose={onClose} aria-labelledby="about-title" maxWidth="xs" fullWidth>
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
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
