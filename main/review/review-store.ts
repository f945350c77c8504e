import type {
  FlagRules,
  LocalFilterGroupInput,
  RecordKeyView,
  REVIEW_SORT_COLUMNS,
  ReviewFacets,
  ReviewFlag,
  ReviewHeatmaps,
  ReviewLogChainView,
  ReviewLogEntryView,
  ReviewNote,
  ReviewProgress,
  ReviewProgressOverview,
  ReviewRow,
  ReviewState,
  ReviewSummary,
  SignOffView,
} from '../../preload/contract.js';
import type { ReviewActor, SignOffRecordInput } from './review-work.js';
import type { CachedEvent } from '../cache/index.js';

/** A value now, or later (a store across a thread boundary answers with promises). Callers always await. */
export type Awaitable<T> = T | Promise<T>;

export interface ReviewQuery {
  filter: LocalFilterGroupInput;
  /** IANA zone or 'UTC' (the setting resolved): `day`/`hourOfWeek` conditions, heatmaps, shown times. */
  timeZone: string;
}

export interface ReviewPageQuery extends ReviewQuery {
  sort: { column: (typeof REVIEW_SORT_COLUMNS)[number]; direction: 'asc' | 'desc' };
  offset: number;
  limit: number;
}

/** One event as the detail panel needs it, before the service shapes it for the screen. */
export interface ReviewEventRecord {
  event: CachedEvent;
  /** Zoho's object exactly as stored. */
  raw: string;
  /** The user directory's entry for done_by, when the user list was fetched. */
  directory: { email: string | null; profileName: string | null; profileId: string | null; type: string | null } | null;
  timelines: RecordKeyView[];
  flags: ReviewFlag[];
  notes: ReviewNote[];
}

/** Flags and notes of one event, for exports (notes oldest first). */
export interface ReviewAnnotationRecord {
  eventId: string;
  flags: ReviewFlag[];
  notes: Array<{ author: string; text: string; tag: string | null; at: number }>;
}

/** Flags and notes of one event as the export engine carries them: flag ids, notes oldest first. */
export interface ExportAnnotation {
  flags: string[];
  notes: Array<{ author: string; text: string; at: number }>;
}

/** A note as exports write it: its tag in front ("[follow-up] …"). The same for every export, whichever thread runs it. */
export function exportNote(note: { author: string; text: string; tag: string | null; at: number }): ExportAnnotation['notes'][number] {
  return { author: note.author, text: note.tag === null ? note.text : `[${note.tag}] ${note.text}`, at: note.at };
}

/**
 * Everything the Review screen reads from and writes to the cache. Plain structured-cloneable data
 * in and out (no functions, no class instances), every method awaitable: the SQLite implementation
 * answers synchronously today; a data worker's proxy can implement it across a thread boundary.
 */
export interface ReviewStore {
  page(query: ReviewPageQuery): Awaitable<ReviewRow[]>;
  summary(query: ReviewQuery): Awaitable<ReviewSummary>;
  heatmaps(query: ReviewQuery): Awaitable<ReviewHeatmaps>;
  count(query: ReviewQuery): Awaitable<number>;
  /** The builder's values and flag counts (the Zoho filter's lists are the service's). */
  facets(): Awaitable<Omit<ReviewFacets, 'zohoFilter'>>;
  /** null when the event is not cached. */
  event(eventId: string): Awaitable<ReviewEventRecord | null>;
  raw(eventId: string): Awaitable<string | null>;
  /** A tracked record's name and its events oldest first (at most `limit`); null when not tracked. */
  recordTimeline(record: RecordKeyView, limit: number): Awaitable<{ name: string | null; events: CachedEvent[] } | null>;
  /** The new note's id; null when the event is not cached. */
  /** The new note's id; null when the event is not cached. Logged (note_added) in the same transaction. */
  addNote(note: { eventId: string; author: string; text: string; tag: string | null; at: number }): Awaitable<number | null>;
  /** Logged (note_deleted, by `by`) in the same transaction when a note was deleted. */
  deleteNote(id: number, by: ReviewActor): Awaitable<boolean>;
  /** Only events that have a flag or a note appear. */
  annotations(eventIds: readonly string[]): Awaitable<ReviewAnnotationRecord[]>;
  /** The flag rules kept in the cache file; null when none were saved there yet. */
  rules(): Awaitable<FlagRules | null>;
  /**
   * Saves the rules and recomputes every flag in one transaction; how many events are flagged. A
   * reviewer's change (`by` given) is logged (flag_rules_changed) in that transaction; restoring
   * saved rules into a new cache file is not a reviewer action and passes no `by`.
   */
  setRules(rules: FlagRules, by?: ReviewActor): Awaitable<{ flagged: number }>;
  /** Recomputes every flag from the stored rules; how many events are flagged. */
  recomputeFlags(): Awaitable<{ flagged: number }>;
  /** Brings flags up to date: O(1) when current, only new events when some were written without flags. */
  ensureFlags(): Awaitable<{ work: 'current' | 'incremental' | 'full' }>;

  // ---- review work (issue 14): every change and its review-log entry in one transaction ----
  /** Sets these events' state (cached ones); answers how many and the query's progress after it. */
  mark(input: ReviewActor & { eventIds: string[]; state: ReviewState; query: ReviewQuery }): Awaitable<{ marked: number; progress: ReviewProgress }>;
  /** Sets the state of every event the filter matches; REVIEW_SCOPE_CHANGED when that is not `expectedEvents`. */
  markFiltered(input: ReviewActor & ReviewQuery & { words: string; state: ReviewState; expectedEvents: number }): Awaitable<{ marked: number; progress: ReviewProgress }>;
  progress(query: ReviewQuery): Awaitable<ReviewProgress>;
  progressOverview(input: { timeZone: string; views: Array<{ name: string; filter: LocalFilterGroupInput }> }): Awaitable<ReviewProgressOverview>;
  /** SIGN_OFF_UNREVIEWED / SIGN_OFF_EMPTY as review-work.ts says. */
  signOff(input: SignOffRecordInput): Awaitable<SignOffView>;
  signOffs(): Awaitable<SignOffView[]>;
  /** Newest entries first (before `beforeSeq`) and whether the whole stored chain is intact. */
  log(input: { beforeSeq: number | null; limit: number }): Awaitable<{ entries: ReviewLogEntryView[]; chain: ReviewLogChainView }>;
}
