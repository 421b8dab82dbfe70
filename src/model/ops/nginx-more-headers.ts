/**
 * headers-more's `more_set_headers` / `more_clear_headers` on Set-Cookie
 * (openresty/headers-more-nginx-module src/ngx_http_headers_more_headers_out.c
 * `ngx_http_headers_more_exec_cmd`, `ngx_http_set_header_helper`; proxy-semantics.md §2.5):
 * header names match case-insensitively (`Set-*` as a prefix wildcard); setting a value gives it
 * to the FIRST Set-Cookie line and clears every further one, whoever produced them; with no
 * line yet, one is added; an empty value or `more_clear_headers` clears them all. `-s` limits
 * the command to some statuses, `-t` to some content types (unknown to the linter).
 *
 * The line that receives the new value is modelled as a new line in the same place: the
 * cookie it held is gone.
 */
import type { Span } from '../../source.js';
import { BACKEND_LABELS, type BackendKind } from '../backends.js';
import type { Condition, CookieOp, SetCookieLine, SimEnv } from '../header-rewrite.js';
import { addedLine, changeLine } from '../set-cookie.js';
import { runScript, scriptKey, type Script } from './nginx-script.js';
import { readsResponseCookies, responseVariables, type SentHeaders } from './nginx-response-vars.js';
import { freeVariables, requestKey, withRequest, type RequestVariables } from './nginx-request-vars.js';
import { semanticKey } from '../signature.js';

export interface MoreHeaderSpec {
  /** Header name as written (`Set-Cookie`, `Set-*`). */
  readonly key: string;
  readonly wildcard: boolean;
  /** Empty for `more_clear_headers` and for `'Set-Cookie:'` without a value. */
  readonly value: Script | null;
  readonly span: Span;
}

export interface NginxMoreHeadersInit {
  readonly directive: 'more_set_headers' | 'more_clear_headers';
  readonly span: Span;
  readonly label: string;
  readonly focus: Span;
  /** Only the header arguments that reach Set-Cookie. */
  readonly headers: readonly MoreHeaderSpec[];
  /** `-s` statuses; empty = every status. */
  readonly statuses: readonly number[];
  readonly condition: Condition | null;
  /** `-a` (headers-more ≥ 0.35): append instead of replacing. */
  readonly append: boolean;
  /** How `$sent_http_set_cookie` and `$upstream_http_set_cookie` read several lines (nginx-response-vars.ts). */
  readonly sentHeaders: SentHeaders;
  /** Values of `map` and `set` variables the values read, for the requests the condition selects (lower-cased names). */
  readonly bindings?: ReadonlyMap<string, string>;
  /** The request the values' request variables read (nginx-request-vars.ts). */
  readonly request?: RequestVariables;
}

/** Whether a header argument names Set-Cookie (`ngx_http_set_header_helper` comparisons). */
export function reachesSetCookie(key: string, wildcard: boolean): boolean {
  const target = 'set-cookie';
  if (!wildcard) return key.toLowerCase() === target;
  const prefix = key.slice(0, -1).toLowerCase();
  return target.startsWith(prefix);
}

export type NginxMoreHeadersOp = CookieOp & NginxMoreHeadersInit & { readonly kind: 'nginx-more-headers' };

const SENT_SET_COOKIE = 'sent_http_set_cookie';

/** Output header filters see every line, whoever produced it. */
const ALL_KINDS = Object.keys(BACKEND_LABELS) as BackendKind[];

/** Whether a header's value reads `$sent_http_set_cookie`. */
function copiesSent(h: { readonly value?: Script | null }): boolean {
  return h.value?.parts.some((p) => p.kind === 'variable' && p.name.toLowerCase() === SENT_SET_COOKIE) ?? false;
}

export function nginxMoreHeadersOp(init: NginxMoreHeadersInit): NginxMoreHeadersOp {
  const bindings = init.bindings ?? new Map<string, string>();
  const free = freeVariables(init.headers.flatMap((h) => (h.value ? [h.value] : [])), bindings);
  const op: NginxMoreHeadersOp = {
    kind: 'nginx-more-headers',
    dialect: 'nginx',
    parts: [],
    reaches: ALL_KINDS,
    ...init,
    signature: semanticKey([
      init.directive,
      init.headers.map((h) => [h.key.toLowerCase(), h.wildcard, h.value ? scriptKey(h.value) : null]),
      [...init.statuses],
      init.append,
      init.headers.some((h) => h.value !== null && readsResponseCookies(h.value)) ? init.sentHeaders : null,
      [...bindings].sort(([a], [b]) => (a < b ? -1 : 1)),
      requestKey(init.request, free),
    ]),
    apply(lines: SetCookieLine[], env: SimEnv): void {
      if (init.statuses.length > 0 && !init.statuses.includes(env.status)) return;
      withRequest(init.request, free, lines, env, init.headers.map((h) => h.value?.source ?? '').join(' '), (lines, request) => {
        for (const h of init.headers) {
          // `$sent_http_set_cookie` reads the lines as they are when this command runs (nginx-response-vars.ts).
          const response = responseVariables(lines, env, init.sentHeaders);
          const value = h.value ? runScript(h.value, '', [], (name) => bindings.get(name) ?? response(name) ?? request(name)) : '';
          if (init.append && !h.wildcard) {
            if (value !== '') lines.push(addedLine(value, op, h.span));
          } else if (lines.length > 0 && value !== '' && copiesSent(h)) {
            // `ngx_http_set_header_helper`: the first match takes the value, every later one is
            // cleared. A value built from `$sent_http_set_cookie` carries the first cookie on: the
            // same line, changed (an HttpOnly it already had is not this command's doing).
            changeLine(lines[0]!, op, h.span, value);
            lines.splice(1, lines.length - 1);
          } else if (lines.length > 0) {
            // `ngx_http_set_header_helper`: the first match takes the value, every later one is cleared.
            lines.splice(0, lines.length, ...(value === '' ? [] : [addedLine(value, op, h.span)]));
          } else if (value !== '' && !h.wildcard) {
            lines.push(addedLine(value, op, h.span));
          }
        }
      });
    },
  };
  return op;
}
