/**
 * nginx-cookie-directive-no-effect: only the proxy module rewrites upstream cookies
 * (`u->rewrite_cookie` is set by `ngx_http_proxy_handler` alone); fastcgi, uwsgi, scgi and grpc
 * responses pass through `proxy_cookie_*` untouched. A directive whose every location reaches
 * only such backends does nothing, while it would change cookies behind `proxy_pass` — the
 * simulation shows both. proxy-semantics.md §2.1.
 */
import { samplesFor } from '../../src/cookies/samples.js';
import { defineRule } from '../../src/engine/rule.js';
import { BACKEND_LABELS, type BackendKind } from '../../src/model/backends.js';
import type { Endpoint } from '../../src/model/header-rewrite.js';
import { opOfKind } from '../../src/model/ops/index.js';
import { entryProbes, nginxCookieEntries, type NginxProxyCookieOp } from '../../src/model/ops/nginx-proxy-cookie.js';

const PASS_DIRECTIVE: Partial<Record<BackendKind, string>> = { fastcgi: 'fastcgi_pass', uwsgi: 'uwsgi_pass', scgi: 'scgi_pass', grpc: 'grpc_pass' };

export default defineRule({
  meta: {
    id: 'nginx-cookie-directive-no-effect',
    severity: 'warning',
    fixable: false,
    dialects: ['nginx'],
    description: 'A proxy_cookie_* directive in locations that reach only FastCGI, uwsgi, SCGI or gRPC backends, where nginx never rewrites cookies.',
  },
  check(ctx) {
    const byOp = new Map<NginxProxyCookieOp, Endpoint[]>();
    for (const e of ctx.model.endpoints) {
      for (const op of e.pipeline) {
        if (!opOfKind(op, 'nginx-proxy-cookie')) continue;
        // Locations that inherit share one op: push, never copy (copying is quadratic).
        const list = byOp.get(op);
        if (list) list.push(e);
        else byOp.set(op, [e]);
      }
    }
    const names = [...ctx.catalog.session.slice(0, 2), ...ctx.catalog.xsrf.slice(0, 2)].map((c) => c.name);
    for (const [entry, ops] of nginxCookieEntries(ctx.model.ops)) {
      const endpoints = ops.flatMap((op) => (byOp.get(op) ?? []).map((e) => ({ e, op })));
      if (endpoints.length === 0) continue;
      if (endpoints.some(({ e }) => e.possibleBackends.length === 0 || e.possibleBackends.includes('http'))) continue;
      // What the directive would do behind proxy_pass, and does behind the backends it really has.
      const wouldChange = endpoints.some(({ e }) =>
        [...names.flatMap((n) => samplesFor(n)), ...entryProbes(entry)].some((s) => ctx.sim.run(e.pipeline, 'http', [s]).lines.some((l) => l.history.some((h) => h.cause.file === entry.span.file && h.cause.start === entry.span.start && h.cause.end === entry.span.end))),
      );
      if (!wouldChange) continue;
      const kinds = [...new Set(endpoints.flatMap(({ e }) => e.possibleBackends))];
      const passes = kinds.map((k) => PASS_DIRECTIVE[k] ?? BACKEND_LABELS[k]).join(', ');
      const where = endpoints.length === 1 ? endpoints[0]!.e.label : `${new Set(endpoints.map(({ e }) => e.label)).size} locations`;
      ctx.report({
        span: entry.span,
        message: `${entry.directive} has no effect here: nginx rewrites cookies only for proxy_pass responses, and this location uses ${passes}.`,
        data: {
          directive: entry.label,
          scopes: [...new Set(endpoints.map(({ e }) => e.label))],
          detail: `${entry.label} has no effect: ${where} reach${endpoints.length === 1 ? 'es' : ''} the backend through ${passes}, and nginx rewrites cookies only for proxy_pass responses.`,
          suggestion: `Set the cookie flags in the application instead${kinds.includes('fastcgi') ? ' (for PHP: session.cookie_httponly, session.cookie_secure and the setcookie() options)' : ''}.`,
        },
      });
    }
  },
});
