/**
 * The IIS dialect: web.config and applicationHost.config, URL Rewrite outbound rules on
 * Set-Cookie, ASP.NET `<httpCookies>`. Loaded on demand by src/dialects/registry.ts.
 */
import { defineDialect, type DialectModule } from '../dialect.js';
import { excludeCookies } from './edits.js';
import { IIS_BACKENDS, lowerIis } from './lower.js';

export const iisDialect: DialectModule = defineDialect({
  id: 'iis',
  defaultBackends: IIS_BACKENDS,
  lower: lowerIis,
  fixers: { excludeCookies },
});
