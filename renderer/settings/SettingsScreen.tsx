import { useEffect, useState } from 'react';
import { Box, Card, CardContent, FormControl, FormControlLabel, FormLabel, Radio, RadioGroup, TextField, Typography, Alert } from '@mui/material';
import type { OrgTimeZoneView, Settings } from '../../preload/contract';
import { call, subscribe } from '../ipc/client';
import { ScreenHeader } from '../components/ScreenHeader';
import { AdminPolicyCard } from './AdminPolicyCard';
import { useSettings } from './SettingsContext';
import { UpdatesCard } from './UpdatesCard';

type ZoneKind = Settings['timeZone']['kind'];

/** What `org` means right now: the zone read from Zoho at sign-in, or why there is none. */
function orgZoneText(org: OrgTimeZoneView | null | undefined): string {
  if (org === undefined) return '…';
  if (org === null) return 'not connected: UTC until you connect';
  return org.state === 'read' ? org.zone : `could not be read (${org.reason}): UTC`;
}

/** The connection's view of the organisation's zone, kept current across sign-ins. */
function useOrgTimeZone(): OrgTimeZoneView | null | undefined {
  const [org, setOrg] = useState<OrgTimeZoneView | null | undefined>(undefined);
  useEffect(() => {
    void call('auth:status', {}).then(
      (status) => setOrg(status.orgTimeZone),
      () => setOrg(null),
    );
    return subscribe('auth:status-changed', (status) => setOrg(status.orgTimeZone));
  }, []);
  return org;
}

function isKnownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function SettingsScreen() {
  const { settings, zone: resolved, update } = useSettings();
  const org = useOrgTimeZone();
  const [zoneDraft, setZoneDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (settings === null) return null;
  const zone = settings.timeZone;

  const save = (patch: Parameters<typeof update>[0]): void => {
    setError(null);
    update(patch).catch((reason: unknown) => setError(reason instanceof Error ? reason.message : String(reason)));
  };

  const onZoneKind = (kind: ZoneKind): void => {
    if (kind === 'zone') {
      const candidate = zoneDraft !== '' ? zoneDraft : Intl.DateTimeFormat().resolvedOptions().timeZone;
      setZoneDraft(candidate);
      save({ timeZone: { kind: 'zone', zone: candidate } });
    } else {
      save({ timeZone: { kind } });
    }
  };

  return (
    <Box sx={{ p: 3, maxWidth: 760 }}>
      <ScreenHeader title="Settings" subtitle="Stored on this computer; they apply to every screen and export." />
      {error !== null && (
        <Alert severity="error" sx={{ mb: 2 }}>
          {error}
        </Alert>
      )}
      <Card variant="outlined" sx={{ mb: 2 }}>
        <CardContent>
          <FormControl>
            <FormLabel id="theme-label">Appearance</FormLabel>
            <RadioGroup row aria-labelledby="theme-label" value={settings.theme} onChange={(event) => save({ theme: event.target.value as Settings['theme'] })}>
              <FormControlLabel value="system" control={<Radio />} label="Follow the system" />
              <FormControlLabel value="light" control={<Radio />} label="Light" />
              <FormControlLabel value="dark" control={<Radio />} label="Dark" />
            </RadioGroup>
          </FormControl>
        </CardContent>
      </Card>
      <Card variant="outlined">
        <CardContent>
          <FormControl>
            <FormLabel id="zone-label">Time zone for times shown and exported</FormLabel>
            <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
              The timeline table, the heatmaps and every export use this zone. The offset Zoho recorded always stays visible in an event&apos;s detail.
            </Typography>
            <RadioGroup aria-labelledby="zone-label" value={zone.kind} onChange={(event) => onZoneKind(event.target.value as ZoneKind)}>
              <FormControlLabel value="local" control={<Radio />} label={`This computer's zone (${Intl.DateTimeFormat().resolvedOptions().timeZone})`} />
              <FormControlLabel value="utc" control={<Radio />} label="UTC" />
              <FormControlLabel value="org" control={<Radio />} label={`The Zoho organisation's zone (${orgZoneText(org)})`} />
              <FormControlLabel value="zone" control={<Radio />} label="A zone I choose" />
            </RadioGroup>
            {zone.kind === 'zone' && (
              <TextField
                size="small"
                label="IANA zone, e.g. Europe/Berlin"
                value={zoneDraft !== '' ? zoneDraft : zone.zone}
                onChange={(event) => setZoneDraft(event.target.value)}
                onBlur={() => {
                  if (zoneDraft === '' || zoneDraft === zone.zone) return;
                  if (!isKnownZone(zoneDraft)) {
                    setError(`"${zoneDraft}" is not a time zone this computer knows. Use an IANA name such as Europe/Berlin or Asia/Kolkata.`);
                    return;
                  }
                  save({ timeZone: { kind: 'zone', zone: zoneDraft } });
                }}
                sx={{ mt: 1, maxWidth: 320 }}
              />
            )}
            {resolved !== null && (
              <Typography variant="body2" sx={{ mt: 1.5 }} data-testid="resolved-time-zone">
                Times are shown in <strong>{resolved.label}</strong>, with the offset in force at each moment (daylight saving followed).
              </Typography>
            )}
            {resolved?.fallbackReason != null && (
              <Alert severity="warning" sx={{ mt: 1 }}>
                The chosen zone cannot be used ({resolved.fallbackReason}); {resolved.zone} is used instead, and exports say so.
              </Alert>
            )}
          </FormControl>
        </CardContent>
      </Card>
      <AdminPolicyCard />
      <UpdatesCard />
    </Box>
  );
}
