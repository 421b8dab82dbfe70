/**
 * ESLint-compatible JSON: an array of `{ filePath, messages, errorCount, ... }` with 1-based
 * lines and columns, and each fix as ESLint's single `{ range, text }` edit.
 */
import { mergeEdits } from '../engine/edits.js';
import type { LintResult } from '../engine/result.js';
import { rangeOf } from './positions.js';

export function formatJson(results: readonly LintResult[]): string {
  return JSON.stringify(
    results.map((r) => ({
      filePath: r.filePath,
      messages: r.messages.map((m) => {
        const range = rangeOf(m, r.source);
        return {
          ruleId: m.ruleId,
          severity: m.severity,
          ...(m.fatal ? { fatal: true } : {}),
          message: m.message,
          line: range.line,
          column: range.column,
          endLine: range.endLine,
          endColumn: range.endColumn,
          ...(m.fix && r.source ? { fix: mergeEdits(r.source, m.fix.edits) } : {}),
          ...(m.data ? { data: m.data } : {}),
          ...(m.related
            ? { related: m.related.map((x) => ({ message: x.message, filePath: x.span.file, line: x.line, column: x.column, endLine: x.endLine, endColumn: x.endColumn })) }
            : {}),
        };
      }),
      suppressedMessages: [],
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
