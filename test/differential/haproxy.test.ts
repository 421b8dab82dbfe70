/**
 * Differential test against the real HAProxy: random frontend/backend pairs (haproxy-grammar.ts)
 * served together by one HAProxy in front of the HTTP test backend. For every endpoint the model
 * can send a request to, at several statuses, the Set-Cookie lines HAProxy sends must be the
 * simulated ones; a proxy `haproxy -c` refuses must be one the linter says HAProxy refuses, and
 * the other way round. Seeds and counts: harness.ts.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_NGINX_VERSION } from '../../src/dialects/dialect.js';
import { buildHaproxyModel } from '../../src/dialects/haproxy/index.js';
import { simulate } from '../../src/model/simulate.js';
import { createNodeIO } from '../../src/run/node-io.js';
import { createSourceFile } from '../../src/source.js';
import { cookieQuery, fetchCookies, freePort, startHttpBackend, type RunningBackend } from '../servers/backend.js';
import { checkConfig, haproxyVersion, removeConfigs, startHaproxy, writeConfig, type RunningHaproxy } from '../servers/haproxy.js';
import { describeRealServer } from '../helpers/skips.js';
import { proxyArb } from './haproxy-grammar.js';
import { COOKIES, type DiffCase, type FixedCase, askAll, breaksToken, falsePositive, fixBroken, lintCase, outcomes, servedFixes, ows, refusal, sample, STATUSES, summary } from './harness.js';

/** Requests that take each branch of the generated conditions (an argument, a header). */
const VARIANTS: readonly { query: string; headers?: Record<string, string> }[] = [{ query: '' }, { query: '&a=1' }, { query: '&a=2' }, { query: '', headers: { 'X-Lpc': 'on' } }];

const DEFAULTS = ['defaults', '    mode http', '    timeout connect 5s', '    timeout client 5s', '    timeout server 5s', '    timeout tarpit 10ms', ''].join('\n');

const { seed, runs, cases: generated } = sample(proxyArb);
const haproxy = haproxyVersion();
const io = createNodeIO(process.cwd());

interface Prepared extends DiffCase {
  readonly port: number;
  /** The linter's xsrf-cookie-httponly findings (proxies HAProxy accepts). */
  readonly xsrf?: readonly string[];
  /** What `--fix` made of the proxy (renamed `<name>f`, on `fixedPort`), when it had fixes. */
  readonly fixed?: FixedCase & { readonly refusedBy?: string; readonly port: number };
}

describeRealServer(`haproxy: random proxies, simulator vs real server (seed ${seed})`, haproxy.ok ? null : haproxy.reason, () => {
  let backend: RunningBackend;
  let server: RunningHaproxy | undefined;
  const cases: Prepared[] = [];

  beforeAll(async () => {
    backend = await startHttpBackend();
    for (const [i, g] of generated.entries()) {
      const name = `case${i}`;
      const port = await freePort();
      const text = `${DEFAULTS}\n${g.text(name, port, backend.port)}`;
      const path = `/lpc-diff/${name}.cfg`;
      const source = createSourceFile(path, text);
      const model = buildHaproxyModel(path, { ...io, read: (p: string) => (p === path ? source : io.read(p)) }, { nginxVersion: DEFAULT_NGINX_VERSION });
      const file = writeConfig(text);
      const t = checkConfig(file);
      let fixed: Prepared['fixed'];
      const linted = t.ok ? await lintCase(file, 'haproxy') : undefined;
      const f = linted?.fixed;
      if (f) {
        // Served beside the original under its own names and port.
        const fixedPort = await freePort();
        const own = f.text.replaceAll(`fe_${name}`, `fe_${name}f`).replaceAll(`be_${name}`, `be_${name}f`).replaceAll(`be2_${name}`, `be2_${name}f`).replace(`bind 127.0.0.1:${port}`, `bind 127.0.0.1:${fixedPort}`);
        const ft = checkConfig(writeConfig(own));
        fixed = { ...f, text: own, port: fixedPort, ...(ft.ok ? {} : { refusedBy: ft.output }) };
      }
      cases.push({ name, text, port, model, ...(t.ok ? {} : { refusedBy: t.output }), ...(fixed ? { fixed } : {}), ...(linted ? { xsrf: linted.xsrf } : {}) });
    }
    const served = [...cases.filter((c) => !c.refusedBy), ...cases.flatMap((c) => (c.fixed && !c.fixed.refusedBy ? [{ ...c.fixed }] : []))];
    if (served.length > 0) {
      const all = `${DEFAULTS}\n${served.map((c) => c.text.slice(DEFAULTS.length + 1)).join('\n')}`;
      server = await startHaproxy(writeConfig(all), served.map((c) => c.port));
    }
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await backend?.close();
    removeConfigs();
  });

  it('generates proxies HAProxy accepts', () => {
    expect(cases.filter((c) => !c.refusedBy).length, 'proxies HAProxy accepts').toBeGreaterThan(runs / 4);
  });

  it('every proxy: the linter refuses what haproxy -c refuses, simulates what HAProxy sends, and reports nothing where HAProxy breaks no token', async () => {
    const failures: string[] = [];
    let compared = 0;
    for (const c of cases) {
      const r = refusal(c, 'haproxy -c', (out) => out.split('\n').find((l) => /ALERT/.test(l)) ?? out);
      if (r.disagreement) failures.push(r.disagreement);
      if (r.refused) continue;
      // Whether every request there is was made (for the precision check), and a token broken.
      let complete = true;
      let broke = false;
      const requested: string[] = [];
      const ask = (path: string, cookies: readonly string[], status: number, v: (typeof VARIANTS)[number] = VARIANTS[0]!) =>
        fetchCookies(c.port, `${path}${path.includes('?') ? '&' : '?'}${cookieQuery(cookies)}&status=${status}${v.query}`, v.headers ? { headers: v.headers } : {});
      for (const endpoint of c.model.endpoints) {
        if (!endpoint.label.startsWith(`frontend fe_${c.name}`)) continue;
        if (endpoint.requestPath === undefined) {
          complete = false;
          continue;
        }
        requested.push(endpoint.requestPath);
        for (const status of STATUSES) {
          const result = simulate('haproxy', endpoint.pipeline, { backend: 'http', status }, COOKIES);
          const simulated = outcomes(result);
          if (result.tooComplex || result.bounded || simulated.length > 1) complete = false;
          if (result.tooComplex || result.bounded) continue;
          // Where the outcome depends on the request, requests that take the branches.
          for (const v of simulated.length > 1 || /%\[var\(/.test(c.text) ? VARIANTS : VARIANTS.slice(0, 1)) {
            // Values the request decides (a variable set from it) are that request's.
            const p = endpoint.requestPath;
            const target = `${p}${p.includes('?') ? '&' : '?'}${cookieQuery(COOKIES)}&status=${status}${v.query}`;
            const headers = Object.fromEntries(Object.entries(v.headers ?? {}).map(([k, x]) => [k.toLowerCase(), x]));
            const predicted = outcomes(simulate('haproxy', endpoint.pipeline, { backend: 'http', status, request: { target, headers } }, COOKIES));
            const res = await ask(p, COOKIES, status, v);
            const actual = 'crashed' in res ? 'crash' : JSON.stringify(res.setCookies.map(ows));
            if (!('crashed' in res)) broke ||= res.setCookies.some((l) => breaksToken(l));
            compared++;
            if (!predicted.includes(actual)) failures.push(`${c.name} ${endpoint.label} (status ${status}, ${JSON.stringify(v)}): HAProxy sent ${actual}, simulated ${predicted.join(' or ')}\n${c.text}`);
          }
        }
      }
      const fp = await falsePositive(c, complete, broke, askAll(requested, ask));
      if (fp) failures.push(fp);
    }
    summary(cases, compared, failures);
    expect(compared, 'requests compared').toBeGreaterThan(0);
    expect(failures, `seed ${seed}`).toEqual([]);
  }, 300_000);

  it('every fix: haproxy -c accepts it, and HAProxy then sends the exempted CSRF cookies readable and every other cookie as before', async () => {
    const failures: string[] = [];
    for (const c of servedFixes(cases, 'haproxy -c', (out) => out.split('\n').find((l) => /ALERT/.test(l)) ?? out, failures)) {
      for (const endpoint of c.model.endpoints) {
        if (!endpoint.label.startsWith(`frontend fe_${c.name}`) || endpoint.requestPath === undefined) continue;
        for (const status of STATUSES) {
          const p = endpoint.requestPath;
          const request = `${p}${p.includes('?') ? '&' : '?'}${cookieQuery(COOKIES)}&status=${status}`;
          const [before, after] = await Promise.all([fetchCookies(c.port, request), fetchCookies(c.fixed.port, request)]);
          if ('crashed' in before || 'crashed' in after) continue;
          for (const problem of fixBroken(endpoint.label, before.setCookies, after.setCookies, c.fixed)) failures.push(`${c.name} ${endpoint.label} (status ${status}): ${problem}\n${c.text}\n--- fixed ---\n${c.fixed.text}`);
        }
      }
    }
    expect(failures, `seed ${seed}`).toEqual([]);
  }, 300_000);
});
