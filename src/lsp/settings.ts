/**
 * The settings an open document is linted with: resolved exactly as the CLI resolves them when it
 * runs in the workspace folder that holds the document (configuration file found upward from
 * there, its overrides, ignores and baseline), so the editor and CI agree.
 */
import { dirname, sep } from 'node:path';
import type { Baseline } from '../baseline/baseline.js';
import { planBaseline } from '../baseline/file.js';
import { findIgnoreFile } from '../config/find.js';
import type { Config } from '../config/config.js';
import { overrideDialect, resolveConfig, runOptionsFrom } from '../config/settings.js';
import { detectDialect } from '../dialects/detect.js';
import type { Dialect } from '../model/header-rewrite.js';
import type { RunOptions } from '../run/run.js';

export interface DocumentSettings {
  /** The directory the CLI would run in: the workspace folder that holds the file. */
  readonly cwd: string;
  readonly config: Config;
  readonly run: Omit<RunOptions, 'paths'>;
  readonly baseline?: { readonly path: string; readonly baseline: Baseline };
}

/** The deepest workspace folder that contains `path`, else the file's own directory. */
export function workspaceCwd(path: string, folders: readonly string[]): string {
  let best: string | undefined;
  for (const f of folders) {
    if ((path === f || path.startsWith(f.endsWith(sep) ? f : f + sep)) && (best === undefined || f.length > best.length)) best = f;
  }
  return best ?? dirname(path);
}

/** Throws the CLI's UsageError for an invalid configuration or baseline. */
export function documentSettings(path: string, folders: readonly string[]): DocumentSettings {
  const cwd = workspaceCwd(path, folders);
  const config = resolveConfig({}, cwd);
  const plan = planBaseline({}, config, cwd);
  const run: Omit<RunOptions, 'paths'> = {
    ...runOptionsFrom({}, config, cwd),
    ...(plan ? { where: true } : {}),
  };
  const found = findIgnoreFile(cwd);
  // An ignore file that cannot be used (a FIFO, a link to a device) ignores nothing here; the CLI reports it.
  const ignoreFile = Array.isArray(found) ? undefined : found;
  return {
    cwd,
    config,
    run: ignoreFile ? { ...run, ignoreFile } : run,
    ...(plan?.baseline ? { baseline: { path: plan.path, baseline: plan.baseline } } : {}),
  };
}

/** The dialect of a document: the configuration's overrides, then detection (as the CLI does). */
export function documentDialect(path: string, text: string, config: Config): Dialect | null {
  return overrideDialect(config, path) ?? detectDialect(path, text);
}
