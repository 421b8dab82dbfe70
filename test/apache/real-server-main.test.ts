/**
 * Main-server configuration on the real Apache: server-level `Header` directives run in every
 * virtual host before the vhost's own (mod_headers `merge_headers_config` appends), main-server
 * `<Location>` sections apply to vhost requests before the vhost's sections (so do its `<Proxy>`
 * sections, and its `<If>` sections merge before the vhost's), `SetEnv` in the main server is
 * seen by every vhost, and `RegexDefaultOptions` changes how later regexes compile.
 * The model is built from the whole httpd.conf (with its LoadModule lines).
 */
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apacheDialect } from '../../src/dialects/apache/index.js';
import { DEFAULT_NGINX_VERSION } from '../../src/dialects/dialect.js';
import { simulate } from '../../src/model/simulate.js';
import { createNodeIO } from '../../src/run/node-io.js';
import { freePort } from '../servers/backend.js';
import { apacheBinary, fetchFromHost, makeRoot, startApache, startBackends, type ApacheServer, type Backends } from '../servers/apache.js';
import { standardMounts } from '../servers/apache-vhosts.js';
import { cookieQuery } from '../servers/backend.js';
import { STANDARD_COOKIES } from './real-server-cases.js';
import { describeRealServer } from '../helpers/skips.js';

const available = apacheBinary() !== null;
describeRealServer('real Apache httpd: main server inherited by virtual hosts', available ? null : 'apache2 is not installed', () => {
  let root = '';
  let port = 0;
  let backends: Backends | undefined;
  let server: ApacheServer | undefined;

  beforeAll(async () => {
    root = makeRoot('lpc-apache-main-');
    port = await freePort();
    backends = await startBackends(root);
    const mounts = standardMounts({ port, backends });
    server = await startApache(
      root,
      port,
      [
        'RegexDefaultOptions +ICASE',
        'Header edit Set-Cookie ^(.*)$ "$1; ServerLevel"',
        'Header always edit Set-Cookie "$" "; AlwaysMain"',
        'SetEnv LPC_MAIN 1',
        '<Location /h/>',
        '    Header edit Set-Cookie "serverlevel" "MainLocSawIt"',
        '</Location>',
        '<If "true">',
        '    Header edit Set-Cookie "$" "; MainIf"',
        '    Header always edit Set-Cookie "$" "; MainIf"',
        '</If>',
        '<Proxy *>',
        '    Header always edit Set-Cookie "$" "; MainProxy"',
        '</Proxy>',
        `<VirtualHost 127.0.0.1:${port}>`,
        '    ServerName v1.test',
        mounts,
        '    Header edit Set-Cookie "$" "; V1" env=LPC_MAIN',
        '    Header edit Set-Cookie "$" "; V1NoEnv" env=!LPC_MAIN',
        '    <Location /h/>',
        '        Header edit Set-Cookie "$" "; V1Loc"',
        '    </Location>',
        '    <If "true">',
        '        Header edit Set-Cookie "$" "; V1If"',
        '    </If>',
        '    <Proxy *>',
        '        Header always edit Set-Cookie "$" "; V1Proxy"',
        '    </Proxy>',
        '</VirtualHost>',
        `<VirtualHost 127.0.0.1:${port}>`,
        '    ServerName v2.test',
        mounts,
        '</VirtualHost>',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await server?.stop();
    await backends?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('predicts every virtual host endpoint exactly', async () => {
    const model = apacheDialect.buildModel(join(root, 'httpd.conf'), createNodeIO(root), { nginxVersion: DEFAULT_NGINX_VERSION });
    expect(model.problems).toEqual([]);
    const mismatches: string[] = [];
    let probes = 0;
    for (const host of ['v1.test', 'v2.test']) {
      for (const e of model.endpoints.filter((x) => x.label.includes(`(${host})`) && x.requestPath !== undefined)) {
        for (const kind of new Set(e.backends.map((b) => b.kind))) {
          const path = kind === 'cgi' ? `${e.requestPath}lpc` : e.requestPath!;
          const res = await fetchFromHost(port, host, `${path}?${cookieQuery(STANDARD_COOKIES)}`);
          const actual = 'crashed' in res ? 'crash' : res.setCookies;
          const sim = simulate('apache', e.pipeline, { backend: kind, status: 200 }, STANDARD_COOKIES);
          const expected = sim.crash ? 'crash' : sim.lines.map((l) => l.value);
          probes++;
          if (JSON.stringify(actual) !== JSON.stringify(expected)) mismatches.push(`${e.label} [${kind}]\n  predicted ${JSON.stringify(expected)}\n  apache    ${JSON.stringify(actual)}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(probes).toBeGreaterThanOrEqual(6);
  });
});
