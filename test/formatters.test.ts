/**
 * Every output format on one multi-dialect input (Apache, nginx, IIS): SARIF passes Microsoft's
 * validator with no errors and no warnings, `github` lines are exactly workflow-command syntax,
 * `diff` applies with `git apply` and gives the same files as --fix.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseXml } from '../src/dialects/iis/xml.js';
import { createSourceFile } from '../src/source.js';
import { cli } from './helpers/cli.js';

const EXAMPLES = new URL('../fixtures/examples/', import.meta.url).pathname;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lpc-fmt-'));
  cpSync(EXAMPLES, dir, { recursive: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function format(name: string, extra: string[] = []): Promise<string> {
  const r = await cli(['.', '-f', name, ...extra], { cwd: dir });
  expect(r.code, r.stderr).toBe(1);
  return r.stdout;
}

function wellFormedXml(text: string): void {
  const doc = parseXml(createSourceFile('/report.xml', text));
  expect(doc.fatal).toBeUndefined();
  expect(doc.root).not.toBeNull();
}

describe('formats on Apache, nginx, IIS, HAProxy and Caddy examples', () => {
  it('covers every dialect', async () => {
    const json = JSON.parse(await format('json')) as { filePath: string; errorCount: number }[];
    const withErrors = json.filter((r) => r.errorCount > 0).map((r) => r.filePath.slice(dir.length + 1).split('/')[0]);
    expect(new Set(withErrors)).toEqual(new Set(['apache', 'nginx', 'iis', 'haproxy', 'caddy']));
  });

  it('json is ESLint-compatible', async () => {
    const json = JSON.parse(await format('json')) as Record<string, unknown>[];
    for (const r of json) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining(['filePath', 'messages', 'errorCount', 'warningCount', 'fixableErrorCount', 'fixableWarningCount']));
      for (const m of r.messages as Record<string, unknown>[]) {
        expect(m).toEqual(expect.objectContaining({ severity: expect.any(Number), message: expect.any(String), line: expect.any(Number), column: expect.any(Number), endLine: expect.any(Number), endColumn: expect.any(Number) }));
        if (m.fix) expect(m.fix).toEqual({ range: [expect.any(Number), expect.any(Number)], text: expect.any(String) });
      }
    }
  });

  it('json and sarif carry the details behind the one-sentence message: data, evidence lines', async () => {
    const json = JSON.parse(await format('json')) as { filePath: string; messages: { ruleId: string; message: string; data?: Record<string, unknown>; relatedLocations?: { message: string; file: string; line: number }[] }[] }[];
    const jira = json.find((r) => r.filePath.endsWith('apache/jira.conf'))!.messages.find((m) => m.ruleId === 'xsrf-cookie-httponly')!;
    expect(jira.message.length).toBeLessThanOrEqual(160);
    expect(jira.data).toMatchObject({ blanket: true, products: expect.arrayContaining(['Jira']), exempt: ['atlassian.xsrf.token'] });
    expect((jira.data!.cookies as unknown[]).length).toBe(7);
    expect(jira.data!.request).toMatchObject({ backend: expect.any(String), setCookie: expect.stringContaining('=') });
    expect(jira.relatedLocations!.some((r) => /host name jira\.example\.com suggests Jira/.test(r.message) && r.line > 0)).toBe(true);
    const sarif = JSON.parse(await format('sarif')) as { runs: { results: { ruleId: string; properties?: Record<string, unknown>; relatedLocations?: { message: { text: string }; physicalLocation: { region: { startLine: number } } }[] }[] }[] };
    const result = sarif.runs[0]!.results.find((r) => r.ruleId === 'xsrf-cookie-httponly' && r.relatedLocations?.some((l) => l.message.text.includes('jira.example.com')))!;
    expect(result.properties).toMatchObject({ exempt: ['atlassian.xsrf.token'] });
    expect(result.relatedLocations![0]!.physicalLocation.region.startLine).toBeGreaterThan(0);
  });

  it('sarif passes the SARIF multitool validator with no errors and no warnings', async () => {
    const sarif = await format('sarif');
    const log = JSON.parse(sarif) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: Record<string, number> } }[]; fixes?: unknown[] }[] }[] };
    const results = log.runs[0]!.results;
    expect(results.length).toBeGreaterThan(2);
    for (const r of results) {
      const loc = r.locations[0]!.physicalLocation;
      expect(loc.artifactLocation.uriBaseId).toBe('%SRCROOT%');
      expect(loc.artifactLocation.uri).not.toMatch(/^\//);
      expect(Object.keys(loc.region).sort()).toEqual(['endColumn', 'endLine', 'startColumn', 'startLine']);
    }
    expect(results.some((r) => r.fixes && r.fixes.length > 0)).toBe(true);
    const validate = (text: string): string[] => {
      const file = join(dir, 'out.sarif');
      const report = join(dir, 'validation.sarif');
      writeFileSync(file, text);
      // The package's bin.js goes through a shell; call the native binary it points at directly.
      const multitool = createRequire(import.meta.url)('@microsoft/sarif-multitool') as string;
      // Both rule sets: the SARIF specification's and GitHub code scanning's ingestion rules.
      const run = spawnSync(multitool, ['validate', file, '--output', report, '--log', 'ForceOverwrite', '--rule-kind', 'Sarif;Gh', '--level', 'Error;Warning'], { encoding: 'utf8', timeout: 120_000 });
      expect(run.status, run.stdout + run.stderr).toBe(0);
      const validation = JSON.parse(readFileSync(report, 'utf8')) as { runs: { results?: { level?: string; ruleId: string; message: unknown }[] }[] };
      return (validation.runs[0]!.results ?? []).map((f) => `${f.level ?? 'warning'} ${f.ruleId} ${JSON.stringify(f.message)}`);
    };
    expect(validate(sarif)).toEqual([]);
    // Negative control: the same call rejects an absolute artifact URI.
    const broken = JSON.parse(sarif) as typeof log;
    broken.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation = { uri: '/etc/apache2/site.conf' } as never;
    expect(validate(JSON.stringify(broken)).join('\n')).toContain('SARIF1004');
  });

  it('github prints exactly one workflow command per finding', async () => {
    const lines = (await format('github')).trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) {
      expect(line).toMatch(/^::(error|warning) file=[^,:]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=[a-z0-9-]+::[^\r\n]+$/);
    }
  });

  it('compact prints file:line:col: severity message [rule]', async () => {
    for (const line of (await format('compact')).trimEnd().split('\n')) {
      expect(line).toMatch(/^[^:]+:\d+:\d+: (error|warning) .+ \[[a-z0-9-]+\]$/);
    }
  });

  it('checkstyle and junit are well-formed XML naming the rules', async () => {
    const checkstyle = await format('checkstyle');
    wellFormedXml(checkstyle);
    expect(checkstyle).toMatch(/<error line="\d+" column="\d+" severity="error" message="[^"]+" source="lint-proxy-config\.xsrf-cookie-httponly" \/>/);
    const junit = await format('junit');
    wellFormedXml(junit);
    expect(junit).toContain('<testcase time="0" name="lint-proxy-config.xsrf-cookie-httponly"');
  });

  it('diff applies cleanly with git apply and gives the same files as --fix', async () => {
    const patch = (await cli(['.', '-f', 'diff'], { cwd: dir })).stdout;
    expect(patch).toMatch(/^diff --git a\//);
    const viaPatch = mkdtempSync(join(tmpdir(), 'lpc-patch-'));
    const viaFix = mkdtempSync(join(tmpdir(), 'lpc-fix-'));
    try {
      cpSync(dir, viaPatch, { recursive: true });
      cpSync(dir, viaFix, { recursive: true });
      writeFileSync(join(viaPatch, 'fixes.patch'), patch);
      execFileSync('git', ['apply', '--unsafe-paths', 'fixes.patch'], { cwd: viaPatch });
      await cli(['.', '--fix'], { cwd: viaFix });
      const files = (root: string) =>
        readdirSync(root, { recursive: true, encoding: 'utf8' })
          .filter((f) => /\.(conf|config)$/.test(f))
          .sort()
          .map((f) => [f, readFileSync(join(root, f)).toString('base64')]);
      expect(files(viaPatch)).toEqual(files(viaFix));
      expect(files(viaPatch)).not.toEqual(files(dir));
    } finally {
      rmSync(viaPatch, { recursive: true, force: true });
      rmSync(viaFix, { recursive: true, force: true });
    }
  });
});

describe('messages of no rule', () => {
  it('formats that need a rule id say syntax-error for a file that does not parse and file-not-linted for one not linted', async () => {
    const own = mkdtempSync(join(tmpdir(), 'lpc-fmt-norule-'));
    try {
      writeFileSync(join(own, 'broken.conf'), 'http {\n    server {\n        listen 80;\n');
      writeFileSync(join(own, 'empty.conf'), '');
      const run = async (name: string) => {
        const r = await cli(['broken.conf', 'empty.conf', 'missing.conf', '--no-config', '--type', 'nginx', '-f', name], { cwd: own });
        expect(r.code, r.stderr).toBe(2);
        return r.stdout;
      };
      const compact = (await run('compact')).trimEnd().split('\n');
      expect(compact.map((l) => `${l.split(':')[0]} ${/\[([a-z-]+)\]$/.exec(l)?.[1]}`)).toEqual(['broken.conf syntax-error', 'empty.conf file-not-linted', 'missing.conf file-not-linted']);
      expect(await run('github')).toContain('title=file-not-linted::Cannot read file');
      expect(await run('checkstyle')).toContain('source="lint-proxy-config.file-not-linted"');
      expect(await run('junit')).toContain('name="lint-proxy-config.file-not-linted"');
      const sarif = JSON.parse(await run('sarif')) as { runs: { tool: { driver: { rules: { id: string; helpUri: string }[] } }; results: { ruleId: string; ruleIndex: number }[] }[] };
      const rules = sarif.runs[0]!.tool.driver.rules;
      expect(sarif.runs[0]!.results.map((r) => [r.ruleId, rules[r.ruleIndex]!.id])).toEqual([
        ['syntax-error', 'syntax-error'],
        ['file-not-linted', 'file-not-linted'],
        ['file-not-linted', 'file-not-linted'],
      ]);
      expect(rules.find((r) => r.id === 'file-not-linted')!.helpUri).toMatch(/README\.md#exit-codes$/);
      // JSON keeps ESLint's null.
      expect((JSON.parse(await run('json')) as { messages: { ruleId: unknown }[] }[]).flatMap((r) => r.messages.map((m) => m.ruleId))).toEqual([null, null, null]);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });
});
