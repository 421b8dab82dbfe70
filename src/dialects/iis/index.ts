/**
 * The IIS dialect: web.config and applicationHost.config, URL Rewrite outbound rules on
 * Set-Cookie, ASP.NET `<httpCookies>`. Loaded on demand by src/dialects/registry.ts.
 */
import { defineDialect, type DialectModule } from '../dialect.js';
import { excludeCookies } from './edits.js';
import { buildIisModel, IIS_BACKENDS } from './lower.js';

export const iisDialect: DialectModule = defineDialect({
  id: 'iis',
  defaultBackends: IIS_BACKENDS,
  lower: (rootPath, io, options) => ({ model: buildIisModel(rootPath, io, options), syntax: undefined }),
  fixers: { excludeCookies },
});
