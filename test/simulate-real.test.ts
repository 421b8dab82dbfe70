/**
 * `lint-proxy-config simulate` on the README's examples tells what the real servers send: the
 * example is served by Apache and nginx on loopback (made runnable by the real-server harnesses:
 * addresses and backends rewritten, nothing about cookies changed), the command's JSON output is
 * computed on the original file, and for every endpoint it prints the final Set-Cookie lines must
 * equal the server's response to the same request.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_NGINX_VERSION } from '../src/dialects/dialect.js';
import { lowerNginx, type NginxEndpoint } from '../src/dialects/nginx/index.js';
import { createNodeIO } from '../src/run/node-io.js';
import { apacheBinary, fetchFromHost, makeRoot, startApache, startBackends, type ApacheServer, type Backends } from './servers/apache.js';
import { fixtureAsVhosts } from './servers/apache-vhosts.js';
import { cookieQuery, freePort, startFastCgiBackend, startHttpBackend, type RunningBackend } from './servers/backend.js';
import { get, httpBoilerplate, loadModules, makePrefix, nginxVersion, startNginx, testConfig, writeFiles, type RunningNginx } from './servers/nginx.js';
import { runnable, type RunnableConfig } from './nginx/runnable.js';
import { cli } from './helpers/cli.js';
import { describeRealServer } from './helpers/skips.js';

const ROOT = new URL('../', import.meta.url).pathname;
const COOKIES = [
  'JSESSIONID=s1; Path=/; Secure',
  'atl.xsrf.token=t1; Path=/',
  'atlassian.xsrf.token=t2; Path=/jira; Secure',
  'XSRF-TOKEN=x1; path=/app; Expires=Wed, 21 Oct 2037 07:28:00 GMT',
  'csrftoken=c1',
];

interface SimulationJson {
  endpoint: string;
  requestPath: string | null;
  backend: string;
  output: string[] | null;
}

async function simulateJson(file: string, extra: string[] = []): Promise<SimulationJson[]> {
  const r = await cli(['simulate', file, ...COOKIES.flatMap((c) => ['--cookie', c]), '-f', 'json', '--no-config', ...extra], { cwd: ROOT });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as SimulationJson[];
}

const apache = apacheBinary();
describeRealServer('simulate vs real Apache on fixtures/examples/apache/jira.conf', apache ? null : 'apache2 is not installed', () => {
  const example = join(ROOT, 'fixtures/examples/apache/jira.conf');
  let root = '';
  let port = 0;
  let backends: Backends | undefined;
  let server: ApacheServer | undefined;
  let hosts: string[] = [];

  beforeAll(async () => {
    root = makeRoot('lpc-simulate-');
    port = await freePort();
    backends = await startBackends(root);
    const served = fixtureAsVhosts(readFileSync(example, 'utf8'), 'example', { port, backends });
    hosts = served.hosts;
    mkdirSync(join(root, 'cases'));
    writeFileSync(join(root, 'cases', 'example.conf'), served.text);
    server = await startApache(root, port, 'Include cases/*.conf');
  });

  afterAll(async () => {
    await server?.stop();
    await backends?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('prints the Set-Cookie lines Apache sends', async () => {
    const runs = (await simulateJson(example)).filter((r) => r.requestPath !== null && r.backend === 'http');
    expect(runs.length).toBeGreaterThan(0);
    // Virtual hosts are served in file order under example-<k>.test.
    const vhostLines = readFileSync(example, 'utf8').split('\n').filter((l) => /^\s*<VirtualHost\b/.test(l)).map((l) => l.trim());
    for (const run of runs) {
      const k = vhostLines.findIndex((l) => run.endpoint.startsWith(l));
      expect(k, `vhost of ${run.endpoint}`).toBeGreaterThanOrEqual(0);
      const res = await fetchFromHost(port, hosts[k]!, `${run.requestPath}?${cookieQuery(COOKIES)}`);
      expect('crashed' in res ? 'crash' : res.setCookies, `${run.endpoint} GET ${run.requestPath}`).toEqual(run.output);
    }
    // The example is the blanket rule: the simulation shows XSRF cookies gaining HttpOnly.
    expect(runs.some((r) => r.output?.some((l) => l.startsWith('atl.xsrf.token=') && /httponly/i.test(l)))).toBe(true);
  });
});

const nginx = nginxVersion();
describeRealServer('simulate vs real nginx on fixtures/examples/nginx/confluence.conf', nginx.ok ? null : nginx.reason, () => {
  const example = join(ROOT, 'fixtures/examples/nginx/confluence.conf');
  let http: RunningBackend | undefined;
  let fcgi: RunningBackend | undefined;
  let server: RunningNginx | undefined;
  let config: RunnableConfig | undefined;
  let endpoints: readonly NginxEndpoint[] = [];

  beforeAll(async () => {
    [http, fcgi] = await Promise.all([startHttpBackend(), startFastCgiBackend()]);
    const prefix = makePrefix();
    const port = await freePort();
    const lowered = lowerNginx(example, createNodeIO(ROOT), { nginxVersion: DEFAULT_NGINX_VERSION });
    endpoints = lowered.model.endpoints as readonly NginxEndpoint[];
    const made = runnable(lowered, { listen: port, http: http.port, fastcgi: fcgi.port }, 'example.test', prefix);
    if ('skip' in made) throw new Error(`the example cannot be served: ${made.skip}`);
    config = made;
    const text = made.kind === 'main' ? made.text : `events {}\nhttp {\n${httpBoilerplate(prefix)}\n${made.text}}\n`;
    writeFiles(prefix, { 'nginx.conf': loadModules(made.modules) + text });
    const t = testConfig(prefix);
    if (!t.ok) throw new Error(`nginx -t refuses the served example: ${t.output}`);
    server = await startNginx(prefix, port);
  });

  afterAll(async () => {
    await server?.stop();
    await http?.close();
    await fcgi?.close();
  });

  it('prints the Set-Cookie lines nginx sends', async () => {
    const runs = (await simulateJson(example)).filter((r) => r.requestPath !== null && r.backend === 'http');
    expect(runs.length).toBeGreaterThan(0);
    for (const run of runs) {
      const endpoint = endpoints.find((e) => e.label === run.endpoint);
      expect(endpoint, run.endpoint).toBeDefined();
      const res = await get(server!.port, `${run.requestPath}?${cookieQuery(COOKIES)}`, config!.host(endpoint!));
      expect(res.setCookies, `${run.endpoint} GET ${run.requestPath}`).toEqual(run.output);
    }
    expect(runs.some((r) => r.output?.some((l) => l.startsWith('atl.xsrf.token=') && /httponly/i.test(l)))).toBe(true);
  });
});
