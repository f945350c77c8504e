export { TimelineCache } from './timeline-cache.js';
export { DamagedCacheReader, type SalvagedRecord, type Salvaged } from './salvage.js';
export { EXPORT_PAGE_SIZE, ExportRead, FLAG_SEPARATOR, type ExportReadPage, type ExportReadRequest } from './export-read.js';
export type { CacheDatabase, CacheRunResult, CacheStatement, EventsRemovedHook, EventsWrittenHook } from './database.js';
export type { Migration } from './migrations/migration.js';
export type { CacheStats, CachedUser, EventRow, IntegrityCheckResult, OpenReport, TimelineCacheOptions, TimelinePageWrite } from './timeline-cache.js';
export type {
  CachedEvent,
  CachedFieldChange,
  CachedRecordRef,
  EventFilter,
  HeatmapCell,
  HeatmapKind,
  HeatmapOptions,
  HourOfWeekCell,
  QueryOptions,
  SourceDayCell,
  TextColumn,
  UserSourceCell,
  LocalFilterField,
  LocalFilterGroup,
  LocalFilterOptions,
  LocalFilterRule,
  SqlCondition,
  ExtensionFieldCompiler,
  ExtensionFieldCompilers,
  ExtensionFilterField,
} from './query.js';
export { buildEventCondition, CACHE_FILTER_FIELDS, compileLocalFilter, localFilterText, localFilterValues, LocalFilterError, LOCAL_FILTER_LIMITS, LOCAL_FILTER_OPERATORS, sqlMemberOf } from './query.js';
export { CACHE_DAMAGED_HINT, CacheDamagedError, CacheFromNewerVersionError, CacheMissingEntryError, CacheUnavailableError, isSqliteCorruption } from './errors.js';
export { ftsMatchExpression, indexableText } from './search-text.js';
export { CACHE_FILE_NAME, cacheFilePath, cacheFileSet, openMarkerPath } from './location.js';
