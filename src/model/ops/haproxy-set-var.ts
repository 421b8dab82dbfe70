/**
 * HAProxy 2.6's `set-var(NAME)`, `set-var-fmt(NAME)` and `unset-var(NAME)` actions of
 * `http-request`, `http-response` and `http-after-response` rules, as ops of the pipeline: each
 * records the variable's value on the simulated response (src/model/set-cookie.ts
 * `responseState`), where a later `%[var(NAME)]` of a header format reads it
 * (haproxy-acl.ts `responseSample`). The simulator then gives every way the rules can leave the
 * variable its own outcome: an undecided condition splits the response in two (the value is set
 * on the requests where it holds, left as it was on the others), a later rule that runs replaces
 * the value, `unset-var` removes it, and a rule an earlier `allow`, `return` or `deny` stopped
 * does nothing [LAB haproxy 2.6.12]:
 *
 * - `set-var(NAME) EXPR`: a fetch that finds no sample (a query parameter or header the request
 *   lacks) leaves the variable as it was; `str(text)` is that text; `var(OTHER)` the other
 *   variable's value; a request fetch reads the request the caller gives (`SimEnv.request`), a
 *   response fetch the lines as they are when the rule runs;
 * - `set-var-fmt(NAME) FMT` always sets the variable, to the format's text;
 * - any value the linter cannot compute (a converter, another fetch, a tag it does not compute)
 *   is recorded as unknown: a format reading it keeps `%[var(NAME)]` as written, as it does for
 *   every sample it cannot compute.
 */
import type { Span } from '../../source.js';
import type { Condition, CookieOp, SetCookieLine, SimEnv } from '../header-rewrite.js';
import { responseState } from '../set-cookie.js';
import { semanticKey } from '../signature.js';
import { conditionCompanions, conditionStatuses, requestFetch, responseSample, runsOn, UNKNOWN_VALUE, variableKey, variableValue, type ParsedCondition } from './haproxy-acl.js';
import { stopped, type LogFormat } from './haproxy-http-response.js';

/** One part of the value a rule gives a variable. */
export type VariablePart =
  | { readonly kind: 'text'; readonly text: string }
  /** Another variable (`var(txn.a)`): `hidden` when its scope is not visible in the rule's phase (a `req.` variable in a response). */
  | { readonly kind: 'variable'; readonly name: string; readonly hidden?: boolean }
  /** A request fetch the linter evaluates (`url_param(a)`, `path`). */
  | { readonly kind: 'request'; readonly fetch: string }
  /** A response sample (`res.hdr(set-cookie)`, `status`), computed on the lines. */
  | { readonly kind: 'response'; readonly expr: string }
  | { readonly kind: 'unknown' };

export interface HaproxySetVarInit {
  readonly span: Span;
  readonly label: string;
  readonly action: 'set-var' | 'set-var-fmt' | 'unset-var';
  /** Lower-cased, with its scope: `txn.flags`. */
  readonly name: string;
  /**
   * `set-var`: one part, the sample (a fetch that finds none leaves the variable as it was);
   * `set-var-fmt`: the format's text and samples in order; `unset-var`: none.
   */
  readonly parts: readonly VariablePart[];
  readonly ruleSet: string;
  readonly condition: Condition | null;
  readonly parsedCondition?: ParsedCondition;
  /** The `acl` lines of the named ACLs its condition uses ({@link CookieOp.related}). */
  readonly related?: readonly Span[];
}

export interface HaproxySetVarOp extends CookieOp {
  readonly kind: 'haproxy-set-var';
  readonly name: string;
  /** Statuses besides 200 on which its condition decides otherwise (`if { status 200 }`): rules explore them. */
  readonly statuses: readonly number[];
  readonly companions: readonly (readonly string[])[];
}

/** The parts of a `set-var-fmt` format: its text between the samples, and each sample read by `sample`. */
export function formatParts(format: LogFormat, sample: (expr: string) => VariablePart): VariablePart[] {
  if (format.opaque) return [{ kind: 'unknown' }];
  const out: VariablePart[] = [];
  let pos = 0;
  for (const s of format.samples) {
    out.push({ kind: 'text', text: format.text.slice(pos, s.start) }, sample(s.expr));
    pos = s.end;
  }
  out.push({ kind: 'text', text: format.text.slice(pos) });
  return out;
}

/** The value of one part on this response: null when the sample is not found, {@link UNKNOWN_VALUE} when not known. */
function partValue(part: VariablePart, lines: readonly SetCookieLine[], env: SimEnv): string | null {
  switch (part.kind) {
    case 'text':
      return part.text;
    case 'variable':
      return part.hidden ? null : variableValue(lines, part.name);
    case 'request': {
      const v = env.request ? requestFetch(part.fetch, env.request) : undefined;
      return v === undefined ? UNKNOWN_VALUE : v;
    }
    case 'response':
      return responseSample(part.expr, lines, env) ?? UNKNOWN_VALUE;
    case 'unknown':
      return UNKNOWN_VALUE;
  }
}

export function createHaproxySetVarOp(init: HaproxySetVarInit): HaproxySetVarOp {
  const key = variableKey(init.name);
  return {
    kind: 'haproxy-set-var',
    dialect: 'haproxy',
    span: init.span,
    label: init.label,
    condition: init.condition,
    reaches: [],
    parts: [],
    ...(init.related ? { related: init.related } : {}),
    name: init.name,
    statuses: conditionStatuses(init.parsedCondition),
    companions: conditionCompanions(init.parsedCondition),
    signature: semanticKey([
      'haproxy-set-var',
      init.action,
      init.name,
      init.parts.map((p) => [p.kind, p.kind === 'text' ? p.text : p.kind === 'variable' ? [p.name, p.hidden === true] : p.kind === 'request' ? p.fetch : p.kind === 'response' ? p.expr : null]),
      init.ruleSet,
      init.parsedCondition?.key ?? null,
    ]),
    apply(lines: SetCookieLine[], env: SimEnv): void {
      if (stopped(lines, init.ruleSet)) return;
      if (init.parsedCondition && !runsOn(init.parsedCondition, lines, env)) return;
      let state = responseState.get(lines);
      if (init.action === 'unset-var') {
        state?.delete(key);
        return;
      }
      let value = '';
      for (const part of init.parts) {
        const v = partValue(part, lines, env);
        // `set-var` of a fetch that finds nothing keeps the old value; in a format it prints nothing.
        if (v === null && init.action === 'set-var') return;
        if (v === UNKNOWN_VALUE) {
          value = UNKNOWN_VALUE;
          break;
        }
        value += v ?? '';
      }
      if (!state) responseState.set(lines, (state = new Map()));
      state.set(key, new Set([value]));
    },
  };
}
