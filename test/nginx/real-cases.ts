/**
 * Adversarial configurations for the real-server comparison, beyond the fixtures: each is linted,
 * simulated and run on the real nginx; the Set-Cookie lines must agree exactly. Location-context
 * cases without a `*_pass` get `proxy_pass` to the HTTP backend (runnable.ts).
 */
export interface RealCase {
  readonly name: string;
  readonly context: 'location' | 'server' | 'http' | 'main';
  readonly text: string;
  /**
   * Requests that take a chosen branch of the simulation, besides the endpoint's own request: at
   * the endpoints whose label ends with `endpoint`, `query` is added to the request path (`path`
   * replaces it: a request another location sends here with `rewrite`), `headers` are sent, and
   * nginx's Set-Cookie lines must equal the outcome the lint messages name `for requests where
   * <where>` ('' for the outcome that needs no test of the request). `where: null`: nginx answers
   * the request itself (`return`, a redirect), with none of the backend's cookies; when that is
   * the endpoint's own request, the model must say no backend answers there. Where nginx adds HttpOnly to a CSRF cookie the
   * backend sent without it, the linter must report it for those requests (a message naming
   * `for requests where <where>`), and where it does not, no message may name them.
   */
  readonly requests?: readonly RealRequest[];
}

export interface RealRequest {
  readonly endpoint: string;
  readonly query?: string;
  readonly path?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly where: string | null;
}

const loc = (name: string, text: string): RealCase => ({ name, context: 'location', text });

/** Selectors for the PCRE2 case below: each written as nginx reads it inside double quotes. */
const PCRE_SELECTORS: readonly string[] = [
  '^(?!XSRF-TOKEN\\z)',
  '^(?!XSRF-TOKEN\\Z)',
  '\\Aatl\\.',
  '^\\Qatl.xsrf.token\\E$',
  '^[[:upper:]]+-TOKEN$',
  '^(?>csrf|csrftoken)$',
  '^csrf.*+n$',
  '(.)\\1',
  '(?x) ^ xsrf - token $ # a comment',
  '(?-i)xsrf',
  '\\x{58}SRF',
  '^\\p{Lu}',
  '^[A-Z]+$',
  'token$(?<=xsrf\\.token)',
  '^.{2}$',
  '\\btoken\\b',
  '^[^.]+$',
  '^(?i:XSRF)-token$',
  '^\\w+$',
  '^(?:atl|atlassian)\\.xsrf\\.token$(?#a comment)',
  '\\.token(?=\\.)',
  '^(?=.*xsrf)(?!.*slash)',
  '[[:punct:]]',
  '^[[:^alpha:]]',
  '\\Gxsrf',
  '^.*?token',
  '^x{0}XSRF',
  '^(?U)a.*t',
  '^(?!(?i)xsrf-token$)',
  '^(?!(?-i:XSRF-TOKEN)$)',
  '^[\\w.]+$',
  '^\\N+\\.slash$',
];

export const REAL_CASES: readonly RealCase[] = [
  loc('flags blanket', 'proxy_cookie_flags ~ secure httponly;'),
  loc('flags exclusion first', 'proxy_cookie_flags ~^(?:atl\\.xsrf\\.token|XSRF-TOKEN)$ secure;\nproxy_cookie_flags ~ secure httponly;'),
  loc('flags exclusion after (first match wins)', 'proxy_cookie_flags ~ httponly;\nproxy_cookie_flags XSRF-TOKEN nohttponly;'),
  loc('flags literal name, any case', 'proxy_cookie_flags xsrf-token httponly samesite=strict;\nproxy_cookie_flags JSESSIONID nohttponly nosecure;'),
  loc('flags samesite rewrite and removal', 'proxy_cookie_flags sessionid samesite=none;\nproxy_cookie_flags NX-ANTI-CSRF-TOKEN nosamesite nosecure;\nproxy_cookie_flags ~ samesite=lax;'),
  loc('flags unknown words still consume the cookie', 'proxy_cookie_flags ~^XSRF http-only;\nproxy_cookie_flags ~ httponly;'),
  loc('flags negative lookahead', 'proxy_cookie_flags "~^(?!(?:atl\\.xsrf\\.token|XSRF-TOKEN)$)" httponly secure samesite=lax;'),
  loc('flags unanchored caseless regex', 'proxy_cookie_flags ~token secure;\nproxy_cookie_flags ~SESSION httponly;'),
  loc('flags contradictory words', 'proxy_cookie_flags JSESSIONID secure nosecure httponly;\nproxy_cookie_flags NX-ANTI-CSRF-TOKEN samesite=lax samesite=strict;\nproxy_cookie_flags ~ nohttponly httponly;'),
  loc('path hack', 'proxy_cookie_path / "/; HTTPOnly; Secure";'),
  loc('path regex hack', 'proxy_cookie_path ~^(.*)$ "$1; HttpOnly";'),
  loc('path literal prefixes, first match', 'proxy_cookie_path /app/ /;\nproxy_cookie_path /app /new;\nproxy_cookie_path / /root/;'),
  loc('path caseless regex with capture', 'proxy_cookie_path ~*^/APP(.*)$ /x$1;'),
  loc('path hack and flags in one pass', 'proxy_cookie_path / "/; HTTPOnly";\nproxy_cookie_flags ~ httponly secure;'),
  loc('domain literal and regex', 'proxy_cookie_domain .EXAMPLE.com .new.test;\nproxy_cookie_domain ~^(.*)\\.org$ $1.net;'),
  loc('domain injection', 'proxy_cookie_domain example.com "example.com; HttpOnly";'),
  loc('flags from a variable, and from an empty one', 'set $lpc_empty "";\nproxy_cookie_flags JSESSIONID $lpc_empty;\nproxy_cookie_flags ~ $lpc_empty secure;'),
  loc('every path and domain attribute of a line is rewritten', 'proxy_cookie_path /app /moved;\nproxy_cookie_path /other /elsewhere;\nproxy_cookie_domain example.com moved.test;'),
  loc('add_header Set-Cookie', 'add_header Set-Cookie "lpc_added=1; Path=/";\nadd_header X-Other 1;\nadd_header Set-Cookie "lpc_always=1" always;\nadd_header Set-Cookie "";'),
  loc('proxy_hide_header Set-Cookie', 'proxy_hide_header Set-Cookie;\nadd_header Set-Cookie "only=1";'),
  loc('proxy_pass_header undoes hiding', 'proxy_hide_header Set-Cookie;\nproxy_pass_header Set-Cookie;'),
  loc('more_set_headers Set-Cookie', 'more_set_headers "Set-Cookie: lpc_more=1; Path=/";\nadd_header Set-Cookie "lpc_added=1";'),
  loc('more_set_headers per status', 'more_set_headers -s 404 "Set-Cookie: lpc_notfound=1";\nproxy_cookie_flags ~ secure;'),
  loc('more_clear_headers and empty set', 'more_clear_headers Set-Cookie;\nadd_header Set-Cookie "after=1";'),
  loc('more_set_headers wildcard, empty value', 'more_set_headers "Set-C*:";'),
  loc('more_set_headers after cookie flags', 'proxy_cookie_flags ~ httponly;\nmore_set_headers "X-Foo: 1" "Set-Cookie: replaced=1";'),
  {
    name: 'server inheritance: override, off, nested, if, regex, exact, fastcgi',
    context: 'server',
    text: [
      'proxy_cookie_flags ~ secure httponly;',
      'proxy_cookie_path /app "/app; Secure";',
      'add_header Set-Cookie "srv=1";',
      'more_set_headers "X-Srv: 1";',
      'location /a/ { proxy_pass http://backend; }',
      'location /b/ { proxy_pass http://backend; proxy_cookie_flags off; proxy_cookie_path off; }',
      'location /c/ { proxy_pass http://backend; proxy_cookie_flags XSRF-TOKEN secure; add_header X-Other 1; }',
      'location /d/ { proxy_pass http://backend; proxy_cookie_path / /d/; add_header Set-Cookie "loc=1"; }',
      'location /e/ {',
      '    proxy_pass http://backend;',
      '    proxy_cookie_flags ~ nosecure;',
      '    location /e/nested/ { proxy_pass http://backend; proxy_cookie_flags ~ samesite=lax; }',
      '    location ~ /e/re/(x|y)$ { proxy_pass http://backend; }',
      '}',
      'location /f/ { proxy_pass http://backend; if ($arg_lpcif) { add_header Set-Cookie "if=1"; } }',
      'location /g/ { proxy_pass http://backend; if ($arg_lpcif) { proxy_pass http://backend; more_set_headers "Set-Cookie: if=2"; } }',
      'location = /exact { proxy_pass http://backend; proxy_cookie_flags ~ samesite=strict; }',
      'location ~ ^/re/(a|b)/ { proxy_pass http://backend; proxy_cookie_flags ~^J nohttponly; }',
      'location ^~ /pre/ { proxy_pass http://backend; proxy_hide_header X-Foo; }',
      'location /php/ { fastcgi_pass 127.0.0.1:9000; proxy_cookie_flags ~ httponly; fastcgi_hide_header X-Powered-By; }',
      'location /phpnocookie/ { fastcgi_pass 127.0.0.1:9000; fastcgi_hide_header Set-Cookie; add_header Set-Cookie "fcgi=1"; }',
    ].join('\n'),
  },
  {
    // -t tests the response's Content-Type: the HTTP backend answers ?type=text/html with it, and
    // text/plain otherwise (fixtures/xsrf-cookie-httponly/nginx/invalid-more-set-headers-type.conf).
    name: 'server: headers-more accumulates, hide lists replace, -t per content type',
    context: 'server',
    text: [
      'more_set_headers "Set-Cookie: srv_more=1";',
      'proxy_hide_header Set-Cookie;',
      'location /a/ { proxy_pass http://backend; more_set_headers "Set-Cookie: loc_more=1"; }',
      'location /b/ { proxy_pass http://backend; proxy_hide_header X-Foo; more_clear_headers "Set-Cookie"; }',
      'location /c/ { proxy_pass http://backend; proxy_pass_header X-Accel-Buffering; }',
      'location /t/ { proxy_pass http://backend; proxy_pass_header Set-Cookie; more_set_headers -t "text/html" "Set-Cookie: $sent_http_set_cookie; HttpOnly"; }',
      'location /u/ { proxy_pass http://backend; more_set_headers -t "text/html text/css" "Set-Cookie: lpc_typed=1"; }',
    ].join('\n'),
    requests: [
      { endpoint: 'location /t/', query: 'type=text/html', where: "-t 'text/html' holds" },
      { endpoint: 'location /u/', query: 'type=text/css', where: "-t 'text/html text/css' holds" },
    ],
  },
  {
    name: 'http: levels, several servers',
    context: 'http',
    text: [
      'proxy_cookie_flags ~ httponly;',
      'add_header Set-Cookie "http=1" always;',
      'server {',
      '    listen 80;',
      '    server_name one.test;',
      '    location / { proxy_pass http://backend; }',
      '    location /off/ { proxy_pass http://backend; proxy_cookie_flags off; }',
      '}',
      'server {',
      '    listen 80;',
      '    server_name two.test;',
      '    proxy_cookie_flags ~^(?:XSRF-TOKEN|atl\\.xsrf\\.token)$ nohttponly;',
      '    proxy_cookie_flags ~ httponly secure;',
      '    location / { proxy_pass http://backend; }',
      '    location /own/ { proxy_pass http://backend; add_header X-Own 1; }',
      '}',
    ].join('\n'),
  },
  {
    // Variables in proxy_cookie_flags, proxy_cookie_path and proxy_cookie_domain
    // (src/dialects/nginx/variables.ts): each request below takes one outcome of the simulation,
    // by the query string the maps and ifs read.
    name: 'variables: map, set and if values in proxy_cookie_flags, proxy_cookie_path and proxy_cookie_domain',
    context: 'http',
    text: [
      'map $arg_lpc_mode $lpc_flags {',
      '    default "";',
      '    strict httponly;',
      '    lax "samesite=lax";',
      '    both "httponly secure";',
      '}',
      'map $arg_lpc_attrs $lpc_attrs {',
      '    default "";',
      '    strict "; HttpOnly";',
      '    lax "; SameSite=Lax";',
      '}',
      'map $arg_lpc_root $lpc_root {',
      '    default /;',
      '    app /app/;',
      '}',
      'map $arg_lpc_name $lpc_cookie {',
      '    default XSRF-TOKEN;',
      '    session JSESSIONID;',
      '}',
      'server {',
      '    listen 80;',
      '    server_name vars.test;',
      '    set $lpc_srv secure;',
      '    if ($arg_lpc_srv) { set $lpc_srv httponly; }',
      '    location / { proxy_pass http://backend; proxy_cookie_flags ~ $lpc_flags; }',
      '    location /srv/ { proxy_pass http://backend; proxy_cookie_flags ~ $lpc_srv; }',
      '    location /loc/ { proxy_pass http://backend; set $lpc_srv nosecure; proxy_cookie_flags NX-ANTI-CSRF-TOKEN $lpc_srv; proxy_cookie_flags ~ httponly; }',
      '    location /name/ { proxy_pass http://backend; proxy_cookie_flags $lpc_cookie httponly; }',
      '    location /raw/ { proxy_pass http://backend; proxy_cookie_flags ~ $arg_lpc_raw; }',
      '    location /if/ { proxy_pass http://backend; set $lpc_f ""; if ($arg_lpc_if) { set $lpc_f httponly; add_header X-If 1; } proxy_cookie_flags ~ $lpc_f; }',
      '    location /path/ { proxy_pass http://backend; proxy_cookie_path / "/$lpc_attrs"; }',
      '    location /root/ { proxy_pass http://backend; proxy_cookie_path / $lpc_root; }',
      '    location /dom/ { proxy_pass http://backend; set $lpc_dom "moved.test; HttpOnly"; proxy_cookie_domain example.com $lpc_dom; }',
      '}',
    ].join('\n'),
    requests: [
      { endpoint: 'location /', query: 'lpc_mode=strict', where: '$arg_lpc_mode is "strict"' },
      { endpoint: 'location /', query: 'lpc_mode=lax', where: '$arg_lpc_mode is "lax"' },
      { endpoint: 'location /', query: 'lpc_mode=both', where: '$lpc_flags is not "httponly" and $lpc_flags is not "samesite=lax"' },
      { endpoint: 'location /', query: 'lpc_mode=none', where: '$lpc_flags is not "httponly" and $lpc_flags is not "samesite=lax"' },
      { endpoint: 'location /srv/', query: 'lpc_srv=1', where: '$lpc_srv is "httponly"' },
      { endpoint: 'location /srv/', query: 'lpc_srv=', where: '$lpc_srv is "secure"' },
      // JSESSIONID already has HttpOnly: that outcome changes nothing, so it names no request test.
      { endpoint: 'location /name/', query: 'lpc_name=session', where: '' },
      { endpoint: 'location /name/', query: 'lpc_name=other', where: "$arg_lpc_name is none of the map's keys" },
      { endpoint: 'location /raw/', query: 'lpc_raw=HttpOnly', where: '$arg_lpc_raw is "httponly"' },
      { endpoint: 'location /raw/', query: 'lpc_raw=', where: '$arg_lpc_raw is not "httponly"' },
      // ?lpc_if=1 takes the if's configuration: that endpoint's own request (its label ends with the if).
      // fixtures/xsrf-cookie-httponly/nginx/invalid-path-hack-map-variable.conf, each value of the map
      { endpoint: 'location /path/', query: 'lpc_attrs=strict', where: '$arg_lpc_attrs is "strict"' },
      { endpoint: 'location /path/', query: 'lpc_attrs=lax', where: '$arg_lpc_attrs is "lax"' },
      { endpoint: 'location /path/', query: 'lpc_attrs=none', where: "$arg_lpc_attrs is none of the map's keys" },
      { endpoint: 'location /root/', query: 'lpc_root=app', where: '$arg_lpc_root is "app"' },
      { endpoint: 'location /root/', query: 'lpc_root=none', where: "$arg_lpc_root is none of the map's keys" },
    ],
  },
  {
    // A map of $uri read in locations: the location search decides its value (an exact string
    // key, a regex the prefix always or never matches, a caseless regex, the default).
    name: 'variables: a map of $uri in the locations whose search decides it',
    context: 'http',
    text: [
      'map $uri $lpc_uri_flags {',
      '    default httponly;',
      '    ~^/jira/ secure;',
      '    /docs/page "samesite=lax";',
      '    ~*^/STATIC/ "samesite=strict";',
      '}',
      'server {',
      '    listen 80;',
      '    server_name uri.test;',
      '    location /jira/ { proxy_pass http://backend; proxy_cookie_flags ~ $lpc_uri_flags; }',
      '    location /wiki/ { proxy_pass http://backend; proxy_cookie_flags ~ $lpc_uri_flags; }',
      '    location = /docs/page { proxy_pass http://backend; proxy_cookie_flags ~ $lpc_uri_flags; }',
      '    location ^~ /static/ { proxy_pass http://backend; proxy_cookie_flags ~ $lpc_uri_flags; }',
      '}',
    ].join('\n'),
  },
  {
    // Request headers ($http_*) feeding proxy_cookie_flags and proxy_cookie_path through map and
    // set: each branch taken by sending the header with the value that triggers it, or without it.
    name: 'variables: request headers through map and set in proxy_cookie_flags and proxy_cookie_path',
    context: 'http',
    text: [
      'map $http_x_lpc_mode $lpc_hdr_flags {',
      '    default "";',
      '    strict httponly;',
      '    lax "samesite=lax";',
      '}',
      'map $http_x_lpc_attrs $lpc_hdr_root {',
      '    default /;',
      '    strict "/; HttpOnly";',
      '}',
      'server {',
      '    listen 80;',
      '    server_name headers.test;',
      '    location / { proxy_pass http://backend; proxy_cookie_flags ~ $lpc_hdr_flags; }',
      '    location /set/ { proxy_pass http://backend; set $lpc_hdr_set $http_x_lpc_flag; proxy_cookie_flags ~ $lpc_hdr_set; }',
      '    location /path/ { proxy_pass http://backend; proxy_cookie_path / $lpc_hdr_root; }',
      '    location /raw/ { proxy_pass http://backend; proxy_cookie_flags XSRF-TOKEN $http_x_lpc_raw secure; }',
      '}',
    ].join('\n'),
    requests: [
      { endpoint: 'location /', headers: { 'X-Lpc-Mode': 'strict' }, where: '$http_x_lpc_mode is "strict"' },
      { endpoint: 'location /', headers: { 'X-Lpc-Mode': 'lax' }, where: '$http_x_lpc_mode is "lax"' },
      // map compares string keys without case (ngx_http_map_find lower-cases the source value).
      { endpoint: 'location /', headers: { 'X-Lpc-Mode': 'STRICT' }, where: '$http_x_lpc_mode is "strict"' },
      { endpoint: 'location /', headers: { 'X-Lpc-Mode': 'other' }, where: '$lpc_hdr_flags is not "httponly" and $lpc_hdr_flags is not "samesite=lax"' },
      { endpoint: 'location /', headers: {}, where: '$lpc_hdr_flags is not "httponly" and $lpc_hdr_flags is not "samesite=lax"' },
      { endpoint: 'location /set/', headers: { 'X-Lpc-Flag': 'HttpOnly' }, where: '$lpc_hdr_set is "httponly"' },
      // A value nginx does not know as a flag is ignored; "secure" would add Secure, which the
      // simulation does not explore for a value the configuration does not set (only httponly or not).
      { endpoint: 'location /set/', headers: { 'X-Lpc-Flag': 'none' }, where: '$lpc_hdr_set is not "httponly"' },
      { endpoint: 'location /set/', headers: {}, where: '$lpc_hdr_set is not "httponly"' },
      { endpoint: 'location /path/', headers: { 'X-Lpc-Attrs': 'strict' }, where: '$http_x_lpc_attrs is "strict"' },
      { endpoint: 'location /path/', headers: {}, where: "$http_x_lpc_attrs is none of the map's keys" },
      { endpoint: 'location /raw/', headers: { 'X-Lpc-Raw': 'httponly' }, where: '$http_x_lpc_raw is "httponly"' },
      { endpoint: 'location /raw/', headers: {}, where: '$http_x_lpc_raw is ""' },
    ],
  },
  {
    // The rewrite module's code in locations (src/dialects/nginx/rewrite-code.ts): break, return and
    // rewrite before a set, in ifs or not; a rewrite that leaves the location hands its variables
    // to the one the new URI selects (/dest/).
    name: 'rewrite module: break, return and rewrite around set in locations',
    context: 'server',
    text: [
      'location /brk/ { proxy_pass http://backend; set $lpc_g secure; break; set $lpc_g httponly; proxy_cookie_flags ~ $lpc_g; }',
      'location /ifbrk/ { proxy_pass http://backend; set $lpc_g secure; if ($arg_lpc_brk) { break; } set $lpc_g httponly; proxy_cookie_flags ~ $lpc_g; }',
      'location /ifret/ { proxy_pass http://backend; set $lpc_g secure; if ($arg_lpc_ret) { set $lpc_g httponly; return 403; } proxy_cookie_flags ~ $lpc_g; }',
      'location /ret/ { proxy_pass http://backend; return 404; proxy_cookie_flags ~ httponly; }',
      'location /chain/ { proxy_pass http://backend; set $lpc_g secure; if ($arg_lpc_a) { set $lpc_g httponly; break; } if ($arg_lpc_b) { set $lpc_g samesite=lax; } proxy_cookie_flags ~ $lpc_g; }',
      'location /rwbrk/ { proxy_pass http://backend; set $lpc_g secure; rewrite ^/rwbrk/old/(.*)$ /rwbrk/$1 break; set $lpc_g httponly; proxy_cookie_flags ~ $lpc_g; }',
      'location /rwlast/ { proxy_pass http://backend; set $lpc_g httponly; rewrite ^/rwlast/old/(.*)$ /dest/$1 last; set $lpc_g secure; proxy_cookie_flags ~ $lpc_g; }',
      'location /rwflag/ { proxy_pass http://backend; set $lpc_g secure; rewrite ^/rwflag/old/(.*)$ /dest/$1; set $lpc_g httponly; proxy_cookie_flags ~ $lpc_g; }',
      'location /rwstay/ { proxy_pass http://backend; rewrite ^/rwstay/old/(.*)$ /dest/$1; set $lpc_g samesite=strict; break; proxy_cookie_flags ~ $lpc_g; }',
      'location /ifrw/ { proxy_pass http://backend; set $lpc_g samesite=none; if ($arg_lpc_go) { rewrite ^ /dest/ last; } proxy_cookie_flags ~ $lpc_g; }',
      'location /redir/ { proxy_pass http://backend; rewrite ^/redir/old/ /x redirect; set $lpc_g httponly; proxy_cookie_flags ~ $lpc_g; }',
      'location /redirall/ { proxy_pass http://backend; rewrite ^ http://elsewhere.test/; proxy_cookie_flags ~ httponly; }',
      'location /dest/ { proxy_pass http://backend; proxy_cookie_flags ~ $lpc_g; }',
      // ^(.*)$ misses a URI holding a newline (%0A: PCRE's . stops there); ^/(.*) matches every URI.
      'location /nl/ { proxy_pass http://backend; set $lpc_g secure; rewrite ^(.*)$ $1 break; set $lpc_g httponly; proxy_cookie_flags ~ $lpc_g; }',
      'location /univ/ { proxy_pass http://backend; set $lpc_g secure; rewrite ^/(.*) /$1 break; set $lpc_g httponly; proxy_cookie_flags ~ $lpc_g; }',
    ].join('\n'),
    requests: [
      // The ifs' own requests (?lpc_brk=1: Secure, ?lpc_a=1: HttpOnly, ?lpc_b=1: SameSite=Lax) are those endpoints' own.
      { endpoint: 'if ($arg_lpc_ret)', where: null },
      { endpoint: 'location /ret/', where: null },
      // A break in the first if: the second is never tested, the request keeps the first's configuration.
      { endpoint: 'if ($arg_lpc_a)', query: 'lpc_b=1', where: '' },
      { endpoint: 'location /rwbrk/', where: '$lpc_g is "httponly"' },
      { endpoint: 'location /rwbrk/', path: '/rwbrk/old/z', where: '$lpc_g is "secure"' },
      { endpoint: 'location /rwstay/', path: '/rwstay/old/z', where: '' },
      { endpoint: 'location /redir/', path: '/redir/old/z', where: null },
      { endpoint: 'location /redirall/', where: null },
      { endpoint: 'location /dest/', where: '' },
      { endpoint: 'location /dest/', path: '/rwlast/old/z', where: '$lpc_g is "httponly"' },
      { endpoint: 'location /dest/', path: '/rwflag/old/z', where: '$lpc_g is "httponly"' },
      { endpoint: 'location /dest/', path: '/ifrw/?lpc_go=1', where: '$lpc_g is "samesite=none"' },
      { endpoint: 'location /nl/', where: '$lpc_g is "secure"' },
      { endpoint: 'location /nl/', path: '/nl/%0Az', where: '$lpc_g is "httponly"' },
      { endpoint: 'location /univ/', path: '/univ/%0Az', where: '' },
    ],
  },
  {
    // The server's rewrite code runs before the location search, for every request of the server.
    name: 'rewrite module: break, return and rewrite around set at server level',
    context: 'server',
    text: [
      'set $lpc_s secure;',
      'if ($arg_lpc_brk) { break; }',
      'if ($arg_lpc_deny) { set $lpc_s httponly; return 403; }',
      'rewrite ^/moved/(.*)$ /s/$1 last;',
      'set $lpc_s samesite=lax;',
      'location /s/ { proxy_pass http://backend; proxy_cookie_flags ~ $lpc_s; }',
    ].join('\n'),
    requests: [
      { endpoint: 'location /s/', where: '$lpc_s is "samesite=lax"' },
      { endpoint: 'location /s/', query: 'lpc_brk=1', where: '$lpc_s is "secure"' },
      { endpoint: 'location /s/', path: '/moved/z', where: '$lpc_s is "secure"' },
      // The set before the return never reaches a proxied request: nginx answers 403 itself.
      { endpoint: 'location /s/', query: 'lpc_deny=1', where: null },
    ],
  },
  {
    // A server rewrite that takes every URI of a location before the search: a redirect, or a new
    // URI the location cannot have. /legacy/ and /old/ are never served; /old/z is /new/'s.
    name: 'rewrite module: a server rewrite that takes every URI of a location first',
    context: 'server',
    text: [
      'rewrite ^/legacy/ http://new.test/ permanent;',
      'rewrite ^/old/(.*) /new/$1 break;',
      'location /legacy/ { proxy_pass http://backend; proxy_cookie_flags ~ httponly; }',
      'location /old/ { proxy_pass http://backend; proxy_cookie_flags ~ httponly; }',
      'location /new/ { proxy_pass http://backend; proxy_cookie_flags ~ secure; }',
      'location /kept/ { proxy_pass http://backend; proxy_cookie_flags ~ samesite=lax; }',
    ].join('\n'),
    requests: [
      { endpoint: 'location /legacy/', where: null },
      { endpoint: 'location /new/', path: '/old/z', where: '' },
    ],
  },
  {
    name: 'rewrite module: a return at server level answers before any location',
    context: 'server',
    text: ['return 404;', 'location / { proxy_pass http://backend; proxy_cookie_flags ~ httponly; }'].join('\n'),
    requests: [{ endpoint: 'location /', where: null }],
  },
  // A named group of a proxy_cookie_path regex is a variable of the replacement (`ngx_http_regex_exec`).
  loc('path regex with named captures', 'proxy_cookie_path ~*^/(?<lpc_top>[a-z]+)(?<LPC_Rest>.*)$ /moved/$lpc_top$lpc_rest;\nproxy_cookie_domain ~^(?<lpc_sub>[a-z]+)\\.example\\.com$ $lpc_sub.test;'),
  {
    // `location /a/` proxies, so nginx answers /a (one slash short) with its own 301 before the
    // regex locations are tried: the regex location's request must be another URI (/ab).
    name: 'locations: a URI one slash short of a proxying prefix location is redirected, not matched by regexes',
    context: 'server',
    text: [
      'location /a/ { proxy_pass http://backend; add_header Set-Cookie "lpc_prefix=1"; proxy_cookie_flags ~ samesite=strict; }',
      'location = /a/ { proxy_pass http://backend; proxy_cookie_flags ~ secure; }',
      'location ~ ^/ab?$ { proxy_pass http://backend; add_header Set-Cookie "lpc_regex=1"; proxy_cookie_flags ~ httponly; }',
      'location /c { proxy_pass http://backend; proxy_cookie_flags ~ samesite=lax; location ~ ^/c/?$ { proxy_pass http://backend; proxy_cookie_flags ~ nosecure; } }',
      'location /c/ { proxy_pass http://backend; proxy_cookie_flags ~ samesite=none; }',
    ].join('\n'),
  },
  {
    // Plain and ^~ prefix locations of one name are the same location to nginx.
    name: 'locations: a plain and a ^~ prefix location of one name are refused as duplicates',
    context: 'server',
    text: ['location /ab { proxy_pass http://backend; }', 'location ^~ /ab { proxy_pass http://backend; proxy_cookie_flags ~ httponly; }'].join('\n'),
  },

  // --- Adversarial audit: proxy_cookie_flags selectors, order, case and inheritance ---------------
  loc('flags: ~* is no form of proxy_cookie_flags (a quantifier with nothing to repeat)', 'proxy_cookie_flags ~*xsrf httponly;'),
  loc('flags: a quoted empty regex matches every cookie', 'proxy_cookie_flags "~" httponly;'),
  loc('flags: first of three overlapping regexes wins', 'proxy_cookie_flags ~^csrf nohttponly;\nproxy_cookie_flags ~TOKEN$ httponly;\nproxy_cookie_flags ~. secure;'),
  loc('flags: flag words in any case', 'proxy_cookie_flags ~xsrf HTTPONLY SameSite=LAX NoSecure;\nproxy_cookie_flags ~ HttpOnly;'),
  loc('flags: a literal name is exact, dots and all', 'proxy_cookie_flags atl.xsrf.token httponly;\nproxy_cookie_flags atl secure;\nproxy_cookie_flags XSRF httponly;\nproxy_cookie_flags "~^atl\\.xsrf\\.token\\." samesite=lax;'),
  loc('flags: regex dot and anchors on names with dots', 'proxy_cookie_flags ~^atl.xsrf.token$ httponly;\nproxy_cookie_flags "~\\.token$" secure;'),
  loc('flags: four flags are too many', 'proxy_cookie_flags ~ secure httponly samesite=lax nosecure;'),
  loc('flags: off after entries is a duplicate', 'proxy_cookie_flags ~ httponly;\nproxy_cookie_flags off;'),
  loc('flags: a name with regex characters is not a regex', 'proxy_cookie_flags .* httponly;\nproxy_cookie_flags ^XSRF-TOKEN httponly;'),
  loc('flags: a quoted selector with spaces, and a selector that is only the name of another cookie', 'proxy_cookie_flags "~xsrf token" httponly;\nproxy_cookie_flags "~^(?i)XSRF" secure;\nproxy_cookie_flags "~(?-i)^xsrf" httponly;'),
  {
    name: 'flags inheritance: server list, location replaces, nested inherits, if inherits, off, named',
    context: 'server',
    text: [
      'proxy_cookie_flags ~^(?:XSRF-TOKEN|atl\\.xsrf\\.token|csrftoken)$ nohttponly;',
      'proxy_cookie_flags ~ httponly;',
      'proxy_cookie_path /app /srvapp;',
      'location / { proxy_pass http://backend; }',
      'location /one/ { proxy_pass http://backend; proxy_cookie_flags sessionid secure; location /one/two/ { proxy_pass http://backend; } location /one/off/ { proxy_pass http://backend; proxy_cookie_flags off; } }',
      'location /path/ { proxy_pass http://backend; proxy_cookie_path / /p/; }',
      'location /iff/ { proxy_pass http://backend; proxy_cookie_flags ~xsrf httponly; if ($arg_lpc_x) { add_header X-If 1; } }',
      'location /tf/ { try_files /lpc-no-such-file @named; }',
      'location @named { proxy_pass http://backend; proxy_cookie_flags csrftoken httponly; }',
      'location /tf2/ { proxy_cookie_flags ~ secure; try_files /lpc-no-such-file @named2; }',
      'location @named2 { proxy_pass http://backend; }',
    ].join('\n'),
    requests: [
      { endpoint: 'location @named', path: '/tf/x', where: '' },
      { endpoint: 'location @named2', path: '/tf2/x', where: '' },
      { endpoint: 'if ($arg_lpc_x)', where: '' },
    ],
  },
  // --- proxy_cookie_path / proxy_cookie_domain -------------------------------------------------
  loc('path: literal prefixes are case-sensitive, regex ~ too', 'proxy_cookie_path /APP /upper;\nproxy_cookie_path ~^/app(.*)$ /re$1;\nproxy_cookie_path /fisheye "/fe; HttpOnly";'),
  loc('path: an empty literal prefix matches every path', 'proxy_cookie_path "" "/; HttpOnly";'),
  loc('path: injection, then flags that would remove HttpOnly', 'proxy_cookie_path / "/; HttpOnly";\nproxy_cookie_flags ~^(?:XSRF-TOKEN|atl\\.xsrf\\.token)$ nohttponly;\nproxy_cookie_flags ~ secure;'),
  loc('path: regex injection with ~* and first match', 'proxy_cookie_path ~*^(/app/?)$ "$1; HttpOnly";\nproxy_cookie_path ~*^/(APP)(.*) "/$1$2; Secure";\nproxy_cookie_path ~^/ "/; SameSite=Lax";'),
  loc('domain: ~* is not a form, the star is a quantifier', 'proxy_cookie_domain ~*example x;'),
  loc('domain: literal is whole and caseless, regex caseless', 'proxy_cookie_domain EXAMPLE.COM "d.test; HttpOnly";\nproxy_cookie_domain ~X\\.EXAMPLE\\.ORG$ "x.test; Secure";\nproxy_cookie_domain example.org nope;'),
  loc('domain and path off beside flags', 'proxy_cookie_domain off;\nproxy_cookie_path off;\nproxy_cookie_flags ~xsrf httponly;'),
  {
    name: 'path, domain and flags are three inherited lists',
    context: 'server',
    text: [
      'proxy_cookie_path / "/; HttpOnly";',
      'proxy_cookie_domain example.com srv.test;',
      'proxy_cookie_flags ~ secure;',
      'location /a/ { proxy_pass http://backend; proxy_cookie_flags ~xsrf nohttponly; }',
      'location /b/ { proxy_pass http://backend; proxy_cookie_path off; }',
      'location /c/ { proxy_pass http://backend; proxy_cookie_domain off; proxy_cookie_path /app/ "/app/; HttpOnly"; }',
    ].join('\n'),
  },
  // --- Locations --------------------------------------------------------------------------------
  {
    name: 'locations: ^~, exact, regex order, case-insensitive regex, nested under regex',
    context: 'server',
    text: [
      'location ^~ /static/ { proxy_pass http://backend; proxy_cookie_flags ~ secure; location ~ \\.css$ { proxy_pass http://backend; proxy_cookie_flags ~ httponly; } }',
      'location ~ \\.css$ { proxy_pass http://backend; proxy_cookie_flags ~ samesite=none; }',
      'location ~* \\.JS$ { proxy_pass http://backend; proxy_cookie_flags ~ httponly; }',
      'location ~ \\.js$ { proxy_pass http://backend; proxy_cookie_flags ~ samesite=lax; }',
      'location /api/ { proxy_pass http://backend; proxy_cookie_flags ~ samesite=strict; }',
      'location = /api/x { proxy_pass http://backend; proxy_cookie_flags ~ httponly; }',
      'location ~ ^/api/(?<lpc_rest>.+)$ { proxy_pass http://backend; proxy_cookie_flags ~ nosecure; location ~ /deep$ { proxy_pass http://backend; proxy_cookie_flags ~xsrf httponly; } }',
    ].join('\n'),
    requests: [
      { endpoint: 'location ~* \\.JS$', path: '/x/a.Js', where: '' },
      { endpoint: 'location ^~ /static/', path: '/static/a.js', where: '' },
      { endpoint: 'location = /api/x', where: '' },
    ],
  },
  {
    // An internal location answers only internal redirects (error_page, try_files, X-Accel-Redirect):
    // a request for its own URI gets nginx's 404 (`ngx_http_core_find_config_phase`).
    name: 'locations: internal ones, nested below, reached through try_files',
    context: 'server',
    text: [
      'location /int/ { internal; proxy_pass http://backend; proxy_cookie_flags ~ httponly; location /int/nested/ { proxy_pass http://backend; proxy_cookie_flags ~ secure; } }',
      'location /toint/ { try_files /lpc-no-such-file /int/x?$args; }',
      'location /tonested/ { try_files /lpc-no-such-file /int/nested/x?$args; }',
    ].join('\n'),
    requests: [
      { endpoint: 'location /int/', path: '/int/', where: null },
      { endpoint: 'location /int/', path: '/toint/', where: '' },
      { endpoint: 'location /int/nested/', path: '/tonested/', where: '' },
      { endpoint: 'location /int/nested/', path: '/int/nested/', where: null },
    ],
  },
  {
    name: 'locations: return answers itself',
    context: 'server',
    text: 'location /ret/ { proxy_pass http://backend; return 404; proxy_cookie_flags ~ httponly; add_header Set-Cookie "lpc_ret=1"; }',
    requests: [{ endpoint: 'location /ret/', where: null }],
  },
  // Without proxy_intercept_errors a proxied 404 is sent as it came: error_page is for nginx's own errors.
  {
    name: 'locations: error_page without intercepted errors',
    context: 'server',
    text: ['location /ep/ { proxy_pass http://backend; error_page 404 = @fb; proxy_cookie_flags ~ secure; }', 'location @fb { proxy_pass http://backend; proxy_cookie_flags ~ httponly; }'].join('\n'),
  },
  {
    name: 'locations: proxy_pass in an if on $request_uri',
    context: 'server',
    text: 'location /r/ { proxy_pass http://backend; if ($request_uri ~ lpc_deep) { proxy_pass http://backend; add_header Set-Cookie "lpc_if=1"; } }',
    requests: [{ endpoint: 'if ($request_uri ~ lpc_deep)', path: '/r/lpc_deep', where: '' }],
  },
  // --- add_header, headers-more, hide/pass ------------------------------------------------------
  {
    name: 'add_header: inheritance across server, location, nested and if',
    context: 'server',
    text: [
      'add_header Set-Cookie "lpc_srv=1; HttpOnly";',
      'add_header Set-Cookie "lpc_srv_always=1" always;',
      'location / { proxy_pass http://backend; }',
      'location /own/ { proxy_pass http://backend; add_header X-Own 1; location /own/nested/ { proxy_pass http://backend; } location /own/back/ { proxy_pass http://backend; add_header Set-Cookie "lpc_back=1" always; } }',
      'location /if/ { proxy_pass http://backend; add_header Set-Cookie "lpc_loc=1"; if ($arg_lpc_a) { add_header X-If 1; } if ($arg_lpc_b) { set $lpc_unused 1; } }',
    ].join('\n'),
  },
  loc('headers-more: several -s statuses, -s with a 404, clear by wildcard', 'more_set_headers -s "200 404" "X-A: 1" "Set-Cookie: lpc_both=1";\nmore_clear_headers -s 404 "Set-*";'),
  loc('headers-more: clear lower case, then set', 'more_clear_headers set-cookie;\nmore_set_headers "set-cookie: lpc_lower=1";\nproxy_cookie_flags ~ httponly;'),
  loc('headers-more: -t text/plain (the backend default)', 'more_set_headers -t text/plain "Set-Cookie: lpc_plain_type=1";'),
  {
    name: 'headers-more: server and location both run, server first; if levels',
    context: 'server',
    text: [
      'more_set_headers "Set-Cookie: lpc_srv=1";',
      'location / { proxy_pass http://backend; more_set_headers "Set-Cookie: lpc_loc=1"; }',
      'location /if/ { proxy_pass http://backend; more_clear_headers X-Nothing; if ($arg_lpc_a) { more_set_headers "Set-Cookie: lpc_if=1"; } }',
      'location /none/ { proxy_pass http://backend; }',
    ].join('\n'),
  },
  {
    name: 'hide and pass: http hides, server passes, location hides another header',
    context: 'http',
    text: [
      'proxy_hide_header set-cookie;',
      'server { listen 80; server_name one.test; location / { proxy_pass http://backend; } location /x/ { proxy_pass http://backend; proxy_hide_header X-Foo; } location /p/ { proxy_pass http://backend; proxy_pass_header SET-COOKIE; } }',
      'server { listen 80; server_name two.test; proxy_pass_header X-Accel-Expires; location / { proxy_pass http://backend; } location /f/ { fastcgi_pass 127.0.0.1:9000; fastcgi_hide_header X-Foo; } }',
    ].join('\n'),
  },
  // --- map and set ------------------------------------------------------------------------------
  {
    name: 'variables: map with regex keys, chained maps, set from set',
    context: 'http',
    text: [
      'map $arg_lpc_k $lpc_re { ~^str httponly; ~*^LAX samesite=lax; default secure; }',
      'map $lpc_re $lpc_chain { httponly nohttponly; default httponly; }',
      'server {',
      '    listen 80;',
      '    location /re/ { proxy_pass http://backend; proxy_cookie_flags ~ $lpc_re; }',
      '    location /chain/ { proxy_pass http://backend; proxy_cookie_flags ~ $lpc_chain; }',
      '    location /cat/ { proxy_pass http://backend; set $lpc_a http; set $lpc_b "${lpc_a}only"; proxy_cookie_flags ~ $lpc_b; }',
      '}',
    ].join('\n'),
    requests: [
      { endpoint: 'location /re/', query: 'lpc_k=strong', where: '$arg_lpc_k matches ~^str' },
      { endpoint: 'location /re/', query: 'lpc_k=LAXer', where: '$arg_lpc_k matches ~*^LAX' },
      { endpoint: 'location /re/', query: 'lpc_k=laxer', where: '$arg_lpc_k matches ~*^LAX' },
      { endpoint: 'location /re/', query: 'lpc_k=STR', where: "$arg_lpc_k is none of the map's keys" },
      { endpoint: 'location /chain/', query: 'lpc_k=strong', where: '$lpc_re is "httponly"' },
      { endpoint: 'location /chain/', where: "$lpc_re is none of the map's keys" },
    ],
  },
  // --- Adversarial audit, second round: nesting rules, limit_except, if, headers-more forms -----
  {
    name: 'locations: a nested prefix location outside its parent is refused',
    context: 'server',
    text: 'location /a/ { proxy_pass http://backend; location /b/ { proxy_pass http://backend; } }',
  },
  {
    name: 'locations: nothing nests in an exact location',
    context: 'server',
    text: 'location = /a { proxy_pass http://backend; location /a { proxy_pass http://backend; } }',
  },
  {
    name: 'locations: a named location nests nowhere',
    context: 'server',
    text: 'location /a/ { proxy_pass http://backend; location @n { proxy_pass http://backend; } }',
  },
  {
    name: 'locations: nothing nests in a named location',
    context: 'server',
    text: 'location @n { proxy_pass http://backend; location /a/ { proxy_pass http://backend; } }',
  },
  {
    // The parent's name is compared as written: under a regex location a prefix location must start with the regex.
    name: 'locations: a prefix location nested in a regex location',
    context: 'server',
    text: 'location ~ ^/re/ { proxy_pass http://backend; location /re/x/ { proxy_pass http://backend; } }',
  },
  {
    name: 'locations: nesting that nginx accepts (regex in exact prefix, prefix starting with a regex source)',
    context: 'server',
    text: 'location /n/ { proxy_pass http://backend; location ~ x$ { proxy_pass http://backend; proxy_cookie_flags ~ httponly; } location = /n/e { proxy_pass http://backend; proxy_cookie_flags ~ secure; } }\nlocation ~ /rx { proxy_pass http://backend; location ~ /rx/y { proxy_pass http://backend; proxy_cookie_flags ~ httponly; } location ~/rx/z { proxy_pass http://backend; } }',
  },
  {
    // proxy_pass is not inherited by nested locations: nginx serves /p/q/ itself (no backend cookies).
    name: 'locations: a nested location without proxy_pass does not proxy',
    context: 'server',
    text: 'location /p/ { proxy_pass http://backend; proxy_cookie_flags ~ secure; location /p/q/ { proxy_cookie_flags ~ httponly; add_header X-Q 1; } }',
    requests: [{ endpoint: 'location /p/q/', where: null }],
  },
  {
    // limit_except's block is the configuration of the methods it does not list (GET here for POST).
    name: 'locations: proxy_pass inside limit_except',
    context: 'server',
    text: [
      'location /post/ { proxy_cookie_flags ~ httponly; limit_except POST { proxy_pass http://backend; } }',
      'location /both/ { proxy_pass http://backend; proxy_cookie_flags ~ secure; limit_except GET { deny all; } }',
    ].join('\n'),
  },
  loc('locations: proxy_cookie_flags is not allowed in limit_except', 'limit_except POST { proxy_cookie_flags ~ httponly; }'),
  {
    name: 'if: conditions on headers and cookies, each reached by its request',
    context: 'server',
    text: [
      'location /h/ {',
      '    proxy_pass http://backend;',
      '    add_header Set-Cookie "lpc_loc=1";',
      '    if ($http_x_lpc) { add_header Set-Cookie "lpc_hdr=1"; }',
      '    if ($cookie_lpc_c = "yes") { proxy_pass http://backend; more_set_headers "Set-Cookie: lpc_ck=1"; }',
      '    if ($request_method = HEAD) { return 405; }',
      '}',
    ].join('\n'),
    requests: [
      { endpoint: 'if ($http_x_lpc)', path: '/h/', headers: { 'X-Lpc': '1' }, where: '' },
      { endpoint: 'if ($cookie_lpc_c = "yes")', path: '/h/', headers: { Cookie: 'lpc_c=yes' }, where: '' },
    ],
  },
  {
    name: 'if: add_header is not allowed in a server if',
    context: 'server',
    text: 'if ($arg_x) { add_header Set-Cookie "a=1"; }\nlocation / { proxy_pass http://backend; }',
  },
  loc('add_header: always is one lower-case word', 'add_header Set-Cookie "lpc_a=1" ALWAYS;'),
  loc('add_header: header name in any case', 'add_header set-cookie "lpc_lower=1";\nadd_header SET-COOKIE "lpc_upper=1" always;'),
  loc('headers-more: two Set-Cookie arguments in one directive', 'more_set_headers "Set-Cookie: lpc_one=1" "Set-Cookie: lpc_two=2";'),
  loc('headers-more: a wildcard with a value', 'more_set_headers "Set-C*: lpc_wild=1";'),
  loc('headers-more: a key without colon or value', 'more_set_headers "Set-Cookie";\nadd_header Set-Cookie "lpc_after=1";'),
  loc('headers-more: -s 200 and -t together', 'more_set_headers -s 200 -t text/plain "Set-Cookie: lpc_st=1";\nmore_clear_headers -s 404 -t text/html "Set-Cookie";'),
  {
    name: 'headers-more: http, server, location and if all run, outermost first',
    context: 'http',
    text: [
      'more_set_headers "Set-Cookie: lpc_http=1";',
      'server { listen 80; more_set_headers -s 404 "Set-Cookie: lpc_srv=1"; location / { proxy_pass http://backend; } location /l/ { proxy_pass http://backend; more_set_headers "X-L: 1" "Set-Cookie: lpc_loc=1"; } }',
    ].join('\n'),
  },
  {
    name: 'hide and pass: pass at http undoes a location hide; hide at location without pass',
    context: 'http',
    text: [
      'proxy_pass_header Set-Cookie;',
      'server { listen 80; location / { proxy_pass http://backend; proxy_hide_header Set-Cookie; } location /own/ { proxy_pass http://backend; proxy_hide_header Set-Cookie; proxy_pass_header X-Other; } }',
    ].join('\n'),
  },
  {
    name: 'variables: a map value from a regex capture, a selector from a map',
    context: 'http',
    text: [
      'map $arg_lpc_cap $lpc_cap { ~^f-(?<lpc_w>[a-z]+)$ $lpc_w; default ""; }',
      'map $arg_lpc_who $lpc_who { xsrf XSRF-TOKEN; csrf csrftoken; default lpc_nobody; }',
      'server {',
      '    listen 80;',
      '    location /cap/ { proxy_pass http://backend; proxy_cookie_flags ~ $lpc_cap; }',
      '    location /who/ { proxy_pass http://backend; proxy_cookie_flags $lpc_who httponly; proxy_cookie_flags ~ secure; }',
      '}',
    ].join('\n'),
    requests: [
      { endpoint: 'location /cap/', query: 'lpc_cap=f-httponly', where: '$lpc_cap is "httponly"' },
      { endpoint: 'location /cap/', query: 'lpc_cap=f-bogus', where: '$lpc_cap is not "httponly"' },
      { endpoint: 'location /who/', query: 'lpc_who=xsrf', where: '$arg_lpc_who is "xsrf"' },
      { endpoint: 'location /who/', where: "$arg_lpc_who is none of the map's keys" },
    ],
  },
  loc('path: a literal pattern with $1', 'proxy_cookie_path /app$1 "/x$1";'),
  {
    // PCRE2 syntax beyond ECMAScript's in proxy_cookie_flags selectors (always caseless), one
    // location each: an exclusion written with it must spare exactly what nginx spares.
    name: 'flags: PCRE2 syntax in selectors',
    context: 'server',
    text: PCRE_SELECTORS.map((re, i) => `location /re${i}/ { proxy_pass http://backend; proxy_cookie_flags "~${re}" httponly; proxy_cookie_flags ~ samesite=lax; }`).join('\n'),
  },
  // --- Variables that read the response's cookies ---------------------------------------------
  loc('upstream variables: hide, then add the first upstream cookie back with HttpOnly', 'proxy_hide_header Set-Cookie;\nadd_header Set-Cookie "$upstream_http_set_cookie; HttpOnly";'),
  loc('upstream variables: add_header repeats the first upstream cookie', 'add_header Set-Cookie "$upstream_http_set_cookie; HttpOnly" always;'),
  loc('upstream variables: more_set_headers with the raw upstream cookie', 'proxy_cookie_flags ~ samesite=strict;\nmore_set_headers "Set-Cookie: $upstream_http_set_cookie; HttpOnly";'),
  loc('upstream variables: one cookie by name', 'proxy_hide_header Set-Cookie;\nadd_header Set-Cookie "csrftoken=$upstream_cookie_csrftoken; HttpOnly";\nadd_header Set-Cookie "s=$upstream_cookie_SESSIONID$upstream_cookie_nope|$upstream_cookie_session|$upstream_cookie_dup|$upstream_cookie_noeq";'),
  loc('sent variables: add_header with the first sent cookie', 'proxy_cookie_flags ~ samesite=strict;\nadd_header Set-Cookie "$sent_http_set_cookie; HttpOnly";'),
  loc('sent variables: add_header after headers-more and hiding', 'proxy_hide_header Set-Cookie;\nmore_set_headers "Set-Cookie: lpc_more=1";\nadd_header Set-Cookie "$sent_http_set_cookie|$upstream_http_set_cookie" always;\nadd_header Set-Cookie "second=$sent_http_set_cookie" always;'),
  {
    name: 'upstream variables: fastcgi upstreams too',
    context: 'server',
    text: 'location /php/ { fastcgi_pass 127.0.0.1:9000; fastcgi_hide_header Set-Cookie; add_header Set-Cookie "$upstream_http_set_cookie; HttpOnly"; }',
  },
  // --- Third round: proxy_pass only in an if, other upstream kinds, version-bound directives -----
  {
    name: 'if: proxy_pass only inside the if',
    context: 'server',
    text: 'location /onlyif/ { proxy_cookie_flags ~ httponly; add_header X-Loc 1; if ($arg_lpc_go) { proxy_pass http://backend; } }',
    requests: [{ endpoint: 'location /onlyif/', where: null }],
  },
  {
    name: 'uwsgi and scgi: no cookie rewriting, hiding and upstream variables per kind',
    context: 'server',
    text: [
      'location /u/ { uwsgi_pass 127.0.0.1:9; proxy_cookie_flags ~ httponly; proxy_hide_header Set-Cookie; }',
      'location /s/ { scgi_pass 127.0.0.1:9; scgi_hide_header Set-Cookie; add_header Set-Cookie "$upstream_http_set_cookie; HttpOnly"; }',
    ].join('\n'),
  },
  loc('headers-more: hidden cookies leave $sent_http_set_cookie empty', 'proxy_hide_header Set-Cookie;\nmore_set_headers "Set-Cookie: $sent_http_set_cookie; HttpOnly";'),
  loc('add_header_inherit is newer than this nginx', 'add_header_inherit merge;\nadd_header Set-Cookie "lpc=1";'),
  {
    // The rewrite module's code is not inherited: a nested location runs only its own `set`s.
    name: 'rewrite module: a nested location does not run its parent location set',
    context: 'server',
    text: [
      'set $lpc_n secure;',
      'location /a/ { proxy_pass http://backend; set $lpc_n httponly; proxy_cookie_flags ~ $lpc_n; location /a/b/ { proxy_pass http://backend; proxy_cookie_flags ~ $lpc_n; } location /a/c/ { proxy_pass http://backend; set $lpc_n samesite=lax; } }',
    ].join('\n'),
    requests: [
      { endpoint: 'location /a/b/', where: '' },
      { endpoint: 'location /a/c/', where: '' },
    ],
  },
  {
    // add_header values from map and set: one outcome per value the configuration gives.
    name: 'add_header: values from map and set',
    context: 'http',
    text: [
      'map $arg_lpc_ck $lpc_ck { default ""; on "XSRF-TOKEN=mapped; HttpOnly"; plain "lpc_mapped=1"; }',
      'server {',
      '    listen 80;',
      '    location / { proxy_pass http://backend; add_header Set-Cookie $lpc_ck always; }',
      '    location /set/ { proxy_pass http://backend; set $lpc_v "lpc_set=1"; if ($arg_lpc_strict) { set $lpc_v "csrftoken=set; HttpOnly"; } add_header Set-Cookie $lpc_v always; }',
      '}',
    ].join('\n'),
    requests: [
      { endpoint: 'location /', query: 'lpc_ck=on', where: '$arg_lpc_ck is "on"' },
      { endpoint: 'location /', query: 'lpc_ck=plain', where: '$arg_lpc_ck is "plain"' },
      // The default adds no line: the outcome it shares with no other value is named by what it is not.
      { endpoint: 'location /', where: '$lpc_ck is not "XSRF-TOKEN=mapped; HttpOnly" and $lpc_ck is not "lpc_mapped=1"' },
      { endpoint: 'location /set/', where: '' },
    ],
  },
  {
    // proxy_intercept_errors only matters for the statuses an error_page names.
    name: 'locations: intercepted errors without an error_page for the status',
    context: 'server',
    text: 'location /ie/ { proxy_pass http://backend; proxy_intercept_errors on; error_page 500 502 /lpc-none; proxy_cookie_flags ~ httponly; }',
  },
  loc('flags: a quoted literal with spaces names no cookie', 'proxy_cookie_flags " XSRF-TOKEN" httponly;\nproxy_cookie_flags "csrftoken " httponly;\nproxy_cookie_flags "\\~sc" httponly;'),
  loc('path: a bare ~ matches every path and replaces it whole', 'proxy_cookie_path ~ "/x; HttpOnly";'),
  loc('directive names are case-sensitive', 'Proxy_Cookie_Flags ~ httponly;'),
  loc('add_header: three arguments only', 'add_header Set-Cookie "a=1" always always;'),
  {
    // more_set_headers values from map, with and without a -t test of the response.
    name: 'headers-more: values from map and set, beside -t',
    context: 'http',
    text: [
      'map $arg_lpc_m $lpc_m { default ""; on "csrftoken=more; HttpOnly"; }',
      'server {',
      '    listen 80;',
      '    location / { proxy_pass http://backend; more_set_headers "Set-Cookie: $lpc_m"; }',
      '    location /t/ { proxy_pass http://backend; set $lpc_s "lpc_t=1"; more_set_headers -t text/html "Set-Cookie: $lpc_s" "X-M: $lpc_m"; }',
      '}',
    ].join('\n'),
    requests: [
      { endpoint: 'location /', query: 'lpc_m=on', where: '$arg_lpc_m is "on"' },
      // An empty value clears every Set-Cookie line.
      { endpoint: 'location /', where: "$arg_lpc_m is none of the map's keys" },
      { endpoint: 'location /t/', query: 'type=text/html', where: "-t 'text/html' holds" },
    ],
  },
  loc('flags: $ in a regex selector is an anchor, not a variable', 'proxy_cookie_flags "~^csrftoken$|^sc$" httponly;\nproxy_cookie_flags "~^(?:dup)$" secure;'),
  {
    // proxy_intercept_errors (intercept.ts): the harness asks every location for 200 (sent as it
    // came) and 404 (answered by the error page's target when intercepted).
    name: 'locations: intercepted errors answered by named locations, URIs and URLs',
    context: 'server',
    text: [
      'location /a/ { proxy_pass http://backend; proxy_intercept_errors on; error_page 404 = @named; add_header Set-Cookie "lpc_a=1"; proxy_cookie_flags ~ httponly; }',
      'location @named { proxy_pass http://backend; add_header Set-Cookie "lpc_named=1"; proxy_cookie_flags ~ samesite=lax; }',
      'location /b/ { proxy_pass http://backend; proxy_intercept_errors on; error_page 404 500 /lpc-err.html; add_header Set-Cookie "lpc_b=1" always; }',
      'location = /lpc-err.html { add_header Set-Cookie "lpc_err=1"; add_header Set-Cookie "lpc_err_always=1" always; return 200 "err"; }',
      'location /c/ { proxy_pass http://backend; proxy_intercept_errors on; error_page 404 = /lpc-err2; add_header Set-Cookie "lpc_c=1" always; }',
      'location = /lpc-err2 { proxy_pass http://backend; add_header Set-Cookie "lpc_err2=1"; }',
      'location /d/ { proxy_pass http://backend; proxy_intercept_errors on; error_page 404 =200 @named; }',
      'location /e/ { proxy_pass http://backend; proxy_intercept_errors off; error_page 404 = @named; add_header Set-Cookie "lpc_e=1" always; }',
      'location /f/ { proxy_pass http://backend; proxy_intercept_errors on; error_page 403 @named; add_header Set-Cookie "lpc_f=1" always; }',
      'location /h/ { proxy_intercept_errors on; error_page 404 @ret; location /h/in/ { proxy_pass http://backend; proxy_cookie_flags ~ secure; } }',
      'location @ret { add_header Set-Cookie "lpc_ret=1" always; more_set_headers "Set-Cookie: lpc_more=1"; return 200 "ret"; }',
      'location /u/ { proxy_pass http://backend; proxy_intercept_errors on; error_page 404 http://lpc.test/x; add_header Set-Cookie "lpc_u=1"; add_header Set-Cookie "lpc_u_always=1" always; }',
      'location /v/ { proxy_pass http://backend; proxy_intercept_errors on; error_page 404 =301 http://lpc.test/x; add_header Set-Cookie "lpc_v=1"; }',
    ].join('\n'),
  },
  {
    // Responses nginx makes itself (own-response.ts): no backend cookies, the header filters at the
    // status `return` gives; add_header without `always` only for its statuses.
    name: 'return: add_header and more_set_headers on the responses nginx makes itself',
    context: 'server',
    text: [
      'add_header Set-Cookie "lpc_srv=1";',
      'location /r302/ { return 302 /x; }',
      'location /r200/ { add_header Set-Cookie "XSRF-TOKEN=own; HttpOnly"; return 200 "ok"; }',
      'location /r403/ { add_header Set-Cookie "lpc_403=1"; add_header Set-Cookie "lpc_403_always=1" always; return 403; }',
      'location /url/ { return https://lpc.test/; }',
      'location /r404/ { more_set_headers "Set-Cookie: lpc_more=1"; more_set_headers -s 200 "Set-Cookie: lpc_more200=1"; add_header Set-Cookie "lpc_404=1"; return 404; }',
      'location /rw/ { rewrite ^ /elsewhere/ redirect; add_header Set-Cookie "lpc_rw=1"; }',
      'location /perm/ { rewrite ^(.*) /x$1 permanent; add_header Set-Cookie "lpc_perm=1"; }',
      'location /cond/ { proxy_pass http://backend; add_header Set-Cookie "lpc_cond=1"; if ($arg_lpc_deny) { return 401; } }',
      'location /ifret/ { proxy_pass http://backend; if ($arg_lpc_ret) { add_header Set-Cookie "lpc_if=1" always; return 418; } }',
      // The location's return answers the requests of an `if` before it with the `if`'s filters (they took its configuration)...
      'location /after/ { add_header Set-Cookie "lpc_loc=1" always; if ($arg_lpc_t) { add_header Set-Cookie "lpc_t=1" always; } return 403; }',
      // ...and none of an `if` after it: every request is answered first, with the location's.
      'location /before/ { add_header Set-Cookie "lpc_b=1" always; return 403; if ($arg_lpc_t) { add_header Set-Cookie "lpc_bt=1" always; return 200 "never"; } }',
    ].join('\n'),
  },
  {
    // limit_except (walk.ts): the harness's GETs take the block's configuration only where it does
    // not list GET; `deny all` answers them with nginx's own 403 (own-response.ts).
    name: 'limit_except: the configuration of the methods it does not list; deny all answers 403',
    context: 'server',
    text: [
      'location /a/ { limit_except GET { proxy_pass http://backend; } add_header Set-Cookie "lpc_a=1" always; proxy_cookie_flags ~ httponly; }',
      'location /b/ { proxy_pass http://backend; limit_except POST { deny all; } add_header Set-Cookie "lpc_b=1" always; add_header Set-Cookie "lpc_b_ok=1"; }',
      'location /c/ { proxy_pass http://backend; limit_except get { deny all; } add_header Set-Cookie "lpc_c=1" always; }',
      'location /d/ { limit_except post { proxy_pass http://backend; } proxy_cookie_flags ~ httponly; }',
      'location /e/ { proxy_pass http://backend; deny all; add_header Set-Cookie "lpc_e=1" always; }',
      'location /f/ { proxy_pass http://backend; allow 127.0.0.1; deny all; add_header Set-Cookie "lpc_f=1" always; }',
      'location /h/ { deny all; location /h/in/ { proxy_pass http://backend; add_header Set-Cookie "lpc_h=1" always; } location /h/open/ { proxy_pass http://backend; allow all; } }',
      // A GET takes the block's configuration, which has none of the location's rewrite code: its `if`, `return`, `set` do not run.
      'location /i/ { proxy_pass http://backend; limit_except POST { deny all; } add_header Set-Cookie "lpc_i=1" always; if ($arg_lpc_i) { add_header Set-Cookie "lpc_if=1" always; return 418; } }',
      'location /j/ { proxy_pass http://backend; limit_except POST { allow all; } return 302 /elsewhere; }',
    ].join('\n'),
    requests: [{ endpoint: 'location /i/', query: 'lpc_i=1', where: '' }],
  },
  loc('limit_except: an unknown method is refused', 'limit_except GET FETCH { deny all; }'),
  loc('limit_except: a second block is refused', 'limit_except GET { deny all; }\nlimit_except POST { deny all; }'),
  loc('proxy_intercept_errors: set twice in one location is refused', 'proxy_intercept_errors on;\nproxy_intercept_errors off;'),
  loc('proxy_intercept_errors: set in a location and in one nested in it is accepted', 'proxy_intercept_errors on;\nlocation /deep/ { proxy_intercept_errors off; proxy_pass http://127.0.0.1:8080; }'),
  {
    // ngx_http_proxy_pass: a URI part only where a location prefix can be replaced by it.
    name: 'proxy_pass: a URI part in a regex location is refused',
    context: 'server',
    text: 'location ~ ^/re/ { proxy_pass http://backend/app/; }',
  },
  { name: 'proxy_pass: a URI part in a named location is refused', context: 'server', text: 'location /a/ { try_files $uri @n; }\nlocation @n { proxy_pass http://backend/; }' },
  { name: 'proxy_pass: a URI part in an if is refused', context: 'server', text: 'location /a/ { proxy_pass http://backend; if ($arg_x) { proxy_pass http://backend/x; } }' },
  { name: 'proxy_pass: a URI part in limit_except is refused', context: 'server', text: 'location /a/ { proxy_pass http://backend; limit_except GET { proxy_pass http://backend/x; } }' },
  {
    name: 'proxy_pass: a URI part where a prefix is replaced, and none where it cannot be',
    context: 'server',
    text: 'location /a/ { proxy_pass http://backend/app/; proxy_cookie_flags ~ httponly; }\nlocation ~ ^/re/ { proxy_pass http://backend; proxy_cookie_flags ~ secure; }\nlocation /v/ { proxy_pass http://backend$request_uri; }',
  },
  {
    // A server's return answers before any location, with the server's filters (own-response.ts).
    name: 'return: at server level, the server add_header applies, not the location one',
    context: 'http',
    text: [
      'add_header Set-Cookie "lpc_http=1";',
      'server { listen 80; server_name one.test; add_header Set-Cookie "lpc_srv=1"; return 301 https://x.test$request_uri; location /a/ { proxy_pass http://backend; add_header Set-Cookie "lpc_loc=1" always; } }',
      'server { listen 80; server_name two.test; return 302 https://y.test/; }',
      'server { listen 80; server_name three.test; if ($arg_lpc_x) { return 403; } rewrite ^ https://z.test/ permanent; location / { add_header Set-Cookie "lpc_l3=1" always; proxy_pass http://backend; } }',
      'server { listen 80; server_name four.test; if ($arg_lpc_x) { return 403; } location / { add_header Set-Cookie "lpc_l4=1" always; proxy_pass http://backend; } }',
      // A guard's answer gets the server's filters, whose $upstream_http_set_cookie is empty: nginx made the response.
      'server { listen 80; server_name five.test; add_header Set-Cookie "lpc_s5=1" always; add_header Set-Cookie "$upstream_http_set_cookie; HttpOnly" always; if ($arg_lpc_x) { set $lpc_y 1; return 404; } location / { add_header Set-Cookie "lpc_l5=1" always; proxy_pass http://backend; } location /b/ { proxy_pass http://backend; } }',
    ].join('\n'),
    // The server's if returns for these requests only: nginx's 403, without lpc_http (not always).
    requests: [
      { endpoint: 'server four.test:80 › location /', query: 'lpc_x=1', where: null },
      { endpoint: 'server five.test:80 › location /', query: 'lpc_x=1', where: null },
      { endpoint: 'server five.test:80 › location /b/', query: 'lpc_x=1', where: null },
    ],
  },
  {
    // An answer's filters read the variables of the requests it answers: a `set` before the
    // `return` in the `if`, the server's `set` over a map's value (found by the differential test).
    name: 'return: add_header on an answer reads the variables of the requests it answers',
    context: 'http',
    text: [
      'map $arg_lpc_m $lpc_name { default lpc_none; 1 XSRF-TOKEN; }',
      'server { listen 80; server_name vars.test; set $lpc_name csrftoken;',
      '  location /v/ { add_header Set-Cookie "$lpc_name=1; Path=/; HttpOnly" always; proxy_pass http://backend; if ($arg_lpc_a) { return 200 "if"; } }',
      '  location /w/ { set $lpc_w before; if ($arg_lpc_a) { set $lpc_w inif; return 403; } add_header Set-Cookie "lpc_w=$lpc_w" always; proxy_pass http://backend; }',
      '  if ($arg_lpc_g) { set $lpc_w guard; return 404; }',
      '  add_header Set-Cookie "lpc_g=$lpc_w" always;',
      '}',
    ].join('\n'),
  },
  {
    // nginx's own error responses (return without text, deny all) go to the error_page naming their status.
    name: 'return and deny: an error_page naming the status answers instead',
    context: 'server',
    text: [
      'error_page 404 /lpc-404;',
      'error_page 403 = @den;',
      'location /a/ { add_header Set-Cookie "lpc_a=1" always; return 404; }',
      'location /b/ { add_header Set-Cookie "lpc_b=1" always; deny all; proxy_pass http://backend; }',
      'location /c/ { add_header Set-Cookie "lpc_c=1" always; return 404 "text"; }',
      'location /d/ { error_page 404 =302 https://lpc.test/; add_header Set-Cookie "lpc_d=1"; return 404; }',
      'location /e/ { error_page 418 /lpc-404; add_header Set-Cookie "lpc_e=1" always; return 404; }',
      'location /f/ { add_header Set-Cookie "lpc_f=1" always; return 403; }',
      'location = /lpc-404 { add_header Set-Cookie "lpc_404=1" always; add_header Set-Cookie "lpc_404n=1"; return 200 "nf"; }',
      'location @den { add_header Set-Cookie "lpc_den=1" always; proxy_pass http://backend; proxy_cookie_flags ~ httponly; }',
    ].join('\n'),
  },
  {
    // A location that proxies nothing serves files: nginx's own response, with the location's
    // header filters at the file's status (200; 404 for a missing one: only `always` lines).
    name: 'static files: add_header on the files nginx serves itself',
    context: 'server',
    text: [
      'location /p/ { proxy_pass http://backend; }',
      'location /s/ { alias /etc/; add_header Set-Cookie "XSRF-TOKEN=s; Path=/; HttpOnly"; add_header Set-Cookie "lpc_s=1" always; }',
      'location /t/ { alias /etc/; if ($arg_lpc_a) { add_header Set-Cookie "lpc_if=1"; } }',
    ].join('\n'),
    requests: [
      { endpoint: 'location /s/', path: '/s/debian_version', where: null },
      { endpoint: 'location /s/', path: '/s/lpc-missing', where: null },
      { endpoint: '› if ($arg_lpc_a)', path: '/t/debian_version?lpc_a=1', where: null },
    ],
  },
  // --- Unknown variables: nginx -t refuses a name nothing declares (unknown-variables.ts) -------
  {
    name: 'variables: an undefined variable in add_header Set-Cookie is refused',
    context: 'main',
    text: 'events {}\nhttp { server { listen 80; location / { proxy_pass http://backend; add_header Set-Cookie "lpc=$lpc_no_such_var"; } } }',
  },
  {
    name: 'variables: an undefined variable in proxy_cookie_path is refused',
    context: 'main',
    text: 'events {}\nhttp { server { listen 80; location / { proxy_pass http://backend; proxy_cookie_path / "/$lpc_nope; HttpOnly"; } } }',
  },
  {
    name: 'variables: an undefined variable in an if condition is refused',
    context: 'main',
    text: 'events {}\nhttp { server { listen 80; location / { proxy_pass http://backend; if ($LPC_Undefined) { add_header X-If 1; } } } }',
  },
  {
    // The same reads, each declared somewhere nginx looks: a set in another server (declared later),
    // a map, a named group of a location regex and of a proxy_cookie_path regex, a prefix family, a module's variable.
    name: 'variables: declared anywhere in the configuration, in any case, is known',
    context: 'main',
    text: [
      'events {}',
      'http {',
      '    map $arg_lpc_m $lpc_mapped { default ""; on "; HttpOnly"; }',
      '    log_format lpc "$remote_addr $lpc_set_elsewhere $upstream_cookie_xsrf_token";',
      '    server {',
      '        listen 80;',
      '        location ~ ^/(?<lpc_top>cap)/ { proxy_pass http://backend; add_header Set-Cookie "lpc=$LPC_Set_Elsewhere" always; add_header X-Top ${lpc_top}$arg_x$sent_http_x; if ($LPC_MAPPED) { add_header X-If 1; } }',
      '        location / { proxy_pass http://backend; proxy_cookie_path ~^/(?<lpc_rest>.*)$ "/$lpc_rest$lpc_mapped"; }',
      '    }',
      '    server { listen 80; server_name other.test; set $lpc_set_elsewhere 1; location /other/ { proxy_pass http://backend; } }',
      '}',
    ].join('\n'),
    requests: [{ endpoint: 'location /', query: 'lpc_m=on', where: '$arg_lpc_m is "on"' }],
  },
  // --- Request variables: nginx fills them in from the request sent (nginx-request-vars.ts) ------
  {
    // Each request is predicted with the values of the request the test sends (its query string
    // carries the backend's cookies); the lint itself reads the probe request (no cookie `a`).
    name: 'request variables: $host, $request_uri, $uri, $args, $arg_*, $cookie_*, $http_* in add_header and more_set_headers values',
    context: 'server',
    text: [
      'location /rv/ {',
      '    proxy_pass http://backend;',
      '    add_header Set-Cookie "lpc_req=$host$request_uri; Path=/";',
      '    add_header Set-Cookie "lpc_parts=u:$uri|a:$is_args$args|s:$arg_status|S:$ARG_STATUS|m:$request_method|hh:$http_host|c:$cookie_a|h:$http_x_lpc|none:$arg_none$cookie_none$http_x_none";',
      '    add_header Set-Cookie "$cookie_a; HttpOnly";',
      '}',
      'location /more/ {',
      '    proxy_pass http://backend;',
      '    more_set_headers "Set-Cookie: lpc_more=$host$uri; c=$cookie_a; Path=/";',
      '}',
    ].join('\n'),
    requests: [
      { endpoint: 'location /rv/', headers: { Cookie: 'z=1; a=lpc_named=v', 'X-Lpc': 'on' }, where: '' },
      { endpoint: 'location /more/', headers: { Cookie: 'a=2' }, where: '' },
    ],
  },
  {
    // A pattern or selector a request variable makes: the lint cannot know it (the verdict is
    // unknown where it could add attributes), each request sent is predicted with its own values.
    name: 'request variables: proxy_cookie_path, proxy_cookie_domain and proxy_cookie_flags arguments read the request',
    context: 'server',
    text: [
      'location /pc/ {',
      '    proxy_pass http://backend;',
      '    proxy_cookie_domain example.com $host;',
      '    proxy_cookie_path /$arg_p "/moved$is_args";',
      '}',
      'location /pf/ {',
      '    proxy_pass http://backend;',
      '    proxy_cookie_flags $arg_f secure samesite=strict;',
      '    proxy_cookie_path /fisheye "/$arg_status/";',
      '}',
    ].join('\n'),
    requests: [
      { endpoint: 'location /pc/', query: 'p=app', where: '' },
      { endpoint: 'location /pf/', query: 'f=csrftoken', where: '' },
    ],
  },
  {
    // A `set` of request variables alone: the name takes the request's values where it is read.
    name: 'request variables: a set of request variables ($host, $uri, $cookie_*) read by add_header',
    context: 'server',
    text: ['set $lpc_v "$host$uri";', 'location /sv/ {', '    proxy_pass http://backend;', '    set $lpc_c $cookie_c;', '    add_header Set-Cookie "sv=$lpc_v; c=$lpc_c; Path=/";', '}'].join('\n'),
    requests: [{ endpoint: 'location /sv/', headers: { Cookie: 'c=3' }, where: '' }],
  },
  {
    // A map's one value of request variables: the branch of the requests it answers takes their values.
    name: 'request variables: a map value of request variables read by add_header',
    context: 'http',
    text: 'map $arg_k $lpc_k { default "$host$uri"; 1 fixed; }\nserver { listen 80; location /mk/ { proxy_pass http://backend; add_header Set-Cookie "k=$lpc_k; Path=/" always; } }',
    requests: [{ endpoint: 'location /mk/', query: 'k=1', where: '$lpc_k is "fixed"' }],
  },
];
