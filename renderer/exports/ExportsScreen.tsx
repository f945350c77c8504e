import { Box } from '@mui/material';
import { NotYetAvailable } from '../components/NotYetAvailable';
import { ScreenHeader } from '../components/ScreenHeader';

export function ExportsScreen() {
  return (
    <Box sx={{ p: 3 }}>
      <ScreenHeader title="Exports" subtitle="CSV, PDF and signed audit packets from the cache." />
      <NotYetAvailable capability="Exports" detail="CSV, PDF reports and signed audit packets arrive after the review screens." />
    </Box>
  );
}
