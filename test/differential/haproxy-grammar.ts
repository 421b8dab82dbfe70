/**
 * Random HAProxy proxies built from what changes Set-Cookie lines, for the differential test
 * against the real HAProxy (haproxy.test.ts): `http-response` and `http-after-response` rules in
 * the frontend and the backend, with and without conditions on the status, the backend's
 * persistence `cookie` in every mode, and rules that answer themselves. Some combinations are
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
    front: fc.array(fc.constantFrom(...RESPONSE_RULES), { maxLength: 3 }),
    back: fc.array(fc.constantFrom(...RESPONSE_RULES), { maxLength: 3 }),
    cookie: fc.option(fc.constantFrom(...PERSISTENCE), { nil: undefined }),
  })
  .map(({ front, back, cookie }) => ({
    text: (name, port, backend) =>
      [
        `frontend fe_${name}`,
        `    bind 127.0.0.1:${port}`,
        ...front.map((r) => `    ${r}`),
        `    default_backend be_${name}`,
        '',
        `backend be_${name}`,
        ...back.map((r) => `    ${r}`),
        ...(cookie ? [`    ${cookie}`] : []),
        `    server s1 127.0.0.1:${backend}${cookie ? ' cookie s1' : ''}`,
        '',
      ].join('\n'),
  }));
