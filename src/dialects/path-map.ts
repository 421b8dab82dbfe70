/**
 * Absolute include paths in a repository copy of a server tree. `include /etc/nginx/conf.d/*.conf;`
 * in `./deploy/nginx/nginx.conf` means the repository's `deploy/nginx/conf.d`, not this machine's
 * live `/etc/nginx` — reading the host's files would lint the wrong configuration (a broken site
 * in the repository came back clean). So an absolute path is placed, in this order:
 *
 * 1. through the path map (`--root <dir>`: every absolute path under `<dir>`; `pathMap`: several
 *    prefixes), when one of its prefixes matches;
 * 2. as written, when it stays inside the linted tree (the git work tree holding the root file,
 *    else the current directory) or the root file is outside that tree (linting the host itself);
 * 3. at the same layout inside the tree (`/etc/nginx/conf.d/x.conf` → `<tree>/…/conf.d/x.conf`
 *    when that exists), reported so the user can make the mapping explicit;
 * 4. otherwise as written, reported: it reads this machine's files.
 */
import type { ConfigIO } from '../source.js';
import { posix } from 'node:path';

/** One prefix of absolute paths and the directory it stands for. */
export interface PathMapping {
  /** Absolute path prefix as written in configurations, e.g. `/etc/nginx`. */
  readonly from: string;
  /** Absolute directory on this machine, e.g. `/home/me/repo/etc-nginx`. */
  readonly to: string;
}

export function isInside(path: string, dir: string): boolean {
  if (dir === '/') return true;
  return path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

/** The path through the longest matching prefix of `map`, or undefined when none matches. */
export function mapPath(path: string, map: readonly PathMapping[]): string | undefined {
  let best: PathMapping | undefined;
  for (const m of map) if (isInside(path, m.from) && (!best || m.from.length > best.from.length)) best = m;
  if (!best) return undefined;
  // Already inside the target (a path written with the copy's own location): as is.
  if (isInside(path, best.to)) return path;
  return posix.join(best.to, path.slice(best.from === '/' ? 0 : best.from.length));
}

/** The git work tree holding `path` (the nearest directory with a `.git`), if any. */
function gitRoot(path: string, io: ConfigIO): string | undefined {
  for (let dir = posix.dirname(path); ; dir = posix.dirname(dir)) {
    if (io.stat(posix.join(dir, '.git')) !== 'missing') return dir;
    if (dir === posix.dirname(dir)) return undefined;
  }
}

/** The git work tree a file belongs to (not the file system's root). */
export function gitTree(path: string, io: ConfigIO): string | undefined {
  const git = gitRoot(path, io);
  return git !== undefined && git !== '/' ? git : undefined;
}

/** The tree a root file belongs to, when it is a copy that absolute paths may leave. */
export function lintedTree(rootPath: string, io: ConfigIO, cwd: string | undefined): string | undefined {
  const git = gitTree(rootPath, io);
  if (git !== undefined) return git;
  return cwd !== undefined && cwd !== '/' && isInside(rootPath, cwd) ? cwd : undefined;
}

function hasGlob(component: string): boolean {
  return /[*?[]/.test(component);
}

/** Whether `path` (perhaps with wildcards) could name something: its directory part exists. */
function plausible(path: string, io: ConfigIO): boolean {
  const parts = path.split('/');
  const i = parts.findIndex(hasGlob);
  if (i === -1) return io.stat(path) !== 'missing';
  return io.stat(parts.slice(0, i).join('/') || '/') === 'dir';
}

export type Placement =
  | { readonly kind: 'as-written' }
  | { readonly kind: 'mapped'; readonly path: string }
  | { readonly kind: 'same-layout'; readonly path: string; readonly from: string; readonly to: string }
  | { readonly kind: 'outside'; readonly tree: string };

/**
 * Where an absolute include `target` of the file tree rooted at `rootPath` is read from.
 * `start` is the directory the search for the same layout begins at (the conf prefix or ServerRoot).
 */
export function placeAbsolute(target: string, rootPath: string, start: string, io: ConfigIO, map: readonly PathMapping[], tree: string | undefined): Placement {
  const mapped = mapPath(target, map);
  if (mapped !== undefined) return mapped === target ? { kind: 'as-written' } : { kind: 'mapped', path: mapped };
  if (tree === undefined || !isInside(rootPath, tree) || isInside(target, tree)) return { kind: 'as-written' };
  const parts = target.split('/').filter((p) => p !== '');
  const dirs: string[] = [];
  for (let dir = isInside(start, tree) ? start : posix.dirname(rootPath); isInside(dir, tree); dir = posix.dirname(dir)) {
    dirs.push(dir);
    if (dir === tree || dir === posix.dirname(dir)) break;
  }
  // Longest suffix first: `/etc/nginx/conf.d/*.conf` tries `etc/nginx/conf.d/*.conf` (a copy of
  // the whole file system), then `nginx/conf.d/*.conf`, `conf.d/*.conf`...
  for (let i = 0; i < parts.length; i++) {
    // A suffix of wildcards only (`*`) would match any directory.
    if (parts.slice(i).every(hasGlob)) break;
    const suffix = parts.slice(i).join('/');
    for (const dir of dirs) {
      const candidate = posix.join(dir, suffix);
      if (plausible(candidate, io)) return { kind: 'same-layout', path: candidate, from: `/${parts.slice(0, i).join('/')}`, to: dir };
    }
  }
  return { kind: 'outside', tree };
}
