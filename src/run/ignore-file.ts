/**
 * `.lint-proxy-configignore`: gitignore syntax (https://git-scm.com/docs/gitignore) relative to
 * the file's directory — `#` comments, `!` re-includes, a trailing `/` for directories, a slash
 * anywhere but the end anchors the pattern, and nothing inside an ignored directory can be
 * re-included.
 */
import { compileGlob } from '../path-glob.js';
import { relative, sep } from 'node:path';

interface IgnoreRule {
  readonly negate: boolean;
  readonly dirOnly: boolean;
  readonly match: (path: string) => boolean;
}

export interface IgnoreMatcher {
  /** Whether an absolute file path is ignored. */
  ignores(path: string): boolean;
}

function compile(line: string): IgnoreRule | undefined {
  let p = line.replace(/(?<!\\)\s+$/, '');
  if (p === '' || p.startsWith('#')) return undefined;
  let negate = false;
  if (p.startsWith('!')) {
    negate = true;
    p = p.slice(1);
  } else if (p.startsWith('\\!') || p.startsWith('\\#')) p = p.slice(1);
  const dirOnly = p.endsWith('/');
  if (dirOnly) p = p.slice(0, -1);
  const anchored = p.includes('/');
  if (p.startsWith('/')) p = p.slice(1);
  const glob = anchored ? p : `**/${p}`;
  const match = compileGlob(glob);
  return { negate, dirOnly, match };
}

export function createIgnoreMatcher(baseDir: string, text: string): IgnoreMatcher {
  const rules = text.split(/\r\n|\r|\n/).map(compile).filter((r): r is IgnoreRule => r !== undefined);
  const state = (rel: string, isDir: boolean): boolean => {
    let ignored = false;
    for (const r of rules) {
      if (r.dirOnly && !isDir) continue;
      if (r.match(rel)) ignored = !r.negate;
    }
    return ignored;
  };
  return {
    ignores(path: string): boolean {
      const rel = relative(baseDir, path).split(sep).join('/');
      if (rel === '' || rel.startsWith('../')) return false;
      const parts = rel.split('/');
      for (let i = 1; i < parts.length; i++) if (state(parts.slice(0, i).join('/'), true)) return true;
      return state(rel, false);
    },
  };
}
