/**
 * Runs a response's Set-Cookie headers through an endpoint's pipeline, with each operation's own
 * server semantics, and records what every step did.
 */
import { RegexBudgetError } from '../regex/index.js';
import type { BackendKind } from './backends.js';
import type { ConditionLiteral, CookieOp, Dialect, SetCookieLine, SimEnv } from './header-rewrite.js';
import { backendLine, responseState } from './set-cookie.js';
import { opOfKind } from './ops/index.js';

export interface SimStep {
  readonly op: CookieOp;
  /** Why the op did not run. */
  readonly skipped?: 'condition-false';
  readonly before: readonly string[];
  readonly after: readonly string[];
}

/** An outcome of an undecided request test that a branch of the simulation took. */
export interface Assumption {
  readonly literal: ConditionLiteral;
  /** The outcome assumed for the request: the tested fact's value, or for a chain literal whether its branch runs. */
  readonly holds: boolean;
  /** The op whose condition made the choice. */
  readonly op: CookieOp;
}

export interface SimResult {
  /** Final Set-Cookie lines in the order the server sends them. */
  readonly lines: readonly SetCookieLine[];
  readonly steps: readonly SimStep[];
  /** The server would not answer (e.g. a segfaulting worker): `lines` is then meaningless. */
  readonly crash?: { readonly op: CookieOp; readonly message: string };
  /** A pattern exhausted the regex step budget: the result after `op` is unknown. */
  readonly tooComplex?: TooComplex;
  /**
   * The request outcomes this branch assumed where they made a difference to the cookies (an
   * `unset` skipped because its `expr=` does not hold...): empty when the result holds for
   * every request.
   */
  readonly assumptions: readonly Assumption[];
  /**
   * Every distinct outcome, this one first, when undecided conditions make the result depend on
   * the request. Absent when there is one outcome.
   */
  readonly branches?: readonly SimResult[];
  /**
   * The simulation was cut short at `op`: more distinct outcomes than the branch limit (`count`
   * of them, some not explored), or a Set-Cookie line longer than {@link MAX_LINE_BYTES} or
   * changed more than {@link MAX_LINE_CHANGES} times (`count` is then its length; `op` and the
   * ones after it were not run on that branch).
   */
  readonly bounded?: { readonly op: CookieOp; readonly count: number; readonly reason: 'branches' | 'size' };
}

/** Every outcome of a result (itself when the result does not depend on the request). */
export function branchesOf(result: SimResult): readonly SimResult[] {
  return result.branches ?? [result];
}

/**
 * Whether every op of the pipeline changes each Set-Cookie line on its own, whatever the request
 * (`CookieOp.linewise`, no condition): many sample cookies can then be simulated in one response,
 * each line ending as it would alone, as long as the result is plain (one branch, no crash, no
 * pattern too complex, not cut short).
 */
export function isLinewise(pipeline: readonly CookieOp[]): boolean {
  return pipeline.every((op) => op.linewise === true && op.condition === null);
}

/**
 * How many distinct outcomes (header lists with the request tests still to come) a simulation
 * keeps at one point of the pipeline. States are merged where branches meet, so a chain of 30
 * `<ElseIf>` gives 31 and a thousand independent `<If>` blocks that each change nothing give one;
 * beyond this the first and last halves are kept, they stop splitting, and the result says so.
 */
export const MAX_BRANCHES = 32;

/**
 * A branch on which one Set-Cookie line grows beyond this many bytes or changes more than
 * {@link MAX_LINE_CHANGES} times (a thousand conditional `Header edit ... "$1; HttpOnly"`, each
 * appending) stops there: its history holds every intermediate value, quadratic in time and
 * memory. Browsers keep cookies of up to 4096 bytes (RFC 6265 §6.1); configurations seen in
 * practice change a cookie a handful of times.
 */
export const MAX_LINE_BYTES = 4096;
export const MAX_LINE_CHANGES = 64;

/**
 * Branches times ops: a long pipeline keeps fewer branches (two, for a thousand conditional ops:
 * the one that runs them all and the one that runs none), so the work stays linear in its length.
 */
const BRANCH_WORK = 2048;

function branchLimit(pipelineLength: number): number {
  return Math.max(2, Math.min(MAX_BRANCHES, Math.floor(BRANCH_WORK / Math.max(1, pipelineLength))));
}

/**
 * Apache keeps a response's cookies in one of two tables depending on who produced them
 * (proxy-semantics.md §1.5): mod_proxy_http/ajp/uwsgi/h2 and mod_php fill `headers_out`;
 * everything parsed by `ap_scan_script_header_err*` (CGI, mod_proxy_fcgi, mod_proxy_scgi) fills
 * `err_headers_out`. mod_php's `php_apache_sapi_header_handler` adds every header a script sends
 * to `headers_out` whatever status it answers with (verified with PHP 8.2: 200, 302, 404, 500).
 */
export function apacheTableFor(kind: BackendKind): 'onsuccess' | 'always' {
  return kind === 'cgi' || kind === 'fastcgi' || kind === 'scgi' ? 'always' : 'onsuccess';
}

/** The lines a backend of kind `env.backend` sends, as the dialect stores them. */
export function initialLines(dialect: Dialect, backend: BackendKind, values: readonly string[]): SetCookieLine[] {
  const table = dialect === 'apache' ? apacheTableFor(backend) : undefined;
  return values.map((v) => backendLine(v, backend, table));
}

/**
 * Wire order: httpd's header filter sends `err_headers_out` overlaid before `headers_out`
 * (`apr_table_overlay(err_headers_out, headers_out)` in `ap_http_header_filter`).
 */
function wireOrder(dialect: Dialect, lines: SetCookieLine[]): SetCookieLine[] {
  if (dialect !== 'apache') return lines;
  return [...lines.filter((l) => l.table === 'always'), ...lines.filter((l) => l.table !== 'always')];
}

/**
 * Applies one op to `lines` in place, as the server would, and says how the run ends there: the
 * server crashes (`crash`), or a pattern exhausted the regex step budget (`tooComplex`, the
 * pattern). `null`: the run goes on. Every simulation applies ops through this one function.
 */
export function applyOp(
  op: CookieOp,
  lines: SetCookieLine[],
  env: SimEnv,
): { readonly crash: string } | { readonly tooComplex: string; readonly unsupported?: string } | null {
  try {
    const outcome = op.apply(lines, env);
    return outcome?.crash ? { crash: outcome.crash } : null;
  } catch (e) {
    if (e instanceof RegexBudgetError) return e.unsupported ? { tooComplex: e.pattern, unsupported: e.unsupported } : { tooComplex: e.pattern };
    throw e;
  }
}

/**
 * A pattern the simulation could not evaluate: it exhausted the step budget, or (`unsupported`,
 * the reason) it is valid for the server but uses a construct the linter does not simulate.
 */
export interface TooComplex {
  readonly op: CookieOp;
  readonly pattern: string;
  readonly unsupported?: string;
}

export interface SimulateOptions {
  /** Keep per-step before/after snapshots (for `simulate` output); off for verdicts. */
  readonly trace?: boolean;
}

interface State {
  lines: SetCookieLine[];
  /**
   * Set on the branches kept when there were too many: from then on the branch no longer splits,
   * it takes the same outcome of every undecided test (runs every conditional op, or none).
   */
  policy?: 'run' | 'skip' | 'stopped';
  /** Outcomes of request tests decided on this branch that a later op still reads. */
  assign: Map<string, Fact>;
  witness: Assumption[];
  steps: SimStep[];
}

interface Finished {
  readonly state: State;
  readonly crash?: { readonly op: CookieOp; readonly message: string };
  readonly tooComplex?: TooComplex;
}

/** The undecided tests of an op's condition; null when the op runs unconditionally or never. */
function literalsOf(op: CookieOp): readonly ConditionLiteral[] | null {
  const c = op.condition;
  if (c?.value !== 'unknown') return null;
  return c.literals && c.literals.length > 0 ? c.literals : [{ key: `cond:${c.text}`, holds: true, text: c.text }];
}

const cloneLines = (lines: SetCookieLine[]): SetCookieLine[] => {
  const copy = lines.map((l) => ({ ...l, history: [...l.history] }));
  const state = responseState.get(lines);
  if (state) responseState.set(copy, new Map([...state].map(([k, v]) => [k, new Set(v)])));
  return copy;
};

/** The {@link responseState} of a response as text: two responses with the same lines may differ in it. */
function stateText(lines: readonly SetCookieLine[]): string {
  const state = responseState.get(lines as SetCookieLine[]);
  if (!state || state.size === 0) return '';
  return [...state].map(([k, v]) => `${k}=${[...v].sort().join(',')}`).sort().join('\u0001');
}

function sameLines(a: readonly SetCookieLine[], b: readonly SetCookieLine[]): boolean {
  if (a.length !== b.length || stateText(a) !== stateText(b)) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.value !== y.value || x.table !== y.table || x.origin !== y.origin || x.producer !== y.producer) return false;
  }
  return true;
}

/**
 * What a branch knows about one request fact: a boolean test's outcome; for an `<If>` chain,
 * the branch taken (a number) or the branches ruled out (bit i = branch i does not run).
 */
type Fact = boolean | number | { readonly not: bigint };

/** Whether the literal holds on a branch that knows `assign`: true, false, or still open. */
function check(assign: ReadonlyMap<string, Fact>, l: ConditionLiteral): boolean | 'open' {
  const v = assign.get(l.key);
  if (v === undefined) return 'open';
  if (!l.branch) return typeof v === 'boolean' ? v === l.holds : 'open';
  if (typeof v === 'number') return v === l.branch.index;
  if (typeof v === 'object') return (v.not >> BigInt(l.branch.index)) & 1n ? false : 'open';
  return 'open';
}

/** Records that the literal comes out as `holds`; false when no request can (every branch ruled out). */
function assume(assign: Map<string, Fact>, l: ConditionLiteral, holds: boolean): boolean {
  if (!l.branch) {
    assign.set(l.key, holds === l.holds);
    return true;
  }
  if (holds) {
    assign.set(l.key, l.branch.index);
    return true;
  }
  const prev = assign.get(l.key);
  const not = (typeof prev === 'object' ? prev.not : 0n) | (1n << BigInt(l.branch.index)) | l.branch.impossible;
  const all = (1n << BigInt(l.branch.count)) - 1n;
  if ((not & all) === all) return false;
  assign.set(l.key, { not });
  return true;
}

/**
 * How the request facts stated in `pipeline` decide each op's condition: `false` for an op no
 * request of the scope runs (a condition false as written, or a test the facts decide against it:
 * `<If "%{REQUEST_URI} =~ m#^/jira#">` in front of `ProxyPass /sentry`), `true` for a conditional
 * op every request runs (the `<Else>` of that `<If>` there). Ops with no condition, or one the
 * facts leave open, are not listed.
 */
export function decidedByFacts(pipeline: readonly CookieOp[]): ReadonlyMap<CookieOp, boolean> {
  const decided = new Map<CookieOp, boolean>();
  const assign = new Map<string, Fact>();
  for (const op of pipeline) {
    if (opOfKind(op, 'request-facts')) {
      for (const f of op.facts) assume(assign, f.literal, f.holds);
      continue;
    }
    if (op.condition === null) continue;
    if (op.condition.value === false) decided.set(op, false);
    else if (assign.size > 0) {
      const outcomes = (literalsOf(op) ?? []).map((l) => check(assign, l));
      if (outcomes.includes(false)) decided.set(op, false);
      else if (outcomes.length > 0 && outcomes.every((c) => c === true)) decided.set(op, true);
    }
  }
  return decided;
}

/** The ops of `pipeline` no request of its scope runs ({@link decidedByFacts}): what they name says nothing about the scope's application. */
export function opsNeverRun(pipeline: readonly CookieOp[]): ReadonlySet<CookieOp> {
  return new Set([...decidedByFacts(pipeline)].filter(([, runs]) => !runs).map(([op]) => op));
}

/** The assumption that `l` came out as the op needs (`met`) or not: the fact's value, or for a chain whether its branch ran. */
function assumption(l: ConditionLiteral, met: boolean, op: CookieOp): Assumption {
  return { literal: l, holds: l.branch ? met : met === l.holds, op };
}

function factText(v: Fact): string {
  return typeof v === 'boolean' ? (v ? '+' : '-') : typeof v === 'number' ? `=${v}` : `!${v.not.toString(36)}`;
}

function stateKey(s: State): string {
  const state = stateText(s.lines);
  const lines = s.lines.map((l) => `${l.table ?? ''}\u0001${l.producer}\u0001${l.origin ?? '\u0002'}\u0001${l.value}`).join('\u0000') + (state === '' ? '' : `\u0004${state}`);
  if (s.assign.size === 0) return lines;
  return `${lines}\u0003${[...s.assign.entries()].map(([k, v]) => `${factText(v)}${k}`).sort().join('\u0000')}`;
}

/**
 * Runs the pipeline for every request the configuration distinguishes. An op whose condition is
 * undecided splits a branch in two (it runs / it does not: an `unset` under `expr=` protects only
 * the requests where the expression holds); a test already decided on a branch is not asked
 * again (`<If c>` then `<Else>`: exactly one runs). Branches with the same cookies and the same
 * live tests are merged, so the work grows with the number of distinct outcomes, not of paths.
 */
export function simulate(
  dialect: Dialect,
  pipeline: readonly CookieOp[],
  env: SimEnv,
  backendValues: readonly string[],
  options: SimulateOptions = {},
): SimResult {
  const trace = options.trace === true;
  // The last op reading each test: after it, the outcome no longer distinguishes branches.
  const lastUse = new Map<string, number>();
  pipeline.forEach((op, i) => {
    for (const l of literalsOf(op) ?? []) lastUse.set(l.key, i);
  });
  let states: State[] = [{ lines: initialLines(dialect, env.backend, backendValues), assign: new Map(), witness: [], steps: [] }];
  // An in-process producer (nginx's own `return`, mod_php) is no upstream: nginx's `$upstream_*` read nothing there.
  const opEnv: SimEnv = { ...env, upstream: env.backend === 'module' ? [] : backendValues };
  const finished: Finished[] = [];
  let bounded: { op: CookieOp; count: number; reason: 'branches' | 'size' } | undefined;
  const limit = branchLimit(pipeline.length);

  /** Applies `op` to `state` in place; false when the state ended (crash, budget). */
  const run = (state: State, op: CookieOp): boolean => {
    const before = trace ? state.lines.map((l) => l.value) : [];
    const end = applyOp(op, state.lines, opEnv);
    if (end && 'tooComplex' in end) {
      finished.push({ state, tooComplex: { op, pattern: end.tooComplex, ...(end.unsupported ? { unsupported: end.unsupported } : {}) } });
      return false;
    }
    if (trace) state.steps.push({ op, before, after: state.lines.map((l) => l.value) });
    if (end) {
      finished.push({ state, crash: { op, message: end.crash } });
      return false;
    }
    return true;
  };
  const skip = (state: State, op: CookieOp) => {
    if (trace) {
      const values = state.lines.map((l) => l.value);
      state.steps.push({ op, skipped: 'condition-false', before: values, after: values });
    }
  };
  const fork = (state: State, assign: Map<string, Fact>): State => ({
    lines: cloneLines(state.lines),
    assign,
    witness: [...state.witness],
    steps: [...state.steps],
  });

  pipeline.forEach((op, index) => {
    const next: State[] = [];
    for (const state of states) {
      if (state.policy === 'stopped') {
        next.push(state);
        continue;
      }
      const big = state.lines.find((l) => l.value.length > MAX_LINE_BYTES || l.history.length > MAX_LINE_CHANGES);
      if (big) {
        bounded ??= { op, count: big.value.length, reason: 'size' };
        state.policy = 'stopped';
        next.push(state);
        continue;
      }
      if (opOfKind(op, 'request-facts')) {
        // Decided for every request of the scope: no branch, no witness, no step to show.
        for (const f of op.facts) assume(state.assign, f.literal, f.holds);
        next.push(state);
        continue;
      }
      if (op.condition?.value === false) {
        skip(state, op);
        next.push(state);
        continue;
      }
      const literals = literalsOf(op);
      if (!literals) {
        if (run(state, op)) next.push(state);
        continue;
      }
      let never = false;
      const open: ConditionLiteral[] = [];
      for (const l of literals) {
        const c = check(state.assign, l);
        if (c === false) never = true;
        if (c !== 'open') continue;
        const twin = open.find((o) => o.key === l.key);
        if (!twin) open.push(l);
        else if (twin.holds !== l.holds || twin.branch?.index !== l.branch?.index) never = true; // `c and not c`
      }
      if (never) {
        skip(state, op);
        next.push(state);
        continue;
      }
      if (open.length === 0) {
        if (run(state, op)) next.push(state);
        continue;
      }
      if (state.policy === 'run' || state.policy === 'skip') {
        // A bounded branch follows its policy without splitting (linear work from here on).
        const runs = state.policy === 'run' || !assume(state.assign, open[0]!, false);
        if (runs) {
          const before = state.lines.map((l) => l.value);
          for (const l of open) assume(state.assign, l, true);
          if (!run(state, op)) continue;
          const after = state.lines.map((l) => l.value);
          if (after.length !== before.length || after.some((v, i) => v !== before[i])) {
            for (const l of open) state.witness.push(assumption(l, true, op));
          }
        } else {
          skip(state, op);
          // Whether running it would have changed anything is not computed: name the test only if the op touches cookies here.
          if (op.reaches.length > 0 && state.lines.length > 0) state.witness.push(assumption(open[0]!, false, op));
        }
        next.push(state);
        continue;
      }
      // The branch where every open test comes out as the op needs: it runs.
      const ran = fork(state, new Map(state.assign));
      for (const l of open) assume(ran.assign, l, true);
      const alive = run(ran, op);
      const differs = !alive || !sameLines(ran.lines, state.lines);
      if (alive) {
        if (differs) for (const l of open) ran.witness.push(assumption(l, true, op));
        next.push(ran);
      }
      // The branches where it does not: the first open test fails, or the first holds and the second fails...
      const variants: Map<string, Fact>[] = [];
      for (let j = 0; j < open.length; j++) {
        const assign = new Map(state.assign);
        let feasible = true;
        for (let k = 0; k < j; k++) assume(assign, open[k]!, true);
        if (!assume(assign, open[j]!, false)) feasible = false;
        variants.push(feasible ? assign : new Map([['\u0000infeasible', true]]));
      }
      variants.forEach((assign, j) => {
        if (assign.has('\u0000infeasible')) return;
        const last = variants.slice(j + 1).every((a) => a.has('\u0000infeasible'));
        const skipped: State = last ? { ...state, assign } : fork(state, assign);
        if (differs) skipped.witness = [...skipped.witness, assumption(open[j]!, false, op)];
        skip(skipped, op);
        next.push(skipped);
      });
    }
    // One branch (no undecided condition so far): nothing to merge.
    if (next.length === 1 && next[0]!.assign.size === 0) {
      states = next;
      return;
    }
    // Forget tests no later op reads, then merge branches that became identical.
    const merged = new Map<string, State>();
    for (const s of next) {
      for (const key of s.assign.keys()) if ((lastUse.get(key) ?? -1) <= index) s.assign.delete(key);
      const key = stateKey(s);
      if (!merged.has(key)) merged.set(key, s);
    }
    states = [...merged.values()];
    if (states.length > limit) {
      if (!bounded) bounded = { op, count: states.length, reason: 'branches' };
      // Keep both ends (the branches that ran the most conditional ops and those that ran the
      // fewest); from here on they no longer split.
      const head = states.slice(0, Math.ceil(limit / 2));
      const tail = states.slice(states.length - Math.floor(limit / 2));
      for (const s of head) s.policy ??= 'run';
      for (const s of tail) s.policy ??= 'skip';
      states = [...head, ...tail];
    }
  });

  const results: SimResult[] = [
    ...states.map((s) => ({ lines: wireOrder(dialect, s.lines), steps: s.steps, assumptions: s.witness })),
    ...finished.map((f) => ({
      lines: wireOrder(dialect, f.state.lines),
      steps: f.state.steps,
      assumptions: f.state.witness,
      ...(f.crash ? { crash: f.crash } : {}),
      ...(f.tooComplex ? { tooComplex: f.tooComplex } : {}),
    })),
  ];
  const extra = bounded ? { bounded } : {};
  if (results.length === 1) return { ...results[0]!, ...extra };
  // The first branch speaks for the result (the old single answer); every branch is listed.
  const branches = results.map((r) => ({ ...r, ...extra }));
  return { ...branches[0]!, branches, ...extra };
}
