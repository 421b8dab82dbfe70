/**
 * nginx-cookie-path-flag-injection: `proxy_cookie_path / "/; HTTPOnly; Secure"` (and the same
 * trick with proxy_cookie_domain) adds flags by smuggling them into the attribute value. nginx
 * replaces only the matched prefix of the path, so `Path=/app` becomes
 * `Path=/; HTTPOnly; Secureapp`: the cookie moves to `/`, carries a junk attribute, flags the
 * backend already set are sent twice, and cookies without a Path get nothing — even when no XSRF
 * cookie is involved. Found by simulation: a path/domain rewrite that adds attributes.
 * The fix moves the flags to proxy_cookie_flags (nginx ≥ 1.19.3), sparing the XSRF cookies.
 * proxy-semantics.md §2.3 [LAB /pathhack/].
 */
import { PATH_SHAPES } from '../../src/cookies/samples.js';
import { fixExemption, scopeResolverFor } from '../../src/cookies/scope.js';
import { defineRule, type RuleContext } from '../../src/engine/rule.js';
import { opOfKind } from '../../src/model/ops/index.js';
import { entryAt, entryProbes, type NginxCookieEntry, type NginxProxyCookieOp } from '../../src/model/ops/nginx-proxy-cookie.js';
import { parseSetCookie } from '../../src/model/set-cookie.js';
import { injectsAttributes } from './injection.js';

/** Attribute names browsers know (RFC 6265bis); anything else is debris of a prefix replacement. */
const KNOWN = new Set(['path', 'domain', 'expires', 'max-age', 'secure', 'httponly', 'samesite', 'partitioned', 'priority']);

function hasJunkAttribute(value: string): boolean {
  return parseSetCookie(value).attributes.some((a) => {
    const name = a.name.toLowerCase();
    return !KNOWN.has(name) || (name === 'samesite' && !/^(?:strict|lax|none)$/i.test(a.value ?? ''));
  });
}

interface Finding {
  readonly op: NginxProxyCookieOp;
  readonly entry: NginxCookieEntry;
  /** The most telling before → after example. */
  example?: { readonly before: string; readonly after: string; readonly corrupts: boolean };
}

function collect(ctx: RuleContext): Map<NginxCookieEntry, Finding> {
  const found = new Map<NginxCookieEntry, Finding>();
  for (const group of ctx.sim.groups(ctx.model.endpoints)) {
    const own = group.pipeline.flatMap((op) => (opOfKind(op, 'nginx-proxy-cookie') ? op.entries.flatMap(entryProbes) : []));
    for (const kind of group.backends) {
      for (const probe of [...PATH_SHAPES, ...own]) {
        const result = ctx.sim.run(group.pipeline, kind, [probe]);
        if (!result.lines.some((line) => line.history.some(injectsAttributes))) continue;
        // Blame the entry of every pipeline that behaves like the representative.
        for (const pipeline of group.pipelines) {
          for (const line of ctx.sim.run(pipeline, kind, [probe]).lines) {
            for (const change of line.history) {
              if (!injectsAttributes(change) || !opOfKind(change.op, 'nginx-proxy-cookie')) continue;
              const op = change.op;
              const entry = entryAt(op, change.cause)!;
              let f = found.get(entry);
              if (!f) found.set(entry, (f = { op, entry }));
              const corrupts = hasJunkAttribute(line.value);
              if (!f.example || (corrupts && !f.example.corrupts)) f.example = { before: probe, after: line.value, corrupts };
            }
          }
        }
      }
    }
  }
  return found;
}

/**
 * The CSRF cookies the replacement keeps readable: those of the products behind the scopes the
 * directive acts in (src/cookies/scope.ts), not every catalog cookie — an exemption for Sentry's
 * sc in front of Jira would strip an HttpOnly the application set on a cookie named sc.
 */
function exemptNames(ctx: RuleContext, op: Finding['op']): string[] {
  const resolver = scopeResolverFor(ctx.model, ctx.catalog);
  const all = ctx.catalog.xsrf.map((c) => c.name);
  const names = new Set<string>();
  for (const e of resolver.endpointsOf(op)) {
    for (const n of fixExemption(resolver.forEndpoint(e), all)) names.add(n);
  }
  return all.filter((n) => names.has(n));
}

export default defineRule({
  meta: {
    id: 'nginx-cookie-path-flag-injection',
    severity: 'warning',
    fixable: true,
    dialects: ['nginx'],
    description: 'proxy_cookie_path/proxy_cookie_domain used to inject cookie flags, which corrupts longer paths and duplicates flags.',
  },
  check(ctx) {
    for (const f of collect(ctx).values()) {
      const ex = f.example!;
      const what = f.entry.directive === 'proxy_cookie_path' ? 'path' : 'domain';
      const names = exemptNames(ctx, f.op);
      ctx.report({
        span: f.entry.focus,
        message: `${f.entry.directive} injects cookie flags into the ${what}${ex.corrupts ? ', which corrupts longer paths' : ''} and duplicates flags: use proxy_cookie_flags (nginx ≥ 1.19.3).`,
        data: {
          directive: f.entry.label,
          example: ex,
          detail:
            `${f.entry.label} adds cookie flags by injecting them into the ${what} value: nginx turns ${JSON.stringify(ex.before)} into ${JSON.stringify(ex.after)}` +
            `${ex.corrupts ? ' (the rest of the value ends up in a junk attribute and the cookie changes scope)' : ''}, duplicates flags the backend already set and skips cookies without the attribute.`,
          exempt: names,
        },
        // The replacement also stops the corruption; the engine's proof checks no injection is left.
        fix: { exempt: names, candidates: () => ctx.fixers.excludeCookies({ op: f.op, cause: f.entry.span, names, options: ctx.options }) },
      });
    }
  },
});
