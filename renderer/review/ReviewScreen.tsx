import { Box } from '@mui/material';
import { NotYetAvailable } from '../components/NotYetAvailable';
import { ScreenHeader } from '../components/ScreenHeader';

export function ReviewScreen() {
  return (
    <Box sx={{ p: 3 }}>
      <ScreenHeader title="Review" subtitle="Read, filter and flag the changes made to your records." />
      <NotYetAvailable capability="Review" detail="The timeline table, filter builders and activity heatmaps work on the offline cache, which arrives first." />
    </Box>
  );
}
