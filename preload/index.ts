/**
 * The Electron preload (sandboxed, context-isolated): exposes exactly the IPC contract as
 * `window.auditor`. ipcRenderer itself is never exposed.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createAuditorApi } from './api.js';
import { EVENT_ENVELOPE_CHANNEL, type EventEnvelope, type IpcResult } from './contract.js';

const api = createAuditorApi({
  invoke: (channel, input) => ipcRenderer.invoke(channel, input) as Promise<IpcResult<unknown>>,
  listen: (deliver) => {
    ipcRenderer.on(EVENT_ENVELOPE_CHANNEL, (_event, envelope: EventEnvelope) => deliver(envelope));
  },
});

contextBridge.exposeInMainWorld('auditor', api);
