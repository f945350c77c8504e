/**
 * Input and output model of the export engine (CSV, PDF report, signed audit packet).
 * The engine never reads the cache itself: the caller hands it a replayable source of events.
 */
import type { ExportPhase, ExportWhere, LocalFilterGroupInput } from '../../preload/contract.js';
import type { TimelineEntry, ZohoUser } from '../zoho/models.js';
import type { RecordCompleteness } from './completeness.js';
import type { PacketReview } from '../review/review-work.js';

export interface ExportRecordRef {
  /** Module API name (Leads, Deals, …). */
  module: string;
  recordId: string;
  /** Display name, when known. */
  name: string | null;
}

/**
 * What narrowed the events, exactly as the reviewer gave it (structured, for a machine to re-run) and
 * in words (for the cover): nothing; the CLI's --where; or the Review screen's filter — a saved view
 * (named) or the one on screen (unnamed), whose day and hour conditions were read in `timeZone`.
 */
export type ExportFilterStatement = { kind: 'none' } | { kind: 'where'; where: ExportWhere; words: string } | { kind: 'view'; viewName: string | null; filter: LocalFilterGroupInput; words: string; timeZone: string };

/** Why the packet was made and for whom: the reviewer's own words, each optional. */
export interface ExportCase {
  reference: string | null;
  purpose: string | null;
  reviewer: string | null;
}

export interface ExportScope {
  /** The records whose timelines are exported. */
  records: ExportRecordRef[];
  /** The local filter in plain words ("source is crm_ui"), or null for "all events". */
  filterDescription: string | null;
  /** The same filter, structured. */
  filter: ExportFilterStatement;
  /** Case reference, purpose and reviewer, when the person exporting gave any. */
  case: ExportCase | null;
  /** The person chose to export records whose timelines were not fetched completely (marked in coverage). */
  allowIncomplete: boolean;
  /** Inclusive bounds in ms since the epoch, or null for "all time". */
  timeRange: { from: number; to: number } | null;
  /** IANA zone (Europe/Berlin) or 'UTC'; every time in every export is shown in it. */
  timeZone: string;
  /**
   * How the zone is named to a reader when it is not just `timeZone` — e.g. "UTC (the organisation's
   * zone could not be read: …)" when the setting could not be honoured. Absent: `timeZone` says it all.
   */
  timeZoneLabel?: string;
  /** Zoho data centre code (US, EU, IN, AU, JP, CA, SA, CN). */
  dataCentre: string;
  orgId: string;
  apiDomain: string;
  /** Who made the export (the signed-in Zoho user's name and e-mail, or an OS user in the CLI). */
  generatedBy: string;
  /** When the export was made (ms since the epoch). */
  generatedAt: number;
  appVersion: string;
}

export interface ReviewerNote {
  author: string;
  text: string;
  /** ms since the epoch. */
  at: number;
}

export interface ExportEvent {
  /** Parsed event and Zoho's object exactly as received. */
  entry: TimelineEntry;
  /** Whose timeline this event was fetched from. */
  owner: { module: string; recordId: string };
  /** Reviewer flags ("suspicious", "follow-up"). */
  flags: string[];
  notes: ReviewerNote[];
}

/**
 * One event as the cache holds it, before it is parsed: Zoho's object as stored text, the row's own
 * key and time (checked against the text when it is parsed), and the reviewer's flags and notes.
 */
export interface StoredExportEvent {
  eventId: string;
  auditedAtMs: number;
  rawJson: string;
  owner: { module: string; recordId: string };
  flags: string[];
  notes: ReviewerNote[];
}

/**
 * A page of stored events as columns (the same position is the same event), as the cache reads them
 * (ExportReadPage): plain data, Zoho's objects as one run of UTF-8 bytes (sent to the writer thread
 * through a ring, export-writer.ts). storedEventsOf (stored-event.ts) turns it into StoredExportEvents.
 */
export interface StoredExportPage {
  eventIds: string[];
  auditedAtMs: number[];
  /** The page's owners, each once; `ownerIndex` gives each event's. */
  owners: Array<{ module: string; recordId: string }>;
  ownerIndex: number[];
  flags: string[][];
  notes: ReviewerNote[][];
  /** Zoho's objects exactly as stored, as UTF-8, back to back. */
  rawJson: Uint8Array;
  /** Where each event's text ends in `rawJson` (the first starts at 0). */
  rawJsonEnds: number[];
}

/** The stored events of one pass, a page at a time, in export order — what ExportEventSource parses, for a writer on another thread. */
export type StoredExportPageSource = (pass?: ExportPassOptions) => AsyncIterable<StoredExportPage>;

/**
 * A replayable sequence of events: every call starts again from the first event and yields the same
 * events in the same order. The PDF and the packet read the events more than once (summary first,
 * then every event), so a one-shot iterable is not enough — `spoolEvents` turns one into this.
 */
export type ExportEventSource = (pass?: ExportPassOptions) => AsyncIterable<ExportEvent>;

/** What one pass needs; a source may ignore it (the reader still stops where it wants). */
export interface ExportPassOptions {
  /**
   * The pass reads no further than the first `limit` events (the PDF's event listing): a source that
   * can, reads only those — the cache then works out and reads 10,000 events, not a million.
   */
  limit?: number;
}

/** counting: the PDF's statistics pass; csv: events.csv (and, in a packet, events.json); then pdf, signing, zip, done. */
export type { ExportPhase };

export interface ExportProgress {
  eventsDone: number;
  phase: ExportPhase;
}

export interface ExportRunOptions {
  signal?: AbortSignal;
  onProgress?: (progress: ExportProgress) => void;
}

export interface ExportInput {
  scope: ExportScope;
  events: ExportEventSource;
  /** The same events unparsed, page by page, when they come from the cache: a writer thread parses them (export-writer). */
  storedPages?: StoredExportPageSource;
  users: readonly ZohoUser[];
  /** Each record's sync state, keyed Module/RecordId (completeness.recordKeyOf). */
  completeness: ReadonlyMap<string, RecordCompleteness>;
  /** The review section (counts, sign-offs, log up to its head), read where the cache is; absent when no review store is wired. */
  review?: PacketReview | undefined;
  /** The org's plural module labels by API name (Zoho's modules API, cached at sync), for the PDF's words; absent → built-in names. */
  moduleLabels?: Readonly<Record<string, string>>;
}
