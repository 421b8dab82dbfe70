/**
 * directive-invalid: a cookie or header directive the server itself refuses at startup (a regex
 * that does not compile, a wrong number of arguments, an unknown action or flag syntax). The
 * dialects detect these while lowering, with the server's own wording.
 */
import { defineRule } from '../../src/engine/rule.js';

export default defineRule({
  meta: {
    id: 'directive-invalid',
    severity: 'error',
    fixable: false,
    dialects: ['apache', 'nginx', 'iis', 'haproxy', 'caddy'],
    description: 'A directive the server refuses at startup (invalid regex, wrong arguments).',
    claims: ['refused'],
  },
});
