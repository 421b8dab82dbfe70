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
