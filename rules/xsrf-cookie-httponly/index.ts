/**
 * xsrf-cookie-httponly: a directive adds HttpOnly to a cookie that JavaScript must read to send
 * the CSRF token back. The verdict comes from simulating each catalog XSRF cookie, in several
 * shapes, through every endpoint's pipeline for every backend kind it can reach; the finding
 * points at the directive that made HttpOnly appear.
 */
import { closest } from '../../src/closest.js';
import { productIds } from '../../src/cookies/products.js';
import type { CookieCatalog } from '../../src/cookies/catalog.js';
import { probeAttributesOf, samplesFor } from '../../src/cookies/samples.js';
import { scopeResolverFor } from '../../src/cookies/scope.js';
import { defineRule, type RuleContext } from '../../src/engine/rule.js';
import { mapCause } from '../../src/engine/simulator.js';
import type { BackendKind } from '../../src/model/backends.js';
import type { CookieOp, Endpoint, LineChange } from '../../src/model/header-rewrite.js';
import { httpOnlyGain } from '../../src/model/provenance.js';
import { exploredStatuses, statusLabel, statusSource } from '../../src/model/statuses.js';
import { cookieName } from '../../src/model/set-cookie.js';
import { branchesOf, type Assumption } from '../../src/model/simulate.js';
import type { Span } from '../../src/source.js';
import { judge, type Hits } from './verdict.js';

const RULE_ID = 'xsrf-cookie-httponly';

interface Finding extends Hits {
  op: CookieOp;
  readonly cause: Span;
  readonly cookies: Set<string>;
  readonly hitBackends: Set<BackendKind>;
  /** Kinds the op could have reached in the endpoints where it hit. */
  readonly reachable: Set<BackendKind>;
  /** The scopes where each cookie gained HttpOnly from this directive (product-aware verdicts). */
  readonly scopes: Map<string, Set<Endpoint>>;
  example?: Hits['example'];
  /** The request outcomes under which the cookie breaks (empty: every request). */
  assumptions: readonly Assumption[];
  readonly cookieAssumptions: Map<string, readonly Assumption[]>;
  readonly created: Set<string>;
}

const spanKey = (s: Span) => `${s.file}\u0000${s.start}\u0000${s.end}`;

/** The part of an array op (an nginx directive among several) that the cause designates. */
function partFor(op: CookieOp, cause: Span) {
  return op.parts.find((p) => spanKey(p.span) === spanKey(cause));
}

function focusOf(op: CookieOp, cause: Span): Span {
  const part = partFor(op, cause);
  if (part) return part.focus ?? part.span;
  if (spanKey(cause) === spanKey(op.span)) return op.focus ?? op.span;
  return cause;
}

function labelOf(op: CookieOp, cause: Span): string {
  return partFor(op, cause)?.label ?? op.label;
}

/** One directive adding HttpOnly, and the requests on which it does. */
interface Gain {
  readonly change: LineChange;
  readonly assumptions: readonly Assumption[];
  /** A CSRF cookie the proxy itself created with HttpOnly (`add_header Set-Cookie`, `Header add`): its name. */
  readonly created?: string;
}

/**
 * Every directive that adds HttpOnly to `sample` on its own, on some request: the ones that do
 * in the pipeline as written (on each outcome of its undecided conditions), then — with those
 * taken away — the next, and so on (ESLint's rule: suppressing or fixing one report never hides
 * another). Bounded by the pipeline's length, and by the simulation's own bound: a result that
 * stopped early is not refined further (simulation-bounded reports it).
 */
function gainsOf(ctx: RuleContext, pipeline: readonly CookieOp[], kind: BackendKind, sample: string): Gain[] {
  const gains: Gain[] = [];
  const seen = new Set<CookieOp>();
  for (const status of exploredStatuses(pipeline)) {
    // The sample alone, then with the other cookies a response-decided condition tests
    // (HAProxy's `if { res.cook(JSESSIONID) -m found }`), before and after it.
    for (const companions of [[], ...companionsOf(pipeline)]) {
      const responses = companions.length === 0 ? [[sample]] : [[...companions, sample], [sample, ...companions]];
      for (const response of responses) {
        const found = gainsAt(ctx, pipeline, kind, sample, status, response);
        // A directive that already breaks the cookie on a 200 response is reported without a status.
        for (const gain of found) {
          if (seen.has(gain.change.op)) continue;
          const extra = [...(status === 200 ? [] : [statusAssumption(status, pipeline)]), ...(companions.length === 0 ? [] : [companionAssumption(companions, pipeline)])];
          gains.push(extra.length === 0 ? gain : { ...gain, assumptions: [...gain.assumptions, ...extra] });
        }
        for (const gain of found) seen.add(gain.change.op);
      }
    }
  }
  return gains;
}

/** The other Set-Cookie lines a directive of the pipeline is limited to (HAProxy `if { res.cook(JSESSIONID) -m found }`). */
function companionsOf(pipeline: readonly CookieOp[]): (readonly string[])[] {
  const out = new Map<string, readonly string[]>();
  for (const op of pipeline) for (const set of (op as { readonly companions?: readonly (readonly string[])[] }).companions ?? []) out.set(JSON.stringify(set), set);
  return [...out.values()];
}

/** "for requests where the response also sets JSESSIONID=1": the directive's condition holds on it. */
function companionAssumption(companions: readonly string[], pipeline: readonly CookieOp[]): Assumption {
  const key = JSON.stringify(companions);
  const op = pipeline.find((o) => (o as { readonly companions?: readonly (readonly string[])[] }).companions?.some((c) => JSON.stringify(c) === key))!;
  // `JSESSIONID=1`, `JSESSIONID=` (placeholders the condition only needs to exist) read as `JSESSIONID`.
  const pairs = companions.map((c) => c.split(';')[0]!.replace(/=\d*$/, ''));
  const same = pairs.every((p) => p === pairs[0]);
  const names = pairs[0] === 'lpc_companion' ? (pairs.length === 1 ? 'another cookie' : `${pairs.length} other cookies`) : same && pairs.length > 1 ? `${pairs.length} ${pairs[0]} cookies` : pairs.length > 2 ? `${pairs.length} other cookies` : pairs.join(' and ');
  const phrase = { holds: `the response also sets ${names}`, fails: `the response does not also set ${names}` };
  return { literal: { key: `companions:${key}`, holds: true, text: op.condition?.text ?? op.label, phrase }, holds: true, op };
}

/** "for requests where the response status is 404": the directive limited to it. */
function statusAssumption(status: number, pipeline: readonly CookieOp[]): Assumption {
  const op = statusSource(status, pipeline)!;
  const label = statusLabel(status, pipeline);
  const phrase = { holds: `the response status is ${label}`, fails: `the response status is not ${label}` };
  return { literal: { key: `status:${status}`, holds: true, text: `status ${label}`, phrase }, holds: true, op };
}

const namesOfCatalog = new WeakMap<CookieCatalog, ReadonlySet<string>>();
const xsrfNames = (catalog: CookieCatalog): ReadonlySet<string> => {
  let names = namesOfCatalog.get(catalog);
  if (!names) namesOfCatalog.set(catalog, (names = new Set(catalog.xsrf.map((c) => c.name))));
  return names;
};

function gainsAt(ctx: RuleContext, pipeline: readonly CookieOp[], kind: BackendKind, sample: string, status: number, response: readonly string[] = [sample]): Gain[] {
  const gains: Gain[] = [];
  const xsrf = xsrfNames(ctx.catalog);
  let current = pipeline;
  for (let i = 0; i < pipeline.length; i++) {
    // The pipeline as written is everyone's question; the ones with directives taken away are this loop's alone.
    const result = current === pipeline ? ctx.sim.run(current, kind, response, status) : ctx.sim.once(current, kind, response, status);
    const found = new Set<CookieOp>();
    for (const branch of branchesOf(result)) {
      // A crashing or undecidable branch is reported by its own rule.
      if (branch.crash || branch.tooComplex) continue;
      // The sample's line, while it is still that cookie (an edit that blanks the name destroys it).
      const line = branch.lines.find((l) => l.origin === sample && cookieName(l.value) === cookieName(sample));
      const gain = line ? httpOnlyGain(line) : undefined;
      if (gain) {
        gains.push({ change: gain, assumptions: branch.assumptions });
        found.add(gain.op);
      }
      // What the browser receives is judged, whatever produced it: a CSRF cookie the proxy
      // creates with HttpOnly breaks the forms just as an edit does.
      for (const l of branch.lines) {
        if (l.origin !== undefined) continue;
        const name = cookieName(l.value);
        if (!xsrf.has(name)) continue;
        const made = httpOnlyGain(l);
        if (made && !found.has(made.op)) {
          gains.push({ change: made, assumptions: branch.assumptions, created: name });
          found.add(made.op);
        }
      }
    }
    if (found.size === 0 || result.bounded) break;
    current = current.filter((op) => !found.has(op));
  }
  return gains;
}

/** A directive of a group's representative pipeline that adds HttpOnly, by position. */
interface Blamed {
  readonly index: number;
  readonly cause: Span;
  readonly cookies: Set<string>;
  readonly kinds: Set<BackendKind>;
  /** The first breaking request: backend kind, what the backend sent, what the browser gets. */
  example?: { readonly kind: BackendKind; readonly sent: string; readonly received: string };
  /** The request outcomes under which it adds HttpOnly (the fewest seen; empty: every request). */
  assumptions: readonly Assumption[];
  /** Every set of outcomes under which it was seen adding HttpOnly. */
  readonly seen: Set<string>;
  /** The same, cookie by cookie (a `map` choosing the cookie name breaks each on other requests). */
  readonly perCookie: Map<string, { assumptions: readonly Assumption[]; readonly seen: Set<string> }>;
  /** The cookies the directive itself writes with HttpOnly (`Header add Set-Cookie "XSRF-TOKEN=...; HttpOnly"`). */
  readonly created: Set<string>;
}

const assumptionId = (a: Assumption) => `${a.literal.key}\u0000${a.literal.branch?.index ?? ''}\u0000${a.holds}`;
const setId = (assumptions: readonly Assumption[]) => assumptions.map(assumptionId).sort().join('\u0001');

/**
 * The outcomes a directive's HttpOnly depends on: a yes/no test it adds HttpOnly under both ways
 * (the rest the same) is left out, so the message does not name a test that does not matter
 * ("for requests where FLAGS is "HttpOnly"", not "... and env=HARDEN holds" when it adds HttpOnly
 * whether HARDEN is set or not).
 */
function relevant(assumptions: readonly Assumption[], seen: ReadonlySet<string>): readonly Assumption[] {
  // Bounded: a long <ElseIf> chain gives one outcome per branch, each naming every test before it.
  if (seen.size < 2 || assumptions.length > MAX_MERGED_TESTS) return assumptions;
  let out = assumptions;
  for (const a of assumptions) {
    const rest = out.filter((x) => x !== a);
    // The opposite answer (for a chain: its branch not taken), or each other branch of the chain.
    const flipped = seen.has(setId([...rest, { ...a, holds: !a.holds }]));
    const others = otherBranches(a);
    if (flipped || (others.length > 0 && others.every((o) => seen.has(setId([...rest, o]))))) out = rest;
  }
  return out;
}

/** Tests a message names at most, for which {@link relevant} looks for the ones that do not matter. */
const MAX_MERGED_TESTS = 8;

/** For a chain's branch taken, each other branch of the chain a request can take. */
function otherBranches(a: Assumption): Assumption[] {
  const b = a.literal.branch;
  if (!b || !a.holds) return [];
  const out: Assumption[] = [];
  for (let i = 0; i < b.count; i++) {
    if (i === b.index || (b.impossible >> BigInt(i)) & 1n) continue;
    out.push({ ...a, literal: { ...a.literal, branch: { ...b, index: i } } });
  }
  return out;
}

function collect(ctx: RuleContext): Finding[] {
  const findings = new Map<string, Finding>();
  const record = (op: CookieOp, cause: Span, blamed: Blamed, reachable: readonly BackendKind[], endpoints: readonly Endpoint[]) => {
    const key = spanKey(cause);
    let f = findings.get(key);
    if (!f) findings.set(key, (f = { op, cause, cookies: new Set(), hitBackends: new Set(), reachable: new Set(), scopes: new Map(), assumptions: blamed.assumptions, cookieAssumptions: new Map(), created: new Set() }));
    else if (blamed.assumptions.length < f.assumptions.length) {
      // The directive as the scope that breaks on more requests sees it (an Apache directive
      // rebuilt where a section decides its env= condition).
      f.assumptions = blamed.assumptions;
      f.op = op;
    }
    // A group's endpoints receive the same producers (src/engine/simulator.ts groups them by
    // pipeline AND backends): where the directive hit one, it hit them all.
    for (const name of blamed.cookies) {
      const mine = blamed.perCookie.get(name)?.assumptions ?? blamed.assumptions;
      const had = f.cookieAssumptions.get(name);
      if (!had || mine.length < had.length) f.cookieAssumptions.set(name, mine);
      let scopes = f.scopes.get(name);
      if (!scopes) f.scopes.set(name, (scopes = new Set()));
      for (const e of endpoints) scopes.add(e);
      f.cookies.add(name);
    }
    const shown = endpoints[0];
    if (!f.example && blamed.example && shown) f.example = { endpoint: shown, backend: blamed.example.kind, sent: blamed.example.sent, received: blamed.example.received };
    for (const kind of blamed.kinds) f.hitBackends.add(kind);
    for (const name of blamed.created) f.created.add(name);
    // A directive that writes the cookie line itself writes it whatever the producer.
    for (const k of reachable) if (op.reaches.includes(k) || blamed.created.size > 0) f.reachable.add(k);
  };
  for (const group of ctx.sim.groups(ctx.model.endpoints)) {
    // Simulate the group's representative; the pipelines of a group are alike op by op
    // (equal signatures, position for position), so its blame carries over by position.
    const rep = group.pipeline;
    const blamed = new Map<string, Blamed>();
    const attributes = probeAttributesOf(rep);
    for (const kind of group.backends) {
      for (const { name } of ctx.catalog.xsrf) {
        for (const sample of samplesFor(name, { attributes })) {
          for (const { change: gain, assumptions, created } of gainsOf(ctx, rep, kind, sample)) {
            const index = rep.indexOf(gain.op);
            const key = `${index}\u0000${spanKey(gain.cause)}`;
            let b = blamed.get(key);
            if (!b) blamed.set(key, (b = { index, cause: gain.cause, cookies: new Set(), kinds: new Set(), assumptions, seen: new Set(), perCookie: new Map(), created: new Set() }));
            else if (assumptions.length < b.assumptions.length) b.assumptions = assumptions;
            const cookie = created ?? name;
            if (created) b.created.add(created);
            let per = b.perCookie.get(cookie);
            if (!per) b.perCookie.set(cookie, (per = { assumptions, seen: new Set() }));
            else if (assumptions.length < per.assumptions.length) per.assumptions = assumptions;
            // Only sets {@link relevant} can compare (as many tests as the fewest, at most MAX_MERGED_TESTS).
            if (assumptions.length <= MAX_MERGED_TESTS) {
              b.seen.add(setId(assumptions));
              per.seen.add(setId(assumptions));
            }
            b.cookies.add(cookie);
            b.kinds.add(kind);
            b.example ??= { kind, sent: sample, received: gain.after };
          }
        }
      }
    }
    for (const b of blamed.values()) {
      b.assumptions = relevant(b.assumptions, b.seen);
      for (const per of b.perCookie.values()) per.assumptions = relevant(per.assumptions, per.seen);
    }
    // Endpoints by pipeline, bucketed once: a group can hold thousands of each.
    const byPipeline = new Map<readonly CookieOp[], Endpoint[]>();
    for (const e of group.endpoints) {
      let list = byPipeline.get(e.pipeline);
      if (!list) byPipeline.set(e.pipeline, (list = []));
      list.push(e);
    }
    for (const pipeline of group.pipelines) {
      // Every pipeline of the group is some endpoint's.
      const endpoints = byPipeline.get(pipeline)!;
      for (const b of blamed.values()) {
        const op = pipeline[b.index]!;
        record(op, mapCause(rep[b.index]!, b.cause, op), b, group.backends, endpoints);
      }
    }
  }
  return [...findings.values()];
}

export default defineRule({
  meta: {
    id: RULE_ID,
    severity: 'error',
    fixable: true,
    dialects: ['apache', 'nginx', 'iis', 'haproxy', 'caddy'],
    description: 'A directive adds HttpOnly to a CSRF cookie that JavaScript must read, which breaks every form.',
    securitySeverity: 5.3,
  },
  check(ctx) {
    const resolver = scopeResolverFor(ctx.model, ctx.catalog);
    for (const c of resolver.unknownInline) {
      const names = c.unknown.map((u) => {
        const hint = closest(u, productIds());
        return `"${u}"${hint ? ` (did you mean "${hint}"?)` : ''}`;
      });
      ctx.report({ span: c.comment.span, message: `lint-proxy-config-products names unknown product ${names.join(', ')}; "explain ${RULE_ID}" lists them.` });
    }
    for (const f of collect(ctx)) {
      // Which of the cookies count here, and the fix's exemptions: src/cookies/scope.ts, ./verdict.ts.
      const v = judge({ ...f, label: labelOf(f.op, f.cause) }, ctx.catalog, resolver);
      if (!v) continue;
      const names = v.exempt;
      ctx.report({
        span: focusOf(f.op, f.cause),
        message: v.message,
        brief: v.brief,
        data: v.data,
        related: v.related,
        ...(names.length > 0
          ? { fix: { exempt: names, candidates: () => ctx.fixers.excludeCookies({ op: f.op, cause: f.cause, names, options: ctx.options }) } }
          : {}),
      });
    }
  },
});
