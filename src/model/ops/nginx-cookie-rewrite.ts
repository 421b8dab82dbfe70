/**
 * `proxy_cookie_path` and `proxy_cookie_domain` entries (ngx_http_proxy_module.c,
 * `ngx_http_proxy_rewrite_complex_handler`, `_regex_handler`, `_domain_handler`,
 * `ngx_http_proxy_rewrite`; proxy-semantics.md §2.3):
 *
 * - path, literal: case-sensitive PREFIX match; only the prefix is replaced, the rest is kept
 *   (so `/` → `/; HTTPOnly; Secure` turns `/app` into `/; HTTPOnly; Secureapp`);
 * - path, `~` / `~*`: unanchored regex (caseless for `~*`); the WHOLE value is replaced, `$1`...
 *   refer to the match;
 * - domain, literal: a leading dot on the pattern, the replacement (stripped at configuration
 *   time) and the value (kept) is ignored; the rest must equal the pattern, caselessly;
 * - domain, `~`: caseless regex, whole value replaced.
 * The first entry that matches wins.
 */
import { asciiCaseEqual, asciiLower } from '../../ascii.js';
import type { CompiledRegex } from '../../regex/index.js';
import type { Span } from '../../source.js';
import { bytesToText, execNginx } from './nginx-regex.js';
import { runScript, type Script, type VariableLookup } from './nginx-script.js';

export interface NginxRewriteEntry {
  readonly directive: 'proxy_cookie_path' | 'proxy_cookie_domain';
  /** The whole directive. */
  readonly span: Span;
  readonly label: string;
  /** Where findings point: the replacement argument. */
  readonly focus: Span;
  readonly patternSpan: Span;
  readonly replacementSpan: Span;
  readonly pattern: { readonly kind: 'literal'; readonly script: Script } | { readonly kind: 'regex'; readonly source: string; readonly regex: CompiledRegex; readonly caseless: boolean };
  /** The replacement (leading dot removed for literal domains, as nginx does). */
  readonly replacement: Script;
  /** Attribute values this entry matches (as written, and longer ones), for probes that must reach it. */
  readonly samples: readonly string[];
}

/**
 * A literal pattern that matches whatever it is compared with (one reading variables some request
 * may give any value: nginx-request-vars.ts tries that).
 */
export type MatchesAll = (pattern: Script) => boolean;

/**
 * The new value when `entry` matches `value`, else undefined (one handler call). `vars`: the
 * values of the variables known for the request (the others stay as written).
 */
export function rewriteValue(entry: NginxRewriteEntry, value: string, vars?: VariableLookup, matchesAll?: MatchesAll): string | undefined {
  const p = entry.pattern;
  if (p.kind === 'regex') {
    const hit = execNginx(p.regex, value);
    if (!hit) return undefined;
    // A named group becomes a variable of the request when the regex matches
    // (`ngx_http_regex_exec` sets `$name`): `proxy_cookie_path ~^/(?<p>.*)$ /$p;` [LAB 1.22.1].
    const named = p.regex.groupNames.size === 0 ? vars : (name: string) => {
      // Variable names are caseless in nginx (runScript asks in lower case).
      const n = [...p.regex.groupNames].find(([g]) => g.toLowerCase() === name)?.[1];
      if (n === undefined) return vars?.(name);
      const c = hit.match.captures[n];
      return c ? hit.subject.slice(c[0], c[1]) : '';
    };
    return bytesToText(runScript(entry.replacement, hit.subject, hit.match.captures, named));
  }
  const replacement = runScript(entry.replacement, '', [], vars);
  // Matching all: an empty prefix for a path, the value itself for a domain.
  const all = matchesAll?.(p.script) ?? false;
  const pattern = all && entry.directive === 'proxy_cookie_path' ? '' : runScript(p.script, '', [], vars);
  if (entry.directive === 'proxy_cookie_path') {
    if (pattern.length > value.length || !value.startsWith(pattern)) return undefined;
    return replacement + value.slice(pattern.length);
  }
  const dot = value.startsWith('.') ? '.' : '';
  const rest = value.slice(dot.length);
  if (!all && !asciiCaseEqual(rest, pattern)) return undefined;
  return dot + replacement;
}

/** `ngx_http_proxy_rewrite_cookie_value`: the first entry that matches. */
export function rewriteFirst(entries: readonly NginxRewriteEntry[], value: string, vars?: VariableLookup, matchesAll?: MatchesAll): { value: string; entry: NginxRewriteEntry } | undefined {
  for (const entry of entries) {
    const v = rewriteValue(entry, value, vars, matchesAll);
    if (v !== undefined) return { value: v, entry };
  }
  return undefined;
}

function indexOfCaseless(hay: string, needle: string, from: number): number {
  return asciiLower(hay).indexOf(needle, from);
}

/**
 * nginx before 1.19.3 (`git show 8b3f778cb^`): the header is not parsed; the first `domain=` /
 * `path=` after the first `;` is found by caseless substring search (so `xpath=` counts), its
 * value runs to the next `;` untrimmed, and is rewritten in place. Returns the new header and the
 * entries that matched, or undefined when nothing matched.
 */
export function legacyRewrite(
  header: string,
  domains: readonly NginxRewriteEntry[] | null,
  paths: readonly NginxRewriteEntry[] | null,
  vars?: VariableLookup,
  matchesAll?: MatchesAll,
): { value: string; causes: NginxRewriteEntry[] } | undefined {
  const semi = header.indexOf(';');
  if (semi < 0) return undefined;
  const prefix = semi + 1;
  let value = header;
  const causes: NginxRewriteEntry[] = [];
  const step = (entries: readonly NginxRewriteEntry[] | null, attr: string) => {
    if (!entries) return;
    const at = indexOfCaseless(value, attr, prefix);
    if (at < 0) return;
    const start = at + attr.length;
    const semiAfter = value.indexOf(';', start);
    const end = semiAfter < 0 ? value.length : semiAfter;
    const current = value.slice(start, end);
    for (const entry of entries) {
      // The old handlers worked on the extracted value exactly like the new ones.
      const replaced = rewriteValue(entry, current, vars, matchesAll);
      if (replaced === undefined) continue;
      value = value.slice(0, start) + replaced + value.slice(end);
      causes.push(entry);
      return;
    }
  };
  step(domains, 'domain=');
  step(paths, 'path=');
  return causes.length > 0 ? { value, causes } : undefined;
}
