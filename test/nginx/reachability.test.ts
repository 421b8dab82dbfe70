/**
 * Locations no request can select (src/dialects/nginx/reachability.ts): each rule both ways,
 * a location it proves unreachable and a near miss it must leave alone. Real nginx confirms the
 * same cases in real-server.test.ts ("unreachable locations").
 */
import { describe, expect, it } from 'vitest';
import { findLocation, parseLocation, type LocationNode } from '../../src/dialects/nginx/locations.js';
import { unreachableReason } from '../../src/dialects/nginx/reachability.js';
import type { Word } from '../../src/dialects/nginx/syntax.js';
import { buildNginxModel } from '../../src/dialects/nginx/index.js';
import { DEFAULT_NGINX_VERSION } from '../../src/dialects/dialect.js';
import { lintText } from './lint-helpers.js';
import { memoryIO } from './memory-io.js';

function word(value: string): Word {
  const span = { file: 't', start: 0, end: value.length };
  return { span, inner: span, raw: value, value, quote: null };
}

/** Sibling locations from their arguments as written (`'~ ^/api'`, `'= /'`, `'/static/'`). */
function level(...specs: string[]): LocationNode<string>[] {
  return specs.map((s) => {
    const parsed = parseLocation(s.split(' ').map(word));
    if (!parsed.ok) throw new Error(parsed.message);
    return { info: parsed.info, children: [], value: s };
  });
}

/** The reason for each location of the level, '' when it may be selected. */
function reasons(...specs: string[]): string[] {
  const l = level(...specs);
  return l.map((n) => unreachableReason(l, n) ?? '');
}

describe('locations no request can select', () => {
  it('a prefix or exact location not starting with "/"; not the named ones', () => {
    expect(reasons('api/', '= login', '*.php', '/api/', '= /login', '@fallback', '^~ /static/')).toEqual([
      'request paths always start with "/", and "api/" does not',
      'request paths always start with "/", and "login" does not',
      'request paths always start with "/", and "*.php" does not',
      '',
      '',
      '',
      '',
    ]);
  });

  it('a regex anchored on another first character; not one anchored on "/", unanchored or starting with a group', () => {
    const r = reasons('~ ^api/', '~* ^Static', '~ ^_x', '~ ^-', '~ ^/api/', '~ api/', '~ ^(api|/web)', '~ ^\\/x', '~ ^.api');
    expect(r.slice(0, 4).every((x) => x.includes('but request paths always start with "/"'))).toBe(true);
    expect(r[0]).toBe('its regex needs the path to start with "a", but request paths always start with "/"');
    expect(r.slice(4)).toEqual(['', '', '', '', '']);
  });

  it('a regex after one that matches every path, in either case; not before it', () => {
    for (const all of ['/', '^/', '.*', '^(.*)$', '.+', '']) {
      const l = level('~ \\.php$', `~ ${all}`, '~* \\.js$');
      expect(l.map((n) => unreachableReason(l, n) ?? '')).toEqual(['', '', `location ~ ${all} comes first and matches every request path`]);
    }
    // Not every path: "/" alone is not matched by ^/.+ nor by ^/a.
    expect(reasons('~ ^/.+', '~ \\.js$')).toEqual(['', '']);
  });

  it('a regex after the same regex, unless it matches more cases', () => {
    expect(reasons('~ \\.php$', '~ \\.php$')[1]).toBe('location ~ \\.php$ comes first and matches the same paths');
    expect(reasons('~* \\.php$', '~ \\.php$')[1]).toBe('location ~* \\.php$ comes first and matches the same paths');
    expect(reasons('~* \\.php$', '~* \\.php$')[1]).toBe('location ~* \\.php$ comes first and matches the same paths');
    expect(reasons('~ \\.php$', '~* \\.php$')).toEqual(['', '']);
    expect(reasons('~ \\.php$', '~ \\.PHP$')).toEqual(['', '']);
    expect(reasons('~* \\.php$', '~ \\.PHP$')[1]).toBe('location ~* \\.php$ comes first and matches the same paths in any case');
    // \d and \D differ in meaning, not in case.
    expect(reasons('~* x\\d$', '~ x\\D$')).toEqual(['', '']);
  });

  it('a plain prefix location beside a regex that matches every path; not ^~, exact or nested ones', () => {
    const r = reasons('/', '/app/', '^~ /static/', '= /login', '~ \\.php$', '~ ^/');
    expect(r).toEqual(['location ~ ^/ matches every request path, and nginx tries the regex locations after a plain prefix', r[0], '', '', '', '']);
    expect(reasons('/', '~ ^/.+')).toEqual(['', '']);
  });

  it('regexes under ^~ / when every prefix location is ^~; not when a plain prefix one lets some paths through', () => {
    expect(reasons('^~ /', '^~ /static/', '= /x', '~ \\.php$')[3]).toBe('location ^~ / (with only ^~ prefix locations beside it) stops nginx before it searches the regex locations');
    expect(reasons('^~ /', '/app/', '~ \\.php$')).toEqual(['', '', '']);
    expect(reasons('^~ /static/', '~ \\.php$')).toEqual(['', '']);
    expect(reasons('/', '~ \\.php$')).toEqual(['', '']);
  });

  it('agrees with the location search: no candidate path selects what it proves unreachable', () => {
    const l = level('^~ /', '^~ /static/', '~ \\.php$', '~ ^api/');
    for (const uri of ['/', '/a.php', '/static/x.php', '/api/x', '/index.php']) {
      const picked = findLocation(l, uri)?.value;
      expect(['~ \\.php$', '~ ^api/']).not.toContain(picked);
    }
    const m = level('/', '~ /', '~ \\.php$');
    expect(findLocation(m, '/x.php')?.value).toBe('~ /');
  });
});

describe('unreachable locations in the model and the report', () => {
  const conf = (api: string) =>
    `http {\n  server {\n    listen 80;\n    location / {\n      proxy_pass http://127.0.0.1:8080;\n    }\n    location ${api} {\n      proxy_pass http://127.0.0.1:8081;\n      proxy_cookie_flags ~ httponly;\n    }\n  }\n}\n`;

  it('judges no scope inside an unreachable location, and says once why it is never selected', () => {
    const m = buildNginxModel('/etc/nginx/nginx.conf', memoryIO({ '/etc/nginx/nginx.conf': conf('~ ^api/') }), { nginxVersion: DEFAULT_NGINX_VERSION });
    expect(m.endpoints.map((e) => e.label)).toEqual(['server :80 › location /']);
    expect(m.facts).toEqual([expect.objectContaining({ kind: 'nginx-unreachable-location', label: 'location ~ ^api/', holds: ['proxy_pass', 'proxy_cookie_flags'] })]);
    expect(lintText(conf('~ ^api/')).brief).toEqual(['nginx-location-unreachable@7:16']);
  });

  it('judges the same location where a request can select it', () => {
    const m = buildNginxModel('/etc/nginx/nginx.conf', memoryIO({ '/etc/nginx/nginx.conf': conf('~ ^/api/') }), { nginxVersion: DEFAULT_NGINX_VERSION });
    expect(m.endpoints.map((e) => e.label)).toEqual(['server :80 › location /', 'server :80 › location ~ ^/api/']);
    expect(m.facts).toEqual([]);
    expect(lintText(conf('~ ^/api/')).brief).toEqual(['xsrf-cookie-httponly@9:26']);
  });

  it('skips the nested locations and if blocks of an unreachable location too', () => {
    const text = `http {\n  server {\n    location / {\n      proxy_pass http://a;\n    }\n    location api/ {\n      location api/v1/ {\n        proxy_pass http://b;\n        proxy_cookie_flags ~ httponly;\n      }\n      if ($arg_x) {\n        proxy_pass http://c;\n      }\n    }\n  }\n}\n`;
    const m = buildNginxModel('/etc/nginx/nginx.conf', memoryIO({ '/etc/nginx/nginx.conf': text }), { nginxVersion: DEFAULT_NGINX_VERSION });
    expect(m.endpoints.map((e) => e.label)).toEqual(['server › location /']);
    expect(m.facts.map((f) => (f.kind === 'nginx-unreachable-location' ? f.label : f.kind))).toEqual(['location api/', 'location api/v1/']);
  });
});
