/**
 * `ProxyPassReverseCookiePath` / `ProxyPassReverseCookieDomain` (mod_proxy), applied by
 * mod_proxy_http and mod_proxy_ajp to each backend Set-Cookie line as it is read, before any
 * `Header` directive runs (modules/proxy/proxy_util.c `ap_proxy_cookie_reverse_map`,
 * modules/proxy/mod_proxy_http.c `process_proxy_header`, modules/proxy/ajp_header.c):
 *
 * - the value is split at `;` (empty pieces skipped); in each piece, after leading white space,
 *   `path=` / `domain=` (case-insensitive) starts an attribute whose value runs to the next `;`;
 * - the first directive whose "internal" string is a prefix of that value (paths case-sensitive,
 *   domains case-insensitive) wins, and the WHOLE value is replaced by its "public" string,
 *   verbatim (`"/; HttpOnly"` would inject an attribute);
 * - directives of enclosing scopes come first (the merge appends the inner scope's entries);
 * - only the last `path=` / `domain=` piece of the value counts (the cookie's own `path=x`
 *   name included): when no directive matches it, an earlier piece that one matches is left as
 *   it is (httpd 2.4.71: `Path=/app; Path=/other` is not changed by a mapping of `/app`).
 */
import type { Span } from '../../source.js';
import type { Condition, CookieOp, OpPart, SetCookieLine } from '../header-rewrite.js';
import { changeLine } from '../set-cookie.js';
import { semanticKey } from '../signature.js';

export interface CookieMapping {
  /** The backend's value prefix ("internal" in the manual). */
  readonly fake: string;
  /** What replaces the whole value. */
  readonly real: string;
  /** The directive. */
  readonly span: Span;
  /** The public value as written: where findings about an injected attribute point. */
  readonly focus?: Span;
  readonly label: string;
}

export interface ApacheCookieReverseOp extends CookieOp {
  readonly kind: 'apache-cookie-reverse';
  readonly paths: readonly CookieMapping[];
  readonly domains: readonly CookieMapping[];
}

interface Hit {
  readonly start: number;
  readonly end: number;
  readonly mapping: CookieMapping | undefined;
}

function scan(value: string, attr: 'path=' | 'domain=', mappings: readonly CookieMapping[], caseless: boolean): Hit | null {
  let hit: Hit | null = null;
  let pos = 0;
  while (pos <= value.length) {
    const semi = value.indexOf(';', pos);
    const end = semi === -1 ? value.length : semi;
    let s = pos;
    while (s < end && /[ \t\n\r\v\f]/.test(value[s]!)) s++;
    if (s < end && value.slice(s, s + attr.length).toLowerCase() === attr) {
      const vStart = s + attr.length;
      const v = value.slice(vStart, end);
      const mapping = mappings.find((m) => {
        const head = v.slice(0, m.fake.length);
        return v.length >= m.fake.length && (caseless ? head.toLowerCase() === m.fake.toLowerCase() : head === m.fake);
      });
      hit = { start: vStart, end, mapping };
    }
    if (semi === -1) break;
    pos = semi + 1;
  }
  return hit;
}

/** `ap_proxy_cookie_reverse_map` on one value; the mapping that applied to each attribute. */
export function reverseMapCookie(value: string, paths: readonly CookieMapping[], domains: readonly CookieMapping[]): { value: string; steps: { after: string; cause: CookieMapping }[] } {
  const p = paths.length > 0 ? scan(value, 'path=', paths, false) : null;
  const d = domains.length > 0 ? scan(value, 'domain=', domains, true) : null;
  const edits = [p, d].filter((h): h is Hit & { mapping: CookieMapping } => h !== null && h.mapping !== undefined).sort((a, b) => b.start - a.start);
  let out = value;
  const steps: { after: string; cause: CookieMapping }[] = [];
  for (const e of edits) {
    out = out.slice(0, e.start) + e.mapping.real + out.slice(e.end);
    steps.push({ after: out, cause: e.mapping });
  }
  return { value: out, steps };
}

export function createCookieReverseOp(paths: readonly CookieMapping[], domains: readonly CookieMapping[], condition: Condition | null = null): ApacheCookieReverseOp {
  const all = [...paths, ...domains];
  const parts: OpPart[] = all.map((m) => (m.focus ? { span: m.span, label: m.label, focus: m.focus } : { span: m.span, label: m.label }));
  const first = all[0]!;
  const op: ApacheCookieReverseOp = {
    kind: 'apache-cookie-reverse',
    dialect: 'apache',
    span: first.span,
    label: all.map((m) => m.label).join('; '),
    condition,
    reaches: ['http', 'ajp'],
    parts,
    paths,
    domains,
    signature: semanticKey([paths.map((m) => [m.fake, m.real]), domains.map((m) => [m.fake, m.real])]),
    // Only cookies whose path or domain starts with the backend's value are rewritten.
    probeAttributes: [...paths.map((m) => `Path=${m.fake}; Secure`), ...domains.map((m) => `Domain=${m.fake}; Path=/; Secure`)],
    apply(lines: SetCookieLine[]): void {
      for (const line of lines) {
        if (line.producer !== 'http' && line.producer !== 'ajp') continue;
        for (const step of reverseMapCookie(line.value, paths, domains).steps) changeLine(line, op, step.cause.span, step.after);
      }
    },
  };
  return op;
}
