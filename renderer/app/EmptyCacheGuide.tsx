import { useEffect, useState } from 'react';
import { Box } from '@mui/material';
import { NextStep } from '../components/NextStep';
import { call, subscribe } from '../ipc/client';

/** Over the Review screen while nothing is cached: what to do first, and the way there. */
export function EmptyCacheGuide() {
  const [events, setEvents] = useState<number | null>(null);
  useEffect(() => {
    let live = true;
    const load = (): void => {
      void call('records:overview', {}).then(
        (overview) => live && setEvents(overview.cache.events),
        () => undefined, // the screen below reports its own errors
      );
    };
    load();
    const off = subscribe('records:changed', load);
    return () => {
      live = false;
      off();
    };
  }, []);
  if (events !== 0) return null;
  return (
    <Box sx={{ px: 3, pt: 2 }}>
      <NextStep title="No events cached yet — add records and fetch them in Records" screen="records" testId="next-step-empty-review">
        Review reads the local cache: choose the records to audit and sync their timelines first.
      </NextStep>
    </Box>
  );
}
