/**
 * `JSON.stringify(value, null, 2) + '\n'` as UTF-8 bytes, without the one big string: a signed
 * manifest of 30,000 records is ~16 MB of JSON, which V8 builds as a string of up to twice that
 * (two bytes a character once any name is outside Latin-1) before Buffer.from copies it — ~70 MB
 * at the top of a packet's memory. Here the value is walked twice: once to count the bytes, once to
 * write them into one buffer of that size. Same output byte for byte (tests/unit/core/pretty-json.test.ts).
 */
export function prettyJsonBytes(value: unknown): Buffer {
  const top = prepared('', value);
  if (leftOut(top)) throw new TypeError('prettyJsonBytes: the value has no JSON form.');
  let length = 1; // the final newline
  write(top, '', (piece) => (length += Buffer.byteLength(piece, 'utf8')));
  const bytes = Buffer.allocUnsafe(length);
  let offset = 0;
  write(top, '', (piece) => (offset += bytes.write(piece, offset, 'utf8')));
  bytes[offset] = 0x0a;
  return bytes;
}

type Emit = (piece: string) => void;

/** JSON.stringify's own first steps for a property (SerializeJSONProperty): toJSON, then boxed primitives unboxed. */
function prepared(key: string, value: unknown): unknown {
  let result = value;
  if (result !== null && typeof result === 'object' && typeof (result as { toJSON?: unknown }).toJSON === 'function') result = (result as { toJSON(key: string): unknown }).toJSON(key);
  if (result instanceof Number || result instanceof String || result instanceof Boolean) result = result.valueOf();
  return result;
}

/** What JSON.stringify leaves out of an object (and writes as null in an array). */
function leftOut(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/** Emits a prepared value that is not left out, its nested lines indented from `indent`. */
function write(item: unknown, indent: string, emit: Emit): void {
  if (item === null || typeof item !== 'object') {
    emit(JSON.stringify(item));
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(item)) {
    if (item.length === 0) return emit('[]');
    emit('[\n');
    item.forEach((element, index) => {
      emit(inner);
      const value = prepared(String(index), element);
      if (leftOut(value)) emit('null');
      else write(value, inner, emit);
      emit(index < item.length - 1 ? ',\n' : '\n');
    });
    return emit(`${indent}]`);
  }
  const record = item as Record<string, unknown>;
  let first = true;
  for (const name of Object.keys(record)) {
    const value = prepared(name, record[name]);
    if (leftOut(value)) continue;
    emit(`${first ? '{' : ','}\n${inner}${JSON.stringify(name)}: `);
    first = false;
    write(value, inner, emit);
  }
  emit(first ? '{}' : `\n${indent}}`);
}
