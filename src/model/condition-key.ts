/**
 * The behaviour-relevant data of an op's condition, for simulation memo keys: its truth value and,
 * when undecided, every request test it reads with the outcome it needs. Two ops guarded by
 * different tests behave differently in one pipeline (`<If a>` vs `<If b>` next to an `<Else>`),
 * so the tests belong to the key, not only the text.
 */
import type { Condition } from './header-rewrite.js';

export function conditionKey(condition: Condition | null): (string | boolean)[] | null {
  if (!condition) return null;
  const literals = condition.value === 'unknown' ? (condition.literals ?? []).map((l) => `${l.holds ? '+' : '-'}${l.key}${l.branch ? `#${l.branch.index}/${l.branch.count}/${l.branch.impossible.toString(16)}` : ''}`) : [];
  return [condition.text, String(condition.value), ...literals];
}
