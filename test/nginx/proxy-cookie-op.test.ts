/**
 * The nginx proxy-module cookie operation (src/model/ops/nginx-proxy-cookie.ts) as one op: what
 * it is called, which entry a cause points at, what it asks to be probed with, and the parts of
 * its behaviour the real-server cases cannot tell apart (producers other than proxy_pass).
 */
import { describe, expect, it } from 'vitest';
import { buildNginxModel } from '../../src/dialects/nginx/index.js';
import type { HeaderRewriteModel } from '../../src/model/header-rewrite.js';
import { opOfKind } from '../../src/model/ops/index.js';
import { entryAt, entryBits, entryProbes, flagsEntryFor, nginxCookieEntries, nginxProxyCookieOp, type NginxProxyCookieOp } from '../../src/model/ops/nginx-proxy-cookie.js';
import { isLinewise, simulate } from '../../src/model/simulate.js';
import { memoryIO } from './memory-io.js';

function model(text: string, nginxVersion = '1.30.1', others: Record<string, string> = {}, context: 'location' | 'server' = 'location'): HeaderRewriteModel {
  return buildNginxModel('/etc/nginx/t.conf', memoryIO({ '/etc/nginx/t.conf': text, ...others }), { nginxVersion, context });
}

/** What proxy_pass's Set-Cookie lines become under the model's first endpoint. */
function through(m: HeaderRewriteModel, ...lines: string[]): string[] {
  return simulate('nginx', m.endpoints[0]!.pipeline, { backend: 'http', status: 200 }, lines).lines.map((l) => l.value);
}

function op(m: HeaderRewriteModel): NginxProxyCookieOp {
  const found = m.ops.filter((o) => opOfKind(o, 'nginx-proxy-cookie'));
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('the proxy_cookie_* operation', () => {
  it('is linewise when no entry reads a variable: each line of a response ends as it would alone', () => {
    const m = model('proxy_pass http://x;\nproxy_cookie_flags ~^sess httponly secure;\nproxy_cookie_path ~^/(a|b)(.*)$ /app/;\nproxy_cookie_domain ~\\.internal$ example.com;\nproxy_cookie_flags JSESSIONID samesite=lax;\n');
    expect(isLinewise(m.endpoints[0]!.pipeline)).toBe(true);
    const samples = ['sessid=1; Path=/a/x', 'JSESSIONID=2; Domain=b.internal; Path=/b', 'other=3; Path=/c; HttpOnly', 'noequals', 'sess=4; path=/A; secure'];
    expect(through(m, ...samples)).toEqual(samples.flatMap((s) => through(m, s)));
    // A variable (the request's, or another cookie's) may make lines depend on more than themselves.
    expect(op(model('proxy_pass http://x;\nproxy_cookie_path / "/; $host";\n')).linewise).toBeUndefined();
    expect(op(model('proxy_pass http://x;\nproxy_cookie_flags $cookie_name httponly;\n')).linewise).toBeUndefined();
  });

  it('is labelled by its directive, or by the number of directives it holds, in source order', () => {
    expect(op(model('proxy_pass http://x;\nproxy_cookie_flags ~ httponly;\n')).label).toBe('proxy_cookie_flags ~ httponly');
    const m = model('proxy_pass http://x;\nproxy_cookie_flags ~ httponly;\nproxy_cookie_path /a /b;\nproxy_cookie_domain a.test b.test;\n');
    const o = op(m);
    expect(o.label).toBe('proxy_cookie_* (3 directives)');
    const text = m.files.get(m.root)!.text;
    expect(o.entries.map((e) => text.slice(e.span.start, e.span.end))).toEqual(['proxy_cookie_flags ~ httponly;', 'proxy_cookie_path /a /b;', 'proxy_cookie_domain a.test b.test;']);
    expect(o.parts.map((p) => p.label)).toEqual(['proxy_cookie_flags ~ httponly', 'proxy_cookie_path /a /b', 'proxy_cookie_domain a.test b.test']);
    expect(text.slice(o.span.start, o.span.end)).toBe('proxy_cookie_flags ~ httponly;');
    // entryAt: the entry holding a cause span, or nothing.
    const path = o.entries[1]!;
    expect(entryAt(o, { file: path.span.file, start: path.span.start + 1, end: path.span.end })).toBe(path);
    expect(entryAt(o, { file: path.span.file, start: 0, end: 1 })).toBeUndefined();
    expect(entryAt(o, { file: '/elsewhere', start: path.span.start, end: path.span.end })).toBeUndefined();
    expect([...nginxCookieEntries(m.ops).keys()]).toEqual(o.entries);
  });

  it('finds the first flags entry for a cookie name: literal names in any case, regexes', () => {
    const o = op(model('proxy_pass http://x;\nproxy_cookie_flags XSRF-token secure;\nproxy_cookie_flags ~^atl httponly;\nproxy_cookie_flags ~ samesite=lax;\n'));
    const label = (name: string) => flagsEntryFor(o, name)?.label;
    expect(label('xsrf-TOKEN')).toBe('proxy_cookie_flags XSRF-token secure');
    expect(label('XSRF-TOKEN2')).toBe('proxy_cookie_flags ~ samesite=lax');
    expect(label('atl.xsrf.token')).toBe('proxy_cookie_flags ~^atl httponly');
    expect(flagsEntryFor(op(model('proxy_pass http://x;\nproxy_cookie_path / /x/;\n')), 'a')).toBeUndefined();
  });

  it('asks to be probed with cookies its entries match', () => {
    const m = model('proxy_pass http://x;\nproxy_cookie_path /app/ /;\nproxy_cookie_domain a.test b.test;\nproxy_cookie_flags JSESSIONID httponly;\nproxy_cookie_flags ~ secure;\n');
    const [path, domain, literal, regex] = op(m).entries;
    expect(entryProbes(path!)).toEqual(expect.arrayContaining(['session=0; Path=/app/; Secure']));
    expect(entryProbes(domain!)).toEqual(expect.arrayContaining(['session=0; Domain=a.test; Path=/app; Secure']));
    expect(entryProbes(literal!)).toEqual(['JSESSIONID=lpc; Path=/']);
    expect(entryProbes(regex!)).toEqual([]);
    expect(op(m).probeAttributes).toEqual(expect.arrayContaining(['Path=/app/; Secure', 'Domain=a.test; Path=/app; Secure']));
    expect(op(m).probeAttributes).not.toContain('Path=/');
  });

  it('rewrites only what proxy_pass brings: not FastCGI lines, not lines other directives add', () => {
    const m = model('proxy_pass http://x;\nproxy_cookie_flags ~ httponly;\nproxy_cookie_path / /x/;\n');
    const pipeline = m.endpoints[0]!.pipeline;
    const sim = (backend: 'http' | 'fastcgi') => simulate('nginx', pipeline, { backend, status: 200 }, ['a=1; Path=/']).lines.map((l) => l.value);
    expect(sim('http')).toEqual(['a=1; Path=/x/; HttpOnly']);
    expect(sim('fastcgi')).toEqual(['a=1; Path=/']);
  });

  it('before 1.19.3 there are no flags, and paths are rewritten in place', () => {
    const m = model('proxy_pass http://x;\nproxy_cookie_path / "/; HttpOnly";\n', '1.18.0');
    const o = op(m);
    expect(o.legacy).toBe(true);
    expect(o.flags).toBeNull();
    expect(simulate('nginx', m.endpoints[0]!.pipeline, { backend: 'http', status: 200 }, ['a=1; Path=/app; Secure']).lines.map((l) => l.value)).toEqual(['a=1; Path=/; HttpOnlyapp; Secure']);
  });

  it('folds case as nginx does in C: only A-Z, so É is not é (ngx_strncasecmp)', () => {
    const flags = op(model('proxy_pass http://x;\nproxy_cookie_flags ÉTAT httponly;\nproxy_cookie_flags XSRF-Token secure;\n'));
    expect(flagsEntryFor(flags, 'état')).toBeUndefined();
    expect(flagsEntryFor(flags, 'ÉTAT')?.label).toBe('proxy_cookie_flags ÉTAT httponly');
    expect(flagsEntryFor(flags, 'xsrf-token')?.label).toBe('proxy_cookie_flags XSRF-Token secure');
    expect(flagsEntryFor(flags, 'xsrf-token2')).toBeUndefined();
    const domain = model('proxy_pass http://x;\nproxy_cookie_domain Éx.Test b.test;\n');
    expect(through(domain, 'a=1; Domain=éx.test', 'a=2; Domain=ÉX.TEST', 'a=3; domain=.Éx.test')).toEqual(['a=1; Domain=éx.test', 'a=2; Domain=b.test', 'a=3; domain=.b.test']);
  });

  it('rewrites only attributes called domain or path that have a value, in any ASCII case', () => {
    const m = model('proxy_pass http://x;\nproxy_cookie_path / /x/;\nproxy_cookie_domain a.test b.test;\n');
    expect(through(m, 'a=1; path; PATH=/p; pathx=/q; domain; DOMAIN=a.test; domainx=a.test')).toEqual(['a=1; path; PATH=/x/p; pathx=/q; domain; DOMAIN=b.test; domainx=a.test']);
    // A first pair without `=` leaves the line alone, even when a later attribute would match.
    expect(through(m, 'a; Path=/p')).toEqual(['a; Path=/p']);
  });

  it('a flags entry whose words are all unknown or empty changes nothing', () => {
    const m = model('proxy_pass http://x;\nset $none "";\nproxy_cookie_flags a $none;\nproxy_cookie_flags ~ httponly;\n');
    const o = op(m);
    expect(entryBits(o.flags![0]!)).toBe(0);
    expect(entryBits(o.flags![1]!)).not.toBe(0);
    // The first matching entry is used even when it does nothing: `a` keeps its attributes as sent.
    expect(through(m, 'a=1;Path=/', 'b=1;Path=/')).toEqual(['a=1;Path=/', 'b=1; Path=/; HttpOnly']);
  });

  it('signs each behaviour apart: literal and regex patterns, replacements, flags', () => {
    const sig = (text: string) => op(model(`proxy_pass http://x;\n${text}\n`)).signature;
    const texts = [
      'proxy_cookie_path /a /x;',
      'proxy_cookie_path /b /x;',
      'proxy_cookie_path /a /y;',
      'proxy_cookie_path ~^/a /x;',
      'proxy_cookie_path ~^/b /x;',
      'proxy_cookie_path ~*^/a /x;',
      'proxy_cookie_domain a.test x.test;',
      'proxy_cookie_flags a httponly;',
      'proxy_cookie_flags b httponly;',
      'proxy_cookie_flags a secure;',
      'proxy_cookie_flags ~^a httponly;',
      'proxy_cookie_flags ~^b httponly;',
    ];
    const sigs = texts.map(sig);
    expect(new Set(sigs).size).toBe(texts.length);
    // The same behaviour written again (other spacing, another location) signs the same.
    expect(sig('proxy_cookie_path   /a   /x;')).toBe(sigs[0]);
    expect(op(model('proxy_pass http://x;\nproxy_cookie_path /a /x;\n', '1.18.0')).signature).not.toBe(sigs[0]);
  });

  it('with no entries it is an empty operation of its own dialect', () => {
    const o = nginxProxyCookieOp({ domains: null, paths: null, flags: null, legacy: false });
    expect(o).toMatchObject({ dialect: 'nginx', kind: 'nginx-proxy-cookie', span: { file: '', start: 0, end: 0 }, focus: { file: '', start: 0, end: 0 }, entries: [], parts: [] });
    const line = { value: 'a=1', producer: 'http' } as Parameters<typeof o.apply>[0][number];
    o.apply([line], { backend: 'http', status: 200 } as Parameters<typeof o.apply>[1]);
    expect(line.value).toBe('a=1');
  });

  it('orders entries by file, then offset, whatever order they come in', () => {
    const a = `${'\n'.repeat(120)}proxy_cookie_flags ~ httponly;\n`;
    const m = model('proxy_pass http://x;\nproxy_cookie_path /a /b;\ninclude a.conf;\n', '1.30.1', { '/etc/nginx/a.conf': a });
    const o = op(m);
    expect(o.entries.map((e) => e.span.file)).toEqual(['/etc/nginx/a.conf', '/etc/nginx/t.conf']);
    expect(o.label).toBe('proxy_cookie_* (2 directives)');
    expect(o.span.file).toBe('/etc/nginx/a.conf');
    expect(o.focus.file).toBe('/etc/nginx/a.conf');
  });

  it('lists each entry once with the operations holding it, in file and offset order', () => {
    const inc = `${'\n'.repeat(300)}proxy_cookie_flags ~ httponly;\n`;
    const text = [
      'proxy_cookie_domain a.test b.test;',
      'location /a { proxy_pass http://x; proxy_cookie_path /a /b; }',
      'location /b { proxy_pass http://x; proxy_cookie_path /c /d; include i.conf; }',
      'location /c { proxy_pass http://x; }',
      '',
    ].join('\n');
    const m = model(text, '1.30.1', { '/etc/nginx/i.conf': inc }, 'server');
    const ops = m.ops.filter((o): o is NginxProxyCookieOp => opOfKind(o, 'nginx-proxy-cookie'));
    expect(ops.length).toBeGreaterThanOrEqual(3);
    for (const order of [ops, [...ops].reverse()]) {
      const map = nginxCookieEntries(order);
      const keys = [...map.keys()];
      expect(keys.map((e) => [e.span.file, e.directive])).toEqual([
        ['/etc/nginx/i.conf', 'proxy_cookie_flags'],
        ['/etc/nginx/t.conf', 'proxy_cookie_domain'],
        ['/etc/nginx/t.conf', 'proxy_cookie_path'],
        ['/etc/nginx/t.conf', 'proxy_cookie_path'],
      ]);
      const shared = keys[1]!;
      expect(new Set(map.get(shared))).toEqual(new Set(ops.filter((o) => o.entries.includes(shared))));
      expect(map.get(shared)!.length).toBe(ops.filter((o) => o.entries.includes(shared)).length);
      for (const ops2 of map.values()) for (const o of ops2) expect(o.kind).toBe('nginx-proxy-cookie');
    }
  });
});
