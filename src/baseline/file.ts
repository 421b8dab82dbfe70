/**
 * The baseline file on disk, for the CLI: which file applies (`--baseline-write`, `--baseline`,
 * `--no-baseline`, the configuration's `baseline`), reading it with positioned errors, writing it.
 */
import { dirname, relative, resolve } from 'node:path';
import type { Config } from '../config/config.js';
import { UsageError } from '../usage-error.js';
import type { LintResult } from '../engine/result.js';
import { TOOL_NAME } from '../meta.js';
import { isIoError } from '../source.js';
import { pathTaken, readSmallRegularFile, WriteRefused, writeOwnFile } from '../run/node-io.js';
import { applyBaseline, createBaseline, parseBaseline, serializeBaseline, type Baseline } from './baseline.js';

export interface BaselineCliOptions {
  /** `--baseline <file>`; false for `--no-baseline`. */
  baseline?: string | false;
  /** `--baseline-write <file>`. */
  baselineWrite?: string;
}

export interface BaselinePlan {
  readonly mode: 'read' | 'write';
  /** Absolute path of the baseline file. */
  readonly path: string;
  /** The recorded findings (read mode), loaded before the run so that a bad file fails fast. */
  readonly baseline?: Baseline;
}

/** What to do with a baseline in this run, or undefined when no baseline is involved. */
export function planBaseline(options: BaselineCliOptions, config: Config, cwd: string): BaselinePlan | undefined {
  if (options.baselineWrite !== undefined) return { mode: 'write', path: resolve(cwd, options.baselineWrite) };
  if (options.baseline === false) return undefined;
  const path = typeof options.baseline === 'string' ? resolve(cwd, options.baseline) : config.baseline;
  return path === undefined ? undefined : { mode: 'read', path, baseline: loadBaseline(path, cwd) };
}

/** A baseline lists findings, a few hundred bytes each: 256 MB holds every finding of the largest estates. */
const MAX_BASELINE_BYTES = 256 * 1024 * 1024;

/** Reads and validates a baseline file; a missing or invalid one is a usage error (exit code 2). */
export function loadBaseline(path: string, cwd: string): Baseline {
  const name = show(path, cwd);
  const read = readSmallRegularFile(path, MAX_BASELINE_BYTES);
  if (isIoError(read)) {
    const missing = !pathTaken(path);
    throw new UsageError(`cannot read the baseline ${name}: ${missing ? `no such file (create it with --baseline-write ${name})` : read.error}`);
  }
  const parsed = parseBaseline(read.text);
  if (Array.isArray(parsed)) throw new UsageError(`invalid baseline:\n${parsed.map((p) => `${path}:${p.line}:${p.column}: ${p.message}`).join('\n')}`);
  return parsed;
}

function show(path: string, cwd: string): string {
  return relative(cwd, path) || path;
}

/**
 * Applies the plan to the results: writes today's findings first when asked (which prunes fixed
 * ones), then hides the recorded ones. Returns the results to report and lines for standard error.
 */
export function runBaseline(plan: BaselinePlan, results: readonly LintResult[], cwd: string): { results: LintResult[]; notes: string[] } {
  const baseDir = dirname(plan.path);
  const name = show(plan.path, cwd);
  const notes: string[] = [];
  let baseline: Baseline;
  if (plan.mode === 'write') {
    baseline = createBaseline(results, baseDir);
    const text = serializeBaseline(baseline);
    try {
      // The linter's own file: a symbolic link planted under its name is refused, not followed.
      writeOwnFile(plan.path, text);
    } catch (e) {
      if (e instanceof WriteRefused || (e as NodeJS.ErrnoException).code !== undefined) throw new UsageError(`cannot write the baseline ${name}: ${(e as Error).message}`);
      throw e;
    }
    const total = baseline.entries.reduce((n, e) => n + e.count, 0);
    notes.push(`${TOOL_NAME}: wrote ${total} finding${total === 1 ? '' : 's'} to the baseline ${name}.`);
  } else {
    baseline = plan.baseline ?? loadBaseline(plan.path, cwd);
  }
  const outcome = applyBaseline(results, baseline, baseDir);
  if (plan.mode === 'read') {
    const n = outcome.baselined;
    let note = `${TOOL_NAME}: ${n} finding${n === 1 ? '' : 's'} matched the baseline ${name} and ${n === 1 ? 'was' : 'were'} not reported.`;
    if (outcome.stale > 0) note += ` ${outcome.stale} recorded finding${outcome.stale === 1 ? ' no longer occurs' : 's no longer occur'}: --baseline-write ${name} prunes ${outcome.stale === 1 ? 'it' : 'them'}.`;
    notes.push(note);
  }
  return { results: outcome.results, notes };
}
