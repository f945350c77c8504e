/**
 * The services that work on the local cache — records and sync, review, exports — built by the
 * composition root (core.ts) on first use. The cache itself lives in the data worker (main/data):
 * its SQLite connection, page ingestion, flags, review queries and export writers run off the main
 * thread; these services reach it through awaitable stores. In a module of its own so that shells
 * and commands that never touch the cache (sign-in, `status`, `--help`) never load any of it.
 */
import { cacheFilePath } from '../cache/location.js';
import { APP_VERSION } from '../core/app-info.js';
import type { EventHub } from '../core/event-hub.js';
import type { KeyValueStore } from '../core/kv-store.js';
import { orgTimeZoneOf, type ZohoAuthService } from '../auth/zoho-auth-service.js';
import { createDataClient, type DataClient } from '../data/data-client.js';
import { ExportService, type ExportJobs } from '../export/export-service.js';
import { FileSigningKeyStore } from '../export/signing-key-store.js';
import { TrustList } from '../export/trust-list.js';
import { RecordsService, type RecordsStore } from '../records/records-service.js';
import { ReviewService } from '../review/review-service.js';
import type { SettingsService } from '../settings/settings-service.js';
import type { ZohoClient } from '../zoho/client.js';
import { editionConcurrency } from '../zoho/organization.js';
import type { AdminPolicy } from '../policy/admin-policy.js';
import type { PlatformPorts } from './platform-ports.js';

export interface DataServices {
  /** The data worker's client (the cache's reads, for tests and tools). */
  data: DataClient;
  records: RecordsService;
  review: ReviewService;
  exports: ExportService;
  close(): Promise<void>;
}

export interface DataServiceDependencies {
  ports: PlatformPorts;
  events: EventHub;
  settingsStore: KeyValueStore;
  settings: SettingsService;
  auth: ZohoAuthService;
  /** A Zoho client for syncs and module listings. */
  syncClient: () => ZohoClient;
  policy?: AdminPolicy;
  /** The data worker's client, when the root started it already (so the thread starts while these modules load). */
  data?: DataClient;
}

export function createDataServices({ ports, events, settingsStore, settings, auth, syncClient, data: started, policy }: DataServiceDependencies): DataServices {
  const { home } = ports.paths;
  const cacheFile = cacheFilePath(home);
  const data = started ?? createDataClient(ports.workers, { cacheFile });
  const recordsStore: RecordsStore = {
    sync: data.sync,
    overview: () => data.cache.overview(),
    untrackRecords: (records) => data.cache.untrackRecords(records),
    queryEvents: (filter, options) => data.cache.queryEvents(filter, options),
    countEvents: (filter) => data.cache.countEvents(filter),
    storeModuleLabels: (labels, at) => data.cache.storeModuleLabels(labels, at),
  };
  const exportJobs: ExportJobs = {
    countEvents: (filter) => data.cache.countEvents(filter),
    scope: (records) => data.exports.scope(records),
    countView: (records, filter, timeZone) => data.cache.countView(records, filter, timeZone),
    checkCacheIntegrity: () => data.cache.integrityCheck(),
    reviewLogChain: async () => (await data.review.log({ beforeSeq: null, limit: 1 })).chain,
    csv: (job, run) => data.exports.csv(job, run),
    pdf: (job, run) => data.exports.pdf(job, run),
    packet: (job, run) => data.exports.packet(job, run),
  };
  const records = new RecordsService({
    store: recordsStore,
    cacheFile,
    client: syncClient,
    events,
    clock: ports.clock,
    // The edition read at sign-in sets how many calls a sync starts with (Zoho's per-edition limit).
    defaultConcurrency: () => editionConcurrency(auth.status().orgEdition),
  });
  const review = new ReviewService({
    reviewStore: data.review,
    store: settingsStore,
    events,
    clock: ports.clock,
    author: () => auth.status().user?.name ?? auth.status().user?.email ?? 'Reviewer',
  });
  const exports = new ExportService({
    jobs: exportJobs,
    events,
    clock: ports.clock,
    keyStore: new FileSigningKeyStore(home, ports.cipher),
    trustList: new TrustList({ directory: home, now: () => ports.clock.now(), policySigners: () => policy?.trustedSigners ?? [] }),
    exportsFolder: ports.paths.exportsFolder,
    store: settingsStore,
    settings: () => settings.get(),
    orgTimeZone: () => orgTimeZoneOf(auth.status()),
    connection: () => auth.status(),
    shell: ports.shell,
    appVersion: APP_VERSION,
    revealInFolder: (path) => ports.browser.revealInFolder(path),
    savedViews: () => review.savedFilters(),
  });
  return {
    data,
    records,
    review,
    exports,
    close: async () => {
      records.cancel();
      exports.cancel();
      await Promise.all([records.idle(), exports.idle(), exports.releaseHeldFiles()]);
      review.dispose();
      await data.close();
    },
  };
}
