/**
 * The real file system behind {@link ConfigIO}, and the atomic writer. Only src/run.ts uses this
 * module; dialects and rules never touch the disk.
 */
import {
  chmodSync,
  chownSync,
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ConfigIO, FileKind, IoError } from './engine/io.js';
import { sourceFromBytes, type SourceFile } from './source.js';

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

export function createNodeIO(cwd: string, maxFileMb = DEFAULT_MAX_FILE_MB): ConfigIO {
  const maxFileBytes = maxFileMb * 1024 * 1024;
  const cache = new Map<string, SourceFile | IoError>();
  const realpaths = new Map<string, string>();
  // Dialects probe the same directories for every file (nginx looks upward for nginx.conf).
  const stats = new Map<string, FileKind>();
  return {
    cwd,
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
        if (st.isDirectory()) result = { error: 'is a directory' };
        else if (!st.isFile()) result = { error: 'not a regular file' };
        else if (st.size > maxFileBytes) result = { error: `skipped: larger than ${maxFileMb} MB (--max-file-size)`, skipped: true };
        else {
          const bytes = readOpened(fd, st.size);
          result = looksBinary(bytes) ? { error: 'skipped: a binary file (it contains NUL bytes)', skipped: true } : sourceFromBytes(path, bytes);
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
      if (real === undefined) {
        try {
          // The native realpath(3): one call, where the JavaScript one lstats every component
          // (a fifth of linting a tree of 10,000 small files).
          real = realpathSync.native(path);
        } catch {
          real = path;
        }
        realpaths.set(path, real);
      }
      return real;
    },
  };
}

/** The whole content of an open regular file of `size` bytes (more or less, if it is changing). */
function readOpened(fd: number, size: number): Buffer {
  // A size of 0 may be a file that does not report one (procfs): read until the end.
  if (size === 0) return readFileSync(fd);
  const buffer = Buffer.allocUnsafe(size);
  let done = 0;
  while (done < size) {
    const n = readSync(fd, buffer, done, size - done, done);
    if (n === 0) return buffer.subarray(0, done);
    done += n;
  }
  return buffer;
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
 * Replaces a file atomically: write a temporary file in the same directory, fsync it, give it the
 * original's mode (and owner when permitted), rename it over the original, fsync the directory.
 * A reader — or a crash — sees the old file or the new one, never half of it. Symbolic links are
 * resolved first so the link itself is kept.
 */
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
 * A run killed between writing a temporary file and renaming it leaves `.name.lpc-<pid>-….tmp`
 * beside the file (the file itself is intact). The next write to that file removes such leftovers
 * of processes that no longer run.
 */
function removeStaleTemporaries(dir: string, base: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const prefix = `.${base}.lpc-`;
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid || alive(pid)) continue;
    try {
      unlinkSync(join(dir, name));
    } catch {
      // gone already, or not ours to remove
    }
  }
}

export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const target = realpathSync(path);
  const st = statSync(target);
  const dir = dirname(target);
  removeStaleTemporaries(dir, basename(target));
  // Unique per process and write; 'wx' (O_EXCL) refuses an existing file, so no predictable
  // name can be used to redirect the write.
  const tmp = join(dir, `.${basename(target)}.lpc-${process.pid}-${(++writeCount).toString(36)}${Date.now().toString(36)}.tmp`);
  const fd = openSync(tmp, 'wx', st.mode & 0o7777);
  try {
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, st.mode & 0o7777);
    try {
      chownSync(tmp, st.uid, st.gid);
    } catch {
      // Only root may give files away; the mode is what matters for a config file.
    }
    renameSync(tmp, target);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // already renamed or never created
    }
    throw e;
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
