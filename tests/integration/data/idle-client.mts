// A command that asks the data worker one thing and never calls close(): the process must still end
// (the worker keeps it alive only while a call is pending). Used by data-worker.test.ts.
import { createDataClient } from '../../../main/data/index.js';
import { typescriptWorkerSpawner } from './fixtures.js';

const data = createDataClient(typescriptWorkerSpawner(), { cacheFile: process.argv[2] as string });
await data.sync.trackRecords([{ module: 'Leads', recordId: '7' }]);
process.stdout.write(`records=${(await data.cache.overview()).stats.records}\n`);
