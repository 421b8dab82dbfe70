/** Offsets of the linter (UTF-16 code units into the text) ↔ LSP positions (0-based line, UTF-16 character). */
import type { Position, Range } from 'vscode-languageserver';
import { positionAt, type SourceFile } from '../source.js';

export function toPosition(source: SourceFile, offset: number): Position {
  const p = positionAt(source, offset);
  return { line: p.line - 1, character: p.column - 1 };
}

export function toRange(source: SourceFile, start: number, end: number): Range {
  return { start: toPosition(source, start), end: toPosition(source, end) };
}

export function toOffset(source: SourceFile, position: Position): number {
  const start = source.lineStarts[position.line];
  if (start === undefined) return source.text.length;
  const next = source.lineStarts[position.line + 1] ?? source.text.length;
  return Math.min(start + position.character, next);
}
