import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bin } from '../helpers/cli.js';
import { RULES } from '../../rules/index.js';
import { isConfigErrors, parseConfig } from '../../src/config/config.js';
import { createIgnoreMatcher } from '../../src/run/ignore-file.js';
import { parseJsonc } from '../../src/jsonc.js';

const metas = RULES.map((r) => r.meta);

describe('configuration parsing', () => {
  it('resolves relative paths and globs against the file’s directory', () => {
    const c = parseConfig(
      JSON.stringify({ serverRoot: 'apache', ignores: ['old/**', '!old/keep.conf'], overrides: [{ files: ['*.inc'], type: 'nginx' }], nginxVersion: '1.18' }),
      '/proj/lint-proxy-config.config.json',
      metas,
    );
    if (c === undefined || isConfigErrors(c)) throw new Error(`expected a configuration, got ${JSON.stringify(c)}`);
    expect(c.serverRoot).toBe('/proj/apache');
    expect(c.ignores).toEqual(['/proj/old/**', '!/proj/old/keep.conf']);
    expect(c.overrides).toEqual([{ files: ['/proj/*.inc'], type: 'nginx' }]);
    expect(c.nginxVersion).toBe('1.18.0');
    expect(c.requireReason).toBe(true);
  });

  it.each([
    ['{"rulez": {}}', '1:2', 'rulez: unknown property (did you mean "rules"?)'],
    ['{"rules": {"xsrf-cookie-httponly": "warning"}}', '1:36', 'rules.xsrf-cookie-httponly: expected one of "off", "warn", "error", found "warning"'],
    ['{"xsrfCookies": ["a b"]}', '1:18', 'xsrfCookies[0]: "a b" does not match'],
    ['{"overrides": [{"type": "apache"}]}', '1:16', 'overrides[0]: missing required property "files"'],
    ['{"nginxVersion": 1.24}', '1:18', 'nginxVersion: expected string, found number'],
    ['{"rules": {} ', '1:14', 'invalid JSON: expected "," or "}"'],
  ])('%s → %s %s', (text, at, message) => {
    const c = parseConfig(text, '/p/c.json', metas);
    expect(isConfigErrors(c)).toBe(true);
    const [e] = c as { line: number; column: number; message: string }[];
    expect(`${e!.line}:${e!.column}`).toBe(at);
    expect(e!.message).toContain(message);
  });

  it('reads JSONC: comments and trailing commas', () => {
    const c = parseConfig('{\n  // severities\n  "rules": { "regex-too-complex": "off", },\n  /* more */ "xsrfCookies": ["MY-CSRF"],\n}\n', '/p/c.json', metas);
    expect(isConfigErrors(c)).toBe(false);
    if (!c || isConfigErrors(c)) return;
    expect(c.rules.get('regex-too-complex')).toBe('off');
    expect(c.xsrfCookies).toEqual(['MY-CSRF']);
  });

  it('reports a key written twice at the second one, naming the first', () => {
    const c = parseConfig('{\n  "rules": {},\n  "rules": {"regex-too-complex": "off"}\n}', '/p/c.json', metas) as { line: number; column: number; message: string }[];
    expect(c).toEqual([{ file: '/p/c.json', line: 3, column: 3, message: 'rules: duplicate key (first written at 2:3)' }]);
  });

  it.each([
    ['{"__proto__": {"rules": {"xsrf-cookie-httponly": "off"}}}', '__proto__: unknown property'],
    ['{"rules": {"__proto__": {"xsrf-cookie-httponly": "bad"}}}', 'rules.__proto__: unknown property'],
    ['{"overrides": [{"files": ["a"], "__proto__": {"type": "bogus"}}]}', 'overrides[0].__proto__: unknown property'],
  ])('a "__proto__" key is an ordinary unknown key, not a way around validation: %s', (text, message) => {
    const c = parseConfig(text, '/p/c.json', metas);
    expect(isConfigErrors(c)).toBe(true);
    expect((c as { message: string }[]).map((e) => e.message)).toContain(message);
    expect(({} as Record<string, unknown>).rules).toBeUndefined();
  });

  it('enforces every schema keyword (minimum, minItems, uniqueItems), all mistakes at once', () => {
    const c = parseConfig('{"maxFileSize": 0, "overrides": [{"files": []}], "xsrfCookies": ["A", "A"], "requireReason": "yes"}', '/p/c.json', metas) as { message: string }[];
    expect(c.map((e) => e.message)).toEqual([
      'maxFileSize: must be at least 1',
      'overrides[0].files: needs at least 1 item(s)',
      'xsrfCookies: duplicate "A" (items 0 and 1)',
      'requireReason: expected boolean, found string',
    ]);
  });

  it('reads the "lint-proxy-config" key of package.json and ignores a package.json without it', () => {
    expect(parseConfig('{"name":"x"}', '/p/package.json', metas, true)).toBeUndefined();
    const c = parseConfig('{"lint-proxy-config": {"rulez": 1}}', '/p/package.json', metas, true);
    expect((c as { message: string }[])[0]!.message).toContain('lint-proxy-config.rulez: unknown property');
  });

  it('tracks value and key offsets', () => {
    const parsed = parseJsonc('{ "a": [1, {"b": true}] }');
    if ('problems' in parsed) throw new Error('expected JSON');
    const { offsets } = parsed;
    expect(offsets.get('a')).toBe(7);
    expect(offsets.get('a[1].b')).toBe(17);
    expect(offsets.get('a[1].b#key')).toBe(12);
  });
});

describe('.lint-proxy-configignore (gitignore syntax)', () => {
  const m = createIgnoreMatcher('/p', ['# comment', 'build/', '*.bak', '!keep.bak', '/top.conf', 'deep/**/x.conf', '', 'sub/*.conf'].join('\n'));
  it.each([
    ['/p/build/a.conf', true],
    ['/p/x/build/a.conf', true],
    ['/p/a.bak', true],
    ['/p/keep.bak', false],
    ['/p/top.conf', true],
    ['/p/x/top.conf', false],
    ['/p/deep/a/b/x.conf', true],
    ['/p/sub/a.conf', true],
    ['/p/sub/z/a.conf', false],
    ['/p/other.conf', false],
    ['/elsewhere/a.bak', false],
  ])('%s → %s', (path, ignored) => {
    expect(m.ignores(path)).toBe(ignored);
  });
  it('cannot re-include a file inside an ignored directory', () => {
    expect(createIgnoreMatcher('/p', 'build/\n!build/keep.conf').ignores('/p/build/keep.conf')).toBe(true);
  });
});

describe('the built CLI validates with the validator compiled at build time', () => {
  it('reports the same mistakes, "__proto__" included, with positions', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lpc-config-'));
    try {
      writeFileSync(join(dir, 'lint-proxy-config.config.json'), '{\n  // JSONC\n  "rules": { "__proto__": { "xsrf-cookie-httponly": "off" }, },\n  "maxFileSize": 0\n}\n');
      writeFileSync(join(dir, 'a.conf'), 'Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n');
      const r = bin(['a.conf'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('lint-proxy-config.config.json:3:14: rules.__proto__: unknown property');
      expect(r.stderr).toContain('lint-proxy-config.config.json:4:18: maxFileSize: must be at least 1');
      // The minified bundle's source map lists its modules: no ajv compiler among them.
      const sources: string[] = JSON.parse(readFileSync(new URL('../../dist/cli.cjs.map', import.meta.url), 'utf8')).sources;
      expect(sources.filter((s) => /node_modules\/ajv\/dist\/(?:core|ajv|compile)/.test(s))).toEqual([]);
      expect(readFileSync(new URL('../../dist/cli.cjs', import.meta.url), 'utf8')).not.toContain('class Ajv');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
