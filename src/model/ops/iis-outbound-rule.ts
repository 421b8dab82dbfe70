/**
 * An IIS URL Rewrite 2.x outbound rule on the `Set-Cookie` response header
 * (`<match serverVariable="RESPONSE_Set_Cookie" .../>`), with the module's semantics
 * (MicrosoftDocs/iis-docs url-rewrite-module-20-configuration-reference.md):
 *   - the rule runs once per Set-Cookie value [UNCERTAIN: practitioners rely on it, the docs do
 *     not say; proxy-semantics.md §3.1];
 *   - its pre-condition is checked first ("Pre-conditions are used to check if a rule should be
 *     evaluated"); then the pattern is searched in the current value ("Rule Pattern"), `negate`
 *     inverting it; then the conditions ("Rule conditions are evaluated after the rule pattern
 *     match is successful");
 *   - a Rewrite action "replaces the current rule input string with a substitution string" (the
 *     whole header value), a None action changes nothing ("Rule Action");
 *   - rules run in order, each on the output of the one before (Rules Execution), and a rule with
 *     `stopProcessing` that performed its action ends the evaluation for that value
 *     (url-rewrite-module-configuration-reference.md "Rules Evaluation").
 * A pre-condition or condition the simulation cannot decide (content type, request variables)
 * counts as true for a Rewrite rule (the linter assumes the worst) and as false for a None rule,
 * so an exclusion that may not apply does not hide the rules after it.
 */
import type { BackendKind } from '../backends.js';
import type { Condition, CookieOp, SetCookieLine, SimEnv } from '../header-rewrite.js';
import { changeLine } from '../set-cookie.js';
import type { Span } from '../../source.js';
import { evaluateConditions, type IisConditionsSpec, type Tri } from './iis-conditions.js';
import type { IisMatcher } from './iis-matcher.js';
import { evaluateTemplate, templateKey, UNKNOWN, type Template } from './iis-template.js';
import { semanticKey, type KeyPart } from '../signature.js';

export interface IisPreConditionSpec {
  readonly name: string;
  readonly conditions: IisConditionsSpec;
}

export interface IisOutboundRuleSpec {
  readonly name: string;
  /** The `<rule>` element. */
  readonly span: Span;
  /** `<rule name="...">` as written, for messages. */
  readonly label: string;
  readonly stopProcessing: boolean;
  readonly match: { readonly matcher: IisMatcher; readonly negate: boolean };
  readonly conditions: IisConditionsSpec;
  /**
   * The referenced pre-condition; `undefined` when the rule names none, `null` when it names one
   * that is not defined (IIS then fails the request [UNCERTAIN]; simulated as unknown).
   */
  readonly preCondition: IisPreConditionSpec | null | undefined;
  readonly action: { readonly type: 'Rewrite' | 'None'; readonly value: Template };
  /** The action's `value` attribute value: where findings point. Falls back to the start tag. */
  readonly cause: Span;
  /** Set when the outcome depends on facts the simulation does not know. */
  readonly condition: Condition | null;
  /** The `<preCondition>` element it names ({@link CookieOp.related}). */
  readonly related?: readonly Span[];
}

function conditionsKey(spec: IisConditionsSpec): KeyPart {
  return [spec.grouping, spec.trackAllCaptures, spec.entries.map((e): KeyPart => [templateKey(e.input.segments), e.matcher?.key ?? null, e.negate, e.matchType])];
}

/** Every field of a rule that changes what it does to a value (not its name, not where it is written). */
function ruleKey(spec: IisOutboundRuleSpec): string {
  const pre = spec.preCondition === undefined ? 'none' : spec.preCondition === null ? 'undefined' : conditionsKey(spec.preCondition.conditions);
  return semanticKey([spec.match.matcher.key, spec.match.negate, conditionsKey(spec.conditions), pre, spec.action.type, templateKey(spec.action.value.segments), spec.stopProcessing]);
}

/** Values whose evaluation a `stopProcessing` rule ended (lines are fresh for every simulation). */
const stopped = new WeakSet<SetCookieLine>();

export interface IisOutboundRuleOp extends CookieOp {
  readonly kind: 'iis-outbound-rule';
  readonly dialect: 'iis';
  readonly focus: Span;
  readonly spec: IisOutboundRuleSpec;
}

export function iisOutboundRuleOp(spec: IisOutboundRuleSpec, reaches: readonly BackendKind[]): IisOutboundRuleOp {
  const op: IisOutboundRuleOp = {
    kind: 'iis-outbound-rule',
    dialect: 'iis',
    span: spec.span,
    label: spec.label,
    focus: spec.cause,
    condition: spec.condition,
    parts: [],
    ...(spec.related ? { related: spec.related } : {}),
    signature: ruleKey(spec),
    spec,
    reaches,
    apply(lines: SetCookieLine[], _env: SimEnv): void {
      for (const line of lines) {
        if (stopped.has(line)) continue;
        // What `{RESPONSE_Set_Cookie}` returns when a response has several cookies is not
        // documented: it is known only for a single cookie (proxy-semantics.md §3.1).
        const setCookie = lines.length === 1 ? line.value : UNKNOWN;
        let decided: Tri = true;
        if (spec.preCondition === null) decided = UNKNOWN;
        else if (spec.preCondition) {
          const pre = evaluateConditions(spec.preCondition.conditions, { rule: null, setCookie });
          if (pre.result === false) continue;
          decided = pre.result;
        }
        const m = spec.match.matcher.exec(line.value);
        if (spec.match.negate ? m !== null : m === null) continue;
        const rule = spec.match.negate ? [] : m;
        const conditions = evaluateConditions(spec.conditions, { rule, setCookie });
        if (conditions.result === false) continue;
        if (conditions.result === UNKNOWN) decided = UNKNOWN;
        if (decided === UNKNOWN && spec.action.type === 'None') continue;
        if (spec.action.type === 'Rewrite') {
          const after = evaluateTemplate(spec.action.value, { rule, cond: conditions.captures, setCookie: line.value });
          changeLine(line, op, spec.cause, after.text);
        }
        if (spec.stopProcessing) stopped.add(line);
      }
    },
  };
  return op;
}
