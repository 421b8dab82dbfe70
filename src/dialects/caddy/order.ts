/**
 * Caddy's directive order (Caddy 2.6 `caddyconfig/httpcaddyfile/directives.go` `directiveOrder`,
 * checked with `caddy adapt`): the Caddyfile adapter sorts the directives of a site block (and of
 * every `handle` block) by this table, whatever order they are written in; `route` blocks keep
 * their written order. The global `order` option moves a directive (`first`, `last`,
 * `before <d>`, `after <d>`).
 *
 * Directives of the same name are sorted by their path matcher, the longest path first and
 * directives without one last (`sortRoutes`); `handle_path` sorts as `handle`.
 */

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
  /** The first path of a path matcher, when the directive has one. */
  readonly path?: string;
}

/** Stable sort of a site's directives as the adapter does. */
export function sortDirectives<T extends Sortable>(items: readonly T[], order: ReadonlyMap<string, number>): T[] {
  const pos = (d: string) => order.get(d === 'handle_path' ? 'handle' : d) ?? Number.MAX_SAFE_INTEGER;
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => {
      const pa = pos(a.item.directive);
      const pb = pos(b.item.directive);
      if (pa !== pb) return pa - pb;
      const la = a.item.path?.length ?? 0;
      const lb = b.item.path?.length ?? 0;
      if (la !== lb) return lb - la;
      return a.index - b.index;
    })
    .map((x) => x.item);
}
