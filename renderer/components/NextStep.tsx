import { Alert, AlertTitle, Button } from '@mui/material';
import ArrowForward from '@mui/icons-material/ArrowForward';
import { goToScreen, screens, type ScreenId } from '../app/navigation';

/** Tells a newcomer what to do next, with the button that goes there. */
export function NextStep({ title, children, screen, testId }: { title: string; children?: React.ReactNode; screen: ScreenId; testId?: string }) {
  const label = screens.find((entry) => entry.id === screen)?.label ?? screen;
  return (
    <Alert
      severity="info"
      variant="outlined"
      sx={{ mb: 2, alignItems: 'center' }}
      data-testid={testId ?? 'next-step'}
      action={
        <Button variant="contained" size="small" endIcon={<ArrowForward />} onClick={() => goToScreen(screen)} sx={{ whiteSpace: 'nowrap' }}>
          Go to {label}
        </Button>
      }
    >
      <AlertTitle sx={{ mb: children === undefined ? 0 : undefined }}>{title}</AlertTitle>
      {children}
    </Alert>
  );
}
