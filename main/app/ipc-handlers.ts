import { appVersions } from '../core/app-info.js';
import type { IpcHandlers } from '../core/ipc-dispatch.js';
import type { Core } from './core.js';

/** Maps every request channel of the contract to a service call. */
export function createIpcHandlers(services: Core): IpcHandlers {
  const { connection, records } = services;
  return {
    'app:versions': async () => appVersions(services.ports.shell),
    'settings:get': async () => services.settings.get(),
    'settings:update': async (patch) => services.settings.update(patch),
    'auth:defaults': async () => connection.defaults(),
    'auth:status': async () => connection.status(),
    'auth:connect': (input) => connection.connect(input),
    'auth:connect-demo': () => connection.connectDemo(),
    'auth:cancel': async () => connection.cancel(),
    'auth:disconnect': () => connection.disconnect(),
    'demo:status': () => services.demo.status(),
    'demo:set-online': async ({ online }) => {
      if (online) services.ports.browser.allowExternalOrigin((await services.demo.start()).url);
      else await services.demo.close();
      return services.demo.status();
    },
    'records:overview': async () => records.overview(),
    'records:add': async (input) => records.add(input),
    'records:remove': async ({ records: keys }) => records.remove(keys),
    'records:add-module': ({ module }) => records.addModule(module),
    'sync:start': (input) => records.start(input),
    'sync:resume': () => records.resume(),
    'sync:cancel': async () => records.cancel(),
    'sync:progress': async () => records.progress(),
    'timeline:record': async ({ record, limit, offset }) => records.timeline(record, limit, offset),
    'review:page': async (input) => services.review.page(input),
    'review:summary': async (input) => services.review.summary(input),
    'review:heatmaps': async (input) => services.review.heatmaps(input),
    'review:facets': async () => services.review.facets(),
    'review:event': async ({ eventId }) => services.review.event(eventId),
    'review:raw': async ({ eventId }) => services.review.raw(eventId),
    'review:record-state': async (input) => services.review.recordState(input),
    'review:add-note': async (input) => services.review.addNote(input),
    'review:delete-note': async ({ id }) => services.review.deleteNote(id),
    'review:saved-filters': async () => services.review.savedFilters(),
    'review:save-filter': async ({ name, filter }) => services.review.saveFilter(name, filter),
    'review:delete-filter': async ({ name }) => services.review.deleteFilter(name),
    'review:rules': async () => services.review.rules(),
    'review:set-rules': async (rules) => services.review.setRules(rules),
    'review:preferences': async () => services.review.preferences(),
    'review:set-preferences': async (preferences) => services.review.setPreferences(preferences),
    'review:zoho-filter': async (model) => services.review.zohoFilter(model),
    'export:start': async (input) => services.exports.start(input),
    'export:cancel': async () => services.exports.cancel(),
    'export:history': async () => services.exports.history(),
    'export:signing-key': () => services.exports.signingKey(),
    'export:reveal': async ({ exportId }) => services.exports.reveal(exportId),
    'export:verify': (input) => services.exports.verify(input),
  };
}
