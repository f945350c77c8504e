import { Alert, AlertTitle } from '@mui/material';

/** An honest empty state for a capability that has not been built yet. */
export function NotYetAvailable({ capability, detail }: { capability: string; detail: string }) {
  return (
    <Alert severity="info" variant="outlined" sx={{ maxWidth: 720 }}>
      <AlertTitle>{capability} is not available in this version yet</AlertTitle>
      {detail}
    </Alert>
  );
}
