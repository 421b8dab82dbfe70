/**
 * `set_cookie_flag <name|*> <flag>...` of nginx_cookie_flag_module (AirisX/nginx_cookie_flag_module,
 * `ngx_http_cookie_flag_filter_handler` and `_append`; packaged by GetPageSpeed, BunkerWeb's
 * default). The effective list of a location (its own directives, or, when it has none, its
 * parent's: the merge copies the pointer) is one op; its entries are its parts.
 *
 * For every Set-Cookie line, whoever produced it before this header filter runs, the entries are
 * tried in order with the `*` entry last: a named entry matches when `name=` occurs anywhere in
 * the line, case-insensitively (a substring test: `sid=` also matches `xsid=1` and `Path=/sid=`);
 * the first match appends its flags and stops; the `*` entry applies only when no named one
 * matched. A flag is appended as `; HttpOnly`, `; secure`, `; SameSite`, `; SameSite=Lax` or
 * `; SameSite=Strict` unless that exact text already occurs in the line, case-insensitively
 * (`;HttpOnly` without the space does not count: the flag is appended again).
 *
 * Which filter runs first: the module registers in postconfiguration like every third-party
 * filter, after the built-in headers filter, so it runs before `add_header` adds its lines (and
 * does not see them). proxy-semantics.md has no entry: no Debian package ships the module, so
 * these semantics are read from its source, not checked against a running server.
 */
import { asciiLower } from '../../ascii.js';
import type { Span } from '../../source.js';
import { BACKEND_LABELS, type BackendKind } from '../backends.js';
import type { CookieOp, SetCookieLine } from '../header-rewrite.js';
import { changeLine } from '../set-cookie.js';
import { semanticKey } from '../signature.js';

/** The flags as the module appends them, in the order it checks them. */
export const SET_COOKIE_FLAGS = ['HttpOnly', 'secure', 'SameSite', 'SameSite=Lax', 'SameSite=Strict'] as const;
export type SetCookieFlag = (typeof SET_COOKIE_FLAGS)[number];

export interface SetCookieFlagEntry {
  /** The cookie name as written, or a name starting with `*` (the default entry). */
  readonly name: string;
  readonly flags: ReadonlySet<SetCookieFlag>;
  readonly span: Span;
  readonly focus: Span;
  readonly label: string;
}

export interface NginxSetCookieFlagInit {
  /** In the order the filter tries them (the `*` entry last). */
  readonly entries: readonly SetCookieFlagEntry[];
}

export type NginxSetCookieFlagOp = CookieOp & NginxSetCookieFlagInit & { readonly kind: 'nginx-set-cookie-flag' };

/** A header filter: it sees every producer's lines. */
const ALL_KINDS = Object.keys(BACKEND_LABELS) as BackendKind[];

const isDefault = (e: SetCookieFlagEntry) => e.name.startsWith('*');

/** The entry the filter applies to a Set-Cookie value, if any. */
export function entryFor(entries: readonly SetCookieFlagEntry[], value: string): SetCookieFlagEntry | undefined {
  const lower = asciiLower(value);
  for (const e of entries) {
    if (isDefault(e)) return e;
    if (lower.includes(`${asciiLower(e.name)}=`)) return e;
  }
  return undefined;
}

/** `ngx_http_cookie_flag_filter_append`: each flag of the entry not already present as written. */
export function appendFlags(value: string, flags: ReadonlySet<SetCookieFlag>): string {
  let out = value;
  for (const flag of SET_COOKIE_FLAGS) {
    if (flags.has(flag) && !asciiLower(out).includes(`; ${asciiLower(flag)}`)) out += `; ${flag}`;
  }
  return out;
}

export function nginxSetCookieFlagOp(init: NginxSetCookieFlagInit, span: Span, label: string): NginxSetCookieFlagOp {
  const op: NginxSetCookieFlagOp = {
    kind: 'nginx-set-cookie-flag',
    dialect: 'nginx',
    span,
    label,
    focus: init.entries[0]?.focus ?? span,
    condition: null,
    reaches: ALL_KINDS,
    parts: init.entries.map((e) => ({ span: e.span, focus: e.focus, label: e.label })),
    ...init,
    signature: semanticKey(init.entries.map((e) => [e.name, SET_COOKIE_FLAGS.filter((f) => e.flags.has(f))])),
    apply(lines: SetCookieLine[]): void {
      for (const line of lines) {
        const entry = entryFor(init.entries, line.value);
        if (entry) changeLine(line, op, entry.span, appendFlags(line.value, entry.flags));
      }
    },
  };
  return op;
}
