/** An in-memory ConfigIO for nginx dialect tests: absolute paths → texts. */
import { posix } from 'node:path';
import type { ConfigIO } from '../../src/engine/io.js';
import { createSourceFile, type SourceFile } from '../../src/source.js';

export function memoryIO(files: Record<string, string>, cwd = '/'): ConfigIO {
  const cache = new Map<string, SourceFile>();
  const dirs = new Set<string>();
  for (const p of Object.keys(files)) for (let d = posix.dirname(p); ; d = posix.dirname(d)) {
    dirs.add(d);
    if (d === '/') break;
  }
  return {
    cwd,
    read(path) {
      const text = files[path];
      if (text === undefined) return { error: dirs.has(path) ? '21: Is a directory' : '2: No such file or directory' };
      let f = cache.get(path);
      if (!f) cache.set(path, (f = createSourceFile(path, text)));
      return f;
    },
    stat: (path) => (files[path] !== undefined ? 'file' : dirs.has(path) ? 'dir' : 'missing'),
    readDir(path) {
      if (!dirs.has(path)) return { error: '2: No such file or directory' };
      const prefix = path === '/' ? '/' : `${path}/`;
      const names = new Set<string>();
      for (const p of [...Object.keys(files), ...dirs]) if (p.startsWith(prefix) && p !== path) names.add(p.slice(prefix.length).split('/')[0]!);
      return [...names];
    },
    realpath: (path) => path,
  };
}
