/**
 * httpd's check of the header values it sends (apache-header-check.ts): a control character makes
 * it answer 500, where only `Header always` runs again; CR LF + SP/HTAB is folded into a space.
 * What httpd sends is checked in real-server-cases.ts (header-newline-*, header-folding-*).
 */
import { describe, expect, it } from 'vitest';
import { apacheDialect } from '../../src/dialects/apache/index.js';
import { DEFAULT_NGINX_VERSION } from '../../src/dialects/dialect.js';
import type { BackendKind } from '../../src/model/backends.js';
import type { HeaderRewriteModel } from '../../src/model/header-rewrite.js';
import { sendableValue } from '../../src/model/ops/apache-header-check.js';
import { branchesOf, simulate, type SimResult } from '../../src/model/simulate.js';
import { opSignature } from '../../src/model/signature.js';
import { memoryIO } from '../harness/memory-io.js';

const vhost = (body: string) => `<VirtualHost *:443>\n    ProxyPass / http://127.0.0.1:8080/\n${body}\n</VirtualHost>\n`;

function model(text: string): HeaderRewriteModel {
  return apacheDialect.buildModel('/c/a.conf', memoryIO({ '/c/a.conf': text }), { nginxVersion: DEFAULT_NGINX_VERSION });
}

function run(body: string, backend: BackendKind = 'http'): SimResult {
  const e = model(vhost(body)).endpoints.find((x) => x.requestPath === '/' && x.label.includes('VirtualHost'))!;
  return simulate('apache', e.pipeline, { backend, status: 200 }, ['csrftoken=1', 'a=1']);
}

const lines = (r: SimResult) => branchesOf(r).map((b) => b.lines.map((l) => l.value));

describe('apache-header-check', () => {
  it('reads values as check_header does', () => {
    expect(sendableValue('a=1; HttpOnly')).toBe('a=1; HttpOnly');
    expect(sendableValue('a=1\n; HttpOnly')).toBeNull();
    expect(sendableValue('a=1\r; HttpOnly')).toBeNull();
    expect(sendableValue('a=1\r\n; HttpOnly')).toBeNull();
    expect(sendableValue('a=1\r\n\t  ; HttpOnly')).toBe('a=1 ; HttpOnly');
    expect(sendableValue('a=1\t; \u00e9')).toBe('a=1\t; \u00e9');
  });

  it('a newline written into a cookie: 500 with the Header always lines only', () => {
    const body = '    Header edit Set-Cookie "^(csrftoken=.*)$" "$1\\n; HttpOnly"\n    Header always add Set-Cookie "err=1"\n    Header add Set-Cookie "ok=1"';
    expect(lines(run(body))).toEqual([['err=1']]);
    // FastCGI lines are in the always table: the onsuccess edit does not see them.
    expect(lines(run(body, 'fastcgi'))).toEqual([['csrftoken=1', 'a=1', 'err=1', 'ok=1']]);
    // SCGI and CGI: not known.
    expect(run('    Header always edit Set-Cookie "^(csrftoken=.*)$" "$1\\n"', 'scgi').tooComplex?.unsupported).toMatch(/not known/);
  });

  it('another header: its value refused drops every cookie; refused again in the 500, nothing is left', () => {
    expect(lines(run('    Header set X-Other "a\\nb"\n    Header always add Set-Cookie "err=1"'))).toEqual([['err=1']]);
    expect(lines(run('    Header always set X-Other "a\\nb"\n    Header always add Set-Cookie "err=1"'))).toEqual([[]]);
    expect(run('    Header edit X-Other "a" "\\n"').tooComplex?.unsupported).toMatch(/depends on response headers/);
    // Folding is sent as a space; a header without a control character makes no op.
    expect(lines(run('    Header edit Set-Cookie "^(csrftoken=.*)$" "$1\\r\\n ; F"'))).toEqual([['csrftoken=1 ; F', 'a=1']]);
    expect(model(vhost('    Header set X-Other "a b"')).ops).toEqual([]);
  });

  it('under a condition, only the requests where the directive runs are refused', () => {
    const r = run('    Header set X-Other "a\\nb" "expr=%{REQUEST_URI} =~ m#^/x#"\n    Header always add Set-Cookie "err=1"');
    expect(lines(r).sort()).toEqual([['err=1', 'csrftoken=1', 'a=1'], ['err=1']].sort());
  });

  it('leaves unknown a conditional Header always that adds a line, and a local ErrorDocument 500', () => {
    expect(run('    Header set X-Other "a\\nb"\n    Header always add Set-Cookie "err=1" "expr=%{REQUEST_URI} =~ m#^/x#"').tooComplex?.unsupported).toBeDefined();
    expect(run('    ErrorDocument 500 /e.html\n    Header set X-Other "a\\nb"').tooComplex?.unsupported).toMatch(/local URL/);
  });

  it('has a key that holds the directives run again and the ErrorDocument', () => {
    const texts = ['    Header set X-Other "a\\nb"', '    Header set X-Other "a\\nb"\n    Header always add Set-Cookie "err=1"', '    Header set X-Other "a\\nb"\n    ErrorDocument 500 /e.html'].map(vhost);
    const keys = texts.map((t) => model(t).endpoints.find((e) => e.requestPath === '/' && e.label.includes('VirtualHost'))!.pipeline.filter((o) => o.kind === 'apache-header-check').map(opSignature));
    for (const k of keys) expect(k).toHaveLength(1);
    expect(new Set(keys.flat()).size).toBe(3);
  });
});
