/** Directive-level text edits shared by the nginx fix builders. */
import { escapeRegexLiteral } from '../../regex/index.js';
import type { HeaderRewriteModel } from '../../model/header-rewrite.js';
import type { SourceFile, Span, TextEdit } from '../../source.js';
import { eolNear, lineAt, ownsLines } from './text-lines.js';

/** `(?:atl\.xsrf\.token|XSRF-TOKEN)` */
export function namesAlternation(names: readonly string[]): string {
  return `(?:${names.map((n) => escapeRegexLiteral(n, 'pcre')).join('|')})`;
}

/** The selector of an exclusion directive: `~^(?:...)$`. */
export function exclusionSelector(names: readonly string[]): string {
  return `~^${namesAlternation(names)}$`;
}

export function fileOf(model: HeaderRewriteModel, span: Span): SourceFile | undefined {
  return model.files.get(span.file);
}

/** Inserts `text` (a whole directive) before the directive at `at`: on its own line when `at` starts one. */
export function insertBefore(file: SourceFile, at: Span, text: string): TextEdit {
  const line = lineAt(file, at.start);
  if (file.text.slice(line.start, at.start).trim() === '') {
    return { file: file.path, start: line.start, end: line.start, text: `${line.indent}${text}${eolNear(file, at.start)}` };
  }
  return { file: file.path, start: at.start, end: at.start, text: `${text} ` };
}

/** Inserts `text` (a whole directive) after the directive at `at`: on a line of its own when `at` ends one. */
export function insertAfter(file: SourceFile, at: Span, text: string): TextEdit {
  if (ownsLines(file, at)) {
    const line = lineAt(file, Math.max(at.start, at.end - 1));
    const eol = eolNear(file, at.start);
    return { file: file.path, start: line.next, end: line.next, text: `${line.eol ? '' : eol}${line.indent}${text}${line.eol ? eol : ''}` };
  }
  return { file: file.path, start: at.end, end: at.end, text: ` ${text}` };
}

/** Replaces a directive by several, one per line with its indentation, or side by side when it shares its line. */
export function replaceDirective(file: SourceFile, at: Span, texts: readonly string[]): TextEdit {
  if (ownsLines(file, at)) {
    const first = lineAt(file, at.start);
    const last = lineAt(file, Math.max(at.start, at.end - 1));
    const eol = last.eol || eolNear(file, at.start);
    const body = texts.map((t) => `${first.indent}${t}`).join(eol);
    return { file: file.path, start: first.start, end: last.end, text: body };
  }
  return { file: file.path, start: at.start, end: at.end, text: texts.join(' ') };
}
