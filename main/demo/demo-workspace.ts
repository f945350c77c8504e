import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuditorError } from '../core/errors.js';
import { DEMO_CLIENT } from '../sandbox/demo-client.js';
import type { Sandbox } from '../sandbox/index.js';

/** Records per module in the demo: enough to see the product at work, quick to sync. */
const DEMO_RECORDS_PER_MODULE = 12;
const STATE_FILE = 'demo-workspace.json';
const PORT_FILE = 'demo-workspace.port';

/**
 * The bundled Zoho-compatible server, started in the main process on demand so that a newcomer can
 * use the whole product without a Zoho account. It comes back on the same port with the same grants
 * (stored as hashes) after a restart, so a demo connection survives restarts like a real one.
 */
export class DemoWorkspace {
  #sandbox: Promise<Sandbox> | undefined;

  constructor(
    private readonly home: string,
    /** Added to every CRM answer: lets a demo (and the e2e tests) watch progress happen. */
    private readonly latencyMs = 0,
    /** Why the demo may not run here (the admin policy turned it off), or null. */
    private readonly disabledReason: string | null = null,
  ) {}

  /** The running sandbox, starting it the first time. Refused when the admin policy turned the demo off. */
  start(): Promise<Sandbox> {
    if (this.disabledReason !== null) {
      return Promise.reject(new AuditorError('DEMO_DISABLED_BY_POLICY', this.disabledReason, { hint: 'Connect to your organisation’s Zoho CRM instead; ask your administrator if you need the demo.' }));
    }
    this.#sandbox ??= this.#start().catch((error: unknown) => {
      this.#sandbox = undefined;
      throw error;
    });
    return this.#sandbox;
  }

  async #start(): Promise<Sandbox> {
    // The sandbox (server and generated data) loads only when the demo is used.
    const { startSandbox } = await import('../sandbox/index.js');
    const options = { recordsPerModule: DEMO_RECORDS_PER_MODULE, stateFile: join(this.home, STATE_FILE), latencyMs: this.latencyMs };
    const previousPort = this.#previousPort();
    let sandbox: Sandbox;
    try {
      sandbox = await startSandbox({ ...options, port: previousPort ?? 0 });
    } catch (error) {
      if (previousPort === undefined || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      // Someone else has the old port now: a new address means signing in to the demo again.
      sandbox = await startSandbox({ ...options, port: 0 });
    }
    writeFileSync(join(this.home, PORT_FILE), new URL(sandbox.url).port);
    return sandbox;
  }

  #previousPort(): number | undefined {
    try {
      const port = Number(readFileSync(join(this.home, PORT_FILE), 'utf8').trim());
      return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
    } catch {
      return undefined;
    }
  }

  /** The running sandbox's address, or null when it is not running. */
  async status(): Promise<{ online: boolean; url: string | null }> {
    const running = await this.#sandbox?.catch(() => undefined);
    return { online: running !== undefined, url: running?.url ?? null };
  }

  get client(): { clientId: string; clientSecret: string } {
    return DEMO_CLIENT;
  }

  /** Whether an accounts server is (or looks like) the demo workspace: a loopback address. */
  static isDemoServer(accountsServer: string | undefined | null): boolean {
    if (accountsServer === undefined || accountsServer === null) return false;
    try {
      return new URL(accountsServer).hostname === '127.0.0.1';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    const running = this.#sandbox;
    this.#sandbox = undefined;
    if (running !== undefined) await (await running).close();
  }
}
