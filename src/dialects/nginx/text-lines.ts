/** Line geometry for fix builders: insert whole lines with the same indentation and line ending. */
import type { SourceFile, Span } from '../../source.js';

export interface LineRange {
  /** Offset of the first character of the line. */
  readonly start: number;
  /** Offset of the line terminator (or the end of the text). */
  readonly end: number;
  /** Offset after the line terminator. */
  readonly next: number;
  readonly eol: string;
  readonly indent: string;
}

export function lineAt(file: SourceFile, offset: number): LineRange {
  const text = file.text;
  let start = offset;
  while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
  let end = offset;
  while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
  const eol = text.startsWith('\r\n', end) ? '\r\n' : text[end] === '\n' || text[end] === '\r' ? text[end]! : '';
  let i = start;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return { start, end, next: end + eol.length, eol, indent: text.slice(start, i) };
}

/** Whether the span is the only thing on its lines, apart from white space and a trailing comment-free end. */
export function ownsLines(file: SourceFile, span: Span): boolean {
  const first = lineAt(file, span.start);
  const last = lineAt(file, Math.max(span.start, span.end - 1));
  return file.text.slice(first.start, span.start).trim() === '' && file.text.slice(span.end, last.end).trim() === '';
}

/** The line terminator to use for new lines near `offset` (the file's own). */
export function eolNear(file: SourceFile, offset: number): string {
  const here = lineAt(file, offset).eol;
  if (here) return here;
  return /\r\n/.test(file.text) ? '\r\n' : /\r/.test(file.text) ? '\r' : '\n';
}
