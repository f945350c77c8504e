import { LosslessNumber, stringify } from 'lossless-json';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a handler answers; the server applies faults, latency and writing. */
export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  /** undefined = empty body (e.g. 204). */
  body?: string;
}

/** JSON whose LosslessNumbers are written with their exact digits (ids sent as bare numbers, SHAPES_RECORD). */
export function exactJson(status: number, value: unknown): SandboxResponse {
  return { status, headers: { 'content-type': 'application/json;charset=UTF-8' }, body: stringify(value) ?? 'null' };
}

/** Every `id` key holding digits, anywhere in `value`, as a bare JSON number with the same digits. */
export function idsAsNumbers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(idsAsNumbers);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = key === 'id' && typeof item === 'string' && /^[0-9]+$/.test(item) ? new LosslessNumber(item) : idsAsNumbers(item);
  return out;
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers: { 'content-type': 'application/json;charset=UTF-8', ...headers }, body: JSON.stringify(value) };
}

export function html(status: number, markup: string): SandboxResponse {
  return { status, headers: { 'content-type': 'text/html;charset=UTF-8' }, body: markup };
}

export function redirect(location: string): SandboxResponse {
  return { status: 302, headers: { location } };
}

/**
 * Zoho CRM's error body: {"code","details","message","status":"error"} (limits-and-tokens.md,
 * "Error body shape"; the same shape appears throughout the CRM v8 docs' "Possible Errors").
 */
export function crmError(status: number, code: string, message: string, details: Record<string, unknown> = {}): SandboxResponse {
  return json(status, { code, details, message, status: 'error' });
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

const MAX_BODY_BYTES = 1_000_000;

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function writeResponse(response: ServerResponse, result: SandboxResponse): void {
  const headers: Record<string, string> = { ...result.headers };
  if (result.body !== undefined) headers['content-length'] = String(Buffer.byteLength(result.body));
  response.writeHead(result.status, headers);
  response.end(result.body);
}
