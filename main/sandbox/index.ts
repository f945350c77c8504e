/**
 * The Zoho-compatible sandbox server: Zoho Accounts (OAuth consent, token, revoke, user info) and the
 * Zoho CRM endpoints the app uses (record timeline, users, record listing) on one loopback origin,
 * with deterministic generated data, Zoho's limits and injectable faults. Used by tests, benchmarks
 * and the app's demo workspace. docs/sandbox.md explains each fidelity decision.
 */
export type { DataCentre, Sandbox, SandboxClient, SandboxFault, SandboxKnobs, SandboxOptions, SandboxStats } from './types.js';
export { DEMO_CLIENT, DEFAULT_SCOPES } from './accounts.js';
export { LARGE_RECORD, LARGE_RECORD_EVENTS, SAMPLE_RECORD, SHAPES_BIG_EVENT_ID, SHAPES_RECORD, TIMELINE_SOURCES } from './dataset.js';
export { startSandbox } from './server.js';
