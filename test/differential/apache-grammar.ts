/**
 * Random Apache virtual hosts built from the directives that change Set-Cookie lines, for the
 * differential test against the real httpd (apache.test.ts): `Header` in every table and action,
 * with `env=` and `expr=` conditions, cookie path and domain mappings, at the virtual host and in
 * `<Location>`, `<LocationMatch>` and `<If>`/`<Else>` sections (also path tests a `<Location>` decides), mod_rewrite's `CO` cookies (with
 * `RewriteCond`, `L`, `NC`, a negated pattern; in the server's context and in the sections, whose
 * rules merge with `RewriteOptions Inherit`), in front of an HTTP, a FastCGI
 * and a CGI backend (whose lines httpd keeps in different tables). Some combinations are refused
 * by `apache2 -t`: the linter must then refuse them too.
 *
 * Values an `expr=` string builds from the request (`%{REQUEST_URI}`, `%{QUERY_STRING}`,
 * `%{HTTP_HOST}`, `%{req:Host}`) are simulated for the request sent. Left out: mod_headers'
 * `%l`/`%D`/`%t`/`%i`/`%b` specifiers (load, time, idle and busy workers: no two responses agree).
 */
import fc from 'fast-check';

export const HEADER_DIRECTIVES: readonly string[] = [
  'Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"',
  'Header always edit Set-Cookie ^(.*)$ "$1; HttpOnly"',
  'Header edit* Set-Cookie "(?i); *httponly" ""',
  'Header edit Set-Cookie "^((?!XSRF-TOKEN|csrftoken)[^=]+=.*)$" "$1; HttpOnly"',
  'Header always edit* Set-Cookie "; *HttpOnly" ""',
  'Header edit Set-Cookie "(?i)^(JSESSIONID=.*)$" "$1; Secure"',
  'Header edit Set-Cookie "^(XSRF-TOKEN=[^;]*)(.*)$" "$1$2; SameSite=Strict"',
  'Header set Set-Cookie "lpc_set=1; Path=/"',
  'Header always set Set-Cookie "XSRF-TOKEN=set; HttpOnly"',
  'Header add Set-Cookie "lpc_add=1"',
  'Header always add Set-Cookie "lpc_always=1"',
  'Header append Set-Cookie "HttpOnly"',
  'Header merge Set-Cookie "lpc_merge=1"',
  'Header always merge Set-Cookie "csrftoken=c1"',
  'Header unset Set-Cookie',
  'Header always unset Set-Cookie',
  'Header edit Set-Cookie ^(.*)$ "$1; HttpOnly" env=lpc',
  'Header edit Set-Cookie ^(.*)$ "$1; HttpOnly" env=!lpc',
  'Header always edit Set-Cookie ^(.*)$ "$1; HttpOnly" "expr=%{QUERY_STRING} =~ /a=1/"',
  'Header set Set-Cookie "e=%{lpc}e; Path=/"',
  'ProxyPassReverseCookiePath / /x/',
  'ProxyPassReverseCookiePath /app /',
  'ProxyPassReverseCookieDomain www.example.com app.test',
  'Header setifempty Set-Cookie "lpc_empty=1"',
  'Header edit Set-Cookie "(?i)(path=/)app" "$1x"',
  'Header edit Set-Cookie "^(.*?)(;|$)" "$1; HttpOnly$2"',
  'Header edit* Set-Cookie "=" "=="',
  'Header always edit Set-Cookie "^(atl\\.xsrf\\.token=.*)$" "$0; HttpOnly"',
  'Header unset Set-Cookie "expr=%{REQUEST_URI} =~ m#^/h/#"',
  'Header early set Set-Cookie "early=1"',
  'ProxyErrorOverride On',
  'Header always setifempty Set-Cookie "lpc_empty=2"',
  'Header edit Set-Cookie "^(csrftoken=[^;]*)" "$1; HttpOnly" "expr=-n %{QUERY_STRING}"',
  'Header edit Set-Cookie (?i)^(xsrf-token=.*)$ "$1; HttpOnly"',
  'Header edit Set-Cookie "(Path=)(/app)" "$1/x$2"',
  'Header always append Set-Cookie "SameSite=Lax"',
  'Header merge Set-Cookie "HttpOnly"',
  'ProxyPassReverseCookiePath /app /app2 interpolate',
  'ProxyPassReverseCookieDomain example.com example.org',
  'SetEnvIfExpr "%{QUERY_STRING} =~ /a=2/" lpc',
  'RewriteEngine On',
  'RewriteRule ^ - [E=lpc:1]',
  'SetEnvIf Query_String a=1 lpc',
  'SetEnv lpc 1',
  'UnsetEnv lpc',
  'Header set Set-Cookie "expr=lpc_uri=%{REQUEST_URI}; Path=/"',
  'Header always add Set-Cookie "expr=lpc_q=%{QUERY_STRING}"',
  'Header add Set-Cookie "expr=lpc_h=%{HTTP_HOST}; Path=/%{REQUEST_METHOD}"',
  'Header always set Set-Cookie "expr=XSRF-TOKEN=%{req:Host}; HttpOnly"',
  'Header merge Set-Cookie "expr=lpc_e=%{reqenv:lpc}"',
];

/** mod_rewrite rules whose CO flag sets a cookie (the server's own rules: translate_name), with what decides whether they run. */
export const REWRITE_COOKIES: readonly string[] = [
  'RewriteRule ^/h/ - [CO=XSRF-TOKEN:g1:example.com:0:/:secure:httponly]',
  'RewriteRule ^/h/ - [CO=lpc_co:v:example.com]',
  'RewriteRule ^/f/ - [CO=csrftoken:c2:example.com:0:/app:0:1]',
  'RewriteRule ^/cgi/ - [CO=;sc;s1;example.com;0;/;true;true;Strict]',
  'RewriteRule ^/H/ - [CO=atl.xsrf.token:nc:example.com:0:/:1:HttpOnly,NC]',
  'RewriteRule ^/h/x - [CO=XSRF-TOKEN:x:example.com:0:/:1:1]',
  'RewriteCond %{QUERY_STRING} a=1\n    RewriteRule ^ - [CO=lpc_q:1:example.com:0:/:1:1]',
  'RewriteRule ^/h/ - [CO=lpc_l:1:example.com,L]',
  'RewriteRule ^/(h|f)/ - [CO=csrftoken:both:example.com:0:/:true:true,CO=csrftoken:again:example.com,CO=lpc_two:2:example.com:0:/:false:true:Lax]',
  'RewriteRule !^/h/ - [CO=lpc_not:1:example.com]',
];

/**
 * Per-directory mod_rewrite directives for the sections (run in fixups, merged section over
 * section): CO cookies, with the engine state, `RewriteOptions Inherit`, a condition, `L`, and
 * patterns that see `proxy:` and the backend URL or the file's path. Not `RewriteEngine Off`: a
 * section that turns the engine off makes httpd answer 404 to a request a server-context
 * `RewriteRule [P]` proxies (2.4.71), which the linter does not simulate.
 */
export const PERDIR_REWRITES: readonly string[] = [
  'RewriteEngine On\n        RewriteRule ^ - [CO=XSRF-TOKEN:p1:example.com:0:/:secure:httponly]',
  'RewriteRule ^proxy: - [CO=lpc_pd:1:example.com]',
  'RewriteOptions Inherit\n        RewriteRule ^ - [CO=csrftoken:pi:example.com:0:/:1:1,L]',
  'RewriteCond %{QUERY_STRING} a=1\n        RewriteRule ^ - [CO=lpc_pq:1:example.com]',
  'RewriteEngine On\n        RewriteRule /lpc - [CO=lpc_pf:1:example.com:0:/:1:1]',
];

const sectionArb = fc.record({
  kind: fc.constantFrom('Location', 'LocationMatch', 'If', 'IfElse', 'IfElseIf', 'LocationIf', 'Proxy', 'LocationPathIf', 'LocationPathIfNot'),
  mount: fc.constantFrom('/h/', '/f/', '/cgi/'),
  // How a LocationPathIf tests the path: a literal start, an alternation or a class the mount
  // satisfies, caseless, or one whose match reads past the mount (a lookahead: undecided).
  pathTest: fc.constantFrom('literal', 'literal', 'alternation', 'class', 'caseless', 'lookahead'),
  body: fc.array(fc.constantFrom(...HEADER_DIRECTIVES, ...PERDIR_REWRITES), { minLength: 1, maxLength: 3 }),
  other: fc.array(fc.constantFrom(...HEADER_DIRECTIVES, ...PERDIR_REWRITES), { maxLength: 2 }),
});

/** The ways a request for /h/ reaches the HTTP backend. */
function httpRoute(route: string, host: string, port: number): string[] {
  const target = `http://127.0.0.1:${port}`;
  switch (route) {
    case 'Location':
      return ['    <Location /h/>', `        ProxyPass ${target}/`, '    </Location>'];
    case 'ProxyPassMatch':
      return [`    ProxyPassMatch ^/h/(.*)$ ${target}/$1`];
    case 'RewriteRule':
      return ['    RewriteEngine On', `    RewriteRule ^/h/(.*)$ ${target}/$1 [P]`];
    case 'balancer': {
      const name = host.replace(/[^a-z0-9]/gi, '');
      return [`    <Proxy balancer://${name}>`, `        BalancerMember ${target}`, '    </Proxy>', `    ProxyPass /h/ balancer://${name}/`];
    }
    default:
      return [`    ProxyPass /h/ ${target}/`];
  }
}

export interface GeneratedVhost {
  readonly text: (port: number, host: string, mounts: { http: number; fcgi: number; cgiDir: string }) => string;
}

export const vhostArb: fc.Arbitrary<GeneratedVhost> = fc
  .record({
    top: fc.array(fc.constantFrom(...HEADER_DIRECTIVES), { maxLength: 3 }),
    sections: fc.array(sectionArb, { maxLength: 2 }),
    route: fc.constantFrom('ProxyPass', 'Location', 'ProxyPassMatch', 'RewriteRule', 'balancer'),
    rewrites: fc.array(fc.constantFrom(...REWRITE_COOKIES), { maxLength: 2 }),
  })
  .map(({ top, sections, route, rewrites }) => ({
    text: (port, host, mounts) => {
      const out = [
        `<VirtualHost 127.0.0.1:${port}>`,
        `    ServerName ${host}`,
        ...httpRoute(route, host, mounts.http),
        `    ProxyPass /f/ fcgi://127.0.0.1:${mounts.fcgi}/`,
        `    ScriptAlias /cgi/ ${mounts.cgiDir}/`,
        ...top.map((d) => `    ${d}`),
        ...(rewrites.length > 0 ? ['    RewriteEngine On', ...rewrites.map((d) => `    ${d}`)] : []),
      ];
      for (const s of sections) {
        const body = s.body.map((d) => `        ${d}`);
        if (s.kind === 'Location') out.push(`    <Location ${s.mount}>`, ...body, '    </Location>');
        else if (s.kind === 'LocationMatch') out.push(`    <LocationMatch "^${s.mount}">`, ...body, '    </LocationMatch>');
        else if (s.kind === 'Proxy') out.push(`    <Proxy "http://127.0.0.1:${mounts.http}/*">`, ...body, '    </Proxy>');
        else if (s.kind === 'LocationIf') {
          out.push(`    <Location ${s.mount}>`, ...s.other.map((d) => `        ${d}`), '        <If "%{QUERY_STRING} =~ /a=1/">', ...body.map((d) => `    ${d}`), '        </If>', '    </Location>');
        } else if (s.kind === 'LocationPathIf' || s.kind === 'LocationPathIfNot') {
          // A path test the <Location> decides: every request there takes the <If> (its own path), or none (another).
          const mount = s.kind === 'LocationPathIf' ? s.mount : '/z/';
          const name = mount.slice(1, -1);
          const expr = {
            literal: `m#^${mount}#`,
            alternation: `m#^/(?:${name}|zz)/#`,
            class: 'm#^/[a-z]+/#',
            caseless: `m#^${mount.toUpperCase()}#i`,
            lookahead: `m#^${mount}(?!x)#`,
          }[s.pathTest];
          out.push(`    <Location ${s.mount}>`, `        <If "%{REQUEST_URI} =~ ${expr}">`, ...body.map((d) => `    ${d}`), '        </If>', '        <Else>', ...s.other.map((d) => `            ${d}`), '        </Else>', '    </Location>');
        } else {
          out.push('    <If "%{QUERY_STRING} =~ /a=1/">', ...body, '    </If>');
          if (s.kind === 'IfElseIf') out.push('    <ElseIf "%{QUERY_STRING} =~ /a=2/">', ...s.other.map((d) => `        ${d}`), '    </ElseIf>');
          if (s.kind !== 'If') out.push('    <Else>', ...s.other.map((d) => `        ${d}`), '    </Else>');
        }
      }
      out.push('</VirtualHost>', '');
      return out.join('\n');
    },
  }));
