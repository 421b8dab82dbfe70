/**
 * include-unresolved: an Include/include that names a missing or unreadable file, a wildcard
 * that Apache's `Include` requires to match, or a cycle. The server refuses to start; the linter
 * cannot see the directives that file would have contributed.
 */
import { defineRule } from '../../src/engine/rule.js';

export default defineRule({
  meta: {
    id: 'include-unresolved',
    severity: 'error',
    fixable: false,
    dialects: ['apache', 'nginx', 'iis', 'caddy'],
    description: 'An include that cannot be followed (missing file, unreadable file, include cycle).',
    claims: ['include-unresolved'],
  },
});
