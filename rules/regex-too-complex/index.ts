/**
 * regex-too-complex: matching a pattern against ordinary cookies exhausts the linter's
 * backtracking budget (nested quantifiers such as `^(a+)+$`), or the pattern is valid for the
 * server but uses a construct the linter does not simulate (PCRE2 `\X`, recursion, bidi classes). The verdict of every other rule for
 * that directive is then unknown, and the server itself may spend a long time on crafted values.
 */
import { DEFAULT_SESSION_COOKIES } from '../../src/cookies/catalog.js';
import { samplesFor } from '../../src/cookies/samples.js';
import { defineRule } from '../../src/engine/rule.js';
import type { CookieOp } from '../../src/model/header-rewrite.js';
import { clip } from '../../src/engine/message-text.js';
import { branchesOf, isLinewise, type TooComplex } from '../../src/model/simulate.js';

export default defineRule({
  meta: {
    id: 'regex-too-complex',
    severity: 'warning',
    fixable: false,
    dialects: ['apache', 'nginx', 'iis', 'haproxy', 'caddy'],
    description: 'A pattern backtracks so much on ordinary cookies, or uses a construct the linter does not simulate, that its effect cannot be evaluated.',
  },
  check(ctx) {
    const names = [...ctx.catalog.xsrf, ...DEFAULT_SESSION_COOKIES.slice(0, 2)].map((c) => c.name);
    const reported = new Map<CookieOp, TooComplex>();
    for (const group of ctx.sim.groups(ctx.model.endpoints)) {
      // Linewise ops: every sample in one response; any pattern too complex there is found one by one.
      const together = isLinewise(group.pipeline) ? names.flatMap((n) => samplesFor(n)) : undefined;
      for (const kind of group.backends) {
        if (together) {
          const all = ctx.sim.run(group.pipeline, kind, together);
          if (!all.bounded && !branchesOf(all).some((b) => b.tooComplex)) continue;
        }
        for (const name of names) {
          for (const sample of samplesFor(name)) {
            if (!branchesOf(ctx.sim.run(group.pipeline, kind, [sample])).some((b) => b.tooComplex)) continue;
            for (const pipeline of group.pipelines) {
              for (const { tooComplex } of branchesOf(ctx.sim.run(pipeline, kind, [sample]))) {
                if (tooComplex && !reported.has(tooComplex.op)) reported.set(tooComplex.op, tooComplex);
              }
            }
          }
        }
      }
    }
    for (const [op, { pattern, unsupported }] of reported) {
      // An array op (an nginx location's proxy_cookie_* entries): point at the entry with the pattern.
      const part = op.parts.find((p) => p.label.includes(pattern));
      const span = part ? (part.focus ?? part.span) : (op.focus ?? op.span);
      if (unsupported) {
        // Valid for the server, not simulated here: no claim about backtracking.
        ctx.report({
          span,
          message: `The linter cannot evaluate the pattern ${clip(JSON.stringify(pattern), 50)}: its effect on cookies is unknown.`,
          data: { pattern, detail: `The server accepts it, but ${unsupported.replace(/^./, (c) => c.toLowerCase())}.` },
        });
        continue;
      }
      ctx.report({
        span,
        message: `The pattern ${clip(JSON.stringify(pattern), 50)} backtracks too much to evaluate on ordinary cookies: its effect is unknown${ctx.model.dialect === 'caddy' ? '' : ', and crafted values slow the server'}.`,
        data: {
          pattern,
          detail:
            // Caddy matches with Go's RE2, in linear time: only the linter's verdict suffers.
            `Nested or overlapping quantifiers: the linter cannot tell what this directive does to cookies${ctx.model.dialect === 'caddy' ? '' : ', and crafted values can make the server slow'}.`,
        },
      });
    }
  },
});
