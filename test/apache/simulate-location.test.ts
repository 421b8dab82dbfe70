/**
 * `simulate --location`: which Apache scopes a request path reaches. `<Proxy>` and `<ProxyMatch>`
 * sections match the backend URL a `ProxyPass` maps the path to (`proxy_walk`), not the path.
 */
import { expect, it } from 'vitest';
import { selectEndpoints } from '../../src/formatters/simulation.js';
import { modelOf } from './helpers.js';

it('a path reaches the <Proxy>/<ProxyMatch> sections that match the URL its ProxyPass maps it to', () => {
  const text = [
    '<VirtualHost *:80>',
    '    ServerName app.example.com',
    '    ProxyPass /app/ http://127.0.0.1:8080/',
    '    <Proxy "http://127.0.0.1:8080/admin*">',
    '        Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"',
    '    </Proxy>',
    '    <ProxyMatch "^http://127.0.0.1:8080/api/">',
    '        Header edit Set-Cookie ^(.*)$ "$1; Secure"',
    '    </ProxyMatch>',
    '</VirtualHost>',
    '',
  ].join('\n');
  const model = modelOf(text);
  const at = (location: string) => selectEndpoints(model, location).map((e) => e.label.replace(/^.*› ProxyPass \/app\/ › /, ''));
  expect(at('/app/admin/x?y=1')).toEqual(['<Proxy "http://127.0.0.1:8080/admin*">']);
  expect(at('/app/api/v1')).toEqual(['<ProxyMatch "^http://127.0.0.1:8080/api/">']);
  // Not under the ProxyPass path, or a URL neither section matches: the sections do not apply.
  expect(at('/admin/x')).not.toContain('<Proxy "http://127.0.0.1:8080/admin*">');
  expect(at('/app/other')).not.toContain('<Proxy "http://127.0.0.1:8080/admin*">');
  expect(at('/app/other')).not.toContain('<ProxyMatch "^http://127.0.0.1:8080/api/">');
});

it('a path a cookie-setting RewriteRule matches stays with the scope that serves it', () => {
  // The rule's own scope stands for the requests it matches that are routed as its path is: a
  // request a <Location> proxies is that <Location>'s (once, the `RewriteRule ^` scope took every
  // path, and `--location /h/x` showed httpd's own answer instead of the proxied one). [NC] counts.
  const text = [
    '<VirtualHost *:80>',
    '    ServerName app.example.com',
    '    <Location /h/>',
    '        ProxyPass http://127.0.0.1:9001/',
    '    </Location>',
    '    RewriteEngine On',
    '    RewriteRule ^/H/ - [CO=atl.xsrf.token:nc:example.com:0:/:1:HttpOnly,NC]',
    '    RewriteRule ^ - [CO=lpc_q:1:example.com:0:/:1:1]',
    '</VirtualHost>',
    '',
  ].join('\n');
  const model = modelOf(text);
  const at = (location: string) => selectEndpoints(model, location).map((e) => e.label.replace(/^.*› /, ''));
  expect(at('/h/x?a=1')).toEqual(['<Location /h/>']);
  expect(at('/H/x')).toEqual(['RewriteRule ^/H/', 'RewriteRule ^']);
  expect(at('/elsewhere')).toEqual(['RewriteRule ^']);
});
