/**
 * `proxy_hide_header Set-Cookie` (and `fastcgi_`, `uwsgi_`, `scgi_`, `grpc_hide_header`): the
 * upstream module skips hidden headers while copying the upstream response
 * (src/http/ngx_http_upstream.c `ngx_http_upstream_process_headers`, before any cookie rewrite),
 * so every Set-Cookie line of that upstream kind is dropped. proxy-semantics.md §2.4.
 */
import type { Span } from '../../source.js';
import type { BackendKind } from '../backends.js';
import type { CookieOp, SetCookieLine } from '../header-rewrite.js';

export class NginxHideHeaderOp implements CookieOp {
  readonly kind = 'nginx-hide-header';
  readonly dialect = 'nginx' as const;
  readonly condition = null;
  readonly parts = [] as const;
  readonly reaches: readonly BackendKind[];
  readonly signature: string;

  constructor(
    readonly span: Span,
    readonly label: string,
    readonly focus: Span,
    kind: BackendKind,
  ) {
    this.reaches = [kind];
    // Its whole behaviour is which producer's lines it drops (`reaches`, keyed by opSignature).
    this.signature = '';
  }

  apply(lines: SetCookieLine[]): void {
    for (let i = lines.length - 1; i >= 0; i--) {
      if (this.reaches.includes(lines[i]!.producer as BackendKind)) lines.splice(i, 1);
    }
  }
}
