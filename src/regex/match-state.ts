/**
 * The mutable state one exec() call works on, reused across calls, and the table form of
 * character sets the matcher tests against.
 */
import type { CharSet } from './charset.js';
import { RegexBudgetError } from './types.js';

/** A matcher: tries to match from `pos`; true only when the whole pattern (or an assertion body) matched. */
export type M = (pos: number) => boolean;

/**
 * Nested iterations of complex (non single-character) loop bodies allowed per exec. Each one
 * costs a few JS stack frames; the limit keeps deep recursion deterministic instead of hitting
 * the engine's stack limit (1000 iterations fit Node's default 984 KiB stack with room to spare
 * for ordinary bodies; a stack overflow that still happens is reported as a budget error too).
 * Single-character loops (`.*`, `[^;]+`, `(?:a|b)*`) iterate without recursion.
 */
export const MAX_DEPTH = 1000;

/** Mutable state of one exec() call, reused across calls. */
export class State {
  s = '';
  len = 0;
  from = 0;
  notEmptyAtStart = false;
  steps = 0;
  depth = 0;
  end = -1;
  innerEnd = -1;
  /** caps[0] = match start (moved by \K), caps[2g], caps[2g+1] = group g; -1 = unset. */
  readonly caps: Int32Array;
  readonly open: Int32Array;
  trail: Int32Array = new Int32Array(64);
  trailLen = 0;
  count: Int32Array = new Int32Array(0);
  iterStart: Int32Array = new Int32Array(0);

  constructor(
    groupCount: number,
    readonly limit: number,
    readonly pattern: string,
  ) {
    this.caps = new Int32Array(2 * (groupCount + 1)).fill(-1);
    this.open = new Int32Array(groupCount + 1).fill(-1);
  }

  step(): void {
    if (++this.steps > this.limit) throw new RegexBudgetError(this.pattern, `backtracking budget of ${this.limit} steps exceeded`);
  }

  setCap(i: number, v: number): void {
    if (this.trailLen + 2 > this.trail.length) {
      const bigger = new Int32Array(this.trail.length * 2);
      bigger.set(this.trail);
      this.trail = bigger;
    }
    this.trail[this.trailLen++] = i;
    this.trail[this.trailLen++] = this.caps[i]!;
    this.caps[i] = v;
  }

  undoTo(mark: number): void {
    const trail = this.trail;
    const caps = this.caps;
    while (this.trailLen > mark) {
      const v = trail[--this.trailLen]!;
      caps[trail[--this.trailLen]!] = v;
    }
  }
}

/**
 * A set as the matcher tests it: a table for code units below 256 (every PCRE subject, nearly
 * every ECMAScript one) and the set itself for larger ones. Callers inline
 * `c < 256 ? table[c] === 1 : wide !== null && wide.has(c)` to avoid a polymorphic call per character.
 */
export interface CodeTable {
  readonly table: Uint8Array;
  /** The set, when it has members above 255; null otherwise. */
  readonly wide: CharSet | null;
}

export function codeTable(set: CharSet): CodeTable {
  const table = new Uint8Array(256);
  for (let i = 0; i < set.ranges.length; i += 2) {
    const hi = Math.min(set.ranges[i + 1]!, 255);
    for (let c = set.ranges[i]!; c <= hi; c++) table[c] = 1;
  }
  const wide = set.ranges.length > 0 && set.ranges[set.ranges.length - 1]! > 255 ? set : null;
  return { table, wide };
}
