/**
 * A strict JSON reader that remembers where every value starts, so configuration mistakes can
 * be reported at `file:line:column` with the key's path. (JSON.parse gives values only.)
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface ParsedJson {
  readonly value: JsonValue;
  /** Offset of each value by its path (`rules.xsrf-cookie-httponly`, `overrides[0].files`). */
  readonly offsets: ReadonlyMap<string, number>;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

const MAX_DEPTH = 64;

export function parseJson(text: string): ParsedJson {
  const offsets = new Map<string, number>();
  let i = 0;
  const fail = (message: string): never => {
    throw new JsonSyntaxError(message, i);
  };
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const str = (): string => {
    i++; // opening quote
    let out = '';
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else fail('invalid escape in string');
        continue;
      }
      if (c < ' ') fail('control character in string');
      out += c;
      i++;
    }
    return fail('unterminated string');
  };
  const value = (path: string, depth: number): JsonValue => {
    if (depth > MAX_DEPTH) fail('nested too deeply');
    ws();
    offsets.set(path, i);
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: { [k: string]: JsonValue } = {};
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a property name in double quotes');
        const keyAt = i;
        const key = str();
        offsets.set(`${childPath(path, key)}#key`, keyAt);
        ws();
        if (text[i] !== ':') fail('expected ":"');
        i++;
        obj[key] = value(childPath(path, key), depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const arr: JsonValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value(childPath(path, arr.length), depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return str();
    const lit = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 64));
    if (!lit) return fail(c === undefined ? 'unexpected end of input' : `unexpected ${JSON.stringify(c)}`);
    i += lit[0].length;
    return lit[0] === 'true' ? true : lit[0] === 'false' ? false : lit[0] === 'null' ? null : Number(lit[0]);
  };
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  i = start;
  const result = value('', 0);
  ws();
  if (i < text.length) fail('unexpected text after the JSON value');
  return { value: result, offsets };
}
