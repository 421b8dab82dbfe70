/**
 * nginx-lua-cookie-httponly: a Lua header filter that appends HttpOnly to Set-Cookie values also
 * locks the CSRF cookies JavaScript must read, unless a test on the cookie name spares them. Lua
 * cannot be simulated; this is a heuristic over the code (src/dialects/nginx/lua.ts), hence a
 * warning. proxy-semantics.md §2.5.
 *
 * Like xsrf-cookie-httponly, the verdict is about the application behind the scope: a filter with
 * no name test breaks every CSRF cookie; one whose test names cookies (`^XSRF%-TOKEN=`) is an
 * exclusion, wrong only for the cookies of the products evident for the scope (or configured,
 * or all with `--all-products`) that it does not name.
 */
import { describeCookies } from '../../src/cookies/catalog.js';
import { mentionedCookies, scopeResolverFor } from '../../src/cookies/scope.js';
import { defineRule } from '../../src/engine/rule.js';
import type { Endpoint } from '../../src/model/header-rewrite.js';
import type { Span } from '../../src/source.js';

const within = (inner: Span, outer: Span) => inner.file === outer.file && outer.start <= inner.start && inner.end <= outer.end;

const SUGGESTION =
  'Skip those cookies, e.g. `if not v:find("^XSRF%-TOKEN=") then ... end` (Lua patterns: escape "-" and "." with "%"), or use proxy_cookie_flags with an exclusion.';

export default defineRule({
  meta: {
    id: 'nginx-lua-cookie-httponly',
    severity: 'warning',
    fixable: false,
    dialects: ['nginx'],
    description: 'A Lua header filter appends HttpOnly to Set-Cookie headers without sparing the CSRF cookies of the application behind it.',
  },
  check(ctx) {
    const catalogNames = ctx.catalog.xsrf.map((c) => c.name);
    const configured = ctx.catalog.xsrf.filter((c) => c.products[0] === 'configured').map((c) => c.name);
    const resolver = scopeResolverFor(ctx.model, ctx.catalog);
    for (const fact of ctx.model.facts) {
      if (fact.kind !== 'nginx-lua-header-filter') continue;
      const spared = new Set(mentionedCookies(fact.guardTexts.join('\n'), catalogNames));
      if (!fact.hasNameGuard && spared.size === 0) {
        const names = catalogNames.slice(0, 4);
        ctx.report({
          span: fact.appendSpan,
          message: `This Lua header filter appends HttpOnly to every Set-Cookie, the CSRF cookies too (${names.slice(0, 2).join(', ')}, …): scripts cannot read the token.`,
          data: { cookies: describeCookies(ctx.catalog, names), suggestion: SUGGESTION },
        });
        continue;
      }
      // A name test this linter cannot read (no catalog cookie in it): taken as a guard.
      if (spared.size === 0) continue;
      // The scopes the filter acts in: those whose blocks hold it (nested locations inherit it).
      const scopes: Endpoint[] = ctx.model.endpoints.filter((e) => e.blocks?.some((b) => within(fact.span, b)));
      const missed = new Set<string>();
      for (const endpoint of scopes) {
        const s = resolver.forEndpoint(endpoint);
        const relevant = s.mode === 'all' ? catalogNames : [...s.evident, ...configured];
        for (const name of relevant) if (!spared.has(name)) missed.add(name);
      }
      if (missed.size === 0) continue;
      const ordered = catalogNames.filter((n) => missed.has(n));
      const shown = describeCookies(ctx.catalog, ordered.slice(0, 2));
      const more = ordered.length > 2 ? ` and ${ordered.length - 2} other CSRF cookie${ordered.length === 3 ? '' : 's'}` : '';
      ctx.report({
        span: fact.appendSpan,
        message: `This Lua header filter spares ${[...spared].join(', ')} but appends HttpOnly to ${shown}${more}: scripts cannot read the token.`,
        data: { cookies: describeCookies(ctx.catalog, ordered), spared: [...spared], suggestion: SUGGESTION },
      });
    }
  },
});
