/**
 * The nginx dialect: nginx's own tokenizer and include rules (lexer.ts, parser.ts, includes.ts),
 * lowering to per-location pipelines with nginx's inheritance (walk.ts, effective.ts, lower.ts)
 * and fix builders (edits.ts). Unknown backends default to `proxy_pass` (HTTP): the
 * `proxy_cookie_*` directives only ever act on proxied responses.
 */
import { defineDialect, type DialectModule } from '../dialect.js';
import { excludeCookies } from './edits.js';
import { lowerNginx } from './lower.js';

export const nginxDialect: DialectModule = defineDialect({
  id: 'nginx',
  defaultBackends: ['http'],
  lower: lowerNginx,
  fixers: { excludeCookies },
});

export { buildNginxModel, lowerNginx, type NginxEndpoint, type NginxSyntax } from './lower.js';
