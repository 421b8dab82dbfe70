/**
 * Request variables in the values nginx builds Set-Cookie lines from (src/model/ops/nginx-request-vars.ts):
 * the probe request's values where no other request could change the cookie names or attribute
 * names, an unknown verdict where one could, and the request a caller sent when it gives one.
 * test/nginx/real-server.test.ts checks the values against the real nginx.
 */
import { describe, expect, it } from 'vitest';
import { buildNginxModel } from '../../src/dialects/nginx/index.js';
import type { HeaderRewriteModel, SimRequest } from '../../src/model/header-rewrite.js';
import { branchesOf, simulate } from '../../src/model/simulate.js';
import { memoryIO } from './memory-io.js';

const PATH = '/etc/nginx/nginx.conf';

function model(server: string, ...locations: string[]): HeaderRewriteModel {
  const text = `load_module modules/ngx_http_headers_more_filter_module.so;\nevents {}\nhttp {\nmap $arg_m $lpc_m { default a; 1 b; }\nserver {\nlisten 80;\nserver_name Example.com www.example.com;\n${server}\n${locations.join('\n')}\n}\n}\n`;
  return buildNginxModel(PATH, memoryIO({ [PATH]: text }), { nginxVersion: '1.22.1' });
}

const loc = (path: string, body: string) => `location ${path} { proxy_pass http://127.0.0.1:8080; ${body} }`;

/** Every outcome at the endpoint whose label ends with `label`: its lines, or why it is unknown. */
function outcomes(m: HeaderRewriteModel, label: string, request?: SimRequest, cookie = 'XSRF-TOKEN=x; Path=/app'): string[] {
  const e = m.endpoints.find((x) => x.label.endsWith(label))!;
  const result = simulate('nginx', e.pipeline, { backend: 'http', status: 200, ...(request ? { request } : {}) }, [cookie]);
  return branchesOf(result).map((b) => (b.tooComplex ? `unknown: ${b.tooComplex.unsupported}` : b.lines.map((l) => l.value).join(' | ')));
}

describe('the probe request', () => {
  it('fills in the Host (the first server name), the URI, the method; absent arguments, cookies and headers are empty', () => {
    const m = model('', loc('/app/', 'add_header Set-Cookie "lpc=$host$request_uri|$uri|$args$is_args|$request_method|$server_name|$http_host|$arg_a|$cookie_a|$http_x_a; Path=/";'));
    expect(outcomes(m, 'location /app/')).toEqual(['XSRF-TOKEN=x; Path=/app | lpc=example.com/app/|/app/||GET|example.com|Example.com|||; Path=/']);
  });

  it('more_set_headers values and proxy_cookie_* replacements read it too', () => {
    const m = model('', loc('/app/', 'proxy_cookie_path /app "/$host"; more_set_headers "Set-Cookie: m=$uri";'));
    expect(outcomes(m, 'location /app/')).toEqual(['m=/app/']);
    const p = model('', loc('/app/', 'proxy_cookie_path /app "/$host";'));
    expect(outcomes(p, 'location /app/')).toEqual(['XSRF-TOKEN=x; Path=/example.com']);
  });

  it('a value a request decides where it names the cookie or adds attributes: the verdict is unknown', () => {
    for (const body of [
      'add_header Set-Cookie "$cookie_a; HttpOnly";',
      'add_header Set-Cookie $arg_c;',
      'add_header Set-Cookie "a=1; $http_x_flags";',
      'more_set_headers "Set-Cookie: $host=1";',
      'proxy_cookie_flags $arg_name httponly;',
      'proxy_cookie_path $arg_p "/; HttpOnly";',
    ]) {
      expect(outcomes(model('', loc('/app/', body)), 'location /app/'), body).toEqual([expect.stringMatching(/^unknown: a value the request decides/)]);
    }
    // A flag word stays two branches (variables.ts): HttpOnly or not.
    expect(outcomes(model('', loc('/app/', 'proxy_cookie_flags ~ $remote_user;')), 'location /app/')).toEqual(['XSRF-TOKEN=x; Path=/app; HttpOnly', 'XSRF-TOKEN=x; Path=/app']);
  });

  it('a pattern a request decides that only changes values keeps the verdict', () => {
    const m = model('', loc('/app/', 'proxy_cookie_domain $host example.org; add_header Set-Cookie "XSRF-TOKEN=$arg_t; Path=/";'));
    expect(outcomes(m, 'location /app/', undefined, 'XSRF-TOKEN=x; Domain=example.com')).toEqual(['XSRF-TOKEN=x; Domain=example.org | XSRF-TOKEN=; Path=/']);
    // A value (not a name, not an attribute) the request writes: the probe request's (the linter
    // does not judge what a request writes into its own cookies, `?p=;HttpOnly`).
    expect(outcomes(model('', loc('/app/', 'proxy_cookie_path /app "/$arg_p";')), 'location /app/')).toEqual(['XSRF-TOKEN=x; Path=/']);
  });

  it('map variables keep their branches; a request variable beside them is filled in', () => {
    const m = model('', loc('/app/', 'add_header Set-Cookie "$lpc_m=$host";'));
    expect(outcomes(m, 'location /app/').sort()).toEqual(['XSRF-TOKEN=x; Path=/app | a=example.com', 'XSRF-TOKEN=x; Path=/app | b=example.com']);
  });

  it('a set of request variables alone gives the name their values; one that names the cookie, an unknown verdict', () => {
    const m = model('set $lpc_v "$host$uri";', loc('/app/', 'add_header Set-Cookie "v=$lpc_v";'));
    expect(outcomes(m, 'location /app/')).toEqual(['XSRF-TOKEN=x; Path=/app | v=example.com/app/']);
    const n = model('set $lpc_n $cookie_a;', loc('/app/', 'add_header Set-Cookie "$lpc_n; HttpOnly";'));
    expect(outcomes(n, 'location /app/')).toEqual([expect.stringMatching(/^unknown/)]);
    // Two sets of the name: its value is not one script's.
    const two = model('set $lpc_v "$host";', loc('/app/', 'set $lpc_v "$uri"; add_header Set-Cookie "v=$lpc_v";'));
    expect(outcomes(two, 'location /app/')).toEqual(['XSRF-TOKEN=x; Path=/app | v=$lpc_v']);
  });

  it('a map whose one value that is not plain text reads request variables: that branch takes their values', () => {
    const text = `load_module modules/ngx_http_headers_more_filter_module.so;\nevents {}\nhttp {\nmap $arg_k $lpc_k { default $host$uri; 1 fixed; }\nserver {\nlisten 80;\nserver_name example.com;\n${loc('/app/', 'add_header Set-Cookie "k=$lpc_k";')}\n}\n}\n`;
    const m = buildNginxModel(PATH, memoryIO({ [PATH]: text }), { nginxVersion: '1.22.1' });
    expect(outcomes(m, 'location /app/').sort()).toEqual(['XSRF-TOKEN=x; Path=/app | k=example.com/app/', 'XSRF-TOKEN=x; Path=/app | k=fixed']);
  });

  it('where a directive may move the request ($uri after a rewrite, a page error_page answers), its URI is not guessed', () => {
    const m = model('error_page 404 /app/;', loc('/app/', 'add_header Set-Cookie "u=$uri$request_uri; h=$host";'));
    expect(outcomes(m, 'location /app/')).toEqual(['XSRF-TOKEN=x; Path=/app | u=$uri$request_uri; h=example.com']);
    const r = model('', loc('/app/', 'rewrite ^ /x break; add_header Set-Cookie "u=$uri";'));
    expect(outcomes(r, 'location /app/')).toEqual(['XSRF-TOKEN=x; Path=/app | u=$uri']);
    // Where the URI names the cookie, unknown.
    const n = model('', loc('/app/', 'rewrite ^ /x break; add_header Set-Cookie "$uri=1";'));
    expect(outcomes(n, 'location /app/')).toEqual([expect.stringMatching(/^unknown/)]);
  });
});

describe('the request a caller sent', () => {
  it('is read instead of the probe request, without the unknown verdict', () => {
    const m = model('', loc('/app/', 'add_header Set-Cookie "$cookie_a; HttpOnly"; add_header Set-Cookie "q=$args|$arg_X|$http_x_lpc|$host";'));
    const request: SimRequest = { target: '/app/?x=1&b=2', headers: { Host: 'Other.Test:8080', Cookie: 'z=1; A=csrftoken=v', 'X-Lpc': 'on' } };
    expect(outcomes(m, 'location /app/', request)).toEqual(['XSRF-TOKEN=x; Path=/app | csrftoken=v; HttpOnly | q=x=1&b=2|1|on|other.test']);
  });
});
