/**
 * Meta-tests over the rule registry (after stylelint's): every rule is documented with the
 * required sections, its README examples produce exactly what they claim, it has fixtures for
 * each dialect it supports, and the configuration schema lists it.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RULES } from '../rules/index.js';
import { configSchema } from '../src/config/schema.js';
import { PROBLEM_KINDS, type Dialect } from '../src/model/header-rewrite.js';
import { run } from '../src/run/run.js';
import { skipAfterRewrite } from './helpers/skips.js';

const ROOT = new URL('../', import.meta.url).pathname;
const SECTIONS = ['## Why it matters', '## Examples', '## How to fix', '## Options', '## References'];
const LANG: Readonly<Record<string, Dialect>> = { apache: 'apache', nginx: 'nginx', xml: 'iis', haproxy: 'haproxy', caddy: 'caddy' };

interface Example {
  readonly dialect: Dialect;
  readonly kind: 'bad' | 'good';
  readonly code: string;
}

function examples(markdown: string): Example[] {
  const out: Example[] = [];
  for (const m of markdown.matchAll(/^```(apache|nginx|xml|haproxy|caddy) (bad|good)\n([\s\S]*?)^```$/gm)) {
    out.push({ dialect: LANG[m[1]!]!, kind: m[2] as 'bad' | 'good', code: m[3]! });
  }
  return out;
}

const tmp = mkdtempSync(join(tmpdir(), 'lpc-docs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('rule registry', () => {
  it('claims every kind of problem the dialects find, each by one rule (syntax errors belong to no rule)', () => {
    const claimed = RULES.flatMap((r) => (r.meta.claims ?? []).map((kind) => [kind, r.meta.id]));
    expect(claimed.map(([kind]) => kind).sort()).toEqual(PROBLEM_KINDS.filter((k) => k !== 'syntax').sort());
  });

  it('is sorted by id and ids are unique kebab-case', () => {
    const ids = RULES.map((r) => r.meta.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('matches the shipped configuration schema (UPDATE_SCHEMA=1 rewrites it)', (ctx) => {
    const path = join(ROOT, 'schema/config.schema.json');
    const expected = `${JSON.stringify(configSchema(RULES.map((r) => r.meta)), null, 2)}\n`;
    if (process.env.UPDATE_SCHEMA) {
      writeFileSync(path, expected);
      skipAfterRewrite(ctx, 'UPDATE_SCHEMA', 'schema/config.schema.json');
    }
    expect(readFileSync(path, 'utf8')).toBe(expected);
  });
});

for (const rule of RULES) {
  const { id, dialects, engine } = rule.meta;
  describe(`rule ${id}`, () => {
    const readmePath = join(ROOT, 'rules', id, 'README.md');
    const readme = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : '';

    it('has a README with a summary and every required section', () => {
      expect(readme, `rules/${id}/README.md is missing`).not.toBe('');
      expect(readme.startsWith(`# ${id}\n\n`), 'starts with "# <id>" and a summary paragraph').toBe(true);
      for (const section of SECTIONS) expect(readme, `section "${section}"`).toContain(`\n${section}\n`);
    });

    it('shows a bad and a good example for each dialect it supports', () => {
      const found = examples(readme);
      for (const dialect of dialects) {
        if (id === 'regex-too-complex' || engine) continue; // one dialect suffices for dialect-neutral mechanics
        expect(found.some((e) => e.dialect === dialect && e.kind === 'bad'), `bad ${dialect} example`).toBe(true);
        expect(found.some((e) => e.dialect === dialect && e.kind === 'good'), `good ${dialect} example`).toBe(true);
      }
      expect(found.length).toBeGreaterThan(0);
    });

    it('has README examples that produce exactly what they claim', async () => {
      for (const [i, example] of examples(readme).entries()) {
        const file = join(tmp, `${id}-${i}${example.dialect === 'iis' ? '.web.config' : '.conf'}`);
        writeFileSync(file, example.code);
        const outcome = await run({ cwd: tmp, paths: [file], type: example.dialect });
        const messages = outcome.results.flatMap((r) => r.messages);
        const own = messages.filter((m) => m.ruleId === id);
        const label = `${example.kind} ${example.dialect} example #${i}: ${messages.map((m) => `${m.ruleId}: ${m.message}`).join(' | ')}`;
        if (example.kind === 'bad') expect(own.length, label).toBeGreaterThan(0);
        else expect(own, label).toEqual([]);
        expect(messages.filter((m) => m.fatal), label).toEqual([]);
      }
    });

    it('has invalid and valid fixtures for each dialect it supports', () => {
      for (const dialect of dialects) {
        const dir = join(ROOT, 'fixtures', id, dialect);
        const files = existsSync(dir) ? readdirSync(dir) : [];
        expect(files.some((f) => f.startsWith('invalid-')), `fixtures/${id}/${dialect}/invalid-*`).toBe(true);
        expect(files.some((f) => f.startsWith('valid-')), `fixtures/${id}/${dialect}/valid-*`).toBe(true);
      }
    });
  });
}
