/** What formatters receive: one entry per file, ESLint's LintResult shape plus the source. */
import type { SourceFile } from '../source.js';
import type { LintMessage } from './lint.js';
import type { FileResult } from './project.js';

export interface LintResult {
  /** Absolute path. */
  readonly filePath: string;
  readonly source?: SourceFile;
  readonly messages: readonly LintMessage[];
  /** Messages inline directives suppressed, each with its `suppressions` (ESLint's `suppressedMessages`). */
  readonly suppressedMessages: readonly LintMessage[];
  readonly errorCount: number;
  readonly warningCount: number;
  readonly fatalErrorCount: number;
  readonly fixableErrorCount: number;
  readonly fixableWarningCount: number;
  /** The fixed text, when fixes changed the file (`--fix`, `--fix-dry-run`). */
  readonly output?: string;
  /** The text before fixes, when `output` is set (`source` is then the fixed file). */
  readonly input?: string;
}

export function toLintResult(file: FileResult, messages: readonly LintMessage[] = file.messages, fixed?: { output: string; input: string }): LintResult {
  let errorCount = 0;
  let warningCount = 0;
  let fatalErrorCount = 0;
  let fixableErrorCount = 0;
  let fixableWarningCount = 0;
  for (const m of messages) {
    if (m.severity === 2) {
      errorCount++;
      if (m.fatal) fatalErrorCount++;
      if (m.fix || m.fixable) fixableErrorCount++;
    } else {
      warningCount++;
      if (m.fix || m.fixable) fixableWarningCount++;
    }
  }
  const base = { filePath: file.path, messages, suppressedMessages: file.suppressed ?? [], errorCount, warningCount, fatalErrorCount, fixableErrorCount, fixableWarningCount };
  const withSource = file.source ? { ...base, source: file.source } : base;
  return fixed === undefined ? withSource : { ...withSource, output: fixed.output, input: fixed.input };
}
