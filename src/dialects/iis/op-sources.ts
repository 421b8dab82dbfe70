/**
 * Which `<rule>` definition each outbound-rule operation was lowered from, so the fixers can
 * edit the XML the operation came from without parsing the file again.
 */
import type { CookieOp } from '../../model/header-rewrite.js';
import type { OutboundRuleDef } from './outbound.js';

const sources = new WeakMap<CookieOp, OutboundRuleDef>();

export function recordSource(op: CookieOp, def: OutboundRuleDef): void {
  sources.set(op, def);
}

export function sourceOf(op: CookieOp): OutboundRuleDef | undefined {
  return sources.get(op);
}
