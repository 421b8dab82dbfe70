/** Any input: the dialect never throws, never hangs, and stays fast on large configurations. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildNginxModel } from '../../src/dialects/nginx/index.js';
import { lintText } from './lint-helpers.js';
import { memoryIO } from './memory-io.js';
import { timeLimit } from '../helpers/time.js';

const WORDS = [
  'http', 'server', 'location', 'if', 'limit_except', 'include', 'proxy_pass', 'fastcgi_pass', 'proxy_cookie_flags', 'proxy_cookie_path', 'proxy_cookie_domain',
  'add_header', 'add_header_inherit', 'more_set_headers', 'more_clear_headers', 'proxy_hide_header', 'header_filter_by_lua_block', 'Set-Cookie', '"Set-Cookie: a=1"',
  '~', '~*', '=', '^~', '@x', '/', '/a/', '"/; HttpOnly"', 'httponly', 'secure', 'off', 'always', '~^(a|b)$', '"~^(?!x$)"', '$1', '${x}', '(', ')', '$arg_x',
  '{', '}', ';', ' ', '\n', '#c\n', '"', "'", '\\', 'a.conf', '*.conf', '-s', '404',
];

describe('nginx dialect robustness', () => {
  it('builds a model for any token soup without throwing', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...WORDS), { maxLength: 80 }), (parts) => {
        const text = parts.join(' ');
        const io = memoryIO({ '/e/n.conf': text, '/e/a.conf': text.slice(0, 40) });
        const model = buildNginxModel('/e/n.conf', io, { nginxVersion: '1.30.1' });
        for (const p of model.problems) expect(p.span.start <= p.span.end).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('lints a server with 2000 locations in a few seconds', () => {
    const locations = Array.from({ length: 2000 }, (_, i) =>
      i % 3 === 0 ? `    location /app${i}/ { proxy_pass http://b; proxy_cookie_flags JSESSIONID httponly; }` : i % 3 === 1 ? `    location ~ ^/re${i}/(a|b)$ { proxy_pass http://b; }` : `    location = /exact${i} { proxy_pass http://b; }`,
    );
    const text = `events {}\nhttp {\n  proxy_cookie_flags ~ httponly;\n  server {\n    listen 80;\n${locations.join('\n')}\n  }\n}\n`;
    const started = Date.now();
    const r = lintText(text);
    expect(r.messages.filter((m) => m.ruleId === 'xsrf-cookie-httponly')).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(timeLimit(20_000));
  });
});
