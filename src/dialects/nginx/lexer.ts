/**
 * nginx's configuration tokenizer, ported state for state from `ngx_conf_read_token`
 * (src/core/ngx_conf_file.c). It is NOT crossplane's lexer: nginx only recognizes `#` and quotes
 * at the start of a token, lets `}` and quotes appear inside a word, ends an unquoted word at
 * `{` or `;` unless the `{` follows `$`, accepts only white space, `;`, `{` or `)` after a closing
 * quote, and keeps the backslash of every escape except `\"`, `\'`, `\\`, `\t`, `\r`, `\n`
 * (proxy-semantics.md §2.7).
 *
 * One call of {@link TokenReader.readStatement} is one call of `ngx_conf_read_token`: it returns
 * the words of a statement and what ended it. Where nginx stops with an error, the reader records
 * the error with nginx's wording and recovers, so that the rest of the file can still be read.
 */
import type { CommentToken } from '../../model/header-rewrite.js';
import type { Encoding, Span } from '../../source.js';
import type { SyntaxError as NginxSyntaxError, Word } from './syntax.js';

/** `NGX_CONF_BUFFER`: a token that does not end within 4096 bytes is refused. */
export const NGX_CONF_BUFFER = 4096;

export type StatementEnd = 'semicolon' | 'block-start' | 'block-end' | 'eof';

export interface Statement {
  readonly words: Word[];
  readonly end: StatementEnd;
  /** The `;`, `{` or `}` (zero-width at the end of the text for `eof`). */
  readonly endSpan: Span;
  /** {@link endSpan}'s offsets (no object needed). */
  readonly endStart: number;
  readonly endEnd: number;
}

/** A statement whose end span is made on first use (most are never looked at). */
class ReadStatement implements Statement {
  #endSpan: Span | undefined;

  constructor(
    readonly words: Word[],
    readonly end: StatementEnd,
    private readonly file: string,
    readonly endStart: number,
    readonly endEnd: number,
  ) {}

  get endSpan(): Span {
    return (this.#endSpan ??= { file: this.file, start: this.endStart, end: this.endEnd });
  }
}

const LF = 10;
const CR = 13;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === CR || c === LF;
}

/** The unescaping loop at the end of `ngx_conf_read_token`. */
export function unescapeNginx(raw: string): string {
  // Almost every token has no backslash: no copy, no string built a character at a time.
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; ) {
    const c = raw[i]!;
    if (c === '\\') {
      const n = raw[i + 1];
      if (n === '"' || n === "'" || n === '\\') {
        out += n;
        i += 2;
        continue;
      }
      if (n === 't' || n === 'r' || n === 'n') {
        out += n === 't' ? '\t' : n === 'r' ? '\r' : '\n';
        i += 2;
        continue;
      }
    }
    out += c;
    i++;
  }
  return out;
}

/** Bytes one UTF-16 code unit stands for in the file (nginx counts bytes). */
function byteWidth(encoding: Encoding, code: number): number {
  if (encoding === 'latin1') return 1;
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  if (code >= 0xd800 && code <= 0xdfff) return 2;
  return 3;
}

/**
 * ASCII characters that change nothing inside a token (1) and those the reader must look at (0):
 * white space, `;`, `{`, `\\`, `$` and quotes end or affect an unquoted word; inside quotes only
 * the closing quote, `\\` and `$` matter.
 */
function plainTable(special: string): Uint8Array {
  const t = new Uint8Array(128).fill(1);
  for (const c of special) t[c.charCodeAt(0)] = 0;
  return t;
}
const IN_WORD = plainTable(' \t\r\n;{\\$');
const IN_DOUBLE = plainTable('"\\$');
const IN_SINGLE = plainTable("'\\$");
/** A run of white space, skipped at once between words (indentation and blank lines). */
const SPACE_RUN = /[ \t\r\n]*/y;

/** The file a reader's words come from: one object shared by all of them. */
interface WordSource {
  readonly text: string;
  readonly file: string;
}

export class TokenReader {
  /** Next character to read. */
  pos: number;
  readonly comments: CommentToken[] = [];
  readonly errors: NginxSyntaxError[] = [];
  readonly #source: WordSource;

  constructor(
    readonly text: string,
    readonly file: string,
    start: number,
    readonly end: number,
    readonly encoding: Encoding = 'utf8',
  ) {
    this.pos = start;
    this.#source = { text, file };
  }

  private closeComment(commentStart: number, endPos: number): void {
    let e = endPos;
    if (e > commentStart && this.text.charCodeAt(e - 1) === CR) e--;
    this.comments.push({ span: this.span(commentStart, e), text: this.text.slice(commentStart + 1, e) });
  }

  private span(start: number, end: number): Span {
    return { file: this.file, start, end };
  }

  private error(message: string, start: number, end: number): void {
    this.errors.push({ message, span: this.span(start, end) });
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** One `ngx_conf_read_token` call. */
  readStatement(): Statement {
    const text = this.text;
    const words: Word[] = [];
    let needSpace = false;
    let lastSpace = true;
    let sharpComment = false;
    let commentStart = 0;
    let variable = false;
    let quoted = false;
    // nginx's `d_quoted` / `s_quoted`: the quote character of the open string, or 0.
    let openQuote = 0;
    let start = this.pos;
    // Bytes read since `start`, for the NGX_CONF_BUFFER limit.
    let bytesSinceStart = 0;
    let tooLongReported = false;

    for (;;) {
      if (this.pos >= this.end) {
        if (sharpComment) this.closeComment(commentStart, this.end);
        if (words.length > 0 || !lastSpace) {
          if (openQuote) {
            // `start` is just after the opening quote.
            this.error('unexpected end of file, expecting ";" or "}": the quoted string that starts here is never closed', start - 1, start);
          } else {
            this.error('unexpected end of file, expecting ";" or "}"', this.end, this.end);
          }
        }
        return new ReadStatement(words, 'eof', this.file, this.end, this.end);
      }

      // ngx_conf_read_token refuses a token that fills the whole 4096-byte buffer while the file goes on.
      // `start` is where nginx keeps the unfinished token; it only moves when a token may start.
      if (!tooLongReported && bytesSinceStart >= NGX_CONF_BUFFER) {
        tooLongReported = true;
        if (openQuote) {
          this.error(`too long parameter, probably missing terminating "${String.fromCharCode(openQuote)}" character`, start - 1, start);
        } else {
          this.error(`too long parameter "${text.slice(start, start + 10)}..." started`, start, start + 1);
        }
      }

      const at = this.pos;
      const ch = text.charCodeAt(this.pos++);
      bytesSinceStart += byteWidth(this.encoding, ch);

      if (sharpComment) {
        if (ch === LF) {
          // The LF that ends a comment is then read like any white space.
          sharpComment = false;
          this.closeComment(commentStart, at);
        } else {
          // The rest of the comment at once: nothing in it matters but the LF that ends it.
          const lf = text.indexOf('\n', this.pos);
          const stop = lf === -1 || lf > this.end ? this.end : lf;
          // Up to the LF, or to where the buffer fills (the check above then runs at the same character).
          while (this.pos < stop && (tooLongReported || bytesSinceStart < NGX_CONF_BUFFER)) bytesSinceStart += byteWidth(this.encoding, text.charCodeAt(this.pos++));
          continue;
        }
      }

      if (quoted) {
        quoted = false;
        continue;
      }

      if (needSpace) {
        if (isSpace(ch)) {
          lastSpace = true;
          needSpace = false;
          continue;
        }
        if (ch === 59 /* ; */) return new ReadStatement(words, 'semicolon', this.file, at, at + 1);
        if (ch === 123 /* { */) return new ReadStatement(words, 'block-start', this.file, at, at + 1);
        if (ch === 41 /* ) */) {
          lastSpace = true;
          needSpace = false;
        } else {
          // nginx stops here; recover as if a space separated the tokens.
          this.error(`unexpected "${text[at]}"`, at, at + 1);
          lastSpace = true;
          needSpace = false;
        }
      }

      if (lastSpace) {
        start = at;
        bytesSinceStart = byteWidth(this.encoding, ch);
        if (isSpace(ch)) {
          // The rest of the run: every character of it would start over here, one byte each.
          SPACE_RUN.lastIndex = this.pos;
          SPACE_RUN.test(text);
          this.pos = Math.min(SPACE_RUN.lastIndex, this.end);
          continue;
        }
        switch (ch) {
          case 59: // ;
          case 123: // {
            if (words.length === 0) this.error(`unexpected "${text[at]}"`, at, at + 1);
            return new ReadStatement(words, ch === 123 ? 'block-start' : 'semicolon', this.file, at, at + 1);
          case 125: // }
            if (words.length !== 0) this.error('unexpected "}"', at, at + 1);
            return new ReadStatement(words, 'block-end', this.file, at, at + 1);
          case 35: // #
            sharpComment = true;
            commentStart = at;
            continue;
          case 92: // backslash
            quoted = true;
            lastSpace = false;
            continue;
          case 34: // "
          case 39: // '
            start++;
            bytesSinceStart = 0;
            openQuote = ch;
            lastSpace = false;
            continue;
          case 36: // $
            variable = true;
            lastSpace = false;
            continue;
          default:
            lastSpace = false;
        }
      } else {
        if (ch === 123 && variable) continue;
        variable = false;
        if (ch === 92) {
          quoted = true;
          continue;
        }
        if (ch === 36) {
          variable = true;
          continue;
        }
        if (openQuote ? ch !== openQuote : !isSpace(ch) && ch !== 59 && ch !== 123) {
          // An ordinary character inside a token: take the run of ordinary ASCII characters
          // that follows at once (the per-character loop was most of reading a large file).
          const table = openQuote === 34 ? IN_DOUBLE : openQuote === 39 ? IN_SINGLE : IN_WORD;
          let j = this.pos;
          // Stop where the buffer fills, so that the check above runs at the same character.
          const limit = tooLongReported ? this.end : Math.min(this.end, this.pos + Math.max(0, NGX_CONF_BUFFER - bytesSinceStart));
          while (j < limit) {
            const c = text.charCodeAt(j);
            if (c >= 128 || table[c] === 0) break;
            j++;
          }
          bytesSinceStart += j - this.pos;
          this.pos = j;
          continue;
        }
        let found = false;
        let quote: '"' | "'" | null = null;
        if (openQuote) {
          if (ch === openQuote) {
            quote = ch === 34 ? '"' : "'";
            openQuote = 0;
            needSpace = true;
            found = true;
          }
        } else if (isSpace(ch) || ch === 59 || ch === 123) {
          lastSpace = true;
          found = true;
        }
        if (found) {
          words.push(this.word(start, at, quote));
          if (ch === 59) return new ReadStatement(words, 'semicolon', this.file, at, at + 1);
          if (ch === 123) return new ReadStatement(words, 'block-start', this.file, at, at + 1);
        }
      }
    }
  }

  /** A word whose content is `[start, end)`; quoted words also own the quotes around it. */
  private word(start: number, end: number, quote: '"' | "'" | null): Word {
    return new CompactWord(this.#source, start, end, quote);
  }
}

/**
 * Whether `needle` may be in the value of a word from `first` to `last` (words of one statement):
 * false only when the text they cover, quotes and the space between them included, does not hold
 * it (unescaping never makes `$` or `(?`). Looks at the text, not the values, so that a directive
 * no check needs keeps its words unmade.
 */
export function mayInclude(first: Word, last: Word, needle: string): boolean {
  return CompactWord.textBetweenIncludes(first, last, needle);
}

/** Where a word starts and ends in the file, quotes included, without building its span. */
export function wordRange(w: Word): { readonly start: number; readonly end: number } {
  return w instanceof CompactWord ? w.outer() : w.span;
}

/**
 * A word that stores offsets and builds its spans and strings on use: spans each time (a file of
 * millions of words kept one or two span objects for most of them, and those spans outlived the
 * lowering in the syntax tree), its value on first use (then kept: names are read over and over).
 * A large configuration has millions of words, most never looked at beyond the directive name:
 * eager objects made the garbage collector the biggest cost of linting.
 */
class CompactWord implements Word {
  constructor(
    private readonly source: WordSource,
    private readonly start: number,
    private readonly end: number,
    readonly quote: '"' | "'" | null,
  ) {}

  static textBetweenIncludes(first: Word, last: Word, needle: string): boolean {
    if (!(first instanceof CompactWord) || !(last instanceof CompactWord) || first.source !== last.source) return true;
    const text = first.source.text;
    const c0 = needle.charCodeAt(0);
    const end = last.end + (last.quote ? 1 : 0) - needle.length;
    for (let i = first.start; i <= end; i++) {
      if (text.charCodeAt(i) === c0 && text.startsWith(needle, i)) return true;
    }
    return false;
  }

  outer(): { start: number; end: number } {
    return this.quote ? { start: this.start - 1, end: this.end + 1 } : { start: this.start, end: this.end };
  }

  get inner(): Span {
    return { file: this.source.file, start: this.start, end: this.end };
  }

  get span(): Span {
    return this.quote ? { file: this.source.file, start: this.start - 1, end: this.end + 1 } : this.inner;
  }

  get raw(): string {
    return this.source.text.slice(this.start, this.end);
  }

  get value(): string {
    return unescapeNginx(this.raw);
  }
}
