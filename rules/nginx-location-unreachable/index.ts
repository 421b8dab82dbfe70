/**
 * nginx-location-unreachable: a location nginx's search can never select, proven by the dialect
 * (src/dialects/nginx/reachability.ts) and handed over as a fact. Reported only where it matters
 * to this linter: the location sends requests to a backend or holds cookie directives.
 */
import { defineRule } from '../../src/engine/rule.js';

export default defineRule({
  meta: {
    id: 'nginx-location-unreachable',
    severity: 'warning',
    fixable: false,
    dialects: ['nginx'],
    description: 'A location that no request can select, so the proxy and cookie directives in it never run.',
  },
  check(ctx) {
    for (const fact of ctx.model.facts) {
      if (fact.kind !== 'nginx-unreachable-location') continue;
      ctx.report({
        span: fact.span,
        message: `${fact.label} is never selected: ${fact.reason}.`,
        data: { reason: fact.reason, holds: fact.holds },
      });
    }
  },
});
