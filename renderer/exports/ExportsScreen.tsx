import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Box, Button, Card, CardContent, Checkbox, Chip, FormControlLabel, FormGroup, LinearProgress, Stack, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Typography } from '@mui/material';
import type { ChosenPacketView, ExportFormat, ExportPhase, ExportHistoryEntry, ExportProgressView, PacketVerificationView, RecordRowView, SigningKeyView, TrustedSignerView } from '../../preload/contract';
import { ScreenHeader } from '../components/ScreenHeader';
import { formatInstant } from '../components/time';
import { useTimeZone } from '../settings/SettingsContext';
import { call, IpcCallError, subscribe } from '../ipc/client';
import { formatBytes, numberFormat } from '../records/format';
import { CaseFields, caseInput, EMPTY_CASE, useExportStart, type CaseFieldsValue } from './ExportStart';
import { Copyable } from './Copyable';
import { PacketVerificationDialog } from './PacketVerificationDialog';
import { TrustedSignersCard } from './TrustedSignersCard';

const FORMATS: Array<{ format: ExportFormat; label: string; detail: string }> = [
  { format: 'packet', label: 'Signed audit packet (.zip)', detail: 'Report, CSV, Zoho’s raw events and users, and a manifest signed with this installation’s key' },
  { format: 'pdf', label: 'PDF report', detail: 'Cover, summary, heatmaps and every change, old → new' },
  { format: 'csv', label: 'CSV', detail: 'One row per field change; opens in Excel' },
];

const PHASES: Record<ExportPhase, string> = {
  checking: 'Checking the offline cache for damage',
  counting: 'Counting events',
  csv: 'Writing the CSV and raw events',
  pdf: 'Drawing the PDF report',
  signing: 'Signing the manifest',
  zip: 'Packing',
  done: 'Finishing',
};
/** The largest file verify opens (the zip format's limit without zip64); main refuses larger ones too. */
const MAX_VERIFY_BYTES = 4 * 1024 ** 3;

function messageOf(error: unknown): string {
  if (error instanceof IpcCallError) return error.hint === undefined ? error.message : `${error.message} ${error.hint}`;
  return error instanceof Error ? error.message : String(error);
}

export function ExportsScreen() {
  const zone = useTimeZone();
  const [records, setRecords] = useState<RecordRowView[] | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [formats, setFormats] = useState<Set<ExportFormat>>(new Set(['packet']));
  const [progress, setProgress] = useState<ExportProgressView | null>(null);
  const [history, setHistory] = useState<ExportHistoryEntry[]>([]);
  const [key, setKey] = useState<SigningKeyView | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  /** `again` re-runs the check (null for an upload: the host deleted it after the check). */
  const [verification, setVerification] = useState<{ name: string; result: PacketVerificationView; again: (() => Promise<PacketVerificationView>) | null } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [signers, setSigners] = useState<TrustedSignerView[] | null>(null);
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
    void call('export:signing-key', {})
      .then(setKey, (error: unknown) => setProblem(messageOf(error)))
      .then(() => call('trust:list', {}))
      .then(setSigners, (error: unknown) => setProblem(messageOf(error)));
    reloadHistory();
    // An export started elsewhere (Review → Export…) may have moved on, or failed, before this screen subscribed.
    void call('export:status', {}).then((latest) => setProgress((current) => current ?? latest));
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
  /** Verifies and shows the verdict; `again` re-runs it (after the signer was trusted from the dialog). */
  const showVerification = async (name: string, run: () => Promise<PacketVerificationView>): Promise<void> => {
    try {
      setVerification({ name, result: await run(), again: run });
    } catch (error) {
      setProblem(messageOf(error));
    }
  };
  const verifyChosen = async (chosen: ChosenPacketView | null): Promise<void> => {
    if (chosen === null) return;
    // A file chosen in the desktop dialog can be checked again; an upload is deleted after one check.
    const result = await call('export:verify', { fileToken: chosen.fileToken });
    const dialogChosen = window.auditor?.uploadPacket === undefined;
    setVerification({ name: chosen.name, result, again: dialogChosen ? () => call('export:verify', { fileToken: chosen.fileToken }) : null });
  };
  /** Desktop app: main opens the system dialog and keeps the path; the renderer only gets a token. */
  const chooseInDialog = async (): Promise<void> => {
    setProblem(null);
    try {
      await verifyChosen(await call('export:choose-packet', {}));
    } catch (error) {
      setProblem(messageOf(error));
    }
  };
  /** Browser mode: the file streams to the host, which answers a token. */
  const uploadFile = async (file: File | undefined): Promise<void> => {
    if (fileInput.current !== null) fileInput.current.value = '';
    const upload = window.auditor?.uploadPacket;
    if (file === undefined || upload === undefined) return;
    setProblem(null);
    if (file.size > MAX_VERIFY_BYTES) {
      setProblem(`${file.name} is larger than any audit packet can be (4 GiB); it was not opened.`);
      return;
    }
    const uploaded = await upload(file, file.name);
    if (!uploaded.ok) {
      setProblem(uploaded.error.hint === undefined ? uploaded.error.message : `${uploaded.error.message} ${uploaded.error.hint}`);
      return;
    }
    try {
      await verifyChosen(uploaded.value);
    } catch (error) {
      setProblem(messageOf(error));
    }
  };
  /** Trust-list edits answer the new list, or a message to show. */
  const trust = async (fingerprint: string, name: string): Promise<string | null> => {
    try {
      setSigners(await call('trust:add', { fingerprint, name }));
      return null;
    } catch (error) {
      return messageOf(error);
    }
  };
  const distrust = async (fingerprint: string): Promise<string | null> => {
    try {
      setSigners(await call('trust:remove', { fingerprint }));
      return null;
    } catch (error) {
      return messageOf(error);
    }
  };
  const trustFromVerdict = async (fingerprint: string, name: string): Promise<void> => {
    const failure = await trust(fingerprint, name);
    if (failure !== null) {
      setProblem(failure);
      return;
    }
    if (verification?.again != null) {
      await showVerification(verification.name, verification.again);
      return;
    }
    setVerification(null);
    setNotice(`“${name}” is now a trusted signer. Verify ${verification?.name ?? 'the packet'} again to see it named.`);
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
      {notice !== null && (
        <Alert severity="success" sx={{ mb: 2 }} onClose={() => setNotice(null)}>
          {notice}
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
                      {PHASES[progress.phase]}… {numberFormat.format(progress.eventsDone)} of {numberFormat.format(progress.eventsTotal)} events
                    </Typography>
                    <LinearProgress variant={progress.eventsTotal > 0 ? 'determinate' : 'indeterminate'} value={Math.min(100, (100 * progress.eventsDone) / Math.max(1, progress.eventsTotal))} aria-label="Export progress" />
                  </>
                )}
                {progress.state === 'done' && progress.entry !== null && (
                  <Alert
                    severity={(progress.entry.incompleteRecords ?? 0) > 0 ? 'warning' : 'success'}
                    action={
                      <Button color="inherit" size="small" sx={{ whiteSpace: 'nowrap' }} onClick={() => void call('export:reveal', { exportId: progress.entry!.id }).then((result) => setRevealed(result.revealed ? null : result.path))}>
                        Show in folder
                      </Button>
                    }
                  >
                    Exported {numberFormat.format(progress.entry.events)} events: {progress.entry.files.map((file) => file.path.split(/[\\/]/).pop()).join(', ')}
                    {(progress.entry.incompleteRecords ?? 0) > 0 && (
                      <div>
                        {progress.entry.incompleteRecords} of {progress.entry.records} records {progress.entry.incompleteRecords === 1 ? 'is' : 'are'} marked incomplete in it (not fetched completely).
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
              Every packet’s manifest is signed with it. Give reviewers this fingerprint (in person, by phone — not with the packet) so they can trust it: <code>timeline-auditor trust add FINGERPRINT --name "…"</code>.
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
            {window.auditor?.uploadPacket === undefined ? (
              <Button variant="outlined" sx={{ mt: 2 }} onClick={() => void chooseInDialog()}>
                Verify a packet file…
              </Button>
            ) : (
              <Button variant="outlined" component="label" sx={{ mt: 2 }}>
                Verify a packet file…
                <input ref={fileInput} hidden type="file" accept=".zip,application/zip" aria-label="Packet to verify" onChange={(event) => void uploadFile(event.target.files?.[0])} />
              </Button>
            )}
          </CardContent>
        </Card>
      </Stack>
      <TrustedSignersCard signers={signers} onAdd={trust} onRemove={distrust} />
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
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatInstant(entry.createdAt, zone)}</TableCell>
                  <TableCell align="right">{entry.records}</TableCell>
                  <TableCell align="right">{numberFormat.format(entry.events)}</TableCell>
                  <TableCell>
                    <Stack direction="row" spacing={0.5} sx={{ flexWrap: 'wrap' }}>
                      {entry.files.map((file) => (
                        <Chip key={file.path} size="small" label={`${file.format.toUpperCase()} · ${formatBytes(file.bytes)}`} title={file.path} />
                      ))}
                      {(entry.incompleteRecords ?? 0) > 0 && <Chip size="small" color="warning" variant="outlined" label={`${entry.incompleteRecords} incomplete`} title="Records exported although not fetched completely; the packet marks them so" />}
                      {entry.caseReference != null && <Chip size="small" variant="outlined" label={entry.caseReference} title="Case reference" />}
                    </Stack>
                  </TableCell>
                  <TableCell sx={{ maxWidth: 260 }}>{entry.packetDigest === null ? '—' : <Copyable text={entry.packetDigest} label="packet digest" />}</TableCell>
                  <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                    {entry.packetDigest !== null && (
                      <Button
                        size="small"
                        onClick={() =>
                          void showVerification(
                            entry.files
                              .find((file) => file.format === 'packet')
                              ?.path.split(/[\\/]/)
                              .pop() ?? 'packet',
                            () => call('export:verify', { exportId: entry.id }),
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
      <PacketVerificationDialog name={verification?.name ?? ''} result={verification?.result ?? null} onClose={() => setVerification(null)} onTrust={trustFromVerdict} />
    </Box>
  );
}
