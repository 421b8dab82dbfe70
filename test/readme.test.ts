/**
 * The README stays true: its CLI reference is the real `--help`, its rules table is the registry,
 * and its quick-start demo finds problems in every dialect. UPDATE_README=1 rewrites the
 * generated parts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES } from '../rules/index.js';
import { bin } from './helpers/cli.js';
import { skipAfterRewrite } from './helpers/skips.js';

const ROOT = new URL('../', import.meta.url).pathname;
const README = `${ROOT}README.md`;

function replaceBetween(text: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`README lacks ${start} … ${end}`);
  return `${text.slice(0, a + start.length)}\n${body}\n${text.slice(b)}`;
}

function rulesTable(): string {
  const rows = RULES.map((r) => {
    const m = r.meta;
    return `| [\`${m.id}\`](rules/${m.id}/README.md) | ${m.dialects.join(', ')} | ${m.severity} | ${m.fixable ? 'yes' : ''} | ${m.description} |`;
  });
  return ['| rule | dialects | severity | fixable | finds |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

describe('README', () => {
  it('shows the real --help and the rule registry', (ctx) => {
    const help = bin(['--help'], { cwd: ROOT, env: { COLUMNS: '100' } });
    expect(help.code).toBe(0);
    const current = readFileSync(README, 'utf8');
    const expected = replaceBetween(replaceBetween(current, 'cli-help', `\`\`\`text\n${help.stdout.trimEnd()}\n\`\`\``), 'rules', rulesTable());
    if (process.env.UPDATE_README) {
      writeFileSync(README, expected);
      skipAfterRewrite(ctx, 'UPDATE_README', 'README.md');
    }
    expect(current).toBe(expected);
  });

  it('has the two quick-start commands, and the demo finds problems in every dialect', () => {
    const readme = readFileSync(README, 'utf8');
    expect(readme).toContain('```sh\nnpm install && npx lint-proxy-config fixtures/examples\nnpm test\n```');
    const demo = bin(['fixtures/examples', '-f', 'json'], { cwd: ROOT });
    expect(demo.code).toBe(1);
    const results = JSON.parse(demo.stdout) as { filePath: string; errorCount: number }[];
    for (const dialect of ['apache', 'nginx', 'iis', 'haproxy', 'caddy']) {
      expect(results.some((r) => r.filePath.includes(`/examples/${dialect}/`) && r.errorCount > 0), dialect).toBe(true);
    }
  });
});
