/**
 * `ProxyErrorOverride` in the model: the op's memo key holds every field that changes what it
 * does, sections merge as mod_proxy merges them, an `<If>` section makes it depend on the request,
 * and an `ErrorDocument` with a local URL leaves the statuses it serves unknown. What httpd sends
 * is checked in real-server-cases.ts and real-server-error-override.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { apacheDialect } from '../../src/dialects/apache/index.js';
import { DEFAULT_NGINX_VERSION } from '../../src/dialects/dialect.js';
import type { HeaderRewriteModel } from '../../src/model/header-rewrite.js';
import { branchesOf, simulate } from '../../src/model/simulate.js';
import { opSignature } from '../../src/model/signature.js';
import { memoryIO } from '../harness/memory-io.js';

const vhost = (body: string) => `<VirtualHost *:443>\n    ServerName a.example.com\n    ProxyPass /h/ http://127.0.0.1:8080/\n    ProxyPass /f/ fcgi://127.0.0.1:9000/\n${body}\n    Header always add Set-Cookie "err=1"\n    Header add Set-Cookie "ok=1"\n</VirtualHost>\n`;

function model(text: string): HeaderRewriteModel {
  return apacheDialect.buildModel('/c/a.conf', memoryIO({ '/c/a.conf': text }), { nginxVersion: DEFAULT_NGINX_VERSION });
}

/** The outcomes at `path` for a backend of `kind` answering `status`. */
function outcomes(text: string, path: string, status: number, kind: 'http' | 'fastcgi' | 'ajp' | 'scgi' = 'http'): string[][] {
  const e = model(text).endpoints.find((x) => x.requestPath === path)!;
  return branchesOf(simulate('apache', e.pipeline, { backend: kind, status }, ['csrftoken=1'])).map((b) => b.lines.map((l) => l.value));
}

describe('apache-error-override', () => {
  it('has a key that differs with the codes, the kinds, the ErrorDocuments and the condition', () => {
    const texts = [
      '    ProxyErrorOverride On',
      '    ProxyErrorOverride On 404',
      '    ProxyErrorOverride On 404 500',
      '    ProxyErrorOverride On\n    ErrorDocument 404 /e.html',
      '    <If "%{REQUEST_URI} =~ m#^/h/#">\n        ProxyErrorOverride On\n    </If>',
    ].map(vhost);
    const keys = texts.map((t) => model(t).ops.filter((o) => o.kind === 'apache-error-override').map(opSignature));
    for (const k of keys) expect(k).toHaveLength(2);
    expect(new Set(keys.flat()).size).toBe(keys.flat().length);
  });

  it('is the same op for the same directive in another host', () => {
    const text = vhost('    ProxyErrorOverride On') + vhost('    ProxyErrorOverride On').replace('a.example', 'b.example');
    const keys = model(text).ops.filter((o) => o.kind === 'apache-error-override').map(opSignature);
    expect(new Set(keys).size).toBe(2);
  });

  it('drops the backend cookies and onsuccess lines at the statuses it overrides', () => {
    const text = vhost('    ProxyErrorOverride On 404');
    expect(outcomes(text, '/h/', 404)).toEqual([['err=1']]);
    expect(outcomes(text, '/h/', 500)).toEqual([['err=1', 'csrftoken=1', 'ok=1']]);
    expect(outcomes(text, '/h/', 404, 'fastcgi')).toEqual([['err=1', 'csrftoken=1']]);
    expect(outcomes(text, '/h/', 404, 'scgi')).toEqual([['csrftoken=1', 'err=1', 'ok=1']]);
    // AJP: only a backend that keeps its connection is overridden.
    expect(outcomes(text, '/h/', 404, 'ajp')).toEqual([['err=1'], ['err=1', 'csrftoken=1', 'ok=1']]);
  });

  it('merges sections as mod_proxy does: codes add up, the last On/Off wins', () => {
    const text = vhost('    ProxyErrorOverride On 404\n    <Location /h/>\n        ProxyErrorOverride On 500\n    </Location>\n    <Location /f/>\n        ProxyErrorOverride Off\n    </Location>');
    expect(outcomes(text, '/h/', 404)).toEqual([['err=1']]);
    expect(outcomes(text, '/h/', 500)).toEqual([['err=1']]);
    expect(outcomes(text, '/h/', 502)).toEqual([['err=1', 'csrftoken=1', 'ok=1']]);
    expect(outcomes(text, '/f/', 404)).toEqual([['err=1', 'csrftoken=1', 'ok=1']]);
  });

  it('does not apply to HTTP/2 backends (mod_proxy_http2 does not read it)', () => {
    const text = `<VirtualHost *:443>\n    ProxyPass /h/ h2://127.0.0.1:8443/\n    ProxyErrorOverride On\n    Header always add Set-Cookie "err=1"\n</VirtualHost>\n`;
    expect(outcomes(text, '/h/', 404)).toEqual([['err=1', 'csrftoken=1']]);
  });

  it('inside <If> depends on the request', () => {
    const text = vhost('    <If "%{HTTP_HOST} == \'x\'">\n        ProxyErrorOverride On\n    </If>');
    expect(outcomes(text, '/h/', 404).sort()).toEqual([['err=1'], ['err=1', 'csrftoken=1', 'ok=1']]);
  });

  it('with an ErrorDocument that is a local URL, the status it serves is unknown; a text or an external URL changes nothing', () => {
    const local = model(vhost('    ProxyErrorOverride On\n    ErrorDocument 404 /err.html')).endpoints.find((x) => x.requestPath === '/h/')!;
    expect(simulate('apache', local.pipeline, { backend: 'http', status: 404 }, ['csrftoken=1']).tooComplex?.unsupported).toMatch(/local URL/);
    expect(outcomes(vhost('    ProxyErrorOverride On\n    ErrorDocument 404 "Not found"\n    ErrorDocument 500 https://e.example/'), '/h/', 404)).toEqual([['err=1']]);
  });
});
