/**
 * Turning command-line paths into files: a file is taken as given; a directory is walked for the
 * names proxy configurations usually have; anything else is a glob. Used only by src/run.ts.
 */
import fg from 'fast-glob';
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

/** What a directory walk picks up (Debian, RHEL and Windows layouts). */
export const DEFAULT_PATTERNS: readonly string[] = [
  '**/*.conf',
  '**/.htaccess',
  '**/*.htaccess',
  '**/web.config',
  '**/*.web.config',
  '**/[aA]pplication[hH]ost.config',
  '**/sites-available/*',
  '**/sites-enabled/*',
  '**/conf.d/*',
  '**/conf-available/*',
  '**/conf-enabled/*',
  '**/vhosts.d/*',
  '**/snippets/*',
  '**/*.nginx',
  '**/*.vhost',
  '**/[cC]addyfile',
  '**/*.caddy',
  '**/*.caddyfile',
  '**/caddy.json',
];

/** Never walked into, never picked up: VCS data, dependencies, editor and package-manager leftovers. */
export const DEFAULT_IGNORE: readonly string[] = [
  '**/node_modules/**',
  '**/.git/**',
  '**/.hg/**',
  '**/.svn/**',
  '**/*~',
  '**/*.bak',
  '**/*.orig',
  '**/*.rej',
  '**/*.swp',
  '**/*.dpkg-*',
  '**/*.rpmnew',
  '**/*.rpmsave',
  '**/.*.lpc-*.tmp',
];

export interface Discovery {
  /** Absolute paths, in a stable order, each once. */
  readonly files: readonly string[];
  /** Paths given explicitly (they are linted even if their name is unusual). */
  readonly explicit: ReadonlySet<string>;
  /** Arguments that matched nothing. */
  readonly unmatched: readonly string[];
}

export function discoverFiles(args: readonly string[], cwd: string): Discovery {
  const files = new Set<string>();
  const explicit = new Set<string>();
  const unmatched: string[] = [];
  const ignorePatterns = [...DEFAULT_IGNORE];
  for (const arg of args) {
    const abs = isAbsolute(arg) ? arg : resolve(cwd, arg);
    let kind: 'file' | 'dir' | 'none' = 'none';
    try {
      const st = statSync(abs);
      kind = st.isDirectory() ? 'dir' : 'file';
    } catch {
      kind = 'none';
    }
    if (kind === 'file') {
      files.add(abs);
      explicit.add(abs);
      continue;
    }
    // Unreadable or missing plain paths are reported by the reader with a clear message.
    if (kind === 'none' && !fg.isDynamicPattern(arg)) {
      files.add(abs);
      explicit.add(abs);
      continue;
    }
    // Not onlyFiles: it would drop dangling symbolic links, which must be reported (exit 2).
    // Directories come back with a trailing slash and are left out.
    const options = { absolute: true, dot: true, onlyFiles: false, markDirectories: true, followSymbolicLinks: false, ignore: ignorePatterns, suppressErrors: true };
    const usable =
      kind === 'dir'
        ? fg.sync([...DEFAULT_PATTERNS], { ...options, cwd: abs })
        : fg.sync(isAbsolute(arg) ? arg : arg.replace(/^\.\//, ''), isAbsolute(arg) ? options : { ...options, cwd });
    const found = usable.filter((f) => !f.endsWith('/'));
    if (found.length === 0) unmatched.push(arg);
    for (const f of found.sort()) files.add(resolve(f));
  }
  return { files: [...files], explicit, unmatched };
}
