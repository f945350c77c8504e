import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Box, Button, Card, CardContent, Checkbox, Chip, FormControlLabel, FormGroup, IconButton, LinearProgress, Stack, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Tooltip, Typography } from '@mui/material';
import ContentCopyOutlined from '@mui/icons-material/ContentCopyOutlined';
import type { ExportFormat, ExportHistoryEntry, ExportProgressView, PacketVerificationView, RecordRowView, SigningKeyView } from '../../preload/contract';
import { ScreenHeader } from '../components/ScreenHeader';
import { formatTimestamp } from '../components/time';
import { call, IpcCallError, subscribe } from '../ipc/client';
import { formatBytes, numberFormat } from '../records/format';
import { CaseFields, caseInput, EMPTY_CASE, useExportStart, type CaseFieldsValue } from './ExportStart';
import { PacketVerificationDialog } from './PacketVerificationDialog';

const FORMATS: Array<{ format: ExportFormat; label: string; detail: string }> = [
  { format: 'packet', label: 'Signed audit packet (.zip)', detail: 'Report, CSV, Zoho’s raw events and users, and a manifest signed with this installation’s key' },
  { format: 'pdf', label: 'PDF report', detail: 'Cover, summary, heatmaps and every change, old → new' },
  { format: 'csv', label: 'CSV', detail: 'One row per field change; opens in Excel' },
];

const PHASES: Record<string, string> = { counting: 'Counting events', csv: 'Writing the CSV and raw events', pdf: 'Drawing the PDF report', signing: 'Signing the manifest', zip: 'Packing', done: 'Finishing' };
const MAX_VERIFY_BYTES = 100_000_000;

function messageOf(error: unknown): string {
  if (error instanceof IpcCallError) return error.hint === undefined ? error.message : `${error.message} ${error.hint}`;
  return error instanceof Error ? error.message : String(error);
}

function Copyable({ text, label, wrap = false }: { text: string; label: string; wrap?: boolean }) {
  return (
    <Stack direction="row" spacing={0.5} sx={{ alignItems: 'center', minWidth: 0 }}>
      <Typography variant="body2" sx={wrap ? { fontFamily: 'monospace', wordBreak: 'break-all' } : { fontFamily: 'monospace', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} title={text}>
        {text}
      </Typography>
      <Tooltip title={`Copy ${label}`}>
        <IconButton size="small" aria-label={`Copy ${label}`} onClick={() => void navigator.clipboard?.writeText(text)}>
          <ContentCopyOutlined fontSize="inherit" />
        </IconButton>
      </Tooltip>
    </Stack>
  );
}

export function ExportsScreen() {
  const [records, setRecords] = useState<RecordRowView[] | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [formats, setFormats] = useState<Set<ExportFormat>>(new Set(['packet']));
  const [progress, setProgress] = useState<ExportProgressView | null>(null);
  const [history, setHistory] = useState<ExportHistoryEntry[]>([]);
  const [key, setKey] = useState<SigningKeyView | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [verification, setVerification] = useState<{ name: string; result: PacketVerificationView } | null>(null);
  const [revealed, setRevealed] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const [exportCase, setExportCase] = useState<CaseFieldsValue>(EMPTY_CASE);
  const exporter = useExportStart(setProblem);

  const reloadHistory = useCallback(() => void call('export:history', {}).then(setHistory), []);
  useEffect(() => {
    void call('records:overview', {}).then((overview) => {
      const cached = overview.records.filter((row) => row.eventCount > 0);
      setRecords(cached);
      setChosen(new Set(cached.map((row) => `${row.module}/${row.recordId}`)));
    });
    void call('export:signing-key', {}).then(setKey, (error: unknown) => setProblem(messageOf(error)));
    reloadHistory();
    return subscribe('export:progress', (update) => {
      setProgress(update);
      if (update.state !== 'running') reloadHistory();
    });
  }, [reloadHistory]);

  const selected = useMemo(() => (records ?? []).filter((row) => chosen.has(`${row.module}/${row.recordId}`)), [records, chosen]);
  const running = progress?.state === 'running';
  const start = async (): Promise<void> => {
    setProblem(null);
    setRevealed(null);
    const caseFields = caseInput(exportCase);
    await exporter.start({
      records: selected.map(({ module, recordId }) => ({ module, recordId })),
      formats: FORMATS.map((entry) => entry.format).filter((format) => formats.has(format)),
      ...(caseFields === undefined ? {} : { case: caseFields }),
    });
  };
  const verifyFile = async (file: File | undefined): Promise<void> => {
    if (file === undefined) return;
    if (file.size > MAX_VERIFY_BYTES) {
      setProblem(`${file.name} is larger than 100 MB; verify it with \`timeline-auditor verify\` instead.`);
      return;
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    let binary = '';
    for (let index = 0; index < bytes.length; index += 0x8000) binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
    try {
      setVerification({ name: file.name, result: await call('export:verify', { fileName: file.name, base64: btoa(binary) }) });
    } catch (error) {
      setProblem(messageOf(error));
    }
    if (fileInput.current !== null) fileInput.current.value = '';
  };
  const toggle = <T,>(set: Set<T>, value: T): Set<T> => {
    const next = new Set(set);
    if (next.has(value)) next.delete(value);
    else next.add(value);
    return next;
  };

  return (
    <Box sx={{ p: 3, maxWidth: 1100 }}>
      {exporter.dialog}
      <ScreenHeader title="Exports" subtitle="Hand auditors what they need: complete, readable, and provably unaltered. Everything is made from the local cache, offline." />
      {problem !== null && (
        <Alert severity="error" sx={{ mb: 2 }} onClose={() => setProblem(null)}>
          {problem}
        </Alert>
      )}
      <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ mb: 2, alignItems: 'stretch' }}>
        <Card variant="outlined" sx={{ flex: 3 }}>
          <CardContent>
            <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600, mb: 1 }}>
              What to export
            </Typography>
            {records === null ? null : records.length === 0 ? (
              <Alert severity="info" variant="outlined">
                Nothing is cached yet. Sync some records on the Records screen first.
              </Alert>
            ) : (
              <>
                <FormControlLabel
                  control={
                    <Checkbox
                      checked={selected.length === records.length}
                      indeterminate={selected.length > 0 && selected.length < records.length}
                      onChange={(event) => setChosen(event.target.checked ? new Set(records.map((row) => `${row.module}/${row.recordId}`)) : new Set())}
                    />
                  }
                  label={`All cached records (${records.length}, ${numberFormat.format(records.reduce((sum, row) => sum + row.eventCount, 0))} events)`}
                />
                <Box sx={{ maxHeight: 180, overflow: 'auto', pl: 3, borderLeft: 1, borderColor: 'divider' }}>
                  <FormGroup>
                    {records.map((row) => {
                      const keyText = `${row.module}/${row.recordId}`;
                      return (
                        <FormControlLabel
                          key={keyText}
                          control={<Checkbox size="small" checked={chosen.has(keyText)} onChange={() => setChosen((current) => toggle(current, keyText))} />}
                          label={
                            <Typography variant="body2">
                              {row.name ?? keyText}{' '}
                              <Typography component="span" variant="caption" color="text.secondary">
                                {keyText} · {row.eventCount} events
                              </Typography>
                            </Typography>
                          }
                        />
                      );
                    })}
                  </FormGroup>
                </Box>
              </>
            )}
            <Typography variant="subtitle2" sx={{ mt: 2 }}>
              Formats
            </Typography>
            <FormGroup>
              {FORMATS.map((entry) => (
                <FormControlLabel
                  key={entry.format}
                  control={<Checkbox checked={formats.has(entry.format)} onChange={() => setFormats((current) => toggle(current, entry.format))} />}
                  label={
                    <span>
                      {entry.label}{' '}
                      <Typography component="span" variant="caption" color="text.secondary">
                        — {entry.detail}
                      </Typography>
                    </span>
                  }
                />
              ))}
            </FormGroup>
            <Typography variant="subtitle2" sx={{ mt: 2 }}>
              Case (optional — on the report’s cover and in the signed manifest)
            </Typography>
            <CaseFields value={exportCase} onChange={setExportCase} />
            <Stack direction="row" spacing={1} sx={{ mt: 2 }}>
              <Button variant="contained" disabled={running || selected.length === 0 || formats.size === 0} onClick={() => void start()}>
                Export {selected.length} record{selected.length === 1 ? '' : 's'}
              </Button>
              {running && (
                <Button variant="outlined" color="error" onClick={() => void call('export:cancel', {})}>
                  Cancel
                </Button>
              )}
            </Stack>
            {progress !== null && (
              <Box sx={{ mt: 2 }} data-testid="export-progress" data-state={progress.state}>
                {progress.state === 'running' && (
                  <>
                    <Typography variant="body2" sx={{ mb: 0.5 }}>
                      {PHASES[progress.phase] ?? progress.phase}… {numberFormat.format(progress.eventsDone)} of {numberFormat.format(progress.eventsTotal)} events
                    </Typography>
                    <LinearProgress variant={progress.eventsTotal > 0 ? 'determinate' : 'indeterminate'} value={Math.min(100, (100 * progress.eventsDone) / Math.max(1, progress.eventsTotal))} aria-label="Export progress" />
                  </>
                )}
                {progress.state === 'done' && progress.entry !== null && (
                  <Alert
                    severity="success"
                    action={
                      <Button color="inherit" size="small" sx={{ whiteSpace: 'nowrap' }} onClick={() => void call('export:reveal', { exportId: progress.entry!.id }).then((result) => setRevealed(result.revealed ? null : result.path))}>
                        Show in folder
                      </Button>
                    }
                  >
                    Exported {numberFormat.format(progress.entry.events)} events: {progress.entry.files.map((file) => file.path.split(/[\\/]/).pop()).join(', ')}
                    {(progress.entry.incompleteRecords ?? 0) > 0 && (
                      <div>
                        {progress.entry.incompleteRecords} of {progress.entry.records} records are marked incomplete in it (not fetched completely).
                      </div>
                    )}
                    {revealed !== null && <div>Saved in {revealed}</div>}
                  </Alert>
                )}
                {progress.state === 'cancelled' && <Alert severity="info">The export was cancelled; no file was left half-written.</Alert>}
                {progress.state === 'failed' && progress.error !== null && (
                  <Alert severity="error">
                    {progress.error.message} {progress.error.hint}
                  </Alert>
                )}
              </Box>
            )}
          </CardContent>
        </Card>
        <Card variant="outlined" sx={{ flex: 2 }}>
          <CardContent>
            <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600, mb: 1 }}>
              This installation’s signing key
            </Typography>
            <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
              Every packet’s manifest is signed with it. Give reviewers this fingerprint so they can pin it: <code>timeline-auditor verify PACKET.zip --public-key FINGERPRINT</code>.
            </Typography>
            {key !== null && (
              <>
                <Typography variant="caption" color="text.secondary">
                  Ed25519 public key fingerprint (SHA-256)
                </Typography>
                <Box data-testid="signing-key-fingerprint">
                  <Copyable text={key.fingerprint} label="fingerprint" wrap />
                </Box>
                <Typography variant="caption" color="text.secondary" sx={{ display: 'block', mt: 1 }}>
                  Exports folder
                </Typography>
                <Typography variant="body2" sx={{ wordBreak: 'break-all' }}>
                  {key.exportsFolder}
                </Typography>
              </>
            )}
            <Button variant="outlined" component="label" sx={{ mt: 2 }}>
              Verify a packet file…
              <input ref={fileInput} hidden type="file" accept=".zip,application/zip" aria-label="Packet to verify" onChange={(event) => void verifyFile(event.target.files?.[0])} />
            </Button>
          </CardContent>
        </Card>
      </Stack>
      <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600, mb: 1 }}>
        Exports made
      </Typography>
      {history.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          None yet.
        </Typography>
      ) : (
        <TableContainer component={Card} variant="outlined">
          <Table size="small" aria-label="Export history">
            <TableHead>
              <TableRow>
                <TableCell>Made</TableCell>
                <TableCell align="right">Records</TableCell>
                <TableCell align="right">Events</TableCell>
                <TableCell>Files</TableCell>
                <TableCell>Packet digest (SHA-256)</TableCell>
                <TableCell />
              </TableRow>
            </TableHead>
            <TableBody>
              {history.map((entry) => (
                <TableRow key={entry.id} data-testid="export-history-row">
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatTimestamp(entry.createdAt)}</TableCell>
                  <TableCell align="right">{entry.records}</TableCell>
                  <TableCell align="right">{numberFormat.format(entry.events)}</TableCell>
                  <TableCell>
                    <Stack direction="row" spacing={0.5} sx={{ flexWrap: 'wrap' }}>
                      {entry.files.map((file) => (
                        <Chip key={file.path} size="small" label={`${file.format.toUpperCase()} · ${formatBytes(file.bytes)}`} title={file.path} />
                      ))}
                    </Stack>
                  </TableCell>
                  <TableCell sx={{ maxWidth: 260 }}>{entry.packetDigest === null ? '—' : <Copyable text={entry.packetDigest} label="packet digest" />}</TableCell>
                  <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                    {entry.packetDigest !== null && (
                      <Button
                        size="small"
                        onClick={() =>
                          void call('export:verify', { exportId: entry.id }).then(
                            (result) =>
                              setVerification({
                                name:
                                  entry.files
                                    .find((file) => file.format === 'packet')
                                    ?.path.split(/[\\/]/)
                                    .pop() ?? 'packet',
                                result,
                              }),
                            (error: unknown) => setProblem(messageOf(error)),
                          )
                        }
                      >
                        Verify
                      </Button>
                    )}
                    <Button size="small" onClick={() => void call('export:reveal', { exportId: entry.id }).then((result) => setRevealed(result.revealed ? null : result.path))}>
                      Show
                    </Button>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
      <PacketVerificationDialog name={verification?.name ?? ''} result={verification?.result ?? null} onClose={() => setVerification(null)} />
    </Box>
  );
}
