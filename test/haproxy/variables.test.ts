/**
 * `%[var(NAME)]` in a header value: a variable no rule sets prints nothing; one that a single
 * unconditional `http-request set-var` takes from the request reads the request simulated (the
 * differential test, test/differential/haproxy.test.ts, checks both against HAProxy 2.6).
 */
import { expect, it } from 'vitest';
import { DEFAULT_NGINX_VERSION } from '../../src/dialects/dialect.js';
import { buildHaproxyModel } from '../../src/dialects/haproxy/index.js';
import type { SimRequest } from '../../src/model/header-rewrite.js';
import { simulate } from '../../src/model/simulate.js';
import { createNodeIO } from '../../src/run/node-io.js';
import { createSourceFile } from '../../src/source.js';

const io = createNodeIO(process.cwd());

function sent(frontend: string, request?: SimRequest): string[] {
  const path = '/lpc-unit/haproxy.cfg';
  const text = `defaults\n    mode http\n\nfrontend fe\n    bind :80\n${frontend}\n    default_backend be\n\nbackend be\n    server s1 127.0.0.1:8080\n`;
  const source = createSourceFile(path, text);
  const model = buildHaproxyModel(path, { ...io, read: (p: string) => (p === path ? source : io.read(p)) }, { nginxVersion: DEFAULT_NGINX_VERSION });
  expect(model.problems).toEqual([]);
  return simulate('haproxy', model.endpoints[0]!.pipeline, { backend: 'http', status: 200, ...(request ? { request } : {}) }, []).lines.map((l) => l.value);
}

const header = '    http-response add-header Set-Cookie "a=%[var(txn.a)]; b=%[var(txn.b)]"';

it('a variable no rule sets prints nothing', () => {
  expect(sent(header)).toEqual(['a=; b=']);
});

it('a variable set from the request reads the request simulated, and keeps its text without one', () => {
  const setter = `    http-request set-var(txn.a) url_param(a)\n    http-request set-var(txn.b) req.hdr(x-b)\n${header}`;
  expect(sent(setter, { target: '/x?z=1&a=7&a=8', headers: { 'x-b': 'one, two' } })).toEqual(['a=7; b=two']);
  expect(sent(setter, { target: '/x', headers: {} })).toEqual(['a=; b=']);
  expect(sent(setter)).toEqual(['a=%[var(txn.a)]; b=%[var(txn.b)]']);
});

it('a variable set under a condition, or by several rules, keeps its text', () => {
  const request = { target: '/x?a=7', headers: {} };
  expect(sent(`    http-request set-var(txn.a) url_param(a) if { path_beg /x }\n${header}`, request)[0]).toMatch(/^a=%\[var\(txn\.a\)\]; b=$/);
  expect(sent(`    http-request set-var(txn.a) url_param(a)\n    http-request set-var(txn.a) str(z)\n${header}`, request)[0]).toMatch(/^a=%\[var\(txn\.a\)\]; b=$/);
});

it('a variable set to a constant (str(), set-var-fmt with plain text) has that value on every request, spaces kept (HAProxy 2.6.12)', () => {
  const flags = `    http-request set-var(txn.a) str("  ; HttpOnly  ")\n    http-request set-var-fmt(txn.b) "; Secure"\n${header}`;
  expect(sent(flags)).toEqual(['a=  ; HttpOnly  ; b=; Secure']);
  expect(sent(flags, { target: '/x', headers: {} })).toEqual(['a=  ; HttpOnly  ; b=; Secure']);
  // A converter, or a format with a tag, is not a constant: the text stays.
  expect(sent(`    http-request set-var(txn.a) str(x),lower\n    http-request set-var-fmt(txn.b) "%[path]"\n${header}`)).toEqual(['a=%[var(txn.a)]; b=%[var(txn.b)]']);
});
