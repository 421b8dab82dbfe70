/**
 * Sets of code units (bytes for PCRE non-UTF mode, UTF-16 code units for ECMAScript), stored as
 * sorted, disjoint, non-adjacent inclusive ranges. Immutable once built.
 */
export class CharSet {
  /** Flat `[lo0, hi0, lo1, hi1, ...]`, sorted, disjoint and non-adjacent. */
  readonly ranges: readonly number[];

  private constructor(ranges: readonly number[]) {
    this.ranges = ranges;
  }

  static readonly EMPTY = new CharSet([]);

  static of(...codes: number[]): CharSet {
    const b = new CharSetBuilder();
    for (const c of codes) b.add(c, c);
    return b.build();
  }

  static range(lo: number, hi: number): CharSet {
    return new CharSet(lo <= hi ? [lo, hi] : []);
  }

  /** @internal used by the builder, which has normalised the ranges. */
  static fromNormalised(ranges: number[]): CharSet {
    return new CharSet(ranges);
  }

  has(code: number): boolean {
    const r = this.ranges;
    let lo = 0;
    let hi = r.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (code < r[2 * mid]!) hi = mid - 1;
      else if (code > r[2 * mid + 1]!) lo = mid + 1;
      else return true;
    }
    return false;
  }

  get isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  /** Number of code units in the set. */
  get size(): number {
    let n = 0;
    for (let i = 0; i < this.ranges.length; i += 2) n += this.ranges[i + 1]! - this.ranges[i]! + 1;
    return n;
  }

  /** Whether the set holds every code unit from 0 to `max`. */
  coversAll(max: number): boolean {
    return this.ranges.length === 2 && this.ranges[0] === 0 && this.ranges[1]! >= max;
  }

  /** The only member, or -1 when the set does not hold exactly one code unit. */
  get single(): number {
    return this.ranges.length === 2 && this.ranges[0] === this.ranges[1] ? this.ranges[0]! : -1;
  }

  /** Complement within `0..max`. */
  negate(max: number): CharSet {
    const out: number[] = [];
    let next = 0;
    for (let i = 0; i < this.ranges.length; i += 2) {
      const lo = this.ranges[i]!;
      const hi = this.ranges[i + 1]!;
      if (lo > next) out.push(next, Math.min(lo - 1, max));
      next = hi + 1;
      if (next > max) break;
    }
    if (next <= max) out.push(next, max);
    return new CharSet(out);
  }

  union(other: CharSet): CharSet {
    const b = new CharSetBuilder();
    b.addSet(this);
    b.addSet(other);
    return b.build();
  }

  /** Calls `fn` for every member; meant for small sets or bounded alphabets. */
  forEach(fn: (code: number) => void): void {
    for (let i = 0; i < this.ranges.length; i += 2) {
      for (let c = this.ranges[i]!; c <= this.ranges[i + 1]!; c++) fn(c);
    }
  }
}

/** Collects ranges in any order and normalises them once. */
export class CharSetBuilder {
  private readonly pending: number[] = [];

  add(lo: number, hi: number): this {
    if (lo <= hi) this.pending.push(lo, hi);
    return this;
  }

  addSet(set: CharSet): this {
    for (let i = 0; i < set.ranges.length; i += 2) this.pending.push(set.ranges[i]!, set.ranges[i + 1]!);
    return this;
  }

  build(): CharSet {
    const pairs: Array<[number, number]> = [];
    for (let i = 0; i < this.pending.length; i += 2) pairs.push([this.pending[i]!, this.pending[i + 1]!]);
    pairs.sort((a, b) => a[0] - b[0]);
    const out: number[] = [];
    for (const [lo, hi] of pairs) {
      const n = out.length;
      if (n > 0 && lo <= out[n - 1]! + 1) {
        if (hi > out[n - 1]!) out[n - 1] = hi;
      } else {
        out.push(lo, hi);
      }
    }
    return CharSet.fromNormalised(out);
  }
}
