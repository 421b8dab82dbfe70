/**
 * Variables in proxy_cookie_* arguments (src/dialects/nginx/variables.ts): the values `set` and
 * `map` give them for each location's requests, and the variants of the cookie operation the
 * simulation explores, one per combination of values, mutually exclusive.
 */
import { describe, expect, it } from 'vitest';
import { buildNginxModel } from '../../src/dialects/nginx/index.js';
import type { HeaderRewriteModel } from '../../src/model/header-rewrite.js';
import { opOfKind } from '../../src/model/ops/index.js';
import type { NginxProxyCookieOp } from '../../src/model/ops/nginx-proxy-cookie.js';
import { describeRequests } from '../../src/model/requests.js';
import { opSignature } from '../../src/model/signature.js';
import { branchesOf, simulate } from '../../src/model/simulate.js';
import { fixText, lintText } from './lint-helpers.js';
import { memoryIO } from './memory-io.js';

const PATH = '/etc/nginx/nginx.conf';

function model(text: string, extra: Record<string, string> = {}): HeaderRewriteModel {
  return buildNginxModel(PATH, memoryIO({ [PATH]: text, ...extra }), { nginxVersion: '1.30.1' });
}

/** An http configuration with one server holding `server` and the given locations. */
function http(maps: string, server: string, ...locations: string[]): string {
  return `http {\n${maps}\nserver {\nlisten 80;\n${server}\n${locations.join('\n')}\n}\n}\n`;
}

const loc = (path: string, body: string) => `location ${path} { proxy_pass http://127.0.0.1:8080; ${body} }`;

/** Every outcome for a cookie at the endpoint whose label ends with `label`: "requests → value". */
function outcomes(m: HeaderRewriteModel, label: string, cookie = 'XSRF-TOKEN=x; Path=/'): string[] {
  const e = m.endpoints.find((x) => x.label.endsWith(label));
  if (!e) throw new Error(`no endpoint ${label} in ${m.endpoints.map((x) => x.label).join(', ')}`);
  const result = simulate('nginx', e.pipeline, { backend: 'http', status: 200 }, [cookie]);
  return branchesOf(result).map((b) => `${describeRequests(b.assumptions) || 'every request'} → ${b.lines.map((l) => l.value).join(' | ')}`);
}

function cookieOps(m: HeaderRewriteModel, label: string): NginxProxyCookieOp[] {
  const e = m.endpoints.find((x) => x.label.endsWith(label))!;
  return e.pipeline.filter((o): o is NginxProxyCookieOp => opOfKind(o, 'nginx-proxy-cookie'));
}

describe('set', () => {
  it('at server level runs for every location of the server; a location set runs after it and wins', () => {
    const m = model(http('', 'set $f httponly;', loc('/a/', 'proxy_cookie_flags ~ $f;'), loc('/b/', 'set $f secure; proxy_cookie_flags ~ $f;')));
    expect(outcomes(m, 'location /a/')).toEqual(['every request → XSRF-TOKEN=x; Path=/; HttpOnly']);
    expect(outcomes(m, 'location /b/')).toEqual(['every request → XSRF-TOKEN=x; Path=/; Secure']);
    // One value: substituted, no condition.
    const [op] = cookieOps(m, 'location /a/');
    expect(op!.condition).toBeNull();
    expect([...op!.bindings]).toEqual([['f', 'httponly']]);
  });

  it('in sequence: the last one wins, and a value reads the variables set before it', () => {
    const m = model(http('', 'set $a http;', loc('/', 'set $f secure; set $f "${a}only"; proxy_cookie_flags ~ $f;')));
    expect(outcomes(m, 'location /')).toEqual(['every request → XSRF-TOKEN=x; Path=/; HttpOnly']);
  });

  it('is not inherited by a nested location: only the innermost location runs its own', () => {
    const m = model(http('', 'set $f httponly;', loc('/a/', 'set $f secure; proxy_cookie_flags ~ $f; location /a/b/ { proxy_pass http://127.0.0.1:8080; }')));
    expect(outcomes(m, 'location /a/')).toEqual(['every request → XSRF-TOKEN=x; Path=/; Secure']);
    expect(outcomes(m, 'location /a/b/')).toEqual(['every request → XSRF-TOKEN=x; Path=/; HttpOnly']);
  });

  it('declared but not run for the request is empty', () => {
    const m = model(http('', '', loc('/a/', 'set $f httponly;'), loc('/b/', 'proxy_cookie_flags ~ $f;')));
    expect(outcomes(m, 'location /b/')).toEqual(['every request → XSRF-TOKEN=x; Path=/']);
    expect(lintText(m.files.get(PATH)!.text).brief).toEqual([]);
  });

  it('inside a location if: the new value in the if; the location keeps the old one, as its requests are those where no if held', () => {
    const m = model(http('', '', loc('/', 'set $f ""; if ($arg_x) { set $f httponly; } proxy_cookie_flags ~ $f;')));
    expect(outcomes(m, 'location /')).toEqual(['every request → XSRF-TOKEN=x; Path=/']);
    expect(cookieOps(m, 'location /').map((o) => o.condition)).toEqual([null]);
    expect(outcomes(m, 'if ($arg_x)')).toEqual(['every request → XSRF-TOKEN=x; Path=/; HttpOnly']);
  });

  it('inside a later location if does not run for an earlier if: that if would hold the request', () => {
    const m = model(http('', '', loc('/', 'set $f secure; if ($arg_x) { set $f httponly; } if ($arg_y) { set $f ""; } proxy_cookie_flags ~ $f;')));
    expect(outcomes(m, 'if ($arg_x)')).toEqual(['every request → XSRF-TOKEN=x; Path=/; HttpOnly']);
    expect(outcomes(m, 'if ($arg_y)')).toEqual(['every request → XSRF-TOKEN=x; Path=/']);
    expect(outcomes(m, 'location /')).toEqual(['every request → XSRF-TOKEN=x; Path=/; Secure']);
    // An earlier if either held (its value) or did not (the one before it).
    const later = model(http('', '', loc('/', 'set $f secure; if ($arg_x) { set $f httponly; } if ($arg_y) { add_header X-Y 1; } proxy_cookie_flags ~ $f;')));
    expect(outcomes(later, 'if ($arg_y)')).toEqual([
      'for requests where $f is "secure" → XSRF-TOKEN=x; Path=/; Secure',
      'for requests where $f is "httponly" → XSRF-TOKEN=x; Path=/; HttpOnly',
    ]);
  });

  it('inside a server if: both values', () => {
    const m = model(http('', 'set $f secure; if ($http_x) { set $f httponly; }', loc('/', 'proxy_cookie_flags ~ $f;')));
    expect(outcomes(m, 'location /')).toEqual([
      'for requests where $f is "secure" → XSRF-TOKEN=x; Path=/; Secure',
      'for requests where $f is "httponly" → XSRF-TOKEN=x; Path=/; HttpOnly',
    ]);
  });

  it('is refused where nginx refuses it', () => {
    const m = model('http {\nset $f httponly;\nserver { set f x; location / { proxy_pass http://b; } }\n}\n');
    expect(m.problems.map((p) => p.message)).toEqual(['"set" directive is not allowed here', 'invalid variable name "f"']);
  });
});

describe('map', () => {
  const maps = (body: string, src = '$http_x_mode') => `map ${src} $cookie_flags {\n${body}\n}`;

  it('with a default: every value is a branch, and the finding names the requests', () => {
    const text = http(maps('default "";\nstrict httponly;\nlax secure;'), '', loc('/', 'proxy_cookie_flags ~ $cookie_flags;'));
    const m = model(text);
    expect(outcomes(m, 'location /')).toEqual([
      'for requests where $http_x_mode is "strict" → XSRF-TOKEN=x; Path=/; HttpOnly',
      'for requests where $http_x_mode is "lax" → XSRF-TOKEN=x; Path=/; Secure',
      'for requests where $cookie_flags is not "httponly" and $cookie_flags is not "secure" → XSRF-TOKEN=x; Path=/',
    ]);
    const ops = cookieOps(m, 'location /');
    expect(ops).toHaveLength(3);
    // The branches name the requests that take them: the map's source and keys.
    expect(ops.map((o) => o.condition?.text)).toEqual(['$http_x_mode is "strict"', '$http_x_mode is "lax"', "$http_x_mode is none of the map's keys"]);
    // Same entries, different values: different signatures (no shared simulation results).
    expect(new Set(ops.map(opSignature)).size).toBe(3);
    const { messages } = lintText(text);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.message).toContain('for requests where $http_x_mode is "strict"');
  });

  it('two maps of one source decide each other: no variant pairs values no request gives together', () => {
    const two = (src: string) => `map $host $c { default sessionid; django.example.com csrftoken; }\nmap ${src} $f { default httponly; django.example.com secure; }`;
    const same = http(two('$host'), 'server_name django.example.com www.example.com;', loc('/', 'proxy_cookie_flags $c $f;'));
    // django.example.com: csrftoken gets Secure; any other host: sessionid gets HttpOnly. csrftoken never gets HttpOnly.
    expect(outcomes(model(same), 'location /', 'csrftoken=x; Path=/').some((o) => o.endsWith('HttpOnly'))).toBe(false);
    expect(lintText(same).messages.filter((m) => m.ruleId === 'xsrf-cookie-httponly')).toEqual([]);
    expect(cookieOps(model(same), 'location /').map((o) => [...o.bindings].join())).toEqual(['c,csrftoken,f,secure', 'c,sessionid,f,httponly']);
    // Different sources are independent: csrftoken may get HttpOnly.
    const other = http(two('$http_x_f'), 'server_name django.example.com;', loc('/', 'proxy_cookie_flags $c $f;'));
    expect(lintText(other).messages.filter((m) => m.ruleId === 'xsrf-cookie-httponly')).toHaveLength(1);
  });

  it('of $uri, in a location whose search decides it: only the values its URIs get', () => {
    const uriMap = 'map $uri $f {\ndefault httponly;\n~^/jira/ secure;\n/docs/page "samesite=lax";\n~*^/STATIC/ "samesite=strict";\n}\nmap $uri $g {\ndefault httponly;\n~^/a/|^/b/ samesite=none;\n}';
    const flags = 'proxy_cookie_flags ~ $f;';
    const text = http(uriMap, '', loc('/jira/', flags), loc('/wiki/', flags), loc('= /docs/page', flags), loc('^~ /static/', flags), loc('/j', flags), loc('/b/', 'proxy_cookie_flags ~ $g;'), loc('/rw/', `rewrite ^ /jira/x break; ${flags}`), loc('~ ^/re/', flags));
    const m = model(text);
    const cookie = 'csrftoken=x; Path=/';
    // Every URI of /jira/ matches ^/jira/; none of /wiki/ does, nor is /docs/page.
    expect(outcomes(m, 'location /jira/', cookie)).toEqual(['every request → csrftoken=x; Path=/; Secure']);
    expect(outcomes(m, 'location /wiki/', cookie)).toEqual(['every request → csrftoken=x; Path=/; HttpOnly']);
    expect(outcomes(m, 'location = /docs/page', cookie)).toEqual(['every request → csrftoken=x; Path=/; SameSite=Lax']);
    expect(outcomes(m, 'location ^~ /static/', cookie)).toEqual(['every request → csrftoken=x; Path=/; SameSite=Strict']);
    // Undecided: /j may or may not continue with ira/; an alternation; a rewrite in the location; a regex location.
    for (const label of ['location /j', 'location /b/', 'location /rw/', 'location ~ ^/re/']) expect(outcomes(m, label, cookie).length, label).toBeGreaterThan(1);
    // Reported in /wiki/, not in /jira/.
    const found = lintText(text).messages.filter((x) => x.ruleId === 'xsrf-cookie-httponly');
    const inLocation = (name: string) => found.some((x) => x.span.start > text.indexOf(`location ${name} `) && x.span.start < text.indexOf('}', text.indexOf(`location ${name} `)));
    expect(inLocation('/wiki/')).toBe(true);
    expect(inLocation('/jira/')).toBe(false);
  });

  it('without a default: the empty string is a value', () => {
    const m = model(http(maps('strict httponly;'), '', loc('/', 'proxy_cookie_flags ~ $cookie_flags;')));
    expect(outcomes(m, 'location /')).toEqual([
      'for requests where $http_x_mode is "strict" → XSRF-TOKEN=x; Path=/; HttpOnly',
      'for requests where $cookie_flags is not "httponly" → XSRF-TOKEN=x; Path=/',
    ]);
  });

  it('whose values never include httponly lints silent', () => {
    const text = http(maps('default secure;\nstrict "samesite=strict";\nboth "httponly secure";\n~^x nohttponly;'), '', loc('/', 'proxy_cookie_flags ~ $cookie_flags;'));
    expect(lintText(text).brief).toEqual([]);
    // "httponly secure" is ONE flag word nginx does not know: ignored.
    const m = model(text);
    const both = cookieOps(m, 'location /').find((o) => o.bindings.get('cookie_flags') === 'httponly secure');
    expect(both?.condition?.text).toBe('$http_x_mode is "both"');
    expect(outcomes(m, 'location /').every((o) => !o.includes('HttpOnly'))).toBe(true);
  });

  it('names the keys a value comes from only when every value is written out', () => {
    // Two keys give httponly, and the default does too: all three are named.
    const several = model(http(maps('default httponly;\nstrict httponly;\n~^lock httponly;\nlax secure;'), '', loc('/', 'proxy_cookie_flags ~ $cookie_flags;')));
    expect(cookieOps(several, 'location /').map((o) => o.condition?.text)).toEqual(['$http_x_mode is "strict" or matches ~^lock or is none of the map\'s keys', '$http_x_mode is "lax"']);
    // A value read from another variable might equal a written one: the values are named instead.
    const dynamic = model(http(maps('default "";\nstrict httponly;\nother $http_y;'), '', loc('/', 'proxy_cookie_flags ~ $cookie_flags;')));
    expect(cookieOps(dynamic, 'location /').map((o) => o.condition?.text)).toContain('$cookie_flags is "httponly"');
  });

  it('values reading variables are evaluated where known; captures and unread includes are unknown', () => {
    const known = model(http(maps('default $srv;'), 'set $srv httponly;', loc('/', 'proxy_cookie_flags ~ $cookie_flags;')));
    expect(outcomes(known, 'location /')).toEqual(['every request → XSRF-TOKEN=x; Path=/; HttpOnly']);
    // An unknown value in a flag: httponly or not.
    const capture = model(http(maps('default secure;\n~^(.*)$ $1;'), '', loc('/', 'proxy_cookie_flags ~ $cookie_flags;')));
    expect(outcomes(capture, 'location /')).toHaveLength(3);
    const included = model(http(maps('hostnames;\nvolatile;\ndefault secure;\ninclude flags.map;'), '', loc('/', 'proxy_cookie_flags ~ $cookie_flags;')), { '/etc/nginx/flags.map': 'a httponly;\nb "";\n' });
    expect(outcomes(included, 'location /').map((o) => o.split(' → ')[1])).toEqual(['XSRF-TOKEN=x; Path=/; HttpOnly', 'XSRF-TOKEN=x; Path=/', 'XSRF-TOKEN=x; Path=/; Secure']);
  });

  it('is refused where a value is not a valid complex value, as nginx 1.22 refuses it (also in an included file)', () => {
    const m = model(http(maps('default "~^(?!csrftoken$)";\nstrict httponly;\ninclude flags.map;'), '', loc('/', 'add_header X-F $cookie_flags;')), { '/etc/nginx/flags.map': 'b "a${x";\n' });
    expect(m.problems.map((p) => p.message)).toEqual(['invalid variable name', 'the closing bracket in "x" variable is missing']);
  });
});

describe('variables nothing sets', () => {
  it('in a flag: httponly or not, and the finding says for which requests', () => {
    const text = http('', '', loc('/', 'proxy_cookie_flags ~ $http_x_flags;'));
    expect(outcomes(model(text), 'location /')).toEqual([
      'for requests where $http_x_flags is "httponly" → XSRF-TOKEN=x; Path=/; HttpOnly',
      'for requests where $http_x_flags is not "httponly" → XSRF-TOKEN=x; Path=/',
    ]);
    const { messages } = lintText(text);
    expect(messages.map((m) => m.ruleId)).toEqual(['xsrf-cookie-httponly']);
    expect(messages[0]!.message).toContain('for requests where $http_x_flags is "httponly"');
  });

  it('in a cookie selector or a path: kept as written, matching nothing', () => {
    const m = model(http('', '', loc('/', 'proxy_cookie_flags $cookie_name httponly; proxy_cookie_path $http_p "/; HttpOnly";')));
    expect(outcomes(m, 'location /')).toEqual(['every request → XSRF-TOKEN=x; Path=/']);
    expect(cookieOps(m, 'location /')).toHaveLength(1);
  });
});

describe('variables in selectors and paths', () => {
  it('a known cookie name or injected attribute is substituted', () => {
    const m = model(http('', 'set $name XSRF-TOKEN; set $attrs HttpOnly;', loc('/a/', 'proxy_cookie_flags $name httponly;'), loc('/b/', 'proxy_cookie_path / "/; $attrs";')));
    expect(outcomes(m, 'location /a/')).toEqual(['every request → XSRF-TOKEN=x; Path=/; HttpOnly']);
    expect(outcomes(m, 'location /a/', 'JSESSIONID=s; Path=/')).toEqual(['every request → JSESSIONID=s; Path=/']);
    expect(outcomes(m, 'location /b/')).toEqual(['every request → XSRF-TOKEN=x; Path=/; HttpOnly']);
  });

  it('a selector with several values: one branch each, and a value the configuration does not set, which the request decides', () => {
    const m = model(http('map $host $name { default XSRF-TOKEN; a.test $http_n; }', '', loc('/', 'proxy_cookie_flags $name httponly;')));
    expect(outcomes(m, 'location /')).toEqual(['for requests where $name is "XSRF-TOKEN" → XSRF-TOKEN=x; Path=/; HttpOnly', 'every request → XSRF-TOKEN=x; Path=/']);
    // A request's header names the cookie there: it may be XSRF-TOKEN, so that outcome is unknown.
    const e = m.endpoints.find((x) => x.label.endsWith('location /'))!;
    const unknown = branchesOf(simulate('nginx', e.pipeline, { backend: 'http', status: 200 }, ['XSRF-TOKEN=x; Path=/'])).filter((b) => b.tooComplex);
    expect(unknown.map((b) => b.tooComplex!.unsupported)).toEqual([expect.stringContaining('a value the request decides')]);
    expect(cookieOps(m, 'location /').map((o) => o.condition?.text)).toEqual(['$name has a value the configuration does not set', '$name is "XSRF-TOKEN"']);
  });
});

describe('the bound on variants', () => {
  it('beyond 16 combinations, the variables with several values are kept as written', () => {
    const five = (v: string) => `map $http_${v} $${v} { default ""; a httponly; b secure; c nosecure; d "samesite=lax"; }`;
    const m = model(http(`${five('one')}\n${five('two')}`, '', loc('/', 'proxy_cookie_flags ~ $one $two;')));
    const ops = cookieOps(m, 'location /');
    expect(ops).toHaveLength(1);
    expect(ops[0]!.condition).toBeNull();
    expect(outcomes(m, 'location /')).toEqual(['every request → XSRF-TOKEN=x; Path=/']);
    // 4 × 4 = 16: explored.
    const four = (v: string) => `map $http_${v} $${v} { default ""; a httponly; b secure; c nosecure; }`;
    const within = model(http(`${four('one')}\n${four('two')}`, '', loc('/', 'proxy_cookie_flags ~ $one $two;')));
    expect(cookieOps(within, 'location /')).toHaveLength(16);
  });
});

describe('fixes of variable-driven entries', () => {
  it('a regex selector gets a lookahead, proven on every value', () => {
    const text = http('', '', loc('/', 'proxy_cookie_flags ~ $http_x_flags;'));
    expect(fixText(text)).toContain('proxy_cookie_flags ~^(?!(?:');
  });

  /** The reason why the one finding of a location with `proxy_cookie_flags <flags>` has no fix. */
  function refusal(flags: string): string {
    const text = http('map $http_x_mode $f { default secure; strict httponly; }', '', loc('/', `proxy_cookie_flags ${flags};`));
    const { messages } = lintText(text);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.fix).toBeUndefined();
    expect(fixText(text)).toBe(text);
    return JSON.stringify(messages[0]!.data);
  }

  it('a variable that gives other flags too is refused: a lookahead would take those away as well', () => {
    expect(refusal('~ $f')).toContain('"noFix":"$f also gives \\"secure\\" on other requests. Instead: change the set or map');
  });

  it('a named cookie whose httponly comes from a variable is refused with the reason', () => {
    expect(refusal('XSRF-TOKEN $f')).toContain('the httponly flag comes from $f, whose value depends on the request');
  });

  it('a refused fix never makes the message longer than 200 characters: the brief keeps the cookies and the requests', () => {
    const text = http('map $http_x_mode $cookie_flags { default secure; strict httponly; }', 'server_name jira.example.com;', loc('/jira/', 'proxy_cookie_flags ~ $cookie_flags;'));
    const [m] = lintText(text).messages;
    expect(m!.message).toBe(
      'proxy_cookie_flags adds HttpOnly to atlassian.xsrf.token (Jira) and 6 other known CSRF cookies for requests where $http_x_mode is "strict". No automatic fix; --format json says why.',
    );
    expect((m!.data as { noFix: string }).noFix).toMatch(/^\$cookie_flags also gives "secure" on other requests\. Instead: /);
  });
});

describe('fixes of path and domain rewrites whose replacement is a variable', () => {
  /** The one xsrf-cookie-httponly finding of `proxy_cookie_path / $cp;` with the given map. */
  function finding(map: string) {
    const text = http(map, '', loc('/', 'proxy_cookie_path / $cp;'));
    const found = lintText(text).messages.filter((m) => m.ruleId === 'xsrf-cookie-httponly');
    expect(found).toHaveLength(1);
    return { text, message: found[0]! };
  }

  it('one value on every request: its flags move to proxy_cookie_flags, as for the hack written inline', () => {
    const { text } = finding('map $host $cp { default "/; HttpOnly"; }');
    expect(fixText(text)).toContain('location / { proxy_pass http://127.0.0.1:8080; proxy_cookie_flags ~^(?:atlassian\\.xsrf\\.token)$ nohttponly; proxy_cookie_flags ~ httponly; }');
  });

  it('several values: refused, naming the variable (not "does not inject attributes")', () => {
    const { text, message } = finding('map $host $cp { default "/; HttpOnly"; a.test /; }');
    expect(message.fix).toBeUndefined();
    expect((message.data as { noFix: string }).noFix).toMatch(/^the injected flags come from \$cp, which differs per request\. Instead: /);
    expect(fixText(text)).toBe(text);
  });

  it('a value the configuration does not set: refused, naming the variable', () => {
    const { message } = finding('map $host $cp { default "/; HttpOnly"; a.test $http_x_root; }');
    expect((message.data as { noFix: string }).noFix).toMatch(/^the injected flags come from \$cp, which the configuration does not set\. /);
  });
});
