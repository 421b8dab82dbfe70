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
import { simulate, type SimResult } from '../model/simulate.js';
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
    ...(r.tooComplex ? { tooComplex: { op: opFor(r.tooComplex.op), pattern: r.tooComplex.pattern } } : {}),
    ...(r.bounded ? { bounded: { ...r.bounded, op: opFor(r.bounded.op) } } : {}),
  });
  if (!result.branches) return one(result);
  const branches = result.branches.map(one);
  return { ...branches[0]!, branches };
}

export function createSimulator(dialect: Dialect): Simulator {
  const opIds = new WeakMap<CookieOp, number>();
  let nextId = 1;
  const partOf = (op: CookieOp): string => {
    const sig = opSignature(op);
    if (sig !== null) return `${sig}\u0003${op.parts.length}`;
    let id = opIds.get(op);
    if (id === undefined) opIds.set(op, (id = nextId++));
    return `#${id}`;
  };
  /** A small id per distinct behaviour, remembered per pipeline array. */
  const keyIds = new Map<string, number>();
  const pipelineIds = new WeakMap<readonly CookieOp[], number>();
  const keyId = (pipeline: readonly CookieOp[]): number => {
    let id = pipelineIds.get(pipeline);
    if (id !== undefined) return id;
    const key = pipeline.map(partOf).join('\u0002');
    id = keyIds.get(key);
    if (id === undefined) keyIds.set(key, (id = keyIds.size));
    pipelineIds.set(pipeline, id);
    return id;
  };
  // Results by pipeline id, then backend and status, then input: no key strings on the hot path.
  const cache = new Map<number, Map<string, Map<string, { pipeline: readonly CookieOp[]; result: SimResult }>>>();
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
    run(pipeline: readonly CookieOp[], backend: BackendKind, values: readonly string[], status = 200): SimResult {
      const id = keyId(pipeline);
      let byEnv = cache.get(id);
      if (!byEnv) cache.set(id, (byEnv = new Map()));
      const env = status === 200 ? backend : `${backend}:${status}`;
      let byInput = byEnv.get(env);
      if (!byInput) byEnv.set(env, (byInput = new Map()));
      const input = values.length === 1 ? values[0]! : values.join('\u0001');
      const hit = byInput.get(input);
      if (hit === undefined) {
        const result = simulate(dialect, pipeline, { backend, status }, values);
        byInput.set(input, { pipeline, result });
        return result;
      }
      return hit.pipeline === pipeline ? hit.result : rebind(hit.result, hit.pipeline, pipeline);
    },
  };
}
