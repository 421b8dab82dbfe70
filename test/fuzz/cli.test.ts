/**
 * The command line on fuzzed files (see test/fuzz/README.md): `main` from src/cli/cli.ts runs
 * in-process on real files in a temporary directory, with every output format, `--fix`,
 * `--fix-dry-run` and `--stdin`. It must never throw, never print a stack trace, exit 0, 1 or 2,
 * print reports that parse (JSON, SARIF, XML), and a second `--fix` must leave the files alone.
 * CI runs a fixed seed and a bounded number of cases; `LPC_FUZZ_RUNS=<n>` runs longer locally.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseXml } from '../../src/dialects/iis/xml.js';
import type { Dialect } from '../../src/model/header-rewrite.js';
import { createSourceFile } from '../../src/source.js';
import { cli, type CliRun } from '../helpers/cli.js';
import { fuzzParams, fuzzTimeout } from './config.js';
import { apacheConfig, caddyConfig, haproxyConfig, iisConfig, nginxConfig } from './grammar.js';
import { materialize, mutatedSeedArb } from './mutate.js';

const root = mkdtempSync(join(tmpdir(), 'lpc-fuzz-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const FORMATS = ['stylish', 'json', 'sarif', 'github', 'checkstyle', 'junit', 'compact', 'diff'] as const;
type Format = (typeof FORMATS)[number];

/** A line of a JavaScript stack trace ("    at fn (file:line:col)"). */
const STACK_LINE = /^\s+at \S/m;

let caseNumber = 0;

function writeCase(basename: string, content: string | Uint8Array): { dir: string; file: string } {
  const dir = join(root, `case-${caseNumber++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, basename), content);
  return { dir, file: basename };
}

function expectCleanRun(r: CliRun, what: string): void {
  expect([0, 1, 2], `${what}: exit code ${r.code}\n${r.stderr}`).toContain(r.code);
  expect(r.stdout, `${what}: a stack trace on stdout`).not.toMatch(STACK_LINE);
  expect(r.stderr, `${what}: a stack trace on stderr`).not.toMatch(STACK_LINE);
  expect(r.stderr, `${what}: an internal error`).not.toMatch(/internal error/i);
}

/** Machine-readable reports must be what they claim to be, whatever the messages quote. */
function expectParsableReport(format: Format, r: CliRun, what: string): void {
  if (r.stdout === '') return;
  if (format === 'json' || format === 'sarif') expect(() => JSON.parse(r.stdout), `${what}: ${format} output is not JSON`).not.toThrow();
  if (format === 'checkstyle' || format === 'junit') {
    const doc = parseXml(createSourceFile('report.xml', r.stdout));
    expect(doc.fatal?.message, `${what}: ${format} output is not well-formed XML`).toBeUndefined();
  }
}

const caseArb = fc.oneof(
  ...(['apache', 'nginx', 'iis', 'haproxy', 'caddy'] as const).map((dialect: Dialect) =>
    mutatedSeedArb(dialect, 3).map((c) => {
      const { seed, bytes } = materialize(dialect, c);
      return { label: `${c.seed} ${JSON.stringify(c.mutations).slice(0, 300)}`, basename: seed.basename, content: bytes as string | Uint8Array, dialect };
    }),
  ),
  ...([
    ['apache', apacheConfig],
    ['nginx', nginxConfig],
    ['iis', iisConfig],
    ['haproxy', haproxyConfig],

    ['caddy', caddyConfig],
  ] as const).map(([dialect, arb]) => arb.map((g) => ({ label: `generated ${dialect}`, basename: g.basename, content: g.text as string | Uint8Array, dialect: dialect as Dialect }))),
);

const CI_RUNS = 30;

describe('CLI on fuzzed files', () => {
  it(
    'never throws, never prints a stack trace, prints parsable reports, and --fix is idempotent',
    async () => {
      await fc.assert(
        fc.asyncProperty(caseArb, fc.constantFrom(...FORMATS), fc.constantFrom('lint', 'fix', 'fix-dry-run', 'stdin', 'stdin-fix'), fc.boolean(), async (c, format, mode, forceType) => {
          const { dir, file } = writeCase(c.basename, c.content);
          const type = forceType ? ['--type', c.dialect] : [];
          const what = `${c.label} (${mode}, ${format})`;
          if (mode === 'stdin' || mode === 'stdin-fix') {
            const stdin = Buffer.from(c.content).toString('utf8');
            const r = await cli(['--stdin', '--stdin-filename', file, '-f', format, ...type, ...(mode === 'stdin-fix' ? ['--fix'] : [])], { cwd: dir, stdin });
            expectCleanRun(r, what);
            if (mode === 'stdin') expectParsableReport(format, r, what);
            return;
          }
          const flags = mode === 'fix' ? ['--fix'] : mode === 'fix-dry-run' ? ['--fix-dry-run'] : [];
          const r = await cli([...flags, '-f', format, ...type, file], { cwd: dir });
          expectCleanRun(r, what);
          expectParsableReport(format, r, what);
          if (mode !== 'fix' || r.code === 2) return;
          // Atomic writes leave no temporary file behind; a second --fix changes nothing.
          expect(readdirSync(dir), `${what}: files left in the directory`).toEqual([file]);
          const once = readFileSync(join(dir, file));
          const again = await cli(['--fix', '-f', 'json', ...type, file], { cwd: dir });
          expectCleanRun(again, `${what}, second --fix`);
          expect(readFileSync(join(dir, file)).equals(once), `${what}: a second --fix changed the file`).toBe(true);
        }),
        fuzzParams(CI_RUNS),
      );
    },
    fuzzTimeout(CI_RUNS),
  );
});
