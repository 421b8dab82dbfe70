/**
 * GitHub Actions workflow commands: annotations on the pull request diff.
 * https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 */
import { relative } from 'node:path';
import type { LintResult } from '../engine/result.js';
import { rangeOf } from './positions.js';
import { printable } from './printable.js';
import { ruleLabel } from './rule-label.js';

/**
 * Message data: control characters shown as escapes (a newline from a configuration is not the
 * multi-line annotation GitHub's `%0A` would make, and ESC sequences stay out of the log), then
 * `%` escaped as the runner expects.
 */
function escapeData(text: string): string {
  return printable(text).replace(/%/g, '%25');
}

/** Property values: additionally `:` and `,`. */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithub(results: readonly LintResult[], cwd: string): string {
  const lines: string[] = [];
  for (const r of results) {
    const file = relative(cwd, r.filePath) || r.filePath;
    for (const m of r.messages) {
      const { line, column, endLine, endColumn } = rangeOf(m, r.source);
      const command = m.severity === 2 ? 'error' : 'warning';
      const title = ruleLabel(m);
      lines.push(
        `::${command} file=${escapeProperty(file)},line=${line},col=${column},endLine=${endLine},endColumn=${endColumn},title=${escapeProperty(title)}::${escapeData(m.message)}`,
      );
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
