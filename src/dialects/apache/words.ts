/**
 * Variable substitution and word splitting, as httpd does them on a logical line:
 *
 * - `${NAME}` is replaced on the whole line before it is split into words (server/core.c
 *   `ap_resolve_env`, called from `ap_build_config_sub`): `Define` values first, then the
 *   environment. An unknown name is left as written (httpd logs AH00111 unless the name contains
 *   `:`, the RewriteMap syntax). Values are not rescanned. A value with spaces therefore becomes
 *   several words.
 * - words (server/util.c `ap_getword_conf` / `substring_conf`): separated by white space; a word
 *   starting with `"` or `'` runs to the same quote (a missing one: to the end of the line) and
 *   the next word starts right after it, even without white space; inside quotes only `\\` and
 *   `\<that quote>` are unescaped; in an unquoted word only `\\`; a quote inside a word is literal.
 *
 * Every character keeps the file range it came from: substituted characters point at their
 * whole `${NAME}` reference, so a word made by substitution still points into the file.
 */
import type { Span } from '../../source.js';
import { isSpace, type LogicalLine } from './lexer.js';

export interface ExpandedLine {
  readonly line: LogicalLine;
  readonly text: string;
  /** File range of each character of {@link text}. */
  readonly from: Int32Array;
  readonly to: Int32Array;
  /** 1 where the character came from a `${NAME}` substitution. */
  readonly subst: Uint8Array;
}

export interface Word {
  /** The value after unescaping (what the server sees). */
  readonly value: string;
  /** The word as it appears on the (substituted) line, quotes included. */
  readonly raw: string;
  /** Where the word is in the file (the `${NAME}` reference for substituted characters). */
  readonly span: Span;
  readonly quote: '"' | "'" | null;
  /** Some character of the word came from a `${NAME}` substitution: its text is not in the file. */
  readonly substituted: boolean;
  /** Index range in {@link ExpandedLine.text}. */
  readonly start: number;
  readonly end: number;
}

/** Looks a variable up: a `Define`d value, then the environment (`options.defines`). */
export type VariableLookup = (name: string) => string | undefined;

export function expandLine(line: LogicalLine, lookup: VariableLookup): ExpandedLine {
  const text = line.text;
  const identity = (): ExpandedLine => {
    const from = line.offsets;
    const to = new Int32Array(from.length);
    for (let i = 0; i < from.length; i++) to[i] = from[i]! + 1;
    return { line, text, from, to, subst: new Uint8Array(text.length) };
  };
  if (!text.includes('${')) return identity();
  let out = '';
  const from: number[] = [];
  const to: number[] = [];
  const subst: number[] = [];
  let i = 0;
  while (i < text.length) {
    const close = text[i] === '$' && text[i + 1] === '{' ? text.indexOf('}', i + 2) : -1;
    if (close !== -1) {
      const value = lookup(text.slice(i + 2, close));
      if (value !== undefined) {
        const a = line.offsets[i]!;
        const b = line.offsets[close]! + 1;
        for (let k = 0; k < value.length; k++) {
          from.push(a);
          to.push(b);
          subst.push(1);
        }
        out += value;
        i = close + 1;
        continue;
      }
    }
    out += text[i];
    from.push(line.offsets[i]!);
    to.push(line.offsets[i]! + 1);
    subst.push(0);
    i++;
  }
  return { line, text: out, from: Int32Array.from(from), to: Int32Array.from(to), subst: Uint8Array.from(subst) };
}

function spanOf(x: ExpandedLine, start: number, end: number): { span: Span; substituted: boolean } {
  let a = Number.MAX_SAFE_INTEGER;
  let b = -1;
  let substituted = false;
  for (let i = start; i < end; i++) {
    a = Math.min(a, x.from[i]!);
    b = Math.max(b, x.to[i]!);
    if (x.subst[i]) substituted = true;
  }
  if (b < 0) {
    const at = start < x.text.length ? x.from[start]! : x.line.offsets.length > 0 ? x.to[x.text.length - 1] ?? 0 : 0;
    return { span: { file: x.line.file, start: at, end: at }, substituted };
  }
  return { span: { file: x.line.file, start: a, end: b }, substituted };
}

/** `substring_conf`: only `\\` and, inside quotes, `\<quote>` are escapes. */
export function unescapeConf(raw: string, quote: '"' | "'" | null): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    const n = raw[i + 1];
    if (c === '\\' && (n === '\\' || (quote !== null && n === quote))) {
      out += n;
      i++;
    } else out += c;
  }
  return out;
}

/** The next word at or after `pos` (before `end`), or null when only white space is left. */
export function nextWord(x: ExpandedLine, pos: number, end: number = x.text.length): Word | null {
  const t = x.text;
  while (pos < end && isSpace(t[pos])) pos++;
  if (pos >= end) return null;
  const q = t[pos];
  let valueStart: number;
  let valueEnd: number;
  let wordEnd: number;
  let quote: '"' | "'" | null = null;
  if (q === '"' || q === "'") {
    quote = q;
    let e = pos + 1;
    while (e < end && t[e] !== q) {
      if (t[e] === '\\' && e + 1 < end && (t[e + 1] === q || t[e + 1] === '\\')) e += 2;
      else e++;
    }
    valueStart = pos + 1;
    valueEnd = Math.min(e, end);
    wordEnd = e < end ? e + 1 : end;
  } else {
    let e = pos;
    while (e < end && !isSpace(t[e])) e++;
    valueStart = pos;
    valueEnd = e;
    wordEnd = e;
  }
  const { span, substituted } = spanOf(x, pos, wordEnd);
  return {
    value: unescapeConf(t.slice(valueStart, valueEnd), quote),
    raw: t.slice(pos, wordEnd),
    span,
    quote,
    substituted,
    start: pos,
    end: wordEnd,
  };
}

/** Every word of `x.text[from, to)`. */
export function splitWords(x: ExpandedLine, from = 0, to: number = x.text.length): Word[] {
  const words: Word[] = [];
  let pos = from;
  for (;;) {
    const w = nextWord(x, pos, to);
    if (!w) return words;
    words.push(w);
    pos = w.end;
  }
}

/** The file span of `x.text[start, end)`. */
export function textSpan(x: ExpandedLine, start: number, end: number): Span {
  return spanOf(x, start, end).span;
}
