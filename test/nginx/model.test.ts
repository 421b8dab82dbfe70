/** Lowering: endpoints, inheritance, pipeline order, request paths, what nginx refuses. */
import { describe, expect, it } from 'vitest';
import { buildNginxModel } from '../../src/dialects/nginx/index.js';
import type { HeaderRewriteModel } from '../../src/model/header-rewrite.js';
import { simulate } from '../../src/model/simulate.js';
import { memoryIO } from './memory-io.js';

function model(text: string, options: { nginxVersion?: string; context?: 'main' | 'http' | 'server' | 'location' } = {}): HeaderRewriteModel {
  return buildNginxModel('/etc/nginx/t.conf', memoryIO({ '/etc/nginx/t.conf': text }), { nginxVersion: '1.30.1', ...options });
}

function run(m: HeaderRewriteModel, labelEnd: string, cookies: string[], backend: 'http' | 'fastcgi' = 'http', status = 200): string[] {
  const ep = m.endpoints.find((e) => e.label.endsWith(labelEnd));
  if (!ep) throw new Error(`no endpoint ${labelEnd} in ${m.endpoints.map((e) => e.label).join(', ')}`);
  return simulate('nginx', ep.pipeline, { backend, status }, cookies).lines.map((l) => l.value);
}

const SERVER = `
http {
    proxy_cookie_flags ~ httponly;
    add_header Set-Cookie "http=1";
    server {
        listen 443 ssl;
        server_name jira.example.com www.example.com;
        location /a/ { proxy_pass http://x; }
        location /b/ { proxy_pass http://x; proxy_cookie_flags off; }
        location /c/ { proxy_pass http://x; proxy_cookie_flags XSRF-TOKEN secure; add_header X-Other 1; }
        location /d/ {
            proxy_pass http://x;
            location /d/e/ { proxy_pass http://x; }
            if ($arg_x) { add_header Set-Cookie "if=1"; }
        }
        location @named { proxy_pass http://x; }
        location ~* \\.(png|jpg)$ { proxy_pass http://x; }
        location = /exact { fastcgi_pass unix:/run/php.sock; }
    }
}`;

describe('nginx model', () => {
  const m = model(SERVER);

  it('has one endpoint per location, nested location, if and named location, with readable labels', () => {
    expect(m.endpoints.map((e) => [e.label, e.requestPath ?? null])).toEqual([
      ['server jira.example.com:443 › location /a/', '/a/'],
      ['server jira.example.com:443 › location /b/', '/b/'],
      ['server jira.example.com:443 › location /c/', '/c/'],
      ['server jira.example.com:443 › location /d/', '/d/'],
      ['server jira.example.com:443 › location /d/ › location /d/e/', '/d/e/'],
      ['server jira.example.com:443 › location /d/ › if ($arg_x)', '/d/?x=1'],
      ['server jira.example.com:443 › location @named', null],
      ['server jira.example.com:443 › location ~* \\.(png|jpg)$', '/.png'],
      ['server jira.example.com:443 › location = /exact', '/exact'],
    ]);
    expect(m.endpoints.map((e) => e.possibleBackends.join())).toEqual(['http', 'http', 'http', 'http', 'http', 'http', 'http', 'http', 'fastcgi']);
  });

  it('replaces inherited arrays only where a level sets its own, and honours off', () => {
    const c = ['XSRF-TOKEN=x; Path=/'];
    expect(run(m, 'location /a/', c)).toEqual(['XSRF-TOKEN=x; Path=/; HttpOnly', 'http=1']);
    expect(run(m, 'location /b/', c)).toEqual(['XSRF-TOKEN=x; Path=/', 'http=1']);
    expect(run(m, 'location /c/', c)).toEqual(['XSRF-TOKEN=x; Path=/; Secure']);
    expect(run(m, 'location /d/e/', c)).toEqual(['XSRF-TOKEN=x; Path=/; HttpOnly', 'http=1']);
    expect(run(m, 'if ($arg_x)', c)).toEqual(['XSRF-TOKEN=x; Path=/; HttpOnly', 'if=1']);
  });

  it('does not rewrite FastCGI cookies', () => {
    expect(run(m, 'location = /exact', ['XSRF-TOKEN=x'], 'fastcgi')).toEqual(['XSRF-TOKEN=x', 'http=1']);
  });

  it('adds add_header lines only for the statuses nginx lists, unless always', () => {
    const a = model('location / { proxy_pass http://x; add_header Set-Cookie "a=1"; add_header Set-Cookie "b=1" always; }', { context: 'server' });
    expect(run(a, 'location /', [], 'http', 404)).toEqual(['b=1']);
    expect(run(a, 'location /', [], 'http', 302)).toEqual(['a=1', 'b=1']);
  });

  it('runs headers-more before add_header, and accumulates headers-more across levels', () => {
    const a = model('more_set_headers "Set-Cookie: srv=1";\nlocation / { proxy_pass http://x; add_header Set-Cookie "add=1"; more_set_headers "Set-Cookie: loc=1"; }', { context: 'server' });
    expect(run(a, 'location /', ['a=1', 'b=2'])).toEqual(['loc=1', 'add=1']);
  });

  it('merges add_header lists with add_header_inherit (1.29.3)', () => {
    const text = 'add_header Set-Cookie "srv=1";\nlocation /m/ { proxy_pass http://x; add_header_inherit merge; add_header Set-Cookie "loc=1"; }\nlocation /o/ { proxy_pass http://x; add_header_inherit off; }';
    const a = model(text, { context: 'server' });
    expect(run(a, 'location /m/', [])).toEqual(['loc=1', 'srv=1']);
    expect(run(a, 'location /o/', [])).toEqual([]);
    const old = model(text, { context: 'server', nginxVersion: '1.22.1' });
    expect(old.problems.map((p) => p.message)).toEqual([
      'unknown directive "add_header_inherit" (nginx 1.22.1 has no such directive; it appeared in 1.29.3)',
      'unknown directive "add_header_inherit" (nginx 1.22.1 has no such directive; it appeared in 1.29.3)',
    ]);
  });

  it('hides upstream cookies per upstream kind, with pass_header and list replacement', () => {
    const a = model('proxy_hide_header Set-Cookie;\nlocation /a/ { proxy_pass http://x; }\nlocation /b/ { proxy_pass http://x; proxy_hide_header X-Foo; }\nlocation /c/ { proxy_pass http://x; proxy_pass_header Set-Cookie; }\nlocation /d/ { fastcgi_pass 127.0.0.1:9000; }', { context: 'server' });
    expect(run(a, 'location /a/', ['a=1'])).toEqual([]);
    expect(run(a, 'location /b/', ['a=1'])).toEqual(['a=1']);
    expect(run(a, 'location /c/', ['a=1'])).toEqual(['a=1']);
    expect(run(a, 'location /d/', ['a=1'], 'fastcgi')).toEqual(['a=1']);
  });

  it('points every part at the cookie selector (flags) or the replacement (path, domain)', () => {
    const text = 'proxy_cookie_flags ~ secure;\nproxy_cookie_path / /x/;\n';
    const a = model(text);
    const op = a.endpoints[0]!.pipeline[0]!;
    expect(op.parts.map((p) => text.slice(p.focus!.start, p.focus!.end))).toEqual(['~', '/x/']);
  });

  it('refuses what nginx refuses, in its words', () => {
    const a = model('proxy_cookie_flags ~ a b c d;\nproxy_cookie_flags x;\nproxy_cookie_domain off;\nproxy_cookie_domain a b;\nadd_header Set-Cookie a b;\nlocation / { proxy_cookie_flags ~ secure { } }\n', { context: 'server' });
    expect(a.problems.map((p) => p.message)).toEqual([
      'invalid number of arguments in "proxy_cookie_flags" directive',
      'invalid parameter "x"',
      '"proxy_cookie_domain" directive is duplicate',
      'invalid parameter "b"',
      'directive "proxy_cookie_flags" is not terminated by ";"',
    ]);
  });

  it('reports proxy_cookie_flags as unknown before 1.19.3 and rewrites paths the old way', () => {
    const a = model('proxy_cookie_flags ~ httponly;\nproxy_cookie_path / "/; HttpOnly";\n', { nginxVersion: '1.18.0' });
    expect(a.problems.map((p) => p.message)).toEqual(['unknown directive "proxy_cookie_flags" (nginx 1.18.0 has no such directive; it appeared in 1.19.3)']);
    // The first "path=" after the first ";" is rewritten in place, even inside "xpath=", without re-serializing.
    expect(run(a, 'context)', ['a=1;xpath=/p;Path=/q'])).toEqual(['a=1;xpath=/; HttpOnlyp;Path=/q']);
    expect(run(model('proxy_cookie_path / "/; HttpOnly";'), 'context)', ['a=1;xpath=/p;Path=/q'])).toEqual(['a=1; xpath=/p; Path=/; HttpOnlyq']);
  });

  it('parses headers-more arguments like headers-more', () => {
    const a = model('more_set_headers -s "404 500" -t "text/html" "set-cookie:  a=1 ";\nmore_set_headers "X-A: 1";\n');
    const op = a.endpoints[0]!.pipeline[0]!;
    expect([op.label, op.condition?.text]).toEqual(['more_set_headers -s "404 500" -t "text/html" "set-cookie:  a=1 "', "-t 'text/html'"]);
    expect(run(a, 'context)', ['b=1'], 'http', 500)).toEqual(['a=1 ']);
    expect(run(a, 'context)', ['b=1'], 'http', 200)).toEqual(['b=1']);
    expect(model('more_set_headers -x "Set-Cookie: a";').problems[0]!.message).toBe('more_set_headers: invalid option name: "-x"');
  });

  it('evaluates $sent_http_set_cookie as the nginx version does: the first line before 1.23.0, all joined with ", " since', () => {
    const text = 'location / { proxy_pass http://x; more_set_headers "Set-Cookie: $sent_http_Set_Cookie; HttpOnly"; }';
    const old = model(text, { context: 'server', nginxVersion: '1.22.1' });
    expect(run(old, 'location /', ['a=1; Path=/', 'b=2'], 'http', 200)).toEqual(['a=1; Path=/; HttpOnly']);
    const current = model(text, { context: 'server', nginxVersion: '1.23.0' });
    expect(run(current, 'location /', ['a=1; Path=/', 'b=2'], 'http', 200)).toEqual(['a=1; Path=/, b=2; HttpOnly']);
    // No Set-Cookie yet: the variable is not found, i.e. empty, and headers-more adds the line.
    expect(run(current, 'location /', [], 'http', 200)).toEqual(['; HttpOnly']);
    // Two versions, two behaviours: the ops must not share a simulation.
    expect(old.endpoints[0]!.pipeline[0]!.signature).not.toBe(current.endpoints[0]!.pipeline[0]!.signature);
  });

  it('collects Lua header filters as facts', () => {
    const a = model('header_filter_by_lua_block {\n  local c = ngx.header["Set-Cookie"]\n  ngx.header["Set-Cookie"] = c .. "; HttpOnly"\n}\n');
    expect(a.facts.map((f) => [f.kind, (f as { hasNameGuard: boolean }).hasNameGuard])).toEqual([['nginx-lua-header-filter', false]]);
  });
});

describe('regexes cut by the tokenizer', () => {
  it('explains an unquoted "{" or ";" inside a regex', () => {
    expect(model('proxy_cookie_flags ~^a{2}$ httponly;\n').problems.map((p) => p.message)).toContain(
      'directive "proxy_cookie_flags" is not terminated by ";": the "{" inside the unquoted argument opens a block (quote regexes such as "~^a{2}$")',
    );
    expect(model('proxy_cookie_path ~^/a;b$ /c;\n').problems.map((p) => p.message)).toContain(
      'this ";" ends the "proxy_cookie_path" directive in the middle of its regex: quote regexes that contain ";"',
    );
    expect(model('proxy_cookie_flags "~^a{2}$" httponly;\nproxy_cookie_flags x secure;proxy_cookie_flags y secure;\n').problems).toEqual([]);
  });
});
