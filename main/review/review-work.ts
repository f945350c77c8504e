/**
 * Review work in the cache file (migration 0005): each event's review state, progress counts, bulk
 * marks, sign-offs and the hash-chained review log. Every change and its log entry are written in
 * ONE transaction, so the log never misses a change nor records one that did not happen.
 *
 * Plain functions over the cache's narrow database handle; SqliteReviewStore serves them (in the
 * data worker in the app).
 */
import type { LocalFilterGroupInput, RecordKeyView, ReviewLogAction, ReviewLogChainView, ReviewLogEntryView, ReviewMark, ReviewProgress, ReviewProgressOverview, ReviewState, SignOffScope, SignOffView } from '../../preload/contract.js';
import { AuditorError } from '../core/errors.js';
import { buildEventCondition, type CacheDatabase, type SqlCondition } from '../cache/index.js';
import { compileReviewFilter } from './local-filter-sql.js';
import { ALWAYS_IN_FULL, canonicalJson, checkChain, linkOf, refuseBrokenReviewLog, REVIEW_LOG_FORMAT, REVIEW_LOG_HASH_RULE, sealEntry, sha256Hex, type ReviewLogEntry, type ReviewLogLink } from './review-log-chain.js';

/** Who acted and when (ms since the epoch). */
export interface ReviewActor {
  actor: string;
  at: number;
}

/** What a sign-off covers, resolved to a filter the cache can run: a saved view's filter, or records. */
export type ResolvedSignOffScope = { kind: 'view'; name: string; filter: LocalFilterGroupInput; timeZone: string } | { kind: 'records'; records: RecordKeyView[] };

export interface SignOffRecordInput extends ReviewActor {
  scope: ResolvedSignOffScope;
  statement: string;
  name: string;
  role: string;
  unreviewedReason: string | null;
}

/** What an export entry of the log records. */
export interface ExportLogInput extends ReviewActor {
  format: 'csv' | 'pdf' | 'packet';
  /** The file's name (no folder: the log stays free of local paths). */
  file: string;
  events: number;
  records: ReadonlyArray<{ module: string; recordId: string }>;
  filterWords: string;
  packetDigest: string | null;
  /** SHA-256 of manifest.json's exact bytes (packets). */
  manifestSha256: string | null;
}

/** One log entry in a packet: every entry up to the head; the payload only for entries of the packet's scope. */
export interface PacketReviewLogEntry extends ReviewLogLink {
  /** null: the entry is about events outside this packet; its digest still chains. */
  payload: string | null;
}

/** The manifest's `review` section. */
export interface PacketReview {
  format: typeof REVIEW_LOG_FORMAT;
  /** How each entry's hash is computed (review-log-chain.ts). */
  hashRule: string;
  /** Review state of the exported events when the export was made. */
  counts: ReviewProgress;
  /** Sign-offs whose scope (at signing) shares events with this export, oldest first. */
  signOffs: SignOffView[];
  log: {
    /** The newest entry when the export was made; null when the log is empty. */
    head: { seq: number; hash: string } | null;
    /** Entries 1 … head. */
    entries: PacketReviewLogEntry[];
    /** How many entries carry their payload (in scope, or a sign-off, rule change or export). */
    entriesWithPayload: number;
  };
}

const ZERO: ReviewProgress = { total: 0, reviewed: 0, followUp: 0, unreviewed: 0 };

/** SHA-256 of the ids sorted as strings (code-unit order) and joined by "\n": binds a set of events in 64 characters. */
export function eventIdsDigest(eventIds: readonly string[]): string {
  return sha256Hex([...eventIds].sort().join('\n'));
}

// ---- the log -------------------------------------------------------------------------------------

/** Appends one entry (inside the caller's transaction); `eventIds` = the events it is about. */
export function appendLogEntry(db: CacheDatabase, entry: { at: number; actor: string; action: ReviewLogAction; payload: unknown }, eventIds: readonly string[] = []): ReviewLogEntry {
  const head = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM review_log ORDER BY seq DESC LIMIT 1').get() ?? null;
  const sealed = sealEntry(head, entry);
  db.prepare('INSERT INTO review_log (seq, at, actor, action, payload, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)').run(sealed.seq, sealed.at, sealed.actor, sealed.action, sealed.payload, sealed.previousHash, sealed.hash);
  if (eventIds.length > 0) db.prepare('INSERT OR IGNORE INTO review_log_events (event_id, seq) SELECT value, ? FROM json_each(?)').run(sealed.seq, JSON.stringify(eventIds));
  return sealed;
}

interface LogRow {
  seq: number;
  at: number;
  actor: string;
  action: ReviewLogAction;
  payload: string;
  previous_hash: string;
  hash: string;
}
const LOG_COLUMNS = 'seq, at, actor, action, payload, previous_hash, hash';
const LOG_PAGE = 10_000;

function entryOf(row: LogRow): ReviewLogEntry {
  return { seq: row.seq, at: row.at, actor: row.actor, action: row.action, payload: row.payload, previousHash: row.previous_hash, hash: row.hash };
}

/** Every entry up to `lastSeq` (all when null), oldest first, read in pages. */
function* logEntries(db: CacheDatabase, lastSeq: number | null = null): Generator<ReviewLogEntry> {
  const page = db.prepare<[number, number, number], LogRow>(`SELECT ${LOG_COLUMNS} FROM review_log WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?`);
  let after = 0;
  for (;;) {
    const rows = page.all(after, lastSeq ?? Number.MAX_SAFE_INTEGER, LOG_PAGE);
    for (const row of rows) yield entryOf(row);
    if (rows.length < LOG_PAGE) return;
    after = rows[rows.length - 1]!.seq;
  }
}

/** Whether the stored chain still hashes to itself. */
export function checkStoredChain(db: CacheDatabase): ReviewLogChainView {
  return checkChain(
    (function* () {
      for (const entry of logEntries(db)) yield linkOf(entry);
    })(),
  );
}

export function readLog(db: CacheDatabase, input: { beforeSeq: number | null; limit: number }): { entries: ReviewLogEntryView[]; chain: ReviewLogChainView } {
  const rows = db.prepare<[number, number], LogRow>(`SELECT ${LOG_COLUMNS} FROM review_log WHERE seq < ? ORDER BY seq DESC LIMIT ?`).all(input.beforeSeq ?? Number.MAX_SAFE_INTEGER, input.limit);
  return {
    entries: rows.map((row) => ({ seq: row.seq, at: row.at, actor: row.actor, action: row.action, words: logEntryWords(row.action, row.payload), payload: row.payload, previousHash: row.previous_hash, hash: row.hash })),
    chain: checkStoredChain(db),
  };
}

/** One entry in plain words, from its payload; the action's name when the payload cannot be read. */
export function logEntryWords(action: ReviewLogAction, payload: string): string {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(payload) as Record<string, unknown>;
  } catch {
    return action;
  }
  const count = (n: unknown, one: string, many = `${one}s`): string => `${typeof n === 'number' ? n.toLocaleString('en-US') : '?'} ${n === 1 ? one : many}`;
  switch (action) {
    case 'state_changed':
      return `Marked ${count(Array.isArray(value['eventIds']) ? value['eventIds'].length : null, 'event')} ${stateWords(value['state'])}`;
    case 'bulk_state_changed':
      return `Marked all ${count(value['count'], 'event')} of the filter “${String(value['words'])}” ${stateWords(value['state'])}`;
    case 'note_added':
      return `Added a note to event ${String(value['eventId'])}`;
    case 'note_deleted':
      return `Deleted note ${String(value['noteId'])} of event ${String(value['eventId'])}`;
    case 'flag_rules_changed':
      return `Changed the flag rules (${count(value['flagged'], 'event')} flagged)`;
    case 'signed_off':
      return `${String(value['name'])} (${String(value['role'])}) signed off ${String(value['scopeWords'])}`;
    case 'exported':
      return `Exported ${String(value['format']).toUpperCase()} ${String(value['file'])} (${count(value['events'], 'event')})`;
    default:
      return unreachable(action);
  }
}

function stateWords(state: unknown): string {
  return state === 'reviewed' ? 'reviewed' : state === 'follow_up' ? 'for follow-up' : 'unreviewed';
}

function unreachable(value: never): never {
  throw new Error(`Unhandled review log action ${JSON.stringify(value)}`);
}

// ---- review state and progress ---------------------------------------------------------------------

/**
 * Progress in one statement: the total counted over the filter's events (their indexes), the marks
 * counted from event_review's rows joined to the events they belong to — marked events only, so
 * the cost follows how much was reviewed rather than how many events are cached.
 */
const PROGRESS_SQL = (where: string): string =>
  `SELECT (SELECT count(*) FROM events e WHERE ${where}) AS total,
     coalesce(sum(r.state = 'reviewed'), 0) AS reviewed, coalesce(sum(r.state = 'follow_up'), 0) AS follow_up
   FROM event_review r CROSS JOIN events e ON e.event_id = r.event_id WHERE ${where}`;

/** Progress of the events the condition selects. */
export function progressOf(db: CacheDatabase, condition: SqlCondition): ReviewProgress {
  const row = db.prepare<unknown[], { total: number; reviewed: number; follow_up: number }>(PROGRESS_SQL(condition.where)).get(...condition.params, ...condition.params);
  if (row === undefined) return ZERO;
  return { total: row.total, reviewed: row.reviewed, followUp: row.follow_up, unreviewed: row.total - row.reviewed - row.follow_up };
}

export function filterCondition(filter: LocalFilterGroupInput, timeZone: string): SqlCondition {
  return compileReviewFilter(filter, timeZone);
}

/** The review mark of a table row from its event_review columns. */
export function markOf(state: string | null, by: string | null, at: number | null): ReviewMark {
  if ((state === 'reviewed' || state === 'follow_up') && by !== null && at !== null) return { state, by, at };
  return { state: 'unreviewed' };
}

/** Sets the state of these events (those cached; unknown ids are skipped). */
function setStates(db: CacheDatabase, eventIdsJson: string, state: ReviewState, by: ReviewActor): void {
  if (state === 'unreviewed') {
    db.prepare('DELETE FROM event_review WHERE event_id IN (SELECT value FROM json_each(?))').run(eventIdsJson);
    return;
  }
  db.prepare(
    `INSERT INTO event_review (event_id, state, by, at) SELECT value, ?, ?, ? FROM json_each(?) WHERE true
     ON CONFLICT (event_id) DO UPDATE SET state = excluded.state, by = excluded.by, at = excluded.at`,
  ).run(state, by.actor, by.at, eventIdsJson);
}

/** Marks some events (the keyboard's mark-and-advance) and logs it, in one transaction. */
export function markEvents(db: CacheDatabase, input: ReviewActor & { eventIds: readonly string[]; state: ReviewState }): { marked: number } {
  return db.transaction(() => {
    const cached = db
      .prepare<[string], { event_id: string }>('SELECT DISTINCT e.event_id FROM json_each(?) j JOIN events e ON e.event_id = j.value')
      .all(JSON.stringify(input.eventIds))
      .map((row) => row.event_id)
      .sort();
    if (cached.length === 0) {
      throw new AuditorError('REVIEW_EVENT_NOT_CACHED', input.eventIds.length === 1 ? `Event ${input.eventIds[0]} is not in the cache.` : 'None of these events is in the cache.', { hint: 'Sync the record whose timeline shows it.' });
    }
    setStates(db, JSON.stringify(cached), input.state, input);
    appendLogEntry(db, { at: input.at, actor: input.actor, action: 'state_changed', payload: { eventIds: cached, state: input.state } }, cached);
    return { marked: cached.length };
  });
}

/**
 * Marks every event the filter matches, after a confirm that showed `expectedEvents`: refused
 * (REVIEW_SCOPE_CHANGED) when it matches a different number now. The log entry names the filter,
 * its words, the count and a digest of the sorted event ids — small, yet bound to exactly those events.
 */
export function markFiltered(db: CacheDatabase, input: ReviewActor & { filter: LocalFilterGroupInput; timeZone: string; words: string; state: ReviewState; expectedEvents: number }): { marked: number } {
  const condition = filterCondition(input.filter, input.timeZone);
  return db.transaction(() => {
    const ids = db
      .prepare<unknown[], { event_id: string }>(`SELECT e.event_id FROM events e WHERE ${condition.where}`)
      .all(...condition.params)
      .map((row) => row.event_id);
    if (ids.length !== input.expectedEvents) {
      throw new AuditorError('REVIEW_SCOPE_CHANGED', `The filter now matches ${ids.length.toLocaleString('en-US')} events, not the ${input.expectedEvents.toLocaleString('en-US')} you confirmed; nothing was marked.`, {
        hint: 'The cache changed since (a sync, or another window). Look at the filtered events again and confirm the new count.',
        details: { matches: ids.length, expectedEvents: input.expectedEvents },
      });
    }
    const idsJson = JSON.stringify(ids);
    setStates(db, idsJson, input.state, input);
    appendLogEntry(
      db,
      { at: input.at, actor: input.actor, action: 'bulk_state_changed', payload: { filter: input.filter, words: input.words, timeZone: input.timeZone, state: input.state, count: ids.length, eventIdsSha256: eventIdsDigest(ids) } },
      ids,
    );
    return { marked: ids.length };
  });
}

/** Each saved view's progress (over what it matches now) and each tracked record's. */
export function progressOverview(db: CacheDatabase, input: { timeZone: string; views: ReadonlyArray<{ name: string; filter: LocalFilterGroupInput }> }): ReviewProgressOverview {
  const views = input.views.map((view) => ({ name: view.name, progress: progressOf(db, filterCondition(view.filter, input.timeZone)) }));
  // Totals from the timeline links alone; marks from event_review's rows (the marked events only).
  const marks = new Map(
    db
      .prepare<[], { record_rowid: number; reviewed: number; follow_up: number }>(
        `SELECT te.record_rowid, sum(r.state = 'reviewed') AS reviewed, sum(r.state = 'follow_up') AS follow_up
         FROM event_review r CROSS JOIN events e ON e.event_id = r.event_id JOIN timeline_events te ON te.event_rowid = e.id GROUP BY te.record_rowid`,
      )
      .all()
      .map((row) => [row.record_rowid, row]),
  );
  const records = db
    .prepare<[], { id: number; module: string; record_id: string; name: string | null; total: number }>(
      `SELECT r.id, r.module, r.record_id, r.name, t.total FROM records r JOIN (SELECT record_rowid, count(*) AS total FROM timeline_events GROUP BY record_rowid) t ON t.record_rowid = r.id
       ORDER BY r.module, r.record_id`,
    )
    .all()
    .map((row) => {
      const reviewed = marks.get(row.id)?.reviewed ?? 0;
      const followUp = marks.get(row.id)?.follow_up ?? 0;
      return { module: row.module, recordId: row.record_id, name: row.name, progress: { total: row.total, reviewed, followUp, unreviewed: row.total - reviewed - followUp } };
    });
  return { views, records };
}

// ---- sign-off -------------------------------------------------------------------------------------

function scopeCondition(scope: ResolvedSignOffScope): SqlCondition {
  return scope.kind === 'view' ? filterCondition(scope.filter, scope.timeZone) : buildEventCondition({ records: scope.records });
}

function scopeWordsOf(db: CacheDatabase, scope: ResolvedSignOffScope, events: number): string {
  const eventWords = `${events.toLocaleString('en-US')} ${events === 1 ? 'event' : 'events'}`;
  if (scope.kind === 'view') return `saved view “${scope.name}” (${eventWords})`;
  const named = scope.records.slice(0, 3).map((record) => {
    const name = db.prepare<[string, string], { name: string | null }>('SELECT name FROM records WHERE module = ? AND record_id = ?').get(record.module, record.recordId)?.name ?? null;
    return `${record.module} ${record.recordId}${name === null ? '' : ` (${name})`}`;
  });
  const more = scope.records.length > 3 ? ` and ${(scope.records.length - 3).toLocaleString('en-US')} more` : '';
  return `${scope.records.length.toLocaleString('en-US')} ${scope.records.length === 1 ? 'record' : 'records'}: ${named.join(', ')}${more} (${eventWords})`;
}

function publicScope(scope: ResolvedSignOffScope): SignOffScope {
  return scope.kind === 'view' ? { kind: 'view', name: scope.name } : { kind: 'records', records: scope.records.map((record) => ({ module: record.module, recordId: record.recordId })) };
}

/**
 * Records an attestation over a scope: refused (SIGN_OFF_UNREVIEWED) while events in scope are
 * unreviewed unless the reviewer said why, and (SIGN_OFF_EMPTY) when the scope holds no events.
 * The sign-off, its log entry and the events it covers are written in one transaction.
 */
export function signOff(db: CacheDatabase, input: SignOffRecordInput): SignOffView {
  const condition = scopeCondition(input.scope);
  return db.transaction(() => {
    const progress = progressOf(db, condition);
    if (progress.total === 0) {
      throw new AuditorError('SIGN_OFF_EMPTY', input.scope.kind === 'view' ? `The saved view “${input.scope.name}” matches no events, so there is nothing to sign off.` : 'These records have no events in the cache, so there is nothing to sign off.', {
        hint: 'Sync the records first, or choose another scope.',
      });
    }
    if (progress.unreviewed > 0 && input.unreviewedReason === null) {
      throw new AuditorError('SIGN_OFF_UNREVIEWED', `${progress.unreviewed.toLocaleString('en-US')} of the ${progress.total.toLocaleString('en-US')} events in scope are not reviewed yet.`, {
        hint: 'Review them first, or say in the sign-off why signing off with unreviewed events is acceptable.',
        details: { progress },
      });
    }
    const ids = db
      .prepare<unknown[], { event_id: string }>(`SELECT e.event_id FROM events e WHERE ${condition.where}`)
      .all(...condition.params)
      .map((row) => row.event_id);
    const scope = publicScope(input.scope);
    const scopeWords = scopeWordsOf(db, input.scope, progress.total);
    const id = db.prepare<[], { id: number }>('SELECT coalesce(max(id), 0) + 1 AS id FROM sign_offs').get()?.id ?? 1;
    const payload = {
      signOffId: id,
      scope,
      ...(input.scope.kind === 'view' ? { filter: input.scope.filter, timeZone: input.scope.timeZone } : {}),
      scopeWords,
      statement: input.statement,
      unreviewedReason: input.unreviewedReason,
      name: input.name,
      role: input.role,
      progress,
      eventIdsSha256: eventIdsDigest(ids),
    };
    const entry = appendLogEntry(db, { at: input.at, actor: input.actor, action: 'signed_off', payload }, ids);
    db.prepare(
      `INSERT INTO sign_offs (id, log_seq, scope_json, scope_words, statement, unreviewed_reason, name, role, signed_by, at, total, reviewed, follow_up, unreviewed)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(id, entry.seq, canonicalJson(scope), scopeWords, input.statement, input.unreviewedReason, input.name, input.role, input.actor, input.at, progress.total, progress.reviewed, progress.followUp, progress.unreviewed);
    return { id, scope, scopeWords, statement: input.statement, unreviewedReason: input.unreviewedReason, name: input.name, role: input.role, signedBy: input.actor, at: input.at, progress, logSeq: entry.seq, logHash: entry.hash };
  });
}

interface SignOffRow {
  id: number;
  log_seq: number;
  scope_json: string;
  scope_words: string;
  statement: string;
  unreviewed_reason: string | null;
  name: string;
  role: string;
  signed_by: string;
  at: number;
  total: number;
  reviewed: number;
  follow_up: number;
  unreviewed: number;
  hash: string;
}
const SIGN_OFF_SELECT = `SELECT s.*, l.hash FROM sign_offs s JOIN review_log l ON l.seq = s.log_seq`;

function signOffOf(row: SignOffRow): SignOffView {
  return {
    id: row.id,
    scope: JSON.parse(row.scope_json) as SignOffScope,
    scopeWords: row.scope_words,
    statement: row.statement,
    unreviewedReason: row.unreviewed_reason,
    name: row.name,
    role: row.role,
    signedBy: row.signed_by,
    at: row.at,
    progress: { total: row.total, reviewed: row.reviewed, followUp: row.follow_up, unreviewed: row.unreviewed },
    logSeq: row.log_seq,
    logHash: row.hash,
  };
}

/** Every sign-off, newest first. */
export function listSignOffs(db: CacheDatabase): SignOffView[] {
  return db.prepare<[], SignOffRow>(`${SIGN_OFF_SELECT} ORDER BY s.id DESC`).all().map(signOffOf);
}

// ---- exports -----------------------------------------------------------------------------------------

/** Logs a finished export file. */
export function logExport(db: CacheDatabase, input: ExportLogInput): ReviewLogEntry {
  const records = input.records.map((record) => `${record.module}/${record.recordId}`).sort();
  return db.transaction(() =>
    appendLogEntry(db, {
      at: input.at,
      actor: input.actor,
      action: 'exported',
      payload: {
        format: input.format,
        file: input.file,
        events: input.events,
        filter: input.filterWords,
        records: records.length,
        recordsSha256: sha256Hex(records.join('\n')),
        packetDigest: input.packetDigest,
        manifestSha256: input.manifestSha256,
      },
    }),
  );
}

/**
 * The manifest's review section for the events `condition` selects, read in one transaction (a
 * snapshot: marks made while the export is written are not half in it): their review counts, the
 * sign-offs that share events with them, and the whole log up to its head — payloads only for
 * entries about these events, and for every sign-off, rule change and export.
 */
export function packetReview(db: CacheDatabase, condition: SqlCondition): PacketReview {
  return db.transaction(() => {
    const counts = progressOf(db, condition);
    const inScope = new Set(
      db
        .prepare<unknown[], { seq: number }>(`SELECT DISTINCT l.seq FROM review_log_events l JOIN events e ON e.event_id = l.event_id WHERE ${condition.where}`)
        .all(...condition.params)
        .map((row) => row.seq),
    );
    const entries: PacketReviewLogEntry[] = [];
    let entriesWithPayload = 0;
    for (const entry of logEntries(db)) {
      const full = inScope.has(entry.seq) || ALWAYS_IN_FULL.includes(entry.action);
      if (full) entriesWithPayload += 1;
      entries.push(linkOf(entry, full));
    }
    // Fail closed (the export service checked before it started; this is the snapshot the file carries).
    refuseBrokenReviewLog(checkChain(entries));
    const last = entries[entries.length - 1];
    const signOffs = db
      .prepare<[], SignOffRow>(`${SIGN_OFF_SELECT} ORDER BY s.id`)
      .all()
      .filter((row) => inScope.has(row.log_seq))
      .map(signOffOf);
    return { format: REVIEW_LOG_FORMAT, hashRule: REVIEW_LOG_HASH_RULE, counts, signOffs, log: { head: last === undefined ? null : { seq: last.seq, hash: last.hash }, entries, entriesWithPayload } };
  });
}

// ---- carrying review work into a rebuilt cache file ----------------------------------------------

/** Review work as read from a cache file being rebuilt (rows as stored). */
export interface SalvagedReviewWork {
  marks: Array<{ eventId: string; state: 'reviewed' | 'follow_up'; by: string; at: number }>;
  log: ReviewLogEntry[];
  logEvents: Array<{ eventId: string; seq: number }>;
  signOffs: Array<Omit<SignOffRow, 'hash'>>;
}

/** Reads review work from a file (empty when the file predates migration 0005). */
export function readReviewWorkRows(db: CacheDatabase): SalvagedReviewWork {
  const present = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('event_review', 'review_log', 'review_log_events', 'sign_offs')").get()?.n ?? 0;
  if (present < 4) return { marks: [], log: [], logEvents: [], signOffs: [] };
  return {
    marks: db.prepare<[], { eventId: string; state: 'reviewed' | 'follow_up'; by: string; at: number }>('SELECT event_id AS eventId, state, by, at FROM event_review ORDER BY event_id').all(),
    log: [...logEntries(db)],
    logEvents: db.prepare<[], { eventId: string; seq: number }>('SELECT event_id AS eventId, seq FROM review_log_events ORDER BY seq, event_id').all(),
    signOffs: db.prepare<[], Omit<SignOffRow, 'hash'>>('SELECT * FROM sign_offs ORDER BY id').all(),
  };
}

/**
 * Writes salvaged review work into a new cache file, entries exactly as they were (same seq, hashes,
 * payloads: the chain carries on), in one transaction; refused when this file's log already has
 * entries. Answers what was carried and whether the carried chain is intact.
 */
export function restoreReviewWork(db: CacheDatabase, work: SalvagedReviewWork): { marks: number; entries: number; signOffs: number; chain: ReviewLogChainView } {
  return db.transaction(() => {
    if ((db.prepare<[], { n: number }>('SELECT count(*) AS n FROM review_log').get()?.n ?? 0) > 0) {
      throw new AuditorError('REVIEW_RESTORE_NOT_EMPTY', 'This cache already has a review log, so the old one cannot be carried over into it.', { hint: 'Carry review work only into a freshly rebuilt cache.' });
    }
    const mark = db.prepare('INSERT OR REPLACE INTO event_review (event_id, state, by, at) VALUES (?, ?, ?, ?)');
    for (const row of work.marks) mark.run(row.eventId, row.state, row.by, row.at);
    const entry = db.prepare('INSERT INTO review_log (seq, at, actor, action, payload, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (const row of work.log) entry.run(row.seq, row.at, row.actor, row.action, row.payload, row.previousHash, row.hash);
    const about = db.prepare('INSERT OR IGNORE INTO review_log_events (event_id, seq) VALUES (?, ?)');
    for (const row of work.logEvents) about.run(row.eventId, row.seq);
    const signOffRow = db.prepare(
      `INSERT INTO sign_offs (id, log_seq, scope_json, scope_words, statement, unreviewed_reason, name, role, signed_by, at, total, reviewed, follow_up, unreviewed)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const row of work.signOffs) {
      signOffRow.run(row.id, row.log_seq, row.scope_json, row.scope_words, row.statement, row.unreviewed_reason, row.name, row.role, row.signed_by, row.at, row.total, row.reviewed, row.follow_up, row.unreviewed);
    }
    return { marks: work.marks.length, entries: work.log.length, signOffs: work.signOffs.length, chain: checkStoredChain(db) };
  });
}
