/**
 * nginx variables that read a response's Set-Cookie lines, for the directives nginx evaluates
 * while it sends the response headers (`add_header`, `more_set_headers`):
 *
 * - `$sent_http_set_cookie`: the lines the response holds at that moment
 *   (src/http/ngx_http_variables.c `ngx_http_variable_unknown_header` over `r->headers_out`);
 * - `$upstream_http_set_cookie`: the lines the upstream sent, before `*_hide_header` and
 *   `proxy_cookie_*` (src/http/ngx_http_upstream.c `ngx_http_upstream_header_variable`, over
 *   `u->headers_in`) [LAB 1.22.1: `proxy_hide_header Set-Cookie;` then
 *   `add_header Set-Cookie "$upstream_http_set_cookie; HttpOnly";` sends the first upstream
 *   cookie again, with HttpOnly];
 * - `$upstream_cookie_NAME`: the value of the first upstream line that starts with NAME
 *   (caselessly), optional spaces and `=`; it runs to the first `;`
 *   (`ngx_http_upstream_cookie_variable` → `ngx_http_parse_set_cookie_lines`).
 *
 * Several lines read as the first before nginx 1.23.0, joined with ", " since (changes.xml 1.23.0).
 */
import { asciiCaseEqual } from '../../ascii.js';
import type { SetCookieLine, SimEnv } from '../header-rewrite.js';
import type { Script, VariableLookup } from './nginx-script.js';

export type SentHeaders = 'first' | 'joined';

const SENT = 'sent_http_set_cookie';
const UPSTREAM = 'upstream_http_set_cookie';
const UPSTREAM_COOKIE = 'upstream_cookie_';

/** Whether a variable (lower-cased name) reads the response's cookies. */
export function readsCookies(name: string): boolean {
  return name === SENT || name === UPSTREAM || name.startsWith(UPSTREAM_COOKIE);
}

/** Whether a script reads the response's cookies (its value then depends on {@link SentHeaders}). */
export function readsResponseCookies(script: Script): boolean {
  return script.parts.some((p) => p.kind === 'variable' && readsCookies(p.name.toLowerCase()));
}

/** `ngx_http_parse_set_cookie_lines`: the value of cookie `name` in the first line that sets it. */
function upstreamCookie(values: readonly string[], name: string): string {
  for (const v of values) {
    if (name.length >= v.length || !asciiCaseEqual(v.slice(0, name.length), name)) continue;
    const m = /^ *= *([^;]*)/.exec(v.slice(name.length));
    if (m) return m[1]!;
  }
  return '';
}

/** The values of these variables for a response now holding `lines` (the others: undefined, kept as written). */
export function responseVariables(lines: readonly SetCookieLine[], env: SimEnv, sentHeaders: SentHeaders): VariableLookup {
  const read = (values: readonly string[]) => (sentHeaders === 'first' ? (values[0] ?? '') : values.join(', '));
  return (name) => {
    if (name === SENT) return read(lines.map((l) => l.value));
    if (name === UPSTREAM) return read(env.upstream ?? []);
    if (name.startsWith(UPSTREAM_COOKIE)) return upstreamCookie(env.upstream ?? [], name.slice(UPSTREAM_COOKIE.length));
    return undefined;
  };
}
