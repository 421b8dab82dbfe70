/**
 * Random nginx server blocks built from the directives that change Set-Cookie lines, for the
 * differential test against the real nginx (nginx.test.ts). Each block mixes levels (server,
 * locations of every kind, nested locations, `if` inside a location, a guard `if` at server
 * level) so inheritance, overriding and interaction between directives are exercised together,
 * not one directive at a time; locations may answer themselves (`return`, `deny all`,
 * `limit_except`) before or around their `if`s, or proxy nothing and serve files. Some
 * combinations are refused by `nginx -t` (a duplicate, a directive in the wrong context): the
 * linter must then refuse them too.
 */
import fc from 'fast-check';

/** Directives valid at server and location level that touch Set-Cookie lines. */
export const COOKIE_DIRECTIVES: readonly string[] = [
  'proxy_cookie_path / "/; HTTPOnly; Secure";',
  'proxy_cookie_path ~^/(.*)$ "/$1; HttpOnly";',
  'proxy_cookie_path /app/ /;',
  'proxy_cookie_path ~*^/APP "/x; secure";',
  'proxy_cookie_path /app "/app; SameSite=Strict";',
  'proxy_cookie_path off;',
  'proxy_cookie_flags ~ httponly;',
  'proxy_cookie_flags ~ secure samesite=strict;',
  'proxy_cookie_flags XSRF-TOKEN nohttponly;',
  'proxy_cookie_flags ~^(?!XSRF-TOKEN|csrftoken) httponly;',
  'proxy_cookie_flags csrftoken nosecure nohttponly;',
  'proxy_cookie_flags ~*^jsession httponly secure;',
  'proxy_cookie_flags ~ nohttponly samesite=lax;',
  'proxy_cookie_flags ~xsrf httponly;',
  'proxy_cookie_flags off;',
  'proxy_cookie_domain example.com app.test;',
  'proxy_cookie_domain ~^(.*)\\.example\\.(com|org)$ $1.test;',
  'proxy_cookie_domain off;',
  'add_header Set-Cookie "lpc_add=1; Path=/";',
  'add_header Set-Cookie "XSRF-TOKEN=added; Path=/; HttpOnly" always;',
  'add_header Set-Cookie "$cookie_a; HttpOnly";',
  'add_header X-Other 1;',
  'proxy_hide_header Set-Cookie;',
  'proxy_pass_header Set-Cookie;',
  'more_set_headers "Set-Cookie: m=1; HttpOnly";',
  'more_clear_headers Set-Cookie;',
  "more_set_headers -s 404 'Set-Cookie: nf=1';",
  "more_set_headers -s '200 302' 'X-Only: 1';",
  "more_set_headers -t 'text/html' 'Set-Cookie: html=1';",
  'add_header Set-Cookie "h=$host; Path=/";',
  'add_header Set-Cookie "$lpc_name=1; Path=/; HttpOnly";',
  'add_header Set-Cookie $lpc_line;',
  'proxy_cookie_flags $lpc_name httponly;',
  'proxy_cookie_path $lpc_path "/; HttpOnly";',
  'proxy_cookie_path ~^(?<p>/app)(.*)$ "$p$2; HttpOnly";',
  'set $lpc_name csrftoken;',
  'proxy_intercept_errors on;',
  'proxy_cookie_path ~*^/app(/.*)?$ "/APP$1; Secure";',
  'proxy_cookie_path /app/ "/new/; HttpOnly";',
  'proxy_cookie_flags ~ samesite=none secure;',
  'proxy_cookie_flags ~ nosamesite nosecure;',
  'proxy_cookie_flags sessionid httponly samesite=strict;',
  'proxy_cookie_domain ~^www\\.(?<d>.+)$ $d;',
  'proxy_cookie_domain www.example.com .example.org;',
  'more_clear_headers -s 500 Set-Cookie;',
  "more_set_headers -s '404 500' 'Set-Cookie: err=1; HttpOnly';",
  'add_header Set-Cookie "$upstream_http_set_cookie; HttpOnly";',
  'add_header Set-Cookie "both=1" always;',
  'rewrite ^/l(\\d)/(.*)$ /l$1/$2 break;',
  'error_page 404 /lpc-error;',
  'error_page 500 = @lpc_named;',
  "more_clear_headers 'Set-Cook*';",
  'proxy_hide_header set-cookie;',
  'proxy_cookie_flags ~ httponly secure samesite=lax;',
  'proxy_cookie_flags ~^XSRF nohttponly;',
  'add_header Set-Cookie "h=$http_x_lpc; Path=/";',
  'proxy_cookie_path ~*^/(?<x>app) "/$x/$arg_a; HttpOnly";',
];

/**
 * http-level maps each block gets (their names made unique by the caller's suffix): a cookie name,
 * a whole Set-Cookie value and a path chosen by the request's `m` argument.
 */
const MAPS = (n: string) =>
  [
    `map $arg_m $lpc_name${n} { default lpc_none; 1 XSRF-TOKEN; 2 JSESSIONID; }`,
    `map $arg_m $lpc_line${n} { default ""; 1 "XSRF-TOKEN=map; HttpOnly"; }`,
    `map $arg_m $lpc_path${n} { default /nomatch; 1 /; 2 /app; }`,
  ].join('\n');

/** What an `if` inside a location may hold (proxy_cookie_* there is refused by nginx). */
const IF_DIRECTIVES: readonly string[] = [
  'add_header Set-Cookie "iff=1; Path=/";',
  'add_header Set-Cookie "XSRF-TOKEN=iff; HttpOnly" always;',
  'add_header X-If 1;',
  'more_set_headers "Set-Cookie: ifm=1";',
  'proxy_cookie_flags ~ httponly;',
  'set $lpc_x 1;',
  'return 403;',
  'return 200 "if";',
  'rewrite ^ /lpc-if redirect;',
];

/** How a location may answer every request itself, before or instead of proxying (own-response.ts). */
const LOCATION_ANSWERS: readonly string[] = ['return 403;', 'return 200 "own";', 'return 302 /lpc-elsewhere;', 'deny all;', 'return 404;', 'limit_except POST { deny all; }', 'limit_except GET { deny all; }'];

const CONDITIONS: readonly string[] = ['$arg_a', '$arg_a = 1', '$http_x_lpc ~* on', '!-f /nonexistent'];

/**
 * What a server-level `if` may hold (only the rewrite module's directives are allowed there): an
 * answer of nginx's own for the requests that meet the condition (a guard), or code that lets
 * them go on to the locations.
 */
const SERVER_IF_BODIES: readonly string[] = ['return 403;', 'return 404;', 'return 200 "guarded";', 'rewrite ^ /lpc-moved redirect;', 'set $lpc_x 1;', 'break;'];

export interface GeneratedServer {
  readonly text: (listen: number, serverName: string, backend: number) => string;
  /** Whether the block uses headers-more (its module must be loaded). */
  readonly headersMore: boolean;
}

const directives = (max: number) => fc.array(fc.constantFrom(...COOKIE_DIRECTIVES), { maxLength: max });

const locationArb = fc.record({
  kind: fc.constantFrom('prefix', 'regex', 'exact', 'caseless'),
  body: directives(3),
  uri: fc.boolean(),
  // One location in five proxies nothing: nginx serves files there (`root html`, the harness's files).
  files: fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, { arbitrary: fc.constant(true), weight: 1 }),
  nested: fc.option(directives(2), { nil: undefined }),
  // One location in five answers itself: most should reach the backend.
  answer: fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: fc.constantFrom(...LOCATION_ANSWERS), weight: 1 }),
  cond: fc.option(fc.record({ test: fc.constantFrom(...CONDITIONS), body: fc.array(fc.constantFrom(...IF_DIRECTIVES), { minLength: 1, maxLength: 2 }) }), {
    nil: undefined,
  }),
});

export const serverArb: fc.Arbitrary<GeneratedServer> = fc
  .record({
    server: directives(3),
    guard: fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fc.record({ test: fc.constantFrom(...CONDITIONS), body: fc.constantFrom(...SERVER_IF_BODIES) }), weight: 1 }),
    locations: fc.array(locationArb, { minLength: 1, maxLength: 3 }),
  })
  .map(({ server, guard, locations }) => {
    const all = [...server, ...locations.flatMap((l) => [...l.body, ...(l.nested ?? []), ...(l.cond?.body ?? [])])];
    return {
      headersMore: all.some((d) => d.startsWith('more_')),
      text: (listen: number, serverName: string, backend: number) => {
        const n = serverName.replace(/[^a-z0-9]/gi, '_');
        const own = (d: string) => d.replace(/\$lpc_(name|line|path)\b/g, `$lpc_$1${n}`);
        const out = [MAPS(n), 'server {', `    listen 127.0.0.1:${listen};`, `    server_name ${serverName};`, ...server.map((d) => `    ${own(d)}`)];
        if (guard) out.push(`    if (${guard.test}) { ${guard.body} }`);
        locations.forEach((l, i) => {
          const path = `/l${i}/`;
          const match = l.kind === 'prefix' ? path : l.kind === 'exact' ? `= ${path}` : l.kind === 'regex' ? `~ ^/l${i}/` : `~* ^/L${i}/`;
          const pass = `proxy_pass http://127.0.0.1:${backend}${l.uri && (l.kind === 'prefix' || l.kind === 'exact') ? '/up/' : ''};`;
          // The first location always proxies: a file that proxies nothing is taken for a fragment of one that does.
          out.push(`    location ${match} {`, ...l.body.map((d) => `        ${own(d)}`), `        ${l.files && i > 0 ? 'root html;' : pass}`);
          if (l.answer) out.push(`        ${l.answer}`);
          if (l.cond) out.push(`        if (${l.cond.test}) {`, ...l.cond.body.map((d) => `            ${own(d)}`), '        }');
          if (l.nested && l.kind === 'prefix') {
            out.push(`        location ${path}deep/ {`, ...l.nested.map((d) => `            ${own(d)}`), `            proxy_pass http://127.0.0.1:${backend};`, '        }');
          }
          out.push('    }');
        });
        out.push('    location = /lpc-error { return 404 "error page"; }', '    location @lpc_named { return 500 "named"; }', '}', '');
        return out.join('\n');
      },
    };
  });
