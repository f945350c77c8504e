export { TimelineCache } from './timeline-cache.js';
export type { CacheStats, CachedUser, TimelineCacheOptions, TimelinePageWrite } from './timeline-cache.js';
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
} from './query.js';
export { compileLocalFilter, LocalFilterError, LOCAL_FILTER_LIMITS, LOCAL_FILTER_OPERATORS, measureLocalFilter } from './query.js';
export { CacheFromNewerVersionError, CacheMissingEntryError, CacheUnavailableError } from './errors.js';
export { ftsMatchExpression, indexableText } from './search-text.js';
export { CACHE_FILE_NAME, cacheFilePath } from './location.js';
