/**
 * `proxy_hide_header Set-Cookie` (and `fastcgi_`, `uwsgi_`, `scgi_`, `grpc_hide_header`): the
 * upstream module skips hidden headers while copying the upstream response
 * (src/http/ngx_http_upstream.c `ngx_http_upstream_process_headers`, before any cookie rewrite),
 * so every Set-Cookie line of that upstream kind is dropped. proxy-semantics.md §2.4.
 */
import type { Span } from '../../source.js';
import type { BackendKind } from '../backends.js';
import type { CookieOp, SetCookieLine } from '../header-rewrite.js';

export interface NginxHideHeaderOp extends CookieOp {
  readonly kind: 'nginx-hide-header';
  readonly dialect: 'nginx';
  readonly focus: Span;
  readonly condition: null;
}

export function nginxHideHeaderOp(span: Span, label: string, focus: Span, kind: BackendKind): NginxHideHeaderOp {
  const reaches: readonly BackendKind[] = [kind];
  return {
    kind: 'nginx-hide-header',
    dialect: 'nginx',
    condition: null,
    parts: [],
    reaches,
    // Its whole behaviour is which producer's lines it drops (`reaches`, keyed by opSignature).
    signature: '',
    span,
    label,
    focus,
    apply(lines: SetCookieLine[]): void {
      for (let i = lines.length - 1; i >= 0; i--) {
        if (reaches.includes(lines[i]!.producer as BackendKind)) lines.splice(i, 1);
      }
    },
  };
}
