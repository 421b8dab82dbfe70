/**
 * Caddy's directive order (Caddy 2.6 `caddyconfig/httpcaddyfile/directives.go` `directiveOrder`,
 * checked with `caddy adapt`): the Caddyfile adapter sorts the directives of a site block (and of
 * every `handle` block) by this table, whatever order they are written in; `route` blocks keep
 * their written order. The global `order` option moves a directive (`first`, `last`,
 * `before <d>`, `after <d>`).
 *
 * Directives of the same name are sub-sorted (`sortRoutes`, a stable sort): a route whose single
 * matcher set has exactly one path sorts by that path's length, longest first (from 2.7.0 a path
 * equal to another but for a trailing `*` sorts before it); when either has no such path, a route
 * with a matcher sorts before one without. That comparison is not a total order (a route with a
 * non-path matcher "equals" every route with a path), so the result depends on Go's
 * `sort.SliceStable` itself; it is reproduced step by step (goStableSort). Checked with
 * `caddy adapt` 2.6.2. `handle_path` is registered as `handle`.
 */

import { atLeast, type CaddyVersion } from './version.js';

export const DIRECTIVE_ORDER: readonly string[] = [
  'tracing', 'map', 'vars', 'root', 'header', 'copy_response_headers', 'request_body', 'redir', 'method', 'rewrite', 'uri',
  'try_files', 'basicauth', 'forward_auth', 'request_header', 'encode', 'push', 'templates', 'handle', 'handle_path', 'route',
  'abort', 'error', 'copy_response', 'respond', 'metrics', 'reverse_proxy', 'php_fastcgi', 'file_server', 'acme_server',
];

export interface OrderChange {
  readonly directive: string;
  readonly position: 'first' | 'last' | 'before' | 'after';
  readonly other?: string;
}

export function directiveOrder(changes: readonly OrderChange[]): Map<string, number> {
  const order = [...DIRECTIVE_ORDER];
  for (const c of changes) {
    const at = order.indexOf(c.directive);
    if (at >= 0) order.splice(at, 1);
    if (c.position === 'first') order.unshift(c.directive);
    else if (c.position === 'last') order.push(c.directive);
    else {
      const other = order.indexOf(c.other ?? '');
      if (other < 0) order.push(c.directive);
      else order.splice(c.position === 'before' ? other : other + 1, 0, c.directive);
    }
  }
  return new Map(order.map((d, i) => [d, i]));
}

export interface Sortable {
  readonly directive: string;
  /** How many matcher sets the route has: 0 without a matcher, 1 with a matcher token. */
  readonly matcherSets: number;
  /** The `path` list of the route's matcher set (empty when it has none). */
  readonly paths: readonly string[];
}

/**
 * Go's `sort.SliceStable` (sort/zsortfunc.go: insertion sort of blocks of 20, then SymMerge
 * rounds), reimplemented so that a comparison that is not a strict weak order gives the order Go
 * gives.
 */
export function goStableSort<T>(data: T[], less: (a: T, b: T) => boolean): T[] {
  const lessAt = (i: number, j: number) => less(data[i]!, data[j]!);
  const swap = (i: number, j: number) => {
    const t = data[i]!;
    data[i] = data[j]!;
    data[j] = t;
  };
  const insertion = (a: number, b: number) => {
    for (let i = a + 1; i < b; i++) for (let j = i; j > a && lessAt(j, j - 1); j--) swap(j, j - 1);
  };
  const swapRange = (a: number, b: number, n: number) => {
    for (let i = 0; i < n; i++) swap(a + i, b + i);
  };
  const rotate = (a: number, m: number, b: number) => {
    let i = m - a;
    let j = b - m;
    while (i !== j) {
      if (i > j) {
        swapRange(m - i, m, j);
        i -= j;
      } else {
        swapRange(m - i, m + j - i, i);
        j -= i;
      }
    }
    swapRange(m - i, m, i);
  };
  const symMerge = (a: number, m: number, b: number): void => {
    if (m - a === 1) {
      let i = m;
      let j = b;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (lessAt(h, a)) i = h + 1;
        else j = h;
      }
      for (let k = a; k < i - 1; k++) swap(k, k + 1);
      return;
    }
    if (b - m === 1) {
      let i = a;
      let j = m;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (!lessAt(m, h)) i = h + 1;
        else j = h;
      }
      for (let k = m; k > i; k--) swap(k, k - 1);
      return;
    }
    const mid = (a + b) >>> 1;
    const n = mid + m;
    let start: number;
    let r: number;
    if (m > mid) {
      start = n - b;
      r = mid;
    } else {
      start = a;
      r = m;
    }
    const p = n - 1;
    while (start < r) {
      const c = (start + r) >>> 1;
      if (!lessAt(p - c, c)) start = c + 1;
      else r = c;
    }
    const end = n - start;
    if (start < m && m < end) rotate(start, m, end);
    if (a < start && start < mid) symMerge(a, start, mid);
    if (mid < end && end < b) symMerge(mid, end, b);
  };
  const n = data.length;
  let blockSize = 20;
  let a = 0;
  let b = blockSize;
  while (b <= n) {
    insertion(a, b);
    a = b;
    b += blockSize;
  }
  insertion(a, n);
  while (blockSize < n) {
    a = 0;
    b = 2 * blockSize;
    while (b <= n) {
      symMerge(a, a + blockSize, b);
      a = b;
      b += 2 * blockSize;
    }
    const m = a + blockSize;
    if (m < n) symMerge(a, m, n);
    blockSize *= 2;
  }
  return data;
}

/** The sort of a site's (or a `handle` block's) directives as the adapter does (`sortRoutes`). */
export function sortDirectives<T extends Sortable>(items: readonly T[], order: ReadonlyMap<string, number>, version: CaddyVersion = [2, 6, 2]): T[] {
  const pos = (d: string) => order.get(d === 'handle_path' ? 'handle' : d) ?? Number.MAX_SAFE_INTEGER;
  const name = (d: string) => (d === 'handle_path' ? 'handle' : d);
  const wildcardTie = atLeast(version, [2, 7, 0]);
  const single = (x: T) => (x.matcherSets === 1 && x.paths.length === 1 ? x.paths[0]! : '');
  return goStableSort([...items], (i, j) => {
    if (name(i.directive) !== name(j.directive)) return pos(i.directive) < pos(j.directive);
    const ip = single(i);
    const jp = single(j);
    let byPath: boolean;
    if (ip.length > 0 && jp.length > 0) {
      byPath = wildcardTie && ip.replace(/\*$/, '') === jp.replace(/\*$/, '') ? ip.length < jp.length : ip.length > jp.length;
    } else byPath = i.matcherSets > 0 && j.matcherSets === 0;
    // `vars` sorts least specific first, so that the most specific one is set last.
    return name(i.directive) === 'vars' ? !byPath : byPath;
  });
}
