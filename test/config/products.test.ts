/** `products` settings, the sessionCookies / CSRF overlap error, and `--all-products`. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../rules/index.js';
import { isConfigErrors, parseConfig } from '../../src/config/config.js';
import { fileSelection, parseInlineProducts } from '../../src/cookies/selection.js';
import { productSettingsFrom, runOptionsFrom } from '../../src/config/settings.js';
import { UsageError } from '../../src/usage-error.js';
import { cli } from '../helpers/cli.js';

const metas = RULES.map((r) => r.meta);

describe('products in the configuration file', () => {
  it('reads a list, "all", and per-glob overrides; the last matching override wins', () => {
    const c = parseConfig(
      JSON.stringify({ products: ['jira', 'confluence'], overrides: [{ files: ['sentry/*.conf'], products: 'all' }, { files: ['sentry/jira.conf'], products: ['jira'] }] }),
      '/proj/lint-proxy-config.config.json',
      metas,
    );
    if (!c || isConfigErrors(c)) throw new Error(JSON.stringify(c));
    expect(c.products).toEqual(['jira', 'confluence']);
    const settings = productSettingsFrom({}, c);
    expect(fileSelection(settings, '/proj/other.conf')?.selection).toEqual(['jira', 'confluence']);
    expect(fileSelection(settings, '/proj/sentry/a.conf')?.selection).toBe('all');
    expect(fileSelection(settings, '/proj/sentry/jira.conf')?.selection).toEqual(['jira']);
    expect(fileSelection(productSettingsFrom({ allProducts: true }, c), '/proj/other.conf')?.selection).toBe('all');
    expect(fileSelection(productSettingsFrom({}, { ...c, products: undefined, overrides: [] } as never), '/proj/x.conf')).toBeUndefined();
  });

  it.each([
    ['{"products": ["jria"]}', '1:15', 'products[0]: expected one of "jira"'],
    ['{"products": "some"}', '1:14', 'products: "some" does not match ^all$'],
    ['{"products": []}', '1:14', 'products: needs at least 1 item'],
    ['{"products": 3}', '1:14', 'products: expected string or array, found integer'],
    ['{"overrides": [{"files": ["*.conf"], "products": ["nexus", "nexus"]}]}', '1:50', 'overrides[0].products: duplicate "nexus"'],
  ])('%s → %s %s', (text, at, message) => {
    const c = parseConfig(text, '/p/c.json', metas);
    expect(isConfigErrors(c)).toBe(true);
    const [e] = c as { line: number; column: number; message: string }[];
    expect(`${e!.line}:${e!.column}`).toBe(at);
    expect(e!.message).toContain(message);
  });

  it('refuses a name that is both a session cookie and a CSRF cookie, at its position', () => {
    const text = '{\n  "xsrfCookies": ["MYAPP-CSRF"],\n  "sessionCookies": ["JSESSIONID", "myapp-csrf", "csrftoken"]\n}';
    const c = parseConfig(text, '/p/c.json', metas);
    expect(isConfigErrors(c)).toBe(true);
    const errors = c as { line: number; column: number; message: string }[];
    expect(errors.map((e) => `${e.line}:${e.column} ${e.message.split(',')[0]}`)).toEqual([
      '3:36 sessionCookies[1]: "myapp-csrf" is also a CSRF cookie ("MYAPP-CSRF")',
      '3:50 sessionCookies[2]: "csrftoken" is also a CSRF cookie',
    ]);
    // The command line: --xsrf-cookie naming a configured session cookie is a usage error.
    const ok = parseConfig('{"sessionCookies": ["APP_SESSION"]}', '/p/c.json', metas);
    if (!ok || isConfigErrors(ok)) throw new Error('unexpected');
    expect(() => runOptionsFrom({ xsrfCookie: ['APP_SESSION'] }, ok, '/p')).toThrow(UsageError);
  });
});

describe('inline products comments', () => {
  const comment = (text: string) => ({ text, span: { file: 'f', start: 0, end: text.length } });
  it('parses ids, "all", a reason, and reports unknown ids', () => {
    expect(parseInlineProducts(comment(' lint-proxy-config-products jira, Confluence -- intranet'))).toMatchObject({ selection: ['jira', 'confluence'], unknown: [] });
    expect(parseInlineProducts(comment(' lint-proxy-config-products all '))).toMatchObject({ selection: 'all' });
    expect(parseInlineProducts(comment(' lint-proxy-config-products jra nexus'))).toMatchObject({ selection: ['nexus'], unknown: ['jra'] });
    expect(parseInlineProducts(comment(' lint-proxy-config-disable-next-line'))).toBeUndefined();
  });
});

describe('CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lpc-products-'));
  const conf = join(dir, 'jira.conf');
  writeFileSync(
    conf,
    '<VirtualHost *:443>\n    ServerName jira.example.com\n    ProxyPass / http://127.0.0.1:8080/\n    Header edit Set-Cookie ^(?!atlassian\\.xsrf\\.token=)(.*)$ "$1; HttpOnly"\n</VirtualHost>\n',
  );
  it('a Jira exclusion is silent by default and reported with --all-products', async () => {
    const quiet = await cli(['--no-config', conf], { cwd: dir });
    expect(quiet.code).toBe(0);
    const strict = await cli(['--no-config', '--all-products', conf], { cwd: dir });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('which it does not exclude');
  });

  it('reports a configuration file with an overlap with exit code 2 and the position', async () => {
    const cfg = join(dir, 'bad.json');
    writeFileSync(cfg, '{"sessionCookies": ["XSRF-TOKEN"]}');
    const r = await cli(['-c', cfg, conf], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${cfg}:1:21: sessionCookies[0]: "XSRF-TOKEN" is also a CSRF cookie`);
  });
});
