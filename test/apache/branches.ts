/**
 * Choosing, among the outcomes the simulator explores for undecided conditions, those that apply
 * to one concrete request: every assumption the branch made must agree with the request. Tests
 * of the request path (`%{REQUEST_URI} =~ ...`) are evaluated on the path; other tests are
 * decided by the request's `facts` (keyed like the literals: `env:LPC_BOT`; for a chain such as
 * `envvalue:LPC_FLAGS`, the index of the branch the request takes), or left open.
 */
import { literalHoldsFor } from '../../src/model/requests.js';
import type { ConditionLiteral } from '../../src/model/header-rewrite.js';
import { branchesOf, type SimResult } from '../../src/model/simulate.js';

export type Facts = Readonly<Record<string, boolean | number>>;

function outcomeOf(literal: ConditionLiteral, path: string, facts: Facts): boolean | undefined {
  const fact = facts[literal.key];
  if (typeof fact === 'number') return fact === literal.branch?.index;
  if (fact !== undefined) return fact;
  return literalHoldsFor(literal, path.split('?')[0]!);
}

/** Indexes of the branches of `result` consistent with a request for `path`. */
export function branchesFor(result: SimResult, path: string, facts: Facts = {}): number[] {
  const out: number[] = [];
  branchesOf(result).forEach((b, i) => {
    if (b.assumptions.every((a) => outcomeOf(a.literal, path, facts) !== !a.holds)) out.push(i);
  });
  return out;
}
