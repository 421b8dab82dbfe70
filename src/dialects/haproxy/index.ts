/**
 * The HAProxy dialect: `parse_line()`'s tokenizer (lexer.ts), sections and `.if` blocks
 * (parser.ts), lowering of `http-response` header rules, ACL conditions, routing and the
 * persistence cookie to per-frontend/backend pipelines (lower.ts), and the fix builder (edits.ts).
 * Backends are HTTP servers unless a backend uses a FastCGI application (`use-fcgi-app`).
 */
import { defineDialect, type DialectModule } from '../dialect.js';
import { excludeCookies } from './edits.js';
import { lowerHaproxy } from './lower.js';

export const haproxyDialect: DialectModule = defineDialect({
  id: 'haproxy',
  defaultBackends: ['http'],
  lower: lowerHaproxy,
  fixers: { excludeCookies },
});

export { buildHaproxyModel } from './lower.js';
