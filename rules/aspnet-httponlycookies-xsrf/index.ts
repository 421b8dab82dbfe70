/**
 * aspnet-httponlycookies-xsrf: `<system.web><httpCookies httpOnlyCookies="true">` makes every
 * cookie an ASP.NET (System.Web) application creates HttpOnly by default — including an Angular
 * `XSRF-TOKEN` cookie, unless the code sets `HttpOnly = false`. It never touches cookies of
 * backends proxied through ARR. Source: microsoft/referencesource System.Web/HttpCookie.cs
 * (`SetDefaultsFromConfig` copies `HttpOnlyCookies` into every new cookie; the property can be
 * set afterwards); proxy-semantics.md §3.2. A warning: the linter cannot see the application code.
 */
import { defineRule } from '../../src/engine/rule.js';

export default defineRule({
  meta: {
    id: 'aspnet-httponlycookies-xsrf',
    severity: 'warning',
    fixable: false,
    dialects: ['iis'],
    description: 'ASP.NET httpOnlyCookies="true" also makes an XSRF-TOKEN cookie created by the application HttpOnly, unless its code opts out.',
  },
  check(ctx) {
    const names = ctx.catalog.xsrf.map((c) => c.name).filter((n) => n === 'XSRF-TOKEN' || n === 'csrftoken');
    const example = names[0] ?? ctx.catalog.xsrf[0]?.name ?? 'XSRF-TOKEN';
    for (const fact of ctx.model.facts) {
      if (fact.kind !== 'aspnet-httpcookies' || !fact.httpOnlyCookies) continue;
      const proxied = fact.proxies
        ? ' Cookies from backends this configuration proxies through ARR are not affected; the application\'s own are.'
        : ' It never affects cookies from backends proxied through ARR.';
      ctx.report({
        span: fact.attributeSpan,
        message: `httpOnlyCookies="true" makes ASP.NET add HttpOnly to the application's own cookies${fact.proxies ? ' (not ARR-proxied ones)' : ''}, an Angular ${example} too unless its code opts out: requests fail the XSRF check.`,
        data: {
          detail:
            `<httpCookies httpOnlyCookies="true"> makes ASP.NET add HttpOnly to every cookie the application creates with System.Web.HttpCookie, ` +
            `including an Angular ${example} cookie unless the code sets HttpOnly = false: JavaScript can then no longer read the CSRF token ` +
            `and requests fail the XSRF check.${proxied}`,
          suggestion:
            'Set HttpOnly = false on the CSRF cookie in code, or leave httpOnlyCookies at its default (false) (ASP.NET_SessionId and forms authentication cookies stay HttpOnly either way).',
        },
      });
    }
  },
});
