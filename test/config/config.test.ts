import { describe, expect, it } from 'vitest';
import { RULES } from '../../rules/index.js';
import { isConfigErrors, parseConfig } from '../../src/config/config.js';
import { createIgnoreMatcher } from '../../src/config/ignore-file.js';
import { parseJson } from '../../src/config/json-positions.js';

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

  it('reads the "lint-proxy-config" key of package.json and ignores a package.json without it', () => {
    expect(parseConfig('{"name":"x"}', '/p/package.json', metas, true)).toBeUndefined();
    const c = parseConfig('{"lint-proxy-config": {"rulez": 1}}', '/p/package.json', metas, true);
    expect((c as { message: string }[])[0]!.message).toContain('lint-proxy-config.rulez: unknown property');
  });

  it('tracks value and key offsets', () => {
    const { offsets } = parseJson('{ "a": [1, {"b": true}] }');
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
