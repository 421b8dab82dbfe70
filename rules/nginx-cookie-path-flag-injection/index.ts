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
import { createScopeResolver, fixExemption } from '../../src/cookies/scope.js';
import { defineRule, type RuleContext } from '../../src/engine/rule.js';
import { isFixRefusal } from '../../src/dialects/dialect.js';
import type { Fix } from '../../src/engine/edits.js';
import { entryProbes, NginxProxyCookieOp, type NginxCookieEntry } from '../../src/model/ops/nginx-proxy-cookie.js';
import { parseSetCookie } from '../../src/model/set-cookie.js';
import { injectsAttributes } from './injection.js';
import { proveInjectionFix } from './prove.js';

const PROBES = ['session=1; Path=/app; Secure', 'session=2; Path=/', 'session=3; Domain=app.example.com; Path=/app/', 'session=4'];

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
    const own = group.pipeline.flatMap((op) => (op instanceof NginxProxyCookieOp ? op.entries.flatMap(entryProbes) : []));
    for (const kind of group.backends) {
      for (const probe of [...PROBES, ...own]) {
        const result = ctx.sim.run(group.pipeline, kind, [probe]);
        if (!result.lines.some((line) => line.history.some(injectsAttributes))) continue;
        // Blame the entry of every pipeline that behaves like the representative.
        for (const pipeline of group.pipelines) {
          for (const line of ctx.sim.run(pipeline, kind, [probe]).lines) {
            for (const change of line.history) {
              if (!injectsAttributes(change)) continue;
              const op = change.op as NginxProxyCookieOp;
              const entry = op.entryAt(change.cause)!;
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
  const resolver = createScopeResolver(ctx.model, ctx.catalog);
  const all = ctx.catalog.xsrf.map((c) => c.name);
  const names = new Set<string>();
  for (const e of ctx.model.endpoints) {
    if (!e.pipeline.includes(op)) continue;
    for (const n of fixExemption(resolver.forEndpoint(e), all)) names.add(n);
  }
  return all.filter((n) => names.has(n));
}

function fixFor(ctx: RuleContext, f: Finding): Fix | string {
  const built = ctx.fixers.excludeCookies({ model: ctx.model, op: f.op, cause: f.entry.span, names: exemptNames(ctx, f.op), options: ctx.options });
  if (isFixRefusal(built)) return built.reason;
  let reason = 'no candidate edit';
  for (const candidate of built) {
    const after = ctx.rebuild(candidate.edits);
    if ('error' in after) {
      reason = after.error;
      continue;
    }
    const proof = proveInjectionFix(ctx.model, after, ctx.sim, ctx.catalog, candidate.edits);
    if (proof.ok) return { edits: candidate.edits, description: candidate.description };
    reason = proof.reason;
  }
  return reason;
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
      const outcome = ctx.wantFixes ? fixFor(ctx, f) : undefined;
      const what = f.entry.directive === 'proxy_cookie_path' ? 'path' : 'domain';
      const message =
        `${f.entry.directive} injects cookie flags into the ${what}${ex.corrupts ? ', which corrupts longer paths' : ''} and duplicates flags: use proxy_cookie_flags (nginx ≥ 1.19.3).` +
        (typeof outcome === 'string' ? ' No automatic fix.' : '');
      const data = {
        directive: f.entry.label,
        example: ex,
        detail:
          `${f.entry.label} adds cookie flags by injecting them into the ${what} value: nginx turns ${JSON.stringify(ex.before)} into ${JSON.stringify(ex.after)}` +
          `${ex.corrupts ? ' (the rest of the value ends up in a junk attribute and the cookie changes scope)' : ''}, duplicates flags the backend already set and skips cookies without the attribute.`,
        ...(typeof outcome === 'string' ? { noFix: outcome } : {}),
      };
      const d = { span: f.entry.focus, message, data };
      if (!ctx.wantFixes) {
        const built = ctx.fixers.excludeCookies({ model: ctx.model, op: f.op, cause: f.entry.span, names: exemptNames(ctx, f.op), options: ctx.options });
        ctx.report(!isFixRefusal(built) && built.length > 0 ? { ...d, fixable: true } : d);
        continue;
      }
      ctx.report(typeof outcome === 'object' ? { ...d, fix: outcome } : d);
    }
  },
});
