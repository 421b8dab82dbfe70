/**
 * Caddy's request placeholders for a request the simulation was given (a test that sent it,
 * `simulate --location`): its query arguments, header fields and cookies; without one, the probe
 * request's (no query, header or cookie). The differential test checks the same against Caddy 2.6.
 */
import { expect, it } from 'vitest';
import { requestValue, type CaddyRequest } from '../../src/model/ops/caddy-headers.js';

const probe: CaddyRequest = { path: '/h/x', origPath: '/h/x', hostport: '127.0.0.1:8080', scheme: 'http' };
const sent: CaddyRequest = { ...probe, sent: { query: 'a=1&a=2&b=x+y%21&c', headers: { 'x-lpc': 'on, off', cookie: 'SID=c1; a=2=3' } } };

it('reads the query, headers and cookies of the request sent', () => {
  expect(requestValue('http.request.uri.query', sent)).toBe('a=1&a=2&b=x+y%21&c');
  expect(requestValue('http.request.uri.query.a', sent)).toBe('1');
  expect(requestValue('http.request.uri.query.b', sent)).toBe('x y!');
  expect(requestValue('http.request.uri.query.c', sent)).toBe('');
  expect(requestValue('http.request.uri.query.none', sent)).toBe('');
  expect(requestValue('http.request.header.X-Lpc', sent)).toBe('on, off');
  expect(requestValue('http.request.header.X-None', sent)).toBe('');
  expect(requestValue('http.request.cookie.sid', sent)).toBe('c1');
  expect(requestValue('http.request.cookie.a', sent)).toBe('2=3');
  expect(requestValue('http.request.cookie.none', sent)).toBeUndefined();
  expect(requestValue('http.request.uri', sent)).toBe('/h/x?a=1&a=2&b=x+y%21&c');
  expect(requestValue('http.request.proto', sent)).toBe('HTTP/1.1');
});

it('knows none of them for the probe request', () => {
  expect(requestValue('http.request.uri.query.a', probe)).toBeUndefined();
  expect(requestValue('http.request.header.X-Lpc', probe)).toBeUndefined();
  expect(requestValue('http.request.uri', probe)).toBe('/h/x');
});
