/** Lint messages as LSP diagnostics, with the rule id and its documentation link. */
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { LintMessage } from '../engine/lint.js';
import { ruleDocsUrl } from '../meta.js';
import type { SourceFile } from '../source.js';
import { toRange } from './convert.js';

export const DIAGNOSTIC_SOURCE = 'lint-proxy-config';

/** `data` of a diagnostic: the document version and the span of the message it shows. */
export interface DiagnosticData {
  readonly version: number;
  readonly start: number;
  readonly end: number;
}

export function toDiagnostic(message: LintMessage, source: SourceFile, version: number): Diagnostic {
  const data: DiagnosticData = { version, start: message.span.start, end: message.span.end };
  return {
    range: toRange(source, message.span.start, message.span.end),
    severity: message.severity === 2 ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: DIAGNOSTIC_SOURCE,
    message: message.message,
    ...(message.ruleId ? { code: message.ruleId, codeDescription: { href: ruleDocsUrl(message.ruleId) } } : {}),
    data,
  };
}

/** A problem with the settings themselves (invalid configuration or baseline), shown at the top of the file. */
export function settingsDiagnostic(text: string): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Error,
    source: DIAGNOSTIC_SOURCE,
    message: text,
  };
}
