/** include resolution, nginx -T dumps, fragments and their context. */
import { describe, expect, it } from 'vitest';
import { buildNginxModel, lowerNginx } from '../../src/dialects/nginx/index.js';
import { splitDump } from '../../src/dialects/nginx/dump.js';
import { matchSegment } from '../../src/dialects/nginx/glob.js';
import { lintText } from './lint-helpers.js';
import { memoryIO } from './memory-io.js';

const opts = { nginxVersion: '1.30.1' };

describe('nginx includes', () => {
  const files = {
    '/etc/nginx/nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n    include /etc/nginx/sites-enabled/*;\n    include missing/*.conf;\n}\n',
    '/etc/nginx/conf.d/b.conf': 'proxy_cookie_flags ~ httponly;\n',
    '/etc/nginx/conf.d/a.conf': 'add_header X-A 1;\n',
    '/etc/nginx/conf.d/.hidden.conf': 'broken {',
    '/etc/nginx/sites-enabled/app': 'server {\n    listen 80;\n    location / {\n        proxy_pass http://app;\n        include snippets/proxy.conf;\n    }\n}\n',
    '/etc/nginx/snippets/proxy.conf': 'proxy_cookie_path / /app/;\n',
  };

  it('expands masks in byte order, relative to the conf prefix, and skips dot files', () => {
    const model = buildNginxModel('/etc/nginx/nginx.conf', memoryIO(files), opts);
    expect([...model.files.keys()]).toEqual([
      '/etc/nginx/nginx.conf',
      '/etc/nginx/conf.d/a.conf',
      '/etc/nginx/conf.d/b.conf',
      '/etc/nginx/sites-enabled/app',
      '/etc/nginx/snippets/proxy.conf',
    ]);
    expect(model.problems).toEqual([]);
    const ep = model.endpoints.find((e) => e.label.endsWith('location /'))!;
    expect(ep.pipeline.map((op) => op.label)).toEqual(['proxy_cookie_* (2 directives)']);
    expect(ep.pipeline[0]!.parts.map((p) => p.span.file)).toEqual(['/etc/nginx/conf.d/b.conf', '/etc/nginx/snippets/proxy.conf']);
  });

  it('uses --prefix for relative includes', () => {
    const model = buildNginxModel('/srv/site.conf', memoryIO({ '/srv/site.conf': 'include snippets/proxy.conf;', '/etc/nginx/snippets/proxy.conf': 'proxy_cookie_flags ~ secure;' }), { ...opts, prefix: '/etc/nginx' });
    expect(model.problems).toEqual([]);
    expect([...model.files.keys()]).toContain('/etc/nginx/snippets/proxy.conf');
  });

  it('reports a missing plain file at the argument, and cycles', () => {
    const r = lintText('location / {\n    include nope.conf;\n    include self.conf;\n}\n', {}, '/etc/nginx/site.conf', { '/etc/nginx/self.conf': 'include site.conf;\n' });
    const msgs = r.messages.filter((m) => m.ruleId === 'include-unresolved').map((m) => m.message);
    expect(msgs).toContain('open() "/etc/nginx/nope.conf" failed (no such file or directory)');
    expect(msgs.some((m) => /^include cycle: "\/etc\/nginx\/site\.conf" includes itself/.test(m))).toBe(true);
  });

  it('treats a scope with an unreadable include as possibly proxied', () => {
    const model = buildNginxModel('/etc/nginx/site.conf', memoryIO({ '/etc/nginx/site.conf': 'server {\n location /a/ { proxy_pass http://x; }\n location /b/ { include gone.conf; }\n location /c/ { root /srv; }\n}\n' }), opts);
    expect(model.endpoints.map((e) => [e.label.split(' › ').pop(), e.possibleBackends])).toEqual([
      ['location /a/', ['http']],
      ['location /b/', ['http']],
      ['location /c/', []],
    ]);
  });

  it('matches glob segments like glibc', () => {
    expect(matchSegment('*.conf', 'a.conf')).toBe(true);
    expect(matchSegment('*.conf', '.a.conf')).toBe(false);
    expect(matchSegment('[ab]?.c*', 'bx.conf')).toBe(true);
    expect(matchSegment('[!a]*', 'abc')).toBe(false);
    expect(matchSegment('a\\*', 'a*')).toBe(true);
  });
});

describe('nginx -T dumps', () => {
  const dump =
    'nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n' +
    '# configuration file /etc/nginx/nginx.conf:\n' +
    'events {}\nhttp {\n    include /etc/nginx/sites-enabled/*;\n}\n' +
    '\n# configuration file /etc/nginx/sites-enabled/app:\n' +
    'server {\n    location / {\n        proxy_pass http://app;\n        proxy_cookie_flags ~ httponly;\n    }\n}\n\n';

  it('splits the sections nginx prints', () => {
    const s = splitDump(dump)!;
    expect(s.map((x) => [x.path, dump.slice(x.start, x.end)])).toEqual([
      ['/etc/nginx/nginx.conf', 'events {}\nhttp {\n    include /etc/nginx/sites-enabled/*;\n}\n'],
      ['/etc/nginx/sites-enabled/app', 'server {\n    location / {\n        proxy_pass http://app;\n        proxy_cookie_flags ~ httponly;\n    }\n}\n'],
    ]);
    expect(splitDump('http {}\n# configuration file x:\n')).toBeNull();
  });

  it('reads a dump as the files it contains, with spans into the dump', () => {
    const r = lintText(dump, {}, '/tmp/nginx-T.txt');
    const m = r.messages.find((x) => x.ruleId === 'xsrf-cookie-httponly')!;
    expect(m.span.file).toBe('/tmp/nginx-T.txt');
    expect(dump.slice(m.span.start, m.span.end)).toBe('~');
    const { model, syntax } = lowerNginx('/tmp/nginx-T.txt', memoryIO({ '/tmp/nginx-T.txt': dump }), opts);
    expect(syntax.context).toBe('main');
    expect([...model.files.keys()]).toEqual(['/tmp/nginx-T.txt']);
  });
});

describe('fragments', () => {
  it('guesses the context from the directives', () => {
    const ctx = (text: string) => lowerNginx('/s/x.conf', memoryIO({ '/s/x.conf': text }), opts).syntax.context;
    expect(ctx('proxy_cookie_flags ~ httponly;')).toBe('location');
    expect(ctx('location / { proxy_pass http://a; }')).toBe('server');
    expect(ctx('server { listen 80; }')).toBe('http');
    expect(ctx('events {}\nhttp {}')).toBe('main');
  });

  it('takes the context from a comment or the option', () => {
    const text = '# lint-proxy-config: context http\nproxy_cookie_flags ~ httponly;\n';
    const { model, syntax } = lowerNginx('/s/x.conf', memoryIO({ '/s/x.conf': text }), opts);
    expect(syntax.context).toBe('http');
    expect(model.endpoints.map((e) => e.label)).toEqual(['x.conf (http context)']);
    const viaOption = lowerNginx('/s/y.conf', memoryIO({ '/s/y.conf': 'proxy_cookie_flags ~ httponly;' }), { ...opts, context: 'server' });
    expect(viaOption.syntax.context).toBe('server');
  });

  it('assumes proxy_pass for a fragment that declares no backend', () => {
    const model = buildNginxModel('/s/x.conf', memoryIO({ '/s/x.conf': 'proxy_cookie_flags ~ httponly;' }), opts);
    expect(model.endpoints.map((e) => [e.possibleBackends, e.backends, e.requestPath])).toEqual([[['http'], [], '/']]);
  });
});

describe('conf prefix of a file linted on its own', () => {
  it('is the nearest directory above it that holds nginx.conf', () => {
    const io = memoryIO({
      '/etc/nginx/nginx.conf': 'events {}\nhttp { include sites-enabled/*; }\n',
      '/etc/nginx/sites-enabled/app': 'server {\n    include snippets/ssl.conf;\n}\n',
      '/etc/nginx/snippets/ssl.conf': 'listen 443 ssl;\n',
    });
    const model = buildNginxModel('/etc/nginx/sites-enabled/app', io, opts);
    expect(model.problems).toEqual([]);
    expect([...model.files.keys()]).toContain('/etc/nginx/snippets/ssl.conf');
  });
});
