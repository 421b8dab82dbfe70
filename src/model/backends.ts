/**
 * The kinds of producer a Set-Cookie header can come from. Which directives see a cookie depends
 * on its producer: Apache keeps proxied cookies in `headers_out` (seen by `Header onsuccess`) but
 * CGI/FastCGI cookies in `err_headers_out` (seen by `Header always`) — proxy-semantics.md §1.5;
 * nginx rewrites cookies only for `proxy_pass` — §2.1.
 */
import type { Dialect } from './header-rewrite.js';

export type BackendKind =
  /** Reverse proxy over HTTP(S)/h2: Apache mod_proxy_http/http2, nginx proxy_pass, IIS ARR. */
  | 'http'
  /** Apache mod_proxy_ajp (Tomcat: Jira, Confluence, Bitbucket). */
  | 'ajp'
  /** FastCGI: Apache mod_proxy_fcgi, nginx fastcgi_pass (PHP-FPM). */
  | 'fastcgi'
  /** Apache mod_proxy_scgi, nginx scgi_pass. */
  | 'scgi'
  /** Apache mod_proxy_uwsgi, nginx uwsgi_pass. */
  | 'uwsgi'
  /** nginx grpc_pass. */
  | 'grpc'
  /** Apache mod_cgi / mod_cgid scripts. */
  | 'cgi'
  /** An in-process application: mod_php, ASP.NET, a module of the server itself. */
  | 'module';

export const BACKEND_LABELS: Readonly<Record<BackendKind, string>> = {
  http: 'HTTP-proxied',
  ajp: 'AJP-proxied',
  fastcgi: 'FastCGI (PHP-FPM)',
  scgi: 'SCGI',
  uwsgi: 'uWSGI',
  grpc: 'gRPC',
  cgi: 'CGI',
  module: 'in-process (mod_php, ASP.NET)',
};

/**
 * How a message names a producer in `dialect`: the `module` producer of nginx, HAProxy and Caddy
 * is the server answering itself (`return 403`, `respond`), not an in-process application.
 */
export function backendLabel(kind: BackendKind, dialect?: Dialect): string {
  if (kind === 'module' && dialect && dialect in OWN_ANSWERS) return `${OWN_ANSWERS[dialect]}'s own`;
  return BACKEND_LABELS[kind];
}

const OWN_ANSWERS: Partial<Record<Dialect, string>> = { nginx: 'nginx', haproxy: 'HAProxy', caddy: 'Caddy' };

/** A backend that a scope of the configuration sends requests to. */
export interface BackendRef {
  readonly kind: BackendKind;
  /** What the config names, e.g. `http://127.0.0.1:8080/jira` or `/usr/lib/cgi-bin/`. */
  readonly target: string;
  /** The directive declaring it, when there is one. */
  readonly span?: import('../source.js').Span;
}

/**
 * Lists backend kinds for a message: "for HTTP-proxied and AJP-proxied responses".
 * `all` is the set the scope could reach; when every one of them is hit the sentence says so.
 */
export function describeBackends(hit: readonly BackendKind[], all: readonly BackendKind[], dialect?: Dialect): string {
  const order = Object.keys(BACKEND_LABELS) as BackendKind[];
  const sorted = order.filter((k) => hit.includes(k));
  if (sorted.length === 0) return '';
  if (all.length > 0 && all.every((k) => hit.includes(k))) return '';
  const names = sorted.map((k) => backendLabel(k, dialect));
  const list = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]!}`;
  return `for ${list} responses only`;
}
