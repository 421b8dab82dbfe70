/**
 * Where an `Include`/`IncludeOptional` points, the way httpd expands it (server/config.c
 * `ap_process_fnmatch_configs`, server/util.c `ap_dir_nofnmatch` / `ap_dir_fnmatch`):
 *
 * - a relative path is relative to ServerRoot (`ap_server_root_relative`);
 * - without wildcards: a directory includes every entry in it, recursively, sorted by full path
 *   (`strcmp`); a missing file is an error for `Include` ("Could not open configuration file"),
 *   silently skipped by `IncludeOptional`;
 * - wildcards may appear in any component; each component is matched with `apr_fnmatch`
 *   (`APR_FNM_PERIOD`), matches are sorted; a wildcard that matches nothing is an error for
 *   `Include` only ("No matches for the wildcard ...").
 *
 * People lint copies of /etc/apache2, often on machines where that ServerRoot does not exist, or
 * where it does but is not what they lint: a relative path is tried under ServerRoot, the
 * directory of the root file, then the directory of the including file, and the first that
 * resolves to something wins; when the root file is not inside ServerRoot (a copy) and ServerRoot
 * was not given on the command line, the root file's directory is tried first. An absolute path
 * under the declared ServerRoot is also tried re-rooted at the root file's directory. When nothing
 * resolves, the error is httpd's for the first candidate whose directory exists.
 * All I/O goes through {@link ConfigIO}.
 */
import { isIoError, type ConfigIO } from '../../source.js';
import { posix } from 'node:path';
import { fnmatchName, hasWildcard } from './fnmatch.js';
import { IncludeBudget, inPseudoFileSystem, pseudoFileSystemMessage } from '../include-bounds.js';
import { mapPath, type PathMapping } from '../path-map.js';

/** httpd's compiled-in ServerRoot on Debian (`HTTPD_ROOT`), used before any `ServerRoot` line. */
export const DEFAULT_SERVER_ROOT = '/etc/apache2';

/** AP_MAX_FNMATCH_DIR_DEPTH in include/http_config.h. */
const MAX_DIR_DEPTH = 128;

interface Expansion {
  readonly files: string[];
  /** httpd's own error text, when the expansion fails. */
  readonly error?: string;
}

const PREFIX = 'Include/IncludeOptional: ';

function byStrcmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function listDir(io: ConfigIO, dir: string): string[] | null {
  const entries = io.readDir(dir);
  if (isIoError(entries)) return null;
  return entries.filter((e) => e !== '.' && e !== '..');
}

/** `ap_dir_nofnmatch`: a file, or every file under a directory. */
function expandPlain(io: ConfigIO, path: string, optional: boolean, depth: number, seenDirs: Set<string>, budget: IncludeBudget): Expansion {
  if (inPseudoFileSystem(path) || inPseudoFileSystem(io.realpath(path))) return { files: [], error: `${PREFIX}${pseudoFileSystemMessage(path)}` };
  const kind = io.stat(path);
  if (kind === 'dir') {
    if (!budget.listDir()) return { files: [], error: `${PREFIX}${budget.message()}` };
    if (depth > MAX_DIR_DEPTH) {
      return { files: [], error: `${PREFIX}Directory '${path}' exceeds the maximum include directory nesting level of ${MAX_DIR_DEPTH}. You have probably a recursion somewhere.` };
    }
    const real = io.realpath(path);
    if (seenDirs.has(real)) return { files: [] };
    const entries = listDir(io, path);
    if (!entries) return { files: [], error: `${PREFIX}Could not open directory ${path}: Permission denied` };
    const files: string[] = [];
    const inner = new Set(seenDirs).add(real);
    for (const name of entries.map((e) => posix.join(path, e)).sort(byStrcmp)) {
      const sub = expandPlain(io, name, optional, depth + 1, inner, budget);
      if (sub.error) return { files, error: sub.error };
      files.push(...sub.files);
    }
    return { files };
  }
  if (kind === 'missing') {
    if (optional) return { files: [] };
    return { files: [], error: `Could not open configuration file ${path}: No such file or directory` };
  }
  if (!budget.match()) return { files: [], error: `${PREFIX}${budget.message()}` };
  return { files: [path] };
}

/** `ap_dir_fnmatch`: walks `rest` (components, some with wildcards) under `dir`. */
function expandWild(io: ConfigIO, dir: string, rest: readonly string[], optional: boolean, budget: IncludeBudget): Expansion {
  const [component, ...tail] = rest;
  if (component === undefined) return expandPlain(io, dir, optional, 0, new Set(), budget);
  if (!hasWildcard(component)) {
    const path = posix.join(dir, component);
    return tail.length === 0 ? expandPlain(io, path, optional, 0, new Set(), budget) : expandWild(io, path, tail, optional, budget);
  }
  // A wildcard walk never lists /proc, /sys or /dev (/proc/<pid>/root leads back to /).
  if (inPseudoFileSystem(dir) || inPseudoFileSystem(io.realpath(dir))) return { files: [] };
  if (!budget.listDir()) return { files: [], error: `${PREFIX}${budget.message()}` };
  const entries = io.stat(dir) === 'dir' ? listDir(io, dir) : null;
  if (!entries) {
    if (optional) return { files: [] };
    return { files: [], error: `${PREFIX}Could not open directory ${dir}: No such file or directory` };
  }
  const matches = entries
    .filter((e) => fnmatchName(component, e))
    .map((e) => posix.join(dir, e))
    .filter((p) => !inPseudoFileSystem(p))
    .filter((p) => tail.length === 0 || io.stat(p) === 'dir')
    .sort(byStrcmp);
  if (matches.length === 0) {
    if (optional) return { files: [] };
    return { files: [], error: `${PREFIX}No matches for the wildcard '${component}' in '${dir}', failing` };
  }
  const files: string[] = [];
  for (const m of matches) {
    const sub = tail.length === 0 ? expandPlain(io, m, optional, 0, new Set(), budget) : expandWild(io, m, tail, optional, budget);
    if (sub.error) return { files, error: sub.error };
    files.push(...sub.files);
  }
  return { files };
}

export function expandInclude(io: ConfigIO, absolute: string, optional: boolean): Expansion {
  const budget = new IncludeBudget();
  if (!hasWildcard(absolute)) return expandPlain(io, absolute, optional, 0, new Set(), budget);
  const parts = absolute.split('/').filter((p) => p !== '');
  return expandWild(io, '/', parts, optional, budget);
}

export interface IncludeContext {
  readonly io: ConfigIO;
  /** ServerRoot in effect (the `ServerRoot` directive read so far, or the option). */
  readonly serverRoot: string;
  /** ServerRoot came from the command line: it is authoritative. */
  readonly serverRootGiven?: boolean;
  /** Directory of the file the linter was asked to lint. */
  readonly rootDir: string;
  /** Directory of the file with the `Include` line. */
  readonly includingDir: string;
  /** `--root`/`pathMap`: an absolute path they map is read only from its copy. */
  readonly pathMap?: readonly PathMapping[];
}

/** The candidate absolute paths, best first (ServerRoot as httpd does, then the fallbacks). */
function candidates(path: string, given: IncludeContext): string[] {
  const out: string[] = [];
  // Under --root/pathMap, ServerRoot itself is read from its copy.
  const ctx = { ...given, serverRoot: mapPath(given.serverRoot, given.pathMap ?? []) ?? given.serverRoot };
  const root = ctx.serverRoot.endsWith('/') ? ctx.serverRoot : `${ctx.serverRoot}/`;
  const copy = !ctx.serverRootGiven && !`${ctx.rootDir}/`.startsWith(root) && !`${ctx.io.realpath(ctx.rootDir)}/`.startsWith(root);
  const mapped = posix.isAbsolute(path) ? mapPath(posix.normalize(path), ctx.pathMap ?? []) : undefined;
  if (mapped !== undefined) return [mapped];
  if (posix.isAbsolute(path)) {
    const rerooted: string[] = [];
    for (const r of [ctx.serverRoot, DEFAULT_SERVER_ROOT]) {
      const prefix = r.endsWith('/') ? r : `${r}/`;
      if (path.startsWith(prefix)) rerooted.push(posix.join(ctx.rootDir, path.slice(prefix.length)));
    }
    out.push(...(copy ? [...rerooted, posix.normalize(path)] : [posix.normalize(path), ...rerooted]));
  } else {
    const bases = copy ? [ctx.rootDir, ctx.serverRoot, ctx.includingDir] : [ctx.serverRoot, ctx.rootDir, ctx.includingDir];
    for (const base of bases) out.push(posix.join(base, path));
  }
  return [...new Set(out)];
}

/** The directory part before the first wildcard exists. */
function baseExists(io: ConfigIO, path: string): boolean {
  const parts = path.split('/');
  const i = parts.findIndex((p) => hasWildcard(p));
  const dir = (i === -1 ? parts.slice(0, -1) : parts.slice(0, i)).join('/') || '/';
  return io.stat(dir) === 'dir';
}

export interface IncludeResolution {
  readonly files: readonly string[];
  /** The path the files were found under (the include as written, or a re-rooted copy of it). */
  readonly candidate?: string;
  /** Set when nothing could be included and httpd would refuse to start. */
  readonly error?: string;
}

export function resolveInclude(path: string, optional: boolean, ctx: IncludeContext): IncludeResolution {
  const tried = candidates(path, ctx);
  let reported: Expansion | undefined;
  let reportedExists = false;
  for (const candidate of tried) {
    const result = expandInclude(ctx.io, candidate, optional);
    if (!result.error && result.files.length > 0) return { files: result.files, candidate };
    const exists = baseExists(ctx.io, candidate);
    if (!reported || (exists && !reportedExists)) {
      reported = result;
      reportedExists = exists;
    }
  }
  if (!reported?.error) return { files: [] };
  return { files: [], error: reported.error };
}

/** `<IfFile path>`: whether the path exists (`apr_stat` relative to ServerRoot), with the same fallbacks. */
export function pathExists(path: string, ctx: IncludeContext): boolean {
  return candidates(path, ctx).some((p) => ctx.io.stat(p) !== 'missing');
}
