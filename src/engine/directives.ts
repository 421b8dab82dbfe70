/**
 * Inline suppressions, one syntax in every dialect's comments (`#` for Apache and nginx,
 * `<!-- -->` for XML), after ESLint's:
 *
 *   lint-proxy-config-disable-next-line xsrf-cookie-httponly -- Jira never sets XSRF-TOKEN
 *   lint-proxy-config-disable-line <rules> -- <reason>      (nginx and XML: after the code)
 *   lint-proxy-config-disable <rules> -- <reason>  …  lint-proxy-config-enable <rules>
 *
 * No rule list means every rule. A reason after `--` is required unless `requireReason` is off.
 * XML forbids `--` inside comments (XML 1.0 §2.5), so a lone ` - ` separates the reason too.
 * Directives that suppress nothing, name unknown rules or lack a reason are reported as
 * `unused-disable-directive`. Syntax errors cannot be suppressed.
 */
import type { CommentToken } from '../model/header-rewrite.js';
import { positionAt, type SourceFile, type Span } from '../source.js';
import type { LintMessage } from './lint.js';

export const UNUSED_DIRECTIVE_RULE = 'unused-disable-directive';

export interface DirectiveSettings {
  readonly requireReason: boolean;
  readonly knownRules: ReadonlySet<string>;
  /** Severity of `unused-disable-directive`, or null when it is off. */
  readonly unusedSeverity: 1 | 2 | null;
  /** Ignore every directive (`--no-inline-config`). */
  readonly disabled?: boolean;
}

type Kind = 'disable-next-line' | 'disable-line' | 'disable' | 'enable';

interface Directive {
  readonly kind: Kind;
  readonly comment: CommentToken;
  /** Empty: every rule. */
  readonly rules: readonly string[];
  readonly reason: string;
  readonly line: number;
  readonly endLine: number;
  /** Rules (or '*') that suppressed something. */
  readonly used: Set<string>;
}

const PATTERN = /^lint-proxy-config-(disable-next-line|disable-line|disable|enable)(?=\s|$)(.*)/s;

function parse(comment: CommentToken, file: SourceFile): Directive | undefined {
  const m = PATTERN.exec(comment.text.trim());
  if (!m) return undefined;
  // Empty, or starting with white space (the lookahead above).
  const rest = m[2]!;
  const sep = /\s--?(?:\s|$)/.exec(rest);
  const list = sep ? rest.slice(0, sep.index) : rest;
  const reason = sep ? rest.slice(sep.index + sep[0].length).trim() : '';
  const rules = list
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  return {
    kind: m[1] as Kind,
    comment,
    rules,
    reason,
    line: positionAt(file, comment.span.start).line,
    endLine: positionAt(file, Math.max(comment.span.start, comment.span.end - 1)).line,
    used: new Set(),
  };
}

/** The directive's own text inside its comment (markers and trailing `-->` left out). */
function directiveSpan(file: SourceFile, d: Directive): Span {
  const { span } = d.comment;
  const raw = file.text.slice(span.start, span.end);
  const at = raw.indexOf('lint-proxy-config-');
  if (at < 0) return span;
  const body = raw.slice(at).replace(/\s*(?:-->)?\s*$/, '');
  return { file: span.file, start: span.start + at, end: span.start + at + body.length };
}

function covers(d: Directive, ruleId: string): boolean {
  return d.rules.length === 0 || d.rules.includes(ruleId);
}

export interface DirectiveOutcome {
  readonly messages: LintMessage[];
  readonly suppressed: LintMessage[];
}

export function applyDirectives(
  file: SourceFile,
  comments: readonly CommentToken[],
  messages: readonly LintMessage[],
  settings: DirectiveSettings,
): DirectiveOutcome {
  if (settings.disabled) return { messages: [...messages], suppressed: [] };
  const directives = comments.map((c) => parse(c, file)).filter((d): d is Directive => d !== undefined);
  if (directives.length === 0) return { messages: [...messages], suppressed: [] };

  const problems: LintMessage[] = [];
  const report = (d: Directive, message: string) => {
    if (settings.unusedSeverity !== null) problems.push({ ruleId: UNUSED_DIRECTIVE_RULE, severity: settings.unusedSeverity, message, span: directiveSpan(file, d) });
  };
  const active: Directive[] = [];
  for (const d of directives) {
    const unknown = d.rules.filter((r) => !settings.knownRules.has(r));
    if (unknown.length > 0) {
      report(d, `lint-proxy-config-${d.kind} names unknown rule${unknown.length > 1 ? 's' : ''} ${unknown.map((r) => `"${r}"`).join(', ')}; it suppresses nothing.`);
      continue;
    }
    if (settings.requireReason && d.kind !== 'enable' && d.reason === '') {
      report(d, `lint-proxy-config-${d.kind} needs a reason after " -- " (" - " in XML comments), for example "-- Jira never sets XSRF-TOKEN"; it suppresses nothing.`);
      continue;
    }
    active.push(d);
  }

  const ordered = [...active].sort((a, b) => a.comment.span.start - b.comment.span.start);
  const kept: LintMessage[] = [];
  const suppressed: LintMessage[] = [];
  for (const m of messages) {
    if (m.ruleId === null) {
      kept.push(m);
      continue;
    }
    const line = positionAt(file, m.span.start).line;
    const ruleId = m.ruleId;
    let by: Directive | undefined;
    for (const d of ordered) {
      if (!covers(d, ruleId)) continue;
      if ((d.kind === 'disable-next-line' && line === d.endLine + 1) || (d.kind === 'disable-line' && line >= d.line && line <= d.endLine)) by = d;
    }
    if (!by) {
      // Ranges: the last disable/enable before the message that mentions this rule decides.
      for (const d of ordered) {
        if (d.comment.span.start > m.span.start) break;
        if ((d.kind === 'disable' || d.kind === 'enable') && covers(d, ruleId)) by = d.kind === 'disable' ? d : undefined;
      }
    }
    if (by) {
      by.used.add(by.rules.length === 0 ? '*' : ruleId);
      suppressed.push({ ...m, suppressions: [{ kind: 'directive', justification: by.reason }] });
    } else kept.push(m);
  }

  for (const d of active) {
    if (d.kind === 'enable') continue;
    const idle = d.rules.length === 0 ? (d.used.size === 0 ? ['*'] : []) : d.rules.filter((r) => !d.used.has(r));
    if (idle.length === 0) continue;
    const what = idle[0] === '*' ? 'no problem' : `no ${idle.join(', ')} problem`;
    const where = d.kind === 'disable-next-line' ? ' on the next line' : d.kind === 'disable-line' ? ' on this line' : ' in its range';
    report(d, `Unused lint-proxy-config-${d.kind} directive: ${what} is reported${where}.`);
  }
  return { messages: [...kept, ...problems], suppressed };
}
