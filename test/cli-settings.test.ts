/** Command-line settings over the configuration file: --rule, --print-config per dialect. */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';

const BLANKET = '<VirtualHost *:80>\n    ProxyPass / http://127.0.0.1:8080/\n    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n</VirtualHost>\n';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lpc-settings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

describe('--rule <id>[:severity]', () => {
  it('overrides the configuration file; without a severity the rule is back at its default', async () => {
    write('a.conf', BLANKET);
    write('lint-proxy-config.config.json', '{ "rules": { "xsrf-cookie-httponly": "off" } }');
    expect((await cli(['a.conf'], { cwd: dir })).code).toBe(0);
    const on = await cli(['a.conf', '--rule', 'xsrf-cookie-httponly', '-f', 'json'], { cwd: dir });
    expect(on.code).toBe(1);
    const warn = await cli(['a.conf', '--rule', 'xsrf-cookie-httponly:warn', '-f', 'json'], { cwd: dir });
    expect(warn.code).toBe(0);
    expect((JSON.parse(warn.stdout) as { messages: { ruleId: string; severity: number }[] }[])[0]!.messages).toEqual([expect.objectContaining({ ruleId: 'xsrf-cookie-httponly', severity: 1 })]);
    const printed = JSON.parse((await cli(['--print-config', 'a.conf', '--rule', 'regex-too-complex:off'], { cwd: dir })).stdout) as { rules: Record<string, string> };
    expect(printed.rules['regex-too-complex']).toBe('off');
    expect(printed.rules['xsrf-cookie-httponly']).toBe('off');
  });

  it('refuses unknown rules (with a suggestion) and unknown severities: exit 2', async () => {
    write('a.conf', BLANKET);
    const typo = await cli(['a.conf', '--no-config', '--rule', 'xsrf-cookie-htponly:off'], { cwd: dir });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('--rule xsrf-cookie-htponly:off: unknown rule (did you mean "xsrf-cookie-httponly"?)');
    const level = await cli(['a.conf', '--no-config', '--rule', 'xsrf-cookie-httponly:fatal'], { cwd: dir });
    expect(level.code).toBe(2);
    expect(level.stderr).toContain('unknown severity "fatal"');
  });
});

describe('--print-config', () => {
  it("shows only the rules and include settings of the file's dialect", async () => {
    write('a.conf', BLANKET);
    write('web.config', '<configuration />\n');
    write('n.conf', 'server {\n    listen 80;\n}\n');
    const apache = JSON.parse((await cli(['--print-config', 'a.conf', '--no-config'], { cwd: dir })).stdout) as Record<string, unknown> & { rules: Record<string, string> };
    expect(apache.dialect).toBe('apache');
    expect(Object.keys(apache.rules)).toContain('apache-always-edit-misses-proxy');
    expect(Object.keys(apache.rules).filter((id) => id.startsWith('nginx-') || id.startsWith('iis-') || id.startsWith('aspnet-'))).toEqual([]);
    expect(Object.keys(apache)).toContain('serverRoot');
    expect(Object.keys(apache)).not.toContain('nginxVersion');
    const iis = JSON.parse((await cli(['--print-config', 'web.config', '--no-config'], { cwd: dir })).stdout) as Record<string, unknown> & { rules: Record<string, string> };
    expect(Object.keys(iis.rules).filter((id) => id.startsWith('nginx-') || id.startsWith('apache-'))).toEqual([]);
    expect(Object.keys(iis)).not.toContain('serverRoot');
    expect(Object.keys(iis)).not.toContain('prefix');
    const nginx = JSON.parse((await cli(['--print-config', 'n.conf', '--no-config'], { cwd: dir })).stdout) as Record<string, unknown>;
    expect(Object.keys(nginx)).toEqual(expect.arrayContaining(['prefix', 'context', 'nginxVersion']));
    expect(Object.keys(nginx)).not.toContain('serverRoot');
  });

  it('shows the Apache modules <IfModule> is evaluated against, and where they come from', async () => {
    write('m.conf', '<VirtualHost *:80>\n    ProxyPass / http://127.0.0.1:8080/\n    <IfModule mod_headers.c>\n        Header set X y\n    </IfModule>\n</VirtualHost>\n');
    write('l.conf', 'LoadModule headers_module /usr/lib/apache2/modules/mod_headers.so\n');
    type Modules = { apacheModules: { from: string; loaded: string[] } };
    const print = async (file: string, extra: string[] = []) => (JSON.parse((await cli(['--print-config', file, ...extra], { cwd: dir })).stdout) as Modules).apacheModules;
    const assumed = await print('m.conf', ['--no-config']);
    expect(assumed.from).toBe('Debian defaults');
    // ProxyPass outside <IfModule> proves mod_proxy; Header only inside one proves nothing.
    expect(assumed.loaded).toEqual(expect.arrayContaining(['setenvif_module', 'proxy_module']));
    expect(assumed.loaded).not.toContain('headers_module');
    expect(await print('l.conf', ['--no-config'])).toEqual({ from: 'LoadModule', loaded: expect.arrayContaining(['headers_module']) });
    write('lint-proxy-config.config.json', '{ "apacheModules": ["headers_module"] }\n');
    try {
      const configured = await print('m.conf');
      expect(configured.from).toBe('apacheModules');
      expect(configured.loaded).toEqual(expect.arrayContaining(['headers_module', 'proxy_module']));
      expect(configured.loaded).not.toContain('setenvif_module');
    } finally {
      rmSync(join(dir, 'lint-proxy-config.config.json'));
    }
  });
});

describe('explain', () => {
  it('labels the bad and the good example of each dialect', async () => {
    const r = await cli(['explain', 'xsrf-cookie-httponly', '--no-color'], { cwd: dir });
    expect(r.code).toBe(0);
    for (const label of ['Bad (Apache):', 'Good (Apache):', 'Bad (nginx):', 'Good (nginx):', 'Bad (IIS):', 'Good (IIS):']) expect(r.stdout).toContain(`\n${label}\n    `);
    // Each label sits right above its code.
    const lines = r.stdout.split('\n');
    const bad = lines.indexOf('Bad (nginx):');
    expect(lines[bad + 1]).toMatch(/^ {4}\S/);
  });
});

describe('init', () => {
  const ROOT = new URL('../', import.meta.url).pathname;
  it('writes a $schema that resolves: the installed package by a relative path, else this version online', () => {
    const pkg = join(dir, 'node_modules/lint-proxy-config');
    for (const part of ['bin', 'dist', 'schema', 'package.json']) cpSync(join(ROOT, part), join(pkg, part), { recursive: true });
    mkdirSync(join(dir, 'app/deploy'), { recursive: true });
    const local = spawnSync(process.execPath, [join(pkg, 'bin/lint-proxy-config.js'), 'init'], { cwd: join(dir, 'app/deploy'), encoding: 'utf8' });
    expect(local.status, local.stderr).toBe(0);
    const schema = (JSON.parse(readFileSync(join(dir, 'app/deploy/lint-proxy-config.config.json'), 'utf8')) as { $schema: string }).$schema;
    expect(schema).toBe('../../node_modules/lint-proxy-config/schema/config.schema.json');
    expect(existsSync(join(dir, 'app/deploy', schema))).toBe(true);
    // Run from elsewhere (npx's cache, a global install): no node_modules copy to point at.
    const elsewhere = spawnSync(process.execPath, [join(ROOT, 'bin/lint-proxy-config.js'), 'init'], { cwd: join(dir, 'app'), encoding: 'utf8' });
    expect(elsewhere.status, elsewhere.stderr).toBe(0);
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect((JSON.parse(readFileSync(join(dir, 'app/lint-proxy-config.config.json'), 'utf8')) as { $schema: string }).$schema).toBe(
      `https://raw.githubusercontent.com/lint-proxy-config/lint-proxy-config/v${version}/schema/config.schema.json`,
    );
  });
});
