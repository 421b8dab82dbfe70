/**
 * unused-disable-directive: an inline `lint-proxy-config-disable…` comment that suppresses
 * nothing — the problem it silenced is gone, it names an unknown rule, or it lacks the required
 * reason. Reported by the engine while applying directives (src/engine/directives.ts).
 */
import { UNUSED_DIRECTIVE_RULE } from '../../src/engine/directives.js';
import { defineRule } from '../../src/engine/rule.js';

export default defineRule({
  meta: {
    id: UNUSED_DIRECTIVE_RULE,
    severity: 'warning',
    fixable: false,
    dialects: ['apache', 'nginx', 'iis', 'haproxy', 'caddy'],
    description: 'An inline disable comment that suppresses nothing (no problem there, unknown rule, or no reason given).',
    engine: true,
  },
});
