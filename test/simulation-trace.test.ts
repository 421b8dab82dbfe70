/**
 * `simulate`'s trace: what each directive changed, as before → after pairs. A line a directive
 * inserts is `(new)`, not every line below it turned into the one before it.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { changedPairs } from '../src/formatters/simulation.js';

it('a line inserted first, one removed, one edited: each shown once, the kept lines not at all', () => {
  expect(changedPairs(['a', 'b', 'c'], ['new', 'a', 'b', 'c'])).toEqual([[undefined, 'new']]);
  expect(changedPairs(['a', 'b', 'c'], ['a', 'c'])).toEqual([['b', undefined]]);
  expect(changedPairs(['a', 'b', 'c'], ['a', 'B', 'c'])).toEqual([['b', 'B']]);
  expect(changedPairs(['a', 'b'], ['x', 'a', 'y'])).toEqual([[undefined, 'x'], ['b', 'y']]);
  expect(changedPairs(['a'], ['a'])).toEqual([]);
});

it('the pairs account for every line dropped and every line written, in order', () => {
  const line = fc.constantFrom('a', 'b', 'c', 'd');
  fc.assert(
    fc.property(fc.array(line, { maxLength: 8 }), fc.array(line, { maxLength: 8 }), (before, after) => {
      const pairs = changedPairs(before, after);
      const dropped = pairs.flatMap(([b]) => (b === undefined ? [] : [b]));
      const written = pairs.flatMap(([, a]) => (a === undefined ? [] : [a]));
      // What is dropped was there, in order; what is written is there, in order; the rest is kept on both sides alike.
      expect(isSubsequence(dropped, before)).toBe(true);
      expect(isSubsequence(written, after)).toBe(true);
      expect(before.length - dropped.length).toBe(after.length - written.length);
      expect(pairs.every(([b, a]) => b !== a)).toBe(true);
      // Minimal: nothing both dropped and written where it could have been kept.
      expect(before.length - dropped.length).toBe(lcsLength(before, after));
    }),
  );
});

function isSubsequence(xs: readonly string[], of: readonly string[]): boolean {
  let k = 0;
  for (const x of of) if (k < xs.length && xs[k] === x) k++;
  return k === xs.length;
}

function lcsLength(a: readonly string[], b: readonly string[]): number {
  const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) t[i]![j] = a[i - 1] === b[j - 1] ? t[i - 1]![j - 1]! + 1 : Math.max(t[i - 1]![j]!, t[i]![j - 1]!);
  return t[a.length]![b.length]!;
}
