/**
 * httpd's config reader, reproduced byte for byte (server/util.c `ap_cfg_getline_core`,
 * `cfg_trim_line`; server/config.c `ap_build_config_sub`), with every character mapped back to
 * its offset in the file:
 *
 * - a physical line ends at LF only (a lone CR is ordinary white space inside a line);
 * - a line whose last character before `[CR]LF` is `\` continues on the next line: the `\` and
 *   the line break are removed. This happens before comment detection, so a `#` line ending in
 *   `\` swallows the next line; a last line without LF never continues;
 * - httpd reads lines as C strings: a NUL byte ends the line's content (and stops continuation);
 * - leading and trailing white space (`apr_isspace`: space, \t, \n, \v, \f, \r) is removed;
 * - a line whose first character is `#` is a comment; there are no trailing comments.
 */
import type { SourceFile } from '../../source.js';
import type { ExpandedLine } from './words.js';

export interface LogicalLine {
  readonly file: string;
  /** What httpd sees: joined, cut at NUL, trimmed. Never empty. */
  readonly text: string;
  /** File offset of `text[0]`; with {@link map} null, `text[i]` is at `base + i`. */
  readonly base: number;
  /**
   * File offset of each character of {@link text}, only for lines joined from several physical
   * lines (a `\` continuation): almost every line is one contiguous range, and a typed array per
   * line was most of the garbage collector's work on large files.
   */
  readonly map: Int32Array | null;
  /** Offset where the first physical line of this logical line starts (its indentation). */
  readonly lineStart: number;
  /** Offset right after the last physical line's content, before its line terminator. */
  readonly lineEnd: number;
  readonly isComment: boolean;
}

/**
 * A logical line as it is read; it is also its own expansion when nothing is substituted in it
 * (almost every line: one object per line instead of two).
 */
class ReadLine implements LogicalLine, ExpandedLine {
  constructor(
    readonly file: string,
    readonly text: string,
    readonly base: number,
    readonly map: Int32Array | null,
    readonly lineStart: number,
    readonly lineEnd: number,
    readonly isComment: boolean,
  ) {}

  get line(): LogicalLine {
    return this;
  }

  get ranges(): null {
    return null;
  }
}

/** The line itself as its own expansion (see {@link ReadLine}), for a line with nothing substituted. */
export function unexpanded(line: LogicalLine): ExpandedLine {
  return line instanceof ReadLine ? line : { line, text: line.text, ranges: null };
}

/** `apr_isspace`: C `isspace` in the C locale. */
export function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';
}

interface Segment {
  readonly start: number;
  readonly end: number;
}

/** File offset of `line.text[i]`. */
export function lineOffset(line: LogicalLine, i: number): number {
  return line.map === null ? line.base + i : line.map[i]!;
}

/** A logical line that is one range of the file (no continuation): trimmed, or null when blank. */
function contiguousLine(file: string, text: string, start: number, end: number, lineStart: number, lineEnd: number): LogicalLine | null {
  let a = start;
  let b = end;
  while (a < b && isSpace(text[a])) a++;
  while (b > a && isSpace(text[b - 1])) b--;
  if (a === b) return null;
  const out = text.slice(a, b);
  return new ReadLine(file, out, a, null, lineStart, lineEnd, out[0] === '#');
}

function buildLine(file: string, text: string, segments: Segment[], lineStart: number, lineEnd: number): LogicalLine | null {
  if (segments.length === 1) return contiguousLine(file, text, segments[0]!.start, segments[0]!.end, lineStart, lineEnd);
  let joined = '';
  for (const s of segments) joined += text.slice(s.start, s.end);
  let a = 0;
  let b = joined.length;
  while (a < b && isSpace(joined[a])) a++;
  while (b > a && isSpace(joined[b - 1])) b--;
  if (a === b) return null;
  const offsets = new Int32Array(b - a);
  let k = 0;
  let i = 0;
  for (const s of segments) {
    for (let o = s.start; o < s.end; o++, i++) {
      if (i >= a && i < b) offsets[k++] = o;
    }
  }
  const out = joined.slice(a, b);
  return new ReadLine(file, out, offsets[0]!, offsets, lineStart, lineEnd, out[0] === '#');
}

/**
 * Where the run of whole blank lines (white space as `isSpace` counts it, and their line breaks)
 * that starts at `pos` ends: a loop, not a sticky regex, which backtracked over the indentation
 * of every line.
 */
function afterBlankLines(text: string, pos: number): number {
  let at = pos;
  for (let i = pos; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) at = i + 1;
    else if (c !== 32 && c !== 9 && c !== 13 && c !== 11 && c !== 12) break;
  }
  return at;
}

/** Splits a file into the logical lines httpd reads, skipping blank ones. */

export function readLogicalLines(source: SourceFile): LogicalLine[] {
  const text = source.text;
  const len = text.length;
  const lines: LogicalLine[] = [];
  let pos = 0;
  // Position of the next NUL at or after `pos` (len when none): found once, not per line,
  // which would make reading quadratic in the file size.
  let nextNul = text.indexOf('\0');
  if (nextNul === -1) nextNul = len;
  while (pos < len) {
    // Blank lines give no logical line: skip their run at once.
    pos = afterBlankLines(text, pos);
    if (pos >= len) break;
    const lineStart = pos;
    // Most lines: one physical line, no NUL, no continuation.
    {
      const nl = text.indexOf('\n', pos);
      const physEnd = nl === -1 ? len : nl;
      if (nextNul < pos) {
        nextNul = text.indexOf('\0', pos);
        if (nextNul === -1) nextNul = len;
      }
      let e = physEnd;
      if (e > pos && text.charCodeAt(e - 1) === 13) e--;
      if (nextNul >= physEnd && nl !== -1 && !(e > pos && text.charCodeAt(e - 1) === 92)) {
        const line = contiguousLine(source.path, text, pos, physEnd, lineStart, e);
        if (line) lines.push(line);
        pos = nl + 1;
        continue;
      }
    }
    const segments: Segment[] = [];
    let lineEnd = pos;
    for (;;) {
      const nl = text.indexOf('\n', pos);
      const physEnd = nl === -1 ? len : nl;
      if (nextNul < pos) {
        nextNul = text.indexOf('\0', pos);
        if (nextNul === -1) nextNul = len;
      }
      const nul = nextNul;
      if (nul < physEnd) {
        // C string semantics: the content stops at NUL; no continuation check applies.
        segments.push({ start: pos, end: nul });
        lineEnd = physEnd;
        pos = nl === -1 ? len : nl + 1;
        break;
      }
      if (nl === -1) {
        segments.push({ start: pos, end: len });
        lineEnd = len;
        pos = len;
        break;
      }
      let e = physEnd;
      if (e > pos && text[e - 1] === '\r') e--;
      if (e > pos && text[e - 1] === '\\') {
        segments.push({ start: pos, end: e - 1 });
        pos = nl + 1;
        lineEnd = physEnd;
        if (pos >= len) break;
        continue;
      }
      segments.push({ start: pos, end: physEnd });
      lineEnd = e;
      pos = nl + 1;
      break;
    }
    const line = buildLine(source.path, text, segments, lineStart, lineEnd);
    if (line) lines.push(line);
  }
  return lines;
}
