import { Alert, Button } from '@mui/material';
import { useConnectionStatus } from './useConnectionStatus';

/** Shown on every screen while the Zoho connection is broken or unreadable: nothing can be fetched until it is fixed. */
export function ReconnectBanner({ onReconnect }: { onReconnect: () => void }) {
  const [status] = useConnectionStatus();
  if (status?.state === 'unreadable') {
    return (
      <Alert
        severity="error"
        square
        data-testid="reconnect-banner"
        action={
          <Button color="inherit" size="small" onClick={onReconnect}>
            What to do
          </Button>
        }
      >
        The stored Zoho credentials cannot be read on this computer (another passphrase or keyring). Cached timelines stay available; see Connect to fix it.
      </Alert>
    );
  }
  if (status?.state !== 'broken') return null;
  return (
    <Alert
      severity="warning"
      square
      data-testid="reconnect-banner"
      action={
        <Button color="inherit" size="small" onClick={onReconnect}>
          Reconnect
        </Button>
      }
    >
      Zoho no longer accepts the stored sign-in{status.brokenReason === null ? '' : `: ${status.brokenReason}`}. Cached timelines stay available; reconnect to fetch new ones.
    </Alert>
  );
}
