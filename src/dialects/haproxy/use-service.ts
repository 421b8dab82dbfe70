/**
 * `http-request use-service <name>` (`prometheus-exporter`, `lua.<name>`): an applet inside
 * HAProxy answers the request, so the server never sees it and none of its Set-Cookie lines
 * exist. Unlike `return`/`deny`/`redirect`, the applet's response is an ordinary response for the
 * response rules [LAB haproxy 2.6.12, a Lua service sending `XSRF-TOKEN=svc; Path=/`]:
 *
 * - in a frontend (the request never switches to a backend, `s->be` stays the frontend): only
 *   the frontend's `http-response` rules, then its `http-after-response` rules run; the
 *   backend's http-request, http-response and http-after-response rules do not, nor its 503 when
 *   it has no server;
 * - in a backend: the backend's http-response rules, then the frontend's, then the
 *   http-after-response rules, backend's first (the usual order);
 * - rules after it in any http-request rule set do not run (it is final, like `return`);
 * - the backend's `cookie` directive (or the frontend's `capture cookie`) still parses every
 *   line, taking the spaces around its first `=` away, but with no server there is no
 *   rewrite, prefix or insert: the cookies of that name are kept and no persistence cookie is
 *   added;
 * - the Prometheus exporter sends no Set-Cookie line and answers 200; what a Lua service sends
 *   the linter cannot know: it is simulated as sending no cookie, with the status of the probe.
 */
import type { Condition, CookieOp, SetCookieLine, SimEnv } from '../../model/header-rewrite.js';
import { conditionCompanions, conditionStatuses, runsOn, SENT_STATUS, type ParsedCondition } from '../../model/ops/haproxy-acl.js';
import { createHaproxyAllowOp, createHaproxyHttpResponseOp, parseLogFormat, type HaproxyFinalOp } from '../../model/ops/haproxy-http-response.js';
import { responseState } from '../../model/set-cookie.js';
import type { Span } from '../../source.js';

/** The built-in service (USE_PROMEX builds); every other name is a Lua service (`lua.<name>`). */
export const PROMETHEUS = 'prometheus-exporter';

/** Where the rule that answered stands: a frontend's rule keeps the request from reaching the backend. */
export type ServicePlacement = 'frontend' | 'backend';

/** The response state key recording that a service answered, and where it stood. */
const SERVED = 'haproxy-final:use-service';

/** Where the service that answered this response stood, or undefined when none answered. */
function servedBy(lines: SetCookieLine[]): ServicePlacement | undefined {
  const v = responseState.get(lines)?.get(SERVED);
  return v ? ([...v][0] as ServicePlacement) : undefined;
}

export interface ServiceInit {
  readonly span: Span;
  readonly label: string;
  readonly service: string;
  /** The http-request rule set it belongs to: an `allow` or an answer before it keeps it from running. */
  readonly ruleSet: string;
  readonly placement: ServicePlacement;
  /** The rule sets it keeps from running: every http-request set, and for a frontend's rule the backend's response rule sets. */
  readonly stops: readonly string[];
  readonly condition: Condition | null;
  readonly parsedCondition?: ParsedCondition;
  /** The `acl` lines of the named ACLs its condition uses (`CookieOp.related`). */
  readonly related?: readonly Span[];
}

/**
 * The op of a `use-service` rule: the response becomes the applet's (no Set-Cookie line), and the
 * rule sets HAProxy then skips are stopped; the response rules that still run see it as any
 * response. Of kind `haproxy-final` (HAProxy calls the action final): a response HAProxy makes
 * itself, not a rewrite of the server's cookies.
 */
export function createServiceOp(init: ServiceInit): HaproxyFinalOp {
  const stoppers = init.stops.map((ruleSet) => createHaproxyAllowOp({ span: init.span, label: init.label, ruleSet, condition: null }));
  // The record of stopped rule sets belongs to haproxy-http-response.ts: an op of the same rule
  // set, run on an empty copy of the response with its state, tells whether the set still runs.
  const probe = createHaproxyHttpResponseOp({
    span: init.span,
    label: init.label,
    action: 'add-header',
    header: 'Set-Cookie',
    format: parseLogFormat('probe'),
    actionSpan: init.span,
    condition: null,
    ruleSet: init.ruleSet,
  });
  const stillRuns = (lines: SetCookieLine[], env: SimEnv): boolean => {
    const copy: SetCookieLine[] = [];
    const state = responseState.get(lines);
    if (state) responseState.set(copy, state);
    probe.apply(copy, env);
    return copy.length > 0;
  };
  return {
    kind: 'haproxy-final',
    dialect: 'haproxy',
    span: init.span,
    label: init.label,
    condition: init.condition,
    reaches: ['http', 'fastcgi'],
    parts: [],
    ...(init.related ? { related: init.related } : {}),
    statuses: conditionStatuses(init.parsedCondition),
    companions: conditionCompanions(init.parsedCondition),
    signature: JSON.stringify(['haproxy-use-service', init.service, init.ruleSet, init.placement, init.stops, init.condition ? [init.condition.text, init.condition.value] : null, init.parsedCondition?.key ?? null]),
    apply(lines: SetCookieLine[], env: SimEnv): void {
      if (!stillRuns(lines, env)) return;
      if (init.parsedCondition && !runsOn(init.parsedCondition, lines, env)) return;
      lines.splice(0, lines.length);
      for (const s of stoppers) s.apply(lines, env);
      const state = responseState.get(lines) ?? new Map<string, ReadonlySet<string>>();
      state.set(SERVED, new Set([init.placement]));
      if (init.service === PROMETHEUS) state.set(SENT_STATUS, new Set(['200']));
      responseState.set(lines, state);
    },
  };
}

/**
 * `op` where a service may answer: it runs on the server's response only (`cookie ... insert`
 * adds no persistence cookie to an applet's response), or with `when`, only on the response of a
 * service of that placement (the parsing of the lines a `cookie` directive makes without a server).
 */
export function servedGate(op: CookieOp, when?: ServicePlacement): CookieOp {
  return {
    ...op,
    signature: JSON.stringify(['haproxy-served-gate', when ?? null, op.signature]),
    apply(lines: SetCookieLine[], env: SimEnv) {
      const by = servedBy(lines);
      if (when === undefined ? by !== undefined : by !== when) return;
      return op.apply(lines, env);
    },
  };
}
