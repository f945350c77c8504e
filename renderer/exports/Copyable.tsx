import { IconButton, Stack, Tooltip, Typography } from '@mui/material';
import ContentCopyOutlined from '@mui/icons-material/ContentCopyOutlined';

/** A value shown in monospace with a Copy button (fingerprints, digests). */
export function Copyable({ text, label, wrap = false }: { text: string; label: string; wrap?: boolean }) {
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
