/**
 * mod_rewrite's `CO` flag in per-directory rules (`<Location>`, `<Directory>`, `<Files>`...,
 * run in the fixups phase): which sections' rules a request meets, what their patterns see, and
 * the lint of a CSRF cookie they issue with HttpOnly. What httpd 2.4.71 does here was read from
 * the real server (the real-server cases `rewrite-cookie-location`, `-perdir-merge`,
 * `-perdir-engine-off`, `-directory` and `-file-sections` check it again on every run).
 */
import { describe, expect, it } from 'vitest';
import { RULES } from '../../rules/index.js';
import { createCatalog } from '../../src/cookies/catalog.js';
import { apacheDialect } from '../../src/dialects/apache/index.js';
import { lintModel } from '../../src/engine/lint.js';
import type { Endpoint } from '../../src/model/header-rewrite.js';
import { branchesOf, simulate } from '../../src/model/simulate.js';
import { endpoint, memoryIO, modelOf, OPTIONS, run } from './helpers.js';

const vhost = (...lines: string[]) => `<VirtualHost *:80>\n    ServerName a.test\n    DocumentRoot /var/www/html\n${lines.map((l) => `    ${l}`).join('\n')}\n</VirtualHost>\n`;

/** The CO ops of an endpoint's pipeline: their cookie names, `?` after a conditional one. */
function cookieOps(e: Endpoint): string[] {
  return e.pipeline.flatMap((op) => (op.kind === 'apache-rewrite-cookie' && !('answers' in op) ? [`${/CO=([^:;]+)/.exec(op.label)![1]}${op.condition ? '?' : ''}`] : []));
}

/** Every outcome of a proxied 200 response carrying `a=1`. */
function outcomes(e: Endpoint): string[][] {
  return branchesOf(simulate('apache', e.pipeline, { backend: 'http', status: 200 }, ['a=1'])).map((b) => b.lines.map((l) => l.value));
}

const PROXY = 'ProxyPass /h/ http://127.0.0.1:8080/';

describe('per-directory CO rules: which sections run', () => {
  it('a <Location> rule sets its cookie in err_headers_out, before the backend line, as httpd writes it', () => {
    const m = modelOf(vhost(PROXY, '<Location /h/>', '    RewriteEngine On', '    RewriteRule ^ - [CO=XSRF-TOKEN:abc:.example.com:0:/:secure:httponly]', '</Location>'));
    const e = endpoint(m, '› <Location /h/>');
    expect(cookieOps(e)).toEqual(['XSRF-TOKEN']);
    expect(run(e, 'http', ['a=1'])).toEqual(['XSRF-TOKEN=abc; path=/; domain=.example.com; secure; HttpOnly', 'a=1']);
  });

  it('Header always edit in the section sees the cookie, Header edit does not', () => {
    const m = modelOf(
      vhost(PROXY, '<Location /h/>', '    RewriteEngine On', '    RewriteRule ^ - [CO=c:1:example.com]', '    Header always edit Set-Cookie ^(c=.*)$ "$1; A"', '    Header edit Set-Cookie ^(c=.*)$ "$1; E"', '</Location>'),
      { apacheModules: ['headers_module', 'proxy_module', 'proxy_http_module', 'rewrite_module'] },
    );
    expect(run(endpoint(m, '› <Location /h/>'), 'http', ['a=1'])).toEqual(['c=1; path=/; domain=example.com; A', 'a=1']);
  });

  it('the engine: off by default, the server context turns it on for its sections, a section turns it off', () => {
    const rule = ['<Location /h/>', '    RewriteRule ^ - [CO=c:1:example.com]', '</Location>'];
    expect(cookieOps(endpoint(modelOf(vhost(PROXY, ...rule)), '› <Location /h/>'))).toEqual([]);
    expect(cookieOps(endpoint(modelOf(vhost(PROXY, 'RewriteEngine On', ...rule)), '› <Location /h/>'))).toEqual(['c']);
    // The main server's RewriteEngine reaches the sections of its virtual hosts.
    expect(cookieOps(endpoint(modelOf(`RewriteEngine On\n${vhost(PROXY, ...rule)}`), '› <Location /h/>'))).toEqual(['c']);
    const off = modelOf(vhost(PROXY, 'RewriteEngine On', ...rule, '<Location /h/x/>', '    RewriteEngine Off', '</Location>'));
    expect(cookieOps(endpoint(off, '› <Location /h/x/>'))).toEqual([]);
  });

  it('a later section replaces the rules, Inherit runs them after its own, InheritBefore before', () => {
    const m = modelOf(
      vhost(
        PROXY,
        'RewriteEngine On',
        '<Location /h/>',
        '    RewriteRule ^ - [CO=outer:1:example.com]',
        '</Location>',
        '<Location /h/r/>',
        '    RewriteRule ^ - [CO=replaced:1:example.com]',
        '</Location>',
        '<Location /h/i/>',
        '    RewriteOptions Inherit',
        '    RewriteRule ^ - [CO=inherit:1:example.com]',
        '</Location>',
        '<Location /h/i/b/>',
        '    RewriteRule ^ - [CO=below:1:example.com]',
        '</Location>',
        '<Location /h/b/>',
        '    RewriteOptions InheritBefore',
        '    RewriteRule ^ - [CO=before:1:example.com]',
        '</Location>',
        '<Location /h/e/>',
        '    RewriteEngine On',
        '</Location>',
        '<Location /h/n/>',
        '    RewriteOptions Inherit',
        '</Location>',
        '<Location /h/n/x/>',
        '    RewriteOptions AllowNoSlash',
        '    RewriteRule ^ - [CO=own:1:example.com]',
        '</Location>',
      ),
    );
    expect(cookieOps(endpoint(m, '› <Location /h/r/>'))).toEqual(['replaced']);
    expect(cookieOps(endpoint(m, '› <Location /h/i/>'))).toEqual(['inherit', 'outer']);
    // A section's options are inherited by the sections merged after it.
    expect(cookieOps(endpoint(m, '› <Location /h/i/b/>'))).toEqual(['below', 'inherit', 'outer']);
    expect(cookieOps(endpoint(m, '› <Location /h/b/>'))).toEqual(['outer', 'before']);
    // RewriteEngine On alone gives the section an empty list of its own.
    expect(cookieOps(endpoint(m, '› <Location /h/e/>'))).toEqual([]);
    expect(cookieOps(endpoint(m, '› <Location /h/n/>'))).toEqual(['outer']);
    // RewriteOptions without Inherit replaces the inherited options.
    expect(cookieOps(endpoint(m, '› <Location /h/n/x/>'))).toEqual(['own']);
  });

  it("the server's RewriteOptions Inherit does not reach its sections", () => {
    const m = modelOf(
      vhost(PROXY, 'RewriteEngine On', 'RewriteOptions Inherit', '<Location /h/>', '    RewriteRule ^ - [CO=outer:1:example.com]', '</Location>', '<Location /h/x/>', '    RewriteRule ^ - [CO=inner:1:example.com]', '</Location>'),
    );
    expect(cookieOps(endpoint(m, '› <Location /h/x/>'))).toEqual(['inner']);
  });

  it("the main server's sections run in its virtual hosts", () => {
    const m = modelOf(`RewriteEngine On\n<Location /h/>\n    RewriteRule ^ - [CO=main:1:example.com]\n</Location>\n${vhost(PROXY)}`);
    expect(cookieOps(endpoint(m, '(a.test) › <Location /h/>'))).toEqual(['main']);
  });

  it('Options without FollowSymLinks or SymLinksIfOwnerMatch: mod_rewrite refuses the rules (403), no cookie', () => {
    const rules = ['RewriteEngine On', 'RewriteRule ^ - [CO=c:1:example.com]'];
    const dir = (options: string) => modelOf(vhost('<Directory /var/www/html/app>', `    ${options}`, ...rules.map((r) => `    ${r}`), '    Header always set X-Lpc 1', '</Directory>'));
    expect(cookieOps(endpoint(dir('Options None'), '› <Directory /var/www/html/app>'))).toEqual([]);
    expect(cookieOps(endpoint(dir('Options -FollowSymLinks'), '› <Directory /var/www/html/app>'))).toEqual([]);
    expect(cookieOps(endpoint(dir('Options -FollowSymLinks +SymLinksIfOwnerMatch'), '› <Directory /var/www/html/app>'))).toEqual(['c']);
    expect(cookieOps(endpoint(dir('Options Indexes FollowSymLinks'), '› <Directory /var/www/html/app>'))).toEqual(['c']);
    // An <If> section's Options may hold or not: both are explored.
    const maybe = modelOf(vhost('<Directory /var/www/html/app>', ...rules.map((r) => `    ${r}`), '    <If "-n %{QUERY_STRING}">', '        Options None', '    </If>', '</Directory>'));
    expect(cookieOps(endpoint(maybe, '› <Directory /var/www/html/app>'))).toEqual(['c?']);
  });

  it('an <If> section replaces the rules where it holds; <If> sections merge among themselves first', () => {
    const m = modelOf(
      vhost(
        PROXY,
        'RewriteEngine On',
        '<Location /h/>',
        '    RewriteRule ^ - [CO=loc:1:example.com]',
        '</Location>',
        '<If "%{QUERY_STRING} =~ /if/">',
        '    RewriteRule ^ - [CO=if:1:example.com]',
        '</If>',
        '<Location /h/i/>',
        '    RewriteRule ^ - [CO=loci:1:example.com]',
        '    <If "%{QUERY_STRING} =~ /if/">',
        '        RewriteOptions Inherit',
        '        RewriteRule ^ - [CO=nested:1:example.com]',
        '    </If>',
        '</Location>',
      ),
    );
    const c = (name: string) => `${name}=1; path=/; domain=example.com`;
    const outer = outcomes(endpoint(m, '› <Location /h/>'));
    expect(outer).toHaveLength(2);
    expect(outer).toEqual(expect.arrayContaining([[c('loc'), 'a=1'], [c('if'), 'a=1']]));
    // 2.4.71 with ?if: nested, if, loci (the two <If> sections merged, with Inherit, then onto <Location /h/i/>).
    const inner = outcomes(endpoint(m, '› <Location /h/i/>'));
    expect(inner).toContainEqual([c('nested'), c('if'), c('loci'), 'a=1']);
    expect(inner).toContainEqual([c('loci'), 'a=1']);
    expect(inner).not.toContainEqual([c('if'), 'a=1']);
  });
});

describe('per-directory CO rules: what the pattern sees', () => {
  it('<Directory>: the path below the directory; a pattern that does not match every path is a condition', () => {
    const m = modelOf(vhost('<Directory /var/www/html/app>', '    RewriteEngine On', '    RewriteRule ^ - [CO=all:1:example.com]', '    RewriteRule ^x\\.php$ - [CO=some:1:example.com]', '</Directory>'));
    const e = endpoint(m, '› <Directory /var/www/html/app>');
    expect(cookieOps(e)).toEqual(['all', 'some?']);
    const some = e.pipeline.find((op) => op.label.includes('some'))!;
    expect(some.condition?.text).toBe("the path mod_rewrite's per-directory rules see matches ^x\\.php$");
  });

  it('a proxied request: `proxy:` and the backend URL, from a plain ProxyPass', () => {
    const m = modelOf(
      vhost(
        PROXY,
        'RewriteEngine On',
        '<Location /h/>',
        '    RewriteRule !^proxy:http:// - [CO=never:1:example.com]',
        '    RewriteRule ^/h/ - [CO=uri:1:example.com]',
        '    RewriteRule ^proxy:http://127\\.0\\.0\\.1:8080/ - [CO=always:1:example.com]',
        '    RewriteRule ^proxy:http://127.0.0.1:8080/app - [CO=some:1:example.com]',
        '</Location>',
      ),
    );
    // Every request ProxyPass /h/ routes is `proxy:http://127.0.0.1:8080/...`: the URL path never matches.
    expect(cookieOps(endpoint(m, '› <Location /h/>'))).toEqual(['always', 'some?']);
    // Once a rule rewrites it, the next ones see the new path (2.4.71: `/index.html`).
    const rewritten = modelOf(vhost(PROXY, 'RewriteEngine On', '<Location /h/>', '    RewriteRule ^ /index.html [CO=first:1:example.com]', '    RewriteRule ^/index - [CO=then:1:example.com]', '</Location>'));
    expect(cookieOps(endpoint(rewritten, '› <Location /h/>'))).toEqual(['first', 'then?']);
  });

  it('F, G, or R with a substitution: httpd answers with its own page, the backend is not asked', () => {
    const m = modelOf(
      vhost(
        PROXY,
        '<Location /h/>',
        '    RewriteEngine On',
        '    RewriteRule ^ - [CO=XSRF-TOKEN:f:example.com:0:/:secure:httponly]',
        '    RewriteRule ^ - [F]',
        '    Header always add Set-Cookie "added=1"',
        '    Header always edit Set-Cookie ^(XSRF.*)$ "$1; Always"',
        '    Header edit Set-Cookie ^(XSRF.*)$ "$1; OnSuccess"',
        '</Location>',
        '<Location /h/r/>',
        '    RewriteEngine On',
        '    RewriteRule ^ /elsewhere [CO=r:1:example.com,R=302]',
        '    RewriteRule ^ - [CO=dash:1:example.com,R]',
        '</Location>',
      ),
      { apacheModules: ['headers_module', 'proxy_module', 'proxy_http_module', 'rewrite_module'] },
    );
    // 2.4.71: "added=1", then the cookie, unedited; no backend line.
    expect(run(endpoint(m, '› <Location /h/>'), 'http', ['a=1'])).toEqual(['added=1', 'XSRF-TOKEN=f; path=/; domain=example.com; secure; HttpOnly']);
    // R with `-` does not redirect; the rules after an R go on (<Location /h/>'s Header applies here too).
    expect(outcomes(endpoint(m, '› <Location /h/r/>'))).toContainEqual(['added=1', 'r=1; path=/; domain=example.com', 'dash=1; path=/; domain=example.com']);
    expect(outcomes(endpoint(m, '› <Location /h/r/>')).every((o) => !o.includes('a=1'))).toBe(true);
  });

  it('rules after one that may stop or rewrite are conditional', () => {
    const m = modelOf(vhost(PROXY, 'RewriteEngine On', '<Location /h/>', '    RewriteRule ^ - [CO=first:1:example.com,L]', '    RewriteRule ^ - [CO=never:1:example.com]', '</Location>', '<Location /h/x/>', '    RewriteRule a$ - [CO=a:1:example.com,F]', '    RewriteRule ^ /other [CO=b:1:example.com]', '    RewriteRule ^ - [CO=c:1:example.com]', '</Location>'));
    expect(cookieOps(endpoint(m, '› <Location /h/>'))).toEqual(['first']);
    expect(cookieOps(endpoint(m, '› <Location /h/x/>'))).toEqual(['a?', 'b?', 'c?']);
  });
});

describe('per-directory CO rules through xsrf-cookie-httponly', () => {
  function messages(text: string): string[] {
    const file = '/etc/apache2/sites-enabled/site.conf';
    const io = memoryIO({ [file]: text });
    const built = apacheDialect.build(file, io, OPTIONS);
    expect(built.model.problems).toEqual([]);
    return lintModel(built, apacheDialect, io, { rules: RULES, catalog: createCatalog(), options: OPTIONS, wantFixes: false })
      .filter((m) => m.ruleId === 'xsrf-cookie-httponly')
      .map((m) => m.message);
  }

  it('reports a CSRF cookie a <Location> issues with HttpOnly, on a proxied scope and on a static one', () => {
    const rule = ['    RewriteEngine On', '    RewriteRule ^ - [CO=XSRF-TOKEN:abc:.example.com:0:/:secure:httponly]'];
    expect(messages(vhost(PROXY, '<Location /h/>', ...rule, '</Location>'))).toEqual([expect.stringMatching(/^RewriteRule sets XSRF-TOKEN .*with HttpOnly/)]);
    // A static directory's responses carry the cookie too.
    expect(messages(vhost(PROXY, '<Directory /var/www/html/static>', ...rule, '</Directory>'))).toEqual([expect.stringMatching(/^RewriteRule sets XSRF-TOKEN .*with HttpOnly/)]);
  });

  it('stays silent when the engine is off or the httponly field is 0', () => {
    expect(messages(vhost(PROXY, '<Location /h/>', '    RewriteRule ^ - [CO=XSRF-TOKEN:abc:.example.com:0:/:secure:httponly]', '</Location>'))).toEqual([]);
    expect(messages(vhost(PROXY, '<Location /h/>', '    RewriteEngine On', '    RewriteRule ^ - [CO=XSRF-TOKEN:abc:.example.com:0:/:secure:0]', '</Location>'))).toEqual([]);
  });
});
