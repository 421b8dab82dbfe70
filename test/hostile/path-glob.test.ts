import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { compileGlob, compileGlobList } from '../../src/path-glob.js';

describe('path globs without regular expressions', () => {
  it.each([
    ['/p/**', '/p/a/b/c.conf', true],
    ['/p/**', '/q/a.conf', false],
    ['/p/**/x.conf', '/p/x.conf', true],
    ['/p/**/x.conf', '/p/a/b/x.conf', true],
    ['/p/*.conf', '/p/a/b.conf', false],
    ['/p/*.conf', '/p/.hidden.conf', true],
    ['/p/{a,b}.conf', '/p/b.conf', true],
    ['/p/{a,{b,c}}.conf', '/p/c.conf', true],
    ['/p/[a-c]?.conf', '/p/bx.conf', true],
    ['/p/\\*.conf', '/p/*.conf', true],
    ['/p/\\*.conf', '/p/x.conf', false],
  ])('%s against %s → %s', (glob, path, expected) => {
    expect(compileGlob(glob)(path)).toBe(expected);
    expect(picomatch.isMatch(path, glob, { dot: true })).toBe(expected);
  });

  it('negates a class with ! as POSIX and gitignore do', () => {
    expect(compileGlob('/p/[!a-c].conf')('/p/b.conf')).toBe(false);
    expect(compileGlob('/p/[!a-c].conf')('/p/d.conf')).toBe(true);
  });

  /**
   * 2,000 globs (`globStart` then 1 to `globPieces` random pieces) against random paths under
   * /r/, each compared with picomatch by `compare`.
   */
  const generated = (seed: number, globStart: string, globPieces: readonly string[], pathPieces: readonly string[], tidy: (glob: string) => string, compare: (glob: string, path: string) => void) => {
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    for (let k = 0; k < 2000; k++) {
      let glob = globStart;
      for (let i = 0, n = 1 + rand(6); i < n; i++) glob += globPieces[rand(globPieces.length)];
      let path = '/r/';
      for (let i = 0, n = 1 + rand(8); i < n; i++) path += pathPieces[rand(pathPieces.length)];
      compare(tidy(glob.replace(/\/+/g, '/')), path.replace(/\/+/g, '/').replace(/\/$/, ''));
    }
  };

  it('agrees with picomatch on generated patterns and paths', () => {
    // picomatch treats `**` inside a segment as `*`, like here; skip only its extglob syntax.
    generated(7, '/r/', ['a', 'b', '.', '*', '?', '**', '[ab]', '{a,b}', '/'], ['a', 'b', '.', '/'], (g) => g.replace(/\*\*\*+/g, '**'), (glob, path) => {
      expect([glob, path, compileGlob(glob)(path)]).toEqual([glob, path, picomatch.isMatch(path, glob, { dot: true })]);
    });
  });

  it('agrees with picomatch on generated patterns that start with **/ (the default file patterns)', () => {
    // Resolved paths: no `.` or `..` segment (picomatch never matches those with `*`).
    generated(11, '**/', ['a', 'b', '.', '*', '?', '[ab]', '{a,b}', '/', 'conf.d'], ['a', 'b', '.c', '/', 'conf.d/'], (g) => g.replace(/\/$/, '/a'), (glob, path) => {
      const expected = picomatch.isMatch(path, glob, { dot: true });
      expect([glob, path, compileGlob(glob)(path), compileGlobList([glob])(path)]).toEqual([glob, path, expected, expected]);
    });
  });

  it('matches a backtracking pattern against a long name in linear-ish time', () => {
    const name = `/t/${'a'.repeat(200)}`;
    const started = performance.now();
    expect(compileGlob('/t/*a*a*a*a*a*a*c')(name)).toBe(false);
    expect(compileGlob(`/t/${'*a'.repeat(40)}c`)(`/t/${'a'.repeat(5000)}`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('lets a later !glob take back what an earlier one matched', () => {
    const m = compileGlobList(['/p/old/**', '!/p/old/keep.conf']);
    expect(m('/p/old/a.conf')).toBe(true);
    expect(m('/p/old/keep.conf')).toBe(false);
    expect(m('/p/new.conf')).toBe(false);
  });
});
