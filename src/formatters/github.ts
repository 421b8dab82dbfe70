/**
 * GitHub Actions workflow commands: annotations on the pull request diff.
 * https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 */
import { relative } from 'node:path';
import type { LintResult } from '../engine/result.js';
import { rangeOf } from './positions.js';

/** Message data: `%`, CR and LF are escaped. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
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
      const title = m.ruleId ?? 'syntax-error';
      lines.push(
        `::${command} file=${escapeProperty(file)},line=${line},col=${column},endLine=${endLine},endColumn=${endColumn},title=${escapeProperty(title)}::${escapeData(m.message)}`,
      );
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
