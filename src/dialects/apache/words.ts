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
import { isSpace, lineOffset, unexpanded, type LogicalLine } from './lexer.js';

export interface ExpandedLine {
  readonly line: LogicalLine;
  readonly text: string;
  /**
   * After a substitution: the file range of each character of {@link text}, 1 in `subst` where
   * it came from a `${NAME}`. Null when nothing was substituted (almost every line): the text is
   * the logical line's, each character at {@link lineOffset}.
   */
  readonly ranges: { readonly from: Int32Array; readonly to: Int32Array; readonly subst: Uint8Array } | null;
  /** Substitution would have made the line longer than the limit: nothing was substituted. */
  readonly overflow?: true;
}

export interface Word {
  /** The value after unescaping (what the server sees). */
  readonly value: string;
  /** The word as it appears on the (substituted) line, quotes included. */
  readonly raw: string;
  /** Where the word is in the file (the `${NAME}` reference for substituted characters). */
  readonly span: Span;
  readonly quote: '"' | "'" | null;
  /** Some character of the word came from a `${NAME}` substitution or a macro parameter: its text is not in the file. */
  readonly substituted: boolean;
  /** Some character of the word is a `Use` value substituted for a `<Macro>` parameter. */
  readonly macroParameter?: boolean;
  /** Index range in {@link ExpandedLine.text}. */
  readonly start: number;
  readonly end: number;
}

/** Looks a variable up: a `Define`d value, then the environment (`options.defines`). */
export type VariableLookup = (name: string) => string | undefined;

/**
 * A logical line after mod_macro substituted a `Use`'s values for its macro's parameters (see
 * src/dialects/apache/macros.ts): the text, and for each character the file range it came from
 * (a substituted character points at its whole parameter reference in the macro body) and
 * whether it came from a substitution (1: `${NAME}`, 2: a macro parameter).
 */
export interface PreExpanded {
  readonly text: string;
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly subst: Uint8Array;
}

/**
 * Substitutes `${NAME}` references. `limit` bounds the length of the result: `Define`s that
 * double the previous one reach gigabytes in 30 lines, so a line that would grow past `limit`
 * characters is returned unsubstituted with `overflow` set, before any of it is built.
 * `pre`: the line's text after a macro's parameters were substituted (httpd resolves `${NAME}`
 * in the lines a `Use` produces, after the parameters).
 */
export function expandLine(line: LogicalLine, lookup: VariableLookup, limit = Number.MAX_SAFE_INTEGER, pre?: PreExpanded): ExpandedLine {
  const text = pre ? pre.text : line.text;
  const fromAt = (i: number) => (pre ? pre.from[i]! : lineOffset(line, i));
  const toAt = (i: number) => (pre ? pre.to[i]! : lineOffset(line, i) + 1);
  const substAt = (i: number) => (pre ? pre.subst[i]! : 0);
  const preRanges = () => (pre && pre.subst.some((v) => v !== 0) ? { from: pre.from, to: pre.to, subst: pre.subst } : null);
  if (!text.includes('${')) return pre ? { line, text, ranges: preRanges() } : unexpanded(line);
  if (expandedLength(text, lookup) > limit) return { line, text, ranges: preRanges(), overflow: true };
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
        let a = fromAt(i);
        let b = toAt(close);
        let kind = 1;
        for (let k = i; k <= close; k++) {
          a = Math.min(a, fromAt(k));
          b = Math.max(b, toAt(k));
          kind = Math.max(kind, substAt(k));
        }
        for (let k = 0; k < value.length; k++) {
          from.push(a);
          to.push(b);
          subst.push(kind);
        }
        out += value;
        i = close + 1;
        continue;
      }
    }
    out += text[i];
    from.push(fromAt(i));
    to.push(toAt(i));
    subst.push(substAt(i));
    i++;
  }
  if (!subst.some((v) => v !== 0)) return { line, text, ranges: null };
  return { line, text: out, ranges: { from: Int32Array.from(from), to: Int32Array.from(to), subst: Uint8Array.from(subst) } };
}

/** The length {@link expandLine} would produce, computed without building it. */
function expandedLength(text: string, lookup: VariableLookup): number {
  let n = 0;
  let i = 0;
  while (i < text.length) {
    const close = text[i] === '$' && text[i + 1] === '{' ? text.indexOf('}', i + 2) : -1;
    const value = close !== -1 ? lookup(text.slice(i + 2, close)) : undefined;
    if (value !== undefined) {
      n += value.length;
      i = close + 1;
    } else {
      n++;
      i++;
    }
  }
  return n;
}

function spanOf(x: ExpandedLine, start: number, end: number): { span: Span; substituted: boolean; macroParameter?: true } {
  const file = x.line.file;
  const r = x.ranges;
  if (r === null) {
    if (start >= end) {
      const at = start < x.text.length ? lineOffset(x.line, start) : x.text.length > 0 ? lineOffset(x.line, x.text.length - 1) + 1 : 0;
      return { span: { file, start: at, end: at }, substituted: false };
    }
    // Offsets grow along a line (continuations only remove characters), so the ends bound the range.
    return { span: { file, start: lineOffset(x.line, start), end: lineOffset(x.line, end - 1) + 1 }, substituted: false };
  }
  let a = Number.MAX_SAFE_INTEGER;
  let b = -1;
  let substituted = false;
  let macroParameter = false;
  for (let i = start; i < end; i++) {
    a = Math.min(a, r.from[i]!);
    b = Math.max(b, r.to[i]!);
    if (r.subst[i]) substituted = true;
    if (r.subst[i] === 2) macroParameter = true;
  }
  const macro = macroParameter ? { macroParameter: true as const } : {};
  if (b < 0) {
    const at = start < x.text.length ? r.from[start]! : x.text.length > 0 ? r.to[x.text.length - 1]! : 0;
    return { span: { file, start: at, end: at }, substituted, ...macro };
  }
  return { span: { file, start: a, end: b }, substituted, ...macro };
}

/** `substring_conf`: only `\\` and, inside quotes, `\<quote>` are escapes. */
export function unescapeConf(raw: string, quote: '"' | "'" | null): string {
  // Almost every word has no backslash: no copy, no string built a character at a time.
  if (!raw.includes('\\')) return raw;
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
  if (q === '"' || q === "'") {
    let e = pos + 1;
    while (e < end && t[e] !== q) {
      if (t[e] === '\\' && e + 1 < end && (t[e + 1] === q || t[e + 1] === '\\')) e += 2;
      else e++;
    }
    const closed = e < end;
    return new LazyWord(x, pos, closed ? e + 1 : end, (q === '"' ? 1 : 3) + (closed ? 0 : 1));
  }
  let e = pos;
  while (e < end && !isSpace(t[e])) e++;
  return new LazyWord(x, pos, e, 0);
}

/**
 * A word that keeps offsets and builds its span and strings on first use (then keeps them, so
 * the same span object comes back every time). Most words of a large configuration are never
 * looked at beyond the directive name; eager objects kept the garbage collector busy.
 */
class LazyWord implements Word {
  #span: { span: Span; substituted: boolean; macroParameter?: true } | undefined;
  #value: string | undefined;

  constructor(
    private readonly x: ExpandedLine,
    readonly start: number,
    readonly end: number,
    /** {@link QUOTES}: the quote and whether it is closed, one small number rather than three fields. */
    private readonly q: number,
  ) {}

  get quote(): '"' | "'" | null {
    return QUOTES[this.q]!.quote;
  }

  get span(): Span {
    return (this.#span ??= spanOf(this.x, this.start, this.end)).span;
  }

  get substituted(): boolean {
    return (this.#span ??= spanOf(this.x, this.start, this.end)).substituted;
  }

  get macroParameter(): boolean {
    return (this.#span ??= spanOf(this.x, this.start, this.end)).macroParameter === true;
  }

  get raw(): string {
    return this.x.text.slice(this.start, this.end);
  }

  get value(): string {
    // Inside the quotes; a closing quote is the word's last character.
    const { quote, closed } = QUOTES[this.q]!;
    return (this.#value ??= unescapeConf(this.x.text.slice(quote === null ? this.start : this.start + 1, closed ? this.end - 1 : this.end), quote));
  }
}

/** A word's quote, and whether the word ends with its closing quote, by `LazyWord.q`. */
const QUOTES: readonly { readonly quote: '"' | "'" | null; readonly closed: boolean }[] = [
  { quote: null, closed: false },
  { quote: '"', closed: true },
  { quote: '"', closed: false },
  { quote: "'", closed: true },
  { quote: "'", closed: false },
];

/** Every word of `x.text[from, to)`. */
export function splitWords(x: ExpandedLine, from = 0, to: number = x.text.length): Word[] {
  const words: Word[] = [];
  let pos = from;
  for (;;) {
    const w = nextWord(x, pos, to);
    // An array grown by push keeps room for 17 elements; the tree keeps every argument list.
    if (!w) return words.slice();
    words.push(w);
    pos = w.end;
  }
}

/** The file span of `x.text[start, end)`. */
export function textSpan(x: ExpandedLine, start: number, end: number): Span {
  return spanOf(x, start, end).span;
}
