/**
 * Memoized simulation. Large configurations repeat the same pipelines thousands of times (every
 * nginx location inheriting the http-level directives, every vhost including the same snippet);
 * a pipeline is keyed by the identity of its operations, so each distinct one is simulated once.
 */
import type { BackendKind } from '../model/backends.js';
import type { CookieOp, Dialect, Endpoint } from '../model/header-rewrite.js';
import { simulate, type SimResult } from '../model/simulate.js';
import type { PipelineGroup, Simulator } from './rule.js';

export function createSimulator(dialect: Dialect): Simulator {
  const opIds = new WeakMap<CookieOp, number>();
  let nextId = 1;
  const idOf = (op: CookieOp): number => {
    let id = opIds.get(op);
    if (id === undefined) {
      id = nextId++;
      opIds.set(op, id);
    }
    return id;
  };
  const pipelineKeys = new WeakMap<readonly CookieOp[], string>();
  const keyOf = (pipeline: readonly CookieOp[]): string => {
    let key = pipelineKeys.get(pipeline);
    if (key === undefined) {
      key = pipeline.map(idOf).join(',');
      pipelineKeys.set(pipeline, key);
    }
    return key;
  };
  const cache = new Map<string, SimResult>();
  return {
    groups(endpoints: readonly Endpoint[]): PipelineGroup[] {
      const byKey = new Map<string, { pipeline: readonly CookieOp[]; backends: Set<BackendKind>; endpoints: Endpoint[]; key: string }>();
      for (const endpoint of endpoints) {
        const key = keyOf(endpoint.pipeline);
        let group = byKey.get(key);
        if (!group) byKey.set(key, (group = { pipeline: endpoint.pipeline, backends: new Set(), endpoints: [], key }));
        for (const b of endpoint.possibleBackends) group.backends.add(b);
        group.endpoints.push(endpoint);
      }
      return [...byKey.values()].map((g) => ({ pipeline: g.pipeline, backends: [...g.backends], endpoints: g.endpoints, key: g.key }));
    },
    run(pipeline: readonly CookieOp[], backend: BackendKind, values: readonly string[], status = 200): SimResult {
      const key = `${backend}\u0000${status}\u0000${keyOf(pipeline)}\u0000${values.join('\u0001')}`;
      let result = cache.get(key);
      if (result === undefined) {
        result = simulate(dialect, pipeline, { backend, status }, values);
        cache.set(key, result);
      }
      return result;
    },
  };
}
