import { Alert, AlertTitle, Button, Dialog, DialogActions, DialogContent, DialogTitle, Table, TableBody, TableCell, TableRow, Typography } from '@mui/material';
import CheckCircleOutlined from '@mui/icons-material/CheckCircleOutlined';
import ErrorOutlined from '@mui/icons-material/ErrorOutlined';
import type { PacketVerificationView } from '../../preload/contract';

/** What verification found, file by file, in words a reviewer can act on. */
export function PacketVerificationDialog({ name, result, onClose }: { name: string; result: PacketVerificationView | null; onClose: () => void }) {
  return (
    <Dialog open={result !== null} onClose={onClose} maxWidth="sm" fullWidth aria-labelledby="verification-title">
      <DialogTitle id="verification-title">Verification of {name}</DialogTitle>
      <DialogContent dividers>
        {result !== null && (
          <>
            <Alert severity={result.ok ? 'success' : 'error'} sx={{ mb: 2 }} data-testid="verification-verdict">
              <AlertTitle>{result.ok ? 'Intact' : 'Not intact'}</AlertTitle>
              {result.ok ? 'Every file matches the signed manifest and the signature is valid.' : `${result.firstProblem?.file ?? 'The packet'}: ${result.firstProblem?.problem ?? 'does not verify.'}`}
            </Alert>
            <Table size="small" aria-label="Files in the packet">
              <TableBody>
                {result.files.map((file) => (
                  <TableRow key={file.name}>
                    <TableCell sx={{ width: 32 }}>{file.ok ? <CheckCircleOutlined color="success" fontSize="small" /> : <ErrorOutlined color="error" fontSize="small" />}</TableCell>
                    <TableCell sx={{ fontFamily: 'monospace' }}>{file.name}</TableCell>
                    <TableCell>{file.ok ? 'matches' : file.problem}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            <Typography variant="body2" color="text.secondary" sx={{ mt: 2 }}>
              Signed by key {result.signerFingerprint ?? 'unknown'}
              {result.signedByThisInstallation ? ' — this installation’s key.' : ' — not this installation’s key: compare it with the fingerprint the packet’s author gave you.'}
            </Typography>
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
