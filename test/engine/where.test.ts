/** Where a finding is written (scope and directive text), as baselines match findings. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDialects } from '../../src/dialects/registry.js';
import { createWhere } from '../../src/engine/where.js';
import type { Dialect } from '../../src/model/header-rewrite.js';
import { createNodeIO } from '../../src/run/node-io.js';

const dir = mkdtempSync(join(tmpdir(), 'lpc-where-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function whereOf(dialect: Dialect, files: Record<string, string>, root: string, at: { file: string; text: string }) {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const module = (await loadDialects(new Set([dialect]))).get(dialect)!;
  const model = module.buildModel(join(dir, root), createNodeIO(dir), { nginxVersion: '1.30.1' });
  const text = files[at.file]!;
  const start = text.indexOf(at.text);
  return createWhere(model)({ file: join(dir, at.file), start, end: start + at.text.length });
}

describe('where a finding is written', () => {
  it('Apache: the virtual host; a server-level directive shared by every vhost is at the top', async () => {
    const conf = 'Header edit Set-Cookie ^(a.*)$ "$1; HttpOnly"\n<VirtualHost *:80>\n  ServerName a.example\n  ProxyPass / http://127.0.0.1:1/\n  <Location /app>\n    Header  edit   Set-Cookie ^(.*)$ "$1; HttpOnly"\n  </Location>\n</VirtualHost>\n';
    expect(await whereOf('apache', { 'a/site.conf': conf }, 'a/site.conf', { file: 'a/site.conf', text: '^(.*)$' })).toEqual({
      scope: '<VirtualHost *:80> (a.example) › <Location /app>',
      directive: 'Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"',
    });
    expect((await whereOf('apache', { 'a/site.conf': conf }, 'a/site.conf', { file: 'a/site.conf', text: '^(a.*)$' })).scope).toBe('');
  });

  it('nginx: a server-level directive inherited by two locations is in the server', async () => {
    const conf = 'http {\n  server {\n    server_name b.example;\n    proxy_cookie_flags ~ httponly;\n    location / { proxy_pass http://127.0.0.1:1; }\n    location /x { proxy_pass http://127.0.0.1:2; }\n  }\n}\n';
    expect(await whereOf('nginx', { 'b/nginx.conf': conf }, 'b/nginx.conf', { file: 'b/nginx.conf', text: '~ httponly' })).toEqual({
      scope: 'server b.example',
      directive: 'proxy_cookie_flags ~ httponly',
    });
  });

  it('nginx: each directive of an array, also one that an include brings in', async () => {
    const conf = 'http {\n  server {\n    server_name c.example;\n    location / {\n      proxy_pass http://127.0.0.1:1;\n      proxy_cookie_flags JSESSIONID secure;\n      include cookies.conf;\n    }\n  }\n}\n';
    const found = await whereOf('nginx', { 'c/nginx.conf': conf, 'c/cookies.conf': 'proxy_cookie_flags ~ httponly;\n' }, 'c/nginx.conf', { file: 'c/cookies.conf', text: '~ httponly' });
    expect(found).toEqual({ scope: 'server c.example › location /', directive: 'proxy_cookie_flags ~ httponly' });
  });

  it('no directive: only an empty scope', async () => {
    const conf = '# nothing here\n<VirtualHost *:80>\n  ServerName d.example\n</VirtualHost>\n';
    expect(await whereOf('apache', { 'd/site.conf': conf }, 'd/site.conf', { file: 'd/site.conf', text: 'nothing' })).toEqual({ scope: '' });
  });
});
