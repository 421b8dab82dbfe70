/**
 * The terminal format: findings grouped by file, each with the offending line and a caret under
 * the exact span, the rule id, and a summary (after ESLint's stylish and codeframe formatters).
 */
import { relative } from 'node:path';
import { Chalk, type ChalkInstance } from 'chalk';
import type { LintResult } from '../engine/result.js';
import { lineText, type SourceFile } from '../source.js';
import type { LintMessage } from '../engine/lint.js';
import { rangeOf } from './positions.js';
import { printable, printableKeepTabs, printablePath } from './printable.js';

export interface StylishOptions {
  readonly cwd: string;
  readonly color: boolean;
}

const TAB = '    ';

/**
 * Code frames show at most this many characters of a line, around the span: a minified or
 * generated line would otherwise fill the log, and a frame should show context, not a file.
 */
export const FRAME_WIDTH = 160;

/** The line with tabs expanded, and the caret row for columns [from, to) of the original line. */
function frame(source: SourceFile, line: number, from: number, to: number): { text: string; carets: string } {
  let raw = lineText(source, line);
  let head = '';
  let tail = '';
  if (raw.length > FRAME_WIDTH) {
    // A window that starts a little before the span; what is cut is marked with an ellipsis.
    const start = Math.max(0, Math.min(from - 20, raw.length - FRAME_WIDTH));
    const end = Math.min(raw.length, start + FRAME_WIDTH);
    head = start > 0 ? '…' : '';
    tail = end < raw.length ? '…' : '';
    raw = raw.slice(start, end);
    from = Math.max(0, from - start) + head.length;
    to = Math.max(from + 1, Math.min(to - start, end - start) + head.length);
    raw = head + raw;
  }
  let text = '';
  let pad = '';
  let marks = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    const shown = ch === '\t' ? TAB : printableKeepTabs(ch);
    text += shown;
    if (i < from) pad += ch === '\t' ? TAB : ' '.repeat(shown.length);
    else if (i < to) marks += '^'.repeat(shown.length);
  }
  return { text: text + tail, carets: pad + (marks || '^') };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function codeFrame(c: ChalkInstance, message: LintMessage, source: SourceFile): string[] {
  const range = rangeOf(message, source);
  const lastLine = range.endLine > range.line && range.endColumn === 1 ? range.endLine - 1 : range.endLine;
  const shownLast = Math.min(lastLine, range.line + 2);
  const width = String(shownLast).length;
  const out: string[] = [];
  for (let line = range.line; line <= shownLast; line++) {
    const from = line === range.line ? range.column - 1 : 0;
    const to = line === range.endLine ? range.endColumn - 1 : lineText(source, line).length;
    const { text, carets } = frame(source, line, from, Math.max(to, from + 1));
    const gutter = String(line).padStart(width);
    out.push(`  ${c.red('>')} ${c.dim(`${gutter} |`)} ${text}`);
    out.push(`    ${c.dim(`${' '.repeat(width)} |`)} ${c.red(carets)}`);
  }
  return out;
}

export function formatStylish(results: readonly LintResult[], options: StylishOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const lines: string[] = [];
  let errors = 0;
  let warnings = 0;
  let fixableErrors = 0;
  let fixableWarnings = 0;
  for (const r of results) {
    if (r.messages.length === 0) continue;
    errors += r.errorCount;
    warnings += r.warningCount;
    fixableErrors += r.fixableErrorCount;
    fixableWarnings += r.fixableWarningCount;
    lines.push('', c.underline(printablePath(relative(options.cwd, r.filePath) || r.filePath)));
    // A file that did not parse as configuration (a credentials file someone included, a binary)
    // gets positions but no code frame: its lines are not shown in a CI log.
    const showFrames = !r.messages.some((m) => m.fatal && m.ruleId === null);
    for (const m of r.messages) {
      const range = rangeOf(m, r.source);
      const severity = m.severity === 2 ? c.red('error') : c.yellow('warning');
      const rule = m.ruleId ? `  ${c.dim(m.ruleId)}` : '';
      lines.push(`  ${c.dim(`${range.line}:${range.column}`)}  ${severity}  ${printable(m.message)}${rule}`);
      if (showFrames && r.source && !(m.span.start === 0 && m.span.end === 0 && m.fatal && r.source.text.length === 0)) {
        lines.push(...codeFrame(c, m, r.source));
      }
      for (const l of m.related ?? []) lines.push(`    ${c.dim(`${l.message}: ${relative(options.cwd, l.file) || l.file}:${l.line}:${l.column}`)}`);
    }
  }
  const total = errors + warnings;
  if (total === 0) return '';
  const summary = `${total === 1 ? '✖ 1 problem' : `✖ ${total} problems`} (${plural(errors, 'error')}, ${plural(warnings, 'warning')})`;
  lines.push('', (errors > 0 ? c.red.bold : c.yellow.bold)(summary));
  if (fixableErrors + fixableWarnings > 0) {
    lines.push(
      (errors > 0 ? c.red.bold : c.yellow.bold)(
        `  ${plural(fixableErrors, 'error')} and ${plural(fixableWarnings, 'warning')} potentially fixable with the \`--fix\` option.`,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}
