/**
 * The real file system behind {@link ConfigIO}, and the atomic writer. Only src/run/run.ts uses this
 * module; dialects and rules never touch the disk.
 */
import {
  closeSync,
  constants,
  fstatSync,
  fchmodSync,
  fchownSync,
  fsyncSync,
  ftruncateSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { sourceFromBytes, type SourceFile, type ConfigIO, type FileKind, type IoError } from '../source.js';

/**
 * Files larger than this are skipped, and the run exits with code 2: an `nginx -T` dump of
 * 20,000 servers is about 18 MB, so the bound leaves room for real estates and stops only runaway
 * inputs. `--max-file-size` changes it.
 */
export const DEFAULT_MAX_FILE_MB = 64;

function describeError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'ENOTDIR':
      return 'a path component is not a directory';
    default:
      return err.message ?? String(e);
  }
}

/** UTF-16 files carry NUL bytes legitimately; anything else with NULs is not a text file. */
function looksBinary(bytes: Uint8Array): boolean {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) return false;
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

/** The real file system, remembering which file each path led to when it was read. */
export interface NodeIO extends ConfigIO {
  /** Device, inode, size, modification and change times of the file read at `path` (undefined if not read). */
  identity(path: string): FileIdentity | undefined;
}

export function createNodeIO(cwd: string, maxFileMb = DEFAULT_MAX_FILE_MB): NodeIO {
  const maxFileBytes = maxFileMb * 1024 * 1024;
  const cache = new Map<string, SourceFile | IoError>();
  const identities = new Map<string, FileIdentity>();
  const realpaths = new Map<string, string>();
  /** Directories' real paths (null: none), for {@link realpathUncached}. */
  const dirRealpaths = new Map<string, string | null>();
  // Dialects probe the same directories for every file (nginx looks upward for nginx.conf).
  const stats = new Map<string, FileKind>();
  return {
    cwd,
    identity: (path) => identities.get(path),
    read(path: string): SourceFile | IoError {
      const cached = cache.get(path);
      if (cached) return cached;
      let result: SourceFile | IoError;
      let fd: number | undefined;
      try {
        // One open and one fstat per file (not stat, then readFile's open and fstat). O_NONBLOCK:
        // opening a FIFO must not wait for a writer; it is refused below as not a regular file.
        fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
        const st = fstatSync(fd);
        if (st.isFile()) identities.set(path, identityOf(st));
        if (st.isDirectory()) result = { error: 'is a directory' };
        else if (!st.isFile()) result = { error: 'not a regular file' };
        else if (st.size > maxFileBytes) result = { error: `skipped: larger than ${maxFileMb} MB (--max-file-size)`, skipped: true };
        else {
          // Bounded by the bytes actually read, not by the size stat reports: procfs and sysfs
          // report 0 for files of gigabytes (/proc/self/pagemap), and a file may grow meanwhile.
          const bytes = readBounded(fd, st.size, maxFileBytes);
          if (bytes === null) result = { error: `skipped: larger than ${maxFileMb} MB (--max-file-size)`, skipped: true };
          else result = looksBinary(bytes) ? { error: 'skipped: a binary file (it contains NUL bytes)', skipped: true } : sourceFromBytes(path, bytes);
        }
      } catch (e) {
        result = { error: describeError(e) };
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
      cache.set(path, result);
      return result;
    },
    stat(path: string): FileKind {
      let kind = stats.get(path);
      if (kind === undefined) stats.set(path, (kind = statUncached(path)));
      return kind;
    },
    readDir(path: string): string[] | IoError {
      try {
        return readdirSync(path);
      } catch (e) {
        return { error: describeError(e) };
      }
    },
    realpath(path: string): string {
      let real = realpaths.get(path);
      if (real === undefined) realpaths.set(path, (real = realpathUncached(path, dirRealpaths)));
      return real;
    },
  };
}

/**
 * The whole content of an open file, or null when it holds more than `limit` bytes. `size` (what
 * fstat said) is only the first guess: the loop reads until end of file or `limit + 1` bytes,
 * whichever comes first, so a file that reports 0 or grows while read costs at most `limit` bytes.
 */
export function readBounded(fd: number, size: number, limit: number): Buffer | null {
  let buffer = Buffer.allocUnsafe(Math.min(Math.max(size, 0), limit) + 1);
  let done = 0;
  for (;;) {
    if (done === buffer.length) {
      if (done > limit) return null;
      const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 2, limit + 1));
      buffer.copy(bigger, 0, 0, done);
      buffer = bigger;
    }
    const n = readSync(fd, buffer, done, buffer.length - done, null);
    if (n === 0) return buffer.subarray(0, done);
    done += n;
    if (done > limit) return null;
  }
}

/**
 * The real path of a file: its directory's real path (cached: a tree has far fewer directories
 * than files) and its name, when one lstat says the file itself is no symbolic link; else the
 * native realpath(3). Either is one system call per file, where realpath(3) makes one per
 * component of the path (a tenth of linting a tree of 10,000 small files).
 */
function realpathUncached(path: string, dirRealpaths: Map<string, string | null>): string {
  const slash = path.lastIndexOf('/');
  if (slash > 0 && isAbsolute(path)) {
    const dir = path.slice(0, slash);
    let dirReal = dirRealpaths.get(dir);
    if (dirReal === undefined) {
      dirRealpaths.set(dir, (dirReal = nativeRealpath(dir)));
    }
    try {
      if (dirReal !== null && !lstatSync(path).isSymbolicLink()) return `${dirReal === '/' ? '' : dirReal}/${path.slice(slash + 1)}`;
    } catch {
      return path;
    }
  }
  return nativeRealpath(path) ?? path;
}

function nativeRealpath(path: string): string | null {
  try {
    return realpathSync.native(path);
  } catch {
    return null;
  }
}

function statUncached(path: string): FileKind {
  try {
    const st = statSync(path);
    return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
  } catch {
    try {
      lstatSync(path);
      return 'other'; // a dangling symbolic link
    } catch {
      return 'missing';
    }
  }
}

/**
 * What identifies the file that was read: a write replaces it only if the path still leads to the
 * same inode with the same size, modification and change times (another process, or a swapped symbolic
 * link, would otherwise have its change lost or receive content meant for another file).
 */
export interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  /** Changes with the mode, the owner and the number of links too. */
  readonly ctimeMs: number;
}

function identityOf(st: Stats): FileIdentity {
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
}

function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

let writeCount = 0;

/** Whether a process is alive (signal 0 checks without signalling). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Temporary files are named `.NAME.lpc-PID-ID.tmp`: a leading dot and a `.tmp` ending, so no
 * server wildcard include loads one (`*.conf`, `*`: httpd's and glibc's wildcards skip dot files).
 * A run killed between writing one and renaming it leaves it beside the file (the file itself is
 * intact); the next write to that file removes the leftovers of processes that no longer run.
 */
export const TEMPORARY_PATTERN = /^\.(.+)\.lpc-(\d+)-[0-9a-z]+\.tmp$/;

function removeStaleTemporaries(dir: string, base: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = TEMPORARY_PATTERN.exec(name);
    if (!m || m[1] !== base) continue;
    const pid = Number(m[2]);
    if (!Number.isInteger(pid) || pid === process.pid || alive(pid)) continue;
    try {
      unlinkSync(join(dir, name));
    } catch {
      // gone already, or not ours to remove
    }
  }
}

/** Why a write failed, as a sentence (read-only file system, full disk, immutable file...). */
function writeFailure(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'the disk quota is exceeded';
    case 'EPERM':
      return 'operation not permitted (an immutable or append-only file, or a protected directory)';
    case 'EACCES':
      return 'permission denied (the directory is not writable)';
    default:
      return describeError(e);
  }
}

export interface AtomicWriteOptions {
  /** The file as it was read: the write is refused when the path no longer leads to it. */
  readonly expected?: FileIdentity;
  /** Tests: runs after the temporary file is complete, just before the last check and the rename. */
  readonly beforeRename?: () => void;
}

/**
 * Replaces a file atomically: write a temporary file in the same directory, fsync it, give it the
 * original's mode and owner, check that the path still leads to the file that was read, rename
 * it over the original, fsync the directory. A reader — or a crash — sees the old file or the new
 * one, never half of it. Symbolic links are resolved so the link itself is kept.
 *
 * Refused with {@link WriteRefused} (nothing changed): the file changed or was replaced since it
 * was read; it is read-only (no write bit: replacing it would silently defeat that); it has other
 * hard links (a rename would separate them); its owner cannot be kept; or the write failed
 * (read-only file system, full disk, immutable file).
 */
export function writeFileAtomic(path: string, bytes: Uint8Array, options: AtomicWriteOptions = {}): void {
  let target: string;
  let st: Stats;
  try {
    target = realpathSync.native(path);
    st = statSync(target);
  } catch (e) {
    throw new WriteRefused(`cannot write ${path}: ${writeFailure(e)}`);
  }
  const expected = options.expected ?? identityOf(st);
  const changed = () => new WriteRefused(`${path} changed since it was read (another process wrote it, or a link was redirected); not written, run again`);
  if (!st.isFile()) throw new WriteRefused(`${path} is not a regular file; not written`);
  if (!sameIdentity(identityOf(st), expected)) throw changed();
  if ((st.mode & 0o222) === 0) throw new WriteRefused(`${path} is read-only (mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')}); not written`);
  if (st.nlink > 1) throw new WriteRefused(`${path} has ${st.nlink} hard links and replacing it would separate them; not written`);
  const dir = dirname(target);
  removeStaleTemporaries(dir, basename(target));
  // Unique per process and write; O_EXCL refuses an existing file, so no predictable name can be
  // used to redirect the write.
  const tmp = join(dir, `.${basename(target)}.lpc-${process.pid}-${(++writeCount).toString(36)}${Date.now().toString(36)}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, st.mode & 0o7777);
  } catch (e) {
    throw new WriteRefused(`cannot write ${path}: ${writeFailure(e)}`);
  }
  try {
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
      fchmodSync(fd, st.mode & 0o7777);
      const own = fstatSync(fd);
      if (own.uid !== st.uid || own.gid !== st.gid) {
        try {
          fchownSync(fd, st.uid, st.gid);
        } catch {
          throw new WriteRefused(`${path} belongs to ${st.uid}:${st.gid} and the fixed file cannot be given to that owner; not written`);
        }
      }
    } finally {
      closeSync(fd);
    }
    options.beforeRename?.();
    // The last check, as close to the rename as possible: the same path, the same inode, unchanged.
    let now: Stats;
    try {
      if (realpathSync.native(path) !== target) throw changed();
      now = statSync(target);
    } catch (e) {
      if (e instanceof WriteRefused) throw e;
      throw changed();
    }
    if (!sameIdentity(identityOf(now), expected)) throw changed();
    renameSync(tmp, target);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // already renamed or never created
    }
    if (e instanceof WriteRefused) throw e;
    throw new WriteRefused(`cannot write ${path}: ${writeFailure(e)}`);
  }
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // Some file systems refuse to fsync a directory; the rename is still atomic.
  }
}

/**
 * A small file the linter reads for itself (configuration, ignore file): only a regular file
 * (a link to one is fine), at most `limit` bytes. A FIFO, a device (`/dev/zero`), a directory or
 * something larger is refused with a sentence, never waited on or read to the end.
 */
export function readSmallRegularFile(path: string, limit: number): { readonly text: string } | IoError {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (st.isDirectory()) return { error: 'is a directory' };
    if (!st.isFile()) return { error: 'not a regular file' };
    const bytes = readBounded(fd, st.size, limit);
    if (bytes === null) return { error: `larger than ${Math.round(limit / 1024)} KB` };
    return { text: bytes.toString('utf8') };
  } catch (e) {
    return { error: describeError(e) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Whether anything, even a dangling symbolic link, is at `path`. */
export function pathTaken(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** A write the linter refused or could not do, with the reason as a sentence. */
export class WriteRefused extends Error {}

/**
 * Writes a file the linter creates for itself (`--output-file`, `init`) without following a
 * symbolic link at `path`: in a workspace checked out from a pull request, a planted link named
 * like the report would otherwise make the run overwrite whatever it points to. An existing
 * regular file with one name is truncated and rewritten, a character device (`/dev/null`) is written
 * to; a link, a FIFO, a block device, a directory or a file with other hard links is refused. `exclusive`: refuse any existing file.
 */
export function writeOwnFile(path: string, text: string, exclusive = false): void {
  let fd: number;
  try {
    fd = openSync(
      path,
      constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK | (exclusive ? constants.O_EXCL : 0),
      0o666,
    );
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || (code === 'EEXIST' && lstatIsLink(path))) throw new WriteRefused(`${path} is a symbolic link; refusing to write through it`);
    if (code === 'EEXIST') throw new WriteRefused(`${path} already exists`);
    if (code === 'ENXIO') throw new WriteRefused(`${path} is not a regular file`);
    throw new WriteRefused(`cannot write ${path}: ${describeError(e)}`);
  }
  try {
    const st = fstatSync(fd);
    // A character device named directly (`-o /dev/null`) is what the user asked for; a checkout
    // cannot plant one (mknod needs root), so only links, FIFOs and the rest are refused.
    if (st.isCharacterDevice() && !exclusive) {
      const bytes = Buffer.from(text, 'utf8');
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      return;
    }
    if (!st.isFile()) throw new WriteRefused(`${path} is not a regular file`);
    if (st.nlink > 1) throw new WriteRefused(`${path} has ${st.nlink} hard links; refusing to change the other names' content`);
    const bytes = Buffer.from(text, 'utf8');
    ftruncateSync(fd, 0);
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
  } catch (e) {
    if (e instanceof WriteRefused) throw e;
    throw new WriteRefused(`cannot write ${path}: ${describeError(e)}`);
  } finally {
    closeSync(fd);
  }
}

function lstatIsLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
