/** Evidence of the products behind a scope (src/cookies/scope.ts) and the catalog's docs. */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createCatalog } from '../../src/cookies/catalog.js';
import { PRODUCTS, productTableRows } from '../../src/cookies/products.js';
import { createScopeResolver, mentionedCookies } from '../../src/cookies/scope.js';
import { DEFAULT_NGINX_VERSION } from '../../src/dialects/dialect.js';
import { loadDialects } from '../../src/dialects/registry.js';
import type { Dialect } from '../../src/model/header-rewrite.js';
import { memoryIO } from '../nginx/memory-io.js';

const ALL = createCatalog().xsrf.map((c) => c.name);

async function scopes(dialect: Dialect, text: string, catalog = createCatalog()) {
  const path = dialect === 'iis' ? '/site/web.config' : '/etc/x.conf';
  const io = memoryIO({ [path]: text });
  const d = (await loadDialects(new Set([dialect]))).get(dialect)!;
  const model = d.buildModel(path, io, { nginxVersion: DEFAULT_NGINX_VERSION, ...(dialect === 'nginx' ? { context: 'http' as const } : {}) });
  const resolver = createScopeResolver(model, catalog);
  return model.endpoints.map((e) => ({ label: e.label, names: (e.names ?? []).map((n) => `${n.kind} ${n.value}`), ...resolver.forEndpoint(e) }));
}

describe('cookie names a directive mentions', () => {
  it('undoes regex escapes, compares caselessly and does not take a prefix for the longer name', () => {
    expect(mentionedCookies('^(?!(?:atlassian\\.xsrf\\.token|XSRF\\-TOKEN)=)(.*)$', ALL)).toEqual(['atlassian.xsrf.token', 'XSRF-TOKEN']);
    expect(mentionedCookies('^(?!atl\\.xsrf\\.token\\.slash=)', ALL)).toEqual(['atl.xsrf.token.slash']);
    expect(mentionedCookies('^(?!ATLASSIAN\\.XSRF\\.TOKEN=)', ALL)).toEqual(['atlassian.xsrf.token']);
    expect(mentionedCookies('^(.*)$ "$1; HttpOnly; Secure"', ALL)).toEqual([]);
    expect(mentionedCookies('proxy_cookie_flags ~^(?:sc|csrftoken)$ secure', ALL)).toEqual(['csrftoken', 'sc']);
  });
});

describe('evidence per scope', () => {
  it('Apache: ServerName, Location paths and backend ports, each with its line', async () => {
    const s = await scopes(
      'apache',
      [
        '<VirtualHost *:443>',
        '    ServerName wiki.example.com',
        '    ServerAlias confluence.example.com',
        '    ProxyPass / http://127.0.0.1:8090/',
        '    <Location /nexus>',
        '        ProxyPass http://10.0.0.5:8081/nexus',
        '    </Location>',
        '    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"',
        '</VirtualHost>',
        '',
      ].join('\n'),
    );
    const root = s.find((x) => x.label === '<VirtualHost *:443> (wiki.example.com)')!;
    expect(root.products).toEqual(['confluence']);
    expect(root.evidence.map((e) => `${e.kind}:${e.text}`)).toEqual(['host:confluence.example.com', 'backend:http://127.0.0.1:8090/']);
    expect(root.mentioned.size).toBe(0);
    // Blanket in the vhost: every cookie counts; Confluence's is evident.
    expect([...root.relevant]).toEqual(ALL);
    expect([...root.evident]).toEqual(['atlassian.xsrf.token']);
    const nexus = s.find((x) => x.label.endsWith('<Location /nexus>'))!;
    expect(nexus.products).toEqual(['confluence', 'nexus']);
    expect(nexus.evidence.find((e) => e.kind === 'path')?.text).toBe('/nexus');
  });

  it('nginx: server_name and location; a FastCGI port 9000 is not Sentry, an HTTP one is', async () => {
    const s = await scopes(
      'nginx',
      [
        'server {',
        '    server_name sentry.example.com;',
        '    location / { proxy_pass http://127.0.0.1:9000; proxy_cookie_flags sc secure; proxy_cookie_flags ~ httponly; }',
        '}',
        'server {',
        '    server_name shop.example.com;',
        '    location ~ \\.php$ { fastcgi_pass 127.0.0.1:9000; }',
        '}',
        '',
      ].join('\n'),
    );
    const sentry = s.find((x) => x.label.includes('sentry.example.com') && x.label.includes('location /'))!;
    expect(sentry.products).toEqual(['sentry']);
    expect([...sentry.mentioned]).toEqual(['sc']);
    expect([...sentry.relevant]).toEqual(['sc']);
    const shop = s.find((x) => x.label.includes('shop.example.com') && x.label.includes('php'))!;
    expect(shop.products).toEqual([]);
  });

  it('IIS: the location path and the ARR backend', async () => {
    const s = await scopes(
      'iis',
      [
        '<configuration>',
        '  <location path="jira">',
        '    <system.webServer><rewrite><rules>',
        '      <rule name="r"><match url="(.*)" /><action type="Rewrite" url="http://localhost:7990/{R:1}" /></rule>',
        '    </rules></rewrite></system.webServer>',
        '  </location>',
        '</configuration>',
        '',
      ].join('\n'),
    );
    const jira = s.find((x) => x.label.includes('jira'))!;
    expect(jira.products).toEqual(['jira', 'bitbucket']);
  });

  it('a port is weak evidence: it counts for a blanket rule, not against an exclusion that names another product\'s cookie', async () => {
    const vhost = (name: string, rule: string) => ['<VirtualHost *:443>', `    ServerName ${name}`, '    ProxyPass / http://127.0.0.1:8080/', `    Header edit Set-Cookie ${rule} "$1; HttpOnly"`, '</VirtualHost>', ''].join('\n');
    const products = async (name: string, rule: string) => (await scopes('apache', vhost(name, rule))).find((x) => x.label.includes(name))!.products;
    expect(await products('app.example.com', '^(.*)$')).toEqual(['jira']);
    expect(await products('app.example.com', '"^(?!XSRF-TOKEN=)(.*)$"')).toEqual([]);
    expect(await products('app.example.com', '"^(?!atlassian\\.xsrf\\.token=)(.*)$"')).toEqual(['jira']);
    // A name that says Jira keeps the port's word.
    expect(await products('jira.example.com', '"^(?!XSRF-TOKEN=)(.*)$"')).toEqual(['jira']);
  });

  it('HAProxy: the sections a request passes, the hosts its use_backend tests, and server ports without a scheme', async () => {
    const text = [
      'defaults',
      '    mode http',
      'frontend www',
      '    bind :443',
      '    acl is_bb hdr(host) -i -m str bitbucket.example.com',
      '    acl is_wiki req.hdr(host),lower -m dom confluence.example.com',
      '    acl is_admin hdr(host) -i jira-admin.example.com',
      '    use_backend bb if is_bb',
      '    use_backend docs if is_wiki !is_admin',
      '    use_backend ops if { hdr(host) -i sentry.example.com }',
      '    use_backend other unless is_admin',
      '    use_backend other if !is_bb',
      '    default_backend other',
      'backend bb',
      '    server b1 ipv4@10.0.0.12:7990 check',
      'backend docs',
      '    server d1 10.0.0.13:80',
      'backend ops',
      '    server o1 [::1]:80',
      'backend other',
      '    server x1 10.0.0.14',
      '    server x2 unix@/run/app.sock',
      '',
    ].join('\n');
    const s = await scopes('haproxy', text);
    const at = (label: string) => s.find((x) => x.label === label)!;
    const names = (label: string) => at(label).names;
    // A named ACL's patterns (flags and their arguments skipped), each with its acl line.
    expect(names('frontend www › backend bb')).toEqual(['section frontend www', 'section backend bb', 'host bitbucket.example.com']);
    expect(at('frontend www › backend bb').evidence.find((e) => e.kind === 'host')?.span?.start).toBe(text.indexOf('    acl is_bb'));
    expect(at('frontend www › backend bb').products).toEqual(['bitbucket']);
    // A negated test names a host the backend does not serve.
    expect(names('frontend www › backend docs')).toEqual(['section frontend www', 'section backend docs', 'host confluence.example.com']);
    expect(at('frontend www › backend docs').products).toEqual(['confluence']);
    // An inline anonymous ACL.
    expect(at('frontend www › backend ops').products).toEqual(['sentry']);
    // `unless` and negated conditions, an address without a port, a socket: no evidence.
    expect(names('frontend www › backend other')).toEqual(['section frontend www', 'section backend other']);
    expect(at('frontend www › backend other').products).toEqual([]);
  });

  it('HAProxy: a backend named after the application, and its server port', async () => {
    const s = await scopes('haproxy', ['defaults', '    mode http', 'frontend www', '    bind :443', '    default_backend be_jira', 'backend be_jira', '    server j1 10.0.0.5:80', 'backend nexus', '    server n1 nexus.internal:8081', ''].join('\n'));
    expect(s.find((x) => x.label === 'frontend www › backend be_jira')!.products).toEqual(['jira']);
    // A path test of the route is the path it serves.
    const byPath = await scopes('haproxy', ['defaults', '    mode http', 'frontend www', '    bind :443', '    acl to_nexus path_beg -i /nexus', '    use_backend b1 if to_nexus', '    use_backend b2 if { path /sentry/ }', 'backend b1', '    server a 10.0.0.5:80', 'backend b2', '    server b 10.0.0.6:80', ''].join('\n'));
    expect(byPath.map((x) => [x.names, x.products])).toEqual([
      [['section frontend www', 'section backend b1', 'path /nexus'], ['nexus']],
      [['section frontend www', 'section backend b2', 'path /sentry/'], ['sentry']],
      // What no rule takes: the frontend's own 503.
      [['section frontend www'], []],
    ]);
    expect(s.find((x) => x.label === 'backend nexus')!.evidence.map((e) => `${e.kind} ${e.text}`)).toEqual(['section backend nexus', 'backend nexus.internal:8081']);
    expect(s.find((x) => x.label === 'backend nexus')!.products).toEqual(['nexus']);
  });

  it('Caddy: site addresses are host names, and an upstream without a scheme has its port', async () => {
    const s = await scopes(
      'caddy',
      ['confluence.example.com, https://wiki.example.com:8443 {', '\treverse_proxy 127.0.0.1:8090', '}', ':8080 {', '\treverse_proxy localhost:7990', '}', '{$SITE} {', '\treverse_proxy app:80', '}', ''].join('\n'),
    );
    expect(s.map((x) => x.names)).toEqual([['host confluence.example.com', 'host wiki.example.com'], [], []]);
    expect(s.map((x) => x.evidence.map((e) => `${e.kind} ${e.text}`))).toEqual([['host confluence.example.com', 'backend 127.0.0.1:8090'], ['backend localhost:7990'], []]);
    expect(s.map((x) => x.products)).toEqual([['confluence'], ['bitbucket'], []]);
  });

  it('Caddy: the paths a request passed on its way to the proxy (handle, handle_path, a named matcher), not negated ones', async () => {
    const s = await scopes(
      'caddy',
      [
        ':443 {',
        '\thandle_path /jira/* {',
        '\t\treverse_proxy app1:80',
        '\t}',
        '\t@nexus {',
        '\t\tpath /nexus /nexus/*',
        '\t}',
        '\thandle @nexus {',
        '\t\treverse_proxy app2:80',
        '\t}',
        '\t@other not path /sentry/*',
        '\thandle @other {',
        '\t\treverse_proxy app3:80',
        '\t}',
        '}',
        '',
      ].join('\n'),
    );
    // In the order of the probe paths: `/` reaches the last handle first.
    expect(s.map((x) => [x.names, x.products])).toEqual([
      [[], []],
      [['path /jira/*'], ['jira']],
      [['path /nexus', 'path /nexus/*'], ['nexus']],
    ]);
  });

  it('Caddy JSON: the host matcher of a route is its host name', async () => {
    const json = JSON.stringify({
      apps: { http: { servers: { srv0: { listen: [':443'], routes: [{ match: [{ host: ['jira.example.com'] }], handle: [{ handler: 'reverse_proxy', upstreams: [{ dial: 'app:80' }] }] }] } } } },
    });
    const io = memoryIO({ '/etc/caddy.json': json });
    const d = (await loadDialects(new Set(['caddy' as const]))).get('caddy')!;
    const model = d.buildModel('/etc/caddy.json', io, { nginxVersion: DEFAULT_NGINX_VERSION });
    const resolver = createScopeResolver(model, createCatalog());
    const e = model.endpoints[0]!;
    expect(resolver.forEndpoint(e).products).toEqual(['jira']);
    const host = resolver.forEndpoint(e).evidence.find((x) => x.kind === 'host')!;
    expect(json.slice(host.span!.start, host.span!.end)).toBe('"jira.example.com"');
  });

  it('cookies named by what a rule reads by name count as mentioned: an HAProxy named ACL, an IIS preCondition', async () => {
    const text = [
        'defaults',
        '    mode http',
        'frontend www',
        '    bind :443',
        '    acl xsrf_cookie res.hdr(Set-Cookie) -m beg atlassian.xsrf.token',
        "    http-response replace-header Set-Cookie '^(.*)$' '\\1; HttpOnly' unless xsrf_cookie",
        '    default_backend app',
        'backend app',
        '    server a1 10.0.0.5:80',
        '',
      ].join('\n');
    const haproxy = await scopes('haproxy', text);
    expect([...haproxy[0]!.mentioned]).toEqual(['atlassian.xsrf.token']);
    // The evidence points at the acl line.
    expect(haproxy[0]!.evidence.find((e) => e.kind === 'cookie')?.span?.start).toBe(text.indexOf('    acl xsrf_cookie'));
    const iis = await scopes(
      'iis',
      [
        '<configuration><system.webServer><rewrite><outboundRules>',
        '  <rule name="Add HttpOnly" preCondition="Not the XSRF cookie">',
        '    <match serverVariable="RESPONSE_Set_Cookie" pattern=".*" />',
        '    <action type="Rewrite" value="{R:0}; HttpOnly" />',
        '  </rule>',
        '  <preConditions>',
        '    <preCondition name="Not the XSRF cookie">',
        '      <add input="{RESPONSE_Set_Cookie}" pattern="^XSRF-TOKEN=" negate="true" />',
        '    </preCondition>',
        '  </preConditions>',
        '</outboundRules></rewrite></system.webServer></configuration>',
        '',
      ].join('\n'),
    );
    expect([...iis[0]!.mentioned]).toEqual(['XSRF-TOKEN']);
  });

  it('settings replace the evidence: configured products, "all", an inline comment in the scope', async () => {
    const text = [
      'server {',
      '    server_name jira.example.com;',
      '    location / { proxy_pass http://127.0.0.1:8080; }',
      '}',
      'server {',
      '    # lint-proxy-config-products nexus',
      '    server_name jira2.example.com;',
      '    location / { proxy_pass http://127.0.0.1:8080; }',
      '}',
      '',
    ].join('\n');
    const configured = await scopes('nginx', text, createCatalog([], [], { products: ['sentry'] }));
    const first = configured.find((x) => x.label.includes('jira.example.com') && x.label.includes('location'))!;
    expect(first.mode).toBe('configured');
    expect([...first.relevant]).toEqual(['sc']);
    const second = configured.find((x) => x.label.includes('jira2.example.com') && x.label.includes('location'))!;
    expect(second.setting?.from).toBe('inline comment');
    expect([...second.relevant]).toEqual(['NX-ANTI-CSRF-TOKEN']);
    const strict = await scopes('nginx', text, createCatalog([], [], { allProducts: true }));
    expect(strict.every((x) => x.mode === 'all' && x.relevant.size === ALL.length)).toBe(true);
    const noInline = await scopes('nginx', text, createCatalog([], [], { inline: false }));
    expect(noInline.find((x) => x.label.includes('jira2.example.com') && x.label.includes('location'))!.mode).toBe('evident');
  });

  it('an inline comment governs the innermost block holding it; one outside every block, its file; the later of two wins', async () => {
    const text = [
      '# lint-proxy-config-products sentry',
      'server {',
      '    server_name a.example.com;',
      '    # lint-proxy-config-products nexus',
      '    location / {',
      '        # lint-proxy-config-products jira',
      '        # lint-proxy-config-products django',
      '        proxy_pass http://127.0.0.1:8080;',
      '    }',
      '    location /other/ { proxy_pass http://127.0.0.1:8080; }',
      '}',
      'server {',
      '    server_name b.example.com;',
      '    location / { proxy_pass http://127.0.0.1:8080; }',
      '}',
      '# lint-proxy-config-products all',
      '',
    ].join('\n');
    const s = await scopes('nginx', text);
    const at = (host: string, path: string) => s.find((x) => x.label.includes(host) && x.label.endsWith(`location ${path}`))!;
    // The innermost block's later comment, the server's own, then the file's last one.
    expect(at('a.example.com', '/').setting?.selection).toEqual(['django']);
    expect(at('a.example.com', '/other/').setting?.selection).toEqual(['nexus']);
    expect(at('b.example.com', '/').setting?.selection).toBe('all');
  });

  it('a configured cookie counts in every scope', async () => {
    const s = await scopes('nginx', 'server { server_name jira.example.com; location / { proxy_pass http://127.0.0.1:8080; proxy_cookie_flags atlassian.xsrf.token secure; } }\n', createCatalog(['MYAPP-CSRF']));
    const loc = s.find((x) => x.label.includes('location'))!;
    expect([...loc.relevant]).toEqual(['atlassian.xsrf.token', 'MYAPP-CSRF']);
  });
});

describe('the product catalog', () => {
  it('every product cookie is a catalog CSRF cookie', () => {
    for (const p of PRODUCTS) for (const c of p.cookies) expect(ALL, `${p.id}: ${c}`).toContain(c);
    for (const c of ALL) expect(PRODUCTS.some((p) => p.cookies.includes(c)), c).toBe(true);
  });

  it('is listed in the rule README (UPDATE_README=1 rewrites it)', () => {
    const path = new URL('../../rules/xsrf-cookie-httponly/README.md', import.meta.url).pathname;
    const readme = readFileSync(path, 'utf8');
    const expected = readme.replace(/(<!-- products:start -->\n)[\s\S]*?(<!-- products:end -->)/, `$1${productTableRows()}\n$2`);
    if (process.env.UPDATE_README) writeFileSync(path, expected);
    expect(readme).toBe(expected);
  });
});
