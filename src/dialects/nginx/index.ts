/**
 * The nginx dialect: nginx's own tokenizer and include rules (lexer.ts, parser.ts, includes.ts),
 * lowering to per-location pipelines with nginx's inheritance (walk.ts, effective.ts, lower.ts)
 * and fix builders (edits.ts). Unknown backends default to `proxy_pass` (HTTP): the
 * `proxy_cookie_*` directives only ever act on proxied responses.
 */
import { defineDialect, type DialectModule, type Lowering } from '../dialect.js';
import type { Span } from '../../source.js';
import { excludeCookies } from './edits.js';
import { detachLevels, lowerNginx, type NginxSyntax } from './lower.js';

/** Closed `server` blocks written in the root file: one server's directives never reach another's. */
function serverUnits({ model, syntax }: Lowering<NginxSyntax>): Span[] {
  return syntax.levels.flatMap((l) => {
    const d = l.directive;
    return l.kind === 'server' && d?.block?.close && d.span.file === model.root ? [d.span] : [];
  });
}

export const nginxDialect: DialectModule = defineDialect({
  id: 'nginx',
  defaultBackends: ['http'],
  lower: lowerNginx,
  fixers: { excludeCookies },
  units: serverUnits,
  release: ({ syntax }) => detachLevels(syntax),
});

export { buildNginxModel, lowerNginx, type NginxEndpoint, type NginxSyntax } from './lower.js';
