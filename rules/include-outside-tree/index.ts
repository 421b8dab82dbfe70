/**
 * include-outside-tree: an absolute include in a repository copy of a server tree that points
 * out of the linted tree — at this machine's live /etc/nginx rather than the copy. The dialect
 * places the path (src/dialects/path-map.ts) and says where it read it from.
 */
import { defineRule } from '../../src/engine/rule.js';

export default defineRule({
  meta: {
    id: 'include-outside-tree',
    severity: 'error',
    fixable: false,
    dialects: ['apache', 'nginx'],
    description: "An absolute include that leaves the linted tree: it reads this machine's files, or a same-layout copy the linter guessed.",
    claims: ['include-outside-tree'],
  },
});
