/**
 * The simulator against the real HAProxy. Every HAProxy fixture (fixed ones included), the
 * example and the cases of real-cases.ts are checked with `haproxy -c` (refused exactly when the
 * linter reports a directive HAProxy refuses or a syntax error), then served by HAProxy in front
 * of the HTTP test backend: for every endpoint with a request path, the Set-Cookie lines HAProxy
 * sends (for a 200 and a 404 response) must equal the simulated pipeline's output, in order.
 * Every `.fixed.cfg` must make HAProxy stop adding HttpOnly to XSRF cookies while every other
 * cookie keeps its value and its security flags.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCatalog, isXsrfCookie } from '../../src/cookies/catalog.js';
import { DEFAULT_NGINX_VERSION } from '../../src/dialects/dialect.js';
import { buildHaproxyModel } from '../../src/dialects/haproxy/index.js';
import type { Endpoint, HeaderRewriteModel } from '../../src/model/header-rewrite.js';
import { hasAttribute, hasHttpOnly, parseSetCookie } from '../../src/model/set-cookie.js';
import { DATE_STAMP, METHOD_POST } from '../../src/model/ops/haproxy-http-response.js';
import { branchesOf, simulate, type SimResult } from '../../src/model/simulate.js';
import { createNodeIO } from '../../src/run/node-io.js';
import { createSourceFile } from '../../src/source.js';
import { cookieQuery, fetchCookies, startHttpBackend, type RunningBackend } from '../servers/backend.js';
import { checkConfig, definedNames, haproxyVersion, removeConfigs, runnableConfig, startHaproxy, writeConfig, type RunningHaproxy } from '../servers/haproxy.js';
import { exemptedCookies } from '../harness/exempt.js';
import { describeRealServer, skipRealServer } from '../helpers/skips.js';
import { REAL_CASES } from './real-cases.js';

const FIXTURES = new URL('../../fixtures/', import.meta.url).pathname;

/** Backend cookies: Path, sub-paths, Expires with its comma, flags present, odd spacing, quotes. */
const COOKIES = [
  'JSESSIONID=s1; Path=/; Secure; HttpOnly',
  'atl.xsrf.token=t1; Path=/',
  'atlassian.xsrf.token=j1; Path=/',
  'XSRF-TOKEN=x1; path=/app; Expires=Wed, 21 Oct 2037 07:28:00 GMT',
  'csrftoken=c1',
  'sessionid=d1; Domain=example.com; Path=/app/; SameSite=Lax',
  'lpc_plain=p1;Path=/;Max-Age=60;',
  'NX-ANTI-CSRF-TOKEN=n1; Path=/; secure; samesite=strict',
  'q="a,b"; Path=/',
  'noeq; Path=/',
];

const haproxy = haproxyVersion();

const io = createNodeIO(process.cwd());

interface Case {
  readonly name: string;
  readonly text: string;
  /** The request methods it is requested with (GET alone by default). */
  readonly methods?: readonly Method[];
  /** The model, given the test backend's port (every server stands there when served). */
  readonly model: (backendPort: number) => HeaderRewriteModel;
  /** The fixed variant's case name. */
  readonly fixed?: string;
}

function fixtureFiles(): string[] {
  const out: string[] = [];
  for (const rule of readdirSync(FIXTURES).sort()) {
    const dir = join(FIXTURES, rule, 'haproxy');
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) if (f.endsWith('.cfg')) out.push(join(dir, f));
  }
  return out;
}

const modelOf = (path: string, text: string) => {
  const source = createSourceFile(path, text);
  const mem = { ...io, read: (p: string) => (p === path ? source : io.read(p)) };
  return buildHaproxyModel(path, mem, { nginxVersion: DEFAULT_NGINX_VERSION });
};

const cases: Case[] = [
  ...fixtureFiles().map((path): Case => {
    const text = readFileSync(path, 'utf8');
    const fixed = path.replace(/\.cfg$/, '.fixed.cfg');
    const name = path.slice(FIXTURES.length);
    return { name, text, model: () => modelOf(path, text), ...(!path.endsWith('.fixed.cfg') && existsSync(fixed) ? { fixed: fixed.slice(FIXTURES.length) } : {}) };
  }),
  ...REAL_CASES.map((c): Case => {
    const path = `/lpc-cases/${c.name.replace(/[^a-z0-9]+/gi, '-')}.cfg`;
    // The servers' addresses as HAProxy runs them (a dynamic cookie hashes the address).
    const model = (port: number) => modelOf(path, c.text.replace(/^(\s*server\s+\S+\s+)\S+/gm, `$1127.0.0.1:${port}`));
    return { name: `case: ${c.name}`, text: c.text, model, ...(c.methods ? { methods: c.methods } : {}) };
  }),
];

type Method = 'GET' | 'POST';

/** The Set-Cookie lines HAProxy sends for a request with that method (the backend answers every method alike). */
function fetchWithMethod(port: number, path: string, method: Method): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, agent: false, timeout: 10_000, headers: { 'Content-Length': '0' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.rawHeaders.filter((_h, i, a) => i % 2 === 1 && a[i - 1]!.toLowerCase() === 'set-cookie')));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout fetching ${path}`)));
    req.on('error', reject);
    req.end();
  });
}

/** The outcome of the simulation for a request of that method (the branches that assumed it). */
function forMethod(sim: SimResult, method: Method): SimResult {
  const fits = (b: SimResult) => b.assumptions.every((a) => a.literal.key !== METHOD_POST || a.holds === (method === 'POST'));
  return branchesOf(sim).find(fits) ?? sim;
}

interface Observed {
  readonly endpoint: Endpoint;
  readonly method: Method;
  readonly status: number;
  readonly actual: string[];
  readonly predicted: string[];
  /** The simulation stopped at one of its bounds (simulation-bounded reports it). */
  readonly bounded: boolean;
}

interface Prepared {
  readonly model: HeaderRewriteModel;
  readonly check: { ok: boolean; output: string };
  readonly observed?: Observed[];
  readonly config?: string;
}

/** Trailing white space is not part of a header value (HTTP OWS); Node's parser drops it. */
const ows = (v: string) => v.replace(/[ \t]+$/, '');

/** HAProxy's `maxidle`/`maxlife` date stamps (the time it sent them) as the one the linter writes. */
const stamped = (v: string) => v.replace(/\|[A-Za-z0-9+/]{5}(?=[|;]|$)/g, DATE_STAMP);

function refusedByLinter(model: HeaderRewriteModel): string[] {
  return model.problems.filter((p) => (p.kind === 'syntax' || p.kind === 'refused') && p.severity !== 'warning').map((p) => p.message);
}

describeRealServer(`haproxy ${haproxy.ok ? haproxy.version : ''}: simulator vs real server`, haproxy.ok ? null : haproxy.reason, () => {
  let backend: RunningBackend;
  const prepared = new Map<string, Prepared>();
  const running: RunningHaproxy[] = [];

  beforeAll(async () => {
    backend = await startHttpBackend();
    // Every case settles before a failure is reported: afterAll stops the HAProxy processes that
    // started, and one still starting when Promise.all rejected would outlive the suite.
    const settled = await Promise.allSettled(
      cases.map(async (c) => {
        const model = c.model(backend.port);
        const env = definedNames(c.text);
        const check = checkConfig(writeConfig(c.text), env);
        if (!check.ok || refusedByLinter(model).length > 0) {
          prepared.set(c.name, { model, check });
          return;
        }
        const lone = model.endpoints.filter((e) => e.label.startsWith('backend ')).map((e) => e.label.slice('backend '.length));
        const runnable = await runnableConfig(c.text, backend.port, lone);
        const path = writeConfig(runnable.text);
        const server = await startHaproxy(path, [...runnable.ports.values()], env);
        running.push(server);
        const observed: Observed[] = [];
        for (const endpoint of model.endpoints) {
          const port = runnable.ports.get(endpoint.label.split(' › ')[0]!);
          if (port === undefined || endpoint.requestPath === undefined) continue;
          for (const method of c.methods ?? ['GET']) {
            for (const status of [200, 404]) {
              const p = endpoint.requestPath;
              const url = `${p}${p.includes('?') ? '&' : '?'}${cookieQuery(COOKIES)}&status=${status}`;
              const res = method === 'GET' ? await fetchCookies(port, url) : { setCookies: await fetchWithMethod(port, url, method) };
              if ('crashed' in res) throw new Error(`haproxy closed the connection for ${c.name}`);
              const all = simulate('haproxy', endpoint.pipeline, { backend: 'http', status }, COOKIES);
              const sim = forMethod(all, method);
              observed.push({ endpoint, method, status, actual: res.setCookies.map((v) => stamped(ows(v))), predicted: sim.lines.map((l) => ows(l.value)), bounded: all.bounded !== undefined });
            }
          }
        }
        if (process.env.LPC_DEBUG) for (const o of observed) console.log(c.name, o.endpoint.label, o.method, o.status, JSON.stringify(o.actual), JSON.stringify(o.predicted));
        prepared.set(c.name, { model, check, observed, config: runnable.text });
      }),
    );
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }, 120_000);

  afterAll(async () => {
    await Promise.all(running.map((r) => r.stop()));
    await backend?.close();
    removeConfigs();
  });

  for (const c of cases) {
    it(`${c.name}: haproxy -c agrees, and the simulated Set-Cookie lines equal HAProxy's`, (ctx) => {
      const p = prepared.get(c.name);
      if (!p) return skipRealServer(ctx, 'not prepared');
      const refused = refusedByLinter(p.model);
      if (refused.length > 0) {
        expect(p.check.ok, `the linter says HAProxy refuses it (${refused.join('; ')}) but haproxy -c accepts it`).toBe(false);
        return;
      }
      expect(p.check.ok, `haproxy -c refuses it:\n${p.check.output}`).toBe(true);
      expect(p.observed!.length, 'no endpoint with a request path').toBeGreaterThan(0);
      for (const o of p.observed!) {
        const where = `${o.endpoint.label} (${o.status}) ${o.method} ${o.endpoint.requestPath}`;
        if (!o.bounded) {
          expect(o.actual, where).toEqual(o.predicted);
          continue;
        }
        // The simulation stopped at its line bound (simulation-bounded says where): the steps it
        // took must be HAProxy's. The bounded fixtures append to every line, so each line HAProxy
        // sends extends the simulated one.
        expect(o.actual.length, where).toBe(o.predicted.length);
        for (const [i, line] of o.actual.entries()) expect(line.startsWith(o.predicted[i]!), `${where}: ${line} extends ${o.predicted[i]}`).toBe(true);
      }
    });

    if (!c.fixed) continue;
    it(`${c.name}: the fixed configuration stops HttpOnly on XSRF cookies in HAProxy, keeping everything else`, async (ctx) => {
      const before = prepared.get(c.name);
      const after = prepared.get(c.fixed!);
      if (!before?.observed || !after) return skipRealServer(ctx, 'not prepared');
      expect(after.check.ok, `haproxy -c refuses the fixed configuration:\n${after.check.output}`).toBe(true);
      const a = after.observed!;
      const b = before.observed;
      expect(a.map((x) => `${x.endpoint.label} ${x.status}`)).toEqual(b.map((x) => `${x.endpoint.label} ${x.status}`));
      const catalog = createCatalog();
      // The cookies the fix exempts in each scope (the products behind it); every other cookie,
      // other products' CSRF cookies included, keeps each flag it had, HttpOnly too. A scope no
      // finding lists (the fixed rules never run there, or the fix is another scope's): nothing
      // must lose HttpOnly, and what no scope exempts keeps it.
      const found = await exemptedCookies(join(FIXTURES, c.name), 'haproxy');
      const all = found.get('*') ?? new Set<string>();
      const exemptedIn = (label: string) => {
        const exempt = found.get(label) ?? new Set<string>();
        const exempted = (name: string) => isXsrfCookie(catalog, name) && (all.size === 0 || exempt.has(name));
        const kept = (name: string) => (all.size === 0 ? !isXsrfCookie(catalog, name) : found.has(label) ? !exempt.has(name) : !all.has(name));
        return { exempted, kept };
      };
      let xsrfSeen = 0;
      for (let i = 0; i < a.length; i++) {
        const where = `${a[i]!.endpoint.label} (${a[i]!.status})`;
        const { exempted, kept } = exemptedIn(a[i]!.endpoint.label);
        const byName = (lines: string[]) => new Map(lines.map((v) => [parseSetCookie(v).name, v]));
        const bm = byName(b[i]!.actual);
        for (const [name, value] of byName(a[i]!.actual)) {
          const sent = COOKIES.find((x) => parseSetCookie(x).name === name);
          if (exempted(name) && sent && !hasHttpOnly(sent)) {
            xsrfSeen++;
            expect(hasHttpOnly(value), `${where}: ${name} still HttpOnly`).toBe(false);
          }
          const was = bm.get(name);
          if (!was) continue;
          expect(parseSetCookie(value).value, `${where}: ${name} value`).toBe(parseSetCookie(was).value);
          for (const flag of ['secure', 'samesite', 'path', 'expires', ...(kept(name) ? ['httponly'] : [])]) {
            if (hasAttribute(was, flag)) expect(hasAttribute(value, flag), `${where}: ${name} lost ${flag}`).toBe(true);
          }
        }
      }
      expect(xsrfSeen, 'the fixed configuration was served XSRF cookies').toBeGreaterThan(0);
    });
  }
});
