/**
 * An in-memory ConfigIO for dialect tests: absolute path → text (or bytes, decoded like real
 * files); directories are implied by the paths; `links` maps a path to its real path. Errors use
 * the same wording as the real file system (src/run/node-io.ts).
 */
import { posix } from 'node:path';
import { createSourceFile, sourceFromBytes, type SourceFile, type ConfigIO, type FileKind, type IoError } from '../../src/source.js';

export interface MemoryIoOptions {
  readonly cwd?: string;
  readonly links?: Readonly<Record<string, string>>;
}

export function memoryIO(files: Readonly<Record<string, string | Uint8Array>>, options: MemoryIoOptions = {}): ConfigIO {
  const cache = new Map<string, SourceFile>();
  const dirs = new Set<string>();
  for (const p of Object.keys(files)) {
    for (let d = posix.dirname(p); ; d = posix.dirname(d)) {
      dirs.add(d);
      if (d === posix.dirname(d)) break;
    }
  }
  return {
    cwd: options.cwd ?? '/',
    read(path): SourceFile | IoError {
      const content = files[path];
      if (content === undefined) return { error: dirs.has(path) ? 'is a directory' : 'no such file or directory' };
      let f = cache.get(path);
      if (!f) cache.set(path, (f = typeof content === 'string' ? createSourceFile(path, content) : sourceFromBytes(path, content)));
      return f;
    },
    stat: (path): FileKind => (files[path] !== undefined ? 'file' : dirs.has(path) ? 'dir' : 'missing'),
    readDir(path) {
      if (!dirs.has(path)) return { error: 'no such file or directory' };
      const prefix = path.endsWith('/') ? path : `${path}/`;
      const names = new Set<string>();
      for (const p of [...Object.keys(files), ...dirs]) if (p.startsWith(prefix) && p !== path) names.add(p.slice(prefix.length).split('/')[0]!);
      return [...names];
    },
    realpath: (path) => options.links?.[path] ?? path,
  };
}
