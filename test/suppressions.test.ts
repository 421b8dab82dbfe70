/**
 * Suppressed findings are reported as suppressed, not dropped: JSON's `suppressedMessages` (ESLint's
 * shape, with the directive's reason) and SARIF `suppressions` of kind `inSource` with the
 * justification, which GitHub code scanning shows as a dismissed alert.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { validateSarif } from './helpers/sarif.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lpc-suppress-'));
  writeFileSync(
    join(dir, 'grafana.conf'),
    [
      '<VirtualHost *:80>',
      '    ProxyPass / http://127.0.0.1:3000/',
      '    # lint-proxy-config-disable-next-line xsrf-cookie-httponly -- Grafana sets no CSRF cookie',
      '    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"',
      '</VirtualHost>',
      '<VirtualHost *:81>',
      '    ProxyPass / http://127.0.0.1:8080/',
      '    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"',
      '</VirtualHost>',
      '',
    ].join('\n'),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('suppressed findings', () => {
  it('JSON fills suppressedMessages with the directive and its reason; counts leave them out', async () => {
    const r = await cli(['grafana.conf', '--no-config', '-f', 'json'], { cwd: dir });
    const [result] = JSON.parse(r.stdout) as { messages: { line: number; ruleId: string }[]; suppressedMessages: { line: number; ruleId: string; suppressions: unknown }[]; errorCount: number }[];
    expect(result!.messages.map((m) => `${m.line} ${m.ruleId}`)).toEqual(['8 xsrf-cookie-httponly']);
    expect(result!.errorCount).toBe(1);
    expect(result!.suppressedMessages).toEqual([
      expect.objectContaining({ line: 4, ruleId: 'xsrf-cookie-httponly', suppressions: [{ kind: 'directive', justification: 'Grafana sets no CSRF cookie' }] }),
    ]);
  });

  it('SARIF lists them with suppressions of kind inSource and the justification, and passes the validator', async () => {
    const r = await cli(['grafana.conf', '--no-config', '-f', 'sarif'], { cwd: dir });
    const log = JSON.parse(r.stdout) as { runs: { results: { locations: { physicalLocation: { region: { startLine: number } } }[]; suppressions?: unknown }[] }[] };
    const results = log.runs[0]!.results.map((x) => [x.locations[0]!.physicalLocation.region.startLine, x.suppressions]);
    expect(results).toEqual([
      [8, undefined],
      [4, [{ kind: 'inSource', justification: 'Grafana sets no CSRF cookie' }]],
    ]);
    expect(validateSarif(r.stdout, dir)).toEqual([]);
  });
});
