/**
 * A Caddy handler that answers the request itself (`respond`, `redir`, `file_server`, `error`
 * without `handle_errors`): no backend is asked, so no backend line reaches the response; the
 * lines the `header` handlers on the way add are the response's [LAB 2.6.2: `header +Set-Cookie`
 * before `respond` and `redir` is sent with their answer]. Simulated as the `module` producer
 * ("the server itself") whose lines this first step of the pipeline drops.
 */
import type { Span } from '../../source.js';
import type { BackendKind } from '../backends.js';
import type { CookieOp, SetCookieLine } from '../header-rewrite.js';

export interface CaddyAnswerOp extends CookieOp {
  readonly kind: 'caddy-answer';
  readonly dialect: 'caddy';
  readonly condition: null;
}

const REACHES: readonly BackendKind[] = ['module'];

/** The first step of the pipeline of a response Caddy makes itself (`span`, `label`: the handler that answers). */
export function caddyAnswerOp(span: Span, label: string): CaddyAnswerOp {
  return {
    kind: 'caddy-answer',
    dialect: 'caddy',
    condition: null,
    parts: [],
    reaches: REACHES,
    // Its whole behaviour: it drops the lines of the `module` producer.
    signature: '',
    span,
    label,
    apply(lines: SetCookieLine[]): void {
      for (let i = lines.length - 1; i >= 0; i--) if (lines[i]!.producer === 'module') lines.splice(i, 1);
    },
  };
}
