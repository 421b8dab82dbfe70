/**
 * Every cookie operation of the model as one discriminated union on `kind`, and the guard rules
 * use to pick the ops they judge: `opOfKind(op, 'nginx-proxy-cookie')` narrows `op` to
 * {@link NginxProxyCookieOp}, no cast, no class. Type imports only, so any op module can use the
 * guard without an import cycle at run time.
 */
import type { CookieOp, OpKind } from '../header-rewrite.js';
import type { ApacheCookieReverseOp } from './apache-cookie-reverse.js';
import type { ApacheErrorOverrideOp } from './apache-error-override.js';
import type { ApacheHeaderCheckOp } from './apache-header-check.js';
import type { ApacheHeaderOp } from './apache-header.js';
import type { ApacheRewriteCookieOp } from './apache-rewrite-cookie.js';
import type { CaddyAnswerOp } from './caddy-answer.js';
import type { CaddyHeadersOp } from './caddy-headers.js';
import type { HaproxyAllowOp, HaproxyFinalOp, HaproxyHttpResponseOp, HaproxyPersistenceCookieOp, HaproxyServerCookieOp } from './haproxy-http-response.js';
import type { HaproxySetVarOp } from './haproxy-set-var.js';
import type { IisOutboundRuleOp } from './iis-outbound-rule.js';
import type { NginxAddHeaderOp } from './nginx-add-header.js';
import type { NginxHideHeaderOp } from './nginx-hide-header.js';
import type { NginxMoreHeadersOp } from './nginx-more-headers.js';
import type { NginxProxyCookieOp } from './nginx-proxy-cookie.js';
import type { NginxSetCookieFlagOp } from './nginx-set-cookie-flag.js';
import type { RequestFactsOp } from './request-facts.js';

export type KnownOp =
  | ApacheHeaderOp
  | ApacheCookieReverseOp
  | ApacheErrorOverrideOp
  | ApacheHeaderCheckOp
  | ApacheRewriteCookieOp
  | NginxProxyCookieOp
  | NginxHideHeaderOp
  | NginxAddHeaderOp
  | NginxMoreHeadersOp
  | NginxSetCookieFlagOp
  | IisOutboundRuleOp
  | HaproxyHttpResponseOp
  | HaproxyAllowOp
  | HaproxyFinalOp
  | HaproxyPersistenceCookieOp
  | HaproxyServerCookieOp
  | HaproxySetVarOp
  | CaddyHeadersOp
  | CaddyAnswerOp
  | RequestFactsOp;

/** Does not compile while an {@link OpKind} has no op in {@link KnownOp}, or an op has a kind outside it. */
export type EveryOpKindKnown = Holds<[OpKind] extends [KnownOp['kind']] ? ([KnownOp['kind']] extends [OpKind] ? true : false) : false>;
type Holds<T extends true> = T;

/** Whether `op` is of kind `kind`, narrowing it to that op's interface. */
export function opOfKind<K extends OpKind>(op: CookieOp, kind: K): op is Extract<KnownOp, { kind: K }> {
  return op.kind === kind;
}
