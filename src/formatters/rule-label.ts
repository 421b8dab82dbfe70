/**
 * The rule id a format that needs one gives a message: its rule's, else `syntax-error` for a
 * file that could not be parsed and `file-not-linted` for one that was not linted at all
 * (unreadable or skipped). JSON keeps `ruleId: null`, as ESLint does.
 */
import type { LintMessage } from '../engine/lint.js';

export const SYNTAX_ERROR_ID = 'syntax-error';
export const NOT_LINTED_ID = 'file-not-linted';

export function ruleLabel(m: LintMessage): string {
  return m.ruleId ?? (m.notLinted ? NOT_LINTED_ID : SYNTAX_ERROR_ID);
}
