/**
 * Editing one config word in place: insertions and deletions expressed on the word's value
 * (after `substring_conf` unescaping) become edits of its raw text, keeping the quoting style and
 * every untouched byte. Inserted text is escaped for the word's quoting (server/util.c
 * `ap_getword_conf`: a `\` is an escape only before `\` or, inside quotes, before that quote).
 */
import { unescapeConf, type Word } from './words.js';

export interface ValueEdit {
  /** Range in the word's value. */
  readonly start: number;
  readonly end: number;
  /** New value text. */
  readonly text: string;
}

/** raw index (relative to the word's raw text) of each value index, plus one for the end. */
function rawIndexes(raw: string, quote: '"' | "'" | null): number[] {
  const begin = quote ? 1 : 0;
  const end = quote && raw.length > 1 && raw.endsWith(quote) ? raw.length - 1 : raw.length;
  const map: number[] = [];
  for (let i = begin; i < end; i++) {
    const n = raw[i + 1];
    map.push(i);
    if (raw[i] === '\\' && (n === '\\' || (quote !== null && n === quote))) i++;
  }
  map.push(end);
  return map;
}

/** Escapes `text` for a word quoted with `quote`; `next` is the value character that follows it. */
export function escapeForWord(text: string, quote: '"' | "'" | null, next: string | undefined): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const after = i + 1 < text.length ? text[i + 1] : next;
    if (c === '\\' && (after === '\\' || (quote !== null && (after === quote || after === undefined)))) out += '\\\\';
    else if (quote !== null && c === quote) out += `\\${c}`;
    else out += c;
  }
  return out;
}

/** Writes a whole value as a word, quoted like `quote` (unquoted words get `"` when they need quotes). */
export function writeWord(value: string, quote: '"' | "'" | null): string {
  const q = quote ?? (value === '' || /[\s"']/.test(value[0] ?? '') || /\s/.test(value) ? '"' : null);
  const body = escapeForWord(value, q, undefined);
  return q ? `${q}${body}${q}` : body;
}

/**
 * The word's raw text with `edits` applied (non-overlapping, any order), or the whole value
 * rewritten when an in-place edit would not unescape to the intended value.
 */
export function editWord(word: Word, edits: readonly ValueEdit[]): string {
  const value = word.value;
  let intended = '';
  let pos = 0;
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  for (const e of sorted) {
    intended += value.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  intended += value.slice(pos);
  const map = rawIndexes(word.raw, word.quote);
  let raw = '';
  let rawPos = 0;
  for (const e of sorted) {
    const a = map[e.start]!;
    raw += word.raw.slice(rawPos, a) + escapeForWord(e.text, word.quote, value[e.end]);
    rawPos = map[e.end]!;
  }
  raw += word.raw.slice(rawPos);
  const body = word.quote ? raw.slice(1, raw.endsWith(word.quote) && raw.length > 1 ? -1 : undefined) : raw;
  const ok =
    unescapeConf(body, word.quote) === intended &&
    (word.quote !== null ? raw.startsWith(word.quote) : !/\s/.test(intended) && !/^["']/.test(raw) && raw !== '');
  return ok ? raw : writeWord(intended, word.quote);
}
