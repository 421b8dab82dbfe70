/**
 * The simulator against the real nginx. Every nginx fixture and every case of real-cases.ts is
 * linted (model built for the installed nginx version), made runnable (runnable.ts) and served by
 * nginx in front of the HTTP and FastCGI test backends; for every endpoint with a request path,
 * the Set-Cookie lines nginx sends must equal the simulated pipeline's output, in order.
 * Fragments share one nginx process (one server block each); http/main configurations get one
 * each. Every `.fixed.conf` must pass `nginx -t` and, served, must stop nginx adding HttpOnly to
 * XSRF cookies while every other cookie keeps its value and security flags.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mentionedCookies } from '../../src/cookies/scope.js';
import { createCatalog, isXsrfCookie } from '../../src/cookies/catalog.js';
import { exemptedCookies } from '../harness/exempt.js';
import type { DialectOptions, Lowering } from '../../src/dialects/dialect.js';
import { lowerNginx, type NginxEndpoint, type NginxSyntax } from '../../src/dialects/nginx/index.js';
import { chainOf } from '../../src/dialects/nginx/levels.js';
import { createNodeIO } from '../../src/run/node-io.js';
import { createSourceFile } from '../../src/source.js';
import type { HeaderRewriteModel, SimRequest } from '../../src/model/header-rewrite.js';
import { hasAttribute, hasHttpOnly, parseSetCookie } from '../../src/model/set-cookie.js';
import { describeRequests } from '../../src/model/requests.js';
import { branchesOf, simulate, type SimResult } from '../../src/model/simulate.js';
import { cookieQuery, startFastCgiBackend, startHttpBackend, startScgiBackend, startUwsgiBackend, type RunningBackend } from '../servers/backend.js';
import { freePort, get, httpBoilerplate, loadModules, makePrefix, moduleAvailable, nginxVersion, removePrefixes, startNginx, testConfig, writeFiles, type RunningNginx } from '../servers/nginx.js';
import { REAL_CASES, type RealCase, type RealRequest } from './real-cases.js';
import { runnable, type Ports, type RunnableConfig } from './runnable.js';
import { describeRealServer, skipRealServer } from '../helpers/skips.js';
import { run } from '../../src/run/run.js';
import type { LintMessage } from '../../src/engine/lint.js';
import { lintText } from './lint-helpers.js';

const FIXTURES = new URL('../../fixtures/', import.meta.url).pathname;

/** Backend cookies: with Path=/, a sub-path, no path, a domain, flags present, odd spacing. */
const COOKIES = [
  'JSESSIONID=s1; Path=/; Secure; HttpOnly',
  'atl.xsrf.token=t1; Path=/',
  'XSRF-TOKEN=x1; path=/app; Expires=Wed, 21 Oct 2037 07:28:00 GMT',
  'csrftoken=c1',
  'sessionid=d1; Domain=example.com; Path=/app/; SameSite=Lax',
  'lpc_plain=p1;Path=/;Max-Age=60;',
  'NX-ANTI-CSRF-TOKEN=n1; Path=/; secure; samesite=strict',
  'other=o1; Domain=.x.example.org; path=/APP/deep',
  'noeq; Path=/',
  'dup=1; path=/app; Path=/other; DOMAIN=example.com; HttpOnly; Max-Age',
  'atlassian.xsrf.token=j1; Path=/',
  'atl.xsrf.token.slash=f1; Path=/fisheye',
  // Another product's CSRF cookie the application itself marked HttpOnly: an exemption written
  // for the product behind the proxy must not strip it.
  'sc=y1; Path=/; HttpOnly',
];

const nginx = nginxVersion();
const installed = nginx.ok ? nginx.version : '1.22.1';

interface Case {
  readonly name: string;
  /** Build the model of the original text (before it is made runnable), with its syntax. */
  readonly lower: () => Lowering<NginxSyntax>;
  /** The model of the invalid fixture's `.fixed.conf`, compared with the original. */
  readonly fixed?: () => Lowering<NginxSyntax>;
  /** Requests that take chosen branches of the simulation (real-cases.ts `RealCase.requests`). */
  readonly requests?: RealCase['requests'];
  /** The linter's messages for the case, to compare its verdict with what nginx did to each request. */
  readonly lint?: () => readonly LintMessage[];
}

function fixtureOptions(text: string): Record<string, string> {
  const o: Record<string, string> = {};
  for (const m of text.matchAll(/fixture:\s*([A-Za-z]+)=(\S+)\s*$/gm)) o[m[1]!] = m[2]!;
  return o;
}

function fixtureFiles(): string[] {
  if (!existsSync(FIXTURES)) return [];
  const out: string[] = [];
  for (const rule of readdirSync(FIXTURES).sort()) {
    const dir = join(FIXTURES, rule, 'nginx');
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) {
      if (!f.endsWith('.conf')) continue;
      // nginx_cookie_flag_module (set_cookie_flag) has no Debian package, so no nginx here can
      // run it: its fixtures are checked by the fixture harness, and its semantics by
      // test/nginx/set-cookie-flag.test.ts against the module's source.
      if (/^\s*set_cookie_flag\b/m.test(readFileSync(join(dir, f), 'utf8'))) continue;
      out.push(join(dir, f));
    }
  }
  return out;
}

const io = createNodeIO(process.cwd());

function lowerOf(path: string, options: Partial<DialectOptions> = {}): Lowering<NginxSyntax> {
  return lowerNginx(path, io, { nginxVersion: installed, ...options });
}

const cases: Case[] = [
  ...fixtureFiles().map((path) => {
    const text = readFileSync(path, 'utf8');
    const o = fixtureOptions(text);
    const options = o.context ? { context: o.context as DialectOptions['context'] } : {};
    const fixed = path.replace(/\.conf$/, '.fixed.conf');
    // A fixture that models an older nginx (`fixture: nginxVersion=1.18.0`) is served by the
    // installed one and simulated for it: its text's cookie semantics are checked here, its
    // version-specific verdict (proxy_cookie_flags unknown before 1.19.3) by the fixture harness.
    const c: Case = {
      name: `${path.slice(FIXTURES.length)}${o.nginxVersion ? ` (models nginx ${o.nginxVersion}; served and simulated as ${installed})` : ''}`,
      lower: () => lowerOf(path, options),
      ...(!path.endsWith('.fixed.conf') && existsSync(fixed) ? { fixed: () => lowerOf(fixed, options) } : {}),
    };
    return c;
  }),
  ...REAL_CASES.map((c) => ({
    name: `case: ${c.name}`,
    ...(c.requests ? { requests: c.requests, lint: () => lintText(c.text, { nginxVersion: installed, context: c.context }).messages } : {}),
    lower: () => {
      const path = `/lpc-cases/${c.name.replace(/[^a-z0-9]+/gi, '-')}.conf`;
      const source = createSourceFile(path, c.text);
      const mem = { ...io, read: (p: string) => (p === path ? source : io.read(p)) };
      return lowerNginx(path, mem, { nginxVersion: installed, context: c.context });
    },
  })),
];

interface ServedCase {
  readonly model: HeaderRewriteModel;
  readonly requests?: RealCase['requests'];
  readonly config: RunnableConfig;
  readonly server: () => RunningNginx;
}

interface Prepared {
  readonly model?: HeaderRewriteModel;
  readonly served?: ServedCase;
  readonly skip?: string;
  readonly testError?: string;
}

function query(path: string, status: number): string {
  return `${path}${path.includes('?') ? '&' : '?'}${cookieQuery(COOKIES)}&status=${status}`;
}

/** The request a case sends to an endpoint: its own path, or the one given, with the extra query. */
function requestFor(endpoint: NginxEndpoint, req?: RealRequest): string {
  const base = req?.path ?? endpoint.requestPath ?? '/no-request-path';
  return req?.query ? `${base}${base.includes('?') ? '&' : '?'}${req.query}` : base;
}

/** The request as the test sends it, for the variables nginx fills in from it (`$host`, `$request_uri`, `$cookie_*`...). */
function sent(target: string, host: string, headers: Readonly<Record<string, string>> = {}): SimRequest {
  return { target, headers: { connection: 'close', ...headers, host } };
}

/** Trailing white space is not part of a header value (HTTP OWS); Node's parser drops it. */
const ows = (v: string) => v.replace(/[ \t]+$/, '');

type Served = 'http' | 'fastcgi' | 'uwsgi' | 'scgi';
const SERVED: readonly string[] = ['http', 'fastcgi', 'uwsgi', 'scgi'];

function servable(e: NginxEndpoint): Served | null {
  if (e.possibleBackends.length !== 1) return null;
  const k = e.possibleBackends[0]!;
  return SERVED.includes(k) ? (k as Served) : null;
}

/**
 * `more_set_headers -t 'text/html'` tests the response's Content-Type, which the HTTP backend sets
 * from `?type=` (text/plain without it): whether the test holds for a request, or undefined when
 * the literal is not such a test.
 */
function typeTestHolds(key: string, request: string): boolean | undefined {
  const types = /^cond:-t '(.*)'$/.exec(key)?.[1];
  if (types === undefined) return undefined;
  const sent = /[?&]type=([^&]+)/.exec(request)?.[1] ?? 'text/plain';
  return types.split(' ').includes(sent);
}

const hasLua = (m: HeaderRewriteModel) => m.facts.some((f) => f.kind === 'nginx-lua-header-filter');

describeRealServer(`nginx ${installed}: simulator vs real server`, nginx.ok ? null : nginx.reason, () => {
  let http: RunningBackend;
  let fcgi: RunningBackend;
  let uwsgi: RunningBackend;
  let scgi: RunningBackend;
  const prepared = new Map<string, Prepared>();
  const running: RunningNginx[] = [];

  beforeAll(async () => {
    [http, fcgi, uwsgi, scgi] = await Promise.all([startHttpBackend(), startFastCgiBackend(), startUwsgiBackend(), startScgiBackend()]);
    const backendPorts = { http: http.port, fastcgi: fcgi.port, uwsgi: uwsgi.port, scgi: scgi.port };
    const sharedPrefix = makePrefix();
    const sharedPort = await freePort();
    const shared: { name: string; config: RunnableConfig; model: HeaderRewriteModel; requests?: RealCase['requests'] }[] = [];
    let sharedServer: RunningNginx | undefined;
    const own: Promise<void>[] = [];
    let n = 0;
    const fixedCases = cases.flatMap((x): Case[] => (x.fixed ? [{ name: `${x.name} → fixed`, lower: x.fixed }] : []));
    for (const c of [...cases, ...fixedCases]) {
      const lowered = c.lower();
      const { model } = lowered;
      const needs = runnable(lowered, { listen: 0, http: 0, fastcgi: 0 }, 'x', '/');
      if ('skip' in needs) {
        prepared.set(c.name, { skip: needs.skip });
        continue;
      }
      // runnable() loads the modules a configuration uses: one that uses a module it does not
      // load is handed to `nginx -t` as written, which must refuse it as the linter does.
      if (model.problems.some((p) => /unknown directive "[^"]*": \S+ is not loaded/.test(p.message))) {
        const prefix = makePrefix();
        writeFiles(prefix, { 'nginx.conf': model.files.get(model.root)!.text });
        const t = testConfig(prefix);
        prepared.set(c.name, { model, ...(t.ok ? {} : { testError: t.output }) });
        continue;
      }
      if ([...needs.modules].some((m) => !moduleAvailable(m))) {
        prepared.set(c.name, { skip: `needs nginx modules ${[...needs.modules].join(', ')}` });
        continue;
      }
      if (needs.kind === 'server') {
        const ports: Ports = { listen: sharedPort, ...backendPorts };
        const config = runnable(lowered, ports, `case-${n++}.test`, sharedPrefix) as RunnableConfig;
        shared.push({ name: c.name, config, model, ...(c.requests ? { requests: c.requests } : {}) });
        continue;
      }
      own.push(
        (async () => {
          const prefix = makePrefix();
          const port = await freePort();
          const config = runnable(lowered, { listen: port, ...backendPorts }, 'x', prefix) as RunnableConfig;
          writeFiles(prefix, { 'nginx.conf': loadModules(config.modules) + config.text });
          const t = testConfig(prefix);
          if (!t.ok) {
            prepared.set(c.name, { model, testError: `${t.output}\n--- config ---\n${config.text}` });
            return;
          }
          const server = await startNginx(prefix, port).catch((e: Error) => {
            throw new Error(`${c.name}: ${e.message}\n--- config ---\n${config.text}`);
          });
          running.push(server);
          prepared.set(c.name, { model, served: { model, config, server: () => server, ...(c.requests ? { requests: c.requests } : {}) } });
        })(),
      );
    }
    // One process for every server-block case; a case that breaks `nginx -t` alone is reported alone.
    const modules = new Set(shared.flatMap((s) => [...s.config.modules]));
    const main = (list: typeof shared) => `${loadModules(modules)}events {}\nhttp {\n${httpBoilerplate(sharedPrefix)}\n${list.map((s) => s.config.text).join('\n')}}\n`;
    let accepted = shared;
    writeFiles(sharedPrefix, { 'nginx.conf': main(shared) });
    if (!testConfig(sharedPrefix).ok) {
      accepted = [];
      for (const s of shared) {
        writeFiles(sharedPrefix, { 'nginx.conf': main([s]) });
        const t = testConfig(sharedPrefix);
        if (t.ok) accepted.push(s);
        else prepared.set(s.name, { model: s.model, testError: `${t.output}\n--- config ---\n${s.config.text}` });
      }
      writeFiles(sharedPrefix, { 'nginx.conf': main(accepted) });
    }
    if (accepted.length > 0) {
      sharedServer = await startNginx(sharedPrefix, sharedPort);
      running.push(sharedServer);
      for (const s of accepted) prepared.set(s.name, { model: s.model, served: { model: s.model, config: s.config, server: () => sharedServer!, ...(s.requests ? { requests: s.requests } : {}) } });
    }
    await Promise.all(own);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(running.map((r) => r.stop()));
    await Promise.all([http?.close(), fcgi?.close(), uwsgi?.close(), scgi?.close()]);
    removePrefixes();
  });

  async function observe(
    served: ServedCase,
    tooComplex: { count: number } = { count: 0 },
  ): Promise<{ endpoint: NginxEndpoint; kind: Served | 'unserved'; status: number; request: string; where?: string; actual: string[]; predicted: string[] }[]> {
    const out = [];
    for (const endpoint of served.model.endpoints as NginxEndpoint[]) {
      const extra = (served.requests ?? []).filter((r) => endpoint.label.endsWith(r.endpoint));
      const host = served.config.host(endpoint);
      // Requests nginx answers itself (`return`, a redirect), without the backend's cookies; when
      // that is the endpoint's own request, the model must say no backend answers there, or that
      // nginx does (own-response.ts: its header filters' lines are the prediction). An endpoint
      // nginx answers is asked with its own request whether or not the case names it.
      const itselfAnswers = endpoint.possibleBackends.length === 1 && endpoint.possibleBackends[0] === 'module';
      const unserved = extra.filter((r) => r.where === null);
      if (itselfAnswers && endpoint.requestPath !== undefined && !unserved.some((r) => requestFor(endpoint, r) === endpoint.requestPath && !r.headers)) unserved.push({ endpoint: endpoint.label, where: null });
      for (const req of unserved) {
        const path = requestFor(endpoint, req);
        const res = await get(served.server().port, query(path, 200), host, req.headers);
        // A scope of files nginx serves answers every path that selects it (a file, a missing one).
        const own = (path === endpoint.requestPath || endpoint.backends.some((b) => b.target === 'nginx itself (static files)')) && !req.headers;
        // Or a server-level `if` answers it (a guard: its own scope, with the server's filters).
        const guard = own ? undefined : (served.model.endpoints as NginxEndpoint[]).find((e) => e.level.kind === 'if' && e.level.parent?.kind === 'server' && chainOf(endpoint.level).includes(e.level.parent));
        const answering = own ? endpoint : guard;
        const values = (lines: SimResult['lines']) => lines.map((l) => ows(l.value));
        const predicted =
          !answering || answering.possibleBackends.length === 0
            ? []
            : answering.possibleBackends.join() === 'module'
              ? values(simulate('nginx', answering.pipeline, { backend: 'module', status: res.status, request: sent(query(path, 200), host, req.headers) }, COOKIES).lines)
              : [`the model says ${answering.possibleBackends.join(', ')} answers ${answering.label}`];
        out.push({ endpoint, kind: 'unserved' as const, status: res.status, request: path, actual: res.setCookies.map(ows), predicted });
      }
      const kind = servable(endpoint);
      if (!kind) continue;
      // A location no request selects by its own URI (a named one, an `if` on $request_uri) is
      // reached through the requests a case names with the path that leads there.
      const itself = endpoint.requestPath === undefined ? [] : [undefined];
      const reqs = [...itself, ...extra.filter((r) => r.where !== null && (endpoint.requestPath !== undefined || r.path !== undefined))];
      for (const status of kind === 'http' ? [200, 404] : [200]) {
        for (const req of reqs) {
          const path = requestFor(endpoint, req);
          const res = await get(served.server().port, query(path, status), host, req?.headers);
          // Predicted for the request sent: its query string carries the backend's cookies.
          const result = simulate('nginx', endpoint.pipeline, { backend: kind, status, request: sent(query(path, status), host, req?.headers) }, COOKIES);
          // A pattern the linter cannot evaluate (regex-too-complex) has no prediction to compare:
          // nginx's own PCRE gives up on some names (atlassian.xsrf.token) and drops the line.
          if (result.tooComplex) {
            tooComplex.count++;
            continue;
          }
          const actual = res.setCookies.map(ows);
          const values = (lines: SimResult['lines']) => lines.map((l) => ows(l.value));
          const branches = branchesOf(result);
          let predicted = values(result.lines);
          if (req) {
            // The branch the request was chosen to take, named as the lint messages name it.
            const want = req.where ? `for requests where ${req.where}` : '';
            const branch = branches.find((b) => describeRequests(b.assumptions) === want);
            predicted = branch ? values(branch.lines) : [`no outcome "${want}" among: ${branches.map((b) => describeRequests(b.assumptions)).join(' / ')}`];
          } else if (branches.some((b) => b.assumptions.some((a) => typeTestHolds(a.literal.key, path) !== undefined))) {
            // A Content-Type test the backend's answer decides: the one branch that agrees with it.
            const agrees = (a: (typeof branches)[number]['assumptions'][number]) => (typeTestHolds(a.literal.key, path) ?? a.holds) === a.holds;
            const fit = branches.filter((b) => b.assumptions.every(agrees));
            predicted = fit.length === 1 ? values(fit[0]!.lines) : [`${fit.length} outcomes agree with the Content-Type of ${path}`];
          } else if (branches.some((b) => b.assumptions.some((a) => a.literal.key.startsWith('nginx-var:')))) {
            // Outcomes that depend on variables the request decides: nginx's answer must be one of them.
            predicted = branches.map((b) => values(b.lines)).find((v) => JSON.stringify(v) === JSON.stringify(actual)) ?? predicted;
          }
          out.push({ endpoint, kind, status, request: `${path}${req?.headers ? ` ${JSON.stringify(req.headers)}` : ''}`, ...(req?.where ? { where: req.where } : {}), actual, predicted });
        }
      }
    }
    return out;
  }

  for (const c of cases) {
    it(`${c.name}: simulated Set-Cookie lines equal nginx's`, async (ctx) => {
      const p = prepared.get(c.name);
      if (!p || p.skip || !p.model) return skipRealServer(ctx, p?.skip ?? 'not prepared');
      const refused = p.model!.problems.filter((x) => x.kind === 'refused').map((x) => x.message);
      if (refused.length > 0) {
        // A configuration the linter says nginx refuses: nginx must refuse it too.
        expect(p.testError, `the linter says nginx refuses it (${refused.join('; ')})`).toBeDefined();
        return;
      }
      expect(p.testError, 'nginx -t refuses the runnable configuration').toBeUndefined();
      const tooComplex = { count: 0 };
      const seen = await observe(p.served!, tooComplex);
      if (seen.length === 0 && tooComplex.count > 0 && existsSync(join(FIXTURES, c.name))) {
        // Nothing to compare, and that is the linter's verdict: it must say so.
        const outcome = await run({ cwd: process.cwd(), paths: [join(FIXTURES, c.name)], type: 'nginx', nginxVersion: installed });
        const rules = outcome.results.flatMap((r) => r.messages.map((m) => m.ruleId));
        expect(rules, 'no prediction, so the linter reports regex-too-complex').toContain('regex-too-complex');
        return;
      }
      if (seen.length === 0) return skipRealServer(ctx, `no endpoint the test backends (${SERVED.join(', ')}) can serve: grpc, several possible backends or no request path`);
      if (hasLua(p.served!.model)) {
        // Lua is not simulated: check the heuristic's claim instead.
        const facts = p.served!.model.facts.filter((f) => f.kind === 'nginx-lua-header-filter');
        const guarded = facts.every((f) => f.hasNameGuard);
        const catalog = createCatalog();
        const xsrf = seen.flatMap((s) => s.actual).filter((v) => isXsrfCookie(catalog, parseSetCookie(v).name));
        if (guarded) expect(xsrf.some((v) => !hasHttpOnly(v)), 'a guarded Lua filter spares no XSRF cookie').toBe(true);
        else expect(xsrf.every((v) => hasHttpOnly(v)), 'an unguarded Lua filter leaves an XSRF cookie readable').toBe(true);
        // The cookies a guard names are the ones it spares: every other CSRF cookie gets HttpOnly.
        const names = catalog.xsrf.map((c) => c.name);
        const spared = new Set(facts.flatMap((f) => mentionedCookies(f.guardTexts.join('\n'), names)));
        if (spared.size > 0) {
          const locked = xsrf.filter((v) => !spared.has(parseSetCookie(v).name));
          expect(locked.filter((v) => !hasHttpOnly(v)), 'CSRF cookies the guard does not name stay readable').toEqual([]);
          expect(xsrf.some((v) => spared.has(parseSetCookie(v).name) && !hasHttpOnly(v)), 'no cookie the guard names is spared').toBe(true);
        }
        return;
      }
      if (process.env.LPC_DEBUG) for (const s of seen) console.log(c.name, s.endpoint.label, s.status, s.endpoint.requestPath, JSON.stringify(s.actual));
      for (const s of seen) {
        expect(s.actual, `${s.endpoint.label} (${s.kind}, ${s.status}) GET ${s.request}`).toEqual(s.predicted);
      }
      if (!c.lint) return;
      // The linter's verdict for the requests a case names: reported exactly where nginx breaks a CSRF cookie.
      const catalog = createCatalog();
      const readable = new Set(COOKIES.filter((v) => !hasHttpOnly(v)).map((v) => parseSetCookie(v).name));
      // A CSRF cookie the backend sent readable that reaches the browser with HttpOnly.
      const breaks = (lines: readonly string[]) => lines.some((v) => hasHttpOnly(v) && readable.has(parseSetCookie(v).name) && isXsrfCookie(catalog, parseSetCookie(v).name));
      const messages = c.lint().filter((m) => m.ruleId === 'xsrf-cookie-httponly').map((m) => m.message);
      for (const s of seen) {
        if (s.where === undefined || s.status !== 200) continue;
        const named = messages.some((m) => m.includes(`for requests where ${s.where}`));
        expect(named, `${s.endpoint.label} GET ${s.request}: the linter's messages (${messages.join(' / ')}) name these requests`).toBe(breaks(s.actual));
      }
    });

    if (!c.fixed) continue;
    it(`${c.name}: the .fixed.conf passes nginx -t and stops HttpOnly on XSRF cookies, keeping everything else`, async (ctx) => {
      const before = prepared.get(c.name);
      const after = prepared.get(`${c.name} → fixed`);
      if (!before?.served || !after || after.skip) return skipRealServer(ctx, after?.skip ?? before?.skip ?? 'not prepared');
      expect(after.testError, 'nginx -t refuses the fixed configuration').toBeUndefined();
      const b = await observe(before.served);
      const a = await observe(after.served!);
      // The root label names the file (x.conf / x.fixed.conf): compare what follows.
      const scope = (label: string) => label.split(' › ').slice(1).join(' › ');
      expect(a.map((x) => scope(x.endpoint.label))).toEqual(b.map((x) => scope(x.endpoint.label)));
      // Zero endpoints would compare nothing.
      if (a.length === 0) return skipRealServer(ctx, `no endpoint the test backends (${SERVED.join(', ')}) can serve`);
      const catalog = createCatalog();
      // The cookies the fix exempts (the products behind the scope); every other cookie, other
      // products' CSRF cookies included, keeps each flag it had, HttpOnly too.
      const found = c.name.startsWith('xsrf-cookie-httponly/') ? await exemptedCookies(join(FIXTURES, c.name), 'nginx') : new Map<string, Set<string>>();
      const all = found.get('*') ?? new Set<string>();
      const exempted = (name: string) => (all.size > 0 ? all.has(name) : isXsrfCookie(catalog, name));
      for (let i = 0; i < a.length; i++) {
        const where = `${a[i]!.endpoint.label} (${a[i]!.kind}, ${a[i]!.status})`;
        expect(a[i]!.actual, `${where}: fixed prediction`).toEqual(a[i]!.predicted);
        const byName = (lines: string[]) => new Map(lines.map((v) => [parseSetCookie(v).name, v]));
        const bm = byName(b[i]!.actual);
        for (const [name, value] of byName(a[i]!.actual)) {
          const was = bm.get(name);
          const sent = COOKIES.find((x) => parseSetCookie(x).name === name);
          if (exempted(name) && sent && !hasHttpOnly(sent)) expect(hasHttpOnly(value), `${where}: ${name} still HttpOnly`).toBe(false);
          if (!was) continue;
          expect(parseSetCookie(value).value, `${where}: ${name} value`).toBe(parseSetCookie(was).value);
          for (const flag of ['secure', ...(exempted(name) ? [] : ['httponly'])]) {
            if (hasAttribute(was, flag)) expect(hasAttribute(value, flag), `${where}: ${name} lost ${flag}`).toBe(true);
          }
        }
      }
    });
  }

  it('covers the extra cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(REAL_CASES.length);
  });
});
