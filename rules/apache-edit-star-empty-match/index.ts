/**
 * apache-edit-star-empty-match: `Header edit*` with a pattern that matches the empty string.
 * httpd 2.4.x implements edit* by recursing on what is left of the value after each match, as a
 * fresh subject; an empty match there recurses forever and the worker segfaults
 * (proxy-semantics.md §1.2, verified on 2.4.71). The verdict comes from simulating the directive
 * on sample cookies of the kinds it reaches.
 */
import { branchesOf } from '../../src/model/simulate.js';
import { defineRule } from '../../src/engine/rule.js';
import { directiveResponses } from '../../src/cookies/samples.js';
import { endpointsByOp } from '../../src/engine/op-endpoints.js';
import { opOfKind } from '../../src/model/ops/index.js';
import { directiveName } from '../../src/engine/message-text.js';

export default defineRule({
  meta: {
    id: 'apache-edit-star-empty-match',
    severity: 'error',
    fixable: false,
    dialects: ['apache'],
    description: 'Header edit* with a pattern that matches the empty string crashes httpd 2.4 workers.',
  },
  check(ctx) {
    const responses = directiveResponses(ctx.catalog.xsrf.map((c) => c.name));
    for (const [op, endpoints] of endpointsByOp(ctx.model)) {
      if (!opOfKind(op, 'apache-header')) continue;
      if (op.action !== 'edit*' || !op.pattern) continue;
      const kinds = new Set(endpoints.flatMap((e) => e.possibleBackends).filter((k) => op.reaches.includes(k)));
      // Under an undecided condition, the requests where it runs crash: any branch counts.
      const crashed = [...kinds].some((kind) => responses.some((values) => branchesOf(ctx.sim.run([op], kind, values)).some((b) => b.crash?.op === op)));
      if (!crashed) continue;
      ctx.report({
        span: op.pattern.span,
        message: `${directiveName(op.label)} with a pattern that matches the empty string recurses until the httpd worker crashes: responses with cookies get no reply.`,
        data: {
          directive: op.label,
          detail:
            'The pattern matches the empty string, and httpd 2.4 applies edit* again to what is left of the value after each match, ' +
            'matches the empty string there again and recurses until the worker crashes (segmentation fault): clients get an empty reply for every response with a Set-Cookie header.',
          suggestion: 'Use "edit" (first match only) or a pattern that cannot match empty, such as ^(.+)$.',
        },
      });
    }
  },
});
