import { statSync } from 'node:fs';
import { z } from 'zod';
import type { OrgTimeZone } from '../core/zoned-time.js';
import type { SecretCipher } from '../core/cipher.js';
import { AuditorError } from '../core/errors.js';
import type { KeyValueStore } from '../core/kv-store.js';
import { DATA_CENTRES } from './data-centres.js';
import type { DataCentre } from './data-centres.js';

export const VAULT_KEY = 'zohoConnection';

export interface ConnectedUser {
  id: string | undefined;
  email: string | undefined;
  name: string | undefined;
}

/** Everything known about the Zoho connection that is not secret (safe to show and to read without the key). */
export interface ConnectionRecord {
  state: 'connected' | 'broken';
  /** Why the connection stopped working, in plain words (only when broken). */
  brokenReason: string | undefined;
  dataCentre: DataCentre | undefined;
  /** From the redirect's accounts-server: every token call goes here. */
  accountsServer: string;
  /** From the token response: every API call goes here. */
  apiDomain: string;
  clientId: string;
  scopes: string[];
  user: ConnectedUser | undefined;
  orgId: string | undefined;
  /** The organisation's zone, read at sign-in (GET /crm/v8/org); undefined in vaults written before it was read. */
  orgTimeZone: OrgTimeZone | undefined;
  /**
   * The org's license_details.paid_type as read at sign-in (GET /crm/v8/org): null when Zoho sent none,
   * undefined when it was not read (older vault, or the read failed). Sets the sync's concurrency.
   */
  orgPaidType?: string | null | undefined;
  /** Milliseconds since the epoch: receipt time + expires_in. */
  expiresAt: number;
  connectedAt: number;
  /** When refresh grants were made (ms), for Zoho's 10-per-10-minutes limit across restarts. */
  refreshTimes: number[];
}

export interface ConnectionSecrets {
  accessToken: string;
  refreshToken: string;
  clientSecret: string;
}

export type StoredConnection = ConnectionRecord & ConnectionSecrets;

const optionalString = z.string().optional();
const persistedSchema = z.object({
  version: z.literal(1),
  state: z.enum(['connected', 'broken']),
  brokenReason: optionalString,
  dataCentre: z.enum(DATA_CENTRES).optional(),
  accountsServer: z.string(),
  apiDomain: z.string(),
  clientId: z.string(),
  scopes: z.array(z.string()),
  user: z.object({ id: optionalString, email: optionalString, name: optionalString }).optional(),
  orgId: optionalString,
  orgTimeZone: z.discriminatedUnion('state', [z.object({ state: z.literal('read'), zone: z.string() }), z.object({ state: z.literal('unread'), reason: z.string() })]).optional(),
  orgPaidType: z.string().nullable().optional(),
  expiresAt: z.number(),
  connectedAt: z.number(),
  refreshTimes: z.array(z.number()),
  cipherKind: z.string(),
  /** Each secret encrypted separately with the SecretCipher (base64 ciphertext). */
  secrets: z.object({ accessToken: z.string(), refreshToken: z.string(), clientSecret: z.string() }),
});
type PersistedConnection = z.infer<typeof persistedSchema>;

/**
 * A cheap fingerprint of the store's file (no read): it changes whenever the file is rewritten.
 * undefined = cannot tell (no such file, or written too recently to trust), so the store is read.
 */
export type StoreStamp = (path: string) => string | undefined;

/**
 * Inode + size + change times of the file (the JSON file store and electron-store write by rename, so the inode
 * changes too). A file written less than `recentWriteMs` ago is not trusted (a coarse file-system
 * clock may not tell two writes in the same tick apart), as git does with "racily clean" files.
 */
export function createFileStamp(options: { recentWriteMs: number }): StoreStamp {
  return (path) => {
    try {
      const stat = statSync(path, { bigint: true });
      if (Date.now() - Number(stat.mtimeMs) < options.recentWriteMs) return undefined;
      return `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
    } catch {
      return undefined;
    }
  };
}

export const fileStamp: StoreStamp = createFileStamp({ recentWriteMs: 2_000 });

export interface TokenVaultOptions {
  /** How to tell that the store changed on disk; default fileStamp (stat of the store's file). */
  storeStamp?: StoreStamp;
}

/**
 * The token vault: one Zoho connection in a KeyValueStore, secrets (access token, refresh token,
 * client secret) encrypted with the SecretCipher, the rest in clear so status can be shown without
 * unlocking. Every write replaces the whole record, so a crash never leaves half of it.
 *
 * The decrypted connection is kept in memory for the life of the process: the store is re-read only
 * when its file changed (another process — the CLI and the app share a home folder — refreshed or
 * replaced the connection), and secrets are decrypted again only when their ciphertext changed.
 */
export class TokenVault {
  readonly #store: KeyValueStore;
  readonly #cipher: SecretCipher;
  readonly #storeStamp: StoreStamp;
  /** What the store held when its file had this stamp. */
  #persisted: { stamp: string; value: PersistedConnection | undefined } | undefined;
  /** The secrets last decrypted (or written), by their ciphertexts. */
  #secrets: { encrypted: PersistedConnection['secrets']; plain: ConnectionSecrets } | undefined;

  constructor(store: KeyValueStore, cipher: SecretCipher, options: TokenVaultOptions = {}) {
    this.#store = store;
    this.#cipher = cipher;
    this.#storeStamp = options.storeStamp ?? fileStamp;
  }

  get cipherKind(): SecretCipher['kind'] {
    return this.#cipher.kind;
  }

  get path(): string {
    return this.#store.path;
  }

  /** The non-secret part; nothing is decrypted. */
  readRecord(): ConnectionRecord | undefined {
    const persisted = this.#readPersisted();
    return persisted === undefined ? undefined : toRecord(persisted);
  }

  /** The whole connection, secrets decrypted (from memory while the store is unchanged). */
  async read(): Promise<StoredConnection | undefined> {
    const persisted = this.#readPersisted();
    if (persisted === undefined) return undefined;
    return { ...toRecord(persisted), ...(await this.#decrypted(persisted.secrets)) };
  }

  async write(connection: StoredConnection): Promise<void> {
    // Encrypted before the record is built, so a refused or failed encryption leaves the store as it was.
    const [accessToken, refreshToken, clientSecret] = await Promise.all([this.#cipher.encrypt(connection.accessToken), this.#cipher.encrypt(connection.refreshToken), this.#cipher.encrypt(connection.clientSecret)]);
    const persisted: PersistedConnection = {
      version: 1,
      state: connection.state,
      ...(connection.brokenReason === undefined ? {} : { brokenReason: connection.brokenReason }),
      ...(connection.dataCentre === undefined ? {} : { dataCentre: connection.dataCentre }),
      accountsServer: connection.accountsServer,
      apiDomain: connection.apiDomain,
      clientId: connection.clientId,
      scopes: [...connection.scopes],
      ...(connection.user === undefined ? {} : { user: dropUndefined(connection.user) }),
      ...(connection.orgId === undefined ? {} : { orgId: connection.orgId }),
      ...(connection.orgTimeZone === undefined ? {} : { orgTimeZone: connection.orgTimeZone }),
      ...(connection.orgPaidType === undefined ? {} : { orgPaidType: connection.orgPaidType }),
      expiresAt: connection.expiresAt,
      connectedAt: connection.connectedAt,
      refreshTimes: [...connection.refreshTimes],
      cipherKind: this.#cipher.kind,
      secrets: { accessToken, refreshToken, clientSecret },
    };
    this.#store.set(VAULT_KEY, persisted);
    // The file's new stamp is taken at the next read (another process may write in between); the
    // secrets just written need no decrypting then.
    this.#persisted = undefined;
    this.#secrets = { encrypted: persisted.secrets, plain: { accessToken: connection.accessToken, refreshToken: connection.refreshToken, clientSecret: connection.clientSecret } };
  }

  wipe(): void {
    this.#store.delete(VAULT_KEY);
    this.#persisted = undefined;
    this.#secrets = undefined;
  }

  async #decrypted(encrypted: PersistedConnection['secrets']): Promise<ConnectionSecrets> {
    const known = this.#secrets;
    if (known !== undefined && known.encrypted.accessToken === encrypted.accessToken && known.encrypted.refreshToken === encrypted.refreshToken && known.encrypted.clientSecret === encrypted.clientSecret) {
      return known.plain;
    }
    const [accessToken, refreshToken, clientSecret] = await Promise.all([this.#cipher.decrypt(encrypted.accessToken), this.#cipher.decrypt(encrypted.refreshToken), this.#cipher.decrypt(encrypted.clientSecret)]);
    const plain = { accessToken, refreshToken, clientSecret };
    this.#secrets = { encrypted, plain };
    return plain;
  }

  /** The stored record, read again only when the store's file changed since the last read. */
  #readPersisted(): PersistedConnection | undefined {
    // Stamp first, then read: a write in between leaves a stamp that no longer matches, so it is read again.
    const stamp = this.#storeStamp(this.#store.path);
    if (stamp !== undefined && this.#persisted?.stamp === stamp) return this.#persisted.value;
    const value = this.#parsePersisted();
    this.#persisted = stamp === undefined ? undefined : { stamp, value };
    return value;
  }

  #parsePersisted(): PersistedConnection | undefined {
    const raw = this.#store.get(VAULT_KEY);
    if (raw === undefined) return undefined;
    const parsed = persistedSchema.safeParse(raw);
    if (!parsed.success) {
      throw new AuditorError('VAULT_DAMAGED', 'The stored Zoho connection is damaged and cannot be used.', {
        hint: 'Run "timeline-auditor disconnect" (or Disconnect in the app) and connect again.',
      });
    }
    return parsed.data;
  }
}

function toRecord(persisted: PersistedConnection): ConnectionRecord {
  return {
    state: persisted.state,
    brokenReason: persisted.brokenReason,
    dataCentre: persisted.dataCentre,
    accountsServer: persisted.accountsServer,
    apiDomain: persisted.apiDomain,
    clientId: persisted.clientId,
    scopes: [...persisted.scopes],
    user: persisted.user === undefined ? undefined : { id: persisted.user.id, email: persisted.user.email, name: persisted.user.name },
    orgId: persisted.orgId,
    orgTimeZone: persisted.orgTimeZone,
    orgPaidType: persisted.orgPaidType,
    expiresAt: persisted.expiresAt,
    connectedAt: persisted.connectedAt,
    refreshTimes: [...persisted.refreshTimes],
  };
}

function dropUndefined(user: ConnectedUser): { id?: string; email?: string; name?: string } {
  return {
    ...(user.id === undefined ? {} : { id: user.id }),
    ...(user.email === undefined ? {} : { email: user.email }),
    ...(user.name === undefined ? {} : { name: user.name }),
  };
}
