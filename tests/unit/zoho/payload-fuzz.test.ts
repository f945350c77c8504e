/**
 * Seeded, bounded fuzzing of the timeline parser and page ingestion: random mutations of the
 * documented sample (timeline-api.md, tests/unit/zoho/fixtures/doc-sample-timeline.json), each fed
 * through the body parser, parseTimelinePage and an in-memory cache. Every outcome must be one of:
 * - the page is read and EVERY event is stored whole: the cache holds its exact text, once;
 * - the page is refused as ZOHO_MALFORMED_RESPONSE naming the record and the JSON path of the
 *   unreadable part (a page with one unreadable event fails whole: fail closed);
 * - the body is not JSON at all (SyntaxError, which the client reports as a malformed answer).
 * Anything else — another exception, an event missing from the cache, a changed digit — fails.
 * Fixed seeds keep CI deterministic; a failure prints the seed and the mutation to replay it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TimelineCache } from '../../../main/cache/index.js';
import { Prng } from '../../../main/sandbox/prng.js';
import { exactJsonText, LosslessNumber, parseZohoBody } from '../../../main/zoho/json-body.js';
import { ZohoMalformedResponseError, parseTimelinePage } from '../../../main/zoho/index.js';

const sampleText = readFileSync(new URL('./fixtures/doc-sample-timeline.json', import.meta.url), 'utf8');
const RECORD = { module: 'Leads', recordId: '554023000001122039' };
const WHAT = `${RECORD.module}/${RECORD.recordId}`;

type Node = unknown;
type Path = Array<string | number>;

/** Every path in the tree (objects' keys, arrays' items). */
function pathsOf(value: Node, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null || value instanceof LosslessNumber) return [];
  const entries: Array<[string | number, Node]> = Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])]);
}

function parentOf(root: Node, path: Path): Record<string | number, Node> {
  let node = root as Record<string | number, Node>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Node>;
  return node;
}

/** Values Zoho (or a broken proxy) might put anywhere: other types, numbers a double cannot hold, odd text. */
function randomValue(prng: Prng): Node {
  switch (prng.int(0, 11)) {
    case 0:
      return null;
    case 1:
      return '';
    case 2:
      return prng.pick(['x', 'crm_ui', 'signal', '2023-06-07T19:32:21-11:00', 'yesterday', '\u0000\u2028', 'é"\\']);
    case 3:
      return new LosslessNumber(String(prng.int(0, 1_000_000)));
    case 4:
      // Above 2^53: exact only as text.
      return new LosslessNumber(`55402300000${String(prng.int(10_000_000, 99_999_999))}`);
    case 5:
      return new LosslessNumber(prng.pick(['-1', '1.5', '1e400', '12345678901234567890.123', '0.1000000000000000055511151231257827']));
    case 6:
      return prng.chance(0.5);
    case 7:
      return [];
    case 8:
      return {};
    case 9:
      return [{ display_value: 'A', actual_value: 'A' }];
    case 10:
      return String(prng.int(0, 10 ** 9));
    default:
      return { id: String(prng.int(1, 10 ** 9)), name: 'Someone' };
  }
}

interface Mutation {
  kind: string;
  path?: string;
}

/** Applies 1–3 random mutations to a fresh parse of the sample; returns the body text sent. */
function mutate(prng: Prng): { text: string; mutations: Mutation[] } {
  const root = parseZohoBody(sampleText);
  const mutations: Mutation[] = [];
  const count = prng.int(1, 3);
  for (let step = 0; step < count; step += 1) {
    const paths = pathsOf(root);
    const path = prng.pick(paths);
    const parent = parentOf(root, path);
    const key = path[path.length - 1]!;
    const kind = prng.pick(['delete', 'replace', 'replace', 'null', 'numberId', 'duplicateEvent', 'extraKey']);
    switch (kind) {
      case 'delete':
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
        break;
      case 'replace':
        parent[key] = randomValue(prng);
        break;
      case 'null':
        parent[key] = null;
        break;
      case 'numberId': {
        // An id as a bare number: Zoho's reference types ids as "long".
        const value = parent[key];
        if (typeof value === 'string' && /^[0-9]+$/.test(value)) parent[key] = new LosslessNumber(value);
        break;
      }
      case 'duplicateEvent': {
        const list = (root as { __timeline: Node[] }).__timeline;
        if (Array.isArray(list) && list.length > 0) list.push(list[prng.int(0, list.length - 1)]);
        break;
      }
      default:
        if (typeof parent === 'object' && !Array.isArray(parent)) parent[`zoho_added_${step}`] = randomValue(prng);
    }
    mutations.push({ kind, path: path.join('.') });
  }
  // Zoho's spacing is its own: some bodies are indented, so evidence cut from them keeps that spacing.
  let text = exactJsonText(root, prng.chance(0.3) ? 2 : undefined);
  // Now and then the bytes themselves are damaged: truncated, or one character changed.
  if (prng.chance(0.08)) {
    text = text.slice(0, prng.int(0, text.length - 1));
    mutations.push({ kind: 'truncate' });
  } else if (prng.chance(0.05)) {
    const at = prng.int(0, text.length - 1);
    text = `${text.slice(0, at)}${prng.pick(['"', '{', ']', 'x', '9', ','])}${text.slice(at + 1)}`;
    mutations.push({ kind: 'flip', path: String(at) });
  }
  return { text, mutations };
}

type Outcome = 'stored' | 'refused' | 'not-json';

function runOne(seed: number): Outcome {
  const prng = new Prng(seed);
  const { text, mutations } = mutate(prng);
  const label = `seed ${seed}: ${JSON.stringify(mutations)}`;
  let body: unknown;
  try {
    body = parseZohoBody(text);
  } catch (error) {
    expect(error, label).toBeInstanceOf(SyntaxError);
    return 'not-json';
  }
  let page;
  try {
    page = parseTimelinePage(body, WHAT, text);
  } catch (error) {
    expect(error, label).toBeInstanceOf(ZohoMalformedResponseError);
    const refusal = error as ZohoMalformedResponseError;
    expect(refusal.code, label).toBe('ZOHO_MALFORMED_RESPONSE');
    expect(refusal.message, label).toContain(WHAT);
    expect(refusal.path, label).toMatch(/^(\(top level\)|__timeline|info)/);
    expect(refusal.message, label).toContain(refusal.path);
    if (refusal.path.startsWith('__timeline[')) expect(refusal.details, label).toMatchObject({ record: WHAT, path: refusal.path });
    return 'refused';
  }
  // Read: every event must land whole, with the exact text the body carried for it.
  const events = (body as { __timeline: unknown[] }).__timeline;
  expect(page.entries, label).toHaveLength(events.length);
  const cache = TimelineCache.inMemory();
  try {
    cache.trackRecords([RECORD]);
    cache.writeTimelinePage(RECORD, page.entries, null);
    const expected = new Map<string, string>();
    page.entries.forEach((entry, index) => {
      // The event's own characters in the body (as the client stores them), holding exactly its value.
      expect(text.includes(entry.rawText!), label).toBe(true);
      expect(exactJsonText(parseZohoBody(entry.rawText!)), label).toBe(exactJsonText(events[index]));
      // A repeated id keeps the latest text (Zoho re-sent the event).
      expected.set(entry.event.id, entry.rawText!);
    });
    for (const [eventId, rawText] of expected) expect(cache.getRawEvent(eventId), label).toBe(rawText);
    expect(cache.countEvents({}), label).toBe(expected.size);
  } finally {
    cache.close();
  }
  return 'stored';
}

describe('timeline payload fuzzing (seeded, bounded)', () => {
  it('never crashes and never drops an event silently: stored whole, or refused with the record and the JSON path', () => {
    const outcomes: Record<Outcome, number> = { stored: 0, refused: 0, 'not-json': 0 };
    for (let seed = 1; seed <= 400; seed += 1) outcomes[runOne(seed)] += 1;
    // The mutations exercised every outcome many times over.
    expect(outcomes.stored).toBeGreaterThan(60);
    expect(outcomes.refused).toBeGreaterThan(60);
    expect(outcomes['not-json']).toBeGreaterThan(10);
  });
});
