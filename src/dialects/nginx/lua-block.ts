/**
 * `*_by_lua_block { ... }`: lua-nginx-module does not let nginx tokenize the block; it scans the
 * Lua code itself (`ngx_http_lua_conf_lua_block_parse` / `ngx_http_lua_conf_read_lua_token` in
 * src/ngx_http_lua_directive.c) with a lexer generated from these patterns, leftmost match first,
 * earlier patterns winning at the same offset (util/gen-lexer-c):
 *
 *   `{`  `}`  `[=*[`  `--[=*[`  `]=*]`  `--[^\n]*`  `"(?:\\[^\n]|[^"\n\\])*"`  `'(?:\\[^\n]|[^'\n\\])*'`
 *
 * Braces count nesting; long strings and long comments skip to their closing bracket; the block
 * ends at the `}` that brings the level back to 0.
 */
import type { Span } from '../../source.js';
import type { TokenReader } from './lexer.js';

export interface LuaBlock {
  readonly code: string;
  readonly codeSpan: Span;
  /** The closing `}`; undefined when the file ends first. */
  readonly close?: Span;
}

/** Length of a quoted Lua string starting at `i` (the quote), or 0 when it does not close on its line. */
function quotedLength(text: string, i: number, end: number): number {
  const q = text[i];
  for (let j = i + 1; j < end; j++) {
    const c = text[j];
    if (c === '\n') return 0;
    if (c === '\\') {
      if (j + 1 >= end || text[j + 1] === '\n') return 0;
      j++;
      continue;
    }
    if (c === q) return j + 1 - i;
  }
  return 0;
}

/** `[=*[` at `i`: the number of `=`, or -1. */
function longBracketLevel(text: string, i: number, end: number, open: string): number {
  if (text[i] !== open) return -1;
  let j = i + 1;
  while (j < end && text[j] === '=') j++;
  return j < end && text[j] === open ? j - i - 1 : -1;
}

/** Reads the Lua code after the `{` the reader just returned; leaves the reader after the closing `}`. */
export function readLuaBlock(reader: TokenReader, open: Span): LuaBlock {
  const { text, end, file } = reader;
  const codeStart = reader.pos;
  let level = 1;
  let i = reader.pos;
  while (i < end) {
    const c = text[i];
    if (c === '{') {
      level++;
      i++;
    } else if (c === '}') {
      level--;
      if (level === 0) {
        reader.pos = i + 1;
        return { code: text.slice(codeStart, i), codeSpan: { file, start: codeStart, end: i }, close: { file, start: i, end: i + 1 } };
      }
      i++;
    } else if (c === '[' || (c === '-' && text[i + 1] === '-' && text[i + 2] === '[')) {
      const at = c === '[' ? i : i + 2;
      const eqs = longBracketLevel(text, at, end, '[');
      if (eqs < 0) {
        // `--` not followed by a long bracket is a line comment; a lone `[` is ordinary code.
        i = c === '-' ? skipLine(text, i, end) : i + 1;
        continue;
      }
      const closing = `]${'='.repeat(eqs)}]`;
      const found = text.indexOf(closing, at + eqs + 2);
      if (found < 0 || found + closing.length > end) {
        reader.errors.push({
          message: `Lua code block missing the closing long bracket "${closing}", the inlined Lua code may be too long`,
          span: { file, start: i, end: at + eqs + 2 },
        });
        break;
      }
      i = found + closing.length;
    } else if (c === '-' && text[i + 1] === '-') {
      i = skipLine(text, i, end);
    } else if (c === '"' || c === "'") {
      const n = quotedLength(text, i, end);
      i += n > 0 ? n : 1;
    } else {
      i++;
    }
  }
  reader.errors.push({ message: 'unexpected end of file, expecting terminating characters for lua code block', span: open });
  reader.pos = end;
  return { code: text.slice(codeStart, end), codeSpan: { file, start: codeStart, end } };
}

function skipLine(text: string, i: number, end: number): number {
  const nl = text.indexOf('\n', i);
  return nl < 0 || nl > end ? end : nl;
}
