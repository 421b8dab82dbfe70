/**
 * Adversarial configurations for the real-server comparison, beyond the fixtures: each is linted,
 * simulated and run on the real nginx; the Set-Cookie lines must agree exactly. Location-context
 * cases without a `*_pass` get `proxy_pass` to the HTTP backend (runnable.ts).
 */
export interface RealCase {
  readonly name: string;
  readonly context: 'location' | 'server' | 'http';
  readonly text: string;
  /**
   * Requests that take a chosen branch of the simulation, besides the endpoint's own request: at
   * the endpoints whose label ends with `endpoint`, `query` is added to the request path, and
   * nginx's Set-Cookie lines must equal the outcome the lint messages name `for requests where
   * <where>` ('' for the outcome that needs no test of the request).
   */
  readonly requests?: readonly { readonly endpoint: string; readonly query: string; readonly where: string }[];
}

const loc = (name: string, text: string): RealCase => ({ name, context: 'location', text });

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
      { endpoint: 'location /', query: 'lpc_mode=strict', where: '$lpc_flags is "httponly"' },
      { endpoint: 'location /', query: 'lpc_mode=lax', where: '$lpc_flags is "samesite=lax"' },
      { endpoint: 'location /', query: 'lpc_mode=both', where: '$lpc_flags is not "httponly" and $lpc_flags is not "samesite=lax"' },
      { endpoint: 'location /', query: 'lpc_mode=none', where: '$lpc_flags is not "httponly" and $lpc_flags is not "samesite=lax"' },
      { endpoint: 'location /srv/', query: 'lpc_srv=1', where: '$lpc_srv is "httponly"' },
      { endpoint: 'location /srv/', query: 'lpc_srv=', where: '$lpc_srv is "secure"' },
      // JSESSIONID already has HttpOnly: that outcome changes nothing, so it names no request test.
      { endpoint: 'location /name/', query: 'lpc_name=session', where: '' },
      { endpoint: 'location /name/', query: 'lpc_name=other', where: '$lpc_cookie is "XSRF-TOKEN"' },
      { endpoint: 'location /raw/', query: 'lpc_raw=HttpOnly', where: '$arg_lpc_raw is "httponly"' },
      { endpoint: 'location /raw/', query: 'lpc_raw=', where: '$arg_lpc_raw is not "httponly"' },
      { endpoint: 'location /if/', query: 'lpc_if=1', where: '$lpc_f is "httponly"' },
      // fixtures/xsrf-cookie-httponly/nginx/invalid-path-hack-map-variable.conf, each value of the map
      { endpoint: 'location /path/', query: 'lpc_attrs=strict', where: '$lpc_attrs is "; HttpOnly"' },
      { endpoint: 'location /path/', query: 'lpc_attrs=lax', where: '$lpc_attrs is "; SameSite=Lax"' },
      { endpoint: 'location /path/', query: 'lpc_attrs=none', where: '$lpc_attrs is ""' },
      { endpoint: 'location /root/', query: 'lpc_root=app', where: '$lpc_root is "/app/"' },
      { endpoint: 'location /root/', query: 'lpc_root=none', where: '$lpc_root is "/"' },
    ],
  },
];
