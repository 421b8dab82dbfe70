/**
 * How dialects read files (to follow includes) without touching the file system themselves:
 * src/run.ts provides the real implementation; the fix engine layers edited texts on top of it
 * to re-parse a fixed project in memory before anything is written.
 */
import type { SourceFile } from '../source.js';

export interface IoError {
  /** A sentence for the user: "no such file", "permission denied", "binary file"... */
  readonly error: string;
  /**
   * The file was read but deliberately not linted (binary, larger than the limit): a warning,
   * not a failure to read (exit code 2).
   */
  readonly skipped?: true;
}

export type FileKind = 'file' | 'dir' | 'missing' | 'other';

export interface ConfigIO {
  /** The directory relative paths on the command line are resolved against. */
  readonly cwd: string;
  /** Reads and decodes a file (cached: the same object for the same path). */
  read(path: string): SourceFile | IoError;
  stat(path: string): FileKind;
  /** Entry names of a directory, unsorted. */
  readDir(path: string): string[] | IoError;
  /** Resolves symbolic links (the path itself when it cannot). */
  realpath(path: string): string;
}

export function isIoError(x: unknown): x is IoError {
  return typeof x === 'object' && x !== null && 'error' in x;
}

/** `io` with some files replaced by new texts (the fix engine's view of a fixed project). */
export function withOverrides(io: ConfigIO, overrides: ReadonlyMap<string, SourceFile>): ConfigIO {
  if (overrides.size === 0) return io;
  return {
    cwd: io.cwd,
    read: (path) => overrides.get(path) ?? io.read(path),
    stat: (path) => (overrides.has(path) ? 'file' : io.stat(path)),
    readDir: (path) => io.readDir(path),
    realpath: (path) => io.realpath(path),
  };
}
