/** Checkstyle XML (Jenkins Warnings NG, many CI dashboards), in ESLint's checkstyle shape. */
import type { LintResult } from '../engine/result.js';
import { TOOL_NAME } from '../meta.js';
import { rangeOf } from './positions.js';
import { xmlAttr } from './xml-escape.js';
import { ruleLabel } from './rule-label.js';

export function formatCheckstyle(results: readonly LintResult[]): string {
  const out = ['<?xml version="1.0" encoding="utf-8"?>', '<checkstyle version="4.3">'];
  for (const r of results) {
    out.push(`<file name="${xmlAttr(r.filePath)}">`);
    for (const m of r.messages) {
      const { line, column } = rangeOf(m, r.source);
      out.push(
        `<error line="${line}" column="${column}" severity="${m.severity === 2 ? 'error' : 'warning'}" message="${xmlAttr(m.message)}" source="${TOOL_NAME}.${ruleLabel(m)}" />`,
      );
    }
    out.push('</file>');
  }
  out.push('</checkstyle>');
  return `${out.join('\n')}\n`;
}
