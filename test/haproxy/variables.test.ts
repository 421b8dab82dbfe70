/**
 * `%[var(NAME)]` in a header value: a variable no rule sets prints nothing; the `set-var`,
 * `set-var-fmt` and `unset-var` rules of the request's way through HAProxy are ops of the
 * pipeline, so every way they can leave the variable (a condition that holds or not, the last
 * rule that runs, a rule of the response) is an outcome of the simulation. The differential test
 * (test/differential/haproxy.test.ts) and test/haproxy/variables-real.test.ts check them against
 * HAProxy 2.6.
 */
import { describe, expect, it } from 'vitest';
import { RULES } from '../../rules/index.js';
import { createCatalog } from '../../src/cookies/catalog.js';
import { DEFAULT_NGINX_VERSION } from '../../src/dialects/dialect.js';
import { buildHaproxyModel, haproxyDialect } from '../../src/dialects/haproxy/index.js';
import { lintProject } from '../../src/engine/project.js';
import type { HeaderRewriteModel, SimRequest } from '../../src/model/header-rewrite.js';
import { branchesOf, simulate } from '../../src/model/simulate.js';
import { createNodeIO } from '../../src/run/node-io.js';
import { createSourceFile } from '../../src/source.js';
import { memoryIO } from '../harness/memory-io.js';

const io = createNodeIO(process.cwd());

function modelOf(text: string): HeaderRewriteModel {
  const path = '/lpc-unit/haproxy.cfg';
  const source = createSourceFile(path, text);
  const model = buildHaproxyModel(path, { ...io, read: (p: string) => (p === path ? source : io.read(p)) }, { nginxVersion: DEFAULT_NGINX_VERSION });
  expect(model.problems).toEqual([]);
  return model;
}

const config = (frontend: string, backend = '') => `defaults\n    mode http\n\nfrontend fe\n    bind :80\n${frontend}\n    default_backend be\n\nbackend be\n    server s1 127.0.0.1:8080\n${backend}\n`;

/** Every outcome for the response (backend cookies `cookies`, status `status`): the lines, and the request tests it assumed. */
function outcomes(frontend: string, options: { backend?: string; request?: SimRequest; cookies?: string[]; status?: number } = {}): { lines: string[]; when: string[] }[] {
  const model = modelOf(config(frontend, options.backend));
  const result = simulate('haproxy', model.endpoints[0]!.pipeline, { backend: 'http', status: options.status ?? 200, ...(options.request ? { request: options.request } : {}) }, options.cookies ?? []);
  return branchesOf(result).map((b) => ({ lines: b.lines.map((l) => l.value), when: b.assumptions.map((a) => `${a.holds ? '' : '!'}${a.literal.text}`) }));
}

/** The first outcome's lines (the only one when nothing is conditional). */
const sent = (frontend: string, request?: SimRequest): string[] => outcomes(frontend, request ? { request } : {})[0]!.lines;

const header = '    http-response add-header Set-Cookie "a=%[var(txn.a)]; b=%[var(txn.b)]"';

it('a variable no rule sets prints nothing', () => {
  expect(sent(header)).toEqual(['a=; b=']);
});

it('a variable set from the request reads the request simulated, and keeps its text without one', () => {
  const setter = `    http-request set-var(txn.a) url_param(a)\n    http-request set-var(txn.b) req.hdr(x-b)\n${header}`;
  expect(sent(setter, { target: '/x?z=1&a=7&a=8', headers: { 'x-b': 'one, two' } })).toEqual(['a=7; b=two']);
  expect(sent(setter, { target: '/x', headers: {} })).toEqual(['a=; b=']);
  expect(sent(setter)).toEqual(['a=%[var(txn.a)]; b=%[var(txn.b)]']);
});

it('a variable set under a condition has its value where the condition holds and none elsewhere; of several rules the last that runs wins', () => {
  const request = { target: '/x?a=7', headers: {} };
  expect(outcomes(`    http-request set-var(txn.a) url_param(a) if { path_beg /x }\n${header}`, { request })).toEqual([
    { lines: ['a=7; b='], when: ['{ path_beg /x }'] },
    { lines: ['a=; b='], when: ['!{ path_beg /x }'] },
  ]);
  expect(sent(`    http-request set-var(txn.a) url_param(a)\n    http-request set-var(txn.a) str(z)\n${header}`, request)).toEqual(['a=z; b=']);
});

it('a variable set to a constant (str(), set-var-fmt with plain text) has that value on every request, spaces kept (HAProxy 2.6.12)', () => {
  const flags = `    http-request set-var(txn.a) str("  ; HttpOnly  ")\n    http-request set-var-fmt(txn.b) "; Secure"\n${header}`;
  expect(sent(flags)).toEqual(['a=  ; HttpOnly  ; b=; Secure']);
  expect(sent(flags, { target: '/x', headers: {} })).toEqual(['a=  ; HttpOnly  ; b=; Secure']);
  // A converter, or a format with a tag, is not a constant: the text stays.
  expect(sent(`    http-request set-var(txn.a) str(x),lower\n    http-request set-var-fmt(txn.b) "%[path]"\n${header}`)).toEqual(['a=%[var(txn.a)]; b=%[var(txn.b)]']);
});

const append = '    http-response replace-header Set-Cookie (.*) "\\1%[var(txn.flags)]"';
const COOKIE = ['XSRF-TOKEN=x1; Path=/'];

describe('the set-var rules of the way a request takes', () => {
  it('a conditional setter: its value on the requests where the condition holds, nothing on the others', () => {
    expect(outcomes('    http-request set-var(txn.flags) str("; HttpOnly") if { path_beg /app }', { backend: append, cookies: COOKIE })).toEqual([
      { lines: ['XSRF-TOKEN=x1; Path=/; HttpOnly'], when: ['{ path_beg /app }'] },
      { lines: ['XSRF-TOKEN=x1; Path=/'], when: ['!{ path_beg /app }'] },
    ]);
    // unless: the other way round.
    expect(outcomes('    http-request set-var(txn.flags) str("; HttpOnly") unless { path_beg /app }', { backend: append, cookies: COOKIE }).map((o) => o.lines[0])).toEqual(['XSRF-TOKEN=x1; Path=/; HttpOnly', 'XSRF-TOKEN=x1; Path=/']);
  });

  it('two setters: the last one that runs wins', () => {
    const rules = ['    http-request set-var(txn.flags) str("; Secure")', '    http-request set-var(txn.flags) str("; HttpOnly") if { path_beg /app }'].join('\n');
    expect(outcomes(rules, { backend: append, cookies: COOKIE })).toEqual([
      { lines: ['XSRF-TOKEN=x1; Path=/; HttpOnly'], when: ['{ path_beg /app }'] },
      { lines: ['XSRF-TOKEN=x1; Path=/; Secure'], when: ['!{ path_beg /app }'] },
    ]);
    // The unconditional one last: every request has its value.
    const reversed = ['    http-request set-var(txn.flags) str("; HttpOnly") if { path_beg /app }', '    http-request set-var-fmt(txn.flags) "; Secure"'].join('\n');
    expect(outcomes(reversed, { backend: append, cookies: COOKIE }).map((o) => o.lines)).toEqual([['XSRF-TOKEN=x1; Path=/; Secure']]);
  });

  it('unset-var after set-var: nothing where it runs', () => {
    const rules = ['    http-request set-var(txn.flags) str("; HttpOnly")', '    http-request unset-var(txn.flags) if { path_beg /public }'].join('\n');
    expect(outcomes(rules, { backend: append, cookies: COOKIE })).toEqual([
      { lines: ['XSRF-TOKEN=x1; Path=/'], when: ['{ path_beg /public }'] },
      { lines: ['XSRF-TOKEN=x1; Path=/; HttpOnly'], when: ['!{ path_beg /public }'] },
    ]);
  });

  it('set-var in http-response: before the rule that reads it, on the responses its condition takes; after it, no effect', () => {
    const before = ['    http-response set-var(txn.flags) str("; HttpOnly") if { status 200 }', append].join('\n');
    expect(outcomes('', { backend: before, cookies: COOKIE }).map((o) => o.lines)).toEqual([['XSRF-TOKEN=x1; Path=/; HttpOnly']]);
    expect(outcomes('', { backend: before, cookies: COOKIE, status: 404 }).map((o) => o.lines)).toEqual([['XSRF-TOKEN=x1; Path=/']]);
    const after = [append, '    http-response set-var(txn.flags) str("; HttpOnly")'].join('\n');
    expect(outcomes('', { backend: after, cookies: COOKIE }).map((o) => o.lines)).toEqual([['XSRF-TOKEN=x1; Path=/']]);
    // The backend's http-response rules run before the frontend's: its setter overrides the frontend's http-request one.
    const front = `    http-request set-var(txn.flags) str("; Secure")\n${append.replace('http-response', 'http-response')}`;
    expect(outcomes(front, { backend: '    http-response set-var(txn.flags) str("; HttpOnly") if { ssl_fc }', cookies: COOKIE }).map((o) => o.lines[0])).toEqual(['XSRF-TOKEN=x1; Path=/; HttpOnly', 'XSRF-TOKEN=x1; Path=/; Secure']);
    // A response fetch is computed on the lines as they are when the rule runs.
    expect(outcomes('', { backend: ['    http-response set-var(txn.flags) res.hdr(set-cookie)', '    http-response add-header Set-Cookie "copy=%[var(txn.flags)]"'].join('\n'), cookies: COOKIE }).map((o) => o.lines)).toEqual([['XSRF-TOKEN=x1; Path=/', 'copy=XSRF-TOKEN=x1; Path=/']]);
  });

  it('a fetch that finds nothing leaves the variable as it was; set-var-fmt and var() copy values', () => {
    const rules = ['    http-request set-var(txn.a) str(old)', '    http-request set-var(txn.a) url_param(a)', '    http-request set-var-fmt(txn.b) "<%[var(txn.a)]>"', header].join('\n');
    expect(sent(rules, { target: '/x', headers: {} })).toEqual(['a=old; b=<old>']);
    expect(sent(rules, { target: '/x?a=new', headers: {} })).toEqual(['a=new; b=<new>']);
    // Without a request the fetch is unknown: the text stays, in what copies it too.
    expect(sent(rules)).toEqual(['a=%[var(txn.a)]; b=%[var(txn.b)]']);
  });

  it('a req. variable is gone in the response, a res. one set in the request is not there (HAProxy 2.6.12)', () => {
    const rules = ['    http-request set-var(req.a) str(R)', '    http-request set-var(res.a) str(S)', '    http-response add-header Set-Cookie "r=%[var(req.a)]; s=%[var(res.a)]"'].join('\n');
    expect(sent(rules)).toEqual(['r=; s=']);
  });

  it('an answer before the setter keeps it from running; a setter of another frontend is not on the way', () => {
    const rules = ['    http-request deny if { path_beg /deny }', '    http-request set-var(txn.flags) str("; HttpOnly")', '    http-after-response add-header Set-Cookie "after=1%[var(txn.flags)]"'].join('\n');
    expect(outcomes(rules).map((o) => o.lines)).toEqual([['after=1'], ['after=1; HttpOnly']]);
    const other = `${config('', append)}\nfrontend other\n    bind :81\n    http-request set-var(txn.flags) str("; HttpOnly")\n    default_backend be\n`;
    const model = modelOf(other);
    const fe = model.endpoints.find((e) => e.label === 'frontend fe › backend be')!;
    expect(branchesOf(simulate('haproxy', fe.pipeline, { backend: 'http', status: 200 }, COOKIE)).map((b) => b.lines.map((l) => l.value))).toEqual([COOKIE]);
  });

  it('what the linter cannot compute keeps its text: a converter, a tag, a variable another kind of rule sets', () => {
    expect(sent(['    http-request set-var(txn.a) str(x),upper if { path_beg /x }', '    http-request set-var-fmt(txn.b) "%ci" if { path_beg /x }', header].join('\n'))).toEqual(['a=%[var(txn.a)]; b=%[var(txn.b)]']);
    expect(sent(['    tcp-request content set-var(txn.a) str(x)', '    http-request set-var(txn.a) str(y) if { path_beg /x }', header].join('\n'))).toEqual(['a=%[var(txn.a)]; b=']);
  });
});

describe('xsrf-cookie-httponly on variables', () => {
  const lint = (text: string) => {
    const path = '/etc/haproxy/haproxy.cfg';
    const settings = { rules: RULES, catalog: createCatalog(), options: { nginxVersion: DEFAULT_NGINX_VERSION }, wantFixes: false };
    return lintProject([{ path, dialect: 'haproxy' }], memoryIO({ [path]: text }), () => haproxyDialect, settings)
      .results.flatMap((r) => r.messages)
      .filter((m) => m.ruleId === 'xsrf-cookie-httponly');
  };
  const proxy = (setter: string, rule = "  http-response replace-header Set-Cookie (.*) '\\1%[var(txn.flags)]'") =>
    ['frontend fe', '  bind 127.0.0.1:8443', setter, '  default_backend be', 'backend be', '  server s1 127.0.0.1:8080', rule, ''].join('\n');

  it('`if X`, `unless !X` and a named ACL of X are one test of the request: an undo under the one always follows the flag under the other', () => {
    // Response rules test the request through a variable (HAProxy has no path in the response).
    const rules = (undo: string) =>
      [
        'frontend fe',
        '  bind 127.0.0.1:8443',
        '  http-request set-var(txn.p) path',
        '  default_backend be',
        'backend be',
        '  acl is_app var(txn.p) -m beg /app',
        '  server s1 127.0.0.1:8080',
        "  http-response replace-header Set-Cookie (.*) '\\1; HttpOnly' if { var(txn.p) -m beg /app }",
        `  http-response replace-header Set-Cookie '^(atlassian[.]xsrf[.]token=.*); HttpOnly$' '\\1' ${undo}`,
        '',
      ].join('\n');
    // Jira's token (the backend's port, the undo names it) stays readable on every request.
    expect(lint(rules('unless !{ var(txn.p) -m beg /app }'))).toEqual([]);
    expect(lint(rules('if { var(txn.p) -m beg /app }'))).toEqual([]);
    // A named ACL of one line is its test written inline.
    expect(lint(rules('unless !is_app'))).toEqual([]);
    // An undo under another test leaves the requests where only the flag runs.
    expect(lint(rules('if { var(txn.p) -m beg /app/x }')).map((m) => m.message)).toEqual([expect.stringContaining('adds HttpOnly to atlassian.xsrf.token (Jira) and 6 others for requests where')]);
  });

  it('reports the rule once when a conditional setter gives the flag to some requests', () => {
    const text = proxy('  http-request set-var(txn.flags) str("; HttpOnly") if { path_beg /app }');
    const found = lint(text);
    // On the rule's pattern, as an error.
    expect(found.map((m) => [text.slice(m.span.start, m.span.end), m.severity])).toEqual([['(.*)', 2]]);
    expect(found[0]!.message).toContain('{ path_beg /app } holds');
    expect(lint(proxy(['  http-request set-var(txn.flags) str("; Secure")', '  http-request set-var(txn.flags) str("; HttpOnly") if { path_beg /app }'].join('\n')))).toHaveLength(1);
  });

  it('is silent when no value carries HttpOnly, or the rule leaves the CSRF cookies alone', () => {
    expect(lint(proxy('  http-request set-var(txn.flags) str("; Secure") if { path_beg /app }'))).toEqual([]);
    expect(lint(proxy(['  http-request set-var(txn.flags) str("; HttpOnly")', '  http-request unset-var(txn.flags)'].join('\n')))).toEqual([]);
    const excluding = "  http-response replace-header Set-Cookie '^((?!(?:XSRF-TOKEN|csrftoken|sc|NX-ANTI-CSRF-TOKEN|atlassian\\.xsrf\\.token|atl\\.xsrf\\.token|atl\\.xsrf\\.token\\.slash)=).*)$' '\\1%[var(txn.flags)]'";
    expect(lint(proxy('  http-request set-var(txn.flags) str("; HttpOnly") if { path_beg /app }', excluding))).toEqual([]);
  });
});
