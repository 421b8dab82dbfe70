/**
 * Memoized simulation. Large configurations repeat the same pipelines thousands of times: every
 * nginx location inheriting the http-level directives, every vhost with the same `Header edit`
 * line. Pipelines are keyed by their ops' semantic signatures (src/model/signature.ts), so each
 * distinct behaviour is simulated once; the result is then rebound to any other pipeline with
 * the same signatures — its history, causes and steps point at that pipeline's own directives,
 * so blame stays exact.
 */
import type { BackendKind } from '../model/backends.js';
import type { CookieOp, Dialect, Endpoint, LineChange, SetCookieLine } from '../model/header-rewrite.js';
import { opSignature } from '../model/signature.js';
import { branchesOf, simulate, type SimResult } from '../model/simulate.js';
import type { Span } from '../source.js';
import type { PipelineGroup, Simulator } from './rule.js';

const sameSpan = (a: Span | undefined, b: Span | undefined) => a !== undefined && b !== undefined && a.file === b.file && a.start === b.start && a.end === b.end;

/** The cause in `to` that corresponds to `cause` in `from` (same place: op, focus, part, or offset). */
export function mapCause(from: CookieOp, cause: Span, to: CookieOp): Span {
  if (from === to) return cause;
  if (sameSpan(cause, from.span)) return to.span;
  if (sameSpan(cause, from.focus)) return to.focus ?? to.span;
  const i = from.parts.findIndex((p) => sameSpan(p.span, cause) || sameSpan(p.focus, cause));
  const part = i >= 0 ? to.parts[i] : undefined;
  if (part) return sameSpan(from.parts[i]!.span, cause) ? part.span : (part.focus ?? part.span);
  if (cause.file === from.span.file && cause.start >= from.span.start && cause.end <= from.span.end) {
    return { file: to.span.file, start: to.span.start + (cause.start - from.span.start), end: to.span.start + (cause.end - from.span.start) };
  }
  return cause;
}

function rebind(result: SimResult, from: readonly CookieOp[], to: readonly CookieOp[]): SimResult {
  const index = new Map(from.map((op, i) => [op, i]));
  const opFor = (op: CookieOp) => to[index.get(op) ?? -1] ?? op;
  const change = (c: LineChange): LineChange => {
    const op = opFor(c.op);
    return { op, cause: mapCause(c.op, c.cause, op), before: c.before, after: c.after };
  };
  const line = (l: SetCookieLine): SetCookieLine => ({ ...l, history: l.history.map(change) });
  const one = (r: SimResult): SimResult => ({
    lines: r.lines.map(line),
    steps: r.steps.map((s) => ({ ...s, op: opFor(s.op) })),
    assumptions: r.assumptions.map((a) => ({ ...a, op: opFor(a.op) })),
    ...(r.crash ? { crash: { op: opFor(r.crash.op), message: r.crash.message } } : {}),
    ...(r.tooComplex ? { tooComplex: { ...r.tooComplex, op: opFor(r.tooComplex.op) } } : {}),
    ...(r.bounded ? { bounded: { ...r.bounded, op: opFor(r.bounded.op) } } : {}),
  });
  if (!result.branches) return one(result);
  const branches = result.branches.map(one);
  return { ...branches[0]!, branches };
}

/**
 * How much the memo keeps, in characters of the Set-Cookie values its results hold (a result's
 * lines and every intermediate value in their histories). Results are memoized because large
 * configurations ask the same question thousands of times, but one result can hold up to
 * MAX_LINE_CHANGES values of MAX_LINE_BYTES each, and a fix proof asks about every edited
 * pipeline: kept without bound, 200 IIS outbound rules next to 200 `<location>` elements filled
 * a 1.5 GB heap. Past this budget the entries not asked for since the last sweep are dropped
 * (a dropped result is simulated again if asked for: the same answer, later).
 */
export const MEMO_CHARS = 32 * 1024 * 1024;

/** An estimate of the memory a result holds, in characters (with a little for each object). */
export function resultChars(result: SimResult): number {
  let n = 0;
  for (const r of branchesOf(result)) {
    for (const l of r.lines) {
      n += 64 + l.value.length + (l.origin?.length ?? 0);
      for (const c of l.history) n += 64 + c.before.length + c.after.length;
    }
    n += 64 * (r.steps.length + r.assumptions.length);
  }
  return n;
}

/** How many derived values (`Simulator.derived`) the simulator keeps before it starts again. */
const MAX_DERIVED = 65_536;

interface MemoEntry {
  readonly pipeline: readonly CookieOp[];
  readonly result: SimResult;
  readonly chars: number;
  /** Asked for since the last sweep: survives the next one. */
  used: boolean;
  /** The result last rebound to another pipeline, and that pipeline: rules of one model ask alike. */
  reboundFor?: readonly CookieOp[];
  rebound?: SimResult;
}

export function createSimulator(dialect: Dialect): Simulator {
  const opIds = new WeakMap<CookieOp, number>();
  let nextId = 1;
  /** A small id per distinct op behaviour: its signature interned, or the op itself. */
  const signatureIds = new Map<string, number>();
  const partOf = (op: CookieOp): number => {
    let id = opIds.get(op);
    if (id !== undefined) return id;
    const sig = opSignature(op);
    if (sig !== null) {
      const key = `${sig}\u0003${op.parts.length}`;
      id = signatureIds.get(key);
      if (id === undefined) signatureIds.set(key, (id = nextId++));
    } else id = nextId++;
    opIds.set(op, id);
    return id;
  };
  /**
   * A small id per distinct behaviour of a whole pipeline, interned prefix by prefix (the id of
   * the pipeline without its last op, and that op's id), so a key costs two small numbers per
   * op rather than a string as long as every signature in the pipeline together.
   */
  const prefixIds = new Map<string, number>();
  const pipelineIds = new WeakMap<readonly CookieOp[], number>();
  const keyId = (pipeline: readonly CookieOp[]): number => {
    let id = pipelineIds.get(pipeline);
    if (id !== undefined) return id;
    id = 0;
    for (const op of pipeline) {
      const key = `${id}:${partOf(op)}`;
      let next = prefixIds.get(key);
      if (next === undefined) prefixIds.set(key, (next = prefixIds.size + 1));
      id = next;
    }
    pipelineIds.set(pipeline, id);
    return id;
  };
  // Results by pipeline id, then backend and status, then input: no key strings on the hot path.
  const cache = new Map<number, Map<string, Map<string, MemoEntry>>>();
  /** Entries in the order they were remembered, with where they are: the sweep's round. */
  let order: { readonly byInput: Map<string, MemoEntry>; readonly input: string; readonly entry: MemoEntry }[] = [];
  let chars = 0;
  const remember = (byInput: Map<string, MemoEntry>, input: string, entry: MemoEntry) => {
    byInput.set(input, entry);
    order.push({ byInput, input, entry });
    chars += entry.chars;
    if (chars <= MEMO_CHARS) return;
    // Sweep: drop what was not asked for again since it was remembered or last swept, oldest
    // first, until half the budget is free; the rest waits for the next sweep.
    const kept: typeof order = [];
    for (const o of order) {
      if (chars > MEMO_CHARS / 2 && !o.entry.used && o.entry !== entry) {
        o.byInput.delete(o.input);
        chars -= o.entry.chars;
      } else {
        o.entry.used = false;
        kept.push(o);
      }
    }
    order = kept;
  };
  /** Entries holding a rebound result, to be let go when the model is done. */
  let rebound: MemoEntry[] = [];
  const answer = (hit: MemoEntry, pipeline: readonly CookieOp[]): SimResult => {
    hit.used = true;
    if (hit.pipeline === pipeline) return hit.result;
    if (hit.reboundFor !== pipeline) {
      if (hit.reboundFor === undefined) rebound.push(hit);
      hit.rebound = rebind(hit.result, hit.pipeline, pipeline);
      hit.reboundFor = pipeline;
    }
    return hit.rebound!;
  };
  // Values derived from a pipeline's behaviour: small plain data, bounded by a count.
  const derivedValues = new Map<string, unknown>();
  // Every rule asks for the groups of the same endpoints: compute them once.
  const groupCache = new WeakMap<readonly Endpoint[], PipelineGroup[]>();
  return {
    groups(endpoints: readonly Endpoint[]): PipelineGroup[] {
      const cached = groupCache.get(endpoints);
      if (cached) return cached;
      // Endpoints are grouped by behaviour AND by the producers they can receive: the same
      // directive behind a CGI script and behind a proxy is a different verdict (mod_headers'
      // onsuccess table never sees CGI cookies), so one group never lends its backends to another.
      const byKey = new Map<string, { pipeline: readonly CookieOp[]; backends: Set<BackendKind>; endpoints: Endpoint[]; pipelines: Set<readonly CookieOp[]> }>();
      for (const endpoint of endpoints) {
        const key = `${keyId(endpoint.pipeline)}|${[...endpoint.possibleBackends].sort().join(',')}`;
        let group = byKey.get(key);
        if (!group) byKey.set(key, (group = { pipeline: endpoint.pipeline, backends: new Set(), endpoints: [], pipelines: new Set() }));
        for (const b of endpoint.possibleBackends) group.backends.add(b);
        group.endpoints.push(endpoint);
        group.pipelines.add(endpoint.pipeline);
      }
      const groups = [...byKey.entries()].map(([key, g]) => ({
        pipeline: g.pipeline,
        backends: [...g.backends],
        endpoints: g.endpoints,
        pipelines: [...g.pipelines],
        key,
      }));
      groupCache.set(endpoints, groups);
      return groups;
    },
    endModel(): void {
      for (const entry of rebound) {
        entry.rebound = undefined;
        entry.reboundFor = undefined;
      }
      rebound = [];
    },
    derived<T>(pipeline: readonly CookieOp[], key: string, compute: () => T): T {
      const id = `${keyId(pipeline)}\u0000${key}`;
      if (derivedValues.has(id)) return derivedValues.get(id) as T;
      const value = compute();
      if (derivedValues.size >= MAX_DERIVED) derivedValues.clear();
      derivedValues.set(id, value);
      return value;
    },
    once(pipeline: readonly CookieOp[], backend: BackendKind, values: readonly string[], status = 200): SimResult {
      const id = pipelineIds.get(pipeline);
      const env = status === 200 ? backend : `${backend}:${status}`;
      const hit = id === undefined ? undefined : cache.get(id)?.get(env)?.get(values.length === 1 ? values[0]! : values.join('\u0001'));
      return hit ? answer(hit, pipeline) : simulate(dialect, pipeline, { backend, status }, values);
    },
    run(pipeline: readonly CookieOp[], backend: BackendKind, values: readonly string[], status = 200): SimResult {
      const id = keyId(pipeline);
      let byEnv = cache.get(id);
      if (!byEnv) cache.set(id, (byEnv = new Map()));
      const env = status === 200 ? backend : `${backend}:${status}`;
      let byInput = byEnv.get(env);
      if (!byInput) byEnv.set(env, (byInput = new Map()));
      const input = values.length === 1 ? values[0]! : values.join('\u0001');
      const hit = byInput.get(input);
      if (hit !== undefined) return answer(hit, pipeline);
      const result = simulate(dialect, pipeline, { backend, status }, values);
      remember(byInput, input, { pipeline, result, chars: resultChars(result), used: false });
      return result;
    },
  };
}
