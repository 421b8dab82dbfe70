/**
 * Code actions for a finding: its fix — the one the engine proved by re-simulation, exactly what
 * `--fix` would apply in a first pass — and an inline disable comment for the line, whose reason
 * the user writes (an empty reason is itself reported, so nothing is silenced without one).
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit as LspTextEdit } from 'vscode-languageserver';
import type { LintMessage } from '../engine/lint.js';
import type { Dialect } from '../model/header-rewrite.js';
import { dominantEol, indentationAt, lineText, positionAt, type SourceFile, withFileEol } from '../source.js';
import { toRange } from './convert.js';

/** The proven fix as edits of this document, or undefined when it has none or it touches other files. */
export function fixAction(uri: string, message: LintMessage, source: SourceFile, diagnostic: Diagnostic): CodeAction | undefined {
  const fix = message.fix;
  if (!fix || fix.edits.length === 0 || fix.edits.some((e) => e.file !== source.path)) return undefined;
  const eol = dominantEol(source.text);
  const edits: LspTextEdit[] = fix.edits.map((e) => withFileEol(e, eol)).map((e) => ({ range: toRange(source, e.start, e.end), newText: e.text }));
  return {
    title: `Fix ${message.ruleId}: ${fix.description}`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: true,
    edit: { changes: { [uri]: edits } },
  };
}

/** `# lint-proxy-config-disable-next-line <rule> -- ` above the finding's line (XML: `<!-- … - -->`). */
export function disableAction(uri: string, message: LintMessage, source: SourceFile, dialect: Dialect | null, diagnostic: Diagnostic): CodeAction | undefined {
  if (!message.ruleId) return undefined;
  const { line } = positionAt(source, message.span.start);
  if (line > 1) {
    const previous = lineText(source, line - 1);
    // An Apache directive continued from the line above: a comment line would cut it in two.
    if (dialect === 'apache' && /\\\s*$/.test(previous)) return undefined;
  }
  const lineStart = source.lineStarts[line - 1]!;
  // XML: the comment goes before an element that starts on this line, never inside a tag.
  if (dialect === 'iis' && !source.text.slice(lineStart, message.span.start).includes('<')) return undefined;
  const indent = indentationAt(source, message.span.start);
  const eol = dominantEol(source.text);
  const body = `lint-proxy-config-disable-next-line ${message.ruleId}`;
  const comment = dialect === 'iis' ? `<!-- ${body} - -->` : `# ${body} -- `;
  const at = toRange(source, lineStart, lineStart);
  return {
    title: `Disable ${message.ruleId} for this line (write the reason after the dashes)`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: { changes: { [uri]: [{ range: at, newText: `${indent}${comment}${eol}` }] } },
  };
}
