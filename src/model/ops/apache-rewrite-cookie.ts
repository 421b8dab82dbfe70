/**
 * mod_rewrite's `[CO=NAME:VALUE:DOMAIN:lifetime:path:secure:httponly:samesite]` flag
 * (modules/mappers/mod_rewrite.c `add_cookie`; proxy-semantics.md §1.5, §1.8): a rule that applies
 * adds a cookie to `err_headers_out` while the request is translated, before any producer, so
 * `Header always` directives see it and `Header [onsuccess]` ones do not, and it goes out before
 * the `headers_out` lines. What httpd 2.4.71 writes [LAB 2.4.71]:
 *
 * - `NAME=VALUE; path=PATH; domain=DOMAIN`, PATH `/` when not given; no DOMAIN, no cookie;
 * - `; expires=…` when a lifetime (minutes) other than 0 is given;
 * - `; secure` when secure is `true`, `1` or `secure` (any case), then `; HttpOnly` when httponly
 *   is `true`, `1` or `HttpOnly` — only after a `; secure`: the attributes are one `apr_pstrcat`
 *   argument list, which ends at the first attribute that is not written (`CO=n:v:d:0:/:0:HttpOnly`
 *   gives no HttpOnly);
 * - `; SameSite=X` when a samesite other than `0` and `false` is given;
 * - a name already set by a `CO` flag in this request is not set again; `;` instead of `:`
 *   separates the fields when the flag value starts with `;`.
 *
 * A per-directory rule with `F`, `G`, or `R` and a substitution ends the request in the fixups
 * phase: the handler never runs (no producer's line), and httpd answers with its own page
 * (`ap_send_error_response`, as for `ProxyErrorOverride`: apache-error-override.ts): the cookies
 * set so far go out after what `Header always` adds, and no `Header edit` sees them [LAB 2.4.71].
 */
import { RegexBudgetError } from '../../regex/index.js';
import type { Span } from '../../source.js';
import type { BackendKind } from '../backends.js';
import type { Condition, CookieOp, SetCookieLine } from '../header-rewrite.js';
import { createApacheErrorOverrideOp } from './apache-error-override.js';
import { addedLine } from '../set-cookie.js';
import { semanticKey } from '../signature.js';

/** One `CO=` flag, as written. */
export interface RewriteCookie {
  readonly span: Span;
  /** The flag's value after `CO=`. */
  readonly spec: string;
}

export interface ApacheRewriteCookieOp extends CookieOp {
  readonly kind: 'apache-rewrite-cookie';
  readonly dialect: 'apache';
  readonly cookies: readonly RewriteCookie[];
  /** The rule ends the request with httpd's own page (`F`, `G`, `R`): what it answers, e.g. `403`. */
  readonly answers?: string;
}

interface Parsed {
  readonly name: string;
  readonly value: string;
  readonly domain: string;
  readonly expires?: string;
  readonly path?: string;
  readonly secure?: string;
  readonly httponly?: string;
  readonly samesite?: string;
}

/** `apr_strtok`: empty fields are skipped, not kept. */
function parseSpec(raw: string): Parsed | null {
  const sep = raw.startsWith(';') ? ';' : ':';
  const fields = (sep === ';' ? raw.slice(1) : raw).split(sep).filter((f) => f !== '');
  const [name, value, domain, expires, path, secure, httponly, samesite] = fields;
  if (name === undefined || value === undefined || domain === undefined) return null;
  return { name, value, domain, ...(expires !== undefined ? { expires } : {}), ...(path !== undefined ? { path } : {}), ...(secure !== undefined ? { secure } : {}), ...(httponly !== undefined ? { httponly } : {}), ...(samesite !== undefined ? { samesite } : {}) };
}

/** mod_rewrite's yes for `secure`/`httponly`: `true`, `1` or the word, any case (a longer value is none of them: not lower-cased). */
const truthy = (v: string | undefined, word: string) => v !== undefined && v.length <= Math.max(4, word.length) && (v.toLowerCase() === 'true' || v === '1' || v.toLowerCase() === word);

/** One process-wide moment: an `expires` the simulation writes is the same in every run of a lint. */
const NOW = Date.now();
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** `atol`: leading blanks, a sign, digits; anything else ends the number. */
function atol(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m ? Number.parseInt(m[1]!, 10) : 0;
}

/** `; expires=…; secure; HttpOnly`, up to the first attribute not written (see the file comment). */
function attributes(p: Parsed): string {
  if (p.expires === undefined) return '';
  let out = '';
  const minutes = atol(p.expires);
  if (minutes !== 0) {
    const t = new Date(NOW + minutes * 60_000);
    out += `; expires=${DAYS[t.getUTCDay()]}, ${two(t.getUTCDate())}-${MONTHS[t.getUTCMonth()]}-${String(t.getUTCFullYear()).padStart(4, '0')} ${two(t.getUTCHours())}:${two(t.getUTCMinutes())}:${two(t.getUTCSeconds())} GMT`;
  }
  if (!truthy(p.secure, 'secure')) return out;
  return `${out}; secure${truthy(p.httponly, 'httponly') ? '; HttpOnly' : ''}`;
}

/** The Set-Cookie value `add_cookie` writes, or null for none (no domain). */
export function rewriteCookieValue(spec: string): string | null {
  // The same spec gives the same value all through a lint (expires counts from NOW): each op
  // writes its cookie once per simulated response, for every sample and status.
  let value = written.get(spec);
  if (value === undefined) {
    if (written.size >= 4_096) written.clear();
    written.set(spec, (value = writeCookie(spec)));
  }
  return value;
}

const written = new Map<string, string | null>();

function writeCookie(spec: string): string | null {
  const p = parseSpec(spec);
  if (!p) return null;
  let out = `${p.name}=${p.value}; path=${p.path ?? '/'}; domain=${p.domain}${attributes(p)}`;
  if (p.samesite !== undefined && p.samesite !== '0' && p.samesite.toLowerCase() !== 'false') out += `; SameSite=${p.samesite}`;
  return out;
}

/** Lines a `CO` flag added: their names are not set again in the same request. */
function isRewriteCookieLine(line: SetCookieLine): boolean {
  return line.producer === 'proxy' && line.history[0]?.op.kind === 'apache-rewrite-cookie';
}

const REACHES: readonly BackendKind[] = [];

/** httpd replacing the response by its own page: the tables swapped as `ProxyErrorOverride` does it, whatever the status. */
const OWN_PAGE = createApacheErrorOverrideOp({ span: { file: '', start: 0, end: 0 }, label: "httpd's own page", condition: null, codes: [], kinds: ['module'], localDocuments: [], parts: [] });

/**
 * The `CO` flags of one `RewriteRule`, in the order written, under `condition` (the rule's
 * pattern and conditions on the scope's requests; null when it applies to all of them).
 */
export function createApacheRewriteCookieOp(span: Span, label: string, cookies: readonly RewriteCookie[], condition: Condition | null, answers?: string): ApacheRewriteCookieOp {
  const op: ApacheRewriteCookieOp = {
    kind: 'apache-rewrite-cookie',
    dialect: 'apache',
    span,
    label,
    focus: cookies[0]?.span ?? span,
    condition,
    reaches: REACHES,
    parts: [],
    cookies,
    ...(answers === undefined ? {} : { answers }),
    signature: semanticKey(['apache-rewrite-cookie', cookies.map((c) => c.spec), answers ?? null]),
    apply(lines: SetCookieLine[]): void {
      for (const c of cookies) {
        // Values mod_rewrite expands per request (`$1`, `%{HTTP_HOST}`) are not simulated.
        if (/[$%]/.test(c.spec)) throw new RegexBudgetError(c.spec, 'the cookie of this CO flag is filled in per request', { unsupported: true });
        const value = rewriteCookieValue(c.spec);
        if (value === null) continue;
        const name = value.slice(0, value.indexOf('='));
        if (lines.some((l) => isRewriteCookieLine(l) && l.value.startsWith(`${name}=`))) continue;
        // err_headers_out, after what early `Header` directives and earlier flags added, before any producer's line.
        let at = 0;
        for (let i = 0; i < lines.length; i++) if (lines[i]!.producer === 'proxy') at = i + 1;
        lines.splice(at, 0, addedLine(value, op, c.span, 'always'));
      }
      if (answers !== undefined) {
        // The handler never runs: no producer's line; then httpd's own page.
        for (let i = lines.length - 1; i >= 0; i--) if (lines[i]!.producer !== 'proxy') lines.splice(i, 1);
        OWN_PAGE.apply(lines, { backend: 'module', status: 500 });
      }
    },
  };
  return op;
}
