import type { CliCommandEntry } from '../types.js';

/**
 * Every CLI command, in the order `--help` lists them. Each loads its module only when run, so
 * `timeline-auditor --help` and light commands start without loading the PDF, SQLite or sync code.
 */
export const cliCommands: readonly CliCommandEntry[] = [
  { name: 'demo', summary: 'Run the main job end to end against the bundled demo workspace (no Zoho account needed)', load: async () => (await import('./demo.js')).demoCommand },
  { name: 'connect', summary: 'Sign in to Zoho CRM and store the tokens encrypted', load: async () => (await import('./connect.js')).connectCommand },
  { name: 'status', summary: 'Show the Zoho connection (connected, broken or disconnected)', load: async () => (await import('./status.js')).statusCommand },
  { name: 'disconnect', summary: 'Revoke Zoho access and delete the stored tokens', load: async () => (await import('./disconnect.js')).disconnectCommand },
  { name: 'fetch', summary: 'Fetch the timelines of CRM records into the local cache (resumable; --no-cache to just print)', load: async () => (await import('./fetch.js')).fetchCommand },
  { name: 'export', summary: 'Export cached timelines as CSV, PDF report or signed audit packet', load: async () => (await import('./export.js')).exportCommand },
  { name: 'cache', summary: 'Check the offline cache for damage, or rebuild a damaged one (keeps the old file, re-fetches its records)', load: async () => (await import('./cache.js')).cacheCommand },
  { name: 'verify', summary: 'Check that an audit packet is intact and who signed it', load: async () => (await import('./verify.js')).verifyCommand },
  { name: 'trust', summary: 'Manage the signers whose packets verify trusts (add, list, remove)', load: async () => (await import('./trust.js')).trustCommand },
  { name: 'sandbox', summary: 'Run the Zoho-compatible sandbox server (for scripts and trying the CLI)', load: async () => (await import('./sandbox.js')).sandboxCommand },
];
