/**
 * What each flavor's character types (`\d \w \s ...`, POSIX classes, `.`) and case folding mean.
 *
 * PCRE: non-UTF, non-UCP 8-bit mode with PCRE2's built-in "C" locale tables (pcre2_chartables.c),
 * which is what Apache and nginx use: only ASCII has letters, digits and case.
 * ECMAScript: ES5 / Annex B non-unicode semantics (ECMA-262 §22.2.2.9 CharacterClassEscape,
 * §22.2.2.7.3 Canonicalize).
 */
import { CharSet, CharSetBuilder } from './charset.js';

/** Highest code unit per flavor: bytes for PCRE non-UTF mode, UTF-16 code units for ECMAScript. */
export const PCRE_MAX = 0xff;
export const ECMA_MAX = 0xffff;

const NL = 0x0a;

export const DIGIT = CharSet.range(0x30, 0x39);
export const WORD = new CharSetBuilder().add(0x30, 0x39).add(0x41, 0x5a).add(0x5f, 0x5f).add(0x61, 0x7a).build();

// ---------------------------------------------------------------- PCRE

/** `\s`: since PCRE2 10.0 (and Perl 5.18) it includes VT (\x0b). */
export const PCRE_SPACE = new CharSetBuilder().add(0x09, 0x0d).add(0x20, 0x20).build();
/** `\h` in 8-bit non-UTF mode: tab, space, NBSP. */
export const PCRE_HSPACE = CharSet.of(0x09, 0x20, 0xa0);
/** `\v` in 8-bit non-UTF mode: LF, VT, FF, CR, NEL (not only the VT character). */
export const PCRE_VSPACE = new CharSetBuilder().add(0x0a, 0x0d).add(0x85, 0x85).build();
/** `.` without DOTALL, and `\N`: anything but the newline (Debian's PCRE2 is built with NEWLINE=LF). */
export const PCRE_NOT_NEWLINE = CharSet.of(NL).negate(PCRE_MAX);
export const PCRE_ANY = CharSet.range(0, PCRE_MAX);

const ALPHA = new CharSetBuilder().add(0x41, 0x5a).add(0x61, 0x7a).build();
const UPPER = CharSet.range(0x41, 0x5a);
const LOWER = CharSet.range(0x61, 0x7a);
const ALNUM = ALPHA.union(DIGIT);

/** POSIX classes inside `[...]`, from the C-locale ctype tables. */
export const POSIX_CLASSES: ReadonlyMap<string, CharSet> = new Map([
  ['alpha', ALPHA],
  ['lower', LOWER],
  ['upper', UPPER],
  ['alnum', ALNUM],
  ['ascii', CharSet.range(0, 0x7f)],
  ['blank', CharSet.of(0x09, 0x20)],
  ['cntrl', new CharSetBuilder().add(0, 0x1f).add(0x7f, 0x7f).build()],
  ['digit', DIGIT],
  ['graph', CharSet.range(0x21, 0x7e)],
  ['print', CharSet.range(0x20, 0x7e)],
  ['punct', new CharSetBuilder().add(0x21, 0x2f).add(0x3a, 0x40).add(0x5b, 0x60).add(0x7b, 0x7e).build()],
  ['space', PCRE_SPACE],
  ['word', WORD],
  ['xdigit', new CharSetBuilder().add(0x30, 0x39).add(0x41, 0x46).add(0x61, 0x66).build()],
]);

/** PCRE caseless folding in non-UTF mode: ASCII letters only (the C-locale `fcc` table). */
export function foldPcre(set: CharSet): CharSet {
  const b = new CharSetBuilder().addSet(set);
  for (let i = 0; i < set.ranges.length; i += 2) {
    const lo = set.ranges[i]!;
    const hi = set.ranges[i + 1]!;
    addShifted(b, lo, hi, 0x41, 0x5a, 0x20);
    addShifted(b, lo, hi, 0x61, 0x7a, -0x20);
  }
  return b.build();
}

function addShifted(b: CharSetBuilder, lo: number, hi: number, from: number, to: number, delta: number): void {
  const a = Math.max(lo, from);
  const z = Math.min(hi, to);
  if (a <= z) b.add(a + delta, z + delta);
}

/** PCRE non-UTF mode: other case of an ASCII letter, or the code itself. */
export function otherCasePcre(c: number): number {
  if (c >= 0x41 && c <= 0x5a) return c + 0x20;
  if (c >= 0x61 && c <= 0x7a) return c - 0x20;
  return c;
}

// ---------------------------------------------------------------- ECMAScript

/** LineTerminator: `.` excludes these, multiline `^`/`$` stop at them. */
export const ECMA_LINE_TERMINATORS = CharSet.of(0x0a, 0x0d, 0x2028, 0x2029);
export const ECMA_NOT_LINE_TERMINATOR = ECMA_LINE_TERMINATORS.negate(ECMA_MAX);

/** `\s` = WhiteSpace + LineTerminator (Unicode `Zs` included). */
export const ECMA_SPACE = new CharSetBuilder()
  .add(0x09, 0x0d)
  .add(0x20, 0x20)
  .add(0xa0, 0xa0)
  .add(0x1680, 0x1680)
  .add(0x2000, 0x200a)
  .add(0x2028, 0x2029)
  .add(0x202f, 0x202f)
  .add(0x205f, 0x205f)
  .add(0x3000, 0x3000)
  .add(0xfeff, 0xfeff)
  .build();

let canonTable: Uint16Array | undefined;
let canonClasses: Map<number, number[]> | undefined;

/**
 * Canonicalize(ch) for non-unicode ignoreCase: the single-code-unit upper case of `ch`, except
 * that a non-ASCII character never maps to ASCII (ECMA-262 §22.2.2.7.3).
 */
export function canonEcma(c: number): number {
  return ecmaCanonTable()[c]!;
}

function ecmaCanonTable(): Uint16Array {
  if (canonTable) return canonTable;
  const t = new Uint16Array(ECMA_MAX + 1);
  for (let c = 0; c <= ECMA_MAX; c++) {
    const u = String.fromCharCode(c).toUpperCase();
    const cu = u.length === 1 ? u.charCodeAt(0) : c;
    t[c] = c >= 128 && cu < 128 ? c : cu;
  }
  canonTable = t;
  return t;
}

/** Every code unit with the same Canonicalize value as `c` (including `c`). */
function ecmaCaseClass(c: number): readonly number[] {
  if (!canonClasses) {
    const t = ecmaCanonTable();
    const m = new Map<number, number[]>();
    for (let x = 0; x <= ECMA_MAX; x++) {
      const k = t[x]!;
      const list = m.get(k);
      if (list) list.push(x);
      else m.set(k, [x]);
    }
    canonClasses = m;
  }
  return canonClasses.get(canonEcma(c)) ?? [c];
}

/** Closes a set under ECMAScript non-unicode case equivalence. */
export function foldEcma(set: CharSet): CharSet {
  if (set.size <= 256) {
    const b = new CharSetBuilder().addSet(set);
    set.forEach((c) => {
      for (const o of ecmaCaseClass(c)) b.add(o, o);
    });
    return b.build();
  }
  // Large sets: mark the canonical values present, then collect every code unit mapping to one, as runs.
  const t = ecmaCanonTable();
  const wanted = new Uint8Array(ECMA_MAX + 1);
  set.forEach((c) => {
    wanted[t[c]!] = 1;
  });
  const b = new CharSetBuilder().addSet(set);
  let runStart = -1;
  for (let c = 0; c <= ECMA_MAX + 1; c++) {
    const inSet = c <= ECMA_MAX && wanted[t[c]!] === 1;
    if (inSet && runStart < 0) runStart = c;
    else if (!inSet && runStart >= 0) {
      b.add(runStart, c - 1);
      runStart = -1;
    }
  }
  return b.build();
}
