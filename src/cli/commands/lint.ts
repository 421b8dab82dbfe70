/**
 * `lint-proxy-config [paths...]`: lint, optionally fix, print a report, return the exit code.
 * Exit codes (ESLint's): 0 no errors; 1 lint errors or too many warnings; 2 usage error, a file
 * that cannot be read, or an internal error.
 */
import { dirname, join, relative, resolve } from 'node:path';
import { RULES } from '../../../rules/index.js';
import { findIgnoreFile } from '../../config/find.js';
import type { LintResult } from '../../engine/result.js';
import { formatResults, type FormatName } from '../../formatters/index.js';
import { TOOL_NAME } from '../../meta.js';
import { listFiles, run, type RunOptions } from '../../run/run.js';
import { formatConfigErrors, resolveConfig, runOptionsFrom, type SharedCliOptions } from '../../config/settings.js';
import { UsageError } from '../../usage-error.js';
import { DEFAULT_MAX_FILE_MB, pathTaken, WriteRefused, writeOwnFile } from '../../run/node-io.js';
import { printConfig } from './print-config.js';
import { planBaseline, runBaseline, type BaselineCliOptions } from '../../baseline/file.js';

export interface LintCliOptions extends SharedCliOptions, BaselineCliOptions {
  format: FormatName;
  outputFile?: string;
  fix?: boolean;
  fixDryRun?: boolean;
  fixOutside?: boolean;
  stdin?: boolean;
  stdinFilename?: string;
  printConfig?: string;
  ignore?: boolean;
  color: boolean;
  quiet?: boolean;
  maxWarnings?: number;
  listFiles?: boolean;
}

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Standard input as text, or null when it is longer than `maxBytes` (reading stops there). */
  readonly readStdin: (maxBytes: number) => Promise<string | null>;
  readonly isTTY: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

function useColor(option: boolean, io: Io): boolean {
  if (!option || 'NO_COLOR' in io.env) return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return io.isTTY;
}

function withoutWarnings(results: readonly LintResult[]): LintResult[] {
  return results.map((r) => ({ ...r, messages: r.messages.filter((m) => m.severity === 2), warningCount: 0, fixableWarningCount: 0 }));
}

/** A progress line for long interactive runs: never in CI, never when stderr is not a terminal. */
function progress(io: Io): { update: (done: number, total: number) => void; clear: () => void } | undefined {
  if (io.env.CI) return undefined;
  const started = Date.now();
  let shown = false;
  return {
    update(done, total) {
      // The terminal is asked about only now: a short run never opens standard output's stream.
      if (total < 100 || Date.now() - started < 1000 || !io.isTTY) return;
      shown = true;
      io.stderr(`\r${TOOL_NAME}: ${done}/${total} configurations…`);
    },
    clear() {
      if (shown) io.stderr('\r\u001b[K');
    },
  };
}

/** `LPC_TIMING=1`: where the time went, slowest first (after ESLint's TIMING=1). */
function formatTimings(timings: ReadonlyMap<string, number>): string {
  const rows = [...timings.entries()].sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((n, [, ms]) => n + ms, 0) || 1;
  const width = Math.max(...rows.map(([k]) => k.length), 4);
  return `${rows.map(([k, ms]) => `${k.padEnd(width)}  ${ms.toFixed(1).padStart(9)} ms  ${((ms / total) * 100).toFixed(1).padStart(5)}%`).join('\n')}\n`;
}

/** The top of the git work tree holding `dir` (the nearest directory with a `.git`), if any. */
function gitWorkTree(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (pathTaken(join(d, '.git'))) return d;
    if (dirname(d) === d) return undefined;
  }
}

/** `--list-files`: each file a run would lint with its dialect, or why it is skipped. */
function listCommand(runOptions: RunOptions, io: Io): number {
  const { files, unmatched } = listFiles(runOptions);
  if (files.length === 0) {
    io.stderr(explainNothingLinted(runOptions, io.cwd));
    return 2;
  }
  for (const f of files) io.stdout(`${relative(io.cwd, f.path) || f.path}\t${f.dialect ?? `skipped: ${f.skipped}`}\n`);
  for (const pattern of unmatched) io.stderr(`${TOOL_NAME}: no files matching "${pattern}" were found.\n`);
  return unmatched.length > 0 ? 2 : 0;
}

/** How many skipped files the "nothing was linted" message names before summing up the rest. */
const SKIPS_SHOWN = 20;

function explainNothingLinted(runOptions: RunOptions, cwd: string): string {
  const { files } = listFiles(runOptions, true);
  const skipped = files.filter((f) => f.skipped !== undefined);
  const where = runOptions.paths.map((p) => `"${p}"`).join(', ');
  if (skipped.length === 0) return `${TOOL_NAME}: no files matching ${where} were found.\n`;
  const lines = skipped.slice(0, SKIPS_SHOWN).map((f) => `  ${relative(cwd, f.path) || f.path}: ${f.skipped}\n`);
  const more = skipped.length > SKIPS_SHOWN ? `  … and ${skipped.length - SKIPS_SHOWN} more (--list-files shows what would be linted)\n` : '';
  return `${TOOL_NAME}: nothing was linted in ${where}; ${skipped.length} file(s) skipped:\n${lines.join('')}${more}`;
}

export async function lintCommand(paths: readonly string[], options: LintCliOptions, io: Io): Promise<number> {
  const config = resolveConfig(options, io.cwd);
  if (options.printConfig !== undefined) {
    io.stdout(printConfig(resolve(io.cwd, options.printConfig), options, config, io.cwd));
    return 0;
  }
  if (options.fix && options.fixDryRun) throw new UsageError('--fix and --fix-dry-run cannot be combined');
  if (options.format === 'diff' && options.fix) throw new UsageError('--format diff shows fixes without writing them: use it without --fix');
  const base = runOptionsFrom(options, config, io.cwd);
  const maxBytes = (base.maxFileMb ?? DEFAULT_MAX_FILE_MB) * 1024 * 1024;
  const stdinText = options.stdin ? await io.readStdin(maxBytes) : undefined;
  if (stdinText === null) throw new UsageError(`standard input is larger than ${base.maxFileMb ?? DEFAULT_MAX_FILE_MB} MB (--max-file-size); nothing was linted`);
  const ignoreFile = options.ignore === false ? undefined : findIgnoreFile(io.cwd);
  if (Array.isArray(ignoreFile)) throw new UsageError(formatConfigErrors(ignoreFile));
  // `nginx -T 2>/dev/null | lint-proxy-config --stdin` with a failing nginx: a pass would be a lie.
  if (stdinText !== undefined && stdinText.trim() === '') {
    io.stderr(`${TOOL_NAME}: standard input is empty: nothing to lint (did the command before the pipe fail?).\n`);
    return 2;
  }
  const bar = progress(io);
  const timings = io.env.LPC_TIMING ? new Map<string, number>() : undefined;
  const baseline = planBaseline(options, config, io.cwd);
  const runOptions: RunOptions = {
    ...base,
    paths: paths.length > 0 ? paths : ['.'],
    fix: options.fix === true && stdinText === undefined,
    fixOutside: options.fixOutside === true,
    // Formats that show fixes need them proven; the others only count potentially fixable ones.
    wantFixes: options.fix === true || options.fixDryRun === true || ['json', 'sarif', 'diff'].includes(options.format),
    fixDryRun: options.fixDryRun === true || options.format === 'diff' || (options.fix === true && stdinText !== undefined),
    ...(stdinText !== undefined ? { stdin: { text: stdinText, filename: resolve(io.cwd, options.stdinFilename ?? '<stdin>') } } : {}),
    ...(options.ignore === false ? { ignorePatterns: [] } : ignoreFile ? { ignoreFile } : {}),
    ...(bar ? { onProgress: bar.update } : {}),
    ...(timings ? { timings } : {}),
    ...(baseline ? { where: true } : {}),
  };
  if (options.listFiles) return listCommand(runOptions, io);
  const outcome = await run(runOptions);
  bar?.clear();
  if (timings) io.stderr(formatTimings(timings));

  if (outcome.results.length === 0 && stdinText === undefined) {
    // Never a silent pass: say what was skipped, and why.
    io.stderr(explainNothingLinted(runOptions, io.cwd));
    return 2;
  }
  for (const pattern of outcome.unmatched) io.stderr(`${TOOL_NAME}: no files matching "${pattern}" were found.\n`);
  for (const path of outcome.reverted) io.stderr(`${TOOL_NAME}: fixes for ${path} were not written: together they make a file that does not parse or that the server refuses.\n`);
  for (const n of outcome.notWritten) io.stderr(`${TOOL_NAME}: ${n.reason}\n`);
  let current = outcome.results;
  if (baseline) {
    const applied = runBaseline(baseline, current, io.cwd);
    current = applied.results;
    for (const note of applied.notes) io.stderr(`${note}\n`);
  }
  const results = options.quiet ? withoutWarnings(current) : current;
  const root = options.format === 'diff' ? gitWorkTree(io.cwd) : undefined;
  const report = formatResults(options.format, results, {
    cwd: io.cwd,
    color: !options.outputFile && useColor(options.color, io),
    rules: RULES.map((r) => r.meta),
    ...(root === undefined ? {} : { root }),
  });

  if (stdinText !== undefined && options.fix) {
    // ESLint-style: with --stdin --fix the fixed text is the output; the report goes to stderr.
    io.stdout(results[0]?.output ?? stdinText);
    if (report) io.stderr(report);
  } else if (options.outputFile) {
    try {
      writeOwnFile(resolve(io.cwd, options.outputFile), report);
    } catch (e) {
      if (!(e instanceof WriteRefused)) throw e;
      // The report is not lost: it goes to standard output, and the run fails.
      io.stderr(`${TOOL_NAME}: ${e.message}; the report follows on standard output.\n`);
      if (report) io.stdout(report);
      return 2;
    }
  } else if (report) io.stdout(report);

  const errors = results.reduce((n, r) => n + r.errorCount, 0);
  const warnings = results.reduce((n, r) => n + r.warningCount, 0);
  if (outcome.skipped.length > 0) {
    // Never a silent pass: a file that was found but not linted fails the run (exit code 2).
    const reasons = [...new Set(outcome.skipped.map((s) => s.reason))].join('; ');
    io.stderr(`${TOOL_NAME}: ${outcome.linted} file${outcome.linted === 1 ? '' : 's'} linted, ${outcome.skipped.length} skipped (${reasons}).\n`);
  }
  if (outcome.unmatched.length > 0 || outcome.unreadable > 0 || outcome.skipped.length > 0 || outcome.notWritten.some((n) => !n.policy)) return 2;
  // Fixes proven but not written (outside the given paths, a dump's original missing or changed): the problems remain.
  if (errors > 0 || outcome.notWritten.length > 0) return 1;
  if (options.maxWarnings !== undefined && warnings > options.maxWarnings) {
    io.stderr(`${TOOL_NAME}: ${warnings} warnings exceed the maximum of ${options.maxWarnings} (--max-warnings).\n`);
    return 1;
  }
  return 0;
}
