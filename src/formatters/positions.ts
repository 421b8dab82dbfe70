/** Spans → 1-based lines and columns: the only place offsets become positions (STYLE habit 1). */
import type { LintMessage } from '../engine/lint.js';
import { positionAt, type SourceFile } from '../source.js';

export interface MessageRange {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export function rangeOf(message: LintMessage, source: SourceFile | undefined): MessageRange {
  if (!source) return { line: 1, column: 1, endLine: 1, endColumn: 1 };
  const start = positionAt(source, message.span.start);
  const end = positionAt(source, Math.max(message.span.start, message.span.end));
  return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}
