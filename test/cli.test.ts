/**
 * The command line as users meet it: exit codes, formats, --fix writing atomically and keeping
 * bytes, stdin, output files, config discovery and its errors, print-config, explain, init.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bin, cli } from './helpers/cli.js';

const BLANKET = '<VirtualHost *:80>\n    ProxyPass / http://127.0.0.1:8080/\n    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n</VirtualHost>\n';
const CLEAN = '<VirtualHost *:80>\n    ProxyPass / http://127.0.0.1:8080/\n    Header edit Set-Cookie ^(JSESSIONID=.*)$ "$1; HttpOnly"\n</VirtualHost>\n';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lpc-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

describe('exit codes', () => {
  it('0 when clean, 1 on errors, 2 on a missing file (others still linted)', async () => {
    write('clean.conf', CLEAN);
    write('bad.conf', BLANKET);
    expect((await cli(['clean.conf'], { cwd: dir })).code).toBe(0);
    const bad = await cli(['bad.conf'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('xsrf-cookie-httponly');
    const missing = await cli(['bad.conf', 'nope.conf', '-f', 'json'], { cwd: dir });
    expect(missing.code).toBe(2);
    const results = JSON.parse(missing.stdout) as { filePath: string; messages: { ruleId: string | null; fatal?: boolean; message: string }[] }[];
    expect(results.find((r) => r.filePath.endsWith('bad.conf'))!.messages[0]!.ruleId).toBe('xsrf-cookie-httponly');
    expect(results.find((r) => r.filePath.endsWith('nope.conf'))!.messages[0]).toMatchObject({ ruleId: null, fatal: true, message: 'Cannot read file: no such file or directory' });
  });

  it('2 for usage errors and unmatched globs, with a message and no stack trace', async () => {
    const r = await cli(['--format', 'nope'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/argument 'nope' is invalid/);
    const g = await cli(['*.nothing'], { cwd: dir });
    expect(g.code).toBe(2);
    expect(g.stderr).toContain('no files matching "*.nothing"');
    expect(g.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('--max-warnings turns warnings into a failure; --quiet hides them', async () => {
    write('w.conf', '<VirtualHost *:80>\n    ProxyPass / http://127.0.0.1:8080/\n    Header always edit Set-Cookie "^(JSESSIONID=.*)$" "$1; Secure"\n</VirtualHost>\n');
    const plain = await cli(['w.conf'], { cwd: dir });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('apache-always-edit-misses-proxy');
    expect((await cli(['w.conf', '--max-warnings', '0'], { cwd: dir })).code).toBe(1);
    expect((await cli(['w.conf', '--max-warnings', '1'], { cwd: dir })).code).toBe(0);
    expect((await cli(['w.conf', '--quiet'], { cwd: dir })).stdout).toBe('');
  });

  it('runs as a real binary: --version, --help, exit codes', () => {
    write('bad.conf', BLANKET);
    expect(bin(['--version'], { cwd: dir })).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
    const help = bin(['--help'], { cwd: dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--fix');
    expect(help.stdout).toContain('simulate [options] <config>');
    expect(bin(['bad.conf'], { cwd: dir }).code).toBe(1);
  });
});

describe('--fix', () => {
  it('rewrites atomically, keeps mode, CRLF and every other byte, and a second run changes nothing', async () => {
    const crlf = BLANKET.replace(/\n/g, '\r\n');
    const path = write('site.conf', crlf);
    chmodSync(path, 0o640);
    const r = await cli(['--fix', 'site.conf'], { cwd: dir });
    expect(r.code).toBe(0);
    const fixed = readFileSync(path, 'utf8');
    // The backend listens on Jira's port (8080): the fix exempts Jira's CSRF cookie only.
    expect(fixed).toBe(crlf.replace('^(.*)$', '^(?!(?:atlassian\\.xsrf\\.token)=)(.*)$'));
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    await cli(['--fix', 'site.conf'], { cwd: dir });
    expect(readFileSync(path, 'utf8')).toBe(fixed);
  });

  it('writes through a symbolic link to its target and keeps the link', async () => {
    const target = write('sites-available/jira.conf', BLANKET);
    mkdirSync(join(dir, 'sites-enabled'));
    symlinkSync('../sites-available/jira.conf', join(dir, 'sites-enabled/jira.conf'));
    await cli(['--fix', 'sites-enabled/jira.conf'], { cwd: dir });
    expect(readFileSync(target, 'utf8')).toContain('(?!(?:atl');
    expect(statSync(join(dir, 'sites-enabled/jira.conf')).isFile()).toBe(true);
  });

  it('--fix-dry-run writes nothing and puts the fixed text in JSON "output"', async () => {
    const path = write('site.conf', BLANKET);
    const r = await cli(['--fix-dry-run', '-f', 'json', 'site.conf'], { cwd: dir });
    expect(readFileSync(path, 'utf8')).toBe(BLANKET);
    const [result] = JSON.parse(r.stdout) as { output?: string; messages: unknown[] }[];
    expect(result!.output).toContain('(?!(?:atl');
    expect(result!.messages).toEqual([]);
  });

  it('reports and fixes a finding in an included file; dry-run output includes that file', async () => {
    write('apache2.conf', 'ServerRoot .\nInclude sites/*.conf\n');
    const site = write('sites/jira.conf', BLANKET);
    const lint = await cli(['apache2.conf', '-f', 'json'], { cwd: dir });
    const results = JSON.parse(lint.stdout) as { filePath: string; messages: { ruleId: string }[] }[];
    expect(results.find((r) => r.filePath === site)?.messages.map((m) => m.ruleId)).toEqual(['xsrf-cookie-httponly']);
    const dry = await cli(['apache2.conf', '-f', 'json', '--fix-dry-run'], { cwd: dir });
    const fixed = (JSON.parse(dry.stdout) as { filePath: string; output?: string }[]).find((r) => r.filePath === site);
    expect(fixed?.output).toContain('(?!(?:atl');
    expect((await cli(['apache2.conf', '-f', 'diff'], { cwd: dir })).stdout).toContain('+++ b/sites/jira.conf');
  });

  it('--stdin --fix prints the fixed text; the report goes to stderr', async () => {
    const r = await cli(['--stdin', '--stdin-filename', 'site.conf', '--fix'], { cwd: dir, stdin: BLANKET });
    expect(r.stdout).toContain('(?!(?:atl');
    expect(r.code).toBe(0);
    const lint = await cli(['--stdin', '--stdin-filename', 'site.conf', '-f', 'compact'], { cwd: dir, stdin: BLANKET });
    expect(lint.code).toBe(1);
    expect(lint.stdout).toMatch(/^site\.conf:3:28: error .* \[xsrf-cookie-httponly\]$/m);
  });
});

describe('output', () => {
  it('--output-file writes the report and nothing to stdout', async () => {
    write('bad.conf', BLANKET);
    const r = await cli(['bad.conf', '-f', 'json', '-o', 'report.json'], { cwd: dir });
    expect(r.stdout).toBe('');
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))[0].errorCount).toBe(1);
  });

  it('stylish shows the line and a caret under the span, without colour when not a terminal', async () => {
    write('bad.conf', BLANKET);
    const r = await cli(['bad.conf'], { cwd: dir });
    expect(r.stdout).toContain('  > 3 |     Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n');
    expect(r.stdout).toContain('    |                            ^^^^^^\n');
    expect(r.stdout).not.toContain('\u001b[');
    expect(r.stdout).toContain('1 error and 0 warnings potentially fixable with the `--fix` option.');
    const tty = await cli(['bad.conf'], { cwd: dir, isTTY: true });
    expect(tty.stdout).toContain('\u001b[');
    expect((await cli(['bad.conf'], { cwd: dir, isTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toContain('\u001b[');
    expect((await cli(['bad.conf', '--no-color'], { cwd: dir, isTTY: true })).stdout).not.toContain('\u001b[');
  });
});

describe('configuration file', () => {
  it('is found upward and sets rule severities, cookies and dialect overrides', async () => {
    write('lint-proxy-config.config.json', JSON.stringify({ rules: { 'xsrf-cookie-httponly': 'warn' }, overrides: [{ files: ['conf/*.inc'], type: 'apache' }] }));
    write('conf/site.inc', BLANKET);
    const r = await cli(['site.inc', '-f', 'json'], { cwd: join(dir, 'conf') });
    const [result] = JSON.parse(r.stdout) as { messages: { ruleId: string; severity: number }[] }[];
    expect(result!.messages).toEqual([expect.objectContaining({ ruleId: 'xsrf-cookie-httponly', severity: 1 })]);
    expect(r.code).toBe(0);
  });

  it('reports mistakes at file:line:column with the key path and a suggestion', async () => {
    write('lint-proxy-config.config.json', '{\n  "rules": {\n    "xsrf-cookie-htponly": "error"\n  },\n  "xsrfCookies": ["ok", 3]\n}\n');
    write('a.conf', CLEAN);
    const r = await cli(['a.conf'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('lint-proxy-config.config.json:3:5: rules.xsrf-cookie-htponly: unknown property (did you mean "xsrf-cookie-httponly"?)');
    expect(r.stderr).toContain('lint-proxy-config.config.json:5:25: xsrfCookies[1]: expected string, found integer');
    const json = write('broken/lint-proxy-config.config.json', '{ "rules": { } ');
    const b = await cli(['../a.conf'], { cwd: join(json, '..') });
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/lint-proxy-config\.config\.json:1:16: invalid JSON/);
  });

  it('reads the "lint-proxy-config" key of package.json; --no-config ignores it', async () => {
    write('package.json', JSON.stringify({ name: 'x', 'lint-proxy-config': { xsrfCookies: ['MY-CSRF'] } }));
    write('a.conf', '<VirtualHost *:80>\n    ProxyPass / http://127.0.0.1:8080/\n    Header edit Set-Cookie ^((?!atl|XSRF|csrf|sc|NX)[^.].*)$ "$1; HttpOnly"\n</VirtualHost>\n');
    const withKey = await cli(['a.conf', '-f', 'json'], { cwd: dir });
    expect(withKey.stdout).toContain('MY-CSRF');
    const without = await cli(['a.conf', '-f', 'json', '--no-config'], { cwd: dir });
    expect(without.stdout).not.toContain('MY-CSRF');
  });

  it('--print-config shows the effective settings for a file', async () => {
    write('.lint-proxy-configrc.json', JSON.stringify({ rules: { 'regex-too-complex': 'off' }, nginxVersion: '1.18' }));
    write('a.conf', CLEAN);
    const r = await cli(['--print-config', 'a.conf', '--xsrf-cookie', 'extra'], { cwd: dir });
    const printed = JSON.parse(r.stdout) as Record<string, unknown> & { rules: Record<string, string>; xsrfCookies: string[] };
    expect(printed.dialect).toBe('apache');
    expect(printed.rules['regex-too-complex']).toBe('off');
    expect(printed.rules['xsrf-cookie-httponly']).toBe('error');
    expect(printed.xsrfCookies).toContain('extra');
    // nginx settings are shown for nginx files only.
    expect(printed.nginxVersion).toBeUndefined();
    write('n.conf', 'server {\n    listen 80;\n}\n');
    expect((JSON.parse((await cli(['--print-config', 'n.conf'], { cwd: dir })).stdout) as { nginxVersion: string }).nginxVersion).toBe('1.18.0');
  });

  it('honours .lint-proxy-configignore (gitignore syntax) and --ignore-pattern', async () => {
    write('.lint-proxy-configignore', '# generated\nlegacy/\n*.bak.conf\n!keep.bak.conf\n');
    write('legacy/old.conf', BLANKET);
    write('x.bak.conf', BLANKET);
    write('keep.bak.conf', BLANKET);
    write('site/a.conf', BLANKET);
    const r = await cli(['.', '-f', 'json'], { cwd: dir });
    const files = (JSON.parse(r.stdout) as { filePath: string }[]).map((x) => x.filePath.slice(dir.length + 1)).sort();
    expect(files).toEqual(['keep.bak.conf', 'site/a.conf']);
    const p = await cli(['.', '-f', 'json', '--ignore-pattern', 'site/**'], { cwd: dir });
    expect((JSON.parse(p.stdout) as { filePath: string }[]).map((x) => x.filePath.slice(dir.length + 1))).toEqual(['keep.bak.conf']);
    const all = await cli(['.', '-f', 'json', '--no-ignore'], { cwd: dir });
    expect((JSON.parse(all.stdout) as unknown[]).length).toBe(4);
  });
});

describe('commands', () => {
  it('init writes a starter config with $schema that validates, and refuses to overwrite', async () => {
    const r = await cli(['init'], { cwd: dir });
    expect(r.code).toBe(0);
    const config = JSON.parse(readFileSync(join(dir, 'lint-proxy-config.config.json'), 'utf8')) as Record<string, unknown>;
    expect(config.$schema).toContain('schema/config.schema.json');
    expect(String(config.$comment)).toContain('atl.xsrf.token');
    write('a.conf', CLEAN);
    expect((await cli(['a.conf'], { cwd: dir })).code).toBe(0);
    const again = await cli(['init'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');
  });

  it('explain prints a rule README; --list lists every rule; unknown ids get a suggestion', async () => {
    const r = await cli(['explain', 'xsrf-cookie-httponly'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Why it matters');
    expect(r.stdout).toContain('Header edit Set-Cookie');
    const list = await cli(['explain', '--list'], { cwd: dir });
    expect(list.stdout).toMatch(/^xsrf-cookie-httponly\s+error\s+fixable\s+apache,nginx,iis,haproxy,caddy\s+/m);
    const bad = await cli(['explain', 'xsrf-cookie-htponly'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('did you mean "xsrf-cookie-httponly"');
  });

  it('simulate traces a cookie through the pipeline', async () => {
    write('site.conf', BLANKET);
    const r = await cli(['simulate', 'site.conf', '--cookie', 'atl.xsrf.token=abc; Path=/', '-f', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    const [run] = JSON.parse(r.stdout) as { backend: string; steps: { directive: string; before: string[]; after: string[] }[]; output: string[] }[];
    expect(run!.backend).toBe('http');
    expect(run!.steps[0]).toMatchObject({ before: ['atl.xsrf.token=abc; Path=/'], after: ['atl.xsrf.token=abc; Path=/; HttpOnly'] });
    expect(run!.output).toEqual(['atl.xsrf.token=abc; Path=/; HttpOnly']);
    const text = await cli(['simulate', 'site.conf', '--cookie', 'atl.xsrf.token=abc; Path=/'], { cwd: dir });
    expect(text.stdout).toContain('HttpOnly added: JavaScript cannot read this cookie');
  });

  it('simulate shows each outcome of a request-dependent condition', async () => {
    write(
      'guarded.conf',
      '<VirtualHost *:80>\n  ProxyPass / http://127.0.0.1:8080/\n  Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n  <If "%{REQUEST_URI} =~ m#\\.js$#">\n    Header unset Set-Cookie\n  </If>\n</VirtualHost>\n',
    );
    const text = await cli(['simulate', 'guarded.conf', '--cookie', 'csrftoken=t; Path=/', '--location', '/'], { cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('outcome 1 of 2: for requests where <If "%{REQUEST_URI} =~ m#\\.js$#"> holds, such as /static/app.js');
    expect(text.stdout).toContain('outcome 2 of 2: for requests where <If "%{REQUEST_URI} =~ m#\\.js$#"> does not hold, such as /');
    expect(text.stdout).toContain('browser gets    Set-Cookie: csrftoken=t; Path=/; HttpOnly');
    const json = await cli(['simulate', 'guarded.conf', '--cookie', 'csrftoken=t; Path=/', '-f', 'json'], { cwd: dir });
    const [run] = JSON.parse(json.stdout) as { outcomes: { output: string[]; assumptions: { holds: boolean }[] }[] }[];
    expect(run!.outcomes.map((o) => o.output)).toEqual([[], ['csrftoken=t; Path=/; HttpOnly']]);
    expect(run!.outcomes.map((o) => o.assumptions.map((a) => a.holds))).toEqual([[true], [false]]);
  });

  it('simulate says why when no request reaches a backend', async () => {
    write('static.conf', '<VirtualHost *:80>\n  DocumentRoot /var/www\n  Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n  <Location /x>\n    ProxyPass http://127.0.0.1:1/\n  </Location>\n</VirtualHost>\n');
    const r = await cli(['simulate', 'static.conf', '--location', '/'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^No request for \/ in static\.conf reaches a backend/);
    expect(r.stdout).toContain('serves static files, which send no cookies');
  });

  it('simulate follows ProxyPassMatch inside <LocationMatch> (the PHP-FPM layout)', async () => {
    write('fpm.conf', '<VirtualHost *:80>\n  <LocationMatch "^/(.*\\.php)$">\n    ProxyPassMatch fcgi://127.0.0.1:9000/var/www/$1\n  </LocationMatch>\n  Header always edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n</VirtualHost>\n');
    const r = await cli(['simulate', 'fpm.conf', '--cookie', 'csrftoken=t'], { cwd: dir });
    expect(r.stdout).toContain('FastCGI (PHP-FPM) response from fcgi://127.0.0.1:9000/var/www/');
    expect(r.stdout).toContain('browser gets    Set-Cookie: csrftoken=t; HttpOnly');
  });

  it('simulate shows each status a directive is limited to, or the one --status asks for', async () => {
    write('s.conf', 'server {\n  listen 80;\n  location / {\n    proxy_pass http://127.0.0.1:8080;\n    more_set_headers -s 404 \'Set-Cookie: $sent_http_set_cookie; HttpOnly\';\n  }\n}\n');
    const all = await cli(['simulate', 's.conf', '--cookie', 'csrftoken=t'], { cwd: dir });
    const headers = all.stdout.split('\n').filter((l) => l.includes('response from'));
    expect(headers.map((h) => h.includes('404 HTTP-proxied'))).toEqual([false, true]);
    expect(all.stdout).toContain('browser gets    Set-Cookie: csrftoken=t; HttpOnly');
    const json = JSON.parse((await cli(['simulate', 's.conf', '--cookie', 'csrftoken=t', '-f', 'json'], { cwd: dir })).stdout) as { status: number; output: string[] }[];
    expect(json.map((r) => [r.status, r.output])).toEqual([
      [200, ['csrftoken=t']],
      [404, ['csrftoken=t; HttpOnly']],
    ]);
    const one = await cli(['simulate', 's.conf', '--cookie', 'csrftoken=t', '--status', '500'], { cwd: dir });
    expect(one.stdout.split('\n').filter((l) => l.includes('response from'))).toEqual([expect.stringContaining('500 HTTP-proxied')]);
    expect(one.stdout).toContain('browser gets    Set-Cookie: csrftoken=t\n');
    const bad = await cli(['simulate', 's.conf', '--status', '99'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--status expects an HTTP status code');
  });

  it('simulate --location picks the scope the server would: a <LocationMatch> or ProxyPassMatch regex, nginx\'s location search', async () => {
    write('fpm2.conf', '<VirtualHost *:80>\n  ProxyPass /app/ http://127.0.0.1:8080/\n  <LocationMatch "^/(.*\\.php)$">\n    ProxyPassMatch fcgi://127.0.0.1:9000/var/www/$1\n  </LocationMatch>\n  ProxyPassMatch ^/api/(.*)$ http://127.0.0.1:8081/$1\n</VirtualHost>\n');
    const php = await cli(['simulate', 'fpm2.conf', '--cookie', 'csrftoken=t', '--location', '/index.php'], { cwd: dir });
    expect(php.stdout.split('\n')[0]).toContain('<LocationMatch "^/(.*\\.php)$">');
    const api = await cli(['simulate', 'fpm2.conf', '--cookie', 'csrftoken=t', '--location', '/api/items'], { cwd: dir });
    expect(api.stdout.split('\n')[0]).toContain('ProxyPassMatch ^/api/(.*)$');
    const app = await cli(['simulate', 'fpm2.conf', '--cookie', 'csrftoken=t', '--location', '/app/x'], { cwd: dir });
    expect(app.stdout.split('\n')[0]).toContain('ProxyPass /app/');
    write('n.conf', 'server {\n  listen 80;\n  location / {\n    proxy_pass http://127.0.0.1:8080;\n  }\n  location ~ \\.php$ {\n    fastcgi_pass 127.0.0.1:9000;\n  }\n  location ^~ /static/ {\n    proxy_pass http://127.0.0.1:8082;\n  }\n}\n');
    const first = async (path: string) => (await cli(['simulate', 'n.conf', '--cookie', 'csrftoken=t', '--location', path], { cwd: dir })).stdout.split('\n')[0];
    expect(await first('/a.php')).toContain('location ~ \\.php$');
    expect(await first('/static/a.php')).toContain('location ^~ /static/');
    expect(await first('/a.html')).toMatch(/location \/ /);
  });

  it('simulate --location with a query and --header: the values the configuration reads are that request\'s', async () => {
    write('q.conf', 'server {\n  listen 80;\n  server_name app.test;\n  location /app/ {\n    proxy_pass http://127.0.0.1:8080;\n    add_header Set-Cookie "lang=$arg_lang";\n    add_header Set-Cookie "h=$host";\n  }\n}\n');
    const out = async (...extra: string[]) => (await cli(['simulate', 'q.conf', '--cookie', 'a=1', ...extra], { cwd: dir })).stdout.split('\n').filter((l) => l.includes('browser gets'));
    expect(await out('--location', '/app/?lang=fr')).toEqual(['  browser gets    Set-Cookie: a=1', '  browser gets    Set-Cookie: lang=fr', '  browser gets    Set-Cookie: h=app.test']);
    expect(await out('--location', '/app/', '--header', 'Host: Other.test:8080')).toEqual(['  browser gets    Set-Cookie: a=1', '  browser gets    Set-Cookie: lang=', '  browser gets    Set-Cookie: h=other.test']);
    const bad = await cli(['simulate', 'q.conf', '--header', 'Host'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--header expects 'Name: value'");
  });
});
