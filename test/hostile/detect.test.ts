/**
 * Detection must not turn a blanket HttpOnly rule into a silent pass: the strongest signals
 * decide, a trailing ";" alone decides nothing, and content that points to both servers is
 * reported instead of guessed.
 */
import { describe, expect, it } from 'vitest';
import { detectDialect, detectDialectOrAmbiguity } from '../../src/dialects/detect.js';
import { apacheWithSemicolons } from './shapes.js';

describe('dialect detection with hostile content', () => {
  it.each([
    ['an Apache vhost whose values end in ";"', apacheWithSemicolons(20), 'apache'],
    ['Apache directives only, each ending in ";"', 'Header edit Set-Cookie ^(.*)$ "$1; HttpOnly";\nRequestHeader set X "a;";\nProxyPass / http://b/;\n', 'apache'],
    ['unknown lines ending in ";" and one Header line', 'foo bar;\nbaz qux;\nquux;\nHeader edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n', 'apache'],
    ['nginx blocks with lower-case names Apache also knows', 'server {\n    listen 80;\n    include snippets/proxy.conf;\n    user www-data;\n    location / { proxy_pass http://b; }\n}\n', 'nginx'],
    ['an nginx fragment without blocks', 'proxy_cookie_flags ~ httponly;\nproxy_set_header Host $host;\n', 'nginx'],
  ])('%s', (_name, text, expected) => {
    expect(detectDialect('/srv/site.conf', text)).toBe(expected);
  });

  it('reports a file with comparable evidence for both servers', () => {
    const both = 'server {\n    listen 80;\n}\n<VirtualHost *:80>\n    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n</VirtualHost>\n';
    expect(detectDialectOrAmbiguity('/srv/site.conf', both)).toEqual({ ambiguous: true, apache: expect.any(Number), nginx: expect.any(Number) });
    expect(detectDialect('/srv/site.conf', both)).toBeNull();
    // The name still decides first.
    expect(detectDialect('/etc/nginx/nginx.conf', both)).toBe('nginx');
  });
});
