/**
 * Bounds on following include wildcards, shared by the Apache and nginx readers. A configuration
 * from a pull request can say `IncludeOptional /*\/*\/*\/*\/*\/*.conf`: the server would walk the
 * whole file system, through `/proc/<pid>/root` back to `/` again and again. The linter lists no
 * directory under /proc, /sys or /dev (they hold processes and devices, never configuration) and
 * stops one `Include` after a bounded number of directories listed and files matched.
 */

/** Files one include may expand to; more is reported, not followed. */
export const MAX_INCLUDE_MATCHES = 10_000;

/** Directories one include may list while expanding wildcards or walking a directory. */
export const MAX_INCLUDE_DIRS = 10_000;

const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'];

/** Whether an absolute path is /proc, /sys, /dev or below one of them. */
export function inPseudoFileSystem(path: string): boolean {
  return PSEUDO_ROOTS.some((r) => path === r || path.startsWith(`${r}/`));
}

/** The work one include has done so far. */
export class IncludeBudget {
  matches = 0;
  dirs = 0;

  /** Counts one directory listing; false once the bound is passed. */
  listDir(): boolean {
    return ++this.dirs <= MAX_INCLUDE_DIRS;
  }

  /** Counts `n` matched files; false once the bound is passed. */
  match(n = 1): boolean {
    this.matches += n;
    return this.matches <= MAX_INCLUDE_MATCHES;
  }

  /** The sentence for a bound that was passed. */
  message(): string {
    return this.dirs > MAX_INCLUDE_DIRS
      ? `the wildcard lists more than ${MAX_INCLUDE_DIRS.toLocaleString('en-US')} directories; lint-proxy-config stops following it`
      : `the wildcard matches more than ${MAX_INCLUDE_MATCHES.toLocaleString('en-US')} files; lint-proxy-config stops following it`;
  }
}

/** The sentence for an include that names a path under /proc, /sys or /dev. */
export function pseudoFileSystemMessage(path: string): string {
  return `${path} is under /proc, /sys or /dev, which hold no configuration; lint-proxy-config does not read it`;
}
