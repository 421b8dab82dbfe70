/**
 * nginx-lua-cookie-httponly: a Lua header filter that appends HttpOnly to Set-Cookie values with no
 * visible test on the cookie name also locks the CSRF cookies JavaScript must read. Lua cannot be
 * simulated; this is a heuristic over the code (src/dialects/nginx/lua.ts), hence a warning.
 * proxy-semantics.md §2.5.
 */
import { describeCookies } from '../../src/cookies/catalog.js';
import { defineRule } from '../../src/engine/rule.js';

export default defineRule({
  meta: {
    id: 'nginx-lua-cookie-httponly',
    severity: 'warning',
    fixable: false,
    dialects: ['nginx'],
    description: 'A Lua header filter appends HttpOnly to every Set-Cookie header without sparing the CSRF cookies.',
  },
  check(ctx) {
    const names = ctx.catalog.xsrf.slice(0, 4).map((c) => c.name);
    for (const fact of ctx.model.facts) {
      if (fact.kind !== 'nginx-lua-header-filter' || fact.hasNameGuard) continue;
      ctx.report({
        span: fact.appendSpan,
        message: `This Lua header filter appends HttpOnly to every Set-Cookie, the CSRF cookies too (${names.slice(0, 2).join(', ')}, …): scripts cannot read the token.`,
        data: {
          cookies: describeCookies(ctx.catalog, names),
          suggestion:
            'Skip those cookies, e.g. `if not v:find("^XSRF%-TOKEN=") then ... end` (Lua patterns: escape "-" and "." with "%"), or use proxy_cookie_flags with an exclusion.',
        },
      });
    }
  },
});
