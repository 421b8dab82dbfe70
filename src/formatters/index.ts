/** The output formats, by name. Formatters are pure: results in, text out. */
import type { LintResult } from '../engine/result.js';
import type { RuleMeta } from '../engine/rule.js';
import { formatCheckstyle } from './checkstyle.js';
import { formatCompact } from './compact.js';
import { formatDiff } from './diff.js';
import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatSarif } from './sarif.js';
import { formatStylish } from './stylish.js';

export const FORMAT_NAMES = ['stylish', 'json', 'sarif', 'github', 'checkstyle', 'junit', 'compact', 'diff'] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

export interface FormatContext {
  readonly cwd: string;
  readonly color: boolean;
  /** Every rule, for formats that describe them (SARIF). */
  readonly rules: readonly RuleMeta[];
  /** The top of the git work tree around `cwd`, if any: `diff` paths are relative to it. */
  readonly root?: string;
}

export function formatResults(name: FormatName, results: readonly LintResult[], context: FormatContext): string {
  switch (name) {
    case 'json':
      return `${formatJson(results)}\n`;
    case 'stylish':
      return formatStylish(results, context);
    case 'sarif':
      return formatSarif(results, context.cwd, context.rules);
    case 'github':
      return formatGithub(results, context.cwd);
    case 'checkstyle':
      return formatCheckstyle(results);
    case 'junit':
      return formatJunit(results, context.cwd);
    case 'compact':
      return formatCompact(results, context.cwd);
    case 'diff':
      return formatDiff(results, context.root ?? context.cwd);
  }
}
