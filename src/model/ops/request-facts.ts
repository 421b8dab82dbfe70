/**
 * What every request of a scope has in common, stated before its first operation: in Apache's
 * `<Location /app/>`, `<If "%{REQUEST_URI} =~ m#^/app/#">` holds for every request and its
 * `<Else>` never runs. The simulator takes these tests as decided (no branch, no "for requests
 * where ..." in a message) instead of exploring outcomes no request of the scope can have. It
 * changes no line. Dialects build it from what selects the scope (src/model/requests.ts
 * `literalUnderPrefix`).
 */
import type { Span } from '../../source.js';
import type { ConditionLiteral, CookieOp, Dialect, SetCookieLine } from '../header-rewrite.js';
import { semanticKey } from '../signature.js';

export interface RequestFact {
  /** A test as the ops of the pipeline read it. */
  readonly literal: ConditionLiteral;
  /** Whether it comes out as the literal says, for every request of the scope. */
  readonly holds: boolean;
}

export interface RequestFactsOp extends CookieOp {
  readonly kind: 'request-facts';
  readonly condition: null;
  readonly facts: readonly RequestFact[];
  readonly linewise: true;
}

/** The facts, stated at `span` (the section that selects the scope). */
export function requestFactsOp(dialect: Dialect, span: Span, label: string, facts: readonly RequestFact[]): RequestFactsOp {
  return {
    kind: 'request-facts',
    dialect,
    condition: null,
    parts: [],
    reaches: [],
    linewise: true,
    facts,
    signature: semanticKey(facts.map((f) => [f.literal.key, f.literal.holds, f.literal.branch?.index ?? null, f.holds])),
    span,
    label,
    apply(_lines: SetCookieLine[]): void {},
  };
}
