/**
 * haproxy.cfg's line tokenizer, as HAProxy 2.6's `parse_line()` (src/tools.c) splits a line into
 * words, keeping a span on every word and, for every character of a word's value, the raw offset
 * it came from (so a fix can edit a regex in place without re-quoting it).
 *
 * - a line ends at LF or CR; unquoted white space separates words; `#` outside quotes starts a
 *   comment anywhere, even inside a word (`foo#bar` is `foo`);
 * - `"..."` (weak quoting) keeps spaces, `'` and `#`; `'...'` (strong quoting) keeps everything
 *   literally; quoted and unquoted parts concatenate into one word;
 * - outside single quotes a backslash escapes ` `, `\`, `#`, `'`, `"` (the backslash is dropped),
 *   turns `\t` `\n` `\r` `\xHH` into that character, `\$` into `$` inside double quotes only; any
 *   other pair is kept as written (`\1`, `\.` reach the regex engine unchanged);
 * - `$NAME`, `${NAME}`, `${NAME-default}` and `${NAME[*]}` are environment variables, expanded
 *   inside double quotes only.
 * Errors use HAProxy's words: `unmatched quote`, `truncated or invalid hexadecimal sequence`...
 */
import type { Span } from '../../source.js';
import type { CommentToken } from '../../model/header-rewrite.js';

export type QuoteContext = 'none' | 'double' | 'single';

/** One word of a line, after unquoting, unescaping and environment expansion. */
export interface Word {
  /** The word as written (quotes included). */
  readonly span: Span;
  readonly raw: string;
  readonly value: string;
  /** For value index i, the raw offset (into the file) where the text producing it starts; one more entry for the end. */
  readonly rawAt: readonly number[];
  /** The quoting in force before value index i (one more entry for the end). */
  readonly contextAt: readonly QuoteContext[];
  /** Some of the value came from an environment variable. */
  readonly substituted: boolean;
}

export interface LexError {
  readonly message: string;
  readonly offset: number;
}

/** One physical line. */
export interface Line {
  /** The line without its end-of-line characters. */
  readonly span: Span;
  readonly words: readonly Word[];
  readonly comment?: CommentToken;
  readonly error?: LexError;
}

const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\v' || c === '\f';
const isHex = (c: string | undefined) => c !== undefined && /^[0-9A-Fa-f]$/.test(c);

/** Values of environment variables the linter knows (unset ones expand to nothing, as in HAProxy). */
export type EnvLookup = (name: string) => string | undefined;

/** Tokenizes `text[start, end)` (one line without its EOL). */
export function lexLine(file: string, text: string, start: number, end: number, env: EnvLookup): Line {
  const words: Word[] = [];
  let comment: CommentToken | undefined;
  let error: LexError | undefined;
  let i = start;
  let squote = false;
  let dquote = false;
  let quoteAt = -1;
  // The word being built.
  let wStart = -1;
  let value = '';
  let rawAt: number[] = [];
  let contextAt: QuoteContext[] = [];
  let substituted = false;
  const ctx = (): QuoteContext => (squote ? 'single' : dquote ? 'double' : 'none');
  const begin = () => {
    if (wStart === -1) wStart = i;
  };
  const emit = (c: string, from: number) => {
    rawAt.push(from);
    contextAt.push(ctx());
    value += c;
  };
  const finish = (at: number) => {
    if (wStart === -1) return;
    rawAt.push(at);
    contextAt.push(ctx());
    words.push({ span: { file, start: wStart, end: at }, raw: text.slice(wStart, at), value, rawAt, contextAt, substituted });
    wStart = -1;
    value = '';
    rawAt = [];
    contextAt = [];
    substituted = false;
  };
  while (i < end) {
    const c = text[i]!;
    if (c === '#' && !squote && !dquote) {
      finish(i);
      comment = { span: { file, start: i, end }, text: text.slice(i + 1, end) };
      i = end;
      break;
    }
    if (c === '"' && !squote) {
      begin();
      dquote = !dquote;
      quoteAt = dquote ? i : -1;
      i++;
      continue;
    }
    if (c === "'" && !dquote) {
      begin();
      squote = !squote;
      quoteAt = squote ? i : -1;
      i++;
      continue;
    }
    if (c === '\\' && !squote) {
      begin();
      const n = text[i + 1];
      const from = i;
      if (n !== undefined && i + 1 < end && (n === ' ' || n === '\\' || n === '#' || n === "'" || n === '"' || (n === '$' && dquote))) {
        emit(n, from);
        i += 2;
      } else if (n === 't' || n === 'n' || n === 'r') {
        emit(n === 't' ? '\t' : n === 'n' ? '\n' : '\r', from);
        i += 2;
      } else if (n === 'x') {
        if (!isHex(text[i + 2]) || !isHex(text[i + 3]) || i + 3 >= end) {
          error = { message: 'truncated or invalid hexadecimal sequence', offset: i };
          break;
        }
        emit(String.fromCharCode(parseInt(text.slice(i + 2, i + 4), 16)), from);
        i += 4;
      } else {
        emit('\\', from);
        i++;
      }
      continue;
    }
    if (isSpace(c) && !squote && !dquote) {
      finish(i);
      while (i < end && isSpace(text[i]!)) i++;
      continue;
    }
    if (c === '$' && dquote) {
      begin();
      const from = i;
      let j = i + 1;
      const brace = text[j] === '{';
      if (brace) j++;
      if (!/[A-Za-z_.]/.test(text[j] ?? '') || j >= end) {
        error = { message: 'forbidden first char in environment variable name', offset: j };
        break;
      }
      const nameStart = j;
      if (text[j] === '.') j++;
      while (j < end && /[A-Za-z0-9_]/.test(text[j]!)) j++;
      const name = text.slice(nameStart, j);
      let fallback: string | undefined;
      if (brace) {
        if (text.startsWith('[*]', j)) j += 3;
        if (text[j] === '-') {
          const close = text.indexOf('}', j);
          if (close === -1 || close >= end) {
            error = { message: 'unmatched brace in environment variable name', offset: i + 1 };
            break;
          }
          fallback = text.slice(j + 1, close);
          j = close;
        }
        if (text[j] !== '}') {
          error = { message: 'unmatched brace in environment variable name', offset: i + 1 };
          break;
        }
        j++;
      }
      const expanded = env(name) ?? fallback ?? '';
      for (const ch of expanded) emit(ch, from);
      substituted = true;
      i = j;
      continue;
    }
    begin();
    emit(c, i);
    i++;
  }
  if (!error && (squote || dquote)) error = { message: 'unmatched quote', offset: quoteAt };
  if (!error) finish(i);
  const line: Line = { span: { file, start, end }, words };
  return { ...line, ...(comment ? { comment } : {}), ...(error ? { error } : {}) };
}

/** Every line of a file. */
export function lexFile(file: string, text: string, env: EnvLookup): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start <= text.length) {
    let end = start;
    while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
    lines.push(lexLine(file, text, start, end, env));
    if (end >= text.length) break;
    start = text[end] === '\r' && text[end + 1] === '\n' ? end + 2 : end + 1;
  }
  return lines;
}
