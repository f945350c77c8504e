/**
 * The machine-wide admin policy: a JSON file an IT department deploys (docs/admin.md) that locks
 * sign-in settings, turns off the demo workspace or updates, and pre-trusts packet signers.
 *
 * Each field is parsed on its own (zod): a malformed field is reported and ignored while the rest
 * applies; a file that cannot be read or is not a JSON object is reported and ignored as a whole.
 * Loading never throws, so a bad policy can never stop the app from starting.
 */
import { readFileSync } from 'node:fs';
import { posix, win32 } from 'node:path';
import { z } from 'zod';
import { dataCentreSchema, type AdminPolicyView, type DataCentreId, type PolicyProblemView } from '../../preload/contract.js';

export const POLICY_FILE_NAME = 'policy.json';

/** Where the policy lives on each OS: a folder only administrators can write. */
export function machinePolicyPath(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string {
  switch (platform) {
    case 'win32':
      return win32.join(env['ProgramData'] ?? 'C:\\ProgramData', 'Timeline Auditor', POLICY_FILE_NAME);
    case 'darwin':
      return posix.join('/Library/Application Support/Timeline Auditor', POLICY_FILE_NAME);
    default:
      return posix.join('/etc/timeline-auditor', POLICY_FILE_NAME);
  }
}

const fingerprintSchema = z
  .string()
  .transform((text) =>
    text
      .trim()
      .toLowerCase()
      .replace(/^sha256:/, '')
      .replace(/[:\s]/g, ''),
  )
  .pipe(z.string().regex(/^[0-9a-f]{64}$/, 'a fingerprint is 64 hexadecimal characters'));

const policySignerSchema = z
  .object({
    fingerprint: fingerprintSchema,
    name: z
      .string()
      .trim()
      .min(1, 'give the signer a name')
      .max(120, 'at most 120 characters')
      .refine((name) => !/[\u0000-\u001f\u007f-\u009f]/.test(name), 'no control characters'),
  })
  .strict();

/** One schema per field: each is checked (and rejected) on its own. */
const FIELD_SCHEMAS = {
  dataCentre: dataCentreSchema,
  clientId: z.string().trim().min(1, 'the client ID is empty').max(200),
  redirectPort: z.number().int('a whole number').min(1024, 'use a port from 1024 to 65535').max(65535, 'use a port from 1024 to 65535'),
  scopes: z
    .array(z.string().regex(/^[A-Za-z0-9_.]+$/, 'a Zoho scope looks like ZohoCRM.modules.READ'))
    .min(1, 'list at least one scope')
    .max(40),
  disableDemoWorkspace: z.boolean(),
  disableUpdates: z.boolean(),
} as const;
type FieldName = keyof typeof FIELD_SCHEMAS;
const FIELD_NAMES = Object.keys(FIELD_SCHEMAS) as FieldName[];
const SIGNERS_FIELD = 'trustedSigners';

export interface AdminPolicy {
  /** absent: no file (nothing applies); applied: read, possibly with fields ignored; unreadable: ignored entirely. */
  state: 'absent' | 'applied' | 'unreadable';
  file: string | null;
  dataCentre: DataCentreId | null;
  clientId: string | null;
  redirectPort: number | null;
  scopes: string[] | null;
  disableDemoWorkspace: boolean;
  disableUpdates: boolean;
  trustedSigners: Array<{ fingerprint: string; name: string }>;
  problems: PolicyProblemView[];
}

const EMPTY: Omit<AdminPolicy, 'state' | 'file' | 'problems'> = {
  dataCentre: null,
  clientId: null,
  redirectPort: null,
  scopes: null,
  disableDemoWorkspace: false,
  disableUpdates: false,
  trustedSigners: [],
};

export const NO_POLICY: AdminPolicy = { state: 'absent', file: null, ...EMPTY, problems: [] };

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length === 0 ? issue.message : `${issue.path.join('.')}: ${issue.message}`)).join('; ');
}

/** Reads and parses the policy at `file` (null: this shell looks for none). Never throws. */
export function loadAdminPolicy(file: string | null): AdminPolicy {
  if (file === null) return NO_POLICY;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ...NO_POLICY, file };
    return { state: 'unreadable', file, ...EMPTY, problems: [{ field: null, problem: `The policy file could not be read (${(error as Error).message}); none of it applies.` }] };
  }
  return parseAdminPolicy(text, file);
}

/** The policy in `text` (the file's contents), field by field. */
export function parseAdminPolicy(text: string, file: string): AdminPolicy {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { state: 'unreadable', file, ...EMPTY, problems: [{ field: null, problem: `The policy file is not valid JSON (${(error as Error).message}); none of it applies.` }] };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { state: 'unreadable', file, ...EMPTY, problems: [{ field: null, problem: 'The policy file must hold a JSON object ({ … }); none of it applies.' }] };
  }
  const fields = json as Record<string, unknown>;
  const problems: PolicyProblemView[] = [];
  const policy: AdminPolicy = { state: 'applied', file, ...EMPTY, trustedSigners: [], problems };
  const take = <K extends FieldName>(name: K): z.infer<(typeof FIELD_SCHEMAS)[K]> | undefined => {
    if (!(name in fields)) return undefined;
    const parsed = FIELD_SCHEMAS[name].safeParse(fields[name]);
    if (parsed.success) return parsed.data as z.infer<(typeof FIELD_SCHEMAS)[K]>;
    problems.push({ field: name, problem: `${describe(parsed.error)}; ignored.` });
    return undefined;
  };
  policy.dataCentre = take('dataCentre') ?? null;
  policy.clientId = take('clientId') ?? null;
  policy.redirectPort = take('redirectPort') ?? null;
  policy.scopes = take('scopes') ?? null;
  policy.disableDemoWorkspace = take('disableDemoWorkspace') ?? false;
  policy.disableUpdates = take('disableUpdates') ?? false;

  if (SIGNERS_FIELD in fields) {
    const signers = fields[SIGNERS_FIELD];
    if (!Array.isArray(signers)) problems.push({ field: SIGNERS_FIELD, problem: 'must be a list of { "fingerprint", "name" }; ignored.' });
    else {
      // Entry by entry: one mistyped fingerprint must not drop the other trusted signers.
      signers.forEach((entry: unknown, index) => {
        const parsed = policySignerSchema.safeParse(entry);
        if (!parsed.success) problems.push({ field: `${SIGNERS_FIELD}[${index}]`, problem: `${describe(parsed.error)}; ignored.` });
        else if (policy.trustedSigners.some((signer) => signer.fingerprint === parsed.data.fingerprint)) problems.push({ field: `${SIGNERS_FIELD}[${index}]`, problem: 'the same fingerprint is listed twice; the first entry applies.' });
        else policy.trustedSigners.push(parsed.data);
      });
    }
  }
  for (const name of Object.keys(fields)) {
    if (!(FIELD_NAMES as string[]).includes(name) && name !== SIGNERS_FIELD && name !== '$schema' && name !== 'comment') problems.push({ field: name, problem: 'is not a policy setting; ignored (check its spelling in docs/admin.md).' });
  }
  return policy;
}

/** What the UI shows: locked fields, the demo and update switches, signers, problems and the file. */
export function adminPolicyView(policy: AdminPolicy): AdminPolicyView {
  return {
    state: policy.state,
    file: policy.file,
    locked: { dataCentre: policy.dataCentre, clientId: policy.clientId, redirectPort: policy.redirectPort, scopes: policy.scopes },
    demoDisabled: policy.disableDemoWorkspace,
    updatesDisabled: policy.disableUpdates,
    trustedSigners: policy.trustedSigners,
    problems: policy.problems,
  };
}

export const SET_BY_ADMINISTRATOR = 'Set by your administrator';
export const DEMO_DISABLED_MESSAGE = 'The demo workspace is turned off by your administrator.';
