/**
 * Random HAProxy proxies built from what changes Set-Cookie lines, for the differential test
 * against the real HAProxy (haproxy.test.ts): `http-response` and `http-after-response` rules in
 * the frontend and the backend, with and without conditions on the status (anonymous and named
 * ACLs), the backend's persistence `cookie` in every mode, rules that answer themselves
 * (`http-request` return/deny/redirect/tarpit, `http-response` return/deny), the Prometheus
 * exporter answering some requests in the frontend or the backend (`http-request use-service`),
 * variables set from the request (conditionally, by several rules, unset again), and a second backend chosen by path. Some combinations are
 * refused by `haproxy -c`: the linter must then refuse them too.
 */
import fc from 'fast-check';

export const RESPONSE_RULES: readonly string[] = [
  'http-response replace-header Set-Cookie (.*) "\\1; HttpOnly"',
  'http-response replace-header Set-Cookie ^((?!XSRF-TOKEN)[^=]+=.*)$ "\\1; HttpOnly"',
  'http-response replace-header Set-Cookie (XSRF-TOKEN=.*) "\\1; HttpOnly"',
  'http-response replace-header Set-Cookie "(?i)(.*); *httponly(.*)" "\\1\\2"',
  'http-response replace-value Set-Cookie (.*) "\\1; Secure"',
  'http-response add-header Set-Cookie "lpc_add=1; Path=/"',
  'http-response add-header Set-Cookie "XSRF-TOKEN=h; HttpOnly" if { status 302 }',
  'http-response set-header Set-Cookie "lpc_set=1"',
  'http-response del-header Set-Cookie',
  'http-response del-header Set-Cookie if { status 404 }',
  'http-response replace-header Set-Cookie (.*) "\\1; HttpOnly" if { status 200 }',
  'http-response replace-header Set-Cookie (.*) "\\1; HttpOnly" unless { status 500 }',
  'http-response set-header X-Other 1',
  'http-response return status 200 content-type text/plain string ok if { status 500 }',
  'http-response deny if { status 404 }',
  'http-after-response replace-header Set-Cookie (.*) "\\1; SameSite=Lax"',
  'http-after-response add-header Set-Cookie "after=1"',
  'http-after-response del-header Set-Cookie if { status 403 }',
  'http-response replace-header Set-Cookie "(" "x"',
  'http-response set-header Set-Cookie',
  'http-response replace-value Set-Cookie ^(sessionid=.*)$ "\\1; HttpOnly" if { status 200 } || { status 404 }',
  'http-response set-header Set-Cookie "%[res.hdr(Set-Cookie)]; HttpOnly"',
];

/**
 * Frontend `http-request` rules: answers HAProxy makes itself for some requests (an argument, a
 * header, a path), which `http-after-response` still sees, and a variable the response rules read.
 */
export const REQUEST_RULES: readonly string[] = [
  'http-request return status 403 if { url_param(a) -m str 1 }',
  'http-request deny if { req.hdr(x-lpc) -m found }',
  'http-request redirect location /elsewhere code 302 if { url_param(a) -m str 2 }',
  'http-request return status 200 content-type text/plain string ok hdr Set-Cookie "ret=1; HttpOnly" if { url_param(a) -m str 1 }',
  'http-request redirect location /x set-cookie RED=1 if { req.hdr(x-lpc) -m found }',
  'http-request deny deny_status 429 if { path_beg /b/ }',
  'http-request set-var(txn.a) url_param(a)',
  'http-request deny deny_status 403 if is_a !has_x',
  'http-request tarpit if { url_param(a) -m str 2 }',
  'http-request tarpit deny_status 403 hdr Set-Cookie "tp=1; HttpOnly" if has_x',
  'http-request return status 200 content-type text/plain string ok hdr Set-Cookie "named=1" if has_x || is_a',
  'http-request use-service prometheus-exporter if { url_param(a) -m str 2 }',
  'http-request use-service prometheus-exporter if has_x',
  // A variable a response rule writes into every cookie, set only for some requests (both branches), or by several rules.
  'http-request set-var(txn.f) str("; HttpOnly") if { url_param(a) -m str 1 }',
  'http-request set-var(txn.f) str("; Secure") if has_x',
  'http-request unset-var(txn.f) if { url_param(a) -m str 2 }',
  'http-request set-var-fmt(txn.f) "; HttpOnly" unless is_a',
];

/** The path, which the use_backend rule to /b/ decides for each backend's requests (route-facts.ts): before or after the other request rules. */
const PATH_VARIABLE = 'http-request set-var(txn.p) path';

/** Backend `http-request` rules: the exporter answers in the backend's place (its response rules still run). */
const BACKEND_SERVICES: readonly string[] = ['http-request use-service prometheus-exporter if { url_param(a) -m str 1 }', 'http-request use-service prometheus-exporter if has_x'];

/** Named ACLs every generated proxy defines (a request argument, a header, the status). */
const ACLS: readonly string[] = ['acl is_a url_param(a) -m str 1', 'acl has_x req.hdr(x-lpc) -m found', 'acl is_ok status 200'];

/** Response rules that read what the request left (a variable) or, refused there, the request itself. */
const REQUEST_AWARE: readonly string[] = [
  'http-response replace-header Set-Cookie (.*) "\\1; HttpOnly" if { var(txn.a) -m str 1 }',
  'http-response add-header Set-Cookie "a=%[var(txn.a)]; Path=/"',
  'http-response del-header Set-Cookie if { path_beg /b/ }',
  'http-after-response add-header Set-Cookie "after_a=1" if { var(txn.a) -m found }',
  'http-response add-header Set-Cookie "acl=1" if is_ok !is_a',
  'http-response replace-header Set-Cookie (.*) "\\1; HttpOnly" unless is_ok',
  'http-after-response del-header Set-Cookie if has_x',
  'http-response replace-header Set-Cookie (.*) "\\1%[var(txn.f)]"',
  'http-response set-var(txn.f) str("; HttpOnly") if { status 404 }',
  'http-after-response replace-value Set-Cookie (.*) "\\1%[var(txn.f)]" if { var(txn.f) -m found }',
  'http-response replace-header Set-Cookie (.*) "\\1; HttpOnly" if { var(txn.p) -m beg /b/ }',
  'http-response add-header Set-Cookie "not_b=1" unless { var(txn.p) -m beg /b/ } { status 200 }',
];

const PERSISTENCE: readonly string[] = [
  'cookie SRV insert indirect nocache',
  'cookie SRV insert httponly secure',
  'cookie SRV insert',
  'cookie JSESSIONID prefix',
  'cookie JSESSIONID rewrite',
  'cookie SRV insert rewrite',
  'cookie SRV insert postonly',
  'cookie SRV insert httponly domain .example.com',
];

export interface GeneratedProxy {
  readonly text: (name: string, port: number, backend: number) => string;
}

export const proxyArb: fc.Arbitrary<GeneratedProxy> = fc
  .record({
    request: fc.array(fc.constantFrom(...REQUEST_RULES), { maxLength: 2 }),
    front: fc.array(fc.constantFrom(...RESPONSE_RULES, ...REQUEST_AWARE), { maxLength: 3 }),
    back: fc.array(fc.constantFrom(...RESPONSE_RULES, ...REQUEST_AWARE), { maxLength: 3 }),
    cookie: fc.option(fc.constantFrom(...PERSISTENCE), { nil: undefined }),
    service: fc.option(fc.constantFrom(...BACKEND_SERVICES), { nil: undefined, freq: 4 }),
    // A second backend for the paths under /b/ (use_backend), with rules of its own.
    second: fc.option(fc.array(fc.constantFrom(...RESPONSE_RULES), { maxLength: 2 }), { nil: undefined, freq: 3 }),
    pathVariable: fc.constantFrom('none', 'none', 'first', 'last'),
  })
  .map(({ request, front, back, cookie, service, second, pathVariable }) => ({
    text: (name, port, backend) =>
      [
        `frontend fe_${name}`,
        `    bind 127.0.0.1:${port}`,
        ...ACLS.map((a) => `    ${a}`),
        ...(pathVariable === 'first' ? [`    ${PATH_VARIABLE}`] : []),
        ...request.map((r) => `    ${r}`),
        ...(pathVariable === 'last' ? [`    ${PATH_VARIABLE}`] : []),
        ...front.map((r) => `    ${r}`),
        ...(second ? [`    use_backend be2_${name} if { path_beg /b/ }`] : []),
        `    default_backend be_${name}`,
        '',
        `backend be_${name}`,
        ...ACLS.map((a) => `    ${a}`),
        ...(service ? [`    ${service}`] : []),
        ...back.map((r) => `    ${r}`),
        ...(cookie ? [`    ${cookie}`] : []),
        `    server s1 127.0.0.1:${backend}${cookie ? ' cookie s1' : ''}`,
        '',
        ...(second ? [`backend be2_${name}`, ...second.map((r) => `    ${r}`), `    server s2 127.0.0.1:${backend}`, ''] : []),
      ].join('\n'),
  }));
