/**
 * Baselines on a fixture estate (fixtures/estate: Apache and nginx files with findings, a
 * configuration naming its baseline): the committed baseline makes it pass; a new blanket rule
 * fails; moving lines does not; fixing a finding and rewriting prunes it. Plus the file's format.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { baselineSchema } from '../src/baseline/schema.js';
import { parseBaseline, serializeBaseline } from '../src/baseline/baseline.js';
import { Ajv } from 'ajv';
import { bin, cli } from './helpers/cli.js';

const ROOT = new URL('../', import.meta.url).pathname;
const ESTATE = join(ROOT, 'fixtures/estate');
const SCHEMA_FILE = join(ROOT, 'schema/baseline.schema.json');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function estate(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lpc-estate-'));
  dirs.push(dir);
  cpSync(ESTATE, dir, { recursive: true });
  return dir;
}

function edit(dir: string, file: string, change: (text: string) => string): void {
  const path = join(dir, file);
  writeFileSync(path, change(readFileSync(path, 'utf8')));
}

async function lint(dir: string, ...args: string[]) {
  const r = await cli(['.', '-f', 'json', ...args], { cwd: dir });
  const results = JSON.parse(r.stdout || '[]') as { filePath: string; messages: { ruleId: string; line: number }[] }[];
  return { ...r, messages: results.flatMap((x) => x.messages.map((m) => ({ ...m, file: x.filePath.slice(dir.length + 1) }))) };
}

describe('baseline on a fixture estate', () => {
  it('has findings without its baseline and passes with it (the configuration names it)', async () => {
    const dir = estate();
    const without = await lint(dir, '--no-baseline');
    expect(without.code).toBe(1);
    expect(without.messages).toHaveLength(4);
    const withIt = await lint(dir);
    expect(withIt.code).toBe(0);
    expect(withIt.messages).toEqual([]);
    expect(withIt.stderr).toContain('4 findings matched the baseline lpc-baseline.json and were not reported.');
    expect(withIt.stderr).not.toContain('no longer occur');
  });

  it('--print-config shows the baseline the configuration names', async () => {
    const dir = estate();
    const r = await cli(['--print-config', 'etc/apache2/sites-enabled/jira.conf'], { cwd: dir });
    expect(JSON.parse(r.stdout).baseline).toBe(join(dir, 'lpc-baseline.json'));
  });

  it('the committed baseline is what --baseline-write writes today', async () => {
    const dir = estate();
    const before = readFileSync(join(dir, 'lpc-baseline.json'), 'utf8');
    const r = await cli(['.', '--baseline-write', 'lpc-baseline.json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('wrote 4 findings to the baseline lpc-baseline.json');
    expect(readFileSync(join(dir, 'lpc-baseline.json'), 'utf8')).toBe(before);
  });

  it('fails on a new blanket rule, in a new scope or a second time in a baselined one', async () => {
    const dir = estate();
    edit(dir, 'etc/apache2/sites-enabled/jira.conf', (t) => `${t}\n<VirtualHost *:443>\n    ServerName bamboo.example.com\n    ProxyPass / http://127.0.0.1:8085/\n    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n</VirtualHost>\n`);
    const r = await lint(dir);
    expect(r.code).toBe(1);
    expect(r.messages.map((m) => [m.file, m.ruleId, m.line])).toEqual([['etc/apache2/sites-enabled/jira.conf', 'xsrf-cookie-httponly', 21]]);

    const again = estate();
    edit(again, 'etc/nginx/conf.d/confluence.conf', (t) => t.replace('proxy_pass http://127.0.0.1:8091/synchrony;', 'proxy_pass http://127.0.0.1:8091/synchrony;\n            proxy_cookie_flags ~ httponly;'));
    const r2 = await lint(again);
    expect(r2.code).toBe(1);
    expect(r2.messages.map((m) => [m.file, m.ruleId])).toEqual([['etc/nginx/conf.d/confluence.conf', 'xsrf-cookie-httponly']]);
  });

  it('identical findings are counted: a second copy of a baselined one fails', async () => {
    const dir = estate();
    const bitbucket = '<VirtualHost *:443>\n    ServerName bitbucket.example.com\n    ProxyPass / http://127.0.0.1:7990/\n\n    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n</VirtualHost>\n';
    edit(dir, 'etc/apache2/sites-enabled/jira.conf', (t) => `${t}\n${bitbucket}`);
    const r = await lint(dir);
    expect(r.code).toBe(1);
    expect(r.messages.map((m) => [m.file, m.ruleId, m.line])).toEqual([['etc/apache2/sites-enabled/jira.conf', 'xsrf-cookie-httponly', 22]]);
    await cli(['.', '--baseline-write', 'lpc-baseline.json'], { cwd: dir });
    expect(readFileSync(join(dir, 'lpc-baseline.json'), 'utf8')).toContain('"count": 2');
    expect((await lint(dir)).code).toBe(0);
  });

  it('does not fail when lines move, scopes are reordered or directives re-indented', async () => {
    const dir = estate();
    // Swap the two virtual hosts, push everything down, re-indent a directive.
    edit(dir, 'etc/apache2/sites-enabled/jira.conf', (t) => {
      const [head, jira, bitbucket] = t.split(/\n(?=<VirtualHost)/);
      return `${head}\n# moved\n\n\n${bitbucket!.trimEnd()}\n\n${jira!.replace('    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"', '\tHeader   edit Set-Cookie ^(.*)$ "$1; HttpOnly"')}`;
    });
    edit(dir, 'etc/nginx/conf.d/confluence.conf', (t) => t.replace('        location / {', '        location /synchrony-old {\n            return 404;\n        }\n\n        location / {'));
    const r = await lint(dir);
    expect(r.stderr).toContain('4 findings matched the baseline');
    expect(r.stderr).not.toContain('no longer occur');
    expect(r.messages).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('a fixed finding drops out, and --baseline-write prunes it', async () => {
    const dir = estate();
    edit(dir, 'etc/apache2/sites-enabled/jira.conf', (t) => t.replace('    # Hardening guide: every cookie HttpOnly\n    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n', ''));
    const r = await lint(dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('3 findings matched the baseline lpc-baseline.json and were not reported. 1 recorded finding no longer occurs: --baseline-write lpc-baseline.json prunes it.');
    const before = parseBaseline(readFileSync(join(dir, 'lpc-baseline.json'), 'utf8'));
    await cli(['.', '--baseline-write', 'lpc-baseline.json'], { cwd: dir });
    const after = parseBaseline(readFileSync(join(dir, 'lpc-baseline.json'), 'utf8'));
    if (Array.isArray(before) || Array.isArray(after)) throw new Error('invalid baseline');
    expect(before.entries.filter((e) => !after.entries.some((a) => a.scope === e.scope && a.rule === e.rule && a.file === e.file))).toEqual([
      { file: 'etc/apache2/sites-enabled/jira.conf', rule: 'xsrf-cookie-httponly', scope: '<VirtualHost *:443> (jira.example.com)', directive: 'Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"', count: 1 },
    ]);
    expect(after.entries).toHaveLength(3);
    const clean = await lint(dir);
    expect(clean.stderr).not.toContain('no longer occur');
  });

  it('--fix then --baseline-write: fixed findings leave the baseline', async () => {
    const dir = estate();
    await cli(['etc/apache2', '--fix'], { cwd: dir });
    await cli(['.', '--baseline-write', 'lpc-baseline.json'], { cwd: dir });
    const after = parseBaseline(readFileSync(join(dir, 'lpc-baseline.json'), 'utf8'));
    if (Array.isArray(after)) throw new Error('invalid baseline');
    expect(after.entries.map((e) => e.file)).toEqual(['etc/nginx/conf.d/confluence.conf', 'etc/nginx/conf.d/confluence.conf']);
  });
});

describe('baseline with worker threads', () => {
  it('a parallel run writes and matches the same baseline as a single-threaded one', () => {
    const dir = estate();
    const vhost = readFileSync(join(dir, 'etc/apache2/sites-enabled/jira.conf'), 'utf8');
    for (let i = 0; i < 140; i++) writeFileSync(join(dir, `etc/apache2/sites-enabled/site${i}.conf`), vhost.replaceAll('example.com', `example${i % 3}.com`));
    const one = bin(['.', '--baseline-write', 'one.json'], { cwd: dir, env: { LPC_WORKERS: '1' } });
    const two = bin(['.', '--baseline-write', 'two.json'], { cwd: dir, env: { LPC_WORKERS: '2' } });
    expect([one.code, two.code]).toEqual([0, 0]);
    expect(readFileSync(join(dir, 'two.json'), 'utf8')).toBe(readFileSync(join(dir, 'one.json'), 'utf8'));
    const check = bin(['.', '--baseline', 'one.json'], { cwd: dir, env: { LPC_WORKERS: '2' } });
    expect(check.stderr).toContain('284 findings matched the baseline one.json');
    expect(check.code).toBe(0);
  });
});

describe('baseline file', () => {
  it('is sorted, stable and valid against schema/baseline.schema.json', async () => {
    const dir = estate();
    const text = readFileSync(join(dir, 'lpc-baseline.json'), 'utf8');
    const parsed = parseBaseline(text);
    if (Array.isArray(parsed)) throw new Error(JSON.stringify(parsed));
    expect(serializeBaseline({ entries: [...parsed.entries].reverse() })).toBe(text);
    const validate = new Ajv({ strict: true }).compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));
    expect(validate(JSON.parse(text))).toBe(true);
    expect(JSON.parse(text).$schema).toBe('./node_modules/lint-proxy-config/schema/baseline.schema.json');
  });

  it('schema/baseline.schema.json is the schema the code validates with', () => {
    const expected = `${JSON.stringify(baselineSchema(), null, 2)}\n`;
    if (process.env.UPDATE_SCHEMA) writeFileSync(SCHEMA_FILE, expected);
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(expected);
  });

  it('the reader refuses exactly what the schema refuses (ajv on schema/baseline.schema.json agrees)', () => {
    const validate = new Ajv({ strict: true }).compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));
    const entry = { file: 'a.conf', rule: 'xsrf-cookie-httponly', scope: '', directive: 'Header edit Set-Cookie ^(.*)$ $1' };
    const cases: unknown[] = [
      { version: 1, findings: [] },
      { $schema: 'x', version: 1, findings: [entry, { ...entry, count: 2 }] },
      [],
      'text',
      { findings: [] },
      { version: 2, findings: [] },
      { version: 1 },
      { version: 1, findings: {} },
      { version: 1, findings: [], extra: true },
      { $schema: 3, version: 1, findings: [] },
      { version: 1, findings: ['a'] },
      { version: 1, findings: [{ ...entry, rul: 'x' }] },
      { version: 1, findings: [{ ...entry, file: '' }] },
      { version: 1, findings: [{ ...entry, rule: 3 }] },
      { version: 1, findings: [{ ...entry, scope: undefined }] },
      { version: 1, findings: [{ ...entry, count: 1 }] },
      { version: 1, findings: [{ ...entry, count: 2.5 }] },
      { version: 1, findings: [{ ...entry, count: '2' }] },
    ];
    for (const value of cases) {
      const text = JSON.stringify(value);
      expect(!Array.isArray(parseBaseline(text)), text).toBe(validate(JSON.parse(text)));
    }
  });

  it('a missing or invalid baseline is a usage error with its position', async () => {
    const dir = estate();
    const missing = await cli(['.', '--baseline', 'nope.json'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read the baseline nope.json: no such file (create it with --baseline-write nope.json)');
    writeFileSync(join(dir, 'bad.json'), '{\n  "version": 1,\n  "findings": [{ "file": "a.conf", "rul": "x", "scope": "", "directive": "" }]\n}\n');
    const bad = await cli(['.', '--baseline', 'bad.json'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${join(dir, 'bad.json')}:3:`);
    expect(bad.stderr).toContain('findings[0]');
    writeFileSync(join(dir, 'broken.json'), '{ "version": 1, ');
    const broken = await cli(['.', '--baseline', 'broken.json'], { cwd: dir });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('invalid JSON');
  });

  it('syntax errors are never baselined', async () => {
    const dir = estate();
    writeFileSync(join(dir, 'etc/nginx/conf.d/broken.conf'), 'server {\n    listen 80;\n');
    await cli(['.', '--baseline-write', 'lpc-baseline.json'], { cwd: dir });
    const r = await lint(dir);
    expect(r.code).toBe(1);
    expect(r.messages.map((m) => m.file)).toEqual(['etc/nginx/conf.d/broken.conf']);
  });
});
