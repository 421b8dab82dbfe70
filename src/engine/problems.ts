/** Reports the dialect's problems that belong to one rule (the rule owns their severity and docs). */
import type { RuleContext } from './rule.js';

export function reportProblems(ctx: RuleContext, ruleId: string): void {
  for (const problem of ctx.model.problems) {
    if (problem.ruleId === ruleId) ctx.report({ span: problem.span, message: problem.message });
  }
}
