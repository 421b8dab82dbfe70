/**
 * Configurations the real-server suite checks besides the fixtures: the corners of HAProxy's
 * semantics the simulator models (whole-line replacement, comma-separated values, rule order
 * across backend and frontend, named defaults, ACLs decided per response, escapes, the
 * persistence cookie).
 */
export interface RealCase {
  readonly name: string;
  readonly text: string;
  /** The request methods it is requested with (GET alone by default). */
  readonly methods?: readonly ('GET' | 'POST')[];
}

/** Lua services for `http-request use-service lua.<name>` (loaded with `lua-load`). */
const SERVICES = new URL('./services.lua', import.meta.url).pathname;

const DEFAULTS = `defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
`;

export const REAL_CASES: readonly RealCase[] = [
  {
    name: 'backend rules run before frontend rules',
    text: `${DEFAULTS}
frontend fe
    bind 127.0.0.1:8000
    http-response add-header Set-Cookie fe=1
    http-response replace-header Set-Cookie ^(be=.*)$ "\\1; FE"
    default_backend be

backend be
    http-response add-header Set-Cookie be=1
    http-response replace-header Set-Cookie ^(fe=.*)$ "\\1; BE"
    server s1 127.0.0.1:8080
`,
  },
  {
    name: 'replace-header replaces the whole line; unset groups, escapes and %%',
    text: `${DEFAULTS}
listen app
    bind 127.0.0.1:8000
    http-response replace-header Set-Cookie (JSESS)(X)? "[\\1|\\2|\\0] 100%% \\x41\\q"
    http-response replace-header Set-Cookie 'Path=/app' 'moved'
    http-response replace-header Set-Cookie "(?i)^(xsrf-token=[^;]*)" \\1;\\ Secure
    server s1 127.0.0.1:8080
`,
  },
  {
    name: 'replace-value splits at commas outside quotes and keeps the commas',
    text: `${DEFAULTS}
listen app
    bind 127.0.0.1:8000
    http-response replace-value Set-Cookie ^(.*)$ <\\1>
    server s1 127.0.0.1:8080
`,
  },
  {
    name: 'named defaults rules run before the proxy rules',
    text: `defaults plain
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s

defaults hardened from plain
    http-response replace-header Set-Cookie ^(JSESSIONID=.*)$ "\\1; SameSite=Strict"

frontend fe from plain
    bind 127.0.0.1:8000
    default_backend be

backend be from hardened
    http-response replace-header Set-Cookie (SameSite=Strict) "\\1; seen"
    server s1 127.0.0.1:8080
`,
  },
  {
    name: 'conditions decided per response: status, res.hdr, res.cook, named ACLs',
    text: `${DEFAULTS}
listen app
    bind 127.0.0.1:8000
    acl not_found status 404
    acl has_session res.cook(JSESSIONID) -m found
    http-response add-header Set-Cookie nf=1 if not_found
    http-response add-header Set-Cookie ok=1 unless not_found
    http-response add-header Set-Cookie sess=1 if has_session { status 200 }
    http-response add-header Set-Cookie tok=1 if { res.hdr(set-cookie) -m beg XSRF-TOKEN= }
    http-response add-header Set-Cookie none=1 if { res.hdr(set-cookie) -m beg nothing= } || FALSE
    http-response add-header Set-Cookie q=1 if { res.hdr(set-cookie) -m str "q=\\"a" }
    http-response add-header Set-Cookie path=1 if { path_beg / }
    server s1 127.0.0.1:8080
`,
  },
  {
    name: 'set-header, add-header and del-header',
    text: `${DEFAULTS}
frontend fe
    bind 127.0.0.1:8000
    use_backend wiped if { path_beg /wiped }
    default_backend kept

backend wiped
    http-response set-header Set-Cookie "only=1; HttpOnly"
    http-response add-header Set-Cookie "second=2"
    server s1 127.0.0.1:8080

backend kept
    http-response del-header Set-C -m beg if { status 404 }
    http-response add-header set-cookie "late=1"
    server s1 127.0.0.1:8080
`,
  },
  {
    name: 'persistence cookie: inserted after every rule, the server cookie of the same name dropped',
    text: `${DEFAULTS}
listen app
    bind 127.0.0.1:8000
    cookie csrftoken insert httponly secure domain .example.org attr SameSite=Lax
    http-response replace-header Set-Cookie (.*) "\\1; seen"
    server s1 127.0.0.1:8080 cookie s1
`,
  },
  {
    name: 'persistence cookie with preserve keeps the server cookie and adds none',
    text: `${DEFAULTS}
listen app
    bind 127.0.0.1:8000
    cookie csrftoken insert preserve httponly
    server s1 127.0.0.1:8080 cookie s1
`,
  },
  {
    name: 'quoting and comments: concatenation, strong quotes, escaped hash',
    text: `${DEFAULTS}
listen app # a comment after the name
    bind 127.0.0.1:8000
    http-response replace-header Set-Cookie ^"(lpc"_plain'=[^;]*)'(.*)$ "\\1\\2; A\\#B"# trailing comment
    http-response add-header Set-Cookie 'x=\\1 "y"'
    http-response add-header Set-Cookie "z=\${LPC_UNSET_VARIABLE-fallback}"
    server s1 127.0.0.1:8080
`,
  },
  {
    name: 'a proxy in tcp mode runs no http-response rule',
    text: `${DEFAULTS}
listen raw
    mode tcp
    bind 127.0.0.1:8000
    http-response replace-header Set-Cookie (.*) "\\1; HttpOnly"
    server s1 127.0.0.1:8080
`,
  },
  {
    name: 'http-after-response rules run after the persistence cookie, backend first',
    text: `${DEFAULTS}
frontend fe
    bind 127.0.0.1:8000
    http-after-response add-header Set-Cookie fe-after=1
    http-after-response replace-header Set-Cookie ^(be-after=.*)$ "\\1; seen-by-fe"
    http-response add-header Set-Cookie fe=1
    default_backend be

backend be
    cookie SRV insert
    http-after-response add-header Set-Cookie be-after=1
    http-after-response replace-header Set-Cookie ^(SRV=.*)$ "\\1; HttpOnly"
    http-response add-header Set-Cookie be=1
    server s1 127.0.0.1:8080 cookie s1
`,
  },
  {
    name: 'allow stops the rest of its rule set only; the frontend rules still run',
    text: `${DEFAULTS}
frontend fe
    bind 127.0.0.1:8000
    http-response add-header Set-Cookie fe=1
    http-response allow if { res.cook(XSRF-TOKEN) -m found }
    http-response add-header Set-Cookie fe-after-allow=1
    default_backend be

backend be
    http-response add-header Set-Cookie be=1
    http-response allow if { status 404 }
    http-response add-header Set-Cookie be2=1
    http-response allow if { ssl_fc }
    http-response add-header Set-Cookie be3=1
    http-response allow
    http-response replace-header Set-Cookie (.*) "\\1; HttpOnly"
    server s1 127.0.0.1:8080
`,
  },
  {
    name: 'cookie prefix and rewrite change the server cookie',
    text: `${DEFAULTS}
frontend fe
    bind 127.0.0.1:8000
    use_backend rewritten if { path_beg /rewritten }
    default_backend prefixed

backend prefixed
    cookie JSESSIONID prefix
    http-response replace-header Set-Cookie ^(JSESSIONID=[^;]*)(.*)$ "\\1\\2; seen"
    server s1 127.0.0.1:8080 cookie p1

backend rewritten
    cookie XSRF-TOKEN rewrite
    http-response replace-header Set-Cookie ^(XSRF-TOKEN=[^;]*)(.*)$ "\\1\\2; seen"
    server s1 127.0.0.1:8080 cookie r1
`,
  },
  {
    name: '!{ status 200 }: the ! before an anonymous ACL negates it, glued or apart, twice undone',
    text: `${DEFAULTS}
listen app
    bind 127.0.0.1:8000
    http-response add-header Set-Cookie glued=1 if !{ status 200 }
    http-response add-header Set-Cookie apart=1 if ! { status 200 }
    http-response add-header Set-Cookie twice=1 if !!{ status 200 }
    http-response add-header Set-Cookie unless-not=1 unless !{ status 404 }
    http-response replace-header Set-Cookie ^(XSRF-TOKEN=.*)$ "\\1; HttpOnly" if !{ status 200 } { res.cook(JSESSIONID) -m found }
    server s1 127.0.0.1:8080
`,
  },
  {
    name: 'res.hdr(set-cookie,N): one occurrence of the comma-separated values, negative from the last',
    text: `${DEFAULTS}
frontend fe
    bind 127.0.0.1:8000
    use_backend few if { path_beg /few }
    default_backend many

backend many
    # The backend's 9 lines are 10 values: the Expires date of XSRF-TOKEN holds a comma.
    http-response add-header Set-Cookie first-is-session=1 if { res.hdr(set-cookie,1) -m beg JSESSIONID= }
    http-response add-header Set-Cookie second-is-session=1 if { res.hdr(set-cookie,2) -m beg JSESSIONID= }
    http-response add-header Set-Cookie fourth-is-expiry=1 if { res.hdr(set-cookie,4) -m beg "21 Oct" }
    http-response add-header Set-Cookie fourth-is-csrf=1 if { res.hdr(set-cookie,4) -m beg csrftoken= }
    http-response add-header Set-Cookie fourth-line-is-csrf=1 if { res.fhdr(set-cookie,4) -m beg csrftoken= }
    http-response add-header Set-Cookie zero-is-all=1 if { res.hdr(set-cookie,0) -m beg csrftoken= }
    http-response add-header Set-Cookie beyond=1 if { res.hdr(set-cookie,99) -m found }
    http-response add-header Set-Cookie tenth-from-last=1 if { res.hdr(set-cookie,-10) -m beg csrftoken= }
    http-response add-header Set-Cookie last-is-beyond=1 if { res.hdr(set-cookie,-1) -m beg beyond= }
    http-response add-header Set-Cookie last-is-tenth=1 if { res.hdr(set-cookie,-1) -m beg tenth-from-last= }
    http-response add-header Set-Cookie third-from-last=1 if { res.fhdr(set-cookie,-3) -m beg zero-is-all= }
    http-response replace-header Set-Cookie ^(XSRF-TOKEN=.*)$ "\\1; HttpOnly" if { res.hdr(set-cookie,1) -m beg JSESSIONID= }
    http-response replace-header Set-Cookie ^(csrftoken=.*)$ "\\1; HttpOnly" if { res.hdr(set-cookie,2) -m beg JSESSIONID= }
    server s1 127.0.0.1:8080

backend few
    http-response del-header Set-Cookie
    http-response add-header Set-Cookie a=1
    http-response add-header Set-Cookie b=1
    http-response add-header Set-Cookie first-of-two=1 if { res.hdr(set-cookie,-2) -m beg a= }
    http-response add-header Set-Cookie before-the-first=1 if { res.hdr(set-cookie,-5) -m found }
    http-response add-header Set-Cookie fourth-from-last=1 if { res.fhdr(set-cookie,-4) -m found }
    server s1 127.0.0.1:8080
`,
  },
  {
    name: 'res.hdr_cnt counts comma-separated values, res.fhdr_cnt lines, res.cook_cnt the cookies of a name',
    text: `${DEFAULTS}
listen app
    bind 127.0.0.1:8000
    # The backend's 9 lines are 10 values; each rule that adds a line adds one.
    http-response add-header Set-Cookie values-10=1 if { res.hdr_cnt(set-cookie) eq 10 }
    http-response add-header Set-Cookie values-10-again=1 if { res.hdr_cnt(set-cookie) eq 10 }
    http-response add-header Set-Cookie lines-10=1 if { res.fhdr_cnt(set-cookie) eq 10 }
    http-response add-header Set-Cookie lines-9=1 if { res.fhdr_cnt(set-cookie) eq 9 }
    http-response add-header Set-Cookie shdr-gt-5=1 if { shdr_cnt(set-cookie) gt 5 }
    http-response add-header Set-Cookie one-session=1 if { res.cook_cnt(JSESSIONID) eq 1 }
    http-response add-header Set-Cookie "lpc_other=1, JSESSIONID=again"
    http-response add-header Set-Cookie two-sessions=1 if { res.cook_cnt(JSESSIONID) eq 2 }
    http-response add-header Set-Cookie one-session-still=1 if { scook_cnt(JSESSIONID) eq 1 }
    http-response add-header Set-Cookie "dup=1; dup=2"
    http-response add-header Set-Cookie dup-twice=1 if { res.cook_cnt(dup) eq 2 }
    http-response add-header Set-Cookie path-once=1 if { res.cook_cnt(Path) eq 1 }
    http-response add-header Set-Cookie path-found=1 if { res.cook(Path) -m str / }
    http-response add-header Set-Cookie noeq-found=1 if { res.cook(noeq) -m found }
    http-response add-header Set-Cookie every-pair=1 if { res.cook_cnt() gt 20 }
    http-response add-header Set-Cookie every-header=1 if { res.hdr_cnt() gt 20 }
    http-response replace-header Set-Cookie ^(XSRF-TOKEN=.*)$ "\\1; HttpOnly" if { res.cook_cnt(JSESSIONID) gt 1 }
    http-response replace-header Set-Cookie ^(csrftoken=.*)$ "\\1; HttpOnly" if { res.cook_cnt(JSESSIONID) gt 2 }
    server s1 127.0.0.1:8080
`,
  },
  {
    name: 'res.cook(JSESSIONID) -m found decides on the other cookies of the response: both ways',
    text: `${DEFAULTS}
frontend fe
    bind 127.0.0.1:8000
    use_backend without-session if { path_beg /without }
    default_backend with-session

backend with-session
    http-response add-header Set-Cookie had-session=1 if { res.cook(JSESSIONID) -m found }
    http-response add-header Set-Cookie no-session=1 unless { res.cook(JSESSIONID) -m found }
    http-response replace-header Set-Cookie ^(XSRF-TOKEN=.*)$ "\\1; HttpOnly" if { res.cook(JSESSIONID) -m found }
    http-response replace-header Set-Cookie ^(csrftoken=.*)$ "\\1; HttpOnly" if { res.hdr(set-cookie) -m beg JSESSIONID= } !{ status 200 }
    server s1 127.0.0.1:8080

backend without-session
    http-response replace-header Set-Cookie ^JSESSIONID=(.*)$ "renamed=\\1"
    http-response add-header Set-Cookie had-session=1 if { res.cook(JSESSIONID) -m found }
    http-response add-header Set-Cookie no-session=1 unless { res.cook(JSESSIONID) -m found }
    http-response replace-header Set-Cookie ^(XSRF-TOKEN=.*)$ "\\1; HttpOnly" if { res.cook(JSESSIONID) -m found }
    http-response replace-header Set-Cookie ^(csrftoken=.*)$ "\\1; HttpOnly" if { res.hdr(set-cookie) -m beg JSESSIONID= } !{ status 200 }
    server s1 127.0.0.1:8080
`,
  },
  {
    name: 'del-header -m: str, beg, end and sub compare without case; reg sees the lower-cased name',
    text: `${DEFAULTS}
frontend fe
    bind 127.0.0.1:8000
    use_backend beg if { path_beg /beg }
    use_backend str if { path_beg /str }
    use_backend sub if { path_beg /sub }
    use_backend end if { path_beg /end }
    use_backend reg-lower if { path_beg /reg-lower }
    use_backend reg-caseless if { path_beg /reg-caseless }
    default_backend reg-upper

backend beg
    http-response del-header SET-C -m beg
    server s1 127.0.0.1:8080

backend str
    http-response del-header SET-COOKIE -m str
    server s1 127.0.0.1:8080

backend sub
    http-response del-header T-coo -m sub
    server s1 127.0.0.1:8080

backend end
    http-response del-header COOKIE -m end
    server s1 127.0.0.1:8080

backend reg-lower
    http-response del-header ^set-cookie$ -m reg
    server s1 127.0.0.1:8080

backend reg-caseless
    http-response del-header (?i)^SET-cookie$ -m reg
    server s1 127.0.0.1:8080

backend reg-upper
    http-response del-header Set-Cookie -m reg
    http-response del-header ^Set -m reg
    http-response replace-header Set-Cookie ^(XSRF-TOKEN=.*)$ "\\1; HttpOnly"
    server s1 127.0.0.1:8080
`,
  },
  {
    name: 'response ACL fetches: cookie() reads Set-Cookie, http_first_req and method work, pathq/http_auth/url32+src never match',
    text: `${DEFAULTS}
listen app
    bind 127.0.0.1:8000
    acl token cookie(XSRF-TOKEN) -m found
    http-response add-header Set-Cookie cookie-found=1 if token
    http-response add-header Set-Cookie cookie-missing=1 if { cookie(nothing) -m found }
    http-response add-header Set-Cookie cookie-value=1 if { cookie(csrftoken) c1 }
    http-response add-header Set-Cookie cookie-value-caseless=1 if { cookie(csrftoken) -i C1 }
    http-response add-header Set-Cookie cookie-other-value=1 if { cookie(csrftoken) c2 }
    http-response add-header Set-Cookie first-request=1 if { http_first_req }
    http-response add-header Set-Cookie get=1 if { method GET }
    http-response add-header Set-Cookie pathq=1 if { pathq -m found }
    http-response add-header Set-Cookie not-pathq=1 unless { pathq -m found }
    http-response add-header Set-Cookie auth=1 if { http_auth_type -m found } || { url32+src -m found }
    http-response add-header Set-Cookie sni=1 if { req.ssl_sni -m found } || { req.rdp_cookie -m found }
    http-response replace-header Set-Cookie ^(XSRF-TOKEN=.*)$ "\\1; HttpOnly" if { cookie(csrftoken) -m beg c } !{ cookie(lpc_plain) -m found }
    http-response replace-header Set-Cookie ^(csrftoken=.*)$ "\\1; HttpOnly" if { cookie(XSRF-TOKEN) x1 }
    server s1 127.0.0.1:8080
`,
  },
  {
    name: 'a defaults section starts afresh unless it names one with from: mode http does not carry over',
    text: `defaults web
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s

defaults
    timeout connect 5s
    timeout client 30s
    timeout server 30s

listen raw
    bind 127.0.0.1:8000
    http-response replace-header Set-Cookie (.*) "\\1; HttpOnly"
    server s1 127.0.0.1:8080

defaults named
    timeout connect 5s
    timeout client 30s
    timeout server 30s

listen raw-too from named
    bind 127.0.0.1:8001
    http-response replace-header Set-Cookie (.*) "\\1; HttpOnly"
    server s1 127.0.0.1:8080

defaults web-again from web

listen app
    bind 127.0.0.1:8002
    http-response replace-header Set-Cookie ^(XSRF-TOKEN=.*)$ "\\1; HttpOnly"
    server s1 127.0.0.1:8080
`,
  },
  {
    name: 'the cookie directive acts after every http-response rule, frontend ones too, on the cookies they add or rename',
    text: `${DEFAULTS}
frontend fe
    bind 127.0.0.1:8000
    http-response add-header Set-Cookie "XSRF-TOKEN=from-frontend; Path=/"
    use_backend prefixed if { path_beg /prefixed }
    use_backend preserved if { path_beg /preserved }
    use_backend rewritten if { path_beg /rewritten }
    use_backend without-value if { path_beg /without-value }
    default_backend inserted

backend prefixed
    cookie JSESSIONID prefix
    http-response replace-header Set-Cookie ^JSESSIONID=(.*)$ "renamed=\\1"
    http-response add-header Set-Cookie "JSESSIONID=added; Path=/"
    http-response add-header Set-Cookie seen-prefixed=1 if { res.cook(JSESSIONID) -m beg s1~ }
    server s1 127.0.0.1:8080 cookie s1

backend inserted
    cookie csrftoken insert httponly
    http-response replace-header Set-Cookie ^(csrftoken=.*)$ "\\1; seen-by-rule"
    http-response add-header Set-Cookie "csrftoken=added"
    http-after-response add-header Set-Cookie after-sees-inserted=1 if { res.cook(csrftoken) -m str s1 }
    server s1 127.0.0.1:8080 cookie s1

backend preserved
    cookie XSRF-TOKEN insert preserve httponly
    http-response replace-header Set-Cookie ^XSRF-TOKEN=(.*)$ "renamed=\\1"
    server s1 127.0.0.1:8080 cookie s1

backend rewritten
    cookie XSRF-TOKEN rewrite
    http-response replace-header Set-Cookie ^(XSRF-TOKEN=.*)$ "\\1; HttpOnly"
    server s1 127.0.0.1:8080 cookie r1

backend without-value
    cookie SRV insert httponly secure domain .example.org attr SameSite=Lax
    http-response add-header Set-Cookie "SRV=from-rule"
    server s1 127.0.0.1:8080
`,
  },
  {
    name: 'http-response return, deny and redirect send their own response: no later rule, cookie directive or persistence cookie acts, http-after-response does',
    text: `${DEFAULTS}
frontend fe
    bind 127.0.0.1:8000
    http-response add-header Set-Cookie fe=1
    http-after-response add-header Set-Cookie fe-after=1
    use_backend returned if { path_beg /returned }
    use_backend denied if { path_beg /denied }
    use_backend redirected if { path_beg /redirected }
    use_backend not-found-only if { path_beg /not-found-only }
    use_backend allowed if { path_beg /allowed }
    default_backend persistent

backend returned
    http-response add-header Set-Cookie before=1
    http-response return status 200 content-type text/plain string "if unless" hdr X-Other 1 hdr Set-Cookie "ret=1; HttpOnly" hdr set-cookie "XSRF-TOKEN=ret; HttpOnly"
    http-response add-header Set-Cookie after=1
    http-after-response add-header Set-Cookie be-after=1
    server s1 127.0.0.1:8080

backend denied
    http-response deny
    http-after-response replace-header Set-Cookie ^(fe-after=.*)$ "\\1; seen-by-be"
    http-after-response add-header Set-Cookie be-after=1
    server s1 127.0.0.1:8080

backend redirected
    http-response redirect location /elsewhere code 303 set-cookie FIRST=1 clear-cookie XSRF-TOKEN
    server s1 127.0.0.1:8080

backend not-found-only
    http-response deny deny_status 403 hdr Set-Cookie "denied=1" if { status 404 }
    http-response return status 200 hdr Set-Cookie "never=1" if { res.cook(nothing) -m found }
    http-response add-header Set-Cookie after=1
    server s1 127.0.0.1:8080

backend allowed
    http-response allow
    http-response deny
    server s1 127.0.0.1:8080

backend persistent
    cookie SRV insert httponly
    http-response return status 200 hdr Set-Cookie "SRV=from-return"
    server s1 127.0.0.1:8080 cookie s1
`,
  },
  {
    name: 'a listen section serves with its own servers, cookie and rules what its conditional use_backend rules leave',
    text: `${DEFAULTS}
listen app
    bind 127.0.0.1:8000
    use_backend other if { path_beg /other }
    cookie XSRF-TOKEN insert httponly
    http-response add-header Set-Cookie from-listen=1
    server s1 127.0.0.1:8080 cookie s1

listen always-elsewhere
    bind 127.0.0.1:8001
    use_backend other
    cookie csrftoken insert httponly
    http-response replace-header Set-Cookie ^(from-other=.*)$ "\\1; seen-by-listen"
    server s1 127.0.0.1:8080 cookie s1

backend other
    http-response add-header Set-Cookie from-other=1
    server s1 127.0.0.1:8080
`,
  },
  {
    name: 'log-format expressions that read the response are computed: res.hdr, res.fhdr, hdr, res.cook, cookie, str, status',
    text: `${DEFAULTS}
frontend fe
    bind 127.0.0.1:8000
    use_backend set-from-last if { path_beg /set-from-last }
    use_backend flag-from-str if { path_beg /flag-from-str }
    default_backend copies

backend set-from-last
    http-response set-header Set-Cookie "%[res.hdr(set-cookie)]; HttpOnly"
    http-response add-header Set-Cookie "again=[%[res.fhdr(set-cookie)]]"
    server s1 127.0.0.1:8080

backend flag-from-str
    http-response replace-header Set-Cookie ^(.*)$ "\\1; %[str(HttpOnly)]"
    server s1 127.0.0.1:8080

backend copies
    http-response add-header Set-Cookie "dup=1; dup=2"
    http-response add-header Set-Cookie "dup=3"
    http-response add-header Set-Cookie "last-dup=[%[res.cook(dup)]] token=[%[cookie(XSRF-TOKEN)]] none=[%[res.cook(nothing)]] path=[%[res.cook(Path)]]"
    http-response add-header Set-Cookie "values=[%[res.hdr(set-cookie,3)]] [%[hdr(set-cookie,-2)]] [%[res.hdr(set-cookie,99)]]"
    http-response add-header Set-Cookie "lines=[%[res.fhdr(set-cookie,3)]]"
    http-response add-header Set-Cookie "status=%[status] %[str(a b)] 100%%"
    http-response replace-header Set-Cookie ^(XSRF-TOKEN=.*)$ "\\1; %[str(Secure)]"
    server s1 127.0.0.1:8080
`,
  },
  {
    name: '_val fetches compare the leading integer of each value; a cookie that is not there matches nothing',
    text: `${DEFAULTS}
listen app
    bind 127.0.0.1:8000
    http-response add-header Set-Cookie "n=12abc"
    http-response add-header Set-Cookie "m=-7"
    http-response add-header Set-Cookie "42, x"
    http-response add-header Set-Cookie no-digits-is-zero=1 if { scook_val(lpc_plain) eq 0 }
    http-response add-header Set-Cookie leading-digits=1 if { res.cook_val(n) eq 12 } { res.cook_val(n) 10:20 }
    http-response add-header Set-Cookie negative=1 if { res.cook_val(m) lt 0 }
    http-response add-header Set-Cookie header-value=1 if { res.hdr_val(set-cookie) eq 42 }
    http-response add-header Set-Cookie missing=1 if { res.cook_val(nothing) eq 0 }
    http-response add-header Set-Cookie not-missing=1 unless { res.cook_val(nothing) eq 0 }
    http-response add-header Set-Cookie first=1 if { shdr_val(set-cookie,1) eq 0 }
    http-response add-header Set-Cookie str-of-the-integer=1 if { res.cook_val(n) -m str 12 }
    http-response add-header Set-Cookie not-the-text=1 if { res.cook_val(lpc_plain) -m str p1 }
    http-response add-header Set-Cookie text-zero=1 if { res.cook_val(lpc_plain) -m str 0 }
    http-response add-header Set-Cookie begins=1 if { res.cook_val(n) -m beg 1 }
    http-response replace-header Set-Cookie ^(XSRF-TOKEN=.*)$ "\\1; HttpOnly" if { res.cook_val(nothing) ge 0 }
    server s1 127.0.0.1:8080
`,
  },
  {
    name: 'http-after-response rules see the status of the response return, deny and redirect send',
    text: `${DEFAULTS}
frontend fe
    bind 127.0.0.1:8000
    http-after-response add-header Set-Cookie "fe-status=%[status]"
    http-after-response add-header Set-Cookie fe-saw-502=1 if { status 502 }
    use_backend returned if { path_beg /returned }
    use_backend redirected if { path_beg /redirected }
    use_backend forbidden if { path_beg /forbidden }
    default_backend denied

backend denied
    http-response deny
    http-after-response add-header Set-Cookie saw-502=1 if { status 502 }
    http-after-response replace-header Set-Cookie ^(saw-.*)$ "\\1; HttpOnly" unless { status 200 }
    server s1 127.0.0.1:8080

backend forbidden
    http-response deny deny_status 403 if { status 404 }
    http-after-response add-header Set-Cookie "status=%[status]"
    server s1 127.0.0.1:8080

backend returned
    http-response return status 418 hdr Set-Cookie "ret=1"
    http-after-response add-header Set-Cookie "status=%[status]"
    server s1 127.0.0.1:8080

backend redirected
    http-response redirect location /elsewhere code 301 if { status 200 }
    http-after-response add-header Set-Cookie "status=%[status]"
    server s1 127.0.0.1:8080
`,
  },
  {
    name: 'set-header then rules that read its line; replace-value on a comma-joined line; allow in http-after-response',
    text: `${DEFAULTS}
frontend fe
    bind 127.0.0.1:8000
    http-after-response add-header Set-Cookie fe-after=1
    http-response replace-header Set-Cookie ^(only.*)$ "\\1; fe"
    use_backend joined if { path_beg /joined }
    default_backend single

backend single
    http-after-response add-header Set-Cookie be-after=1
    http-after-response allow if { res.cook(be-after) -m found }
    http-after-response add-header Set-Cookie be-after-allow=1
    http-response set-header Set-Cookie "only=1"
    http-response add-header Set-Cookie "second=2" if { res.cook(only) 1 }
    server s1 127.0.0.1:8080

backend joined
    http-response set-header Set-Cookie "a=1, b=2"
    http-response replace-value Set-Cookie ^b=(.*)$ "B=\\1"
    http-response del-header Set-Cookie if { res.hdr_cnt(set-cookie) gt 2 }
    server s1 127.0.0.1:8080
`,
  },
  // --- cookie directive (third audit) ---
  {
    name: 'persistence cookie with postonly: inserted on responses to POST only, the server cookie of that name dropped on every response',
    methods: ['GET', 'POST'],
    text: `${DEFAULTS}
frontend fe
    bind 127.0.0.1:8000
    use_backend other if { path_beg /other }
    default_backend app

backend app
    cookie csrftoken insert postonly httponly indirect nocache
    http-response add-header Set-Cookie "seen=1" if { res.cook(csrftoken) -m found }
    server s1 127.0.0.1:8080 cookie s1

backend other
    cookie JSESSIONID insert httponly
    server s1 127.0.0.1:8080 cookie s1
`,
  },
  {
    // Every listen adds the same lines; only a cookie directive or a capture cookie makes HAProxy parse them.
    name: 'cookie directive or capture cookie: every Set-Cookie line loses the spaces around its first =, the value ends at an unquoted , or ;',
    text: `${DEFAULTS}
${['rewrite', 'prefix', 'passive', 'capture', 'none', 'nocookie']
  .map(
    (kind) => `listen ${kind}
    bind 127.0.0.1:8000
${kind === 'capture' ? '    capture cookie ZZ len 10' : kind === 'none' ? '' : `    cookie SRV${kind === 'passive' ? '' : kind === 'nocookie' ? ' rewrite' : ` ${kind}`}`}
${['"SRV  =  v1 ; Path=/"', '"SRV\\t=v2;Path = /"', '"JSESSIONID = s1 ; Path = /"', '"SRV=a,b; x"', `'SRV="a,;b" ;y'`, '"= v"', '"noeq ; x = 1"'].map((v) => `    http-response add-header Set-Cookie ${v}\n`).join('')}    server s1 127.0.0.1:8080${kind === 'nocookie' ? '' : ' cookie s1'}
`,
  )
  .join('\n')}`,
  },
  {
    // A backend without a server, or whose servers are all disabled, gets HAProxy's own 503; the others proxy.
    name: 'no server available: HAProxy answers 503 itself, only the http-after-response rules run and see status 503',
    text: `${DEFAULTS}
frontend fe
    bind 127.0.0.1:8000
    http-response add-header Set-Cookie "fe-resp=1"
    http-after-response add-header Set-Cookie "fe-after=1"
    http-after-response add-header Set-Cookie "fe-503=1" if { status 503 }
    use_backend empty if { path_beg /empty }
    use_backend disabled if { path_beg /disabled }
    default_backend up

${['empty', 'disabled', 'up']
  .map(
    (name) => `backend ${name}
    cookie SRV insert
    http-response add-header Set-Cookie "be-resp=1"
    http-after-response add-header Set-Cookie "be-after=1"
${name === 'empty' ? '' : `    server s1 127.0.0.1:8080 cookie s1${name === 'disabled' ? ' disabled' : ''}\n`}`,
  )
  .join('\n')}`,
  },
  {
    // The stamps HAProxy writes depend on the time; the suite compares them as the linter's.
    name: 'persistence cookie with maxidle and maxlife: the date stamps follow the server value; none without them, on rewrite, or on the deleting cookie',
    text: `${DEFAULTS}
${[
  ['idle', 'insert maxidle 1h', ' cookie s1'],
  ['life', 'insert maxlife 1d httponly', ' cookie s1'],
  ['both', 'insert maxidle 30m maxlife 1d', ' cookie s1'],
  ['zero', 'insert maxidle 0 maxlife 0', ' cookie s1'],
  ['deleting', 'insert maxidle 1h maxlife 1d', ''],
  ['rewrite', 'rewrite maxidle 1h', ' cookie s1'],
]
  .map(([name, mode, cookie]) => `listen ${name}\n    bind 127.0.0.1:8000\n    cookie JSESSIONID ${mode}\n    server s1 127.0.0.1:8080${cookie}\n`)
  .join('\n')}`,
  },
  {
    // The suite models every server at the address it serves it from, which the hash reads.
    name: 'dynamic cookies: the hash of dynamic-cookie-key, address and port, unless the server has a cookie or there is no key',
    text: `${DEFAULTS}
${[
  ['hashed', 'insert dynamic', '    dynamic-cookie-key mysecret\n', ''],
  ['long-key', 'insert dynamic httponly', '    dynamic-cookie-key abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG\n', ''],
  ['own-cookie', 'insert dynamic', '    dynamic-cookie-key mysecret\n', ' cookie fixed'],
  ['no-key', 'insert dynamic', '', ''],
  ['not-dynamic', 'insert', '    dynamic-cookie-key mysecret\n', ''],
  ['rewritten', 'rewrite dynamic', '    dynamic-cookie-key mysecret\n', ''],
]
  .map(([name, mode, key, cookie]) => `listen ${name}\n    bind 127.0.0.1:8000\n    cookie JSESSIONID ${mode}\n${key}    server s1 127.0.0.1:8080${cookie}\n`)
  .join('\n')}`,
  },
  {
    // METH_POST is the one request fact the suite decides (it requests with GET and with POST);
    // a response fetch never matches in an http-request rule.
    name: 'http-request return, deny, redirect, auth and allow answer before the server: no backend cookie, no http-response rule; a frontend answer skips the backend http-after-response rules',
    methods: ['GET', 'POST'],
    text: `${DEFAULTS}
frontend fe
    bind 127.0.0.1:8000
    http-request redirect prefix /elsewhere set-cookie FE=1 if METH_POST
    http-response add-header Set-Cookie "fe-resp=1"
    http-after-response add-header Set-Cookie "fe-after=%[status]"
    default_backend be

backend be
    cookie SRV insert
    http-request deny unless METH_POST
    http-response add-header Set-Cookie "be-resp=1"
    http-after-response add-header Set-Cookie "be-after=%[status]"
    server s1 127.0.0.1:8080 cookie s1

frontend other
    bind 127.0.0.1:8001
    default_backend allowed

backend allowed
    http-request return status 200 hdr Set-Cookie "never=1" if FALSE
    http-request return status 201 hdr Set-Cookie "ret=2" hdr Set-Cookie "ret=3" if METH_POST
    http-request allow
    http-request deny
    http-after-response add-header Set-Cookie "after=%[status]"
    server s1 127.0.0.1:8080

listen denied
    bind 127.0.0.1:8002
    http-request deny deny_status 429
    http-after-response add-header Set-Cookie "after=%[status]"
    server s1 127.0.0.1:8080

listen authenticated
    bind 127.0.0.1:8003
    http-request deny if { status 200 } || { res.hdr(set-cookie) -m found }
    http-request auth realm Admin if METH_POST
    http-response add-header Set-Cookie "resp=1"
    http-after-response add-header Set-Cookie "after=%[status]"
    server s1 127.0.0.1:8080
`,
  },
  {
    name: 'cookie modes: two of insert, prefix and rewrite are refused; a domain or attr value spelled like a mode is not a mode',
    text: `defaults
    mode http
    timeout connect 5s
    timeout client 5s
    timeout server 5s

frontend fe
    bind 127.0.0.1:8000
    default_backend be

backend be
    cookie SRV insert rewrite
    server s1 127.0.0.1:8080 cookie s1
`,
  },
  {
    name: 'cookie modes: one mode, with a domain called prefix, is accepted',
    text: `defaults
    mode http
    timeout connect 5s
    timeout client 5s
    timeout server 5s

frontend fe
    bind 127.0.0.1:8000
    default_backend be

backend be
    cookie SRV insert domain prefix attr rewrite
    server s1 127.0.0.1:8080 cookie s1
`,
  },
  {
    name: 'a frontend without default_backend answers what no use_backend takes with its own 503: only its http-after-response rules run',
    text: `${DEFAULTS}
frontend fe
    bind 127.0.0.1:8000
    http-request return status 200 hdr Set-Cookie "ret=1" if METH_POST
    http-response add-header Set-Cookie "fe-resp=1"
    http-after-response add-header Set-Cookie "fe-after=%[status]"
    use_backend api if { path_beg /api }

backend api
    http-after-response add-header Set-Cookie "be-after=1"
    server s1 127.0.0.1:8080
`,
  },
  {
    name: 'log-format counts: res.hdr_cnt and res.fhdr_cnt of Set-Cookie, res.cook_cnt of a name and of every cookie',
    text: `${DEFAULTS}
listen app
    bind 127.0.0.1:8000
    http-response add-header Set-Cookie "XSRF-TOKEN = again , XSRF-TOKEN=twice"
    http-response add-header Set-Cookie "counts=%[res.hdr_cnt(set-cookie)] %[res.fhdr_cnt(set-cookie)] %[res.cook_cnt(XSRF-TOKEN)] %[res.cook_cnt(nothing)] %[res.cook_cnt()]"
    server s1 127.0.0.1:8080
`,
  },
  {
    // lua.lpc_status answers with the probe's status and no cookie, like the linter assumes.
    name: "http-request use-service in a frontend: the applet answers, only the frontend's response rules run, no persistence cookie; other requests go to the backend",
    methods: ['GET', 'POST'],
    text: `global
    lua-load ${SERVICES}

${DEFAULTS}
frontend fe
    bind 127.0.0.1:8000
    http-request use-service lua.lpc_status if METH_POST
    http-request return status 200 hdr Set-Cookie "never=1" if METH_POST
    http-response add-header Set-Cookie "fe-resp=1"
    http-response replace-header Set-Cookie ^(XSRF-TOKEN=.*)$ "\\1; HttpOnly"
    http-after-response add-header Set-Cookie "fe-after=%[status]"
    default_backend be

backend be
    cookie SRV insert
    http-request deny if METH_POST
    http-response add-header Set-Cookie "be-resp=1"
    http-response replace-header Set-Cookie ^(csrftoken=.*)$ "\\1; HttpOnly"
    http-after-response add-header Set-Cookie "be-after=%[status]"
    server s1 127.0.0.1:8080 cookie s1

frontend metrics
    bind 127.0.0.1:8001
    http-request use-service prometheus-exporter
    http-response add-header Set-Cookie "m-resp=1"
    http-after-response add-header Set-Cookie "m-after=%[status]"
    default_backend be

frontend answered-first
    bind 127.0.0.1:8002
    http-request return status 201 hdr Set-Cookie "ret=1" if METH_POST
    http-request use-service lua.lpc_status
    http-after-response add-header Set-Cookie "after=%[status]"
    default_backend be

frontend allowed-first
    bind 127.0.0.1:8003
    http-request allow if METH_POST
    http-request use-service lua.lpc_status
    http-response add-header Set-Cookie "fe-resp=1"
    default_backend be
`,
  },
  {
    name: "http-request use-service in a backend: the backend's then the frontend's response rules run on the applet's answer; the cookie directive only parses the lines",
    methods: ['GET', 'POST'],
    text: `global
    lua-load ${SERVICES}

${DEFAULTS}
frontend fe
    bind 127.0.0.1:8000
    http-response add-header Set-Cookie "fe-resp=1"
    http-after-response add-header Set-Cookie "fe-after=%[status]"
    default_backend be

backend be
    cookie SRV insert
    http-request use-service lua.lpc_status unless METH_POST
    http-response add-header Set-Cookie "be-resp=1"
    http-response add-header Set-Cookie "SRV = added"
    http-after-response add-header Set-Cookie "be-after=%[status]"
    server s1 127.0.0.1:8080 cookie s1

listen both
    bind 127.0.0.1:8001
    cookie JSESSIONID rewrite
    http-request allow if METH_POST
    http-request use-service lua.lpc_status
    http-response add-header Set-Cookie "JSESSIONID = added"
    http-response replace-header Set-Cookie ^(XSRF-TOKEN=.*)$ "\\1; HttpOnly"
    http-after-response add-header Set-Cookie "after=%[status]"
    server s1 127.0.0.1:8080 cookie s1
`,
  },
  {
    name: "http-request use-service without a server: the applet answers instead of the 503; a frontend's capture cookie parses its lines",
    methods: ['GET', 'POST'],
    text: `global
    lua-load ${SERVICES}

${DEFAULTS}
frontend cap
    bind 127.0.0.1:8000
    capture cookie SRV len 32
    http-request use-service lua.lpc_status if METH_POST
    http-response add-header Set-Cookie "SRV = fe"
    http-after-response add-header Set-Cookie "fe-after=%[status]"
    default_backend empty

backend empty
    http-response add-header Set-Cookie "be-resp=1"
    http-after-response add-header Set-Cookie "be-after=%[status]"

frontend fe
    bind 127.0.0.1:8001
    http-after-response add-header Set-Cookie "fe-after=%[status]"
    default_backend served

backend served
    http-request use-service lua.lpc_status if METH_POST
    http-response add-header Set-Cookie "be-resp=1"
    http-after-response add-header Set-Cookie "be-after=%[status]"
`,
  },
  {
    name: 'a variable set to a constant is that text in every response',
    text: `${DEFAULTS}
frontend fe
    bind 127.0.0.1:8000
    http-request set-var(txn.flags) str("; HttpOnly; Secure")
    http-request set-var-fmt(txn.same) "; SameSite=Strict"
    http-response replace-header Set-Cookie '^(.*)$' '\\1%[var(txn.flags)]%[var(txn.same)]'
    default_backend app

backend app
    server s1 127.0.0.1:8080
`,
  },
  {
    // The routing decides the tests of a variable holding the path (route-facts.ts): each
    // backend's requests, and the default's, get the cookies of the rules they run, with no
    // outcome left to explore. Requested: /jira, /conf, /lpc-default.
    name: 'a variable holding the path, decided by the use_backend rule that took the request',
    text: `${DEFAULTS}
frontend fe
    bind 127.0.0.1:8000
    http-request set-var(txn.p) path
    acl is_jira path_beg /jira
    use_backend jira if is_jira
    use_backend conf if { path_beg /conf /wiki }
    default_backend app
    http-response add-header Set-Cookie "in_jira=1" if { var(txn.p) -m beg /jira }
    http-response add-header Set-Cookie "not_jira=1" unless { var(txn.p) -m beg /jira }
    http-response add-header Set-Cookie "in_conf=1" if { var(txn.p) -m beg /conf /wiki }
    http-response add-header Set-Cookie "not_routed=1" if !{ var(txn.p) -m beg /jira } !{ var(txn.p) -m beg /conf /wiki }
    acl atl_path var(txn.p) -m beg /jira
    acl atl_path var(txn.p) -m beg /conf
    acl atl_path var(txn.p) -m beg /wiki
    http-response add-header Set-Cookie "atl=1" if atl_path

backend jira
    server s1 127.0.0.1:8080

backend conf
    server s1 127.0.0.1:8080

backend app
    server s1 127.0.0.1:8080
`,
  },
];
