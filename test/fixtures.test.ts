/**
 * One harness for every rule fixture: findings must match the inline expectations exactly,
 * `valid-*` files must not trigger their rule, `--fix` must produce `*.fixed.*` byte for byte,
 * the fixed text must re-lint without fixable problems, and a second fix must change nothing.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES } from '../rules/index.js';
import { run, type RunOptions } from '../src/run/run.js';
import type { LintResult } from '../src/engine/result.js';
import { encode, positionAt, sourceFromBytes } from '../src/source.js';
import type { Dialect } from '../src/model/header-rewrite.js';
import { fixtureOptions, listFixtures, parseExpectations, type Expectation, type Fixture } from './harness/fixtures.js';

function runOptions(fixture: Fixture, text: string, overrides: Partial<RunOptions> = {}): RunOptions {
  const o = fixtureOptions(text);
  return {
    cwd: process.cwd(),
    paths: [fixture.path],
    type: (o.type as Dialect | undefined) ?? fixture.dialect,
    ...(o.nginxVersion ? { nginxVersion: o.nginxVersion } : {}),
    ...(o.nginxDirectives ? { nginxDirectives: o.nginxDirectives.split(',') } : {}),
    ...(o.caddyVersion ? { caddyVersion: o.caddyVersion } : {}),
    ...(o.context ? { context: o.context as RunOptions['context'] } : {}),
    ...(o.serverRoot ? { serverRoot: o.serverRoot } : {}),
    ...(o.apacheModules ? { apacheModules: o.apacheModules.split(',') } : {}),
    ...(o.xsrfCookie ? { xsrfCookies: o.xsrfCookie.split(',') } : {}),
    ...(o.products || o.allProducts
      ? { productSettings: { ...(o.products ? { products: o.products === 'all' ? ('all' as const) : o.products.split(',') } : {}), ...(o.allProducts === 'true' ? { allProducts: true } : {}) } }
      : {}),
    ...overrides,
  };
}

function resultFor(results: readonly LintResult[], path: string): LintResult {
  const r = results.find((x) => x.filePath === path);
  if (!r) throw new Error(`no result for ${path}`);
  return r;
}

interface Seen {
  readonly ruleId: string | null;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly message: string;
}

function describeSeen(s: Seen): string {
  return `${s.line}:${s.column}-${s.endLine}:${s.endColumn} ${s.ruleId ?? 'fatal'}: ${s.message}`;
}

function matches(e: Expectation, s: Seen, lineLength: number): boolean {
  if (e.ruleId !== s.ruleId || e.line !== s.line || e.column !== s.column) return false;
  const length = s.endLine === s.line ? s.endColumn - s.column : lineLength - s.column + 1;
  if (Math.max(length, 1) !== e.length) return false;
  return e.contains === undefined || s.message.includes(e.contains);
}

const fixtures = listFixtures();
/** The longest message a stylish line may carry; details go to JSON `data`. */
const MAX_MESSAGE = 200;
const fixableRules = new Set(RULES.filter((r) => r.meta.fixable).map((r) => r.meta.id));

describe('rule fixtures', () => {
  it('exist', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  for (const fixture of fixtures) {
    describe(`${fixture.ruleId}/${fixture.dialect}/${fixture.name}`, () => {
      const bytes = readFileSync(fixture.path);
      const source = sourceFromBytes(fixture.path, bytes);
      const expectations = parseExpectations(source.text, fixture.dialect);

      it('reports exactly what its markers say', async () => {
        const outcome = await run(runOptions(fixture, source.text));
        const result = resultFor(outcome.results, fixture.path);
        const seen: Seen[] = result.messages.map((m) => {
          const start = positionAt(source, m.span.start);
          const end = positionAt(source, m.span.end);
          return { ruleId: m.ruleId, line: start.line, column: start.column, endLine: end.line, endColumn: end.column, message: m.message };
        });
        const lineLength = (line: number) => (source.text.split(/\r\n|\r|\n/)[line - 1] ?? '').length;
        const unmatched = seen.filter((s) => !expectations.some((e) => matches(e, s, lineLength(s.line))));
        const missing = expectations.filter((e) => !seen.some((s) => matches(e, s, lineLength(s.line))));
        expect(
          { unexpected: unmatched.map(describeSeen), missing: missing.map((e) => `${e.line}:${e.column}+${e.length} ${e.ruleId ?? 'fatal'} (marker line ${e.markerLine})`) },
          'findings differ from the markers',
        ).toEqual({ unexpected: [], missing: [] });
        // Messages are one sentence a person reads (stylish prints them as they are): at most
        // 200 characters, the checkout's own path not counted (include messages name files).
        const long = seen.map((s) => s.message.split(`${process.cwd()}/`).join('')).filter((m) => m.length > MAX_MESSAGE);
        expect(long, `messages longer than ${MAX_MESSAGE} characters`).toEqual([]);
        if (fixture.kind === 'valid') expect(seen.filter((s) => s.ruleId === fixture.ruleId)).toEqual([]);
        else expect(expectations.some((e) => e.ruleId === fixture.ruleId), 'an invalid fixture marks its own rule').toBe(true);
      });

      if (fixture.kind !== 'invalid' || !fixableRules.has(fixture.ruleId)) return;

      it(fixture.fixedPath ? 'fixes to the .fixed file, which re-lints clean and is stable' : 'offers no fix (no .fixed file)', async () => {
        // A plain lint counts as fixable only what a fix would change: a refused fix is not.
        const plain = resultFor((await run(runOptions(fixture, source.text))).results, fixture.path);
        const fixable = plain.fixableErrorCount + plain.fixableWarningCount;
        const outcome = await run(runOptions(fixture, source.text, { fixDryRun: true }));
        const output = resultFor(outcome.results, fixture.path).output;
        if (!fixture.fixedPath) {
          expect(output, 'a fix was produced but there is no .fixed file').toBeUndefined();
          expect(fixable, 'findings counted as fixable, but no fix is produced').toBe(0);
          return;
        }
        expect(fixable, 'a fix is produced, but no finding is counted as fixable').toBeGreaterThan(0);
        expect(output, 'no fix was produced').toBeDefined();
        const expected = readFileSync(fixture.fixedPath);
        const written = encode(output!, source.encoding, source.bom);
        // Compare texts for a readable diff, then bytes for encoding, BOM and line endings.
        expect(output).toBe(sourceFromBytes(fixture.fixedPath, expected).text);
        expect(written.equals(expected), 'same text but different bytes (encoding, BOM)').toBe(true);
        // The fixed file: nothing fixable left, no syntax error, and fixing again changes nothing.
        const fixedOutcome = await run(runOptions(fixture, output!, { paths: [fixture.fixedPath], fixDryRun: true }));
        const fixed = resultFor(fixedOutcome.results, fixture.fixedPath);
        expect(fixed.messages.filter((m) => m.fix).map((m) => m.message)).toEqual([]);
        expect(fixed.messages.filter((m) => m.fatal).map((m) => m.message)).toEqual([]);
        expect(fixed.output).toBeUndefined();
      });

      it('counts as fixable exactly the findings --fix repairs', async () => {
        // A run that shows no fixes (stylish) counts fixables; --fix must repair exactly those.
        const counted = await run(runOptions(fixture, source.text, { wantFixes: false }));
        const fixable = resultFor(counted.results, fixture.path).messages.filter((m) => m.fixable || m.fix);
        const fixing = await run(runOptions(fixture, source.text, { fixDryRun: true }));
        const withFix = resultFor(fixing.results, fixture.path);
        const before = resultFor((await run(runOptions(fixture, source.text))).results, fixture.path).messages.filter((m) => m.fix);
        expect(fixable.length).toBe(before.length);
        if (withFix.output === undefined) {
          expect(fixable.map((m) => m.message)).toEqual([]);
          return;
        }
        const after = await run(runOptions(fixture, withFix.output, { paths: [], stdin: { text: withFix.output, filename: fixture.path } }));
        const left = after.results.flatMap((r) => r.messages);
        expect(after.results.length).toBeGreaterThan(0);
        for (const m of fixable) expect(left.some((l) => l.ruleId === m.ruleId && l.message === m.message), `still reported after --fix: ${m.message}`).toBe(false);
      });
    });
  }
});
