/**
 * Unknown directives against the real nginx: generated configurations (every directive the
 * linter takes for built in, misspellings, dynamic modules loaded and not) go through `nginx -t`
 * and through the linter, which must report `unknown directive "x"` exactly where nginx does.
 */
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { buildNginxModel } from '../../src/dialects/nginx/index.js';
import { BUILT_IN } from '../../src/dialects/nginx/known-directives.js';
import { createNodeIO } from '../../src/run/node-io.js';
import { describeRealServer, skipRealServer } from '../helpers/skips.js';
import { MODULES_DIR, loadModules, makePrefix, moduleAvailable, nginxVersion, removePrefixes, testConfig, writeFiles, type NginxModule } from '../servers/nginx.js';

const nginx = nginxVersion();
const installed = nginx.ok ? nginx.version : '0.0.0';

/** A main configuration loading `modules`, with `directive` inside a location. */
function config(directive: string, modules: readonly NginxModule[] = []): string {
  return `${loadModules(modules)}events {}\nhttp {\n  access_log off;\n  server {\n    listen 127.0.0.1:9;\n    location / {\n      ${directive}\n    }\n  }\n}\n`;
}

/** The name nginx calls unknown, and the one the linter does (undefined: none). */
function verdicts(text: string): { nginx: string | undefined; linter: string | undefined; output: string } {
  const prefix = makePrefix();
  writeFiles(prefix, { 'nginx.conf': text });
  const t = testConfig(prefix);
  const model = buildNginxModel(join(prefix, 'nginx.conf'), createNodeIO(prefix), { nginxVersion: installed });
  const unknown = (s: string) => /unknown directive "([^"]+)"/.exec(s)?.[1];
  return { nginx: unknown(t.output), linter: model.problems.map((p) => unknown(p.message)).find(Boolean), output: t.output };
}

describeRealServer(`nginx ${installed}: unknown directives as nginx -t reports them`, nginx.ok ? null : nginx.reason, () => {
  afterAll(removePrefixes);
  const cases: [string, string][] = [
    ['proxy_cookie-Path / /app/;', 'a misspelling'],
    ['Proxy_pass http://127.0.0.1:8080;', 'a capital (names are case-sensitive)'],
    ['proxy_cookie_paths / /app/;', 'an extra letter'],
    ['set_cookie_flag JSESSIONID HttpOnly;', 'a third-party directive'],
    ['proxy_cookie_path / /app/;', 'a known directive'],
    ['more_set_headers "X-A: b";', 'headers-more without load_module'],
    ['content_by_lua_block { ngx.say(1) }', 'lua without load_module'],
  ];
  for (const [directive, what] of cases) {
    it(`${what}: ${directive}`, () => {
      const v = verdicts(config(directive));
      expect(v.linter, v.output).toBe(v.nginx);
    });
  }

  const loaded: [string, readonly NginxModule[]][] = [
    ['more_set_headers "X-A: b";', ['headers-more']],
    ['more_set_header "X-A: b";', ['headers-more']],
    ['content_by_lua_block { ngx.say(1) }', ['lua']],
    ['header_filter_by_lua_block { ngx.header["X-A"] = "b" }', ['lua']],
    ['more_set_headers "X-A: b";', ['lua']],
    ['content_by_lua_block { ngx.say(1) }', ['headers-more']],
  ];
  for (const [directive, modules] of loaded) {
    it(`with ${modules.join(', ')} loaded: ${directive}`, (ctx) => {
      if (!modules.every(moduleAvailable)) return skipRealServer(ctx, `${modules.join(', ')} not installed in ${MODULES_DIR}`);
      const v = verdicts(config(directive, modules));
      expect(v.linter, v.output).toBe(v.nginx);
    });
  }

  it('every built-in directive of known-directives.ts is known to the installed nginx', () => {
    const refused: string[] = [];
    for (const name of BUILT_IN) {
      const prefix = makePrefix();
      writeFiles(prefix, { 'nginx.conf': `${name};\nevents {}\n` });
      if (testConfig(prefix).output.includes(`unknown directive "${name}"`)) refused.push(name);
    }
    expect(refused).toEqual([]);
  }, 120_000);
});
