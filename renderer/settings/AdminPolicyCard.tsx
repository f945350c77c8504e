import { Alert, AlertTitle, Card, CardContent, Table, TableBody, TableCell, TableRow, Typography } from '@mui/material';
import LockOutlined from '@mui/icons-material/LockOutlined';
import type { AdminPolicyView } from '../../preload/contract';
import { useRequest } from '../ipc/client';

/** What the admin policy sets, as a list of plain rows (only the settings it sets). */
function policyRows(policy: AdminPolicyView): Array<[string, string]> {
  const rows: Array<[string, string | null]> = [
    ['Data centre', policy.locked.dataCentre?.toUpperCase() ?? null],
    ['Client ID', policy.locked.clientId],
    ['Redirect port', policy.locked.redirectPort === null ? null : String(policy.locked.redirectPort)],
    ['Scopes', policy.locked.scopes?.join(', ') ?? null],
    ['Demo workspace', policy.demoDisabled ? 'turned off' : null],
    ['Updates', policy.updatesDisabled ? 'turned off' : null],
    ['Pre-trusted signers', policy.trustedSigners.length === 0 ? null : policy.trustedSigners.map((signer) => signer.name).join(', ')],
  ];
  return rows.filter((row): row is [string, string] => row[1] !== null);
}

/**
 * The machine-wide admin policy (docs/admin.md): what it sets, and — visibly — what in it was
 * ignored and why, so an administrator can fix a policy file from a user's screen or screenshot.
 */
export function AdminPolicyCard() {
  const [policy] = useRequest('policy:view', {});
  if (policy.status !== 'ready' || policy.value.state === 'absent') return null;
  const view = policy.value;
  const rows = policyRows(view);
  return (
    <Card variant="outlined" sx={{ mt: 2 }} data-testid="admin-policy">
      <CardContent>
        <Typography variant="h6" component="h3" sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
          <LockOutlined fontSize="small" /> Set by your administrator
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1, overflowWrap: 'anywhere' }}>
          Policy file: <code>{view.file}</code>
        </Typography>
        {view.problems.length > 0 && (
          <Alert severity="warning" sx={{ mb: 1 }} data-testid="policy-problems">
            <AlertTitle>{view.state === 'unreadable' ? 'The policy file was ignored' : 'Parts of the policy file were ignored'}</AlertTitle>
            <ul style={{ margin: 0, paddingLeft: 18 }}>
              {view.problems.map((problem, index) => (
                <li key={index}>
                  {problem.field === null ? '' : <code>{problem.field}</code>} {problem.problem}
                </li>
              ))}
            </ul>
          </Alert>
        )}
        {rows.length > 0 && (
          <Table size="small" aria-label="Settings set by your administrator">
            <TableBody>
              {rows.map(([label, value]) => (
                <TableRow key={label}>
                  <TableCell component="th" scope="row" sx={{ width: '30%' }}>
                    {label}
                  </TableCell>
                  <TableCell sx={{ overflowWrap: 'anywhere' }}>{value}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </CardContent>
    </Card>
  );
}
