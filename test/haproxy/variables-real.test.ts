/**
 * `%[var(NAME)]` in a Set-Cookie rule against the real HAProxy: variables set under a condition,
 * by several rules, unset again, or by `http-response` rules. Each case is served by HAProxy in
 * front of the HTTP test backend and requested with paths that do and do not satisfy the
 * setters' conditions; the Set-Cookie lines HAProxy sends must be those of the simulated outcome
 * for that request (the branches whose assumptions the request satisfies), and the simulation
 * must have an outcome for it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_NGINX_VERSION } from '../../src/dialects/dialect.js';
import { buildHaproxyModel } from '../../src/dialects/haproxy/index.js';
import type { HeaderRewriteModel } from '../../src/model/header-rewrite.js';
import { branchesOf, simulate } from '../../src/model/simulate.js';
import { createNodeIO } from '../../src/run/node-io.js';
import { createSourceFile } from '../../src/source.js';
import { describeRealServer } from '../helpers/skips.js';
import { cookieQuery, fetchCookies, freePort, startHttpBackend, type RunningBackend } from '../servers/backend.js';
import { checkConfig, haproxyVersion, removeConfigs, startHaproxy, writeConfig, type RunningHaproxy } from '../servers/haproxy.js';

const COOKIES = ['JSESSIONID=s1; Path=/; Secure; HttpOnly', 'XSRF-TOKEN=x1; Path=/', 'csrftoken=c1'];

const APPEND = `    http-response replace-header Set-Cookie (.*) '\\1%[var(txn.flags)]'`;

interface Request {
  /** Path and extra query (`/app/x`, `/x?f=1`). */
  readonly path: string;
  readonly status?: number;
  /** The truth of each condition (as written) of the setters on this request. */
  readonly facts: Readonly<Record<string, boolean>>;
}

interface Case {
  readonly name: string;
  readonly frontend: readonly string[];
  readonly backend: readonly string[];
  readonly requests: readonly Request[];
}

/** The test (as the simulation names the fact) and the condition of the rules that use it. */
const APP_TEST = '{ path_beg /app }';
const APP = `if ${APP_TEST}`;

const CASES: readonly Case[] = [
  {
    name: 'a conditional setter: its value where the condition holds, none elsewhere',
    frontend: [`http-request set-var(txn.flags) str("; HttpOnly") ${APP}`],
    backend: [APPEND],
    requests: [
      { path: '/app/x', facts: { [APP_TEST]: true } },
      { path: '/other', facts: { [APP_TEST]: false } },
    ],
  },
  {
    name: 'several setters: the last one that runs wins',
    frontend: ['http-request set-var(txn.flags) str("; Secure")', `http-request set-var(txn.flags) str("; HttpOnly") ${APP}`, 'http-request set-var-fmt(txn.flags) "; SameSite=Lax" if { url_param(l) -m found }'],
    backend: [APPEND],
    requests: [
      { path: '/app/x', facts: { [APP_TEST]: true, '{ url_param(l) -m found }': false } },
      { path: '/x', facts: { [APP_TEST]: false, '{ url_param(l) -m found }': false } },
      { path: '/app/x?l=1', facts: { [APP_TEST]: true, '{ url_param(l) -m found }': true } },
    ],
  },
  {
    name: 'unset-var after set-var',
    frontend: ['http-request set-var(txn.flags) str("; HttpOnly")', 'http-request unset-var(txn.flags) if { path_beg /public }'],
    backend: [APPEND],
    requests: [
      { path: '/public/x', facts: { '{ path_beg /public }': true } },
      { path: '/x', facts: { '{ path_beg /public }': false } },
    ],
  },
  {
    name: 'set-var in http-response: the backend rule before the reader, on 200 only; the one after it reaches http-after-response only',
    frontend: ['http-request set-var(txn.flags) str("; SameSite=Strict")', 'http-after-response add-header Set-Cookie "after=1%[var(txn.flags)]"'],
    backend: ['http-response set-var(txn.flags) str("; HttpOnly") if { status 200 }', APPEND, 'http-response set-var(txn.flags) str("; Secure")'],
    requests: [
      { path: '/x', status: 200, facts: {} },
      { path: '/x', status: 404, facts: {} },
    ],
  },
  {
    name: 'a fetch that finds nothing keeps the value; a req. variable is gone in the response',
    frontend: ['http-request set-var(txn.flags) str("; Secure")', 'http-request set-var(txn.flags) url_param(f)', 'http-request set-var(req.other) str("; HttpOnly")'],
    backend: [APPEND, `http-response add-header Set-Cookie "req=1%[var(req.other)]"`],
    requests: [
      { path: '/x', facts: {} },
      { path: '/x?f=;HttpOnly', facts: {} },
      { path: '/x?f=%20HttpOnly', facts: {} },
    ],
  },
];

const haproxy = haproxyVersion();
const io = createNodeIO(process.cwd());

describeRealServer(`haproxy ${haproxy.ok ? haproxy.version : ''}: variables set by conditional and several rules, simulator vs real server`, haproxy.ok ? null : haproxy.reason, () => {
  let backend: RunningBackend;
  let server: RunningHaproxy | undefined;
  let model: HeaderRewriteModel;
  const ports: number[] = [];

  beforeAll(async () => {
    backend = await startHttpBackend();
    const sections: string[] = ['defaults', '    mode http', '    timeout connect 5s', '    timeout client 5s', '    timeout server 5s', ''];
    for (const [i, c] of CASES.entries()) {
      const port = await freePort();
      ports.push(port);
      sections.push(`frontend fe${i}`, `    bind 127.0.0.1:${port}`, ...c.frontend.map((l) => `    ${l}`), `    default_backend be${i}`, '');
      sections.push(`backend be${i}`, `    server s1 127.0.0.1:${backend.port}`, ...c.backend.map((l) => `    ${l}`), '');
    }
    const text = sections.join('\n');
    const path = '/lpc-real/variables.cfg';
    const source = createSourceFile(path, text);
    model = buildHaproxyModel(path, { ...io, read: (p: string) => (p === path ? source : io.read(p)) }, { nginxVersion: DEFAULT_NGINX_VERSION });
    const file = writeConfig(text);
    const check = checkConfig(file);
    if (!check.ok) throw new Error(`haproxy -c refuses the configuration:\n${check.output}`);
    server = await startHaproxy(file, ports);
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    await backend?.close();
    removeConfigs();
  });

  for (const [i, c] of CASES.entries()) {
    it(`${c.name}: HAProxy sends the simulated outcome of each request`, async () => {
      expect(model.problems).toEqual([]);
      const endpoint = model.endpoints.find((e) => e.label === `frontend fe${i} › backend be${i}`)!;
      for (const r of c.requests) {
        const status = r.status ?? 200;
        const target = `${r.path}${r.path.includes('?') ? '&' : '?'}${cookieQuery(COOKIES)}&status=${status}`;
        const res = await fetchCookies(ports[i]!, target);
        if ('crashed' in res) throw new Error(`haproxy closed the connection for ${target}`);
        const result = simulate('haproxy', endpoint.pipeline, { backend: 'http', status, request: { target, headers: {} } }, COOKIES);
        // The outcomes whose assumed request tests come out on this request as assumed.
        const fitting = branchesOf(result).filter((b) =>
          b.assumptions.every((a) => {
            expect(r.facts, `${r.path}: a test the case does not decide`).toHaveProperty([a.literal.text]);
            return r.facts[a.literal.text] === a.holds;
          }),
        );
        const where = `${c.name}: ${r.path} (${status})`;
        expect(fitting.length, `${where}: no simulated outcome fits the request`).toBeGreaterThan(0);
        for (const b of fitting) expect(res.setCookies, where).toEqual(b.lines.map((l) => l.value));
      }
    });
  }
});
