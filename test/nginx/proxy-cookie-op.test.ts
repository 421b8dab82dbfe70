/**
 * The nginx proxy-module cookie operation (src/model/ops/nginx-proxy-cookie.ts) as one op: what
 * it is called, which entry a cause points at, what it asks to be probed with, and the parts of
 * its behaviour the real-server cases cannot tell apart (producers other than proxy_pass).
 */
import { describe, expect, it } from 'vitest';
import { buildNginxModel } from '../../src/dialects/nginx/index.js';
import type { HeaderRewriteModel } from '../../src/model/header-rewrite.js';
import { opOfKind } from '../../src/model/ops/index.js';
import { entryAt, entryProbes, flagsEntryFor, nginxCookieEntries, type NginxProxyCookieOp } from '../../src/model/ops/nginx-proxy-cookie.js';
import { simulate } from '../../src/model/simulate.js';
import { memoryIO } from './memory-io.js';

function model(text: string, nginxVersion = '1.30.1'): HeaderRewriteModel {
  return buildNginxModel('/etc/nginx/t.conf', memoryIO({ '/etc/nginx/t.conf': text }), { nginxVersion, context: 'location' });
}

function op(m: HeaderRewriteModel): NginxProxyCookieOp {
  const found = m.ops.filter((o) => opOfKind(o, 'nginx-proxy-cookie'));
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('the proxy_cookie_* operation', () => {
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
});
