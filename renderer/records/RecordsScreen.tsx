import { Box } from '@mui/material';
import { NotYetAvailable } from '../components/NotYetAvailable';
import { ScreenHeader } from '../components/ScreenHeader';

export function RecordsScreen() {
  return (
    <Box sx={{ p: 3 }}>
      <ScreenHeader title="Records" subtitle="Choose records and sync their timelines into the local cache." />
      <NotYetAvailable capability="Sync" detail="Bulk fetch into the offline cache, with progress and resume, arrives with the cache and sync work." />
    </Box>
  );
}
