/**
 * What a frontend's routing says about each scope's requests (src/dialects/haproxy/route-facts.ts):
 * a test of a variable holding the path is decided by the `use_backend` rule that took the
 * request, so a rule written for Jira's paths says nothing about the default backend's
 * application. test/haproxy/real-cases.ts serves the same kind of configuration through HAProxy.
 */
import { describe, expect, it } from 'vitest';
import { RULES } from '../../rules/index.js';
import { createCatalog } from '../../src/cookies/catalog.js';
import { DEFAULT_NGINX_VERSION } from '../../src/dialects/dialect.js';
import { buildHaproxyModel, haproxyDialect } from '../../src/dialects/haproxy/index.js';
import { routeKnowledge } from '../../src/dialects/haproxy/route-facts.js';
import { lintProject } from '../../src/engine/project.js';
import { fixProject } from '../../src/engine/fix.js';
import { opOfKind } from '../../src/model/ops/index.js';
import { memoryIO } from '../harness/memory-io.js';

const PATH = '/etc/haproxy/haproxy.cfg';
const ALL_SEVEN = '^(?!(?:atl\\.xsrf\\.token|atl\\.xsrf\\.token\\.slash|atlassian\\.xsrf\\.token|XSRF-TOKEN|csrftoken|sc|NX-ANTI-CSRF-TOKEN)=)(.*)$';

/** Jira under /jira, an unknown application by default; Jira's rule spares its token, the other one is a blanket rule. */
function config(options: { readonly setter?: string; readonly before?: string; readonly appRule?: string } = {}): string {
  return [
    'defaults',
    '    mode http',
    '',
    'frontend fe',
    '    bind 127.0.0.1:8080',
    ...(options.before ? [`    ${options.before}`] : []),
    `    ${options.setter ?? 'http-request set-var(txn.p) path'}`,
    '    use_backend jira if { path_beg /jira }',
    '    default_backend app',
    '    http-response replace-header Set-Cookie ^(?!atlassian\\.xsrf\\.token=)(.*)$ "\\1; HttpOnly" if { var(txn.p) -m beg /jira }',
    `    http-response replace-header Set-Cookie ${options.appRule ?? '(.*)'} "\\1; HttpOnly" unless { var(txn.p) -m beg /jira }`,
    '',
    'backend jira',
    '    server j1 127.0.0.1:9001',
    '',
    'backend app',
    '    server a1 127.0.0.1:9002',
    '',
  ].join('\n');
}

const settings = (wantFixes: boolean) => ({ rules: RULES, catalog: createCatalog(), options: { nginxVersion: DEFAULT_NGINX_VERSION }, wantFixes });

function xsrf(text: string) {
  const io = memoryIO({ [PATH]: text });
  return lintProject([{ path: PATH, dialect: 'haproxy' }], io, () => haproxyDialect, settings(false))
    .results.flatMap((r) => r.messages)
    .filter((m) => m.ruleId === 'xsrf-cookie-httponly');
}

function factsOf(text: string): Record<string, boolean[]> {
  const io = memoryIO({ [PATH]: text });
  const model = buildHaproxyModel(PATH, io, { nginxVersion: DEFAULT_NGINX_VERSION });
  return Object.fromEntries(model.endpoints.map((e) => [e.label, e.pipeline.flatMap((op) => (opOfKind(op, 'request-facts') ? op.facts.map((f) => f.holds) : []))]));
}

describe('routing decides the tests of a variable holding the path', () => {
  it("the default backend's blanket rule is judged for every CSRF cookie, not for Jira's alone", () => {
    // Before: "adds HttpOnly to atlassian.xsrf.token (Jira), which its exclusion misses for
    // requests where ... does not hold", and --fix excluded Jira's token only, leaving the
    // unknown application's XSRF-TOKEN (and the rest) HttpOnly.
    const [m, ...rest] = xsrf(config());
    expect(rest).toEqual([]);
    expect(m!.message).toBe('http-response replace-header adds HttpOnly to all 7 known CSRF cookies (XSRF-TOKEN, csrftoken, …): scripts cannot read the token, so forms fail.');
    // One test, read by both rules (`if` and `unless`): it holds on every request of Jira's scope and on none of the default's.
    expect(factsOf(config())).toEqual({ 'frontend fe › backend jira': [true], 'frontend fe › backend app': [false] });
  });

  it('so --fix spares every CSRF cookie in the default scope, and the fixed file is silent', () => {
    const text = config();
    const out = fixProject([{ path: PATH, dialect: 'haproxy' }], memoryIO({ [PATH]: text }), () => haproxyDialect, settings(true));
    const fixed = out.fixed.get(PATH)!.text;
    expect(fixed).toBe(config({ appRule: ALL_SEVEN.replace(/\$$/, '') }));
    expect(xsrf(fixed)).toEqual([]);
  });

  it('a response rule whose named ACL has several lines is decided when every line is, or one is', () => {
    const text = config()
      .replace('    use_backend jira if { path_beg /jira }', '    acl atl_path var(txn.p) -m beg /jira\n    acl atl_path var(txn.p) -m beg /servicedesk\n    use_backend jira if { path_beg /jira /servicedesk }')
      .replaceAll('{ var(txn.p) -m beg /jira }', 'atl_path');
    expect(factsOf(text)).toEqual({ 'frontend fe › backend jira': [true], 'frontend fe › backend app': [false] });
    expect(xsrf(text).map((m) => m.message)).toEqual(['http-response replace-header adds HttpOnly to all 7 known CSRF cookies (XSRF-TOKEN, csrftoken, …): scripts cannot read the token, so forms fail.']);
  });

  it('nothing is decided when the variable may not hold the path', () => {
    for (const changed of [
      { setter: 'http-request set-var(txn.p) path if { src 10.0.0.0/8 }' },
      { setter: 'http-request set-var(txn.p) path,lower' },
      { setter: 'http-request set-var(txn.p) path', before: 'http-request allow if { src 10.0.0.0/8 }' },
      { setter: 'http-request set-var(txn.p) path', before: 'http-request set-path /jira%[path]' },
      { setter: 'http-request set-var(req.p) path' },
    ]) {
      expect(Object.values(factsOf(config(changed))).flat(), JSON.stringify(changed)).toEqual([]);
    }
  });
});

describe('routeKnowledge', () => {
  const acls = new Map([['is_jira', [{ words: ['path_beg', '/jira'] }]]]);
  const route = (backend: string, ...condition: string[]) => (condition.length > 0 ? { backend, condition } : { backend });

  it('the rules before the first one to a backend were not taken, and that one was when nothing else leads there', () => {
    const routes = [route('jira', 'if', 'is_jira'), route('conf', 'if', '{', 'path_beg', '/conf', '/wiki', '}'), route('api', 'unless', '{', 'path', '-m', 'beg', '/app', '}')];
    expect(routeKnowledge(routes, acls, 'jira', false)).toEqual({ begins: [['/jira']], excluded: [] });
    expect(routeKnowledge(routes, acls, 'conf', false)).toEqual({ begins: [['/conf', '/wiki']], excluded: ['/jira'] });
    expect(routeKnowledge(routes, acls, 'api', false)).toEqual({ begins: [], excluded: ['/jira', '/conf', '/wiki', '/app'] });
    expect(routeKnowledge(routes, acls, 'app', true)).toEqual({ begins: [['/app']], excluded: ['/jira', '/conf', '/wiki'] });
  });

  it('a backend also reached another way keeps only what every way shares', () => {
    const routes = [route('jira', 'if', 'is_jira'), route('app', 'if', '{', 'path_beg', '/app', '}'), route('jira', 'if', '{', 'path_beg', '/j', '}')];
    expect(routeKnowledge(routes, acls, 'jira', false)).toBeUndefined();
    expect(routeKnowledge(routes, acls, 'app', true)).toEqual({ begins: [], excluded: ['/jira'] });
  });

  it('a named ACL of several lines takes the prefixes of every line', () => {
    const several = new Map([['is_atl', [{ words: ['path_beg', '/jira'] }, { words: ['path', '-m', 'beg', '/wiki'] }]], ['mixed', [{ words: ['path_beg', '/jira'] }, { words: ['hdr(host)', 'x'] }]]]);
    expect(routeKnowledge([route('atl', 'if', 'is_atl')], several, 'atl', false)).toEqual({ begins: [['/jira', '/wiki']], excluded: [] });
    expect(routeKnowledge([route('atl', 'if', 'is_atl')], several, 'app', true)).toEqual({ begins: [], excluded: ['/jira', '/wiki'] });
    // A line that tests something else: the rule says nothing of the path.
    expect(routeKnowledge([route('atl', 'if', 'mixed')], several, 'app', true)).toBeUndefined();
  });

  it('nothing past a rule without a condition, or with a backend named from a sample, or a test with flags', () => {
    expect(routeKnowledge([route('x'), route('jira', 'if', 'is_jira')], acls, 'jira', false)).toBeUndefined();
    expect(routeKnowledge([route('be_%[req.hdr(host)]'), route('jira', 'if', 'is_jira')], acls, 'jira', false)).toBeUndefined();
    expect(routeKnowledge([route('jira', 'if', '{', 'path_beg', '-i', '/jira', '}')], acls, 'jira', false)).toBeUndefined();
  });
});
