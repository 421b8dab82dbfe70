/**
 * Fix builders for Caddy. Go's regexp has no lookahead, so the exclusion cannot be the
 * `^(?!(?:XSRF-TOKEN|...)=)` other dialects use: a replacement whose regex captures the whole
 * value (`(.*)`, `^(.*)$`, `.+`...) gets a regex that matches exactly the values of every other
 * cookie and captures them whole (exclusion.ts), and its replacement stays as it is. The rule
 * proves the candidate by re-simulation (other cookies byte-identical, the excluded ones exactly
 * as without the replacement) and the real Caddy accepts it (test/caddy/real-server.test.ts).
 * A `set` or `add` writes the whole line: no automatic fix.
 */
import type { TextEdit } from '../../source.js';
import type { HeaderRewriteModel } from '../../model/header-rewrite.js';
import type { CaddyHeadersOp, CaddyReplacement } from '../../model/ops/caddy-headers.js';
import { opOfKind } from '../../model/ops/index.js';
import { escapeRegexLiteral } from '../../regex/index.js';
import type { ExcludeCookiesRequest, FixCandidate, FixRefusal, Lowering } from '../dialect.js';
import type { HeaderDirectiveSyntax } from './caddyfile.js';
import { notCookiesPattern } from './exclusion.js';
import type { CaddySyntax } from './lower.js';

/**
 * For a template that appends literal text to the whole value (`$1; HttpOnly; Secure`): the same
 * template without the HttpOnly attribute, which the excluded cookies still get (`$1; Secure`),
 * or `null` when nothing but HttpOnly is appended. `undefined`: not such a template.
 */
function withoutHttpOnly(replace: string): string | null | undefined {
  const m = /^(?:\$1|\$\{1\}|\$0|\$\{0\})([^$]*)$/.exec(replace);
  if (!m) return undefined;
  const suffix = m[1]!;
  const h = /;?[ \t]*httponly/i.exec(suffix);
  if (!h) return undefined;
  const rest = suffix.slice(0, h.index) + suffix.slice(h.index + h[0].length);
  return rest === '' ? null : `\${1}${rest}`;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/**
 * The replacement's regex changed to `pattern`, and, when `companion` is given, one more
 * replacement right after it in the same handler (replacements of one handler run in order).
 */
function replacementEdits(model: HeaderRewriteModel, op: CaddyHeadersOp, r: CaddyReplacement, json: boolean, pattern: string, companion: { search: string; replace: string } | null): TextEdit[] | null {
  const file = model.files.get(r.span.file);
  const re = r.searchRegexp;
  if (!file || !re) return null;
  const regexEdit: TextEdit = { file: file.path, start: re.span.start, end: re.span.end, text: json ? JSON.stringify(pattern) : caddyfileToken(pattern) };
  if (!companion) return [regexEdit];
  if (json) {
    const entry = `{"search_regexp": ${JSON.stringify(companion.search)}, "replace": ${JSON.stringify(companion.replace)}}`;
    return [regexEdit, { file: file.path, start: r.span.end, end: r.span.end, text: `, ${entry}` }];
  }
  const syntax = op.syntax as HeaderDirectiveSyntax | undefined;
  const line = syntax?.lines.find((l) => l.field.span.start === r.span.start && l.field.span.file === r.span.file);
  if (!syntax || !line?.value || !line.replacement) return null;
  const fieldText = file.text.slice(line.field.span.start, line.field.span.end);
  const added = `${fieldText} ${caddyfileToken(companion.search)} ${caddyfileToken(companion.replace)}`;
  const indent = /^[ \t]*/.exec(file.text.slice(lineStart(file.text, line.node.span.start)))![0];
  if (line.inBlock || syntax.directive.name.value !== 'header') {
    // Another line of the same block (the header_down lines of a proxy share one set of operations).
    const prefix = line.inBlock ? '' : `${file.text.slice(line.node.name.span.start, line.node.name.span.end)} `;
    return [regexEdit, { file: file.path, start: line.node.span.end, end: line.node.span.end, text: `\n${indent}${prefix}${added}` }];
  }
  // `header [matcher] F P R` becomes a block holding both lines.
  const head = file.text.slice(syntax.directive.span.start, line.field.span.start).trimEnd();
  const own = file.text.slice(line.field.span.start, re.span.start) + regexEdit.text + file.text.slice(re.span.end, line.node.span.end);
  return [{ file: file.path, start: syntax.directive.span.start, end: line.node.span.end, text: `${head} {\n${indent}\t${own}\n${indent}\t${added}\n${indent}}` }];
}

/** A Caddyfile token for `value`: double-quoted (only `"` needs a backslash), backquoted when it holds `\"`. */
export function caddyfileToken(value: string): string {
  if (!value.includes('\\"') && !value.endsWith('\\')) return `"${value.replace(/"/g, '\\"')}"`;
  return `\`${value}\``;
}

export function excludeCookies({ model, syntax }: Lowering<CaddySyntax>, request: ExcludeCookiesRequest): FixCandidate[] | FixRefusal {
  const { op, cause, names } = request;
  if (!opOfKind(op, 'caddy-headers')) return { reason: `${op.label} is not a header operation` };
  const replacement = op.replace.find((r) => r.span.file === cause.file && r.span.start === cause.start && r.span.end === cause.end);
  if (!replacement) return { reason: `${op.label} writes the whole Set-Cookie line itself`, suggestion: 'remove HttpOnly from that value, or stop overwriting the backend cookies' };
  if (!replacement.searchRegexp) return { reason: 'a literal search cannot tell cookies apart', suggestion: 'use a regex replacement that captures the whole value and exclude the CSRF cookies' };
  const pattern = notCookiesPattern(names);
  const json = syntax.format === 'json';
  const rest = withoutHttpOnly(replacement.replace);
  if (rest === undefined) {
    const edits = replacementEdits(model, op, replacement, json, pattern, null);
    return edits ? [{ edits, description: `exclude ${names.join(', ')} with a regex that matches every other cookie (Caddy's RE2 has no lookahead)` }] : { reason: 'the replacement could not be found in the text' };
  }
  const companion = rest === null ? null : { search: `^([ \\t]*(?:${names.map((n) => escapeRegexLiteral(n, 'pcre')).join('|')})[ \\t]*=.*)$`, replace: rest };
  const edits = replacementEdits(model, op, replacement, json, pattern, companion);
  if (!edits) return { reason: 'the replacement could not be found in the text' };
  const candidates: FixCandidate[] = [
    {
      edits,
      description: companion
        ? `exclude ${names.join(', ')} with a regex that matches every other cookie, and give them the other attributes in a replacement of their own (Caddy's RE2 has no lookahead)`
        : `exclude ${names.join(', ')} with a regex that matches every other cookie (Caddy's RE2 has no lookahead)`,
    },
  ];
  return candidates;
}
