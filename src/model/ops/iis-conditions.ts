/**
 * IIS URL Rewrite condition collections (`<conditions>` of a rule, `<preCondition>` entries):
 * MatchAll / MatchAny grouping, `negate`, back-references to the last matched condition or, with
 * `trackAllCaptures`, to every matched condition numbered consecutively.
 * MicrosoftDocs/iis-docs url-rewrite-module-20-configuration-reference.md "Rule Conditions",
 * "Pre-conditions Collection", "Tracking Capture Groups Across Conditions";
 * url-rewrite-module-configuration-reference.md "Using back-references in rewrite rules"
 * ("Within a condition input string, you can use the back-references to the rule pattern and to
 * the previously matched condition").
 *
 * Evaluation is three-valued: a condition whose input reads a request or response fact the
 * simulation does not know is `unknown`.
 */
import type { Span } from '../../source.js';
import type { IisMatcher } from './iis-matcher.js';
import { evaluateTemplate, UNKNOWN, type Template } from './iis-template.js';

export type Tri = boolean | typeof UNKNOWN;

export interface IisConditionSpec {
  readonly input: Template;
  readonly pattern: string;
  /** Null when the pattern is invalid (reported elsewhere): the condition is then unknown. */
  readonly matcher: IisMatcher | null;
  readonly negate: boolean;
  /** `IsFile` / `IsDirectory` test the file system: unknown here. */
  readonly matchType: 'Pattern' | 'IsFile' | 'IsDirectory';
  readonly span: Span;
}

export interface IisConditionsSpec {
  readonly grouping: 'MatchAll' | 'MatchAny';
  readonly trackAllCaptures: boolean;
  readonly entries: readonly IisConditionSpec[];
}

export interface ConditionsOutcome {
  readonly result: Tri;
  /** What `{C:n}` means in the action afterwards. */
  readonly captures: readonly string[] | typeof UNKNOWN;
}

export interface EvaluationInputs {
  readonly rule: readonly string[] | null;
  readonly setCookie: string | typeof UNKNOWN;
}

function evaluateOne(entry: IisConditionSpec, inputs: EvaluationInputs, cond: readonly string[] | typeof UNKNOWN): { result: Tri; captures: readonly string[] } {
  if (entry.matchType !== 'Pattern' || !entry.matcher) return { result: UNKNOWN, captures: [] };
  const input = evaluateTemplate(entry.input, { rule: inputs.rule, cond, setCookie: inputs.setCookie });
  if (input.unknown) return { result: UNKNOWN, captures: [] };
  const m = entry.matcher.exec(input.text);
  // A negated condition that holds matched nothing: it has no captures.
  if (entry.negate) return { result: m === null, captures: [] };
  return m ? { result: true, captures: m } : { result: false, captures: [] };
}

export function evaluateConditions(spec: IisConditionsSpec, inputs: EvaluationInputs): ConditionsOutcome {
  let last: readonly string[] | typeof UNKNOWN = [];
  let tracked: string[] | typeof UNKNOWN = [];
  let sawUnknown = false;
  const current = () => (spec.trackAllCaptures ? tracked : last);
  for (const entry of spec.entries) {
    const one = evaluateOne(entry, inputs, current());
    if (one.result === UNKNOWN) {
      sawUnknown = true;
      last = UNKNOWN;
      tracked = UNKNOWN;
      continue;
    }
    if (one.result) {
      last = one.captures;
      // {C:0} is the whole match of the first matched condition, then every group in order.
      if (tracked !== UNKNOWN) tracked = tracked.length === 0 ? [...one.captures] : [...tracked, ...one.captures.slice(1)];
      if (spec.grouping === 'MatchAny') return { result: true, captures: current() };
    } else if (spec.grouping === 'MatchAll') return { result: false, captures: current() };
  }
  if (sawUnknown) return { result: UNKNOWN, captures: current() };
  // MatchAll: nothing failed. MatchAny: nothing held (an empty collection holds).
  return { result: spec.grouping === 'MatchAll' || spec.entries.length === 0, captures: current() };
}
