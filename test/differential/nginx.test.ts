/**
 * Differential test against the real nginx: random server blocks (nginx-grammar.ts) mixing every
 * directive that changes Set-Cookie lines across levels, served together by one nginx in front of
 * the HTTP test backend. For every endpoint the model can send a request to, at several statuses
 * and with requests that take both branches of each `if`, the Set-Cookie lines nginx sends must be
 * the simulated ones (one of the simulated outcomes when the result depends on the request).
 * A block `nginx -t` refuses must be one the linter says nginx refuses, and the other way round.
 * Seeds and counts: harness.ts.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { lowerNginx, type NginxEndpoint } from '../../src/dialects/nginx/index.js';
import { chainOf } from '../../src/dialects/nginx/levels.js';
import type { HeaderRewriteModel, SimRequest } from '../../src/model/header-rewrite.js';
import { simulate } from '../../src/model/simulate.js';
import { createNodeIO } from '../../src/run/node-io.js';
import { createSourceFile } from '../../src/source.js';
import { cookieQuery, startHttpBackend, type RunningBackend } from '../servers/backend.js';
import { freePort, get, httpBoilerplate, loadModules, makePrefix, moduleAvailable, nginxVersion, removePrefixes, startNginx, testConfig, writeFiles, type RunningNginx } from '../servers/nginx.js';
import { describeRealServer } from '../helpers/skips.js';
import { COOKIES, type DiffCase, type FixedCase, askAll, breaksToken, falsePositive, fixBroken, lintCase, outcomes, servedFixes, ows, refusal, sample, STATUSES, summary } from './harness.js';
import { serverArb } from './nginx-grammar.js';

/** Requests that take each branch of the generated `if` conditions. */
const VARIANTS: readonly { query: string; headers?: Record<string, string> }[] = [
  { query: '' },
  { query: '&a=1&m=1', headers: { 'X-Lpc': 'on' } },
  { query: '&a=2&m=2' },
  { query: '&type=text/html' },
];

const headersMore = moduleAvailable('headers-more');
const { seed, runs, cases: sampled } = sample(serverArb);
const generated = sampled.filter((s) => headersMore || !s.headersMore);

const nginx = nginxVersion();
const installed = nginx.ok ? nginx.version : '1.22.1';
const io = createNodeIO(process.cwd());

interface Prepared extends DiffCase {
  /** The linter's xsrf-cookie-httponly findings (blocks nginx accepts). */
  readonly xsrf?: readonly string[];
  /** What `--fix` made of the block (served as `<name>f.test`), when it had fixes. */
  readonly fixed?: FixedCase & { readonly refusedBy?: string };
}

function lower(name: string, text: string): HeaderRewriteModel {
  const path = `/lpc-diff/${name}.conf`;
  const source = createSourceFile(path, text);
  return lowerNginx(path, { ...io, read: (p: string) => (p === path ? source : io.read(p)) }, { nginxVersion: installed, context: 'http' }).model;
}


describeRealServer(`nginx ${installed}: random server blocks, simulator vs real server (seed ${seed})`, nginx.ok ? null : nginx.reason, () => {
  let backend: RunningBackend;
  let server: RunningNginx | undefined;
  let port: number;
  const cases: Prepared[] = [];

  beforeAll(async () => {
    backend = await startHttpBackend();
    port = await freePort();
    const prefix = makePrefix();
    // The files a location that proxies nothing serves (`root html`): `<path>f.txt` of every generated location.
    for (const dir of ['l0', 'l1', 'l2', 'L0', 'L1', 'L2', 'l0/deep', 'l1/deep', 'l2/deep']) writeFiles(prefix, { [`html/${dir}/f.txt`]: 'file\n' });
    const main = (blocks: readonly string[]) => `${loadModules(headersMore ? ['headers-more'] : [])}events {}\nhttp {\n${httpBoilerplate(prefix)}\n${blocks.join('\n')}}\n`;
    const accepted: string[] = [];
    const work = makePrefix();
    for (const [i, g] of generated.entries()) {
      const name = `case${i}`;
      const text = g.text(port, `${name}.test`, backend.port);
      writeFiles(prefix, { 'nginx.conf': main([text]) });
      const t = testConfig(prefix);
      let fixed: Prepared['fixed'];
      let xsrf: readonly string[] | undefined;
      if (t.ok) {
        accepted.push(text);
        writeFiles(work, { [`${name}.conf`]: text });
        const linted = await lintCase(join(work, `${name}.conf`), 'nginx', { context: 'http', nginxVersion: installed });
        xsrf = linted.xsrf;
        const f = linted.fixed;
        if (f) {
          // Served beside the original under its own names (server and map variables).
          const block = f.text.replaceAll(`${name}.test`, `${name}f.test`).replaceAll(`${name}_test`, `${name}f_test`);
          writeFiles(prefix, { 'nginx.conf': main([block]) });
          const ft = testConfig(prefix);
          fixed = { ...f, text: block, ...(ft.ok ? {} : { refusedBy: ft.output }) };
          if (ft.ok) accepted.push(block);
        }
      }
      cases.push({ name, text, model: lower(name, text), ...(t.ok ? {} : { refusedBy: t.output }), ...(fixed ? { fixed } : {}), ...(xsrf ? { xsrf } : {}) });
    }
    writeFiles(prefix, { 'nginx.conf': main(accepted) });
    if (accepted.length > 0) server = await startNginx(prefix, port);
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await backend?.close();
    removePrefixes();
  });

  it('generates blocks nginx accepts and blocks it refuses', () => {
    expect(cases.filter((c) => !c.refusedBy).length, 'blocks nginx accepts').toBeGreaterThan(runs / 4);
  });

  it('every block: the linter refuses what nginx -t refuses, simulates what nginx sends, and reports nothing where nginx breaks no token', async () => {
    const failures: string[] = [];
    let compared = 0;
    for (const c of cases) {
      const r = refusal(c, 'nginx -t', (out) => out.split('\n').find((l) => l.includes('emerg')) ?? out);
      if (r.disagreement) failures.push(r.disagreement);
      if (r.refused) continue;
      const endpoints = c.model.endpoints as NginxEndpoint[];
      // Whether every request there is was made (for the precision check), and a token broken.
      let complete = true;
      let broke = false;
      const requested: { path: string; headers: Record<string, string> }[] = [];
      const host = `${c.name}.test`;
      // Simulated for the probe request the ops were built for, or for the request sent (the
      // values of $host, $cookie_*, $arg_*... it carries). A scope nginx answers itself gives its
      // own response (the `module` producer), or no cookie at all.
      const outcomesOf = (family: readonly NginxEndpoint[], status: number, request?: SimRequest) => {
        const results = family.map((e) => {
          const backend = e.possibleBackends.includes('http') ? 'http' : e.possibleBackends[0];
          return backend ? simulate('nginx', e.pipeline, { backend, status, ...(request ? { request } : {}) }, COOKIES) : undefined;
        });
        if (results.some((r) => r?.tooComplex)) return undefined;
        const none = family.some((e) => e.possibleBackends.length === 0) ? ['[]'] : [];
        return [...new Set([...results.flatMap((r) => (r ? outcomes(r) : [])), ...none])];
      };
      for (const endpoint of endpoints) {
        // A server-level `if` that answers (a guard) may take any of the server's requests first;
        // one the model can steer (`$arg_a`) is met by no plain request, unless the endpoint's own
        // request path carries a query (an `if ($arg_a)` in the location).
        const server = chainOf(endpoint.level).find((l) => l.kind === 'server');
        const guards = endpoints.filter((e) => e.level.kind === 'if' && e.level.parent === server && e !== endpoint);
        const query = endpoint.requestPath?.includes('?') === true;
        const plainGuards = guards.filter((e) => query || e.requestPath === undefined);
        // The level's other scopes: the requests one `return` of its code answers (`› return 403`).
        const answers = endpoints.filter((e) => e.level === endpoint.level && e !== endpoint);
        // A request for a location may enter one of its `if` blocks whose condition the model
        // cannot steer (a file test, a header): those blocks' outcomes are possible answers too.
        // The variant requests (an argument, a header) may enter any of them.
        const ifs = endpoints.filter((e) => e.label.startsWith(`${endpoint.label} › if `));
        // And a request chosen to enter an `if` may be stopped before it by a `rewrite ... break`
        // the linter does not decide (it explores both): then the location answers. An `if` no
        // request gets to (a `return` before it) leaves its requests to the location's answers.
        const cut = endpoint.label.lastIndexOf(' › if ');
        const parentLabel = cut < 0 ? undefined : endpoint.label.slice(0, cut);
        const unreached = endpoint.level.kind === 'if' && endpoint.noBackend !== undefined;
        const stopped = parentLabel !== undefined && (unreached || /\brewrite\b/.test(c.text)) ? endpoints.filter((e) => e.label === parentLabel || (e.level === endpoint.level.parent && e.label.startsWith(`${parentLabel} › return`))) : [];
        const plainFamily = [endpoint, ...answers, ...stopped, ...ifs.filter((e) => query || e.requestPath === undefined), ...plainGuards];
        const anyFamily = [endpoint, ...answers, ...stopped, ...ifs, ...guards];
        if (endpoint.possibleBackends.length === 0 || endpoint.possibleBackends.join() === 'module') {
          // nginx answers itself (`return`, `deny all`), with the header filters of the scope; a
          // named location is reached through error_page only.
          if (endpoint.possibleBackends.length > 0) complete = false;
          if (endpoint.requestPath === undefined) continue;
          // In a location that serves files (`root html`), requests ask for a file: `f.txt` (200), and
          // for the file scope itself `missing.txt` too (404, unless an error page answers). An exact
          // location's only URI ends with `/`: the index module sends it elsewhere or refuses it.
          const files = chainOf(endpoint.level).find((l) => l.kind === 'location' && l.directive?.block?.children.some((d) => d.name.value === 'root'));
          if (files?.location?.modifier === '=') {
            complete = false;
            continue;
          }
          const [dir = '', args = ''] = endpoint.requestPath.split('?');
          const own = endpoint.backends.some((b) => b.target === 'nginx itself (static files)');
          const asked = !files ? [{ path: dir, status: 200 }] : [{ path: `${dir}f.txt`, status: 200 }, ...(own && !/error_page/.test(c.text) ? [{ path: `${dir}missing.txt`, status: 404 }] : [])];
          for (const { path: file, status } of asked) {
            const path = `${file}?${args ? `${args}&` : ''}${cookieQuery(COOKIES)}&status=200`;
            const simulated = outcomesOf(plainFamily, status, { target: path, headers: { connection: 'close', host } });
            const res = await get(port, path, host);
            broke ||= res.setCookies.some((l) => breaksToken(l));
            if (!simulated) continue;
            const actual = JSON.stringify(res.setCookies.map(ows));
            compared++;
            if (!simulated.includes(actual)) failures.push(`${c.name} ${endpoint.label} GET ${file}${args ? `?${args}` : ''} (nginx answers): nginx sent ${actual}, simulated ${simulated.join(' or ')}\n${c.text}`);
          }
          continue;
        }
        if (endpoint.requestPath === undefined || endpoint.possibleBackends.join() !== 'http') {
          complete = false;
          continue;
        }
        for (const status of STATUSES) {
          const plain = outcomesOf(plainFamily, status);
          const any = outcomesOf(anyFamily, status);
          if (!plain || !any || any.length > 1) complete = false;
          const variants = !any || any.length > 1 ? VARIANTS : VARIANTS.slice(0, 1);
          for (const v of variants) {
            const path = `${endpoint.requestPath}${endpoint.requestPath.includes('?') ? '&' : '?'}${cookieQuery(COOKIES)}&status=${status}${v.query}`;
            const headers = Object.fromEntries(Object.entries(v.headers ?? {}).map(([k, x]) => [k.toLowerCase(), x]));
            const simulated = outcomesOf(v === VARIANTS[0] ? plainFamily : anyFamily, status, { target: path, headers: { connection: 'close', ...headers, host } });
            if (!simulated) continue;
            const res = await get(port, path, `${c.name}.test`, v.headers ?? {});
            if (status === STATUSES[0]) requested.push({ path: `${endpoint.requestPath}${endpoint.requestPath.includes('?') ? '&' : '?'}${v.query.slice(1)}`, headers: v.headers ?? {} });
            const actual = JSON.stringify(res.setCookies.map(ows));
            broke ||= res.setCookies.some((l) => breaksToken(l));
            compared++;
            if (!simulated.includes(actual)) {
              failures.push(`${c.name} ${endpoint.label} GET ${endpoint.requestPath}${v.query} (status ${status}): nginx sent ${actual}, simulated ${simulated.join(' or ')}\n${c.text}`);
            }
          }
        }
      }
      const fp = await falsePositive(c, complete, broke, askAll(requested, (r, cookies, status) => get(port, `${r.path}&${cookieQuery(cookies)}&status=${status}`, `${c.name}.test`, r.headers)));
      if (fp) failures.push(fp);
    }
    summary(cases, compared, failures);
    expect(compared, 'requests compared').toBeGreaterThan(0);
    expect(failures, `seed ${seed}`).toEqual([]);
  }, 300_000);

  it('every fix: nginx -t accepts it, and nginx then sends the exempted CSRF cookies readable and every other cookie as before', async () => {
    const failures: string[] = [];
    for (const c of servedFixes(cases, 'nginx -t', (out) => out.split('\n').find((l) => l.includes('emerg')) ?? out, failures)) {
      for (const endpoint of c.model.endpoints as NginxEndpoint[]) {
        if (endpoint.requestPath === undefined || endpoint.possibleBackends.join() !== 'http') continue;
        for (const status of STATUSES) {
          for (const v of VARIANTS) {
            const request = `${endpoint.requestPath}${endpoint.requestPath.includes('?') ? '&' : '?'}${cookieQuery(COOKIES)}&status=${status}${v.query}`;
            const [before, after] = await Promise.all([get(port, request, `${c.name}.test`, v.headers ?? {}), get(port, request, `${c.name}f.test`, v.headers ?? {})]);
            for (const p of fixBroken(endpoint.label, before.setCookies, after.setCookies, c.fixed)) failures.push(`${c.name} GET ${endpoint.requestPath}${v.query} (status ${status}): ${p}\n${c.text}\n--- fixed ---\n${c.fixed.text}`);
          }
        }
      }
    }
    expect(failures, `seed ${seed}`).toEqual([]);
  }, 600_000);
});
