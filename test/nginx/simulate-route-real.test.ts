/**
 * `simulate --location PATH` against the real nginx where the request moves before it is served
 * (src/dialects/nginx/route.ts): server-level `rewrite`s (`last`, `break`, without a flag, a
 * redirect), a location's own `rewrite ... last` and a `rewrite` without a flag, and `try_files`
 * whose files do not exist (a named location, a URI, `=404`). Each location marks the cookies
 * with flags of its own, so the location that answered shows in the Set-Cookie lines; paths that
 * no rewrite takes sit beside the rewritten ones. The command runs on the very file nginx serves.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { describeRealServer } from '../helpers/skips.js';
import { cookieQuery, startHttpBackend, type RunningBackend } from '../servers/backend.js';
import { freePort, get, httpBoilerplate, makePrefix, nginxVersion, removePrefixes, startNginx, testConfig, writeFiles, type RunningNginx } from '../servers/nginx.js';

const COOKIES = ['JSESSIONID=s1; Path=/', 'XSRF-TOKEN=x1; Path=/', 'csrftoken=c1'];
const HOST = 'route.test';

function config(prefix: string, port: number, backend: number): string {
  const pass = `proxy_pass http://127.0.0.1:${backend};`;
  return `events {}
http {
${httpBoilerplate(prefix)}
server {
  listen 127.0.0.1:${port};
  server_name ${HOST};
  root ${join(prefix, 'html')};
  rewrite ^/old/(.*)$ /app/$1 last;
  rewrite ^/legacy/(?<rest>.*)$ /app/legacy-$rest break;
  rewrite ^/moved/(.*)$ /b/$1;
  rewrite ^/gone/ http://other.test/ permanent;
  location / {
    try_files $uri $uri/ @proxy;
  }
  location @proxy {
    ${pass}
    proxy_cookie_flags ~ httponly;
  }
  location /app/ {
    ${pass}
    proxy_cookie_flags ~ secure;
  }
  location /a/ {
    rewrite ^/a/(.*)$ /app/$1 last;
    ${pass}
    proxy_cookie_flags ~ samesite=lax;
  }
  location /b/ {
    rewrite ^/b/(x.*)$ /app/b-$1;
    ${pass}
    proxy_cookie_flags ~ samesite=strict;
  }
  location /t/ {
    try_files $uri /app/from-t$uri?$args;
  }
  location /nf/ {
    try_files $uri =404;
    add_header X-Nf 1;
  }
}
}
`;
}

interface Run {
  endpoint: string;
  backend: string;
  output: string[] | null;
}

const nginx = nginxVersion();
describeRealServer('simulate --location follows nginx rewrites and try_files (real nginx)', nginx.ok ? null : nginx.reason, () => {
  let backend: RunningBackend | undefined;
  let server: RunningNginx | undefined;
  let file = '';

  beforeAll(async () => {
    backend = await startHttpBackend();
    const prefix = makePrefix();
    const port = await freePort();
    writeFiles(prefix, { 'nginx.conf': config(prefix, port, backend.port), 'html/.keep': '' });
    file = join(prefix, 'nginx.conf');
    const t = testConfig(prefix);
    if (!t.ok) throw new Error(`nginx -t refuses the case: ${t.output}`);
    server = await startNginx(prefix, port);
  });

  afterAll(async () => {
    await server?.stop();
    await backend?.close();
    removePrefixes();
  });

  async function simulated(path: string): Promise<{ endpoints: string[]; lines: string[] }> {
    const r = await cli(['simulate', file, ...COOKIES.flatMap((c) => ['--cookie', c]), '--location', path, '-f', 'json', '--no-config'], { cwd: '/' });
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as Run[] | { reachesBackend: false; scopes: { endpoint: string }[] };
    if (!Array.isArray(json)) return { endpoints: json.scopes.map((s) => s.endpoint), lines: [] };
    const runs = json.filter((run) => run.backend === 'http');
    expect(runs, path).toHaveLength(1);
    return { endpoints: [runs[0]!.endpoint], lines: runs[0]!.output ?? [] };
  }

  // path → the scope nginx serves it from, after the rewrites and try_files.
  const REWRITES: readonly (readonly [string, string])[] = [
    ['/old/x', 'location /app/'], // server rewrite ... last
    ['/legacy/y', 'location /app/'], // server rewrite ... break, a named capture
    ['/moved/xz', 'location /app/'], // server rewrite without a flag, then the location's own
    ['/a/q', 'location /app/'], // the location's rewrite ... last
    ['/b/xy', 'location /app/'], // the location's rewrite without a flag: searched again
    ['/b/yy', 'location /b/'], // ... whose regex misses: served there
    ['/app/z', 'location /app/'], // no rewrite
  ];
  const TRY_FILES: readonly (readonly [string, string])[] = [
    ['/oldie', 'location @proxy'], // no rewrite (^/old/ misses); try_files falls back
    ['/index', 'location @proxy'], // try_files $uri $uri/ @proxy, no such file
    ['/t/k', 'location /app/'], // try_files to a URI: searched again from the server's code
  ];

  async function check(cases: readonly (readonly [string, string])[]): Promise<void> {
    for (const [path, where] of cases) {
      const sim = await simulated(path);
      expect(sim.endpoints[0], path).toMatch(new RegExp(` › ${where.replace(/[/@]/g, '\\$&')}$`));
      const res = await get(server!.port, `${path}?${cookieQuery(COOKIES)}`, HOST);
      expect(res.status, path).toBe(200);
      expect(res.setCookies, `${path} (${where})`).toEqual(sim.lines);
    }
  }

  it('serves a path rewritten at server or location level from the location simulate --location traces', () => check(REWRITES));

  it('serves a path whose try_files finds no file from the fallback simulate --location traces', () => check(TRY_FILES));

  it('sends no backend cookie where nginx answers itself, and simulate says no backend answers', async () => {
    for (const path of ['/gone/x', '/nf/x']) {
      const res = await get(server!.port, `${path}?${cookieQuery(COOKIES)}`, HOST);
      expect(res.setCookies, path).toEqual([]);
      const r = await cli(['simulate', file, '--location', path, '-f', 'json', '--no-config'], { cwd: '/' });
      if (path === '/gone/x') {
        expect(res.status).toBe(301);
        expect(r.code, r.stderr).toBe(0);
        const json = JSON.parse(r.stdout) as { reachesBackend: boolean; scopes: { endpoint: string }[] };
        expect(json.reachesBackend).toBe(false);
        expect(json.scopes.map((s) => s.endpoint)).toEqual([expect.stringMatching(/ › rewrite \^\/gone\/ http:\/\/other\.test\/ permanent$/)]);
      } else {
        // try_files ... =404: nginx's own 404, no location's backend (simulate finds no scope serving it).
        expect(res.status).toBe(404);
        expect(r.stdout).not.toMatch(/location \/nf\//);
      }
    }
  });
});
