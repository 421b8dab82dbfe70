/**
 * JUnit XML (GitLab CI test reports, Jenkins): one test suite per file, one failing test case
 * per finding, one passing case for a clean file.
 */
import { relative } from 'node:path';
import type { LintResult } from '../engine/result.js';
import { TOOL_NAME } from '../meta.js';
import { rangeOf } from './positions.js';
import { cdata, xmlAttr } from './xml-escape.js';
import { ruleLabel } from './rule-label.js';

export function formatJunit(results: readonly LintResult[], cwd: string): string {
  const out = ['<?xml version="1.0" encoding="utf-8"?>', '<testsuites>'];
  for (const r of results) {
    const file = relative(cwd, r.filePath) || r.filePath;
    const tests = Math.max(1, r.messages.length);
    const failures = r.messages.length;
    out.push(`<testsuite package="${TOOL_NAME}" time="0" tests="${tests}" errors="0" failures="${failures}" name="${xmlAttr(file)}">`);
    if (r.messages.length === 0) out.push(`<testcase time="0" name="${xmlAttr(file)}" classname="${xmlAttr(file)}" />`);
    for (const m of r.messages) {
      const { line, column } = rangeOf(m, r.source);
      const rule = ruleLabel(m);
      const severity = m.severity === 2 ? 'Error' : 'Warning';
      out.push(
        `<testcase time="0" name="${xmlAttr(`${TOOL_NAME}.${rule}`)}" classname="${xmlAttr(file)}">`,
        `<failure message="${xmlAttr(m.message)}" type="${severity.toLowerCase()}">${cdata(`${file}:${line}:${column} ${severity} - ${m.message} (${rule})`)}</failure>`,
        '</testcase>',
      );
    }
    out.push('</testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
