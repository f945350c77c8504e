/** Bulk timeline sync: the engine, its inputs and the store contract it writes through. */
export { AbortFanout } from './abort-fanout.js';
export { Slots } from './slots.js';
export { AdaptiveConcurrency, type AdaptiveConcurrencyOptions, type ConcurrencyTicket } from './adaptive-concurrency.js';
export {
  DEFAULT_SYNC_CONCURRENCY,
  SYNC_RETRY,
  SyncEngine,
  formatZohoUtc,
  recordLabel,
  type SyncEngineDependencies,
  type SyncMode,
  type SyncOptions,
  type SyncProgress,
  type SyncRecordInput,
  type SyncRecordOutcome,
  type SyncResult,
  type SyncState,
  type SyncTarget,
} from './sync-engine.js';
export { SyncError, type SyncErrorCode } from './sync-errors.js';
export { listModuleRecords, parseCsvRows, parseRecordCsv, parseRecordList, parseRecordRef, parseRecordsFile, type InputProblem, type ModuleListingOptions } from './record-input.js';
export type { Awaitable, RecordFreshness, RecordKey, RecordSyncState, SyncRun, SyncRunRecord, SyncStore } from './sync-store.js';
