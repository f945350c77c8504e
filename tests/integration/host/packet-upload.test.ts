/**
 * Browser mode's packet upload: the body streams to a private temporary file (no JSON, no base64,
 * no 1 MiB limit), verify takes its token, and the file is gone afterwards.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/app/core.js';
import { createIpcHandlers } from '../../../main/app/ipc-handlers.js';
import { nodePlatformPorts } from '../../../main/app/node-platform.js';
import { writeAuditPacket } from '../../../main/export/packet.js';
import { FileSigningKeyStore } from '../../../main/export/signing-key-store.js';
import { startHost, type RunningHost } from '../../../main/host/host-server.js';
import { PACKET_UPLOAD_PATH, type ChosenPacketView, type IpcResult, type PacketVerificationView } from '../../../preload/contract.js';
import { buildEvents, exportInputOf, TEST_SIGNER } from '../../unit/export/fixtures.js';

let host: RunningHost;
let services: Core;
let root: string;
let uploads: string;
let packet: Buffer;

const env = { TIMELINE_AUDITOR_PASSPHRASE: 'upload test' };

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'auditor-upload-'));
  const renderer = join(root, 'renderer');
  uploads = join(root, 'uploads');
  mkdirSync(renderer, { recursive: true });
  mkdirSync(uploads);
  const home = join(root, 'home');
  services = createCore(nodePlatformPorts({ shell: 'browser', home, env }));
  // A packet this home signed (bigger than the old 1 MiB JSON limit once base64'd: 2,000 events).
  const keyStore = new FileSigningKeyStore(home, services.ports.cipher);
  const path = join(root, 'packet.zip');
  await writeAuditPacket(exportInputOf(buildEvents(2000)), path, { keyStore, signer: TEST_SIGNER });
  packet = await readFile(path);
  host = await startHost({
    handlers: createIpcHandlers(services),
    events: services.events,
    rendererDirectory: renderer,
    uploadDirectory: uploads,
    maxUploadBytes: packet.length + 10,
    packetUploads: { hold: async (file, name) => (await services.exports()).holdPacketFile(file, { name, temporary: true }) },
  });
}, 60_000);
afterAll(async () => {
  await host.close();
  await services.close();
  rmSync(root, { recursive: true, force: true });
});

const bearer = () => ({ authorization: `Bearer ${host.secret}` });

async function upload(body: Buffer, headers: Record<string, string> = bearer()): Promise<{ status: number; result: IpcResult<ChosenPacketView> | null }> {
  const response = await fetch(`${host.origin}${PACKET_UPLOAD_PATH}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent('Q3 audit packet.zip') }, body });
  const text = await response.text();
  return { status: response.status, result: response.headers.get('content-type')?.startsWith('application/json') === true ? (JSON.parse(text) as IpcResult<ChosenPacketView>) : null };
}

async function invoke<T>(channel: string, input: object): Promise<IpcResult<T>> {
  const response = await fetch(`${host.origin}/__auditor/ipc/${channel}`, { method: 'POST', headers: { ...bearer(), 'content-type': 'application/json' }, body: JSON.stringify(input) });
  return (await response.json()) as IpcResult<T>;
}

describe('packet upload (browser mode)', () => {
  it('streams the packet to a private temporary file; verify by token gives the verdict and deletes it', async () => {
    expect(packet.length * 1.34).toBeGreaterThan(1024 * 1024);
    const { status, result } = await upload(packet);
    expect(status).toBe(200);
    if (result === null || !result.ok) throw new Error(`upload failed: ${JSON.stringify(result)}`);
    expect(result.value.name).toBe('Q3 audit packet.zip');
    const [stored] = readdirSync(uploads);
    expect(stored).toMatch(/^timeline-auditor-upload-[0-9a-f]+\.zip$/);
    expect(statSync(join(uploads, stored!)).mode & 0o777).toBe(0o600);
    expect((await readFile(join(uploads, stored!))).equals(packet)).toBe(true);

    const verified = await invoke<PacketVerificationView>('export:verify', { fileToken: result.value.fileToken });
    expect(verified).toMatchObject({ ok: true, value: { verdict: { kind: 'trusted', trustedAs: 'this-installation' }, signer: TEST_SIGNER } });
    expect(readdirSync(uploads)).toEqual([]);
    // The token was for one check.
    expect(await invoke('export:verify', { fileToken: result.value.fileToken })).toMatchObject({ ok: false, error: { code: 'VERIFY_FILE_GONE' } });
  });

  it('refuses uploads over the cap (leaving no file), without the secret, and tokens it never gave', async () => {
    const tooBig = Buffer.concat([packet, Buffer.alloc(100)]);
    const refused = await upload(tooBig).catch(() => ({ status: 413, result: null }));
    expect(refused.status).toBe(413);
    expect(readdirSync(uploads)).toEqual([]);
    expect((await upload(packet, {})).status).toBe(401);
    expect(readdirSync(uploads)).toEqual([]);
    expect(await invoke('export:verify', { fileToken: 'A'.repeat(32) })).toMatchObject({ ok: false, error: { code: 'VERIFY_FILE_GONE' } });
    // A path is not a token: the contract refuses it before any handler runs.
    expect(await invoke('export:verify', { fileToken: '/etc/passwd' })).toMatchObject({ ok: false });
    expect(await invoke('export:verify', { fileName: 'x.zip', base64: 'AAAA' })).toMatchObject({ ok: false });
  });

  it('stops reading a body that outgrows the cap though it declared no length', async () => {
    const chunks = [packet, Buffer.alloc(64 * 1024)];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(new Uint8Array(next));
      },
    });
    const status = await fetch(`${host.origin}${PACKET_UPLOAD_PATH}`, { method: 'POST', headers: bearer(), body, duplex: 'half' }).then(
      (response) => response.status,
      () => 413,
    );
    expect(status).toBe(413);
    expect(readdirSync(uploads)).toEqual([]);
  });
});
