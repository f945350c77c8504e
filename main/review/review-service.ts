import {
  flagRulesSchema,
  localFilterSchema,
  REVIEW_COLUMNS,
  reviewPreferencesSchema,
  type FlagRules,
  type LocalFilterGroupInput,
  type RecordKeyView,
  type RecordStateView,
  type ReviewEventDetail,
  type ReviewFacets,
  type ReviewFlag,
  type ReviewHeatmaps,
  type ReviewNote,
  SYSTEM_ACTOR,
  type ReviewPreferences,
  type ReviewLogChainView,
  type ReviewLogEntryView,
  type ReviewProgress,
  type ReviewProgressOverview,
  type ReviewRow,
  type ReviewState,
  type ReviewSummary,
  type SavedFilter,
  type SignOffScope,
  type SignOffView,
  type ZohoFilterModel,
} from '../../preload/contract.js';
import type { Clock } from '../core/clock.js';
import { AuditorError } from '../core/errors.js';
import type { EventHub } from '../core/event-hub.js';
import type { KeyValueStore } from '../core/kv-store.js';
import { assertTimeZone, zoneClock } from '../core/zoned-time.js';
import { DEFAULT_FLAG_RULES, upgradeStoredFlagRules } from './flags.js';
import { compileReviewFilter } from './local-filter-sql.js';
import { indexAtTime, replayRecord } from './record-state.js';
import type { ReviewPageQuery, ReviewQuery, ReviewStore } from './review-store.js';
import { describeLocalFilter } from './local-filter-words.js';
import type { ResolvedSignOffScope } from './review-work.js';
import { describeAutomation } from '../zoho/automation.js';
import { FILTERABLE_MODULES, TIMELINE_SOURCES } from '../zoho/filters.js';
import { buildZohoFilter } from './zoho-filter-model.js';

/**
 * The settings file's copy of the rules (the first release kept them only there). The cache file's
 * copy (review_state) is the one in force, read where pages are written; this one restores the
 * rules into a new or rebuilt cache file.
 */
const RULES_KEY = 'review.flagRules';
const PREFERENCES_KEY = 'review.preferences';
const SAVED_FILTERS_KEY = 'review.savedFilters';
const RECORD_STATE_EVENT_LIMIT = 5000;
const MAX_SAVED_FILTERS = 200;

export const DEFAULT_REVIEW_PREFERENCES: ReviewPreferences = { columns: [...REVIEW_COLUMNS] };

/** What the export integration attaches to each event of a packet. */
export interface ReviewAnnotation {
  flags: ReviewFlag[];
  notes: Array<{ author: string; text: string; tag: string | null; at: number }>;
}

export interface ReviewServiceDependencies {
  /** Review's data in the cache: rows, summaries, flags, notes. */
  reviewStore: ReviewStore;
  /** Main-side settings (the same store as SettingsService): saved filters, columns. */
  store: KeyValueStore;
  events: EventHub;
  clock: Clock;
  /** Who writes a note: the connected Zoho user's name, else a generic label. */
  author: () => string;
}

/**
 * The Review screen's side in main: windows of the timeline table for a local filter, summary and
 * heatmaps for the same filter, event detail, records replayed to a moment, review flags (kept in
 * the cache, current as pages are written, recomputed when the rules change) and reviewer notes.
 * Talks to its data only through a ReviewStore; every method answers a promise.
 */
export class ReviewService {
  readonly #unsubscribe: () => void;
  #rulesMigrated = false;

  constructor(private readonly deps: ReviewServiceDependencies) {
    // Pages written by a writer without review's hook (another process) get flags when a sync ends.
    this.#unsubscribe = deps.events.subscribe((envelope) => {
      if (envelope.channel === 'sync:progress' && (envelope.payload as { state: string }).state !== 'running') {
        this.ensureFlags().catch(() => undefined); // Reported by the next request that needs the flags.
      }
    });
  }

  dispose(): void {
    this.#unsubscribe();
  }

  // ---- table, summary, heatmaps --------------------------------------------------------------

  // Every query names its zone (the setting resolved); an unknown one is refused in plain words.
  async page(input: ReviewPageQuery): Promise<{ rows: ReviewRow[] }> {
    assertTimeZone(input.timeZone);
    return { rows: await this.deps.reviewStore.page(input) };
  }

  async summary(input: ReviewQuery): Promise<ReviewSummary> {
    assertTimeZone(input.timeZone);
    await this.ensureFlags();
    return this.deps.reviewStore.summary(input);
  }

  async heatmaps(input: ReviewQuery): Promise<ReviewHeatmaps> {
    assertTimeZone(input.timeZone);
    return this.deps.reviewStore.heatmaps(input);
  }

  /** Event count for a filter (tests, the e2e check against the table). */
  async count(input: ReviewQuery): Promise<number> {
    assertTimeZone(input.timeZone);
    return this.deps.reviewStore.count(input);
  }

  async facets(): Promise<ReviewFacets> {
    await this.ensureFlags();
    const facets = await this.deps.reviewStore.facets();
    return { ...facets, zohoFilter: { modules: [...FILTERABLE_MODULES], sources: [...TIMELINE_SOURCES] } };
  }

  // ---- one event -----------------------------------------------------------------------------

  /** `timeZone`: the resolved zone, for `shownTime` (the rest is as Zoho sent it). */
  async event(eventId: string, timeZone: string): Promise<ReviewEventDetail> {
    assertTimeZone(timeZone);
    const found = await this.deps.reviewStore.event(eventId);
    if (found === null) throw notCached(eventId);
    const { event, directory } = found;
    const raw = parseObject(found.raw);
    const doneByRaw = asObject(raw?.['done_by']);
    const profile = asObject(doneByRaw?.['profile']);
    const automation = event.automation;
    const rule = asObject(automation?.['rule']);
    return {
      eventId: event.eventId,
      auditedTime: event.auditedTime,
      auditedAtMs: event.auditedAtMs,
      shownTime: zoneClock(timeZone).at(event.auditedAtMs).human,
      action: event.action,
      source: event.source,
      doneBy:
        event.doneBy === null
          ? null
          : {
              id: event.doneBy.id,
              name: event.doneBy.name,
              email: directory?.email ?? null,
              profile: profile !== undefined ? { id: stringOrNull(profile['id']), name: stringOrNull(profile['name']) } : directory?.profileName != null ? { id: directory.profileId, name: directory.profileName } : null,
              type: stringOrNull(doneByRaw?.['type__s']) ?? directory?.type ?? null,
            },
      timelineType: event.timelineType,
      extension: event.extension,
      record: event.record,
      relatedRecord: event.relatedRecord,
      automation:
        automation === null
          ? null
          : {
              type: stringOrNull(automation['type']),
              name: stringOrNull(rule?.['name']) ?? stringOrNull(automation['name']),
              id: stringOrNull(rule?.['id']) ?? stringOrNull(automation['id']),
              words: describeAutomation(automation) ?? JSON.stringify(automation),
              json: JSON.stringify(automation, null, 2),
            },
      fieldChanges: event.fieldChanges.map((change) => ({
        apiName: change.apiName,
        label: change.fieldLabel,
        dataType: change.dataType,
        oldValue: change.oldText,
        newValue: change.newText,
        colourCoded: change.enableColourCode,
        pickList: change.pickListValues === null ? null : change.pickListValues.map((value) => ({ displayValue: value.display_value, actualValue: value.actual_value, colour: value.colour_code ?? null })),
      })),
      timelines: found.timelines,
      flags: found.flags,
      notes: found.notes,
    };
  }

  async raw(eventId: string): Promise<{ raw: string }> {
    const raw = await this.deps.reviewStore.raw(eventId);
    if (raw === null) throw notCached(eventId);
    return { raw };
  }

  async recordState(input: { record: RecordKeyView; atEventId?: string | undefined; atTime?: string | undefined }): Promise<RecordStateView> {
    const timeline = await this.deps.reviewStore.recordTimeline(input.record, RECORD_STATE_EVENT_LIMIT);
    if (timeline === null) {
      throw new AuditorError('REVIEW_RECORD_NOT_TRACKED', `${input.record.module}/${input.record.recordId} is not in the cache.`, { hint: 'Add the record on the Records screen and sync it.' });
    }
    const events = timeline.events;
    let index = events.length - 1;
    if (input.atEventId !== undefined) {
      index = events.findIndex((event) => event.eventId === input.atEventId);
      if (index < 0) throw new AuditorError('REVIEW_EVENT_NOT_IN_RECORD', 'That event is not in this record’s timeline.', { hint: 'Pick an event from the list.' });
    } else if (input.atTime !== undefined) {
      const ms = Date.parse(input.atTime);
      if (Number.isNaN(ms)) throw new AuditorError('REVIEW_BAD_TIME', `"${input.atTime}" is not a date and time.`, { hint: 'Use a date-time such as 2024-03-01T09:00.' });
      index = indexAtTime(events, ms);
    }
    return {
      record: { module: input.record.module, recordId: input.record.recordId, name: timeline.name },
      events: events.map((event) => ({
        eventId: event.eventId,
        auditedTime: event.auditedTime,
        action: event.action,
        doneBy: event.doneBy === null ? SYSTEM_ACTOR : (event.doneBy.name ?? event.doneBy.id),
        changedFields: event.fieldChanges.length,
      })),
      index,
      fields: replayRecord(events, index),
    };
  }

  // ---- notes and annotations -----------------------------------------------------------------

  async addNote(input: { eventId: string; text: string; tag: string | null }): Promise<ReviewNote> {
    const at = this.deps.clock.now();
    const author = this.deps.author();
    const id = await this.deps.reviewStore.addNote({ eventId: input.eventId, author, text: input.text, tag: input.tag, at });
    if (id === null) throw notCached(input.eventId);
    return { id, eventId: input.eventId, author, text: input.text, tag: input.tag, at };
  }

  async deleteNote(id: number): Promise<{ deleted: boolean }> {
    return { deleted: await this.deps.reviewStore.deleteNote(id, this.#actor()) };
  }

  /** Who acts now: the connected Zoho user (the app's reviewer identity), and the clock's time. */
  #actor(): { actor: string; at: number } {
    return { actor: this.deps.author(), at: this.deps.clock.now() };
  }

  // ---- review work: state, progress, sign-off, the review log ----------------------------------

  /** Marks events (the keyboard's mark-and-advance); the answer carries the screen filter's progress. */
  async mark(input: { eventIds: string[]; state: ReviewState; query: ReviewQuery }): Promise<{ marked: number; progress: ReviewProgress }> {
    assertTimeZone(input.query.timeZone);
    return this.deps.reviewStore.mark({ ...this.#actor(), eventIds: [...new Set(input.eventIds)], state: input.state, query: input.query });
  }

  /** Marks every event the filter matches, after a confirm that showed `expectedEvents` (REVIEW_SCOPE_CHANGED when it differs now). */
  async markFiltered(input: { filter: LocalFilterGroupInput; timeZone: string; state: ReviewState; expectedEvents: number }): Promise<{ marked: number; progress: ReviewProgress }> {
    assertTimeZone(input.timeZone);
    compileReviewFilter(input.filter, input.timeZone); // refuses a filter that cannot run, in plain words, before the worker
    return this.deps.reviewStore.markFiltered({ ...this.#actor(), filter: input.filter, timeZone: input.timeZone, words: describeLocalFilter(input.filter), state: input.state, expectedEvents: input.expectedEvents });
  }

  async progress(input: ReviewQuery): Promise<ReviewProgress> {
    assertTimeZone(input.timeZone);
    return this.deps.reviewStore.progress(input);
  }

  /** Each saved view's progress and each tracked record's. */
  async progressOverview(input: { timeZone: string }): Promise<ReviewProgressOverview> {
    assertTimeZone(input.timeZone);
    const views = (await this.savedFilters()).map((view) => ({ name: view.name, filter: view.filter }));
    return this.deps.reviewStore.progressOverview({ timeZone: input.timeZone, views });
  }

  /**
   * A reviewer attests a scope: a saved view (resolved to its filter now, in `timeZone`) or records.
   * Refused (SIGN_OFF_UNREVIEWED) while events in scope are unreviewed and no reason is given.
   */
  async signOff(input: { scope: SignOffScope; statement: string; name: string; role: string; unreviewedReason: string | null; timeZone: string }): Promise<SignOffView> {
    assertTimeZone(input.timeZone);
    const scope = await this.#resolveScope(input.scope, input.timeZone);
    const reason = input.unreviewedReason === null || input.unreviewedReason.trim() === '' ? null : input.unreviewedReason.trim();
    return this.deps.reviewStore.signOff({ ...this.#actor(), scope, statement: input.statement.trim(), name: input.name.trim(), role: input.role.trim(), unreviewedReason: reason });
  }

  async #resolveScope(scope: SignOffScope, timeZone: string): Promise<ResolvedSignOffScope> {
    switch (scope.kind) {
      case 'view': {
        const view = (await this.savedFilters()).find((saved) => saved.name === scope.name);
        if (view === undefined) throw new AuditorError('SIGN_OFF_UNKNOWN_VIEW', `There is no saved view called “${scope.name}”.`, { hint: 'Save the view on the Review screen first, or pick one from the list.' });
        return { kind: 'view', name: view.name, filter: view.filter, timeZone };
      }
      case 'records':
        return { kind: 'records', records: scope.records.map((record) => ({ module: record.module, recordId: record.recordId })) };
      default:
        return unreachable(scope);
    }
  }

  async signOffs(): Promise<SignOffView[]> {
    return this.deps.reviewStore.signOffs();
  }

  async log(input: { beforeSeq: number | null; limit: number }): Promise<{ entries: ReviewLogEntryView[]; chain: ReviewLogChainView }> {
    return this.deps.reviewStore.log(input);
  }

  /**
   * Flags and notes of the given events, for exports: every requested id that has either appears
   * in the map (events without any are left out). Notes oldest first.
   */
  async reviewAnnotations(eventIds: readonly string[]): Promise<Map<string, ReviewAnnotation>> {
    await this.ensureFlags();
    const records = await this.deps.reviewStore.annotations(eventIds);
    return new Map(records.map((record) => [record.eventId, { flags: record.flags, notes: record.notes }]));
  }

  // ---- flags -------------------------------------------------------------------------------

  async rules(): Promise<FlagRules> {
    await this.#migrateRules();
    return (await this.deps.reviewStore.rules()) ?? DEFAULT_FLAG_RULES;
  }

  async setRules(rules: FlagRules): Promise<{ rules: FlagRules; flagged: number }> {
    const valid = flagRulesSchema.parse(rules);
    this.#rulesMigrated = true;
    const { flagged } = await this.deps.reviewStore.setRules(valid, this.#actor());
    this.deps.store.set(RULES_KEY, valid);
    return { rules: valid, flagged };
  }

  /** Recomputes every event's flags now; returns how many events are flagged. */
  async recomputeFlags(): Promise<number> {
    await this.#migrateRules();
    return (await this.deps.reviewStore.recomputeFlags()).flagged;
  }

  /** Brings the flags up to date: no scan when they are current. */
  async ensureFlags(): Promise<void> {
    await this.#migrateRules();
    await this.deps.reviewStore.ensureFlags();
  }

  /** Rules only in the settings file (saved by the first release, or a new cache file): copied into the cache file on first use. */
  async #migrateRules(): Promise<void> {
    if (this.#rulesMigrated) return;
    const saved = flagRulesSchema.safeParse(upgradeStoredFlagRules(this.deps.store.get(RULES_KEY)));
    if (saved.success && (await this.deps.reviewStore.rules()) === null) await this.deps.reviewStore.setRules(saved.data);
    this.#rulesMigrated = true;
  }

  // ---- settings kept in main -----------------------------------------------------------------

  async preferences(): Promise<ReviewPreferences> {
    const parsed = reviewPreferencesSchema.safeParse(this.deps.store.get(PREFERENCES_KEY));
    return parsed.success ? parsed.data : DEFAULT_REVIEW_PREFERENCES;
  }

  async setPreferences(preferences: ReviewPreferences): Promise<ReviewPreferences> {
    const valid = reviewPreferencesSchema.parse(preferences);
    this.deps.store.set(PREFERENCES_KEY, valid);
    return valid;
  }

  async savedFilters(): Promise<SavedFilter[]> {
    const stored = this.deps.store.get(SAVED_FILTERS_KEY);
    return Array.isArray(stored) ? (stored as SavedFilter[]) : [];
  }

  async saveFilter(name: string, group: LocalFilterGroupInput): Promise<SavedFilter[]> {
    // The contract's shape and limits, and compiling, refuse a filter that could not run later.
    const parsed = localFilterSchema.safeParse(group);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AuditorError('REVIEW_FILTER_INVALID', 'This filter cannot be saved.', { hint: issue === undefined ? 'Check every condition.' : `${issue.path.join('.')}: ${issue.message}` });
    }
    const filter: LocalFilterGroupInput = parsed.data;
    compileReviewFilter(filter);
    const others = (await this.savedFilters()).filter((saved) => saved.name !== name);
    if (others.length >= MAX_SAVED_FILTERS) throw new AuditorError('REVIEW_TOO_MANY_FILTERS', `At most ${MAX_SAVED_FILTERS} filters can be saved.`, { hint: 'Delete filters you no longer use.' });
    const next = [...others, { name, filter, savedAt: this.deps.clock.now() }].sort((a, b) => a.name.localeCompare(b.name));
    this.deps.store.set(SAVED_FILTERS_KEY, next);
    return next;
  }

  async deleteFilter(name: string): Promise<SavedFilter[]> {
    const next = (await this.savedFilters()).filter((saved) => saved.name !== name);
    this.deps.store.set(SAVED_FILTERS_KEY, next);
    return next;
  }

  async zohoFilter(model: ZohoFilterModel): Promise<{ json: string; encoded: string }> {
    const { json, encoded } = buildZohoFilter(model);
    return { json, encoded };
  }
}

function unreachable(value: never): never {
  throw new Error(`Unhandled case ${JSON.stringify(value)}`);
}

function notCached(eventId: string): AuditorError {
  return new AuditorError('REVIEW_EVENT_NOT_CACHED', `Event ${eventId} is not in the cache.`, { hint: 'Sync the record whose timeline shows it.' });
}

function parseObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    return asObject(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
