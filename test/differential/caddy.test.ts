/**
 * Differential test against the real Caddy: random sites (caddy-grammar.ts), each on its own
 * port, served together by one Caddy in front of the HTTP test backend. For every endpoint the
 * model can send a request to, at several statuses, the Set-Cookie lines Caddy sends must be the
 * simulated ones; a site `caddy validate` refuses must be one the linter says Caddy refuses, and
 * the other way round. Seeds and counts: harness.ts.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { lowerCaddy } from '../../src/dialects/caddy/index.js';
import type { CaddyEndpoint } from '../../src/dialects/caddy/routes.js';
import { simulate } from '../../src/model/simulate.js';
import { createNodeIO } from '../../src/run/node-io.js';
import { createSourceFile } from '../../src/source.js';
import { cookieQuery, fetchCookies, startHttpBackend, type RunningBackend } from '../servers/backend.js';
import { caddyVersion, freePort, makeDir, removeDirs, startCaddy, validate, writeFiles, type RunningCaddy } from '../servers/caddy.js';
import { describeRealServer } from '../helpers/skips.js';
import { siteArb } from './caddy-grammar.js';
import { COOKIES, type DiffCase, type FixedCase, askAll, breaksToken, falsePositive, fixBroken, lintCase, outcomes, servedFixes, ows, refusal, sample, STATUSES, summary } from './harness.js';


/** Requests that take each branch of the generated conditions and give request values (an argument, a header, a cookie). */
const VARIANTS: readonly { query: string; headers?: Record<string, string> }[] = [{ query: '' }, { query: '&a=1' }, { query: '', headers: { 'X-Lpc': 'on', Cookie: 'sid=c1; a=2' } }];
const OPTIONS = '{\n\tadmin off\n\tauto_https off\n}\n';
const { seed, runs, cases: generated } = sample(siteArb);
const caddy = caddyVersion();
const installed = caddy.ok ? caddy.version : '2.6.2';
const io = createNodeIO(process.cwd());

interface Prepared extends DiffCase {
  readonly port: number;
  readonly endpoints: readonly CaddyEndpoint[];
  /** The linter's xsrf-cookie-httponly findings (sites Caddy accepts). */
  readonly xsrf?: readonly string[];
  /** What `--fix` made of the site (served on `port`), when it had fixes. */
  readonly fixed?: FixedCase & { readonly refusedBy?: string; readonly port: number };
}

describeRealServer(`Caddy ${installed}: random sites, simulator vs real server (seed ${seed})`, caddy.ok ? null : caddy.reason, () => {
  let backend: RunningBackend;
  let server: RunningCaddy | undefined;
  const cases: Prepared[] = [];

  beforeAll(async () => {
    backend = await startHttpBackend();
    const dir = makeDir();
    for (const [i, g] of generated.entries()) {
      const name = `case${i}`;
      const port = await freePort();
      const text = g.text(port, backend.port);
      const path = `/lpc-diff/${name}/Caddyfile`;
      const source = createSourceFile(path, text);
      const lowered = lowerCaddy(path, { ...io, read: (p: string) => (p === path ? source : io.read(p)) }, { nginxVersion: '1.0.0', caddyVersion: installed });
      writeFiles(dir, { [`${name}.caddy`]: `${OPTIONS}${text}`, [`${name}/Caddyfile`]: text });
      const v = validate(dir, `${name}.caddy`);
      let fixed: Prepared['fixed'];
      const linted = v.ok ? await lintCase(join(dir, name, 'Caddyfile'), 'caddy', { caddyVersion: installed }) : undefined;
      const f = linted?.fixed;
      if (f) {
        // Served beside the original on a port of its own.
        const fixedPort = await freePort();
        const own = f.text.replace(`http://127.0.0.1:${port} {`, `http://127.0.0.1:${fixedPort} {`);
        writeFiles(dir, { [`${name}-fixed.caddy`]: `${OPTIONS}${own}` });
        const fv = validate(dir, `${name}-fixed.caddy`);
        fixed = { ...f, text: own, port: fixedPort, ...(fv.ok ? {} : { refusedBy: fv.output }) };
      }
      cases.push({ name, text, port, model: lowered.model, endpoints: lowered.syntax.endpoints, ...(v.ok ? {} : { refusedBy: v.output }), ...(fixed ? { fixed } : {}), ...(linted ? { xsrf: linted.xsrf } : {}) });
    }
    const served = [...cases.filter((c) => !c.refusedBy), ...cases.flatMap((c) => (c.fixed && !c.fixed.refusedBy ? [c.fixed] : []))];
    if (served.length > 0) {
      writeFiles(dir, { 'all.caddy': `${OPTIONS}${served.map((c) => c.text).join('\n')}` });
      server = await startCaddy(dir, 'all.caddy', served.map((c) => c.port));
    }
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
    await backend?.close();
    removeDirs();
  });

  it('generates sites Caddy accepts', () => {
    expect(cases.filter((c) => !c.refusedBy).length, 'sites Caddy accepts').toBeGreaterThan(runs / 4);
  });

  it('every site: the linter refuses what caddy validate refuses, simulates what Caddy sends, and reports nothing where Caddy breaks no token', async () => {
    const failures: string[] = [];
    let compared = 0;
    for (const c of cases) {
      const r = refusal(c, 'caddy validate', (out) => out.trim().split('\n').at(-1) ?? out);
      if (r.disagreement) failures.push(r.disagreement);
      if (r.refused) continue;
      // Whether every request there is was made (for the precision check), and a token broken.
      let complete = true;
      let broke = false;
      const requested: string[] = [];
      const ask = (path: string, cookies: readonly string[], status: number, v: (typeof VARIANTS)[number] = VARIANTS[0]!) =>
        fetchCookies(c.port, `${path}?${cookieQuery(cookies)}&status=${status}${v.query}`, { host: `127.0.0.1:${c.port}`, ...(v.headers ? { headers: v.headers } : {}) });
      for (const endpoint of c.endpoints) {
        // Proxied, or answered by Caddy itself (the `module` producer): `respond`, `redir`, `error`,
        // a `file_server` without the file (one with it cannot be asked for here).
        const backend = endpoint.possibleBackends.length === 1 ? endpoint.possibleBackends[0] : undefined;
        if (endpoint.requestPath === undefined || (backend !== 'http' && backend !== 'module') || endpoint.file === 'found' || endpoint.undecided.length > 0 || endpoint.handlerPath?.startsWith('/') !== true) {
          complete = false;
          continue;
        }
        requested.push(endpoint.requestPath);
        for (const status of STATUSES) {
          const result = simulate('caddy', endpoint.pipeline, { backend, status }, COOKIES);
          const simulated = outcomes(result);
          if (result.tooComplex || result.bounded || simulated.length > 1) complete = false;
          if (result.tooComplex || result.bounded) continue;
          // Values the request decides ({query.a}, {header.X-Lpc}) are those of the request sent.
          for (const v of simulated.length > 1 || /\{(?:query|header|http\.request)/.test(c.text) ? VARIANTS : VARIANTS.slice(0, 1)) {
            const target = `${endpoint.requestPath}?${cookieQuery(COOKIES)}&status=${status}${v.query}`;
            const headers = { host: `127.0.0.1:${c.port}`, ...Object.fromEntries(Object.entries(v.headers ?? {}).map(([k, x]) => [k.toLowerCase(), x])) };
            const predicted = outcomes(simulate('caddy', endpoint.pipeline, { backend, status, request: { target, headers } }, COOKIES));
            const res = await ask(endpoint.requestPath, COOKIES, status, v);
            const actual = 'crashed' in res ? 'crash' : JSON.stringify(res.setCookies.map(ows));
            if (!('crashed' in res)) broke ||= res.setCookies.some((l) => breaksToken(l));
            compared++;
            if (!predicted.includes(actual)) failures.push(`${c.name} ${endpoint.label} GET ${endpoint.requestPath}${v.query} ${JSON.stringify(v.headers ?? {})} (status ${status}): Caddy sent ${actual}, simulated ${predicted.join(' or ')}\n${c.text}`);
          }
        }
      }
      // What a generated answer matches must be a scope of the model: a path the model has no
      // endpoint for is never compared above. A catch-all `handle {` takes every request before a
      // top-level `respond` or `error` (Caddy's directive order: handle, then error and respond);
      // `redir` and `handle /ans/*` come first.
      const catchAll = c.text.includes('\n\thandle {\n');
      for (const [prefix, form] of [['/ans/', 'handle /ans/* {'], ['/ans/', 'respond /ans/* '], ['/old/', 'redir /old/* '], ['/perm/', 'redir /perm/* '], ['/err/', 'error /err/* '], ['/files/', 'handle /files/* {']] as const) {
        if (!c.text.includes(form) || (catchAll && (form.startsWith('respond') || form.startsWith('error')))) continue;
        if (!c.endpoints.some((e) => e.requestPath?.startsWith(prefix))) failures.push(`${c.name}: no scope for the requests under ${prefix} (${form.trim()})\n${c.text}`);
      }
      const fp = await falsePositive(c, complete, broke, askAll(requested, ask));
      if (fp) failures.push(fp);
    }
    summary(cases, compared, failures);
    expect(compared, 'requests compared').toBeGreaterThan(0);
    expect(failures, `seed ${seed}`).toEqual([]);
  }, 300_000);

  it('every fix: caddy validate accepts it, and Caddy then sends the exempted CSRF cookies readable and every other cookie as before', async () => {
    const failures: string[] = [];
    for (const c of servedFixes(cases, 'caddy validate', (out) => out.trim().split('\n').at(-1) ?? out, failures)) {
      for (const endpoint of c.endpoints) {
        const backend = endpoint.possibleBackends.length === 1 ? endpoint.possibleBackends[0] : undefined;
        if (endpoint.requestPath === undefined || (backend !== 'http' && backend !== 'module') || endpoint.file === 'found' || endpoint.handlerPath?.startsWith('/') !== true) continue;
        for (const status of STATUSES) {
          const request = `${endpoint.requestPath}?${cookieQuery(COOKIES)}&status=${status}`;
          const [before, after] = await Promise.all([
            fetchCookies(c.port, request, { host: `127.0.0.1:${c.port}` }),
            fetchCookies(c.fixed.port, request, { host: `127.0.0.1:${c.fixed.port}` }),
          ]);
          if ('crashed' in before || 'crashed' in after) continue;
          for (const problem of fixBroken(endpoint.label, before.setCookies, after.setCookies, c.fixed)) failures.push(`${c.name} ${endpoint.label} (status ${status}): ${problem}\n${c.text}\n--- fixed ---\n${c.fixed.text}`);
        }
      }
    }
    expect(failures, `seed ${seed}`).toEqual([]);
  }, 300_000);
});
