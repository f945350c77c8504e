/**
 * `window.auditor` for the loopback host (browser mode: development and end-to-end tests).
 * Speaks to main/host/host-server.ts with the bearer secret the host put in the URL fragment.
 * Not loaded inside Electron, where preload/index.ts has already defined `window.auditor`.
 */
import { createAuditorApi } from './api.js';
import { PACKET_UPLOAD_PATH, type AuditorApi, type ChosenPacketView, type EventEnvelope, type IpcResult } from './contract.js';

const SECRET_KEY = 'auditor-secret';
const IPC_PATH_PREFIX = '/__auditor/ipc/';
const EVENTS_PATH = '/__auditor/events';

export function createBrowserBridge(): AuditorApi {
  const secret = takeSecret();
  const authorization = `Bearer ${secret}`;
  return createAuditorApi({
    invoke: async (channel, input) => {
      const response = await fetch(`${IPC_PATH_PREFIX}${encodeURIComponent(channel)}`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify(input ?? {}),
      });
      if (response.status === 401) {
        return { ok: false, error: { code: 'HOST_UNAUTHORIZED', message: 'This page is not authorised by the Timeline Auditor host.', hint: 'Open the URL the host printed (it carries the secret).' } };
      }
      return (await response.json()) as IpcResult<unknown>;
    },
    listen: (deliver) => void streamEvents(authorization, deliver),
    // The browser streams the File from disk as the raw body: no base64, no JSON, no copy in page memory.
    uploadPacket: async (file, name) => {
      try {
        const response = await fetch(PACKET_UPLOAD_PATH, { method: 'POST', headers: { authorization, 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(name) }, body: file });
        if (response.status === 401) return { ok: false, error: { code: 'HOST_UNAUTHORIZED', message: 'This page is not authorised by the Timeline Auditor host.' } };
        return (await response.json()) as IpcResult<ChosenPacketView>;
      } catch (error) {
        return {
          ok: false,
          error: { code: 'UPLOAD_FAILED', message: `The packet could not be sent to the host: ${error instanceof Error ? error.message : String(error)}`, hint: 'Choose the file again; a file larger than 4 GiB is no audit packet.' },
        };
      }
    },
  });
}

/** Reads the secret from the fragment once, then hides it from the address bar (kept for reloads). */
function takeSecret(): string {
  const fragment = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const fromFragment = fragment.get(SECRET_KEY);
  if (fromFragment !== null) {
    window.sessionStorage.setItem(SECRET_KEY, fromFragment);
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    return fromFragment;
  }
  return window.sessionStorage.getItem(SECRET_KEY) ?? '';
}

/** Server-sent events over fetch (EventSource cannot send the Authorization header); reconnects. */
async function streamEvents(authorization: string, deliver: (envelope: EventEnvelope) => void): Promise<void> {
  for (;;) {
    try {
      const response = await fetch(EVENTS_PATH, { headers: { authorization } });
      if (!response.ok || response.body === null) throw new Error(`events: HTTP ${response.status}`);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let boundary = buffer.indexOf('\n\n');
        while (boundary >= 0) {
          const frame = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          const data = frame
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .map((line) => line.slice(6))
            .join('\n');
          if (data !== '') deliver(JSON.parse(data) as EventEnvelope);
          boundary = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // The host restarted or the network blinked: try again shortly.
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
