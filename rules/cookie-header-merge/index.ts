/**
 * cookie-header-merge: `Header append|merge Set-Cookie` joins the value onto an existing
 * Set-Cookie line with ", " (apr_table_mergen) instead of sending another header. Browsers do not
 * split Set-Cookie on commas (RFC 6265 §3 forbids folding it), so the joined cookie is read as
 * one cookie with a garbled last attribute. Judged by simulating the directive on two cookies.
 */
import { pairResponse } from '../../src/cookies/samples.js';
import { defineRule } from '../../src/engine/rule.js';
import { endpointsByOp } from '../../src/engine/op-endpoints.js';
import { opOfKind } from '../../src/model/ops/index.js';
import { directiveName } from '../../src/engine/message-text.js';

export default defineRule({
  meta: {
    id: 'cookie-header-merge',
    severity: 'error',
    fixable: false,
    dialects: ['apache'],
    description: 'Header append/merge Set-Cookie joins cookies into one comma-separated line and corrupts them.',
  },
  check(ctx) {
    for (const [op, endpoints] of endpointsByOp(ctx.model)) {
      if (!opOfKind(op, 'apache-header')) continue;
      const kinds = [...new Set(endpoints.flatMap((e) => e.possibleBackends).filter((k) => op.reaches.includes(k)))];
      let example: { before: string; after: string } | undefined;
      for (const kind of kinds) {
        const result = ctx.sim.run([op], kind, pairResponse('XSRF-TOKEN'));
        for (const line of result.lines) {
          const change = line.history.find((c) => c.op === op && c.before !== '' && c.after.startsWith(`${c.before}, `));
          if (change) example = { before: change.before, after: change.after };
        }
        if (example) break;
      }
      if (!example) continue;
      ctx.report({
        span: op.actionSpan,
        message: `${directiveName(op.label)} joins its value onto the backend's Set-Cookie line with ", ": browsers read one corrupted cookie; use "Header add" to send another.`,
        data: {
          directive: op.label,
          example,
          detail:
            `${op.label} joins its value onto the existing Set-Cookie line with ", " instead of sending another header ` +
            `(${JSON.stringify(example.before)} becomes ${JSON.stringify(example.after)}): browsers read that as one cookie, so the added cookie is lost and the existing one corrupted.`,
          suggestion: 'Use "Header add Set-Cookie" to send another cookie, or "Header edit" to change one.',
        },
      });
    }
  },
});
