/**
 * mod_rewrite's `CO` flag: the line httpd 2.4.71 writes for each form of the flag (the values
 * below are what it sent in the lab, and the real-server cases `rewrite-cookie-*` check them
 * again on every run), and the fix's edit of the httponly field.
 */
import { describe, expect, it } from 'vitest';
import { withoutHttpOnly } from '../../src/dialects/apache/rewrite-cookies.js';
import { rewriteCookieValue } from '../../src/model/ops/apache-rewrite-cookie.js';

describe('CO flag: the Set-Cookie line httpd writes', () => {
  it.each([
    ['XSRF-TOKEN:x1:.example.com:0:/:secure:httponly', 'XSRF-TOKEN=x1; path=/; domain=.example.com; secure; HttpOnly'],
    ['lpc_two:v2:example.com', 'lpc_two=v2; path=/; domain=example.com'],
    [';sc;v3;example.com;0;/app;false;true;Lax', 'sc=v3; path=/app; domain=example.com; SameSite=Lax'],
    // HttpOnly only after secure: the attribute list ends at the first one not written.
    ['csrftoken:e1:example.com:0:/:0:HttpOnly', 'csrftoken=e1; path=/; domain=example.com'],
    ['csrftoken:g1:example.com:0:/:false:httponly', 'csrftoken=g1; path=/; domain=example.com'],
    ['csrftoken:h1:example.com:0:/:x:HTTPONLY', 'csrftoken=h1; path=/; domain=example.com'],
    ['csrftoken:e1:example.com:0:/:1:1', 'csrftoken=e1; path=/; domain=example.com; secure; HttpOnly'],
    ['csrftoken:f1:example.com:0:/:secure:true', 'csrftoken=f1; path=/; domain=example.com; secure; HttpOnly'],
    ['lpc_fh:1:example.com:0:/x:TRUE:1:false', 'lpc_fh=1; path=/x; domain=example.com; secure; HttpOnly'],
    // apr_strtok skips empty fields.
    ['a::b::c', 'a=b; path=/; domain=c'],
  ])('%s', (spec, line) => expect(rewriteCookieValue(spec)).toBe(line));

  it('writes no cookie without a domain', () => {
    expect(rewriteCookieValue('nodomain:v')).toBeNull();
  });

  it('writes an expiry for a lifetime in minutes, as httpd formats it', () => {
    expect(rewriteCookieValue('lpc_x:1:example.com:90:/p:secure')).toMatch(/^lpc_x=1; path=\/p; domain=example\.com; expires=(Sun|Mon|Tue|Wed|Thu|Fri|Sat), \d\d-[A-Z][a-z]{2}-\d{4} \d\d:\d\d:\d\d GMT; secure$/);
  });
});

describe('CO flag fix: the httponly field becomes 0', () => {
  it.each([
    ['XSRF-TOKEN:x1:example.com:0:/:secure:httponly', 'XSRF-TOKEN:x1:example.com:0:/:secure:0'],
    [';sc;v3;example.com;0;/app;1;true;Lax', ';sc;v3;example.com;0;/app;1;0;Lax'],
    ['a::b:c:0:/:1:1', 'a::b:c:0:/:1:0'],
  ])('%s', (spec, fixed) => {
    expect(withoutHttpOnly(spec)).toBe(fixed);
    expect(rewriteCookieValue(fixed)).not.toMatch(/HttpOnly/);
  });

  it('has nothing to change without an httponly field', () => {
    expect(withoutHttpOnly('XSRF-TOKEN:x1:example.com:0:/:secure')).toBeNull();
  });
});
