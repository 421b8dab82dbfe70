/**
 * Reads a configuration file as JSONC (JSON with comments and trailing commas, as VS Code's
 * settings) with `jsonc-parser`, and remembers where every value and key starts so mistakes are
 * reported at `file:line:column` with the key's path.
 *
 * Objects are built without a prototype: a `"__proto__"` key is then an ordinary own property
 * that the schema rejects as unknown, instead of replacing the object's prototype (which would
 * hide its contents from validation and reach every later property lookup). A key written twice
 * is an error: JSON leaves its meaning open, and the second one silently winning hides mistakes.
 */
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface ParsedJson {
  readonly value: JsonValue;
  /** Offset of each value by its path (`rules.xsrf-cookie-httponly`, `overrides[0].files`); keys as `<path>#key`. */
  readonly offsets: ReadonlyMap<string, number>;
}

export interface JsonProblem {
  readonly offset: number;
  readonly message: string;
  /** For a duplicate key: where the first one is written. */
  readonly firstOffset?: number;
}

export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/** jsonc-parser's error codes (by name: they are a const enum) as sentences. */
const SYNTAX_MESSAGES: Readonly<Record<string, string>> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":"',
  CommaExpected: 'expected ","',
  CloseBraceExpected: 'expected "," or "}"',
  CloseBracketExpected: 'expected "," or "]"',
  EndOfFileExpected: 'unexpected text after the JSON value',
  InvalidCommentToken: 'invalid comment',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unexpected end of number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape in string',
  InvalidCharacter: 'control character in string',
};

/** Deeper nesting than any configuration needs is refused (no unbounded recursion on hostile input). */
const MAX_DEPTH = 64;

/**
 * Where `{` and `[` first nest deeper than `max` (outside strings and comments), or -1. The JSONC
 * library's parser is recursive: thousands of nested brackets exhausted the stack before any depth
 * check on its tree could run.
 */
function tooDeepAt(text: string, max: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i++;
        else if (d === 34 || d === 10) break;
      }
    } else if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42 /* * */) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) return i;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
    }
  }
  return -1;
}

/** Parses JSONC; returns the value with offsets, or the syntax and duplicate-key problems. */
export function parseJsonc(text: string): ParsedJson | { problems: JsonProblem[] } {
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const deep = tooDeepAt(text, MAX_DEPTH + 1);
  if (deep >= 0) return { problems: [{ offset: deep, message: 'invalid JSON: nested too deeply' }] };
  const errors: ParseError[] = [];
  const tree = parseTree(bom ? text.slice(1) : text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0 || tree === undefined) {
    const first = errors[0];
    const offset = (first?.offset ?? 0) + bom;
    const message = first ? (SYNTAX_MESSAGES[printParseErrorCode(first.error)] ?? 'invalid JSON') : 'the file holds no JSON value';
    return { problems: [{ offset, message: `invalid JSON: ${message}` }] };
  }
  const offsets = new Map<string, number>();
  const problems: JsonProblem[] = [];
  const build = (node: Node, path: string, depth: number): JsonValue => {
    offsets.set(path, node.offset + bom);
    if (depth > MAX_DEPTH) {
      problems.push({ offset: node.offset + bom, message: 'invalid JSON: nested too deeply' });
      return null;
    }
    switch (node.type) {
      case 'object': {
        const obj = Object.create(null) as { [key: string]: JsonValue };
        const firstAt = new Map<string, number>();
        for (const prop of node.children ?? []) {
          const [keyNode, valueNode] = prop.children ?? [];
          if (!keyNode || !valueNode) continue;
          const key = String(keyNode.value);
          const keyAt = keyNode.offset + bom;
          const seen = firstAt.get(key);
          if (seen !== undefined) {
            problems.push({ offset: keyAt, message: `${childPath(path, key)}: duplicate key`, firstOffset: seen });
            continue;
          }
          firstAt.set(key, keyAt);
          offsets.set(`${childPath(path, key)}#key`, keyAt);
          obj[key] = build(valueNode, childPath(path, key), depth + 1);
        }
        return obj;
      }
      case 'array':
        return (node.children ?? []).map((c, i) => build(c, childPath(path, i), depth + 1));
      case 'string':
      case 'number':
      case 'boolean':
        return node.value as JsonValue;
      default:
        return null;
    }
  };
  const value = build(tree, '', 0);
  return problems.length > 0 ? { problems } : { value, offsets };
}
