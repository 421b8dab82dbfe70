/** One line per finding: `file:line:col: severity message [rule]` (gcc/errorformat style). */
import { relative } from 'node:path';
import type { LintResult } from '../engine/result.js';
import { rangeOf } from './positions.js';
import { printable, printablePath } from './printable.js';
import { ruleLabel } from './rule-label.js';

export function formatCompact(results: readonly LintResult[], cwd: string): string {
  const lines: string[] = [];
  for (const r of results) {
    const file = printablePath(relative(cwd, r.filePath) || r.filePath);
    for (const m of r.messages) {
      const { line, column } = rangeOf(m, r.source);
      lines.push(`${file}:${line}:${column}: ${m.severity === 2 ? 'error' : 'warning'} ${printable(m.message)} [${ruleLabel(m)}]`);
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
