/**
 * ESLint-compatible JSON: an array of `{ filePath, messages, errorCount, ... }` with 1-based
 * lines and columns, and each fix as ESLint's single `{ range, text }` edit.
 */
import { mergeEdits } from '../engine/edits.js';
import type { LintResult } from '../engine/result.js';
import type { LintMessage } from '../engine/lint.js';
import type { SourceFile } from '../source.js';
import { rangeOf } from './positions.js';

function message(m: LintMessage, source: SourceFile | undefined) {
  const range = rangeOf(m, source);
  return {
    ruleId: m.ruleId,
    severity: m.severity,
    ...(m.fatal ? { fatal: true } : {}),
    message: m.message,
    line: range.line,
    column: range.column,
    endLine: range.endLine,
    endColumn: range.endColumn,
    ...(m.fix && source ? { fix: mergeEdits(source, m.fix.edits) } : {}),
    ...(m.suppressions ? { suppressions: m.suppressions } : {}),
    ...(m.related ? { relatedLocations: m.related } : {}),
    ...(m.data ? { data: m.data } : {}),
  };
}

export function formatJson(results: readonly LintResult[]): string {
  return JSON.stringify(
    results.map((r) => ({
      filePath: r.filePath,
      messages: r.messages.map((m) => message(m, r.source)),
      suppressedMessages: r.suppressedMessages.map((m) => message(m, r.source)),
      errorCount: r.errorCount,
      fatalErrorCount: r.fatalErrorCount,
      warningCount: r.warningCount,
      fixableErrorCount: r.fixableErrorCount,
      fixableWarningCount: r.fixableWarningCount,
      ...(r.output !== undefined ? { output: r.output } : {}),
      usedDeprecatedRules: [],
    })),
  );
}
