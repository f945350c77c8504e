export { createDataClient, DataJobAbortedError, DataWorkerStoppedError, WorkerSyncStore } from './data-client.js';
export type { AwaitableSyncStore, CallOptions, DataClient } from './data-client.js';
export { dataWorkerEntryBeside, sourceDataWorkerEntry, workerThreadSpawner } from './spawners.js';
export { inProcessSpawner } from './in-process-spawner.js';
export type { WorkerThreadOptions } from './spawners.js';
export { dataRequests, isDataRequestName } from './protocol.js';
export type { AnnotationsInput, DataRequestInput, DataRequestName, DataRequestOutput, DataWorkerPort, DataWorkerStart, EventFilterInput, ExportFileResult, ExportJobInput, WorkerSpawner } from './protocol.js';
