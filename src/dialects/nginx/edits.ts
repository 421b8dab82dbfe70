/**
 * Fix builders: turn "stop this directive from adding HttpOnly to these cookies" into nginx
 * text edits (proxy-semantics.md §2.2–2.3). The rule proves each candidate by re-simulation.
 *
 * - A `proxy_cookie_flags` entry: nginx uses only the FIRST matching directive, so an exclusion
 *   `proxy_cookie_flags ~^(?:XSRF-TOKEN|...)$ <the other flags>;` goes right before it (the XSRF
 *   cookies keep every other flag the entry gave them), or the entry's regex gets a negative
 *   lookahead. A name-specific entry loses its `httponly`.
 * - The path hack (`proxy_cookie_path / "/; HTTPOnly; Secure"`): the injected attributes become
 *   `proxy_cookie_flags` directives — the exclusion first, then the blanket rule — which also
 *   stops the hack corrupting sub-path cookies (`changesOtherCookies`). Needs nginx ≥ 1.19.3.
 * - Anything else (a Set-Cookie line written by add_header or headers-more) is the user's text.
 */
import { patternShape } from '../../regex/index.js';
import type { CookieOp, HeaderRewriteModel } from '../../model/header-rewrite.js';
import type { NginxRewriteEntry } from '../../model/ops/nginx-cookie-rewrite.js';
import { opOfKind } from '../../model/ops/index.js';
import { entryAt, entryBits, nginxCookieEntries, type NginxFlagsEntry } from '../../model/ops/nginx-proxy-cookie.js';
import { flagBits } from '../../model/ops/nginx-cookie-flags.js';
import type { SourceFile, Span, TextEdit } from '../../source.js';
import type { ExcludeCookiesRequest, FixCandidate, FixRefusal, Lowering } from '../dialect.js';
import { pathHackCandidates } from './edits-path-hack.js';
import { exclusionSelector, fileOf, insertBefore, namesAlternation } from './directive-edits.js';
import { SET_COOKIE_FLAGS, type NginxSetCookieFlagOp } from '../../model/ops/nginx-set-cookie-flag.js';
import type { NginxSyntax } from './lower.js';
import { nginxArg } from './quote.js';
import { runScript, scriptVariables } from '../../model/ops/nginx-script.js';

function flagWordText(file: SourceFile, span: Span): string {
  return file.text.slice(span.start, span.end);
}

/** The entry's flag words without `httponly` (as written); `nohttponly` when nothing is left. */
function flagsWithoutHttpOnly(file: SourceFile, entry: NginxFlagsEntry): string[] {
  const kept = entry.flags.filter((f) => f.script.source.toLowerCase() !== 'httponly').map((f) => flagWordText(file, f.span));
  return kept.length > 0 ? kept : ['nohttponly'];
}

/** `^(?!(?:NAMES)$)` merged into the entry's regex without changing what else it matches. */
export function withLookahead(source: string, names: readonly string[]): string {
  const guard = `(?!${namesAlternation(names)}$)`;
  if (source === '') return `^${guard}`;
  const shape = patternShape(source, { flavor: 'pcre', caseless: true });
  if (shape?.startAnchor && !shape.topLevelAlternation) {
    return source.slice(0, shape.startAnchor.end) + guard + source.slice(shape.startAnchor.end);
  }
  // Any other pattern is searched unanchored: `.*?` keeps that (cookie names hold no newline).
  return `^${guard}.*?(?:${source})`;
}

/** Deletes the entry's `httponly` words (with the space before them), or turns the only one into `nohttponly`. */
function dropHttpOnly(file: SourceFile, entry: NginxFlagsEntry): TextEdit[] {
  const isHttpOnly = (f: NginxFlagsEntry['flags'][number]) => f.script.source.toLowerCase() === 'httponly';
  const others = entry.flags.filter((f) => !isHttpOnly(f));
  const edits: TextEdit[] = [];
  entry.flags.filter(isHttpOnly).forEach((f, i) => {
    if (others.length === 0 && i === 0) {
      edits.push({ file: file.path, start: f.span.start, end: f.span.end, text: 'nohttponly' });
      return;
    }
    let start = f.span.start;
    while (start > 0 && (file.text[start - 1] === ' ' || file.text[start - 1] === '\t')) start--;
    edits.push({ file: file.path, start, end: f.span.end, text: '' });
  });
  return edits;
}

/**
 * The variables of flag words when no word is `httponly` as written: the HttpOnly then comes from
 * a variable's value for some requests (src/dialects/nginx/variables.ts), which no edit of this
 * directive's words can take away while keeping the other flags that variable gives.
 */
function httpOnlyFromVariables(entry: NginxFlagsEntry): string[] {
  if (entry.flags.some((f) => f.script.source.toLowerCase() === 'httponly')) return [];
  return [...new Set(entry.flags.flatMap((f) => scriptVariables(f.script)))].map((v) => `$${v}`);
}

/** The flag words other than httponly the entry gives on some requests (the variants of its operations). */
function otherFlagValues(model: HeaderRewriteModel, entry: NginxFlagsEntry): string[] {
  const httpOnly = flagBits('httponly')!;
  const out = new Set<string>();
  for (const op of nginxCookieEntries(model.ops).get(entry) ?? []) {
    const bits = entryBits(entry, (v) => op.bindings.get(v)) & ~httpOnly;
    if (bits === 0) continue;
    const words = entry.flags.filter((f) => f.script.dynamic).map((f) => runScript(f.script, '', [], (v) => op.bindings.get(v))).filter((w) => (flagBits(w) ?? 0) & ~httpOnly);
    for (const w of words) out.add(`"${w}"`);
  }
  return [...out];
}

function flagsCandidates(model: HeaderRewriteModel, entry: NginxFlagsEntry, names: readonly string[]): FixCandidate[] | FixRefusal {
  const file = fileOf(model, entry.span);
  if (!file) return { reason: 'the directive is not in a file the linter read' };
  const list = names.join(', ');
  const candidates: FixCandidate[] = [];
  const variables = httpOnlyFromVariables(entry);
  if (variables.length > 0 && entry.selector.kind === 'literal') {
    return {
      reason: `the httponly flag comes from ${variables.join(', ')}, whose value depends on the request`,
      suggestion: `change the set or map that gives ${variables.join(', ')} the value "httponly", or name other cookies than ${list} in this directive`,
    };
  }
  if (variables.length > 0) {
    const others = otherFlagValues(model, entry);
    if (others.length > 0) {
      // No edit of this directive's words spares these cookies only HttpOnly.
      return {
        reason: `${variables.join(', ')} also gives ${others.join(', ')} on other requests`,
        suggestion: `change the set or map that gives ${variables.join(', ')} the value "httponly"; an exclusion in this directive would take ${others.join(', ')} from ${list} too`,
      };
    }
    // An exclusion before it would repeat the variable (and its httponly): only the lookahead,
    // which takes these cookies away from the directive, can be proven.
    const source = withLookahead(entry.selector.kind === 'regex' ? entry.selector.source : '', names);
    return [{ edits: [lookaheadEdit(file, entry, source)], description: `exclude ${list} with a negative lookahead in the cookie regex (the flags come from ${variables.join(', ')})` }];
  }
  if (entry.selector.kind === 'literal') {
    candidates.push({ edits: dropHttpOnly(file, entry), description: `remove httponly from the proxy_cookie_flags directive for ${list}` });
    return candidates;
  }
  const exclusion = `proxy_cookie_flags ${nginxArg(exclusionSelector(names))} ${flagsWithoutHttpOnly(file, entry).join(' ')};`;
  candidates.push({ edits: [insertBefore(file, entry.span, exclusion)], description: `exclude ${list} with a proxy_cookie_flags directive placed before it (nginx applies the first match)` });
  candidates.push({ edits: [lookaheadEdit(file, entry, withLookahead(entry.selector.source, names))], description: `exclude ${list} with a negative lookahead in the cookie regex` });
  return candidates;
}

/** The entry's cookie regex replaced by `source`, in the quotes it was written in. */
function lookaheadEdit(file: SourceFile, entry: NginxFlagsEntry, source: string): TextEdit {
  const quote = file.text[entry.focus.start] === '"' || file.text[entry.focus.start] === "'" ? (file.text[entry.focus.start] as '"' | "'") : null;
  return { file: file.path, start: entry.focus.start, end: entry.focus.end, text: nginxArg(`~${source}`, quote) };
}

/**
 * `set_cookie_flag` is not fixed: the module matches `NAME=` anywhere in a Set-Cookie line
 * (`xNAME=1` too), so no set_cookie_flag directive can spare exactly the CSRF cookies (the proof
 * would refuse it); proxy_cookie_flags names cookies exactly, and the refusal says how.
 */
function cookieFlagRefusal(op: NginxSetCookieFlagOp, cause: Span, names: readonly string[]): FixRefusal {
  const entry = op.entries.find((e) => e.span.file === cause.file && e.span.start === cause.start && e.span.end === cause.end);
  const flags = SET_COOKIE_FLAGS.filter((f) => entry?.flags.has(f) && !f.startsWith('SameSite'))
    .join(' ')
    .toLowerCase();
  return {
    reason: `set_cookie_flag matches a cookie name anywhere in a Set-Cookie line, so it cannot spare exactly ${names.join(', ')}`,
    suggestion:
      entry && !entry.name.startsWith('*')
        ? `remove HttpOnly from it, or replace it by proxy_cookie_flags ${nginxArg(entry.name)} ${flags.replace('httponly', '').trim() || 'nohttponly'}`
        : `replace it by proxy_cookie_flags ${nginxArg(`~^(?!${namesAlternation(names)}$)`)} ${flags}`,
  };
}

export function excludeCookies({ model, syntax }: Lowering<NginxSyntax>, request: ExcludeCookiesRequest): FixCandidate[] | FixRefusal {
  const { op, cause, names } = request;
  if (opOfKind(op, 'nginx-set-cookie-flag')) return cookieFlagRefusal(op, cause, names);
  if (!opOfKind(op, 'nginx-proxy-cookie')) return refusalFor(op);
  const entry = entryAt(op, cause);
  if (!entry) return { reason: 'the directive that adds HttpOnly could not be found' };
  if (entry.directive === 'proxy_cookie_flags') return flagsCandidates(model, entry, names);
  return pathHackCandidates(model, syntax, entry as NginxRewriteEntry, names);
}

function refusalFor(op: CookieOp): FixRefusal {
  return { reason: `${op.label} writes the whole Set-Cookie line itself`, suggestion: 'remove HttpOnly from that value, or stop overwriting the backend cookie' };
}
