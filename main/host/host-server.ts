import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MAX_PACKET_BYTES, PACKET_UPLOAD_PATH, type ChosenPacketView } from '../../preload/contract.js';
import { AuditorError, serializeError } from '../core/errors.js';
import { dispatchRequest, type IpcHandlers } from '../core/ipc-dispatch.js';
import type { EventHub } from '../core/event-hub.js';
import { CONTENT_SECURITY_POLICY } from '../core/content-security-policy.js';

/**
 * The loopback host: serves the built renderer and the same IPC handlers as Electron, so the real
 * renderer runs in a plain browser wired to the real main-process services (tests, development).
 * Never part of the packaged app. Binds 127.0.0.1 only; every IPC call carries a random bearer
 * secret handed to the page in the URL fragment (fragments are never sent over HTTP or logged);
 * the Host header is checked against our own address to defeat DNS rebinding.
 */
export interface HostOptions {
  handlers: IpcHandlers;
  events: EventHub;
  /** The built renderer (out/renderer). */
  rendererDirectory: string;
  port?: number;
  secret?: string;
  /**
   * Where an uploaded packet goes (browser mode has no file dialog main could open): the host
   * streams the body to a private temporary file and hands it over; answers the renderer's token.
   * Without it, uploads are refused.
   */
  packetUploads?: { hold(path: string, name: string): Promise<ChosenPacketView> };
  /** Largest upload accepted (default: the largest packet verify opens). */
  maxUploadBytes?: number;
  /** Where uploads are written (default: the OS temp folder). */
  uploadDirectory?: string;
}

export interface RunningHost {
  origin: string;
  /** The URL to open: origin plus the secret in the fragment. */
  appUrl: string;
  secret: string;
  close(): Promise<void>;
}

export const IPC_PATH_PREFIX = '/__auditor/ipc/';
export const EVENTS_PATH = '/__auditor/events';
const MAX_BODY_BYTES = 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const secret = options.secret ?? randomBytes(32).toString('base64url');
  const expectedAuthorization = Buffer.from(`Bearer ${secret}`);
  const eventStreams = new Set<ServerResponse>();
  const unsubscribe = options.events.subscribe((envelope) => {
    const frame = `data: ${JSON.stringify(envelope)}\n\n`;
    for (const stream of eventStreams) stream.write(frame);
  });
  let origin = '';

  const isAuthorized = (request: IncomingMessage): boolean => {
    const given = Buffer.from(request.headers.authorization ?? '');
    return given.length === expectedAuthorization.length && timingSafeEqual(given, expectedAuthorization);
  };

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { ok: false, error: { code: 'INTERNAL', message: String(error) } });
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.headers.host !== new URL(origin).host) {
      sendText(response, 421, 'Misdirected request');
      return;
    }
    const url = new URL(request.url ?? '/', origin);
    if (url.pathname === PACKET_UPLOAD_PATH) {
      if (request.method !== 'POST') return sendText(response, 405, 'POST only');
      if (request.headers.origin !== undefined && request.headers.origin !== origin) return sendText(response, 403, 'Foreign origin');
      if (!isAuthorized(request)) return sendText(response, 401, 'Missing or wrong bearer secret');
      return receivePacket(request, response);
    }
    if (url.pathname.startsWith(IPC_PATH_PREFIX)) {
      if (request.method !== 'POST') return sendText(response, 405, 'POST only');
      if (request.headers.origin !== undefined && request.headers.origin !== origin) return sendText(response, 403, 'Foreign origin');
      if (!isAuthorized(request)) return sendText(response, 401, 'Missing or wrong bearer secret');
      const channel = decodeURIComponent(url.pathname.slice(IPC_PATH_PREFIX.length));
      let input: unknown;
      try {
        const body = await readBody(request);
        input = body.length === 0 ? {} : JSON.parse(body);
      } catch {
        return sendJson(response, 400, { ok: false, error: { code: 'INVALID_INPUT', message: 'The request body is not JSON.' } });
      }
      return sendJson(response, 200, await dispatchRequest(options.handlers, channel, input));
    }
    if (url.pathname === EVENTS_PATH) {
      if (!isAuthorized(request)) return sendText(response, 401, 'Missing or wrong bearer secret');
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      response.write(': connected\n\n');
      eventStreams.add(response);
      request.on('close', () => eventStreams.delete(response));
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendText(response, 405, 'GET only');
    await serveStatic(url.pathname, response);
  }

  /** Streams an upload to a 0600 temporary file (never into memory), capped; the token comes from packetUploads. */
  async function receivePacket(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const limit = options.maxUploadBytes ?? MAX_PACKET_BYTES;
    const refuse = (status: number, error: AuditorError): void => {
      // The rest of the body is not read: close the connection after answering.
      response.setHeader('connection', 'close');
      sendJson(response, status, { ok: false, error: serializeError(error) });
    };
    if (options.packetUploads === undefined) return refuse(404, new AuditorError('UPLOAD_UNAVAILABLE', 'This host does not take packet uploads.'));
    const declared = Number(request.headers['content-length'] ?? Number.NaN);
    if (Number.isFinite(declared) && declared > limit) return refuse(413, tooLarge(limit));
    const name = uploadName(request.headers['x-file-name']);
    const path = join(options.uploadDirectory ?? tmpdir(), `timeline-auditor-upload-${randomBytes(12).toString('hex')}.zip`);
    let received = 0;
    let overLimit = false;
    try {
      // A Transform, not an async generator: iterating the request would destroy it (and the keep-alive socket) at its end.
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          received += chunk.length;
          if (received > limit) {
            overLimit = true;
            done(tooLarge(limit));
          } else done(null, chunk);
        },
      });
      await pipeline(request, counter, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
    } catch (error) {
      await rm(path, { force: true });
      if (overLimit) return refuse(413, tooLarge(limit));
      if (!response.headersSent && !response.destroyed) refuse(400, new AuditorError('UPLOAD_FAILED', 'The packet upload did not finish.', { hint: 'Choose the file again.', cause: error }));
      return;
    }
    try {
      sendJson(response, 200, { ok: true, value: await options.packetUploads.hold(path, name) });
    } catch (error) {
      await rm(path, { force: true });
      sendJson(response, 500, { ok: false, error: serializeError(error) });
    }
  }

  async function serveStatic(pathname: string, response: ServerResponse): Promise<void> {
    const relative = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
    const root = normalize(options.rendererDirectory);
    let file = join(root, relative === '' ? 'index.html' : relative);
    if (file !== root && !file.startsWith(root + sep)) return sendText(response, 403, 'Outside the app');
    const info = await stat(file).catch(() => null);
    if (info === null || !info.isFile()) file = join(root, 'index.html'); // client-side routes
    const body = await readFile(file);
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
    response.end(body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    appUrl: `${origin}/#auditor-secret=${secret}`,
    secret,
    close: async () => {
      unsubscribe();
      for (const stream of eventStreams) stream.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function tooLarge(limit: number): AuditorError {
  return new AuditorError('UPLOAD_TOO_LARGE', `The file is larger than any audit packet can be (${Math.round(limit / 1024 ** 2)} MiB).`, { hint: 'Verify it with `timeline-auditor verify` to see what it is.' });
}

/** The file's name as the browser gave it (percent-encoded), for display only; never a path. */
function uploadName(header: string | string[] | undefined): string {
  let name = 'packet.zip';
  try {
    if (typeof header === 'string' && header !== '') name = decodeURIComponent(header);
  } catch {
    // keep the default
  }
  return (name.split(/[\\/]/).pop() ?? 'packet.zip').slice(0, 260) || 'packet.zip';
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(text);
}
