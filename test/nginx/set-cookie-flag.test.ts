/**
 * nginx_cookie_flag_module's `set_cookie_flag`, as its source (AirisX/nginx_cookie_flag_module,
 * ngx_http_cookie_flag_filter_module.c) defines it: no Debian package ships the module, so these
 * tests pin the semantics read from `ngx_http_cookie_flag_filter_cmd` (the checks and messages),
 * `_merge_loc_conf` (inheritance), `_handler` (which entry applies) and `_append` (how flags are
 * written), and the fixture harness checks the verdicts (fixtures/xsrf-cookie-httponly/nginx).
 */
import { describe, expect, it } from 'vitest';
import { buildNginxModel } from '../../src/dialects/nginx/index.js';
import { appendFlags, entryFor, type SetCookieFlagEntry } from '../../src/model/ops/nginx-set-cookie-flag.js';
import { simulate } from '../../src/model/simulate.js';
import { DEFAULT_NGINX_VERSION } from '../../src/dialects/dialect.js';
import { memoryIO } from './memory-io.js';

const FILE = '/etc/nginx/nginx.conf';
const wrap = (server: string) => `load_module modules/ngx_http_cookie_flag_filter_module.so;\nevents {}\nhttp {\n  server {\n    listen 80;\n${server}\n  }\n}\n`;
const model = (server: string) => buildNginxModel(FILE, memoryIO({ [FILE]: wrap(server) }), { nginxVersion: DEFAULT_NGINX_VERSION });

function run(server: string, location: string, cookies: string[], backend: 'http' | 'fastcgi' = 'http'): string[] {
  const m = model(server);
  const ep = m.endpoints.find((e) => e.label.endsWith(location));
  if (!ep) throw new Error(`no endpoint ${location}: ${m.endpoints.map((e) => e.label).join(', ')}`);
  return simulate('nginx', ep.pipeline, { backend, status: 200 }, cookies).lines.map((l) => l.value);
}

describe('set_cookie_flag', () => {
  it('applies the first named entry whose NAME= occurs anywhere in the line, else the * entry', () => {
    const server = 'set_cookie_flag * HttpOnly;\n    set_cookie_flag sid secure;\n    location / { proxy_pass http://a; }';
    expect(run(server, 'location /', ['sid=1', 'xsid=2', 'a=1; Path=/sid=', 'other=3', 'SID=4'])).toEqual([
      'sid=1; secure',
      // A substring test: xsid= contains sid=, and so does the Path attribute.
      'xsid=2; secure',
      'a=1; Path=/sid=; secure',
      'other=3; HttpOnly',
      // Case-insensitive.
      'SID=4; secure',
    ]);
  });

  it('keeps the * entry last whatever the order of the directives, and reaches every backend', () => {
    const server = 'set_cookie_flag sid secure;\n    set_cookie_flag * HttpOnly;\n    location / { fastcgi_pass 127.0.0.1:9000; }';
    expect(run(server, 'location /', ['sid=1', 'b=2'], 'fastcgi')).toEqual(['sid=1; secure', 'b=2; HttpOnly']);
  });

  it('appends a flag unless "; Flag" already occurs, case-insensitively', () => {
    const all = new Set(['HttpOnly', 'secure', 'SameSite=Lax'] as const);
    expect(appendFlags('a=1; httponly', all)).toBe('a=1; httponly; secure; SameSite=Lax');
    // ";HttpOnly" without the space is not "; HttpOnly": appended again.
    expect(appendFlags('a=1;HttpOnly', new Set(['HttpOnly'] as const))).toBe('a=1;HttpOnly; HttpOnly');
    expect(appendFlags('a=1; SameSite=Strict', new Set(['SameSite'] as const))).toBe('a=1; SameSite=Strict');
  });

  it("inherits the parent level's entries only when a location has none", () => {
    const server = 'set_cookie_flag * HttpOnly;\n    location /a/ { proxy_pass http://a; }\n    location /b/ { proxy_pass http://a; set_cookie_flag x secure; }';
    expect(run(server, 'location /a/', ['c=1'])).toEqual(['c=1; HttpOnly']);
    expect(run(server, 'location /b/', ['c=1', 'x=2'])).toEqual(['c=1', 'x=2; secure']);
  });

  it('refuses what the module refuses, with its messages', () => {
    const problems = (line: string) => model(`    ${line}\n    location / { proxy_pass http://a; }`).problems.map((p) => p.message);
    expect(problems('set_cookie_flag a;')).toEqual(['The number of arguments is incorrect']);
    expect(problems('set_cookie_flag a HttpOnly secure SameSite SameSite=Lax;')).toEqual(['The number of arguments is incorrect']);
    expect(problems('set_cookie_flag a SameSite SameSite=Lax;')).toEqual(['Duplicate flag "SameSite" (SameSite=Lax) detected']);
    expect(problems('set_cookie_flag a nosecure;')).toEqual(['The parameter value "nosecure" is incorrect']);
    expect(problems('set_cookie_flag sid_token secure;\n    set_cookie_flag SID HttpOnly;')).toEqual(['"set_cookie_flag" directive The cookie value has already set in previous directives']);
    expect(problems('set_cookie_flag sid secure;\n    set_cookie_flag sid_token HttpOnly;')).toEqual([]);
    // Only in server and location blocks.
    const atHttp = buildNginxModel(FILE, memoryIO({ [FILE]: 'load_module modules/ngx_http_cookie_flag_filter_module.so;\nevents {}\nhttp {\n  set_cookie_flag * HttpOnly;\n}\n' }), { nginxVersion: DEFAULT_NGINX_VERSION });
    expect(atHttp.problems.map((p) => p.message)).toEqual(['"set_cookie_flag" directive is not allowed here']);
  });

  it('finds no entry when nothing matches and there is no default', () => {
    const entries: SetCookieFlagEntry[] = [{ name: 'sid', flags: new Set(['secure']), span: { file: FILE, start: 0, end: 1 }, focus: { file: FILE, start: 0, end: 1 }, label: 'set_cookie_flag sid secure' }];
    expect(entryFor(entries, 'other=1')).toBeUndefined();
    expect(entryFor(entries, 'SID=1')?.name).toBe('sid');
  });
});
