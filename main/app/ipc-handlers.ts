import { orgTimeZoneOf } from '../auth/zoho-auth-service.js';
import { appVersions } from '../core/app-info.js';
import { AuditorError } from '../core/errors.js';
import { machineTimeZone, resolveZoneSetting } from '../core/zoned-time.js';
import type { IpcHandlers } from '../core/ipc-dispatch.js';
import type { AppLog } from '../logging/app-log.js';
import { adminPolicyView } from '../policy/admin-policy.js';
import type { Core } from './core.js';
import { gatherDiagnostics } from './diagnostics.js';

/** Maps every request channel of the contract to a service call; a call that fails is logged (scrubbed) with its channel. */
export function createIpcHandlers(services: Core): IpcHandlers {
  return withFailuresLogged(serviceCalls(services), services.log);
}

function withFailuresLogged(handlers: IpcHandlers, log: AppLog): IpcHandlers {
  // The generic map cannot be narrowed per key; each handler is called with the input it was given.
  const wrapped = Object.entries(handlers as Record<string, (input: unknown) => Promise<unknown>>).map(([channel, handler]) => [
    channel,
    async (input: unknown) => {
      try {
        return await handler(input);
      } catch (error) {
        log.warn(`Request ${channel} failed`, error instanceof AuditorError ? { errorCode: error.code, message: error.message, hint: error.hint } : error);
        throw error;
      }
    },
  ]);
  // Same keys, same signatures: only the failure path gained a log line.
  return Object.fromEntries(wrapped) as IpcHandlers;
}

function serviceCalls(services: Core): IpcHandlers {
  const { connection } = services;
  return {
    'app:versions': async () => appVersions(services.ports.shell),
    'app:diagnostics': () => gatherDiagnostics(services),
    'policy:view': async () => adminPolicyView(services.policy),
    'updates:status': async () => services.updates.status(),
    'updates:check': () => services.updates.checkNow(),
    'updates:download': () => services.updates.consentToDownload(),
    'updates:install': async () => services.updates.installAndRestart(),
    'settings:get': async () => services.settings.get(),
    'settings:update': async (patch) => services.settings.update(patch),
    'settings:time-zone': async () => resolveZoneSetting(services.settings.get().timeZone, { org: orgTimeZoneOf(services.auth.status()), localZone: machineTimeZone() }),
    'auth:defaults': async () => connection.defaults(),
    'auth:status': async () => connection.status(),
    'auth:connect': (input) => connection.connect(input),
    'auth:connect-demo': () => connection.connectDemo(),
    'auth:cancel': async () => connection.cancel(),
    'auth:use-passphrase': (input) => connection.usePassphrase(input),
    'auth:disconnect': () => connection.disconnect(),
    'demo:status': () => services.demo.status(),
    'demo:set-online': async ({ online }) => {
      if (online) services.ports.browser.allowExternalOrigin((await services.demo.start()).url);
      else await services.demo.close();
      return services.demo.status();
    },
    'records:overview': async () => (await services.records()).overview(),
    'records:add': async (input) => (await services.records()).add(input),
    'records:remove': async ({ records: keys }) => (await services.records()).remove(keys),
    'records:add-module': async ({ module }) => (await services.records()).addModule(module),
    'sync:start': async (input) => (await services.records()).start(input),
    'sync:resume': async () => (await services.records()).resume(),
    'sync:cancel': async () => (await services.records()).cancel(),
    'sync:status': async () => (await services.records()).progress(),
    'timeline:record': async ({ record, limit, offset }) => (await services.records()).timeline(record, limit, offset),
    'review:page': async (input) => (await services.review()).page(input),
    'review:summary': async (input) => (await services.review()).summary(input),
    'review:heatmaps': async (input) => (await services.review()).heatmaps(input),
    'review:facets': async () => (await services.review()).facets(),
    'review:event': async ({ eventId, timeZone }) => (await services.review()).event(eventId, timeZone),
    'review:raw': async ({ eventId }) => (await services.review()).raw(eventId),
    'review:record-state': async (input) => (await services.review()).recordState(input),
    'review:add-note': async (input) => (await services.review()).addNote(input),
    'review:delete-note': async ({ id }) => (await services.review()).deleteNote(id),
    'review:saved-filters': async () => (await services.review()).savedFilters(),
    'review:save-filter': async ({ name, filter }) => (await services.review()).saveFilter(name, filter),
    'review:delete-filter': async ({ name }) => (await services.review()).deleteFilter(name),
    'review:rules': async () => (await services.review()).rules(),
    'review:set-rules': async (rules) => (await services.review()).setRules(rules),
    'review:preferences': async () => (await services.review()).preferences(),
    'review:set-preferences': async (preferences) => (await services.review()).setPreferences(preferences),
    'review:zoho-filter': async (model) => (await services.review()).zohoFilter(model),
    'review:mark': async (input) => (await services.review()).mark(input),
    'review:mark-filtered': async (input) => (await services.review()).markFiltered(input),
    'review:progress': async (input) => (await services.review()).progress(input),
    'review:progress-overview': async (input) => (await services.review()).progressOverview(input),
    'review:sign-off': async (input) => (await services.review()).signOff(input),
    'review:sign-offs': async () => (await services.review()).signOffs(),
    'review:log': async (input) => (await services.review()).log(input),
    'export:start': async (input) => (await services.exports()).start(input),
    'export:cancel': async () => (await services.exports()).cancel(),
    'export:status': async () => (await services.exports()).status(),
    'export:history': async () => (await services.exports()).history(),
    'export:signing-key': async () => (await services.exports()).signingKey(),
    'export:reveal': async ({ exportId }) => (await services.exports()).reveal(exportId),
    'export:choose-packet': async () => {
      const choose = services.ports.browser.choosePacketFile;
      if (choose === undefined) throw new AuditorError('NO_FILE_DIALOG', 'This window cannot open a file dialog.', { hint: 'Pick the packet with the file field instead (browser mode uploads it).' });
      const path = await choose();
      return path === null ? null : (await services.exports()).holdPacketFile(path, { temporary: false });
    },
    'export:verify': async (input) => (await services.exports()).verify(input),
    'trust:list': async () => (await services.exports()).trustedSigners(),
    'trust:add': async ({ fingerprint, name }) => (await services.exports()).trustSigner(fingerprint, name),
    'trust:remove': async ({ fingerprint }) => (await services.exports()).distrustSigner(fingerprint),
  };
}
