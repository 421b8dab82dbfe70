/**
 * The simulator against the real Caddy. Every Caddy fixture (and its `.fixed` file) and every case
 * of real-cases.ts is linted for the installed Caddy version, made runnable (site addresses become
 * `http://127.0.0.1:<port>`, upstreams the test backend, admin and automatic HTTPS off) and served
 * by `caddy run` in front of the HTTP test backend; for every endpoint the linter found, the
 * Set-Cookie lines Caddy sends for its request path must equal the simulated pipeline's output,
 * in order. A configuration the linter says Caddy refuses (a lookahead in a regex, a missing
 * import) must fail `caddy validate`, and every other one must pass it. Every `.fixed` file must
 * make Caddy stop adding HttpOnly to XSRF cookies while every other cookie stays byte-identical.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCatalog, isXsrfCookie } from '../../src/cookies/catalog.js';
import type { Lowering } from '../../src/dialects/dialect.js';
import { lowerCaddy, type CaddySyntax } from '../../src/dialects/caddy/index.js';
import type { CaddyEndpoint } from '../../src/dialects/caddy/routes.js';
import { createNodeIO } from '../../src/run/node-io.js';
import { run } from '../../src/run/run.js';
import { createSourceFile, type TextEdit } from '../../src/source.js';
import type { HeaderRewriteModel } from '../../src/model/header-rewrite.js';
import { hasHttpOnly, parseSetCookie } from '../../src/model/set-cookie.js';
import { simulate } from '../../src/model/simulate.js';
import { cookieQuery, fetchCookies, startHttpBackend, type RunningBackend } from '../servers/backend.js';
import { adapt, caddyVersion, freePort, makeDir, removeDirs, startCaddy, validate, writeFiles, type RunningCaddy } from '../servers/caddy.js';
import { siteRoutes } from '../../src/dialects/caddy/caddyfile.js';
import { parseCaddyfile } from '../../src/dialects/caddy/parser.js';
import { parseCaddyVersion } from '../../src/dialects/caddy/version.js';
import { compileRe2 } from '../../src/regex/re2.js';
import { exemptedCookies, type Exemptions } from '../harness/exempt.js';
import { describeRealServer, skipRealServer } from '../helpers/skips.js';
import { REAL_CASES } from './real-cases.js';

const FIXTURES = new URL('../../fixtures/', import.meta.url).pathname;

/** Backend cookies: catalog CSRF and session cookies, odd spacing, attributes, a line without `=`. */
const COOKIES = [
  'JSESSIONID=s1; Path=/; Secure; HttpOnly',
  'atl.xsrf.token=t1; Path=/',
  'atlassian.xsrf.token=j1; Path=/',
  'XSRF-TOKEN=x1; path=/app; Expires=Wed, 21 Oct 2037 07:28:00 GMT',
  'csrftoken=c1',
  'sessionid=d1; Domain=example.com; Path=/app/; SameSite=Lax',
  'lpc_plain=p1;Path=/;Max-Age=60;',
  'NX-ANTI-CSRF-TOKEN=n1; Path=/; secure; samesite=strict',
  'atl.xsrf.token.slash=ts; Path=/',
  'sc=sentry; Path=/',
  'scx=not-sentry; Path=/',
  'XSRF-TOKEN =spaced; Path=/',
  'other=o1; Domain=.x.example.org; path=/APP/deep',
  'noeq; Path=/',
];

/** Request headers that satisfy the request matchers of the fixtures. */
const MATCHING_HEADERS = { 'User-Agent': 'Mozilla/5.0 (lint-proxy-config test)' };

const caddy = caddyVersion();
const installed = caddy.ok ? caddy.version : '2.6.2';

interface Case {
  readonly name: string;
  /** The configuration's files, relative names → text; the first is the root. */
  readonly files: () => { root: string; texts: Map<string, string> } ;
  readonly fixedOf?: string;
  /** An in-memory case whose --fix output is served and checked too. */
  readonly fixable?: boolean;
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
    const dir = join(FIXTURES, rule, 'caddy');
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) out.push(join(dir, f));
  }
  return out;
}

const io = createNodeIO(process.cwd());

/**
 * A fixture whose verdict depends on the Caddy version (`fixture: caddyVersion=...`, or the `>`
 * prefix of Caddy 2.7+ checked with the default version): it is served by the installed Caddy and
 * simulated for it like every other, but its fix is only checked by the fixture harness.
 */
function versionSpecific(text: string): boolean {
  const v = fixtureOptions(text).caddyVersion;
  if (v) return v.split('.').slice(0, 2).join('.') !== installed.split('.').slice(0, 2).join('.');
  const [major, minor] = installed.split('.').map(Number);
  return major === 2 && minor! < 7 && /^\s*(?:header\s+(?:\S+\s+)?)?>/m.test(text);
}

const cases: Case[] = [
  ...fixtureFiles().map((path) => {
    const text = readFileSync(path, 'utf8');
    const fixed = path.replace(/\.caddy$/, '.fixed.caddy');
    const c: Case = {
      name: path.slice(FIXTURES.length),
      files: () => ({ root: path, texts: new Map() }),
      ...(fixed !== path && !path.includes('.fixed.') && existsSync(fixed) && !versionSpecific(text) ? { fixedOf: fixed.slice(FIXTURES.length) } : {}),
    };
    return c;
  }),
  ...REAL_CASES.map((c) => ({
    name: `case: ${c.name}`,
    ...(c.fixable ? { fixable: true } : {}),
    files: () => ({ root: `/lpc-caddy-cases/${c.name.replace(/[^a-z0-9]+/gi, '-')}/${c.file}`, texts: new Map([['', c.text]]) }),
  })),
];

interface Prepared {
  readonly model: HeaderRewriteModel;
  readonly syntax: CaddySyntax;
  /** Ports of the sites, by site index. */
  readonly ports: readonly number[];
  readonly server?: RunningCaddy;
  readonly validateError?: string;
  /** The directory `{{ROOT}}` names in an in-memory case: the files its `file_server` endpoints find are made there. */
  readonly fileRoot?: string;
}

function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

describeRealServer(`Caddy ${installed}: simulator vs real server`, caddy.ok ? null : caddy.reason, () => {
  let http: RunningBackend;
  const prepared = new Map<string, Prepared>();
  /** The cookies the --fix of an in-memory case exempts (fixtures are asked when checked). */
  const exemptions = new Map<string, Exemptions>();
  const running: RunningCaddy[] = [];

  async function prepare(c: Case): Promise<Prepared> {
    const { root, texts } = c.files();
    const dir = makeDir();
    let ports: number[] = [];
    if (texts.size > 0) {
      // An in-memory case: fill in the ports, then lint exactly that text.
      const port = await freePort();
      ports = [port];
      const fileRoot = texts.get('')!.includes('{{ROOT}}') ? makeDir() : undefined;
      const text = texts.get('')!.replaceAll('{{PORT}}', String(port)).replaceAll('{{HTTP}}', `127.0.0.1:${http.port}`).replaceAll('{{ROOT}}', fileRoot ?? '');
      const source = createSourceFile(root, text);
      const mem = { ...io, read: (p: string) => (p === root ? source : io.read(p)) };
      const lowered = lowerCaddy(root, mem, { nginxVersion: '1.0.0', caddyVersion: installed });
      const file = root.slice(root.lastIndexOf('/') + 1);
      const serve = async (served: string, at: string, m: Lowering<CaddySyntax>, p: number[]): Promise<Prepared> => {
        const options = '\n\tadmin off\n\tauto_https off\n';
        const runnable = file.endsWith('.json') ? served.replace(/^\{/, '{ "admin": { "disabled": true },') : served.startsWith('{\n') ? served.replace(/^\{/, `{${options}`) : `{${options}}\n${served}`;
        writeFiles(at, { [file]: runnable });
        const v = validate(at, file);
        const root = fileRoot ? { fileRoot } : {};
        if (!v.ok) return { ...m, ports: p, validateError: v.output, ...root };
        const server = await startCaddy(at, file, p);
        running.push(server);
        return { ...m, ports: p, server, ...root };
      };
      // What --fix makes of the case, served on a port of its own.
      const fixed = (await run({ cwd: '/', paths: [], stdin: { text, filename: root }, type: 'caddy', caddyVersion: installed, fixDryRun: true })).results[0]?.output;
      if (fixed !== undefined && fixed !== text) {
        exemptions.set(c.name, await exemptedCookies(root, 'caddy', text));
        const fixedPort = await freePort();
        const fixedText = fixed.replaceAll(`127.0.0.1:${port}`, `127.0.0.1:${fixedPort}`);
        const fixedModel = lowerCaddy(root, { ...io, read: (p: string) => (p === root ? createSourceFile(root, fixedText) : io.read(p)) }, { nginxVersion: '1.0.0', caddyVersion: installed });
        prepared.set(`${c.name} → fixed`, await serve(fixedText, makeDir(), fixedModel, [fixedPort]));
      }
      return serve(text, dir, lowered, ports);
    }
    const { model, syntax: info } = lowerCaddy(root, io, { nginxVersion: '1.0.0', caddyVersion: installed });
    ports = await Promise.all(info.sites.map(() => freePort()));
    const edits: TextEdit[] = [];
    info.sites.forEach((s, i) => {
      if (s.keys.length === 0) return;
      const first = s.keys[0]!;
      const last = s.keys[s.keys.length - 1]!;
      edits.push({ file: first.file, start: first.start, end: last.end, text: `http://127.0.0.1:${ports[i]}` });
    });
    const upstreams = new Map<string, TextEdit>();
    for (const e of info.endpoints) {
      if (e.terminal.kind !== 'proxy') continue;
      for (const u of e.terminal.upstreams) upstreams.set(`${u.span.file}:${u.span.start}`, { file: u.span.file, start: u.span.start, end: u.span.end, text: `127.0.0.1:${http.port}` });
    }
    edits.push(...upstreams.values());
    const global = info.parsed?.blocks.find((b) => b.global);
    const options = '\n\tadmin off\n\tauto_https off\n';
    if (global) edits.push({ file: global.span.file, start: global.span.start + 1, end: global.span.start + 1, text: options });
    else edits.push({ file: root, start: 0, end: 0, text: `{${options}}\n` });
    const base = dirname(root);
    const written: Record<string, string> = {};
    for (const [path, source] of model.files) written[relative(base, path)] = applyEdits(source.text, edits.filter((e) => e.file === path));
    writeFiles(dir, written);
    const file = relative(base, root);
    const v = validate(dir, file);
    if (!v.ok) return { model, syntax: info, ports, validateError: `${v.output}\n--- config ---\n${written[file]}` };
    const server = await startCaddy(dir, file, ports.filter((_p, i) => info.sites[i]!.keys.length > 0));
    running.push(server);
    return { model, syntax: info, ports, server };
  }

  beforeAll(async () => {
    http = await startHttpBackend();
    const all = [...cases, ...cases.flatMap((c): Case[] => (c.fixedOf ? [{ name: c.fixedOf, files: () => ({ root: join(FIXTURES, c.fixedOf!), texts: new Map() }) }] : []))];
    const seen = new Set<string>();
    // A few at a time: each case is its own Caddy process.
    const queue = all.filter((c) => !seen.has(c.name) && seen.add(c.name));
    const work = async () => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        prepared.set(c.name, await prepare(c));
      }
    };
    await Promise.all([work(), work(), work()]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(running.map((r) => r.stop()));
    await http?.close();
    removeDirs();
  });

  /**
   * An endpoint the test can request and the test backend answer: Caddy 2.6 proxies a path a
   * strip left without its leading `/` as it is (`GET x HTTP/1.1`), which the backend refuses.
   */
  function servable(e: CaddyEndpoint): boolean {
    const backend = e.terminal.kind === 'respond' || (e.possibleBackends.length === 1 && e.possibleBackends[0] === 'http');
    return e.requestPath !== undefined && e.handlerPath?.startsWith('/') === true && backend && e.undecided.length === 0 && e.pipeline.every((op) => op.condition === null);
  }

  /**
   * What Caddy sends for each endpoint's request path. `matched`: also the endpoints behind a
   * request matcher the linter cannot decide, requested with headers that satisfy the fixtures'
   * matchers (their simulation assumes the matcher holds; only the fix check uses them).
   */
  async function observe(p: Prepared, matched = false, unknown: { n: number } = { n: 0 }): Promise<{ endpoint: CaddyEndpoint; actual: string[]; predicted: string[] }[]> {
    const out = [];
    const info = p.syntax;
    // A file_server endpoint that finds its file is requested after the file is made, once every
    // other endpoint (the one that does not find it among them) was requested.
    for (const endpoint of [...info.endpoints.filter((e) => e.file !== 'found'), ...info.endpoints.filter((e) => e.file === 'found')]) {
      // A fragment (a file or snippet without a site) is not served on its own.
      if (info.format === 'caddyfile' && info.sites[endpoint.site]!.keys.length === 0) continue;
      const undecided = endpoint.pipeline.some((op) => op.condition !== null);
      if (!(servable(endpoint) || (matched && undecided && endpoint.requestPath !== undefined && endpoint.handlerPath?.startsWith('/') === true && endpoint.possibleBackends.join() === 'http'))) continue;
      if (endpoint.file === 'found') {
        if (!p.fileRoot) continue;
        const file = join(p.fileRoot, endpoint.handlerPath!.endsWith('/') ? `${endpoint.handlerPath}index.html` : endpoint.handlerPath!);
        writeFiles(dirname(file), { [basename(file)]: 'found\n' });
      }
      const port = p.ports[endpoint.site]!;
      const path = `${endpoint.requestPath}?${cookieQuery(COOKIES)}`;
      const res = await fetchCookies(port, path, { host: `127.0.0.1:${port}`, ...(matched ? { headers: MATCHING_HEADERS } : {}) });
      if ('crashed' in res) throw new Error(`caddy closed the connection for ${path}`);
      // A handler that answers itself (respond, redir, file_server) is the `module` producer, whose
      // lines the pipeline drops: Caddy sends only the lines the header handlers add.
      const sim = simulate('caddy', endpoint.pipeline, { backend: endpoint.possibleBackends[0]!, status: 200 }, COOKIES);
      // An unknown result (a placeholder filled in at run time...) claims nothing to compare.
      if (sim.tooComplex) {
        unknown.n++;
        continue;
      }
      const predicted = sim.lines.map((l) => l.value.replace(/[ \t]+$/, ''));
      out.push({ endpoint, actual: res.setCookies.map((v) => v.replace(/[ \t]+$/, '')), predicted });
    }
    return out;
  }

  for (const c of cases) {
    it(`${c.name}: simulated Set-Cookie lines equal Caddy's`, async (ctx) => {
      const p = prepared.get(c.name);
      if (!p) throw new Error('not prepared');
      const refused = p.model.problems.filter((x) => x.kind === 'refused' || x.kind === 'include-unresolved' || x.kind === 'syntax').map((x) => x.message);
      if (refused.length > 0) {
        expect(p.validateError, `the linter says Caddy refuses it (${refused.join('; ')})`).toBeDefined();
        if (refused.some((m) => m.includes('regexp'))) expect(p.validateError).toContain('error parsing regexp');
        return;
      }
      expect(p.validateError, 'caddy validate refuses the runnable configuration').toBeUndefined();
      const unknown = { n: 0 };
      const seen = await observe(p, false, unknown);
      // Every endpoint's result is unknown to the linter (a regex it cannot run): it claims nothing.
      if (seen.length === 0 && unknown.n > 0) return;
      if (seen.length === 0) return skipRealServer(ctx, 'no endpoint the HTTP test backend serves unconditionally');
      if (process.env.LPC_DEBUG) for (const s of seen) console.log(c.name, s.endpoint.label, s.endpoint.requestPath, JSON.stringify(s.actual), JSON.stringify(s.predicted));
      for (const s of seen) expect(s.actual, `${s.endpoint.label} GET ${s.endpoint.requestPath}`).toEqual(s.predicted);
    }, 30_000);

    // Fixtures have their .fixed files; the in-memory cases marked fixable are fixed here.
    if (!c.fixedOf && !c.fixable) continue;
    it(`${c.name}: ${c.fixedOf ? 'the .fixed file' : 'the --fix output'} passes caddy validate and stops HttpOnly on XSRF cookies, keeping everything else`, async (ctx) => {
      const before = prepared.get(c.name);
      const after = prepared.get(c.fixedOf ?? `${c.name} → fixed`);
      expect(before?.server, 'the original configuration is served').toBeDefined();
      expect(after, c.fixedOf ? 'the .fixed file is prepared' : 'the linter offers a fix').toBeDefined();
      expect(after!.validateError, 'caddy validate refuses the fixed configuration').toBeUndefined();
      const b = await observe(before!, true);
      const a = await observe(after!, true);
      if (b.length === 0) return skipRealServer(ctx, 'every endpoint depends on a matcher the test does not decide');
      // The fixed copy is served on a port of its own, which its site address names.
      const where = (x: { endpoint: CaddyEndpoint }) => `${x.endpoint.label} ${x.endpoint.requestPath}`.replace(/127\.0\.0\.1:\d+/g, 'ADDR');
      expect(a.map(where)).toEqual(b.map(where));
      const catalog = createCatalog();
      // The cookies the fix exempts (the products behind the site); every other cookie, other
      // products' CSRF cookies included, is sent exactly as before.
      const found = c.fixedOf ? await exemptedCookies(join(FIXTURES, c.name), 'caddy') : (exemptions.get(c.name) ?? new Map<string, Set<string>>());
      const all = found.get('*') ?? new Set<string>();
      const exempted = (name: string) => isXsrfCookie(catalog, name) && (all.size === 0 || all.has(name));
      let xsrfFixed = 0;
      for (let i = 0; i < b.length; i++) {
        const was = b[i]!.actual;
        const now = a[i]!.actual;
        expect(now.length).toBe(was.length);
        for (let j = 0; j < was.length; j++) {
          const name = parseSetCookie(was[j]!).name;
          if (!exempted(name)) {
            expect(now[j], `${name} must not change`).toBe(was[j]);
            continue;
          }
          const sent = COOKIES.find((x) => parseSetCookie(x).name === name && x.split('=')[1]!.split(';')[0]!.trim() === parseSetCookie(was[j]!).value);
          if (sent && !hasHttpOnly(sent)) expect(hasHttpOnly(now[j]!), `${now[j]} must not be HttpOnly`).toBe(false);
          if (hasHttpOnly(was[j]!) && !hasHttpOnly(now[j]!)) xsrfFixed++;
        }
      }
      expect(xsrfFixed, 'the fix changes what Caddy sends for some XSRF cookie').toBeGreaterThan(0);
    }, 30_000);
  }
});

/** Patterns whose acceptance by Go's regexp (as Caddy compiles search_regexp) the linter must predict. */
const RE2_PATTERNS = [
  '^(?!XSRF-TOKEN=)(.*)$', '(?=x)', '(?<=x)a', '(?<!x)a', '(?>a)', '(?<name>a)', "(?'n'a)", '(a)\\1', 'a*+', 'a++', 'a?+', 'a\\Z', '\\Aa',
  '(?x)a', '(?i)^(?P<name>jsessionid)=', '[(?!]', '\\Q(?!\\E', '^a\\z', '(?s:.)', '[\\d\\w]+', 'x{2,3}?', '(?U)a+', '\\pL+', '[[:alpha:]]',
  'a{1001}', '\\e', '\\K', '\\G', '\\h', '\\x{41}', '(?m)^a$', '(?#comment)', '(?|a)', 'a{,3}', '\\0101', '\\cA',
];

describeRealServer(`Caddy ${installed}: RE2 refusals agree with caddy validate`, caddy.ok ? null : caddy.reason, () => {
  it.each(RE2_PATTERNS)('%s', (pattern) => {
    const dir = makeDir();
    const config = { apps: { http: { servers: { s: { listen: ['127.0.0.1:1'], routes: [{ handle: [{ handler: 'headers', response: { replace: { 'Set-Cookie': [{ search_regexp: pattern, replace: 'x' }] } } }] }] } } } } };
    writeFiles(dir, { 'caddy.json': JSON.stringify(config) });
    const real = validate(dir, 'caddy.json');
    const predicted = compileRe2(pattern);
    // `refused` is the linter's claim that Caddy will not start (a pattern it only cannot simulate is not refused).
    const accepted = predicted.ok || !predicted.refused;
    expect(accepted, `${pattern}: caddy says ${real.ok ? 'valid' : real.output.split('\n').filter((l) => l.includes('regexp')).join(' ')}`).toBe(real.ok);
    if (!real.ok && !predicted.ok) expect(real.output).toContain(predicted.error.message.replace(/^error parsing regexp: /, '').split(':')[0]!);
  }, 30_000);
});

/**
 * The adapter's directive sort on random sites: `header` directives with every kind of matcher the
 * sort tells apart (none, `*`, one path, a path differing by a trailing `*`, a named matcher with
 * one path, two paths, no path, a path and another condition, a negation), more than one block of
 * Go's stable sort (20), between a `rewrite` and a `reverse_proxy`. The order `caddy adapt` writes
 * the routes in must be the order the linter walks them in.
 */
describeRealServer(`Caddy ${installed}: directive order agrees with caddy adapt`, caddy.ok ? null : caddy.reason, () => {
  const MATCHERS = ['', '* ', '/a ', '/a* ', '/ab ', '/abc* ', '/b/* ', '@one ', '@two ', '@meth ', '@pm ', '@not '];
  const DEFS = '\t@one path /xyz\n\t@two path /a /bbbbbbb\n\t@meth method GET\n\t@pm {\n\t\tpath /qq\n\t\tmethod GET\n\t}\n\t@not not path /zz\n';
  let seed = 12345;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  it('30 random sites', () => {
    for (let round = 0; round < 30; round++) {
      const count = 3 + rand(40);
      const lines = Array.from({ length: count }, (_, i) => `\theader ${MATCHERS[rand(MATCHERS.length)]}X-N n${i}\n`);
      lines.splice(rand(lines.length), 0, '\treverse_proxy 127.0.0.1:9\n');
      const text = `:8080 {\n${DEFS}${lines.join('')}}\n`;
      const dir = makeDir();
      writeFiles(dir, { Caddyfile: text });
      const adapted = adapt(dir, 'Caddyfile');
      if (!adapted.ok) throw new Error(adapted.output);
      // biome-ignore lint/suspicious/noExplicitAny: the adapter's JSON, read for one field
      const routes = (adapted.json as any).apps.http.servers.srv0.routes as { handle: { response?: { set?: Record<string, string[]> } }[] }[];
      const real = routes.flatMap((r) => r.handle.flatMap((h) => h.response?.set?.['X-N'] ?? []));
      const parsed = parseCaddyfile('/Caddyfile', { ...io, read: (p: string) => (p === '/Caddyfile' ? createSourceFile(p, text) : io.read(p)) });
      const ctx = { problems: [], version: parseCaddyVersion(installed)!, text: (s: { start: number; end: number }) => text.slice(s.start, s.end) };
      const ours = siteRoutes(ctx, parsed.blocks.find((b) => !b.global)!, []).flatMap((r) =>
        r.handle.flatMap((h) => (h.kind === 'headers' ? [(h.build(null) as unknown as { set: { value: string }[] }).set[0]!.value] : [])),
      );
      expect(ours, text).toEqual(real);
    }
  }, 60_000);
});
