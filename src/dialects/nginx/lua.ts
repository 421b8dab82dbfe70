/**
 * A heuristic over Lua header filters (`header_filter_by_lua*`): Lua cannot be simulated, but the
 * usual way to add HttpOnly is visible in the code — a string literal holding `HttpOnly` appended
 * to the values of `ngx.header["Set-Cookie"]` / `ngx.header.set_cookie` (lua-nginx-module README,
 * ngx.header.HEADER; proxy-semantics.md §2.5). A cookie-name test next to it (a pattern anchored
 * on `^NAME=`, or any mention of an XSRF/CSRF cookie) is taken as a guard.
 */
import type { LuaHeaderFilterFact } from '../../model/facts.js';
import type { Span } from '../../source.js';

interface LuaString {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** String literals of Lua code, comments skipped (short strings, long brackets). */
function luaStrings(code: string): LuaString[] {
  const out: LuaString[] = [];
  for (let i = 0; i < code.length; ) {
    const c = code[i]!;
    if (c === '-' && code[i + 1] === '-') {
      const long = /^\[(=*)\[/.exec(code.slice(i + 2));
      if (long) {
        const close = code.indexOf(`]${long[1]}]`, i + 2 + long[0].length);
        i = close < 0 ? code.length : close + long[1]!.length + 2;
      } else {
        const nl = code.indexOf('\n', i);
        i = nl < 0 ? code.length : nl;
      }
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let text = '';
      while (j < code.length && code[j] !== c && code[j] !== '\n') {
        if (code[j] === '\\') {
          text += code[j + 1] ?? '';
          j += 2;
          continue;
        }
        text += code[j++];
      }
      out.push({ start: i, end: Math.min(j + 1, code.length), text });
      i = j + 1;
      continue;
    }
    const long = c === '[' ? /^\[(=*)\[/.exec(code.slice(i)) : null;
    if (long) {
      const close = code.indexOf(`]${long[1]}]`, i + long[0].length);
      const end = close < 0 ? code.length : close + long[1]!.length + 2;
      out.push({ start: i, end, text: code.slice(i + long[0].length, close < 0 ? code.length : close) });
      i = end;
      continue;
    }
    i++;
  }
  return out;
}

function withoutComments(code: string): string {
  return code.replace(/--\[(=*)\[[\s\S]*?\]\1\]|--[^\n]*/g, '');
}

export interface LuaAnalysis {
  /** Offset (in `code`) of the literal that appends HttpOnly. */
  readonly append: { readonly start: number; readonly end: number } | null;
  readonly hasNameGuard: boolean;
  /** The other string literals, with Lua's `%x` pattern escapes undone (`^XSRF%-TOKEN=` → `^XSRF-TOKEN=`). */
  readonly guardTexts: readonly string[];
}

export function analyzeLua(code: string): LuaAnalysis {
  const plain = withoutComments(code);
  if (!/set[-_]cookie/i.test(plain)) return { append: null, hasNameGuard: false, guardTexts: [] };
  const candidates = luaStrings(code).filter((s) => /httponly/i.test(s.text));
  // The appended literal: concatenated with `..`, else one that starts a new attribute (`; HttpOnly`).
  const concatenated = (s: LuaString) => /\.\.\s*$/.test(code.slice(0, s.start)) || /^\s*\.\./.test(code.slice(s.end));
  const literal = candidates.find(concatenated) ?? candidates.find((s) => s.text.includes(';')) ?? candidates[0];
  if (!literal) return { append: null, hasNameGuard: false, guardTexts: [] };
  const namedPattern = /(?:find|match|gmatch|sub)\s*\(\s*(?:[^,()]*,\s*)?(["'])\^[^"']*=/.test(plain);
  const mentionsToken = /xsrf|csrf/i.test(plain);
  const guardTexts = luaStrings(code)
    .filter((s) => s !== literal && !/httponly/i.test(s.text))
    .map((s) => s.text.replace(/%(.)/g, '$1'));
  return { append: { start: literal.start, end: literal.end }, hasNameGuard: namedPattern || mentionsToken, guardTexts };
}

/** The fact for one directive; `codeSpan` locates `code` when it is written verbatim in a file. */
export function luaFact(span: Span, code: string, codeSpan: Span | null): LuaHeaderFilterFact | null {
  const a = analyzeLua(code);
  if (!a.append) return null;
  const appendSpan = codeSpan ? { file: codeSpan.file, start: codeSpan.start + a.append.start, end: codeSpan.start + a.append.end } : span;
  return { kind: 'nginx-lua-header-filter', span, code, appendSpan, hasNameGuard: a.hasNameGuard, guardTexts: a.guardTexts };
}
