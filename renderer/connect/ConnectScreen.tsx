import { Box } from '@mui/material';
import { NotYetAvailable } from '../components/NotYetAvailable';
import { ScreenHeader } from '../components/ScreenHeader';

export function ConnectScreen() {
  return (
    <Box sx={{ p: 3 }}>
      <ScreenHeader title="Connect" subtitle="Sign in to your Zoho CRM organisation." />
      <NotYetAvailable capability="Sign-in" detail="Connecting to Zoho CRM (and the demo workspace) arrives with the sign-in work." />
    </Box>
  );
}
