/**
 * `add_header Set-Cookie value [always]` (src/http/modules/ngx_http_headers_filter_module.c):
 * appends one more Set-Cookie line to the response; it never sees or edits the upstream's
 * cookies. Without `always` it runs only for 200, 201, 204, 206, 301, 302, 303, 304, 307, 308;
 * an empty value adds nothing (`ngx_http_add_header`). The value may read the response's cookies
 * (nginx-response-vars.ts). proxy-semantics.md §2.4.
 */
import type { Span } from '../../source.js';
import type { CookieOp, SetCookieLine, SimEnv } from '../header-rewrite.js';
import { addedLine } from '../set-cookie.js';
import { runScript, scriptKey, type Script } from './nginx-script.js';
import { readsResponseCookies, responseVariables, type SentHeaders } from './nginx-response-vars.js';
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
}

export type NginxAddHeaderOp = CookieOp & NginxAddHeaderInit & { readonly kind: 'nginx-add-header' };

export function nginxAddHeaderOp(init: NginxAddHeaderInit): NginxAddHeaderOp {
  const op: NginxAddHeaderOp = {
    kind: 'nginx-add-header',
    dialect: 'nginx',
    condition: null,
    // It adds a line; it cannot see or change any producer's cookies.
    reaches: [],
    parts: [],
    ...init,
    signature: semanticKey([scriptKey(init.value), init.always, readsResponseCookies(init.value) ? init.sentHeaders : null]),
    apply(lines: SetCookieLine[], env: SimEnv): void {
      if (!init.always && !SAFE_STATUS.has(env.status)) return;
      const value = runScript(init.value, '', [], responseVariables(lines, env, init.sentHeaders));
      if (value !== '') lines.push(addedLine(value, op, init.span));
    },
  };
  return op;
}
