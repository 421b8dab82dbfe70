/**
 * `add_header Set-Cookie value [always]` (src/http/modules/ngx_http_headers_filter_module.c):
 * appends one more Set-Cookie line to the response; it never sees or edits the upstream's
 * cookies. Without `always` it runs only for 200, 201, 204, 206, 301, 302, 303, 304, 307, 308;
 * an empty value adds nothing (`ngx_http_add_header`). The value may read the response's cookies
 * (nginx-response-vars.ts) and variables the configuration sets (`map`, `set`): an op carries
 * their values for the requests its {@link NginxAddHeaderInit.condition} selects. proxy-semantics.md §2.4.
 */
import type { Span } from '../../source.js';
import type { Condition, CookieOp, SetCookieLine, SimEnv } from '../header-rewrite.js';
import { addedLine } from '../set-cookie.js';
import { runScript, scriptKey, type Script } from './nginx-script.js';
import { readsResponseCookies, responseVariables, type SentHeaders } from './nginx-response-vars.js';
import { freeVariables, requestKey, withRequest, type RequestVariables } from './nginx-request-vars.js';
import { semanticKey } from '../signature.js';

const SAFE_STATUS = new Set([200, 201, 204, 206, 301, 302, 303, 304, 307, 308]);

export interface NginxAddHeaderInit {
  readonly span: Span;
  readonly label: string;
  readonly focus: Span;
  readonly value: Script;
  readonly always: boolean;
  /** How variables read several Set-Cookie lines (nginx-response-vars.ts). */
  readonly sentHeaders: SentHeaders;
  /** Values of variables the value reads, for the requests this op stands for (lower-cased names). */
  readonly bindings?: ReadonlyMap<string, string>;
  /** The requests this op stands for (variables having the values in {@link bindings}); null: every request. */
  readonly condition?: Condition | null;
  /** The request the value's request variables read (nginx-request-vars.ts). */
  readonly request?: RequestVariables;
}

export type NginxAddHeaderOp = CookieOp & NginxAddHeaderInit & { readonly kind: 'nginx-add-header' };

export function nginxAddHeaderOp(init: NginxAddHeaderInit): NginxAddHeaderOp {
  const bindings = init.bindings ?? new Map<string, string>();
  const free = freeVariables([init.value], bindings);
  const op: NginxAddHeaderOp = {
    kind: 'nginx-add-header',
    dialect: 'nginx',
    // It adds a line; it cannot see or change any producer's cookies.
    reaches: [],
    parts: [],
    ...init,
    condition: init.condition ?? null,
    signature: semanticKey([scriptKey(init.value), init.always, readsResponseCookies(init.value) ? init.sentHeaders : null, [...bindings].sort(([a], [b]) => (a < b ? -1 : 1)), requestKey(init.request, free)]),
    apply(lines: SetCookieLine[], env: SimEnv): void {
      if (!init.always && !SAFE_STATUS.has(env.status)) return;
      withRequest(init.request, free, lines, env, init.value.source, (lines, request) => {
        const response = responseVariables(lines, env, init.sentHeaders);
        const value = runScript(init.value, '', [], (name) => bindings.get(name) ?? response(name) ?? request(name));
        if (value !== '') lines.push(addedLine(value, op, init.span));
      });
    },
  };
  return op;
}
