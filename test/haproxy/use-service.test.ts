/**
 * `http-request use-service` (src/dialects/haproxy/use-service.ts): how it is lowered (what it
 * refuses, which rules run on the applet's answer, both outcomes of a condition), what the
 * linter then reports, and the behaviour of HAProxy 2.6 the model stands on, shown with a Lua
 * service that sends cookies of its own (real-cases.ts compares the simulation itself with
 * HAProxy, for services that send none).
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../../rules/index.js';
import { createCatalog } from '../../src/cookies/catalog.js';
import { DEFAULT_NGINX_VERSION } from '../../src/dialects/dialect.js';
import { haproxyDialect } from '../../src/dialects/haproxy/index.js';
import { createServiceOp, servedGate, type ServiceInit } from '../../src/dialects/haproxy/use-service.js';
import { lintModel } from '../../src/engine/lint.js';
import type { HeaderRewriteModel } from '../../src/model/header-rewrite.js';
import { parseCondition } from '../../src/model/ops/haproxy-acl.js';
import { createPersistenceCookieOp, METHOD_POST } from '../../src/model/ops/haproxy-http-response.js';
import { branchesOf, simulate } from '../../src/model/simulate.js';
import { memoryIO } from '../harness/memory-io.js';
import { describeRealServer } from '../helpers/skips.js';
import { startHttpBackend, type RunningBackend } from '../servers/backend.js';
import { checkConfig, haproxyVersion, removeConfigs, runnableConfig, startHaproxy, writeConfig, type RunningHaproxy } from '../servers/haproxy.js';

const OPTIONS = { nginxVersion: DEFAULT_NGINX_VERSION };
const PATH = '/lpc-unit/haproxy.cfg';
const DEFAULTS = 'defaults\n    mode http\n    timeout connect 5s\n    timeout client 5s\n    timeout server 5s\n';
const SERVER = ['JSESSIONID=s1; Path=/', 'XSRF-TOKEN=x1; Path=/'];

function build(text: string): HeaderRewriteModel {
  return haproxyDialect.buildModel(PATH, memoryIO({ [PATH]: text }), OPTIONS);
}

/** Every outcome of the endpoint `label` for the server's cookies: the lines, and whether it assumed a POST (undefined: no assumption). */
function outcomes(model: HeaderRewriteModel, label: string, status = 200): { post?: boolean; lines: string[] }[] {
  const endpoint = model.endpoints.find((e) => e.label === label);
  if (!endpoint) throw new Error(`no endpoint ${label}: ${model.endpoints.map((e) => e.label).join(', ')}`);
  return branchesOf(simulate('haproxy', endpoint.pipeline, { backend: 'http', status }, SERVER)).map((b) => {
    const post = b.assumptions.find((a) => a.literal.key === METHOD_POST)?.holds;
    return { ...(post !== undefined ? { post } : {}), lines: b.lines.map((l) => l.value) };
  });
}

/** A frontend `fe` (its own lines) in front of a backend `be` (its own lines and a server). */
const pair = (front: string, back: string) => `${DEFAULTS}\nfrontend fe\n    bind :80\n${front}\n    default_backend be\n\nbackend be\n${back}\n    server s1 127.0.0.1:8080 cookie s1\n`;

const FRONT_RULES = '    http-response add-header Set-Cookie fe-resp=1\n    http-after-response add-header Set-Cookie fe-after=%[status]';
const BACK_RULES = '    cookie SRV insert\n    http-response replace-header Set-Cookie (.*) "\\1; HttpOnly"\n    http-response add-header Set-Cookie be-resp=1\n    http-after-response add-header Set-Cookie be-after=%[status]';

describe('lowering', () => {
  it('refuses what HAProxy refuses: no name, a name that is no service, words before the condition', () => {
    const problems = (rule: string) => build(`${DEFAULTS}\nlisten l\n    bind :80\n    ${rule}\n    server s1 127.0.0.1:8080\n`).problems.map((p) => [p.kind, p.message]);
    expect(problems('http-request use-service')).toEqual([['refused', "error detected in proxy 'l' while parsing 'http-request use-service' rule : 'use-service' expects a service name."]]);
    expect(problems('http-request use-service foo')).toEqual([['refused', "error detected in proxy 'l' while parsing 'http-request use-service' rule : 'foo' unknown service name."]]);
    expect(problems('http-request use-service prometheus-exporter extra')).toEqual([['refused', "'http-request use-service' expects either 'if' or 'unless' followed by a condition but found 'extra'."]]);
    expect(problems('http-request use-service prometheus-exporter if nothing')[0]![1]).toMatch(/no such ACL : 'nothing'/);
    // The Lua services a lua-load file registers are not read.
    expect(problems('http-request use-service lua.anything if { path /x }')).toEqual([]);
    expect(problems('http-request use-service prometheus-exporter')).toEqual([]);
    const anonymous = build(`${DEFAULTS}    http-request use-service prometheus-exporter\n`);
    expect(anonymous.problems.map((p) => p.message)).toEqual(["'http-request' not allowed in anonymous 'defaults' section."]);
  });

  it("a frontend's service: the server's cookies never exist, only the frontend's response rules run, no persistence cookie", () => {
    const model = build(pair(`    http-request use-service prometheus-exporter\n${FRONT_RULES}`, `    http-request deny\n${BACK_RULES}`));
    // The exporter answers 200 whatever the server would have.
    expect(outcomes(model, 'frontend fe › backend be', 404)).toEqual([{ lines: ['fe-resp=1', 'fe-after=200'] }]);
  });

  it('a conditional service: requests it takes get its answer, the others go to the backend', () => {
    const model = build(pair(`    http-request use-service lua.app if METH_POST\n${FRONT_RULES}`, BACK_RULES));
    expect(outcomes(model, 'frontend fe › backend be')).toEqual([
      { post: true, lines: ['fe-resp=1', 'fe-after=200'] },
      { post: false, lines: ['JSESSIONID=s1; Path=/; HttpOnly', 'XSRF-TOKEN=x1; Path=/; HttpOnly', 'be-resp=1', 'fe-resp=1', 'SRV=s1; path=/', 'be-after=200', 'fe-after=200'] },
    ]);
  });

  it("a backend's service: the backend's then the frontend's rules run on its answer; the cookie directive adds nothing", () => {
    const model = build(pair(FRONT_RULES, `    http-request use-service lua.app\n${BACK_RULES}\n    http-response add-header Set-Cookie "SRV = rule"`));
    expect(outcomes(model, 'frontend fe › backend be')).toEqual([{ lines: ['be-resp=1', 'SRV=rule', 'fe-resp=1', 'be-after=200', 'fe-after=200'] }]);
  });

  it('rules before it decide first: an answer or an allow that is taken keeps it from running', () => {
    const answered = build(pair(`    http-request return status 201 hdr Set-Cookie ret=1 if METH_POST\n    http-request use-service lua.app\n${FRONT_RULES}`, BACK_RULES));
    expect(outcomes(answered, 'frontend fe › backend be')).toEqual([
      { post: true, lines: ['ret=1', 'fe-after=201'] },
      { post: false, lines: ['fe-resp=1', 'fe-after=200'] },
    ]);
    const allowed = build(pair(`    http-request allow if METH_POST\n    http-request use-service lua.app\n${FRONT_RULES}`, '    http-request use-service lua.other if METH_POST\n    http-response add-header Set-Cookie be-resp=1'));
    // A POST passes the frontend's service by, and the backend's answers it.
    expect(outcomes(allowed, 'frontend fe › backend be')).toEqual([
      { post: true, lines: ['be-resp=1', 'fe-resp=1', 'fe-after=200'] },
      { post: false, lines: ['fe-resp=1', 'fe-after=200'] },
    ]);
    // Rules after it never run on the requests it takes.
    const after = build(pair('    http-request use-service lua.app if METH_POST\n    http-request return status 200 hdr Set-Cookie never=1 if METH_POST', ''));
    expect(outcomes(after, 'frontend fe › backend be').map((o) => o.lines)).toEqual([[], SERVER]);
  });

  it('answers in place of the 503 of a backend without a server', () => {
    const model = build(`${DEFAULTS}\nfrontend fe\n    bind :80\n    http-request use-service lua.app if METH_POST\n${FRONT_RULES}\n    default_backend empty\n\nbackend empty\n    http-after-response add-header Set-Cookie be-after=%[status]\n`);
    expect(outcomes(model, 'frontend fe › backend empty')).toEqual([
      { post: true, lines: ['fe-resp=1', 'fe-after=200'] },
      { post: false, lines: ['be-after=503', 'fe-after=503'] },
    ]);
  });
});

describe('signatures', () => {
  it('change with every field that changes what the op does', () => {
    const span = { file: PATH, start: 0, end: 1 };
    const base: ServiceInit = { span, label: 'x', service: 'lua.a', ruleSet: 'r1', placement: 'frontend', stops: ['s1'], condition: null };
    const variants: ServiceInit[] = [
      { ...base, service: 'prometheus-exporter' },
      { ...base, ruleSet: 'r2' },
      { ...base, placement: 'backend' },
      { ...base, stops: ['s1', 's2'] },
      { ...base, condition: { text: 'if METH_POST', value: 'unknown' } },
      { ...base, condition: { text: 'if METH_POST', value: 'unknown' }, parsedCondition: parseCondition(['if', 'METH_POST'], new Map(), true) },
    ];
    const signatures = [base, ...variants].map((i) => createServiceOp(i).signature);
    expect(new Set(signatures).size).toBe(signatures.length);
    const inner = createPersistenceCookieOp({ span, label: 'cookie SRV insert', name: 'SRV', server: 's1', preserve: false, attributes: '; path=/', condition: null, dateStamps: 0 });
    const gates = [inner, servedGate(inner), servedGate(inner, 'frontend'), servedGate(inner, 'backend')].map((o) => o.signature);
    expect(new Set(gates).size).toBe(gates.length);
  });
});

describe('xsrf-cookie-httponly', () => {
  const findings = (text: string) => {
    const io = memoryIO({ [PATH]: text });
    const built = haproxyDialect.build(PATH, io, OPTIONS);
    const messages = lintModel(built, haproxyDialect, io, { rules: RULES, catalog: createCatalog(), options: OPTIONS, wantFixes: false });
    return messages.filter((m) => m.ruleId === 'xsrf-cookie-httponly').map((m) => `${text.slice(0, m.span.start).split('\n').length}: ${m.message}`);
  };
  const behind = (request: string) => `${DEFAULTS}\nfrontend fe\n    bind :80\n${request}\n    default_backend be\n\nbackend be\n    http-response replace-header Set-Cookie (.*) "\\1; HttpOnly"\n    server s1 127.0.0.1:8080\n`;

  it('is silent on backend rules that only requests a frontend service answers would reach', () => {
    expect(findings(behind('    http-request use-service prometheus-exporter'))).toEqual([]);
  });

  it('reports them for the requests a conditional service leaves to the backend, saying which', () => {
    const [f, ...rest] = findings(behind('    http-request use-service prometheus-exporter if { path /metrics }'));
    expect(rest).toEqual([]);
    expect(f).toMatch(/^13: .*for requests where \{ path \/metrics \} does not hold/);
  });
});

const haproxy = haproxyVersion();
const SERVICES = new URL('./services.lua', import.meta.url).pathname;

/** The Set-Cookie lines HAProxy sends for a GET or a POST. */
function setCookies(port: number, method: 'GET' | 'POST'): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', method, agent: false, timeout: 10_000, headers: { 'Content-Length': '0' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.rawHeaders.filter((_h, i, a) => i % 2 === 1 && a[i - 1]!.toLowerCase() === 'set-cookie')));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

describeRealServer(`haproxy ${haproxy.ok ? haproxy.version : ''}: the response rules on an applet's own cookies`, haproxy.ok ? null : haproxy.reason, () => {
  // lua.lpc_cookies sends `XSRF-TOKEN=svc; Path=/` and `SRV = svc; Path=/`.
  const text = `global\n    lua-load ${SERVICES}\n\n${DEFAULTS}
frontend front
    bind 127.0.0.1:8000
    http-request use-service lua.lpc_cookies if METH_POST
    http-response replace-header Set-Cookie ^(XSRF-TOKEN=.*)$ "\\1; FE"
    default_backend be

frontend back
    bind 127.0.0.1:8001
    http-response replace-header Set-Cookie ^(XSRF-TOKEN=.*)$ "\\1; FE"
    default_backend svc

backend be
    cookie SRV insert
    http-response replace-header Set-Cookie ^(XSRF-TOKEN=.*)$ "\\1; BE"
    server s1 127.0.0.1:8080 cookie s1

backend svc
    cookie SRV insert
    http-request use-service lua.lpc_cookies
    http-response replace-header Set-Cookie ^(XSRF-TOKEN=.*)$ "\\1; BE"
    server s1 127.0.0.1:8080 cookie s1
`;
  let backend: RunningBackend;
  let server: RunningHaproxy | undefined;
  let ports: ReadonlyMap<string, number>;

  beforeAll(async () => {
    backend = await startHttpBackend();
    const runnable = await runnableConfig(text, backend.port);
    ports = runnable.ports;
    const path = writeConfig(runnable.text);
    expect(checkConfig(path).ok).toBe(true);
    server = await startHaproxy(path, [...ports.values()]);
  }, 30_000);

  afterAll(async () => {
    await server?.stop();
    await backend?.close();
    removeConfigs();
  });

  it("a frontend's service: the frontend's rules change its cookies, the backend's do not; the cookie directive of the backend does nothing", async () => {
    expect(await setCookies(ports.get('frontend front')!, 'POST')).toEqual(['XSRF-TOKEN=svc; Path=/; FE', 'SRV = svc; Path=/']);
  });

  it("a backend's service: the backend's rules then the frontend's; its cookie directive parses the lines (spaces around = go) but neither drops SRV nor adds its own", async () => {
    expect(await setCookies(ports.get('frontend back')!, 'GET')).toEqual(['XSRF-TOKEN=svc; Path=/; BE; FE', 'SRV=svc; Path=/']);
  });
});
