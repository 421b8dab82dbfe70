/**
 * The rewrite module's code (src/dialects/nginx/rewrite-code.ts): which requests `break`,
 * `return` and `rewrite` leave to each endpoint level, and the values `set` gives them there. The
 * real nginx runs the same constructs in test/nginx/real-cases.ts ("rewrite module: ...").
 */
import { describe, expect, it } from 'vitest';
import { buildNginxModel } from '../../src/dialects/nginx/index.js';
import { matchesEveryUri } from '../../src/dialects/nginx/rewrite-code.js';
import type { HeaderRewriteModel } from '../../src/model/header-rewrite.js';
import { describeRequests } from '../../src/model/requests.js';
import { branchesOf, simulate } from '../../src/model/simulate.js';
import { noBackendText } from '../../src/formatters/simulation.js';
import { lintText } from './lint-helpers.js';
import { memoryIO } from './memory-io.js';

const PATH = '/etc/nginx/nginx.conf';

function model(text: string, context?: 'server' | 'location'): HeaderRewriteModel {
  return buildNginxModel(PATH, memoryIO({ [PATH]: text }), { nginxVersion: '1.30.1', ...(context ? { context } : {}) });
}

const server = (body: string) => `http {\nserver {\nlisten 80;\n${body}\n}\n}\n`;
const loc = (path: string, body: string) => `location ${path} { proxy_pass http://127.0.0.1:8080; ${body} }`;

function endpoint(m: HeaderRewriteModel, label: string) {
  const e = m.endpoints.find((x) => x.label.endsWith(label));
  if (!e) throw new Error(`no endpoint ${label} in ${m.endpoints.map((x) => x.label).join(', ')}`);
  return e;
}

/** Whether a backend answers the endpoint's requests (`module`: nginx answers itself, own-response.ts). */
const served = (m: HeaderRewriteModel, label: string) => endpoint(m, label).possibleBackends.some((k) => k !== 'module');

/** The flags XSRF-TOKEN gets at an endpoint, per outcome: "requests → flags". */
function flags(m: HeaderRewriteModel, label: string): string[] {
  const result = simulate('nginx', endpoint(m, label).pipeline, { backend: 'http', status: 200 }, ['XSRF-TOKEN=x']);
  return branchesOf(result).map((b) => `${describeRequests(b.assumptions) || 'every request'} → ${b.lines[0]!.value.slice('XSRF-TOKEN=x'.length).replace(/^; /, '') || '-'}`);
}

describe('break', () => {
  it('stops the rest of the location code: a later set never runs', () => {
    const m = model(server(loc('/', 'set $f secure; break; set $f httponly; proxy_cookie_flags ~ $f;')));
    expect(flags(m, 'location /')).toEqual(['every request → Secure']);
    expect(lintText(m.files.get(PATH)!.text).brief).toEqual([]);
  });

  it('in an if: that if keeps the value before it; the location, whose requests skip the if, the later one', () => {
    const m = model(server(loc('/', 'set $f secure; if ($arg_x) { break; } set $f httponly; proxy_cookie_flags ~ $f;')));
    expect(flags(m, 'location /')).toEqual(['every request → HttpOnly']);
    expect(flags(m, 'if ($arg_x)')).toEqual(['every request → Secure']);
  });

  it('in an if: later ifs are not tested, so their requests never come through the breaking one', () => {
    const m = model(server(loc('/', 'set $f secure; if ($arg_a) { set $f httponly; break; } if ($arg_b) { add_header X-B 1; } proxy_cookie_flags ~ $f;')));
    expect(flags(m, 'if ($arg_a)')).toEqual(['every request → HttpOnly']);
    expect(flags(m, 'if ($arg_b)')).toEqual(['every request → Secure']);
  });

  it('at server level stops the server code only: the location code still runs', () => {
    const m = model(server(`set $f secure; break; set $f httponly; set $g secure;\n${loc('/', 'set $g samesite=lax; proxy_cookie_flags ~ $f $g;')}`));
    expect(flags(m, 'location /')).toEqual(['every request → Secure; SameSite=Lax']);
  });

  it('in a server if: the later server set may or may not have run', () => {
    const m = model(server(`set $f secure; if ($arg_x) { break; } set $f httponly;\n${loc('/', 'proxy_cookie_flags ~ $f;')}`));
    expect(flags(m, 'location /')).toEqual(['for requests where $f is "secure" → Secure', 'for requests where $f is "httponly" → HttpOnly']);
  });
});

describe('return', () => {
  it('in a location: nothing is proxied there, so its cookie directives judge nothing, and simulate says why', () => {
    const m = model(server(loc('/', 'return 403; proxy_cookie_flags ~ httponly;')));
    expect(served(m, 'location /')).toBe(false);
    expect(endpoint(m, 'location /').backends).toEqual([]);
    expect(lintText(m.files.get(PATH)!.text).brief).toEqual([]);
    expect(noBackendText(m, m.endpoints, '/', 'text', '/')).toContain(': return, a redirecting rewrite or a rewrite to another location takes every request before it is proxied.');
  });

  it('in a location whose filters add a cookie: nginx answers itself, at the status return gives', () => {
    const m = model(server(loc('/', 'add_header Set-Cookie "XSRF-TOKEN=x; HttpOnly" always; return 403; proxy_cookie_flags ~ httponly;')));
    expect(served(m, 'location /')).toBe(false);
    expect(endpoint(m, 'location /').backends.map((b) => `${b.kind}: ${b.target}`)).toEqual(['module: nginx itself (return 403)']);
    expect(lintText(m.files.get(PATH)!.text).brief).toEqual(['xsrf-cookie-httponly@4:70']);
    const quiet = model(server(loc('/', 'add_header Set-Cookie "XSRF-TOKEN=x; HttpOnly"; return 403;')));
    expect(lintText(quiet.files.get(PATH)!.text).brief).toEqual([]);
  });

  it('in a location fragment too, which is otherwise assumed to proxy', () => {
    const m = model('proxy_cookie_flags ~ httponly;\nreturn 301 https://$host$request_uri;\n', 'location');
    expect(m.endpoints.map((e) => e.possibleBackends)).toEqual([[]]);
  });

  it('in an if: that if serves nothing, and the value its set gave never reaches a proxied request', () => {
    const m = model(server(loc('/', 'set $f secure; if ($arg_x) { set $f httponly; return 403; } proxy_cookie_flags ~ $f;')));
    expect(served(m, 'if ($arg_x)')).toBe(false);
    expect(served(m, 'location /')).toBe(true);
    expect(flags(m, 'location /')).toEqual(['every request → Secure']);
    expect(lintText(m.files.get(PATH)!.text).brief).toEqual([]);
  });

  it('at server level, unconditional: no location of the server serves anything', () => {
    const m = model(server(`return 301 https://$host$request_uri;\n${loc('/', 'proxy_cookie_flags ~ httponly;')}\n${loc('/b/', '')}`));
    expect(m.endpoints.map((e) => e.possibleBackends.length)).toEqual([0, 0]);
    expect(lintText(m.files.get(PATH)!.text).brief).toEqual([]);
    expect(noBackendText(m, m.endpoints, '/', 'text', '/')).toContain(': return, a redirecting rewrite or a rewrite to another location takes every request before it is proxied.');
  });

  it('a rewrite to another location is no answer of nginx itself, and simulate says why nothing is proxied', () => {
    const m = model(server(`${loc('/a/', 'rewrite ^ /b/ last;')}\n${loc('/b/', 'return 403;')}`));
    expect(endpoint(m, 'location /a/').possibleBackends).toEqual([]);
    expect(noBackendText(m, [endpoint(m, 'location /a/')], '/a/', 'text', '/')).toContain(': return, a redirecting rewrite or a rewrite to another location takes every request before it is proxied.');
  });

  it('at server level in an if: the other requests still reach the locations, without the if\'s values', () => {
    const m = model(server(`set $f secure; if ($arg_x) { set $f httponly; return 403; }\n${loc('/', 'proxy_cookie_flags ~ $f;')}`));
    expect(flags(m, 'location /')).toEqual(['every request → Secure']);
  });

  it('a return code nginx refuses is reported', () => {
    const m = model(server(loc('/', 'return 1000; return abc "x"; return http://a.test/ x;')));
    expect(m.problems.map((p) => p.message)).toEqual(['invalid return code "1000"', 'invalid return code "abc"', 'invalid return code "http://a.test/"']);
  });
});

describe('rewrite', () => {
  it('break: the requests it rewrites stay, without the later set; the others run it', () => {
    const m = model(server(loc('/', 'set $f secure; rewrite ^/old/(.*)$ /$1 break; set $f httponly; proxy_cookie_flags ~ $f;')));
    expect(flags(m, 'location /')).toEqual(['for requests where $f is "secure" → Secure', 'for requests where $f is "httponly" → HttpOnly']);
  });

  it('a regex matching every URI decides it: ^/(.*) always, ^(.*)$ not (a URI may hold a newline)', () => {
    const always = model(server(loc('/', 'set $f secure; rewrite ^/(.*) /app/$1 break; set $f httponly; proxy_cookie_flags ~ $f;')));
    expect(flags(always, 'location /')).toEqual(['every request → Secure']);
    const maybe = model(server(loc('/', 'set $f secure; rewrite ^(.*)$ /app$1 break; set $f httponly; proxy_cookie_flags ~ $f;')));
    expect(flags(maybe, 'location /')).toHaveLength(2);
    expect(['^', '^/', '/', '.*', '^.*', '(.*)', '^(.*)', '^/(.*)', '/.*', '^(/.*)', '(/.*)'].filter((r) => !matchesEveryUri(r))).toEqual([]);
    expect(['^(.*)$', '^/$', '^/app', 'x*', '^/(.*)$', '.*$', '.'].filter(matchesEveryUri)).toEqual([]);
  });

  it('last: the requests it rewrites leave the location, taking the values set so far to the location the new URI selects', () => {
    const m = model(server([loc('/a/', 'set $f httponly; rewrite ^/a/(.*)$ /b/$1 last; set $f secure; proxy_cookie_flags ~ $f;'), loc('/b/', 'proxy_cookie_flags ~ $f;')].join('\n')));
    expect(flags(m, 'location /a/')).toEqual(['every request → Secure']);
    expect(flags(m, 'location /b/')).toEqual(['every request → -', 'for requests where $f is "httponly" → HttpOnly']);
    const { messages } = lintText(m.files.get(PATH)!.text);
    expect(messages.map((x) => `${x.ruleId}: ${x.message}`)).toEqual([expect.stringContaining('xsrf-cookie-httponly: proxy_cookie_flags adds HttpOnly')]);
    expect(messages[0]!.message).toContain('for requests where $f is "httponly"');
  });

  it('last on every URI: the location serves nothing; a named location never receives what leaves', () => {
    const m = model(server([loc('/a/', 'set $f httponly; rewrite ^ /b/ last; proxy_cookie_flags ~ httponly;'), loc('/b/', 'proxy_cookie_flags ~ $f;'), loc('@named', 'proxy_cookie_flags ~ $f;')].join('\n')));
    expect(served(m, 'location /a/')).toBe(false);
    expect(flags(m, 'location /b/')).toHaveLength(2);
    expect(flags(m, 'location @named')).toEqual(['every request → -']);
  });

  it('without a flag: the location search restarts after the code, unless a break comes first', () => {
    const leaves = model(server([loc('/a/', 'set $f secure; rewrite ^/a/old/ /b/; set $f httponly; proxy_cookie_flags ~ samesite=lax;'), loc('/b/', 'proxy_cookie_flags ~ $f;')].join('\n')));
    expect(flags(leaves, 'location /b/')).toEqual(['every request → -', 'for requests where $f is "httponly" → HttpOnly']);
    const stays = model(server([loc('/a/', 'rewrite ^ /b/; set $f httponly; break; proxy_cookie_flags ~ $f;'), loc('/b/', 'proxy_cookie_flags ~ $f;')].join('\n')));
    expect(served(stays, 'location /a/')).toBe(true);
    expect(flags(stays, 'location /a/')).toEqual(['every request → HttpOnly']);
    expect(flags(stays, 'location /b/')).toEqual(['every request → -']);
  });

  it('values handed on through several locations are followed (nginx allows 10 restarts)', () => {
    const chain = [
      loc('/a/', 'set $f httponly; rewrite ^/a/ /b/ last;'),
      loc('/b/', 'set $g $f; rewrite ^/b/ /c/ last;'),
      loc('/c/', 'proxy_cookie_flags ~ $g;'),
    ].join('\n');
    expect(flags(model(server(chain)), 'location /c/')).toEqual(['every request → -', 'for requests where $g is "httponly" → HttpOnly']);
  });

  it('redirect, permanent and an absolute replacement answer the request', () => {
    for (const r of ['rewrite ^ /x redirect;', 'rewrite ^/ /x permanent;', 'rewrite ^ https://a.test/;', 'rewrite .* $scheme://a.test/ last;']) {
      expect(served(model(server(loc('/', `${r} proxy_cookie_flags ~ httponly;`))), 'location /')).toBe(false);
    }
    const some = model(server(loc('/', 'rewrite ^/old/ /x redirect; set $f httponly; proxy_cookie_flags ~ $f;')));
    expect(flags(some, 'location /')).toEqual(['every request → HttpOnly']);
  });

  it('at server level, last and break end the server code; without a flag they change nothing here', () => {
    const m = model(server(`set $f secure; rewrite ^/old/(.*)$ /new/$1 last; rewrite ^/x/ /y/; set $f httponly;\n${loc('/', 'proxy_cookie_flags ~ $f;')}`));
    expect(flags(m, 'location /')).toEqual(['for requests where $f is "secure" → Secure', 'for requests where $f is "httponly" → HttpOnly']);
  });

  it('is refused where nginx refuses it', () => {
    const m = model(server(loc('/', 'rewrite ^ /x stop; rewrite ^ "";')));
    expect(m.problems.map((p) => p.message)).toEqual(['invalid parameter "stop"', 'empty replacement']);
    const http = model('http {\nbreak;\nserver { location / { limit_except GET { return 403; } } }\n}\n');
    expect(http.problems.map((p) => p.message)).toEqual(['"break" directive is not allowed here', '"return" directive is not allowed here']);
  });
});

describe('a server rewrite before the location search', () => {
  const blanket = (path: string) => loc(path, 'proxy_cookie_flags ~ httponly;');
  it('that takes every URI of a location (a redirect, or a URI it cannot have) leaves it unserved', () => {
    const m = model(server(['rewrite ^/leg http://new.test/ permanent;', 'rewrite ^/old/(.*) /new/$1 break;', blanket('/legacy/'), blanket('/old/'), blanket('= /old/x'), blanket('/new/'), blanket('/kept/')].join('\n')));
    expect(['location /legacy/', 'location /old/', 'location = /old/x', 'location /new/', 'location /kept/'].map((l) => served(m, l))).toEqual([false, false, false, true, true]);
  });

  it('that may leave some of its URIs, or give a URI it may have, does not', () => {
    const cases = [
      // `$`: a URI holding a newline (%0A) is not matched; no `^`: matched anywhere; only some of its URIs.
      'rewrite ^/legacy/(.*)$ /new/$1 permanent;',
      'rewrite /legacy/ /new/ permanent;',
      'rewrite ^/legacy/old/ /new/ permanent;',
      // The new URI may be the location's own.
      'rewrite ^/legacy/(.*) /legacy/v2/$1 break;',
      'rewrite ^/legacy/(.*) $1 break;',
      // A rewrite without a flag, or one in an if, is not followed here.
      'rewrite ^/x/(.*) /legacy/$1;\nrewrite ^/legacy/ http://new.test/ permanent;',
      'if ($arg_a) { rewrite ^ http://new.test/ permanent; }\nrewrite ^/legacy/ http://new.test/ permanent;',
    ];
    for (const rw of cases) expect(served(model(server(`${rw}\n${blanket('/legacy/')}`)), 'location /legacy/'), rw).toBe(true);
  });
});
