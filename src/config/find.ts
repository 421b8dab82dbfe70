/**
 * Finding the configuration file and the ignore file: from the current directory upward, the
 * nearest directory that has one wins (like .shellcheckrc, hadolint, markdownlint-cli2). Within a
 * directory: lint-proxy-config.config.json, then .lint-proxy-configrc.json, then the
 * "lint-proxy-config" key of package.json. Used by the CLI only.
 */
import { dirname, join } from 'node:path';
import type { RuleMeta } from '../engine/rule.js';
import { CONFIG_FILE_NAMES, parseConfig, type Config, type ConfigError } from './config.js';
import { createIgnoreMatcher, type IgnoreMatcher } from '../run/ignore-file.js';
import { pathTaken, readSmallRegularFile } from '../run/node-io.js';

export const IGNORE_FILE_NAME = '.lint-proxy-configignore';

function* ancestors(start: string): Generator<string> {
  let dir = start;
  for (;;) {
    yield dir;
    const parent = dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

/**
 * Configuration and ignore files come with the tree being linted: only a regular file of at most
 * this size is read (a link to /dev/zero or a FIFO is refused, not read or waited on).
 */
export const MAX_OWN_FILE_BYTES = 1024 * 1024;

function readText(path: string): string {
  const read = readSmallRegularFile(path, MAX_OWN_FILE_BYTES);
  if ('error' in read) throw new Error(read.error);
  return read.text;
}

export function loadConfigFile(path: string, rules: readonly RuleMeta[]): Config | ConfigError[] {
  let text: string;
  try {
    text = readText(path);
  } catch (e) {
    return [{ file: path, line: 1, column: 1, message: `cannot read the configuration: ${(e as Error).message}` }];
  }
  const fromPackageJson = path.endsWith('package.json');
  const config = parseConfig(text, path, rules, fromPackageJson);
  return config ?? [{ file: path, line: 1, column: 1, message: `no "lint-proxy-config" key in ${path}` }];
}

export function findConfig(cwd: string, rules: readonly RuleMeta[]): Config | ConfigError[] | undefined {
  for (const dir of ancestors(cwd)) {
    for (const name of CONFIG_FILE_NAMES) {
      const path = join(dir, name);
      if (pathTaken(path)) return loadConfigFile(path, rules);
    }
    const pkg = join(dir, 'package.json');
    if (pathTaken(pkg)) {
      try {
        const config = parseConfig(readText(pkg), pkg, rules, true);
        if (config) return config;
      } catch {
        // An unreadable package.json is not ours to report.
      }
    }
  }
  return undefined;
}

/** The nearest ignore file, or the reason it cannot be read (a run must not silently lint what it would skip). */
export function findIgnoreFile(cwd: string): IgnoreMatcher | ConfigError[] | undefined {
  for (const dir of ancestors(cwd)) {
    const path = join(dir, IGNORE_FILE_NAME);
    if (pathTaken(path)) {
      try {
        return createIgnoreMatcher(dir, readText(path));
      } catch (e) {
        return [{ file: path, line: 1, column: 1, message: `cannot read the ignore file: ${(e as Error).message}` }];
      }
    }
  }
  return undefined;
}
