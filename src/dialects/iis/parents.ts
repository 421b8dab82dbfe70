/**
 * Parent configuration levels of a web.config: the web.config files of its ancestor directories,
 * whose rules IIS evaluates first (url-rewrite-module-20-configuration-reference.md "Rules
 * Inheritance"). Only files named web.config take part in the hierarchy; applicationHost.config
 * cannot be located from a site directory and is linted on its own.
 */
import { isIoError, type ConfigIO } from '../../source.js';
import { basename, dirname, join, relative, sep } from 'node:path';

/** Directory levels searched above the linted file. */
const MAX_ANCESTORS = 64;

export function isWebConfig(path: string): boolean {
  return basename(path).toLowerCase() === 'web.config';
}

export interface ParentConfig {
  readonly path: string;
  /** Path segments from the parent's directory to the linted file's directory. */
  readonly below: readonly string[];
}

/** Parent web.config files, outermost first. */
export function findParentConfigs(rootPath: string, io: ConfigIO): ParentConfig[] {
  if (!isWebConfig(rootPath)) return [];
  const rootDir = dirname(rootPath);
  const found: ParentConfig[] = [];
  const seen = new Set<string>([io.realpath(rootDir)]);
  let dir = rootDir;
  for (let depth = 0; depth < MAX_ANCESTORS; depth++) {
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
    const real = io.realpath(dir);
    if (seen.has(real)) break;
    seen.add(real);
    const entries = io.readDir(dir);
    if (isIoError(entries)) continue;
    // Windows file names are case-insensitive: Web.config is the usual spelling.
    const name = entries.filter((e) => e.toLowerCase() === 'web.config').sort()[0];
    if (name === undefined) continue;
    const path = join(dir, name);
    if (io.stat(path) !== 'file') continue;
    found.push({ path, below: relative(dir, rootDir).split(sep).filter(Boolean) });
  }
  return found.reverse();
}
