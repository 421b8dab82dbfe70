/**
 * Request-path tests a scope decides: in `<Location /app/>`, `<If "%{REQUEST_URI} =~ m#^/app/#">`
 * holds for every request and its `<Else>` never runs, so a blanket rule there is no finding; a
 * test that depends on the path (`m#\.js$#`) still explores both branches. real-server-conditions
 * checks what httpd sends for such sections.
 */
import { describe, expect, it } from 'vitest';
import { RULES } from '../../rules/index.js';
import { createCatalog } from '../../src/cookies/catalog.js';
import { apacheDialect } from '../../src/dialects/apache/index.js';
import { DEFAULT_NGINX_VERSION } from '../../src/dialects/dialect.js';
import { lintProject } from '../../src/engine/project.js';
import { testUnderPrefix } from '../../src/model/requests.js';
import { memoryIO } from '../harness/memory-io.js';

describe('testUnderPrefix', () => {
  const t = (source: string, prefix: string, negated = false) => testUnderPrefix({ source, negated }, prefix);
  it('matches every path under the prefix: an anchored literal start the prefix has, then nothing or .*', () => {
    for (const source of ['^/app/', '^/app', '^/ap', '^/app/.*', '^/app/(.*)$', '^\\/app\\/', '/app/', 'pp/']) expect([source, t(source, '/app/')]).toEqual([source, true]);
    expect(t('^/app/', '/app/', true)).toBe(false);
  });
  it('matches no path under the prefix: an anchored literal start it cannot have', () => {
    for (const source of ['^/static/', '^/App/', '^/apps', '^/b/.*\\.js$']) expect([source, t(source, '/app/')]).toEqual([source, false]);
    expect(t('^/static/', '/app/', true)).toBe(true);
  });
  it('matches every path under the prefix: any other pattern the prefix itself matches, when nothing in it looks past its match', () => {
    for (const source of ['^/(app|b)/', '^/app/|^/b/', '(?i)^/APP/', '^/apps?/', '^/apps?', '^/[a-z]+/', '/(?:app|api)/', '^/(?<name>app)/', '^/ap+p/']) {
      expect([source, t(source, '/app/')]).toEqual([source, true]);
    }
  });
  it('leaves the rest undecided: the path decides, or what follows the prefix could change the match', () => {
    // `$`, `\b` and a lookahead read what follows the match; `a++` and `(?>...)` may match
    // otherwise once the path goes on (`^/app/a++/` matches /app/a/ but not /app/aa).
    for (const source of ['\\.js$', '^/app/x', '^/app/.*\\.js$', 'app/x', '^/app/$', '^/app/\\b', '^/app(?=/)', '^/app(?!x)', '^/(?>app)/', '^/ap++']) {
      expect([source, t(source, '/app/')]).toEqual([source, undefined]);
    }
    // A quantified last character is not part of the literal start: /bs?/ is not /app/'s.
    expect(t('^/bs?/', '/app/')).toBe(false);
  });
});

function xsrfMessages(text: string): { line: number; message: string; scopes: string[] }[] {
  const path = '/etc/apache2/sites-enabled/site.conf';
  const settings = { rules: RULES, catalog: createCatalog(), options: { nginxVersion: DEFAULT_NGINX_VERSION }, wantFixes: false };
  const results = lintProject([{ path, dialect: 'apache' }], memoryIO({ [path]: text }), () => apacheDialect, settings).results;
  return results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'xsrf-cookie-httponly').map((m) => ({ line: text.slice(0, m.span.start).split('\n').length, message: m.message, scopes: ((m.data?.scopes ?? []) as { scope: string }[]).map((x) => x.scope) })));
}

function xsrfLines(text: string): number[] {
  return xsrfMessages(text).map((m) => m.line);
}

const EXCLUDING = 'Header edit Set-Cookie "^((?!atlassian\\.xsrf\\.token=|XSRF-TOKEN=|csrftoken=|sc=|NX-ANTI-CSRF-TOKEN=|atl\\.xsrf\\.token).*)$" "$1; HttpOnly"';
const BLANKET = 'Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"';
/** The exclusion under `<If>` a path test, the blanket rule in its `<Else>` (line 8 of each site below). */
const ifElse = (test: string, pad: string) => [`${pad}<If "%{REQUEST_URI} =~ ${test}">`, `${pad}    ${EXCLUDING}`, `${pad}</If>`, `${pad}<Else>`, `${pad}    ${BLANKET}`, `${pad}</Else>`];

const site = (test: string, location = '/app/') =>
  ['<VirtualHost *:80>', '    ProxyPass / http://127.0.0.1:8080/', `    <Location ${location}>`, ...ifElse(test, '        '), '    </Location>', '</VirtualHost>', ''].join('\n');

describe('an <Else> no request a ProxyPass routes runs', () => {
  const vhost = (test: string) => ['<VirtualHost *:80>', '    ProxyPass /jira http://127.0.0.1:8080/jira', '    ProxyPass / http://127.0.0.1:9000/', ...ifElse(test, '    '), '</VirtualHost>', ''].join('\n');
  it('the /jira scope takes the <If>; the rest of the site still reports the <Else>', () => {
    // Reported for the requests ProxyPass / routes, not for the scope of ProxyPass /jira.
    const messages = xsrfMessages(vhost('m#^/jira#'));
    expect(messages.map((m) => [m.line, m.scopes])).toEqual([[8, ['<VirtualHost *:80>']]]);
    // A test the path decides keeps both scopes.
    expect(xsrfMessages(vhost('m#\\.js$#')).map((m) => [m.line, m.scopes])).toEqual([[8, ['<VirtualHost *:80>', '<VirtualHost *:80> › ProxyPass /jira']]]);
  });
});

describe('an <Else> no request of the <Location> runs', () => {
  it('is not reported when the <If> tests what every path there starts with', () => {
    expect(xsrfLines(site('m#^/app/#'))).toEqual([]);
    expect(xsrfLines(site('m#^/app/.*$#'))).toEqual([]);
    expect(xsrfLines(site('m#^/(app|api)/#'))).toEqual([]);
    expect(xsrfLines(site('m#^/[a-z]+/#'))).toEqual([]);
  });
  it('is reported when the path decides (both branches), or when the <If> can never hold there', () => {
    expect(xsrfLines(site('m#\\.js$#'))).toEqual([8]);
    expect(xsrfLines(site('m#^/static/#'))).toEqual([8]);
    // Outside the <Location>: the server's other paths take the <Else>... of no section; same verdict as before.
    expect(xsrfLines(site('m#^/app/#', '/other/'))).toEqual([8]);
  });
});
