/**
 * Hostile shapes of request-dependent conditions (issue: bounded time and memory): chains of
 * `<ElseIf>` and thousands of `<If>` blocks must not enumerate paths. Each file is generated,
 * linted by the built CLI in a child process with a 1.5 GB heap, and must finish within 10 s of
 * CPU time with correct findings (or a simulation-bounded warning saying where it stopped).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = resolve(__dirname, '../../bin/lint-proxy-config.js');
const dir = mkdtempSync(join(tmpdir(), 'lpc-cond-bounds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  readonly code: number | null;
  readonly messages: { ruleId: string | null; line: number; message: string }[];
  readonly cpuSeconds: number;
  readonly maxRssMb: number;
}

/** Runs the CLI on `text` with a 1.5 GB heap; its CPU time and peak memory come from the child itself. */
function lint(name: string, text: string): Outcome {
  const file = join(dir, name);
  writeFileSync(file, text);
  const usage = join(dir, `${name}.usage.json`);
  const wrapper = `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(usage)}, JSON.stringify(process.resourceUsage()))); require(${JSON.stringify(BIN)});`;
  const r = spawnSync(process.execPath, ['--max-old-space-size=1536', '-e', wrapper, '--', '--no-config', '-f', 'json', file], { encoding: 'utf8', timeout: 120_000 });
  const used = JSON.parse(require('node:fs').readFileSync(usage, 'utf8')) as { userCPUTime: number; systemCPUTime: number; maxRSS: number };
  const results = JSON.parse(r.stdout) as { messages: Outcome['messages'] }[];
  return { code: r.status, messages: results[0]!.messages, cpuSeconds: (used.userCPUTime + used.systemCPUTime) / 1e6, maxRssMb: used.maxRSS / 1024 };
}

const head = '<VirtualHost *:80>\n    ServerName app.example.com\n    ProxyPass / http://127.0.0.1:8000/\n';
const blanket = '        Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n';

describe('conditions cost polynomial work', () => {
  it('<If "false"> and 30 <ElseIf "false"> before an <Else> with a blanket edit: one finding, at once', () => {
    let text = `${head}    <If "false">\n${blanket}    </If>\n`;
    for (let i = 0; i < 30; i++) text += `    <ElseIf "false">\n${blanket}    </ElseIf>\n`;
    text += `    <Else>\n${blanket}    </Else>\n</VirtualHost>\n`;
    const o = lint('chain-false.conf', text);
    expect(o.code).toBe(1);
    expect(o.messages.filter((m) => m.ruleId === 'xsrf-cookie-httponly').map((m) => m.line)).toEqual([4 + 3 * 31 + 1]);
    expect(o.cpuSeconds).toBeLessThan(10);
  });

  it('30 undecided <ElseIf> and an <Else>: every branch explored, the <Else> one named', () => {
    let text = `${head}    <If "%{REQUEST_URI} =~ m#^/p0/#">\n        Header edit Set-Cookie ^(.*)$ "$1; P0"\n    </If>\n`;
    for (let i = 1; i <= 30; i++) text += `    <ElseIf "%{REQUEST_URI} =~ m#^/p${i}/#">\n        Header edit Set-Cookie ^(.*)$ "$1; P${i}"\n    </ElseIf>\n`;
    text += `    <Else>\n${blanket}    </Else>\n</VirtualHost>\n`;
    const o = lint('chain-open.conf', text);
    expect(o.code).toBe(1);
    const findings = o.messages.filter((m) => m.ruleId === 'xsrf-cookie-httponly');
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toContain('for requests where neither <If "%{REQUEST_URI} =~ m#^/p0/#"> no');
    expect(o.messages.filter((m) => m.ruleId === 'simulation-bounded')).toEqual([]);
    expect(o.cpuSeconds).toBeLessThan(10);
  });

  it.each([1000, 3000])('%i <If> blocks each adding HttpOnly: a finding and a bounded warning, within 10 s and 1.5 GB', (n) => {
    let text = head;
    for (let i = 0; i < n; i++) text += `    <If "%{REQUEST_URI} =~ m#^/a${i}/#">\n${blanket}    </If>\n`;
    const o = lint(`ifs-${n}.conf`, `${text}</VirtualHost>\n`);
    expect(o.code).toBe(1);
    expect(o.messages.some((m) => m.ruleId === 'xsrf-cookie-httponly' && m.line === 5)).toBe(true);
    expect(o.messages.some((m) => m.ruleId === 'simulation-bounded')).toBe(true);
    expect(o.cpuSeconds).toBeLessThan(10);
    expect(o.maxRssMb).toBeLessThan(1536);
  });

  it('a chain of 1,000 undecided <ElseIf>: linear, with the <Else> finding', () => {
    let text = `${head}    <If "%{REQUEST_URI} =~ m#^/x#">\n        Header edit Set-Cookie ^(.*)$ "$1; Secure"\n    </If>\n`;
    for (let i = 0; i < 1000; i++) text += `    <ElseIf "%{REQUEST_URI} =~ m#^/a${i}/#">\n        Header edit Set-Cookie ^(.*)$ "$1; Secure"\n    </ElseIf>\n`;
    text += `    <Else>\n${blanket}    </Else>\n</VirtualHost>\n`;
    const o = lint('chain-1000.conf', text);
    expect(o.code).toBe(1);
    expect(o.messages.some((m) => m.ruleId === 'xsrf-cookie-httponly')).toBe(true);
    expect(o.cpuSeconds).toBeLessThan(10);
    expect(o.maxRssMb).toBeLessThan(1536);
  });
});
