/**
 * apache-always-edit-misses-proxy: `Header always edit Set-Cookie` only sees cookies in
 * err_headers_out (CGI, FastCGI, SCGI); mod_proxy_http/ajp and mod_php store backend cookies in
 * headers_out, which only `Header [onsuccess]` sees (proxy-semantics.md §1.5; verified on 2.4.71,
 * with PHP 8.2 for 200, 302, 404 and 500). In a scope whose only backends are these, the hardening
 * never applies. Judged by simulation: the
 * directive would change a CGI cookie but changes no cookie of the scopes it is in.
 */
import { branchesOf } from '../../src/model/simulate.js';
import { defineRule } from '../../src/engine/rule.js';
import { directiveResponses } from '../../src/cookies/samples.js';
import { endpointsByOp } from '../../src/engine/op-endpoints.js';
import { BACKEND_LABELS, type BackendKind } from '../../src/model/backends.js';
import type { CookieOp } from '../../src/model/header-rewrite.js';
import { opOfKind } from '../../src/model/ops/index.js';
import { clip, directiveName, someOf } from '../../src/engine/message-text.js';

export default defineRule({
  meta: {
    id: 'apache-always-edit-misses-proxy',
    severity: 'warning',
    fixable: false,
    dialects: ['apache'],
    description: 'Header always edit Set-Cookie never sees the cookies of proxied (HTTP, AJP) backends.',
  },
  check(ctx) {
    const responses = directiveResponses(ctx.catalog.xsrf.map((c) => c.name));
    for (const [op, endpoints] of endpointsByOp(ctx.model)) {
      if (!opOfKind(op, 'apache-header')) continue;
      if (op.table !== 'always' || op.early || (op.action !== 'edit' && op.action !== 'edit*')) continue;
      // Only scopes that declare their backends: a fragment may be included where CGI runs. A
      // scope that serves static files only (`/` beside `<FilesMatch \.php$> SetHandler ...`)
      // sends no cookie either way.
      if (endpoints.some((e) => e.backends.length === 0 && e.possibleBackends.length > 0)) continue;
      const changes = (kind: BackendKind, pipeline: readonly CookieOp[]) =>
        responses.some((values) => branchesOf(ctx.sim.run(pipeline, kind, values)).some((b) => b.lines.some((l) => l.history.some((c) => c.op === op))));
      const wouldHarden = changes('cgi', [op]);
      const hardens = endpoints.some((e) => e.possibleBackends.some((kind) => changes(kind, e.pipeline)));
      if (!wouldHarden || hardens) continue;
      const backends = [...new Map(endpoints.flatMap((e) => e.backends).map((b) => [`${b.kind} ${b.target}`, b])).values()];
      const list = backends.map((b) => `${b.target} (${BACKEND_LABELS[b.kind]})`).join(', ');
      ctx.report({
        span: op.conditionSpan ?? op.actionSpan,
        message: `${directiveName(op.label)} never sees the cookies of ${clip(someOf(backends.map((b) => b.target), 1), 60)}, which httpd keeps in headers_out: drop "always" to edit them.`,
        data: {
          directive: op.label,
          backends: backends.map((b) => ({ target: b.target, kind: BACKEND_LABELS[b.kind] })),
          detail:
            `${op.label} only sees cookies that CGI and FastCGI responses put in err_headers_out; the cookies of ${list} are in headers_out, ` +
            'so this directive never changes them. Drop "always" (or write "onsuccess") to edit proxied cookies.',
        },
      });
    }
  },
});
