/**
 * The Caddy dialect: the Caddyfile (lexer.ts, parser.ts with snippets and imports, caddyfile.ts)
 * and Caddy's JSON config (json.ts), routed as Caddy routes requests (order.ts, routes.ts), and
 * the fix builder (edits.ts). A site whose answer the linter cannot see (a fragment) is assumed
 * to proxy over HTTP.
 */
import { defineDialect, type DialectModule } from '../dialect.js';
import { excludeCookies } from './edits.js';
import { lowerCaddy } from './lower.js';

export const caddyDialect: DialectModule = defineDialect({
  id: 'caddy',
  defaultBackends: ['http'],
  lower: lowerCaddy,
  fixers: { excludeCookies },
});

export { buildCaddyModel, lowerCaddy, type CaddySyntax } from './lower.js';
