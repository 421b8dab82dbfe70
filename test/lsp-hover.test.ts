/** Hover on a cookie directive in each dialect: the simulate trace for the scopes that run it. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDialects } from '../src/dialects/registry.js';
import type { Dialect } from '../src/model/header-rewrite.js';
import { hoverAt } from '../src/lsp/hover.js';
import { documentSettings } from '../src/lsp/settings.js';
import { createSourceFile } from '../src/source.js';

const ROOT = new URL('../', import.meta.url).pathname;

async function hover(file: string, dialect: Dialect, at: string, text = readFileSync(`${ROOT}${file}`, 'utf8')) {
  const source = createSourceFile(`${ROOT}${file}`, text);
  const module = (await loadDialects(new Set([dialect]))).get(dialect)!;
  const offset = text.indexOf(at);
  expect(offset).toBeGreaterThan(-1);
  return hoverAt(source, offset, module, documentSettings(source.path, [`${ROOT}fixtures/examples`]));
}

describe('hover', () => {
  it('nginx: proxy_cookie_path in a location', async () => {
    const h = await hover('fixtures/examples/nginx/confluence.conf', 'nginx', 'proxy_cookie_path / "/; HTTPOnly');
    const value = (h!.contents as { value: string }).value;
    expect(value).toContain('server confluence.example.com:443 › location /');
    expect(value).toContain('proxy_cookie_path / "/; HTTPOnly; Secure"');
    expect(value).toContain('← HttpOnly added');
  });

  it('IIS: an outbound rule', async () => {
    const h = await hover('fixtures/examples/iis/web.config', 'iis', '{R:0}; HttpOnly');
    const value = (h!.contents as { value: string }).value;
    expect(value).toContain('<rule name="Add HttpOnly">');
    expect(value).toContain('browser gets    Set-Cookie: XSRF-TOKEN=t1; Path=/; HttpOnly');
  });

  it('every directive of an nginx array, not only the first', async () => {
    const text = 'http {\n  server {\n    location / {\n      proxy_pass http://127.0.0.1:8080;\n      proxy_cookie_flags JSESSIONID secure;\n      proxy_cookie_flags ~ httponly;\n    }\n  }\n}\n';
    const h = await hover('fixtures/examples/nginx/array.conf', 'nginx', '~ httponly', text);
    expect((h!.contents as { value: string }).value).toContain('XSRF-TOKEN=t1; Path=/; HttpOnly');
  });

  it('nothing on a line that is not a cookie directive', async () => {
    expect(await hover('fixtures/examples/nginx/confluence.conf', 'nginx', 'client_max_body_size')).toBeNull();
  });
});
