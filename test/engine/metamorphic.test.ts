/**
 * Metamorphic soundness (STYLE.md habit 11): a file's report never depends on which other files
 * are in the run, nor on the number of threads. Every fixture — and every `.fixed` output, a
 * second population of near-identical configurations — is linted alone, then together with all
 * the others of the same run options, single-threaded and, through the built CLI, with worker
 * threads; the messages (rule, span, text, fix) must be identical. The simulation memo is shared
 * by the whole run, so an incomplete memo key shows up here as a verdict borrowed from a
 * neighbour (the IIS rules that shared a name once did exactly that).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, type RunOptions } from '../../src/run.js';
import type { LintResult } from '../../src/engine/result.js';
import type { Dialect } from '../../src/model/header-rewrite.js';
import { fixtureOptions, listFixtures } from '../harness/fixtures.js';
import { bin } from '../helpers/cli.js';

interface Member {
  readonly path: string;
  readonly dialect: Dialect;
}

/** Fixtures and their fixed outputs, grouped by the run options their comments ask for. */
function groups(): Map<string, { options: Partial<RunOptions>; members: Member[] }> {
  const out = new Map<string, { options: Partial<RunOptions>; members: Member[] }>();
  for (const f of listFixtures()) {
    for (const path of [f.path, ...(f.fixedPath ? [f.fixedPath] : [])]) {
      const o = fixtureOptions(readFileSync(path, 'latin1'));
      const dialect = (o.type as Dialect | undefined) ?? f.dialect;
      const options: Partial<RunOptions> = {
        ...(o.nginxVersion ? { nginxVersion: o.nginxVersion } : {}),
        ...(o.context ? { context: o.context as RunOptions['context'] } : {}),
        ...(o.serverRoot ? { serverRoot: o.serverRoot } : {}),
        ...(o.xsrfCookie ? { xsrfCookies: o.xsrfCookie.split(',') } : {}),
      };
      const key = JSON.stringify(options);
      let g = out.get(key);
      if (!g) out.set(key, (g = { options, members: [] }));
      g.members.push({ path, dialect });
    }
  }
  return out;
}

/** What a user sees of a file's report, independent of how the run was split. */
function digest(r: LintResult): string[] {
  return r.messages.map((m) => JSON.stringify([m.ruleId, m.severity, m.span.start, m.span.end, m.message, m.fix?.edits ?? null])).sort();
}

async function lint(members: readonly Member[], options: Partial<RunOptions>): Promise<Map<string, string[]>> {
  const dialects = new Map(members.map((m) => [m.path, m.dialect]));
  const outcome = await run({ cwd: process.cwd(), paths: members.map((m) => m.path), dialectOf: (p) => dialects.get(p), ...options });
  return new Map(outcome.results.filter((r) => dialects.has(r.filePath)).map((r) => [r.filePath, digest(r)]));
}

const all = groups();

describe('a file’s report does not depend on the other files in the run', () => {
  for (const [key, { options, members }] of all) {
    it(`alone and together give the same messages (${members.length} files, options ${key})`, async () => {
      const together = await lint(members, { ...options, fixDryRun: true });
      expect(together.size).toBe(members.length);
      for (const m of members) {
        const alone = await lint([m], { ...options, fixDryRun: true });
        expect(together.get(m.path), m.path).toEqual(alone.get(m.path));
      }
    });
  }

  it('worker threads give the same messages as one thread', () => {
    const { members } = all.get('{}')!;
    // At least two workers' worth of files (64 each), or the run stays on one thread.
    expect(members.length).toBeGreaterThanOrEqual(128);
    const dir = mkdtempSync(join(tmpdir(), 'lpc-meta-'));
    try {
      const config = join(dir, 'lint-proxy-config.config.json');
      const byDialect = new Map<Dialect, string[]>();
      for (const m of members) byDialect.set(m.dialect, [...(byDialect.get(m.dialect) ?? []), m.path]);
      writeFileSync(config, JSON.stringify({ overrides: [...byDialect].map(([type, files]) => ({ files, type })) }));
      const once = (workers: string) => {
        const r = bin(['-c', config, '-f', 'json', ...members.map((m) => m.path)], { cwd: dir, env: { ...process.env, LPC_WORKERS: workers } });
        expect(r.stderr).not.toMatch(/internal error/i);
        const results = JSON.parse(r.stdout) as { filePath: string; messages: unknown[] }[];
        return new Map(results.map((x) => [x.filePath, JSON.stringify(x.messages)]));
      };
      const one = once('1');
      const two = once('2');
      expect(one.size).toBeGreaterThanOrEqual(members.length);
      expect(two).toEqual(one);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
