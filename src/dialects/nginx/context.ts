/**
 * Where the root file lives in nginx's configuration tree. A complete nginx.conf is `main`; a
 * snippet included from elsewhere (sites-available/x, snippets/proxy.conf) is linted on its own
 * in the context it is included in: `--context`, a `# lint-proxy-config: context location`
 * comment, or a guess from the directives it holds.
 */
import type { CommentToken } from '../../model/header-rewrite.js';
import type { Directive } from './syntax.js';

export type RootContext = 'main' | 'http' | 'server' | 'location';

const CONTEXT_COMMENT = /^\s*lint-proxy-config:\s*context\s+(main|http|server|location)\b/;

/** Directives that only exist in the main context. */
const MAIN_ONLY = new Set(['http', 'events', 'stream', 'mail', 'worker_processes', 'user', 'load_module', 'pid', 'worker_rlimit_nofile', 'daemon', 'master_process', 'env', 'pcre_jit', 'thread_pool']);
/** Directives of the http context that a server or location cannot hold. */
const HTTP_ONLY = new Set(['server', 'upstream', 'map', 'log_format', 'proxy_cache_path', 'fastcgi_cache_path', 'limit_req_zone', 'limit_conn_zone', 'geo', 'split_clients', 'variables_hash_max_size', 'server_names_hash_bucket_size', 'lua_package_path', 'lua_shared_dict', 'init_by_lua_block']);
const SERVER_ONLY = new Set(['location', 'listen', 'server_name', 'ssl_certificate', 'ssl_certificate_key']);

export function contextFromComments(comments: readonly CommentToken[], file: string): RootContext | null {
  for (const c of comments) {
    if (c.span.file !== file) continue;
    const m = CONTEXT_COMMENT.exec(c.text);
    if (m) return m[1] as RootContext;
  }
  return null;
}

export function guessContext(directives: readonly Directive[]): RootContext {
  const names = new Set<string>();
  const collect = (ds: readonly Directive[]) => {
    for (const d of ds) {
      names.add(d.name.value);
      if (d.included) for (const f of d.included) collect(f.directives);
    }
  };
  collect(directives);
  const has = (set: ReadonlySet<string>) => [...names].some((n) => set.has(n));
  if (has(MAIN_ONLY)) return 'main';
  if (has(HTTP_ONLY)) return 'http';
  if (has(SERVER_ONLY)) return 'server';
  return 'location';
}
