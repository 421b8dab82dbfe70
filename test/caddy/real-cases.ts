/**
 * Configurations for the Caddy real-server suite beyond the fixtures: Caddy's JSON config (which
 * cannot carry the fixtures' comment markers) and Caddyfile corners. `{{PORT}}` is the port the
 * site listens on, `{{HTTP}}` the HTTP test backend's address, `{{ROOT}}` a directory for
 * `file_server` (the suite makes the files its endpoints find there); they are filled in before
 * the model is built, so the linter reads exactly what Caddy runs.
 */
export interface CaddyCase {
  readonly name: string;
  readonly file: 'Caddyfile' | 'caddy.json';
  readonly text: string;
  /** The linter offers a fix: the real-server suite serves the fixed text too. */
  readonly fixable?: boolean;
}

const server = (routes: string) => `{
  "apps": { "http": { "servers": { "srv0": {
    "listen": ["127.0.0.1:{{PORT}}"],
    "automatic_https": { "disable": true },
    "routes": ${routes}
  } } } }
}
`;

const proxy = (extra = '') => `{ "handler": "reverse_proxy", "upstreams": [{ "dial": "{{HTTP}}" }]${extra} }`;

/** A deferred `header` block under `matcher` that appends `; label` to every Set-Cookie line. */
const tag = (matcher: string, label: string, depth = 1) => {
  const t = '\t'.repeat(depth);
  return `${t}header ${matcher} {\n${t}\tSet-Cookie "^(.*)$" "$1; ${label}"\n${t}\tdefer\n${t}}\n`;
};

/** `route <path>` with a proxy whose `header_down` tags JSESSIONID and whose `handle_response` block holds `body`. */
const downRoute = (path: string, body: string) =>
  `\troute ${path} {\n\t\treverse_proxy {{HTTP}} {\n\t\t\theader_down Set-Cookie "^(JSESSIONID=[^;]*).*" "$1; down"\n\t\t\thandle_response {\n${body}\t\t\t}\n\t\t}\n\t}\n`;

export const REAL_CASES: readonly CaddyCase[] = [
  {
    name: 'json: deferred headers handler with search_regexp',
    file: 'caddy.json',
    fixable: true,
    text: server(`[{ "handle": [
      { "handler": "headers", "response": { "deferred": true, "replace": { "Set-Cookie": [{ "search_regexp": "(.*)", "replace": "$1; HttpOnly" }] } } },
      ${proxy()}
    ] }]`),
  },
  {
    name: 'json: reverse_proxy headers.response adds HttpOnly and Secure (the fix adds a companion replacement)',
    file: 'caddy.json',
    fixable: true,
    text: server(`[{ "handle": [
      ${proxy(`, "headers": { "response": { "replace": { "Set-Cookie": [{ "search_regexp": "^(.*)$", "replace": "$1; HttpOnly; Secure" }] } } }`)}
    ] }]`),
  },
  {
    name: 'json: immediate headers handler sees no backend cookie',
    file: 'caddy.json',
    text: server(`[{ "handle": [
      { "handler": "headers", "response": { "replace": { "Set-Cookie": [{ "search_regexp": "(.*)", "replace": "$1; HttpOnly" }] } } },
      ${proxy()}
    ] }]`),
  },
  {
    name: 'json: reverse_proxy headers.response replace, literal search and regex',
    file: 'caddy.json',
    text: server(`[{ "handle": [
      ${proxy(`, "headers": { "response": { "replace": { "set-cookie": [
        { "search": "Path=/", "replace": "Path=/; SameSite=Lax" },
        { "search_regexp": "^(JSESSIONID=.*)$", "replace": "\${1}; HttpOnly" },
        { "search_regexp": "(?i)xsrf", "replace": "$1x" }
      ] } } }`)}
    ] }]`),
  },
  {
    name: 'json: deferred set with two values, add and delete',
    file: 'caddy.json',
    text: server(`[{ "handle": [
      { "handler": "headers", "response": { "deferred": true, "add": { "Set-Cookie": ["added=1"] }, "set": { "Set-Cookie": ["a=1", "b=2"] } } },
      { "handler": "headers", "response": { "deferred": true, "delete": ["Set-*"], "add": { "Set-Cookie": ["kept=1"] } } },
      ${proxy()}
    ] }]`),
  },
  {
    name: 'json: default value only when no cookie, subroute with path matcher and group',
    file: 'caddy.json',
    text: server(`[
      { "match": [{ "path": ["/app/*"] }], "group": "g", "handle": [{ "handler": "subroute", "routes": [{ "handle": [
        { "handler": "headers", "response": { "require": { "headers": { "Set-Cookie": null } }, "set": { "Set-Cookie": ["default=1"] } } },
        { "handler": "headers", "response": { "deferred": true, "replace": { "Set-Cookie": [{ "search_regexp": "^(XSRF-TOKEN=[^;]*)", "replace": "$1; HttpOnly" }] } } },
        ${proxy()}
      ] }] }] },
      { "group": "g", "handle": [${proxy()}] }
    ]`),
  },
  {
    name: 'json: a lookahead is refused',
    file: 'caddy.json',
    text: server(`[{ "handle": [
      { "handler": "headers", "response": { "deferred": true, "replace": { "Set-Cookie": [{ "search_regexp": "^(?!XSRF-TOKEN=)(.*)$", "replace": "$1; HttpOnly" }] } } },
      ${proxy()}
    ] }]`),
  },
  {
    name: 'caddyfile: deferred handlers run innermost first, replacements in order',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\theader {
\t\tSet-Cookie "^(.*)$" "$1; first"
\t\tdefer
\t}
\theader {
\t\tSet-Cookie "; first$" "; first-then-second"
\t\tSet-Cookie "(second)" "$1, third"
\t\tdefer
\t}
\treverse_proxy {{HTTP}}
}
`,
  },
  {
    name: 'caddyfile: add and delete in one handler, the delete wins',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\theader {
\t\t+Set-Cookie "late=1"
\t\t-Set-Cookie
\t}
\treverse_proxy {{HTTP}}
}
`,
  },
  {
    name: 'caddyfile: immediate set and add precede the backend cookies',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\theader +Set-Cookie "early=1"
\theader Set-Cookie "set=1"
\treverse_proxy {{HTTP}}
}
`,
  },
  {
    name: 'caddyfile: Go template expansion ($1x is a group named 1x, $$ a dollar)',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\treverse_proxy {{HTTP}} {
\t\theader_down Set-Cookie "^(csrftoken)=" "$1x=$$"
\t\theader_down Set-Cookie "(sessionid)=(?P<v>[^;]*)" "\${1}=\${v}-\${2}"
\t\theader_down Set-Cookie "o" "0"
\t}
}
`,
  },
  {
    name: 'caddyfile: env variable default and snippet arguments',
    file: 'Caddyfile',
    text: `(flags) {
\theader {
\t\tSet-Cookie "^({args.0}=.*)$" "$1; {args[1]} {args.1}"
\t\tdefer
\t}
}
http://127.0.0.1:{{PORT}} {
\timport flags JSESSIONID HttpOnly
\theader {
\t\tSet-Cookie "^(sessionid=.*)$" "$1; {$LPC_UNSET_FLAG:Secure}"
\t\tdefer
\t}
\treverse_proxy {{HTTP}}
}
`,
  },
  {
    name: 'caddyfile: header directives sorted by path matcher (longest first), so the deferred one without a path runs first',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\theader {
\t\tSet-Cookie "^(.*)$" "$1; A"
\t\tdefer
\t}
\theader /app* {
\t\tSet-Cookie "; A$" "; A-then-app"
\t\tSet-Cookie "^(.*)$" "$1; app"
\t\tdefer
\t}
\treverse_proxy {{HTTP}}
}
`,
  },
  {
    name: 'caddyfile: the global order option puts header after reverse_proxy, where it never runs',
    file: 'Caddyfile',
    text: `{
\torder header after reverse_proxy
}
http://127.0.0.1:{{PORT}} {
\theader {
\t\tSet-Cookie (.*) "$1; HttpOnly"
\t\tdefer
\t}
\treverse_proxy {{HTTP}}
}
`,
  },
  {
    name: 'caddyfile: handle blocks are exclusive even when the first one does not answer',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\thandle /app/* {
\t\theader {
\t\t\tSet-Cookie "^(.*)$" "$1; in-app"
\t\t\tdefer
\t\t}
\t}
\thandle {
\t\theader {
\t\t\tSet-Cookie "^(.*)$" "$1; fallback"
\t\t\tdefer
\t\t}
\t}
\treverse_proxy {{HTTP}}
}
`,
  },
  {
    // `?` lines go to a handler of their own; the `defer` leaves the main one deferred and empty,
    // and Caddy before 2.10 dereferences its nil HeaderOps at provisioning (caddyserver/caddy#6893).
    name: 'caddyfile: a default with defer and nothing else is refused before 2.10',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\theader {
\t\t?Set-Cookie "lpc_default=1"
\t\tdefer
\t}
\treverse_proxy {{HTTP}}
}
`,
  },
  {
    name: 'caddyfile: a default beside an operation of its own, deferred',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\theader {
\t\t?Set-Cookie "lpc_default=1"
\t\tSet-Cookie "^(JSESSIONID=.*)$" "$1; SameSite=Lax"
\t\tdefer
\t}
\treverse_proxy {{HTTP}}
}
`,
  },
  {
    name: 'caddyfile: handle_path strips its prefix before the matchers inside it (a blanket HttpOnly under /app/x*)',
    file: 'Caddyfile',
    fixable: true,
    text: `http://127.0.0.1:{{PORT}} {
\thandle_path /app/* {
\t\theader /x* {
\t\t\tSet-Cookie (.*) "$1; HttpOnly"
\t\t\tdefer
\t\t}
\t\treverse_proxy {{HTTP}}
\t}
\thandle {
\t\treverse_proxy {{HTTP}}
\t}
}
`,
  },
  {
    name: 'caddyfile: handle_path without a slash before the star, and an exact path',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\thandle_path /b* {
${tag('/x*', 'under-b', 2)}\t\treverse_proxy {{HTTP}}
\t}
\thandle_path /c {
${tag('/c', 'exact-c', 2)}\t\treverse_proxy {{HTTP}}
\t}
\treverse_proxy {{HTTP}}
}
`,
  },
  {
    name: 'caddyfile: uri strip_prefix, strip_suffix, replace and path_regexp change what later matchers see',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\turi strip_prefix zz
\turi /q/* strip_suffix .php
\turi replace /old/ /new/ 1
\turi path_regexp ^/v([0-9]+) /ver$1
${tag('/new/*', 'renamed')}${tag('/q/a', 'suffix-stripped')}${tag('/q/a.php', 'suffix-kept')}${tag('/ver2*', 'regexp')}${tag('/old/*', 'still-old')}${tag('/zz/*', 'not-stripped')}\treverse_proxy {{HTTP}}
}
`,
  },
  {
    name: 'caddyfile: rewrites are exclusive, the longest matcher first, and the matchers after see the new path',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\trewrite /a /b
\trewrite /a* /c
\trewrite /d /e
${tag('/b', 'to-b')}${tag('/c', 'to-c')}${tag('/e', 'to-e')}${tag('/a*', 'still-a')}\treverse_proxy {{HTTP}}
}
`,
  },
  {
    name: 'caddyfile: a rewrite inside handle, and route blocks keep their rewrites in order, not exclusive',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\troute /r* {
\t\trewrite /r1 /r2
\t\trewrite /r2 /r3
\t}
${tag('/r3', 'r3')}${tag('/r2', 'r2')}\thandle /h* {
\t\trewrite /h1 /inner
${tag('/inner', 'inner', 2)}\t\treverse_proxy {{HTTP}}
\t}
\treverse_proxy {{HTTP}}
}
`,
  },
  {
    name: 'caddyfile: a rewrite to a placeholder leaves the path unknown',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\trewrite /p /{query.to}
${tag('/p', 'still-p')}\treverse_proxy {{HTTP}}
}
`,
  },
  {
    name: 'caddyfile: handle_path inside handle_path strips both prefixes, and a route keeps the stripped path for the rest',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\thandle_path /outer/* {
\t\thandle_path /inner/* {
${tag('/deep*', 'deep', 3)}\t\t\treverse_proxy {{HTTP}}
\t\t}
${tag('/inner/*', 'inner-unstripped', 2)}${tag('/deep*', 'outer-only', 2)}\t\treverse_proxy {{HTTP}}
\t}
\troute /r/* {
\t\turi strip_prefix /r
${tag('/s*', 'route-stripped', 2)}\t}
${tag('/s*', 'after-route', 1)}\treverse_proxy {{HTTP}}
}
`,
  },
  {
    name: 'json: rewrite handler strip_path_prefix and uri before a path matcher',
    file: 'caddy.json',
    text: server(`[
      { "handle": [{ "handler": "rewrite", "strip_path_prefix": "/pre" }] },
      { "match": [{ "path": ["/u"] }], "handle": [{ "handler": "rewrite", "uri": "/target" }] },
      { "match": [{ "path": ["/x*", "/target"] }], "handle": [{ "handler": "headers", "response": { "deferred": true, "replace": { "Set-Cookie": [{ "search_regexp": "^(.*)$", "replace": "$1; rewritten" }] } } }] },
      { "handle": [${proxy()}] }
    ]`),
  },
  // --- Header operation forms (second audit) ---
  {
    name: 'caddyfile: one-line default applies when header_down deleted every backend cookie',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\theader ?Set-Cookie "lpc_default=1"
\theader /keep* ?Set-Cookie "lpc_unused=1"
\troute /gone* {
\t\treverse_proxy {{HTTP}} {
\t\t\theader_down -Set-Cookie
\t\t}
\t}
\treverse_proxy {{HTTP}}
}
`,
  },
  {
    name: 'caddyfile: several fields in one block, adds, a set, a replacement and a delete of another field',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\theader {
\t\tX-Other "o"
\t\t-Server
\t\t+Set-Cookie "b1=1"
\t\t+Set-Cookie "b2=2"
\t\tSet-Cookie "^(b.)=" "$1x="
\t\tdefer
\t}
\theader /set* {
\t\tSet-Cookie "s1=1"
\t\tSet-Cookie: "s2=2"
\t\tdefer
\t}
\treverse_proxy {{HTTP}}
}
`,
  },
  {
    name: 'caddyfile: header_down add, set, regex and delete of another field',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\troute /add* {
\t\treverse_proxy {{HTTP}} {
\t\t\theader_down +Set-Cookie "down=1"
\t\t\theader_down Set-Cookie "(csrftoken=[^;]*)" "$1; HttpOnly"
\t\t}
\t}
\troute /set* {
\t\treverse_proxy {{HTTP}} {
\t\t\theader_down Set-Cookie "only=1"
\t\t\theader_down +Set-Cookie "plus=1"
\t\t}
\t}
\troute /del* {
\t\treverse_proxy {{HTTP}} {
\t\t\theader_down -Set-Cookie
\t\t\theader_down +Set-Cookie "after-delete=1"
\t\t\theader_down -X-Nothing
\t\t}
\t}
\treverse_proxy {{HTTP}} {
\t\theader_down Set-Cookie "^(XSRF-TOKEN=.*)$" "$1; HttpOnly"
\t\theader_down Set-Cookie "; HttpOnly; HttpOnly" "; HttpOnly"
\t}
}
`,
  },
  {
    name: 'caddyfile: > prefix before 2.7 is part of the field name, and * matcher, immediate and deferred beside each other',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\theader * >Set-Cookie "(.*)" "$1; HttpOnly"
\theader * Set-Cookie "^(.*)$" "$1; immediate"
\theader * {
\t\tSet-Cookie "^(JSESSIONID=.*)$" "$1; deferred"
\t\tdefer
\t}
\treverse_proxy {{HTTP}}
}
`,
  },
  {
    name: 'caddyfile: header directives with the same and different matchers, in handle, route and handle_path',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
${tag('/a*', 'a1')}${tag('/a*', 'a2')}${tag('/ab*', 'ab')}${tag('*', 'star')}\thandle /h/* {
${tag('/h/x*', 'h-x', 2)}${tag('', 'h-all', 2)}\t\treverse_proxy {{HTTP}}
\t}
\troute /r/* {
${tag('/r/x*', 'r-x', 2)}${tag('', 'r-all', 2)}\t\treverse_proxy {{HTTP}}
\t}
\thandle_path /p/* {
${tag('/x*', 'p-x', 2)}\t\treverse_proxy {{HTTP}}
\t}
\treverse_proxy {{HTTP}}
}
`,
  },
  {
    name: 'caddyfile: named matchers: not, several path lines, not in a block, path_regexp',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\t@notA not path /a*
\t@two {
\t\tpath /b1*
\t\tpath /b2*
\t}
\t@notBlock {
\t\tnot {
\t\t\tpath /c*
\t\t}
\t}
\t@notAnd {
\t\tnot path /d1*
\t\tpath /d*
\t}
\t@re path_regexp ^/e[0-9]+$
\t@reNamed path_regexp num ^/F([0-9]+)
\t@notTwo not path /g1 /g2
${tag('@notA', 'not-a')}${tag('@two', 'two')}${tag('@notBlock', 'not-c')}${tag('@notAnd', 'd-not-d1')}${tag('@re', 're')}${tag('@reNamed', 're-named')}${tag('@notTwo', 'not-g')}\treverse_proxy {{HTTP}}
}
`,
  },
  // --- Terminal handlers beside a proxy, grouping, the order option (second audit) ---
  {
    name: 'caddyfile: respond, redir and file_server beside a proxy, by matcher',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\trespond /r* "answered" 200
\tredir /old* /new 302
\tfile_server /static* {
\t\troot /nonexistent
\t}
\theader +Set-Cookie "tagged=1"
${tag('', 'all')}\treverse_proxy {{HTTP}}
}
`,
  },
  {
    name: 'caddyfile: route runs everything in order, handle blocks only the first match; header after a route that answers never runs',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\troute {
${tag('/x*', 'route-x', 2)}\t\theader +Set-Cookie "route-add=1"
\t\treverse_proxy /x* {{HTTP}}
${tag('', 'after-proxy', 2)}\t}
\thandle /y* {
${tag('', 'handle-y', 2)}\t}
\thandle /y/z* {
${tag('', 'handle-yz', 2)}\t}
\thandle {
${tag('', 'handle-rest', 2)}\t}
\treverse_proxy {{HTTP}}
}
`,
  },
  {
    name: 'caddyfile: order forms: first, last, before, after, and a reorder of reverse_proxy itself',
    file: 'Caddyfile',
    text: `{
\torder respond first
\torder header last
\torder reverse_proxy before header
\torder uri after respond
}
http://127.0.0.1:{{PORT}} {
\trespond /answered* "yes"
${tag('', 'late')}\turi strip_prefix /pre
${tag('/x*', 'seen-after-strip')}\treverse_proxy {{HTTP}}
}
`,
  },
  {
    name: 'caddyfile: order header before the proxy inside route-less site, and a route with its own order',
    file: 'Caddyfile',
    text: `{
\torder reverse_proxy first
}
http://127.0.0.1:{{PORT}} {
${tag('', 'never')}\troute /r* {
${tag('', 'in-route', 2)}\t\treverse_proxy {{HTTP}}
\t}
\treverse_proxy {{HTTP}}
}
`,
  },
  // --- reverse_proxy handle_response (second audit) ---
  {
    name: 'caddyfile: handle_response answers instead of the backend: respond, nothing, copy_response, copy_response_headers',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\theader +Set-Cookie "outer-immediate=1"
${tag('', 'outer')}\troute /respond* {
\t\treverse_proxy {{HTTP}} {
\t\t\theader_down Set-Cookie "^(XSRF-TOKEN=.*)$" "$1; HttpOnly"
\t\t\thandle_response {
\t\t\t\trespond "replaced" 201
\t\t\t}
\t\t}
\t}
\troute /nothing* {
\t\treverse_proxy {{HTTP}} {
\t\t\thandle_response {
\t\t\t\theader +Set-Cookie "inner=1"
\t\t\t}
\t\t}
\t}
\troute /body* {
\t\treverse_proxy {{HTTP}} {
\t\t\theader_down Set-Cookie "^(JSESSIONID=[^;]*).*" "$1; down"
\t\t\thandle_response {
${tag('', 'inner', 4)}\t\t\t\tcopy_response
\t\t\t}
\t\t}
\t}
\troute /headers* {
\t\treverse_proxy {{HTTP}} {
\t\t\theader_down Set-Cookie "^(JSESSIONID=[^;]*).*" "$1; down"
\t\t\thandle_response {
\t\t\t\tcopy_response_headers {
\t\t\t\t\tinclude X-Nothing set-cookie
\t\t\t\t}
\t\t\t\trespond "x"
\t\t\t}
\t\t}
\t}
\troute /nested* {
\t\treverse_proxy {{HTTP}} {
\t\t\thandle_response {
\t\t\t\troute {
\t\t\t\t\theader +Set-Cookie "before-copy=1"
\t\t\t\t\tcopy_response_headers
\t\t\t\t\theader Set-Cookie "^(XSRF-TOKEN=.*)$" "$1; after-copy"
\t\t\t\t\theader +Set-Cookie "added-after-copy=1"
\t\t\t\t\trespond "x"
\t\t\t\t}
\t\t\t}
\t\t}
\t}
\troute /excluded* {
\t\treverse_proxy {{HTTP}} {
\t\t\thandle_response {
\t\t\t\tcopy_response_headers {
\t\t\t\t\texclude Set-Cookie
\t\t\t\t}
\t\t\t\theader +Set-Cookie "mine=1"
\t\t\t}
\t\t}
\t}
\troute /status* {
\t\treverse_proxy {{HTTP}} {
\t\t\treplace_status 202
\t\t\t@err status 5xx
\t\t\thandle_response @err {
\t\t\t\trespond "error"
\t\t\t}
\t\t}
\t}
\treverse_proxy {{HTTP}}
}
`,
  },
  // --- JSON headers handler forms (second audit) ---
  {
    name: 'json: replace on every field (*), literal search beside search_regexp, an empty search',
    file: 'caddy.json',
    text: server(`[{ "handle": [
      { "handler": "headers", "response": { "deferred": true, "replace": {
        "*": [{ "search": "Path=/", "replace": "Path=/; star" }, { "search_regexp": "^(csrftoken=.*)$", "replace": "$1; star-re" }],
        "Set-Cookie": [{ "search": "", "search_regexp": "^(JSESSIONID=[^;]*)", "replace": "$1; empty-search" }, { "search": "", "replace": "" }, { "search": "x1", "replace": "X1" }]
      } } },
      ${proxy()}
    ] }]`),
  },
  {
    name: 'json: a substring search and a regex in one replacement are refused',
    file: 'caddy.json',
    text: server(`[{ "handle": [
      { "handler": "headers", "response": { "replace": { "Set-Cookie": [{ "search": "x1", "search_regexp": "^(JSESSIONID=[^;]*)", "replace": "$1; both" }] } } },
      ${proxy()}
    ] }]`),
  },
  {
    name: 'json: require other than an absent Set-Cookie: a status, a present Set-Cookie, a header value',
    file: 'caddy.json',
    text: server(`[
      { "match": [{ "path": ["/status*"] }], "handle": [{ "handler": "headers", "response": { "require": { "status_code": [404] }, "replace": { "Set-Cookie": [{ "search_regexp": "^(.*)$", "replace": "$1; on-404" }] } } }] },
      { "match": [{ "path": ["/present*"] }], "handle": [{ "handler": "headers", "response": { "require": { "headers": { "Set-Cookie": [] } }, "add": { "Set-Cookie": ["present=1"] } } }] },
      { "match": [{ "path": ["/value*"] }], "handle": [{ "handler": "headers", "response": { "require": { "headers": { "X-Nothing": ["yes"] } }, "add": { "Set-Cookie": ["value=1"] } } }] },
      { "match": [{ "path": ["/ok*"] }], "handle": [{ "handler": "headers", "response": { "require": { "status_code": [2] }, "add": { "Set-Cookie": ["class-2xx=1"] } } }] },
      { "handle": [${proxy()}] }
    ]`),
  },
  {
    name: 'json: not and path_regexp matchers',
    file: 'caddy.json',
    text: server(`[
      { "match": [{ "not": [{ "path": ["/a*"] }, { "path": ["/b*"] }] }], "handle": [{ "handler": "headers", "response": { "deferred": true, "replace": { "Set-Cookie": [{ "search_regexp": "^(.*)$", "replace": "$1; not-a-b" }] } } }] },
      { "match": [{ "path_regexp": { "pattern": "^/re[0-9]+$" } }], "handle": [{ "handler": "headers", "response": { "deferred": true, "replace": { "Set-Cookie": [{ "search_regexp": "^(.*)$", "replace": "$1; re" }] } } }] },
      { "match": [{ "path": ["/a*", "/b*", "/re*"] }], "handle": [${proxy()}] },
      { "handle": [${proxy()}] }
    ]`),
  },
  // --- Placeholders (second audit) ---
  {
    // The probe request carries none of the headers, cookies or query arguments named here: they
    // expand to nothing. `{vars.*}`, `{env.*}` and a flag glued to a request value make the result
    // unknown (not compared); unknown keys and escaped braces stay as written.
    name: 'caddyfile: placeholders in values and replacements: request values, unknown keys, escapes, vars',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\tvars flag HttpOnly
\theader {
\t\tSet-Cookie "^(JSESSIONID=[^;]*)(.*)$" "\${1}{header.X-None}{cookie.none}\${2}; q={query.none} h={http.request.header.X-None} n={nope} e=\\{vars.x\\} {1} \${1}"
\t\t+Set-Cookie "added={header.X-None}; Path=/{query.none}"
\t\tdefer
\t}
\troute /vars* {
\t\theader {
\t\t\tSet-Cookie "^(XSRF-TOKEN=.*)$" "$1; {vars.flag}"
\t\t\tdefer
\t\t}
\t}
\troute /glued* {
\t\theader {
\t\t\tSet-Cookie "^(csrftoken=.*)$" "$1; HttpOnly{header.X-None}"
\t\t\tdefer
\t\t}
\t}
\troute /env* {
\t\theader +Set-Cookie "env={env.HOME}"
\t}
\treverse_proxy {{HTTP}}
}
`,
  },
  {
    name: 'json: placeholders in add, set, a literal search and a replacement',
    file: 'caddy.json',
    text: server(`[{ "handle": [
      { "handler": "headers", "response": { "deferred": true,
        "add": { "Set-Cookie": ["a={http.request.cookie.none}x; Path={http.request.uri.query.none}/"] },
        "replace": { "Set-Cookie": [{ "search": "c1{http.request.header.X-None}", "replace": "C1{path}" }, { "search_regexp": "^(atl[^=]*)=([^;]*)", "replace": "\${1}=\${2}{http.request.uri.query.none}{http.request.cookie.none}" }] } } },
      ${proxy()}
    ] }]`),
  },
  {
    // Caddy keeps replacements in a map keyed by the field as written; the keys come in a random
    // order. Where the order changes a line the linter claims nothing (not compared); elsewhere it must agree.
    name: 'json: replacements under several field keys, with and without an order that matters',
    file: 'caddy.json',
    text: server(`[
      { "match": [{ "path": ["/clash*"] }], "handle": [{ "handler": "headers", "response": { "deferred": true, "replace": {
        "*": [{ "search": "x1", "replace": "STAR" }], "Set-Cookie": [{ "search": "x1", "replace": "FIELD" }] } } }] },
      { "handle": [{ "handler": "headers", "response": { "deferred": true, "replace": {
        "set-cookie": [{ "search_regexp": "^(JSESSIONID=[^;]*)", "replace": "$1; lower" }], "Set-Cookie": [{ "search": "c1", "replace": "C1" }], "*": [{ "search": "t1", "replace": "T1" }] } } }] },
      { "handle": [${proxy()}] }
    ]`),
  },
  {
    name: 'caddyfile: field spellings: a colon only drops in a block, upper case, no value sets an empty line',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\theader /colon* Set-Cookie: "one-line=1"
\theader /block* {
\t\t+Set-Cookie: "blk=1"
\t\tSet-Cookie: "^(XSRF-TOKEN=.*)$" "$1; colon-replace"
\t\tdefer
\t}
\theader /upper* SET-COOKIE
\theader /empty* {
\t\tset-cookie
\t\t+SET-cookie "x=1"
\t}
\treverse_proxy {{HTTP}}
}
`,
  },
  {
    name: 'caddyfile: HttpOnly added under a path_regexp matcher and by header_down behind handle_response copy_response (fixable)',
    file: 'Caddyfile',
    fixable: true,
    text: `http://127.0.0.1:{{PORT}} {
\t@api path_regexp ^/api/v[0-9]+/
\theader @api {
\t\tSet-Cookie "^(.*)$" "$1; HttpOnly"
\t\tdefer
\t}
\troute /copy* {
\t\treverse_proxy {{HTTP}} {
\t\t\theader_down Set-Cookie "^(.*)$" "$1; HttpOnly"
\t\t\thandle_response {
\t\t\t\tcopy_response
\t\t\t}
\t\t}
\t}
\treverse_proxy {{HTTP}}
}
`,
  },
  {
    name: 'json: reverse_proxy handle_response: static_response, copy_response, copy_response_headers, nothing answering, a status match',
    file: 'caddy.json',
    text: server(`[
      { "match": [{ "path": ["/static*"] }], "handle": [${proxy(`, "headers": { "response": { "replace": { "Set-Cookie": [{ "search_regexp": "(.*)", "replace": "$1; HttpOnly" }] } } },
        "handle_response": [{ "routes": [{ "handle": [{ "handler": "headers", "response": { "add": { "Set-Cookie": ["inner=1"] } } }, { "handler": "static_response", "body": "x" }] }] }]`)}] },
      { "match": [{ "path": ["/copy*"] }], "handle": [${proxy(`, "headers": { "response": { "replace": { "Set-Cookie": [{ "search_regexp": "^(JSESSIONID=[^;]*).*", "replace": "$1; down" }] } } },
        "handle_response": [{ "routes": [{ "handle": [{ "handler": "headers", "response": { "deferred": true, "add": { "Set-Cookie": ["deferred=1"] } } }, { "handler": "copy_response" }] }] }]`)}] },
      { "match": [{ "path": ["/headers*"] }], "handle": [${proxy(`, "headers": { "response": { "replace": { "Set-Cookie": [{ "search_regexp": "^(JSESSIONID=[^;]*).*", "replace": "$1; down" }] } } },
        "handle_response": [{ "routes": [{ "handle": [{ "handler": "copy_response_headers", "include": ["Set-Cookie"] }, { "handler": "static_response", "body": "x" }] }] }]`)}] },
      { "match": [{ "path": ["/through*"] }], "handle": [${proxy(`, "handle_response": [{ "routes": [{ "handle": [{ "handler": "headers", "response": { "add": { "Set-Cookie": ["through=1"] } } }] }] }]`)}] },
      { "match": [{ "path": ["/status*"] }], "handle": [${proxy(`, "handle_response": [{ "match": { "status_code": [5] }, "routes": [{ "handle": [{ "handler": "static_response", "body": "e" }] }] }]`)}] },
      { "handle": [{ "handler": "headers", "response": { "deferred": true, "add": { "Set-Cookie": ["last=1"] } } }, ${proxy()}] }
    ]`),
  },
  {
    name: 'caddyfile: a map destination is a placeholder of its own, filled in at run time',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\tmap {path} {lpc_flag} {
\t\t/a* HttpOnly
\t\tdefault ""
\t}
\troute /m* {
\t\theader {
\t\t\tSet-Cookie "^(XSRF-TOKEN=.*)$" "\${1}; {lpc_flag}"
\t\t\tdefer
\t\t}
\t}
\theader {
\t\tSet-Cookie "^(csrftoken=.*)$" "\${1}; {lpc_other}"
\t\tdefer
\t}
\treverse_proxy {{HTTP}}
}
`,
  },
  {
    name: 'json: a map handler destination is filled in at run time',
    file: 'caddy.json',
    text: server(`[
      { "handle": [{ "handler": "map", "source": "{http.request.uri.path}", "destinations": ["{lpc_flag}"], "mappings": [{ "input": "/a", "outputs": ["HttpOnly"] }], "defaults": [""] }] },
      { "match": [{ "path": ["/m*"] }], "handle": [{ "handler": "headers", "response": { "deferred": true, "replace": { "Set-Cookie": [{ "search_regexp": "^(XSRF-TOKEN=.*)$", "replace": "\${1}; {lpc_flag}" }] } } }] },
      { "handle": [${proxy()}] }
    ]`),
  },
  {
    name: 'caddyfile: a header name made of a placeholder (vars) may be Set-Cookie; unknown keys in names stay literal',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\tvars f Set-Cookie
\troute /dyn* {
\t\theader {
\t\t\t{vars.f} "^(XSRF-TOKEN=.*)$" "$1; HttpOnly"
\t\t\tdefer
\t\t}
\t}
\theader {
\t\t{nope} "^(XSRF-TOKEN=.*)$" "$1; HttpOnly"
\t\tSet-Cookie "^(csrftoken=.*)$" "$1; kept"
\t\tdefer
\t}
\treverse_proxy {{HTTP}}
}
`,
  },
  {
    name: 'caddyfile: error skips the deferred header handlers (immediate ones stay), abort sends nothing',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\theader +Set-Cookie "immediate=1"
\theader {
\t\t+Set-Cookie "deferred=1"
\t\tdefer
\t}
\terror /e* 500
\tabort /ab*
\trespond /r* "ok"
\treverse_proxy {{HTTP}}
}
`,
  },
  {
    name: 'json: error handler and an aborting static_response',
    file: 'caddy.json',
    text: server(`[
      { "handle": [{ "handler": "headers", "response": { "add": { "Set-Cookie": ["immediate=1"] } } }, { "handler": "headers", "response": { "deferred": true, "add": { "Set-Cookie": ["deferred=1"] } } }] },
      { "match": [{ "path": ["/e*"] }], "handle": [{ "handler": "error", "status_code": 502 }] },
      { "match": [{ "path": ["/ab*"] }], "handle": [{ "handler": "static_response", "abort": true }] },
      { "handle": [${proxy()}] }
    ]`),
  },
  // --- handle_response with both copies (third audit) ---
  {
    name: 'caddyfile: copy_response after copy_response_headers sends the backend lines twice (raw, then after header_down); one copy alone sends them once',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\theader +Set-Cookie "outer-immediate=1"
${tag('', 'outer')}${downRoute('/both*', `\t\t\t\tcopy_response_headers {\n\t\t\t\t\tinclude Set-Cookie\n\t\t\t\t}\n\t\t\t\theader +Set-Cookie "inner=1"\n${tag('', 'inner', 4)}\t\t\t\tcopy_response\n`)}${downRoute('/excluded*', '\t\t\t\tcopy_response_headers {\n\t\t\t\t\texclude Set-Cookie\n\t\t\t\t}\n\t\t\t\tcopy_response\n')}${downRoute('/only*', '\t\t\t\tcopy_response\n')}\treverse_proxy {{HTTP}}
}
`,
  },
  {
    name: 'json: copy_response_headers then copy_response in handle_response sends the backend lines twice',
    file: 'caddy.json',
    text: server(`[
      { "match": [{ "path": ["/both*"] }], "handle": [${proxy(`, "headers": { "response": { "replace": { "Set-Cookie": [{ "search_regexp": "^(JSESSIONID=[^;]*).*", "replace": "$1; down" }] } } },
        "handle_response": [{ "routes": [{ "handle": [{ "handler": "copy_response_headers" }, { "handler": "headers", "response": { "add": { "Set-Cookie": ["after-copy=1"] } } }, { "handler": "copy_response" }] }] }]`)}] },
      { "handle": [${proxy()}] }
    ]`),
  },
  // --- file_server (third audit) ---
  {
    // `{{ROOT}}` is a directory of the test's: the suite makes the file a `found` endpoint asks for.
    name: 'caddyfile: file_server answering 404 skips the deferred header handlers; a file it finds gets them',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\theader +Set-Cookie "tagged=1"
${tag('', 'all')}\thandle /static* {
${tag('', 'inner', 2)}\t\troot * {{ROOT}}
\t\tfile_server
\t}
\thandle_path /files/* {
\t\troot * {{ROOT}}
\t\tfile_server browse
\t}
\thandle {
\t\treverse_proxy {{HTTP}}
\t}
}
`,
  },
  {
    name: 'caddyfile: handle_errors answers the errors (error, a file_server 404) with the immediate lines set so far, through its own deferred handlers',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\theader +Set-Cookie "imm=1"
${tag('', 'deferred')}\thandle /static* {
\t\troot * {{ROOT}}
\t\tfile_server
\t}
\thandle /err* {
\t\terror 418
\t}
\thandle {
\t\treverse_proxy {{HTTP}}
\t}
\thandle_errors {
\t\theader +Set-Cookie "in-errors=1"
\t\theader /err* +Set-Cookie "from-error=1"
${tag('', 'err-deferred', 2)}\t\trespond /static* "missing"
\t}
}
`,
  },
  {
    name: 'json: errors.routes answer an error handler and a static_response that answers normally does not reach them',
    file: 'caddy.json',
    text: `{
  "apps": { "http": { "servers": { "srv0": {
    "listen": ["127.0.0.1:{{PORT}}"],
    "automatic_https": { "disable": true },
    "routes": [
      { "handle": [{ "handler": "headers", "response": { "add": { "Set-Cookie": ["imm=1"] } } }, { "handler": "headers", "response": { "deferred": true, "add": { "Set-Cookie": ["main-deferred=1"] } } }] },
      { "match": [{ "path": ["/e*"] }], "handle": [{ "handler": "error", "status_code": 502 }] },
      { "match": [{ "path": ["/ok*"] }], "handle": [{ "handler": "static_response", "body": "ok" }] },
      { "handle": [${proxy()}] }
    ],
    "errors": { "routes": [
      { "handle": [{ "handler": "headers", "response": { "add": { "Set-Cookie": ["in-errors=1"] } } }, { "handler": "headers", "response": { "deferred": true, "add": { "Set-Cookie": ["errors-deferred=1"] } } }] },
      { "match": [{ "path": ["/e/answered*"] }], "handle": [{ "handler": "static_response", "body": "answered" }] }
    ] }
  } } } }
}
`,
  },
  // --- request placeholders (third audit) ---
  {
    // The site names its host, so the linter knows the Host header the test sends; an immediate
    // handler reads the path where it runs, a deferred one and header_down the path after handle_path.
    name: 'caddyfile: request placeholders take the request values: host, port, scheme, method, path, its segments, dir, file, host labels',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\theader +Set-Cookie "req=1; h={host}; hp={hostport}; p={port}; s={scheme}; m={method}; path={path}; d={dir}; f={file}; seg={path.0}|{path.1}|{path.9}; l={labels.0}|{labels.3}|{labels.4}; o={http.request.orig_uri.path}"
\thandle_path /strip/* {
\t\theader {
\t\t\tSet-Cookie "^(XSRF-TOKEN=[^;]*)(.*)$" "$1; Domain={host}; deferred-path={path}; orig={http.request.orig_uri.path}"
\t\t\tdefer
\t\t}
\t\treverse_proxy {{HTTP}} {
\t\t\theader_down Set-Cookie "^(csrftoken=[^;]*)(.*)$" "$1; down-path={path}"
\t\t}
\t}
\treverse_proxy {{HTTP}}
}
`,
  },
  {
    name: 'caddyfile: a matcher name defined twice (once inside handle) is refused',
    file: 'Caddyfile',
    text: `http://127.0.0.1:{{PORT}} {
\thandle /h* {
\t\t@a path /x
\t\treverse_proxy {{HTTP}}
\t}
\t@a path /y
${tag('@a', 'a')}\treverse_proxy {{HTTP}}
}
`,
  },
];
