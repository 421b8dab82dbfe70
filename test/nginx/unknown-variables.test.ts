/**
 * Unknown variables (src/dialects/nginx/unknown-variables.ts): refused like nginx -t does where
 * the linter sees the whole configuration, never in a fragment (a map elsewhere may declare the
 * name). The real server checks the refusals themselves (real-cases.ts).
 */
import { describe, expect, it } from 'vitest';
import { buildNginxModel } from '../../src/dialects/nginx/index.js';
import type { DialectOptions } from '../../src/dialects/dialect.js';
import { memoryIO } from './memory-io.js';

function refusals(text: string, options: Partial<DialectOptions> = {}, files: Record<string, string> = {}): string[] {
  const model = buildNginxModel('/etc/nginx/nginx.conf', memoryIO({ '/etc/nginx/nginx.conf': text, ...files }), { nginxVersion: '1.22.1', ...options });
  return model.problems.filter((p) => p.kind === 'refused').map((p) => p.message);
}

const main = (body: string) => `events {}\nhttp {\n${body}\n}\n`;

describe('unknown nginx variables', () => {
  it('refuses a name nothing declares, lower-cased as nginx prints it, in each checked place', () => {
    expect(refusals(main('server { location / { proxy_pass http://b; add_header Set-Cookie "a=$No_Such"; } }'))).toEqual(['unknown "no_such" variable']);
    expect(refusals(main('map $nope $x { default 1; }'))).toEqual(['unknown "nope" variable']);
    expect(refusals(main('map $arg_a $x { default "$nope"; }'))).toEqual(['unknown "nope" variable']);
    expect(refusals(main('server { if ($nope = "$nope2") { return 403; } }'))).toEqual(['unknown "nope" variable', 'unknown "nope2" variable']);
    expect(refusals(main('server { location / { return 302 /x$nope; } }'))).toEqual(['unknown "nope" variable']);
    expect(refusals(main('server { location / { proxy_pass http://b; more_set_headers -s 404 "Set-Cookie: a=${nope}"; } }'))).toEqual([
      'unknown directive "more_set_headers": ngx_http_headers_more_filter_module is not loaded (add "load_module modules/ngx_http_headers_more_filter_module.so;", or list it in nginxDirectives when built in)',
    ]);
    expect(refusals(`load_module modules/ngx_http_headers_more_filter_module.so;\n${main('server { location / { proxy_pass http://b; more_set_headers -s 404 "Set-Cookie: a=${nope}"; } }')}`)).toEqual(['unknown "nope" variable']);
    expect(refusals(main('log_format x "$remote_addr $nope";'))).toEqual(['unknown "nope" variable']);
  });

  it('knows built-in names, prefix families, and names declared anywhere (later, another server, a regex group)', () => {
    const body = [
        'map $http_upgrade $connection_upgrade { default upgrade; "" close; }',
        'geo $lpc_geo { default 0; }',
        'split_clients "$remote_addr" $lpc_split { 50% a; * b; }',
        'server { server_name ~^(?<sub>.+)\\.example\\.com$; location ~ ^/(?P<p>x) { proxy_pass http://b; add_header X "$sub$p$lpc_later$connection_upgrade$lpc_geo$lpc_split$http_x_y$cookie_c$arg_a$upstream_cookie_x$sent_http_y$1"; rewrite ^/(?\'rw\'.*) /$rw; } }',
        'server { set $LPC_Later 1; js_set $lpc_js f; location / { proxy_pass http://b; proxy_cookie_path ~^(?<rest>.*)$ $rest$lpc_js; proxy_cookie_flags ~ $request_id; } }',
      'log_format lpc "$jwt_claim_sub $jwt_header_alg $upstream_queue_time $memcached_key $otel_trace_id";',
    ].join('\n');
    expect(refusals(`load_module modules/ngx_http_js_module.so;\n${main(body)}`)).toEqual([]);
  });

  it('refuses nothing where a declaration may hide: fragments, unread includes, third-party modules, stream', () => {
    const body = 'server { location / { proxy_pass http://b; add_header Set-Cookie "a=$lpc_elsewhere"; } }';
    expect(refusals(body, { context: 'http' })).toEqual([]);
    expect(refusals('location / { proxy_pass http://b; add_header Set-Cookie "a=$lpc_elsewhere"; }', { context: 'server' })).toEqual([]);
    expect(refusals(main(`include /etc/nginx/missing.conf;\n${body}`)).filter((m) => m.includes('variable'))).toEqual([]);
    expect(refusals(main(body), { nginxDirectives: ['geoip2'] })).toEqual([]);
    expect(refusals(`${main('')}stream { map $remote_addr $lpc_s { default 1; } server { return $lpc_s$nope; } }`)).toEqual([]);
    // Read from an included file, the declaration counts.
    expect(refusals(main(`include /etc/nginx/maps.conf;\n${body}`), {}, { '/etc/nginx/maps.conf': 'map $arg_a $lpc_elsewhere { default 1; }' })).toEqual([]);
  });
});
