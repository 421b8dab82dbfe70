/**
 * Differential test against the real Apache httpd: random virtual hosts (apache-grammar.ts)
 * mixing every `Header` action and table, conditions and cookie mappings across the virtual host
 * and its sections, served together by one httpd in front of HTTP, FastCGI and CGI backends.
 * For every endpoint the model can send a request to, at several statuses and with requests that
 * take both branches of each condition, the Set-Cookie lines httpd sends must be the simulated
 * ones (one of the simulated outcomes when the result depends on the request), or httpd must drop
 * the connection where the simulation predicts a crash. A virtual host `apache2 -t` refuses must
 * be one the linter says httpd refuses, and the other way round.
 * Seeds and counts: harness.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { lowerApache } from '../../src/dialects/apache/lower.js';
import type { Endpoint } from '../../src/model/header-rewrite.js';
import { simulate } from '../../src/model/simulate.js';
import { createNodeIO } from '../../src/run/node-io.js';
import { apacheBinary, checkConfig, fetchFromHost, makeRoot, preamble, startApache, startBackends, type ApacheServer, type Backends } from '../servers/apache.js';
import { cookieQuery, freePort } from '../servers/backend.js';
import { describeRealServer } from '../helpers/skips.js';
import { COOKIES, type DiffCase, type FixedCase, askAll, breaksToken, falsePositive, fixBroken, lintCase, outcomes, servedFixes, ows, refusal, sample, STATUSES, summary } from './harness.js';
import { vhostArb } from './apache-grammar.js';

const VARIANTS: readonly string[] = ['', '&a=1', '&a=2'];
const SERVED_KINDS: Readonly<Record<string, string>> = { http: '/h/', fastcgi: '/f/', cgi: '/cgi/' };
/** The statuses each test backend can answer with (the FastCGI one always answers 200). */
const statusesOf = (kind: string): readonly number[] => (kind === 'fastcgi' ? [200] : STATUSES);

const { seed, runs, cases: generated } = sample(vhostArb);
const available = apacheBinary() !== null;

interface Prepared extends DiffCase {
  /** The linter's xsrf-cookie-httponly findings (cases httpd accepts). */
  readonly xsrf?: readonly string[];
  /** What `--fix` made of the virtual host (served as `<name>f.test`), when it had fixes. */
  readonly fixed?: FixedCase & { readonly refusedBy?: string };
}


describeRealServer(`Apache: random virtual hosts, simulator vs real server (seed ${seed})`, available ? null : 'apache2 is not installed', () => {
  let root: string;
  let backends: Backends;
  let server: ApacheServer | undefined;
  let port: number;
  const cases: Prepared[] = [];

  beforeAll(async () => {
    root = makeRoot('lpc-diff-apache-');
    backends = await startBackends(root);
    port = await freePort();
    const mounts = { http: backends.http.port, fcgi: backends.fcgi.port, cgiDir: backends.cgiDir };
    const io = createNodeIO(root);
    const accepted: string[] = [];
    const head = `${preamble(root, port)}\n`;
    for (const [i, g] of generated.entries()) {
      const name = `case${i}`;
      const text = g.text(port, `${name}.test`, mounts);
      const t = checkConfig(root, text);
      // The model of exactly what httpd reads: the preamble (modules) and this virtual host.
      const file = join(root, `${name}.conf`);
      writeFileSync(file, `${head}${text}\n`);
      const model = lowerApache(file, io, { nginxVersion: '1.22.1' }).model;
      let fixed: Prepared['fixed'];
      let xsrf: readonly string[] | undefined;
      if (t.ok) {
        accepted.push(text);
        const linted = await lintCase(file, 'apache');
        xsrf = linted.xsrf;
        const f = linted.fixed;
        if (f) {
          // Served beside the original under its own name; the preamble must come back untouched.
          const vhost = f.text.startsWith(head) ? f.text.slice(head.length).replace(`ServerName ${name}.test`, `ServerName ${name}f.test`) : `--fix changed the preamble:\n${f.text}`;
          const ft = checkConfig(root, vhost);
          fixed = { ...f, text: vhost, ...(ft.ok ? {} : { refusedBy: ft.output }) };
          if (ft.ok) accepted.push(vhost);
        }
      }
      cases.push({ name, text, model, ...(t.ok ? {} : { refusedBy: t.output }), ...(fixed ? { fixed } : {}), ...(xsrf ? { xsrf } : {}) });
    }
    if (accepted.length > 0) server = await startApache(root, port, accepted.join('\n'));
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await backends?.close();
  });

  it('generates virtual hosts httpd accepts', () => {
    expect(cases.filter((c) => !c.refusedBy).length, 'virtual hosts httpd accepts').toBeGreaterThan(runs / 4);
  });

  it('every virtual host: the linter refuses what apache2 -t refuses, simulates what httpd sends, and reports nothing where httpd breaks no token', async () => {
    const failures: string[] = [];
    let compared = 0;
    for (const c of cases) {
      const r = refusal(c, 'apache2 -t', (out) => out.trim().split('\n')[0] ?? out);
      if (r.disagreement) failures.push(r.disagreement);
      if (r.refused) continue;
      const endpoints = c.model.endpoints.filter((e: Endpoint) => e.label.includes(`${c.name}.test`));
      // Whether every request there is was made (for the precision check), and a token broken.
      let complete = true;
      let broke = false;
      const requested: string[] = [];
      for (const endpoint of endpoints) {
        for (const kind of endpoint.possibleBackends) {
          const mount = SERVED_KINDS[kind];
          if (!mount || endpoint.requestPath === undefined || !endpoint.requestPath.startsWith(mount)) {
            complete = false;
            continue;
          }
          const path = kind === 'cgi' ? `${endpoint.requestPath}lpc` : endpoint.requestPath;
          requested.push(path);
          for (const status of statusesOf(kind)) {
            const result = simulate('apache', endpoint.pipeline, { backend: kind as 'http', status }, COOKIES);
            const simulated = outcomes(result);
            if (result.tooComplex || simulated.length > 1) complete = false;
            if (result.tooComplex) continue;
            for (const v of simulated.length > 1 ? VARIANTS : VARIANTS.slice(0, 1)) {
              const target = `${path}?${cookieQuery(COOKIES)}&status=${status}${v}`;
              // The values an `expr=` string reads (%{REQUEST_URI}, %{QUERY_STRING}...) are the request's sent.
              const predicted = outcomes(simulate('apache', endpoint.pipeline, { backend: kind as 'http', status, request: { target, headers: { host: `${c.name}.test` } } }, COOKIES));
              const res = await fetchFromHost(port, `${c.name}.test`, target);
              const actual = 'crashed' in res ? 'crash' : JSON.stringify(res.setCookies.map(ows));
              if (!('crashed' in res)) broke ||= res.setCookies.some((l) => breaksToken(l));
              compared++;
              if (!predicted.includes(actual)) {
                failures.push(`${c.name} ${endpoint.label} (${kind}) GET ${path}${v} (status ${status}): httpd sent ${actual}, simulated ${predicted.join(' or ')}\n${c.text}`);
              }
            }
          }
        }
      }
      const fp = await falsePositive(c, complete, broke, askAll(requested, (path, cookies, status) => fetchFromHost(port, `${c.name}.test`, `${path}?${cookieQuery(cookies)}&status=${status}`)));
      if (fp) failures.push(fp);
    }
    summary(cases, compared, failures);
    expect(compared, 'requests compared').toBeGreaterThan(0);
    expect(failures, `seed ${seed}`).toEqual([]);
  }, 600_000);

  it('every fix: apache2 -t accepts it, and httpd then sends the exempted CSRF cookies readable and every other cookie as before', async () => {
    const failures: string[] = [];
    for (const c of servedFixes(cases, 'apache2 -t', (out) => out.trim().split('\n')[0] ?? out, failures)) {
      for (const endpoint of c.model.endpoints.filter((e: Endpoint) => e.label.includes(`${c.name}.test`) && e.requestPath !== undefined)) {
        for (const kind of endpoint.possibleBackends) {
          const mount = SERVED_KINDS[kind];
          if (!mount || !endpoint.requestPath!.startsWith(mount)) continue;
          const path = kind === 'cgi' ? `${endpoint.requestPath}lpc` : endpoint.requestPath!;
          for (const status of statusesOf(kind)) {
            for (const v of VARIANTS) {
              const request = `${path}?${cookieQuery(COOKIES)}&status=${status}${v}`;
              const [before, after] = await Promise.all([fetchFromHost(port, `${c.name}.test`, request), fetchFromHost(port, `${c.name}f.test`, request)]);
              if ('crashed' in before || 'crashed' in after) continue;
              for (const p of fixBroken(endpoint.label, before.setCookies, after.setCookies, c.fixed)) failures.push(`${c.name} GET ${path}${v} (${kind}, status ${status}): ${p}\n${c.text}\n--- fixed ---\n${c.fixed.text}`);
            }
          }
        }
      }
    }
    expect(failures, `seed ${seed}`).toEqual([]);
  }, 600_000);
});
