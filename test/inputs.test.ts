/**
 * Inputs as they arrive from real repositories and pipelines (issue 14): empty standard input,
 * directories whose files are all skipped, --list-files, templates opted in by pattern.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bin, cli } from './helpers/cli.js';
import { validateSarif } from './helpers/sarif.js';
import { skipRealServer } from './helpers/skips.js';

const NGINX_BLANKET = 'server {\n    location / {\n        proxy_pass http://127.0.0.1:8080;\n        proxy_cookie_flags ~ httponly;\n    }\n}\n';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lpc-inputs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

describe('empty or failed input', () => {
  it('an empty standard input (a failed `nginx -T` before the pipe) exits 2 with a message', () => {
    for (const input of ['', '\n  \n']) {
      const r = bin(['--stdin', '--stdin-filename', 'nginx-T.conf', '--no-config'], { cwd: dir, stdin: input });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('standard input is empty');
      expect(r.stdout).toBe('');
    }
    const ok = bin(['--stdin', '--stdin-filename', 'nginx-T.conf', '--no-config', '-f', 'compact'], { cwd: dir, stdin: NGINX_BLANKET });
    expect(ok.code).toBe(1);
  });

  it('a directory whose files are all skipped names each file and why, and exits 2', async () => {
    write('etc/conf.d/site.conf.template', NGINX_BLANKET);
    write('etc/app.conf.j2', NGINX_BLANKET);
    write('etc/default.conf.sample', NGINX_BLANKET);
    write('etc/old.conf.bak', NGINX_BLANKET);
    write('etc/notes.txt', 'hello\n');
    const r = await cli(['etc', '--no-config'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nothing was linted in "etc"; 5 file(s) skipped');
    expect(r.stderr).toContain('etc/conf.d/site.conf.template: a template or example (opt in with --include-pattern)');
    expect(r.stderr).toContain('etc/app.conf.j2: a template or example');
    expect(r.stderr).toContain('etc/default.conf.sample: a template or example');
    expect(r.stderr).toContain('etc/old.conf.bak: a backup or editor file');
    expect(r.stderr).toContain('etc/notes.txt: not a configuration file name');
  });

  it('files all left out by ignore patterns or undetectable content are not a silent pass', async () => {
    write('etc/site.conf', NGINX_BLANKET);
    write('etc/other.conf', 'just some words\n');
    const r = await cli(['etc', '--no-config', '--ignore-pattern', 'etc/site.conf'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('etc/site.conf: ignored by an ignore pattern');
    expect(r.stderr).toContain('etc/other.conf: no Apache, nginx, IIS, HAProxy or Caddy configuration by its content');
  });
});

describe('--list-files and templates', () => {
  it('--list-files shows what would be linted with which dialect, and what is skipped', async () => {
    write('etc/nginx/conf.d/site.conf', NGINX_BLANKET);
    write('etc/apache2/apache2.conf', 'ServerRoot /etc/apache2\n');
    write('etc/iis/Web.Release.config', '<configuration xmlns:xdt="http://schemas.microsoft.com/XML-Document-Transform"/>\n');
    write('etc/app/ssh.config', 'Host example\n  User git\n');
    write('etc/nginx/conf.d/x.conf.template', NGINX_BLANKET);
    const r = await cli(['etc', '--no-config', '--list-files'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      'etc/apache2/apache2.conf\tapache',
      'etc/app/ssh.config\tskipped: a *.config file that is not an IIS configuration',
      'etc/iis/Web.Release.config\tiis',
      'etc/nginx/conf.d/site.conf\tnginx',
    ]);
  });

  it('templates are linted when opted in by pattern (command line or configuration)', async () => {
    write('etc/conf.d/site.conf.template', NGINX_BLANKET);
    write('etc/conf.d/ok.conf', 'server {\n    listen 80;\n}\n');
    const without = await cli(['etc', '--no-config', '-f', 'json'], { cwd: dir });
    expect(without.code).toBe(0);
    expect((JSON.parse(without.stdout) as { filePath: string }[]).map((x) => x.filePath)).toEqual([join(dir, 'etc/conf.d/ok.conf')]);
    const opted = await cli(['etc', '--no-config', '-f', 'json', '--include-pattern', '**/*.conf.template'], { cwd: dir });
    expect(opted.code).toBe(1);
    expect(opted.stdout).toContain('site.conf.template');
    write('lint-proxy-config.config.json', '{ "include": ["**/*.template"] }');
    const byConfig = await cli(['etc', '-f', 'json'], { cwd: dir });
    expect(byConfig.code).toBe(1);
    expect(byConfig.stdout).toContain('site.conf.template');
  });
});

describe('IIS fragments, transforms and *.config files', () => {
  const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;
  it('detects every fragment root, XSLT and transform as IIS without --type', async () => {
    const files = [
      'xsrf-cookie-httponly/iis/invalid-fragment-rule.xml',
      'xsrf-cookie-httponly/iis/invalid-fragment-outboundrules.xml',
      'xsrf-cookie-httponly/iis/invalid-fragment-rewrite.xml',
      'xsrf-cookie-httponly/iis/invalid-fragment-system-webserver.xml',
      'xsrf-cookie-httponly/iis/invalid-xslt.xslt',
      'aspnet-httponlycookies-xsrf/iis/invalid-fragment-system-web.xml',
      'aspnet-httponlycookies-xsrf/iis/invalid-fragment-httpcookies.xml',
    ];
    const r = await cli([...files, '--no-config', '-f', 'json'], { cwd: FIXTURES });
    const results = JSON.parse(r.stdout) as { filePath: string; messages: { ruleId: string | null }[] }[];
    expect(results).toHaveLength(files.length);
    for (const result of results) expect(result.messages.map((m) => m.ruleId), result.filePath).toEqual([expect.stringMatching(/^(xsrf-cookie-httponly|aspnet-httponlycookies-xsrf)$/)]);
  });

  it('a walk lints *.config files that are IIS XML (a transform among them) and skips the others', async () => {
    write('site/Web.Release.config', readFileSync(join(FIXTURES, 'xsrf-cookie-httponly/iis/invalid-transform-insert.config'), 'utf8'));
    write('site/App.config', '<?xml version="1.0"?>\n<configuration>\n  <appSettings />\n</configuration>\n');
    write('site/tool.config', 'Host example\n  User git\n');
    const r = await cli(['site', '--no-config', '-f', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const results = JSON.parse(r.stdout) as { filePath: string; errorCount: number }[];
    expect(results.map((x) => [x.filePath.slice(dir.length + 1), x.errorCount])).toEqual([
      ['site/App.config', 0],
      ['site/Web.Release.config', 1],
    ]);
  });

  it('an XML root that is no IIS section is still a clear fatal error', async () => {
    write('pom.xml', '<?xml version="1.0"?>\n<project><modelVersion>4.0.0</modelVersion></project>\n');
    const r = await cli(['pom.xml', '--no-config', '--type', 'iis', '-f', 'compact'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('pom.xml:2:2: error The root element is <project>, not <configuration> or an IIS section');
  });
});

describe('repository copies of server trees (--root, pathMap, includes leaving the tree)', () => {
  const SITE = 'server {\n    listen 80;\n    location / {\n        proxy_pass http://127.0.0.1:8080;\n        proxy_cookie_flags ~ httponly;\n    }\n}\n';
  const MAIN = 'events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n';
  type Result = { filePath: string; messages: { ruleId: string; message: string }[] };
  const findings = (stdout: string) =>
    (JSON.parse(stdout) as Result[]).flatMap((r) => r.messages.map((m) => `${r.filePath.slice(dir.length + 1)} ${m.ruleId}`));

  it('reads the copy with the same layout, not the live /etc/nginx, and says so', async () => {
    mkdirSync(join(dir, '.git'));
    write('etc-nginx/nginx.conf', MAIN);
    write('etc-nginx/conf.d/broken.conf', SITE);
    const r = await cli(['etc-nginx/nginx.conf', '--no-config', '-f', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(findings(r.stdout)).toEqual(['etc-nginx/conf.d/broken.conf xsrf-cookie-httponly', 'etc-nginx/nginx.conf include-outside-tree']);
    expect(r.stdout).toContain(`(say so: \\"pathMap\\": {\\"/etc/nginx\\": \\"${join(dir, 'etc-nginx')}\\"})`);
    // From a subdirectory of the work tree: the tree is the git work tree, not the current directory.
    const sub = await cli(['../nginx.conf', '--no-config', '-f', 'json'], { cwd: join(dir, 'etc-nginx/conf.d') });
    expect(findings(sub.stdout)).toEqual(['etc-nginx/conf.d/broken.conf xsrf-cookie-httponly', 'etc-nginx/nginx.conf include-outside-tree']);
  });

  it('--root and pathMap say where the copy is: no error, same findings', async () => {
    mkdirSync(join(dir, '.git'));
    write('rootfs/etc/nginx/nginx.conf', MAIN);
    write('rootfs/etc/nginx/conf.d/broken.conf', SITE);
    const byRoot = await cli(['rootfs/etc/nginx/nginx.conf', '--no-config', '-f', 'json', '--root', 'rootfs'], { cwd: dir });
    expect(findings(byRoot.stdout)).toEqual(['rootfs/etc/nginx/conf.d/broken.conf xsrf-cookie-httponly']);
    // A container path with no same layout: an include error and a warning without a map ...
    write('docker/nginx.conf', 'events {}\nhttp {\n    include /config/nginx/site-confs/*.conf;\n}\n');
    write('docker/sites/app.conf', SITE);
    const unmapped = await cli(['docker/nginx.conf', '--no-config', '-f', 'json'], { cwd: dir });
    expect(findings(unmapped.stdout)).toEqual(['docker/nginx.conf include-outside-tree']);
    expect(unmapped.code).toBe(1); // never a silent pass: the include led out of the tree
    // ... and the copy's files with one.
    write('lint-proxy-config.config.json', '{ "pathMap": { "/config/nginx/site-confs": "docker/sites" } }');
    const mapped = await cli(['docker/nginx.conf', '-f', 'json'], { cwd: dir });
    expect(findings(mapped.stdout)).toEqual(['docker/sites/app.conf xsrf-cookie-httponly']);
    expect(mapped.code).toBe(1);
  });
});

describe('Apache under --root', () => {
  it('without --root, an absolute Include in a git work tree reads the same-layout copy and says so', async () => {
    mkdirSync(join(dir, '.git'));
    const vhost = '<VirtualHost *:80>\n    ProxyPass / http://127.0.0.1:8080/\n    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n</VirtualHost>\n';
    write('deploy/apache2/apache2.conf', 'ServerRoot /etc/apache2\nInclude /etc/apache2/sites-enabled/*.conf\n');
    write('deploy/apache2/sites-enabled/app.conf', vhost);
    const r = await cli(['deploy/apache2/apache2.conf', '--no-config', '-f', 'json'], { cwd: dir });
    const found = (JSON.parse(r.stdout) as { filePath: string; messages: { ruleId: string }[] }[]).flatMap((x) => x.messages.map((m) => `${x.filePath.slice(dir.length + 1)} ${m.ruleId}`));
    expect(found).toEqual(['deploy/apache2/apache2.conf include-outside-tree', 'deploy/apache2/sites-enabled/app.conf xsrf-cookie-httponly']);
    expect(r.stdout).toContain('which has the same layout');
  });

  it('reads ServerRoot-relative and absolute includes from the copy', async () => {
    const vhost = '<VirtualHost *:80>\n    ProxyPass / http://127.0.0.1:8080/\n    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n</VirtualHost>\n';
    write('rootfs/etc/apache2/apache2.conf', 'ServerRoot /etc/apache2\nIncludeOptional sites-enabled/*.conf\nInclude /etc/apache2/extra/*.conf\n');
    write('rootfs/etc/apache2/sites-enabled/app.conf', vhost);
    write('rootfs/etc/apache2/extra/other.conf', vhost.replace('8080', '8081'));
    const r = await cli(['rootfs/etc/apache2/apache2.conf', '--no-config', '-f', 'json', '--root', 'rootfs'], { cwd: dir });
    const files = (JSON.parse(r.stdout) as { filePath: string; messages: { ruleId: string }[] }[]).filter((x) => x.messages.length > 0).map((x) => x.filePath.slice(dir.length + 1));
    expect(files).toEqual(['rootfs/etc/apache2/extra/other.conf', 'rootfs/etc/apache2/sites-enabled/app.conf']);
  });
});

describe('nginx -T dumps', () => {
  const hasNginx = spawnSync('nginx', ['-v']).status === 0;
  const SITE = 'server {\n    listen 127.0.0.1:8089;\n    location / {\n        proxy_pass http://127.0.0.1:8080;\n        proxy_cookie_flags ~ httponly;\n    }\n}\n';

  function dumpOf(conf: string): string {
    const r = spawnSync('nginx', ['-T', '-q', '-c', conf, '-p', dir, '-e', '/dev/null'], { encoding: 'utf8' });
    expect(r.stdout).toContain('# configuration file ');
    return r.stdout;
  }

  it('findings point at the original file and line, with the dump line as a related location', async (ctx) => {
    if (!hasNginx) skipRealServer(ctx, 'nginx is not installed');
    const site = write('etc/nginx/sites-enabled/jira', SITE);
    const conf = write('etc/nginx/nginx.conf', `pid ${join(dir, 'nginx.pid')};\nevents {}\nhttp {\n    include ${join(dir, 'etc/nginx/sites-enabled')}/*;\n}\n`);
    const dump = dumpOf(conf);
    write('nginx-T.txt', dump);
    const r = await cli(['--stdin', '--stdin-filename', 'nginx-T.txt', '--no-config', '-f', 'json'], { cwd: dir, stdin: dump });
    expect(r.code).toBe(1);
    const results = JSON.parse(r.stdout) as { filePath: string; messages: { ruleId: string; line: number; column: number; relatedLocations?: { file: string; line: number }[] }[] }[];
    const withMessages = results.filter((x) => x.messages.length > 0);
    expect(withMessages.map((x) => x.filePath)).toEqual([site]);
    const [m] = withMessages[0]!.messages;
    expect([m!.ruleId, m!.line, m!.column]).toEqual(['xsrf-cookie-httponly', 5, 28]);
    const dumpLine = dump.split('\n').findIndex((l) => l.includes('proxy_cookie_flags ~ httponly')) + 1;
    // The dump line, besides the evidence of the products behind the scope (product-aware verdicts).
    expect(m!.relatedLocations).toContainEqual({ file: join(dir, 'nginx-T.txt'), line: dumpLine, column: 28, message: 'where the nginx -T dump shows it' });
    const stylish = await cli(['nginx-T.txt', '--type', 'nginx', '--no-config'], { cwd: dir });
    expect(stylish.stdout).toContain(`etc/nginx/sites-enabled/jira\n  5:28  error  `);
    expect(stylish.stdout).toContain(`    where the nginx -T dump shows it: nginx-T.txt:${dumpLine}:28\n`);
    const sarif = await cli(['nginx-T.txt', '--type', 'nginx', '--no-config', '-f', 'sarif'], { cwd: dir });
    expect(validateSarif(sarif.stdout, dir)).toEqual([]);
  });

  it('--fix on a dump writes the original files when they are here, and says when it cannot', async (ctx) => {
    if (!hasNginx) skipRealServer(ctx, 'nginx is not installed');
    const site = write('etc/nginx/sites-enabled/jira', SITE);
    const conf = write('etc/nginx/nginx.conf', `pid ${join(dir, 'nginx.pid')};\nevents {}\nhttp {\n    include ${join(dir, 'etc/nginx/sites-enabled')}/*;\n}\n`);
    const dump = write('nginx-T.txt', dumpOf(conf));
    const before = readFileSync(dump, 'utf8');
    const r = await cli(['nginx-T.txt', '--type', 'nginx', '--no-config', '--fix'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(readFileSync(dump, 'utf8')).toBe(before);
    expect(readFileSync(site, 'utf8')).toContain('nohttponly;');
    // nginx accepts the fixed original.
    expect(spawnSync('nginx', ['-t', '-q', '-c', conf, '-p', dir, '-e', '/dev/null']).status).toBe(0);
    // The original has changed since the dump was taken: nothing is written, exit 1.
    writeFileSync(site, SITE.replace('8089', '8090'));
    const stale = await cli(['nginx-T.txt', '--type', 'nginx', '--no-config', '--fix'], { cwd: dir });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(`fixes for ${site} (from the nginx -T dump) were not written: it differs from its copy in the dump`);
    expect(readFileSync(site, 'utf8')).not.toContain('nohttponly');
  });
});
