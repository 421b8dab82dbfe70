/**
 * simulation-bounded: the linter stopped exploring a pipeline before its end, so the verdicts of
 * the other rules cover only part of the requests. Two bounds (src/model/simulate.ts): request-
 * dependent conditions giving more distinct outcomes than the branch limit, and a Set-Cookie line
 * growing past the size or change limit. Never a silent pass: the cut is reported where it happened.
 */
import { samplesFor } from '../../src/cookies/samples.js';
import { defineRule } from '../../src/engine/rule.js';
import type { CookieOp } from '../../src/model/header-rewrite.js';
import { boundedNote } from '../../src/model/requests.js';
import type { SimResult } from '../../src/model/simulate.js';

export default defineRule({
  meta: {
    id: 'simulation-bounded',
    severity: 'warning',
    fixable: false,
    dialects: ['apache', 'iis', 'haproxy', 'caddy'],
    description: 'Conditions or edits multiply so much that the linter explored only part of the requests.',
  },
  check(ctx) {
    const names = ctx.catalog.xsrf.map((c) => c.name);
    const reported = new Map<CookieOp, NonNullable<SimResult['bounded']>>();
    for (const group of ctx.sim.groups(ctx.model.endpoints)) {
      for (const kind of group.backends) {
        for (const name of names) {
          const sample = samplesFor(name)[0]!;
          if (!ctx.sim.run(group.pipeline, kind, [sample]).bounded) continue;
          for (const pipeline of group.pipelines) {
            const { bounded } = ctx.sim.run(pipeline, kind, [sample]);
            if (bounded && !reported.has(bounded.op)) reported.set(bounded.op, bounded);
          }
        }
      }
    }
    for (const [op, bounded] of reported) {
      ctx.report({ span: op.focus ?? op.span, message: `${boundedNote(bounded)} ${bounded.reason === 'branches' ? 'Simplify the conditions.' : 'Rewrite the header in fewer steps.'}` });
    }
  },
});
