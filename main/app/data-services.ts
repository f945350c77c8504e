/**
 * The services that work on the local cache — records and sync, review, exports — built by the
 * composition root (core.ts) on first use. In a module of their own so that shells and commands
 * that never touch the cache (sign-in, `status`, `--help`) never load SQLite, the sync engine or
 * the export engine.
 */
import { TimelineCache } from '../cache/index.js';
import { cacheFilePath } from '../cache/location.js';
import { APP_VERSION } from '../core/app-info.js';
import type { EventHub } from '../core/event-hub.js';
import type { KeyValueStore } from '../core/kv-store.js';
import { orgTimeZoneOf, type ZohoAuthService } from '../auth/zoho-auth-service.js';
import { ExportService } from '../export/export-service.js';
import { FileSigningKeyStore } from '../export/signing-key-store.js';
import { RecordsService } from '../records/records-service.js';
import { ReviewService } from '../review/review-service.js';
import { keepFlagsCurrent, SqliteReviewStore } from '../review/sqlite-review-store.js';
import type { SettingsService } from '../settings/settings-service.js';
import type { ZohoClient } from '../zoho/client.js';
import type { PlatformPorts } from './platform-ports.js';

export interface DataServices {
  /** The local cache, opened on first use. */
  cache(): TimelineCache;
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
}

export function createDataServices({ ports, events, settingsStore, settings, auth, syncClient }: DataServiceDependencies): DataServices {
  const { home } = ports.paths;
  let openedCache: TimelineCache | undefined;
  const cache = (): TimelineCache => {
    if (openedCache === undefined) {
      openedCache = TimelineCache.open(cacheFilePath(home));
      // Review's flags are written with each page (the cache's hook), not computed on first open.
      keepFlagsCurrent(openedCache);
    }
    return openedCache;
  };
  const records = new RecordsService({ cache, client: syncClient, events, clock: ports.clock });
  const review = new ReviewService({
    reviewStore: new SqliteReviewStore(cache),
    store: settingsStore,
    events,
    clock: ports.clock,
    author: () => auth.status().user?.name ?? auth.status().user?.email ?? 'Reviewer',
  });
  const exports = new ExportService({
    cache,
    events,
    clock: ports.clock,
    keyStore: new FileSigningKeyStore(home, ports.cipher),
    exportsFolder: ports.paths.exportsFolder,
    store: settingsStore,
    settings: () => settings.get(),
    orgTimeZone: () => orgTimeZoneOf(auth.status()),
    connection: () => auth.status(),
    shell: ports.shell,
    appVersion: APP_VERSION,
    revealInFolder: (path) => ports.browser.revealInFolder(path),
    // Flags and reviewer notes travel with the events into the CSV, the PDF and the packet.
    annotations: async (eventIds) =>
      new Map(
        [...(await review.reviewAnnotations(eventIds))].map(([eventId, annotation]) => [
          eventId,
          {
            flags: annotation.flags.map(String),
            notes: annotation.notes.map((note) => ({ author: note.author, text: note.tag === null ? note.text : `[${note.tag}] ${note.text}`, at: note.at })),
          },
        ]),
      ),
  });
  return {
    cache,
    records,
    review,
    exports,
    close: async () => {
      records.cancel();
      exports.cancel();
      await Promise.all([records.idle(), exports.idle()]);
      review.dispose();
      openedCache?.close();
      openedCache = undefined;
    },
  };
}
