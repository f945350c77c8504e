import { useState, type ReactNode } from 'react';
import { Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle, Stack, TextField, Typography } from '@mui/material';
import type { ExportCaseInput, ExportStartInput } from '../../preload/contract';
import { call, IpcCallError } from '../ipc/client';

export interface CaseFieldsValue {
  reference: string;
  purpose: string;
  reviewer: string;
}

export const EMPTY_CASE: CaseFieldsValue = { reference: '', purpose: '', reviewer: '' };

/** The case fields as the contract takes them (absent when all are empty). */
export function caseInput(value: CaseFieldsValue): ExportCaseInput | undefined {
  if (value.reference.trim() === '' && value.purpose.trim() === '' && value.reviewer.trim() === '') return undefined;
  return { reference: value.reference, purpose: value.purpose, reviewer: value.reviewer };
}

/** Case reference, purpose and reviewer: stored in the packet's manifest and printed on the report's cover. */
export function CaseFields({ value, onChange }: { value: CaseFieldsValue; onChange: (value: CaseFieldsValue) => void }) {
  return (
    <Stack spacing={1.25} sx={{ mt: 1 }} data-testid="export-case">
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1.25}>
        <TextField size="small" label="Case reference" placeholder="AUD-2026-114" value={value.reference} onChange={(event) => onChange({ ...value, reference: event.target.value })} slotProps={{ htmlInput: { maxLength: 120 } }} sx={{ flex: 1 }} />
        <TextField
          size="small"
          label="Reviewer (name and role)"
          placeholder="Ana Ruiz, Compliance"
          value={value.reviewer}
          onChange={(event) => onChange({ ...value, reviewer: event.target.value })}
          slotProps={{ htmlInput: { maxLength: 200 } }}
          sx={{ flex: 1 }}
        />
      </Stack>
      <TextField size="small" label="Purpose" placeholder="Q4 review of changes to deal amounts" value={value.purpose} onChange={(event) => onChange({ ...value, purpose: event.target.value })} slotProps={{ htmlInput: { maxLength: 1000 } }} />
    </Stack>
  );
}

/**
 * Starts an export; when main refuses it because a record was not fetched completely, asks the
 * person whether to export anyway — with those records marked incomplete in the packet — instead of
 * silently passing them off as whole.
 */
export function useExportStart(onProblem: (message: string) => void): { start: (input: ExportStartInput) => Promise<boolean>; dialog: ReactNode } {
  const [pending, setPending] = useState<{ input: ExportStartInput; message: string; resolve: (started: boolean) => void } | null>(null);
  const attempt = async (input: ExportStartInput): Promise<boolean> => {
    try {
      await call('export:start', input);
      return true;
    } catch (error) {
      if (error instanceof IpcCallError && error.code === 'EXPORT_INCOMPLETE' && input.allowIncomplete !== true) {
        return new Promise<boolean>((resolve) => setPending({ input, message: error.message, resolve }));
      }
      onProblem(error instanceof IpcCallError && error.hint !== undefined ? `${error.message} ${error.hint}` : error instanceof Error ? error.message : String(error));
      return false;
    }
  };
  const close = (started: boolean): void => {
    pending?.resolve(started);
    setPending(null);
  };
  const dialog = (
    <Dialog open={pending !== null} onClose={() => close(false)} maxWidth="sm" fullWidth aria-labelledby="incomplete-title">
      <DialogTitle id="incomplete-title">Some records were not fetched completely</DialogTitle>
      <DialogContent>
        <Typography variant="body2" sx={{ whiteSpace: 'pre-line', mb: 1.5 }} data-testid="incomplete-message">
          {pending?.message}
        </Typography>
        <Alert severity="warning" variant="outlined">
          Fetch them again on the Records screen to export their whole history. If you export now, the packet and the report mark each of them as incomplete, with the reason — an auditor will see it.
        </Alert>
      </DialogContent>
      <DialogActions>
        <Button onClick={() => close(false)}>Cancel</Button>
        <Button
          color="warning"
          variant="contained"
          onClick={() => {
            if (pending === null) return;
            const { input, resolve } = pending;
            setPending(null);
            void attempt({ ...input, allowIncomplete: true }).then(resolve);
          }}
        >
          Export anyway, marked incomplete
        </Button>
      </DialogActions>
    </Dialog>
  );
  return { start: attempt, dialog };
}
