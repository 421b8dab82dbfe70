/**
 * PCRE2 10.42 backslash sequences in 8-bit non-UTF mode, inside and outside character classes
 * (pcre2pattern(3) "BACKSLASH"; error texts from pcre2_compile's error table).
 */
import type { CharSet } from './charset.js';
import { DIGIT, WORD, PCRE_HSPACE, PCRE_MAX, PCRE_NOT_NEWLINE, PCRE_SPACE, PCRE_VSPACE, PCRE_ANY } from './char-classes.js';
import { lookupProperty } from './unicode-properties.js';
import { type Scanner, hexValue, isAsciiLetter, isDigit, isOctalDigit, readDecimal } from './scanner.js';

export type PcreEscape =
  | { readonly kind: 'char'; readonly code: number }
  /** `property`: a `\p{..}` set, which caseless matching does not fold. */
  | { readonly kind: 'type'; readonly set: CharSet; readonly property?: true }
  | { readonly kind: 'linebreak' }
  | { readonly kind: 'assert'; readonly letter: 'A' | 'z' | 'Z' | 'b' | 'B' | 'G' }
  | { readonly kind: 'keep' }
  /** `errorOffset`: where PCRE2 reports "reference to non-existent subpattern" for this form. */
  | { readonly kind: 'backref'; readonly ref: BackrefTarget; readonly errorOffset: number };

/** A back-reference as written: absolute number, relative number (resolved by the caller) or name. */
export type BackrefTarget =
  | { readonly by: 'number'; readonly n: number }
  | { readonly by: 'relative'; readonly delta: number }
  | { readonly by: 'name'; readonly name: string };

const SIMPLE: Readonly<Record<string, number>> = { a: 7, e: 0x1b, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09 };

const TYPES: Readonly<Record<string, CharSet>> = {
  d: DIGIT,
  D: DIGIT.negate(PCRE_MAX),
  w: WORD,
  W: WORD.negate(PCRE_MAX),
  s: PCRE_SPACE,
  S: PCRE_SPACE.negate(PCRE_MAX),
  h: PCRE_HSPACE,
  H: PCRE_HSPACE.negate(PCRE_MAX),
  v: PCRE_VSPACE,
  V: PCRE_VSPACE.negate(PCRE_MAX),
};

export const MSG_INVALID_ESCAPE = 'escape sequence is invalid in character class';
const MSG_UNSUPPORTED_PROPERTY = 'extended grapheme clusters (\\X) are not supported by this linter';
const MSG_MALFORMED_PROPERTY = 'malformed \\P or \\p sequence';

/**
 * Reads one escape at `sc.pos` (the backslash) and moves past it. `groupsSoFar` decides whether
 * `\10`.. is a back-reference or octal: PCRE2 counts the groups opened before the escape.
 * `\Q` and `\E` are handled by the caller.
 */
export function readPcreEscape(sc: Scanner, inClass: boolean, groupsSoFar: number): PcreEscape {
  const start = sc.pos;
  sc.pos++;
  const c = sc.peek();
  if (c < 0) sc.fail('\\ at end of pattern', sc.pos);
  const ch = String.fromCharCode(c);
  sc.pos++;
  const simple = SIMPLE[ch];
  if (simple !== undefined) return { kind: 'char', code: simple };
  const type = TYPES[ch];
  if (type) return { kind: 'type', set: type };
  if (!isAsciiLetter(c) && !isDigit(c)) return { kind: 'char', code: c };
  switch (ch) {
    case '0':
      return { kind: 'char', code: readOctalDigits(sc, 2, 0) };
    case 'o':
      return { kind: 'char', code: readBraced(sc, 8) };
    case 'x':
      return { kind: 'char', code: sc.peek() === 0x7b ? readBraced(sc, 16) : readShortHex(sc) };
    case 'c':
      return { kind: 'char', code: readControl(sc) };
    case 'b':
      return inClass ? { kind: 'char', code: 8 } : { kind: 'assert', letter: 'b' };
    case 'p':
    case 'P':
      return readProperty(sc, c === 0x50);
    case 'X':
      return sc.fail(MSG_UNSUPPORTED_PROPERTY, start, 'unsupported');
    case 'F':
    case 'L':
    case 'l':
    case 'U':
    case 'u':
      return sc.fail('PCRE2 does not support \\F, \\L, \\l, \\N{name}, \\U, or \\u', sc.pos);
    default:
      break;
  }
  if (isDigit(c)) return readDigitEscape(sc, start, inClass, groupsSoFar);
  if (inClass) return readClassOnlyLetter(sc, ch, start);
  return readOutsideClassLetter(sc, ch, start, groupsSoFar);
}

/**
 * `\p{name}`, `\p{^name}` or `\pL` after the letter (sc.pos): the bytes with that Unicode
 * property (src/regex/unicode-properties.ts). Error offsets as PCRE2 10.42 reports them.
 */
function readProperty(sc: Scanner, negate: boolean): PcreEscape {
  let text: string;
  if (sc.peek() === 0x7b) {
    const close = sc.src.indexOf('}', sc.pos + 1);
    if (close < 0) return sc.fail(MSG_MALFORMED_PROPERTY, sc.src.length);
    text = sc.src.slice(sc.pos + 1, close);
    sc.pos = close + 1;
  } else {
    if (sc.eof) return sc.fail(MSG_MALFORMED_PROPERTY, sc.pos);
    text = sc.src[sc.pos]!;
    sc.pos++;
  }
  const found = lookupProperty(text, negate);
  if ('unknown' in found) return sc.fail('unknown property after \\P or \\p', sc.pos);
  if ('unsupported' in found) return sc.fail(found.unsupported, sc.pos, 'unsupported');
  return { kind: 'type', set: found.set, property: true };
}

function readClassOnlyLetter(sc: Scanner, ch: string, start: number): PcreEscape {
  // In a class, \g is a literal "g" (PCRE2 quirk); \N has its own message; other known escapes are invalid.
  if (ch === 'g') return { kind: 'char', code: 0x67 };
  if (ch === 'N') sc.fail('\\N is not supported in a class', sc.pos);
  if ('ABCGKRZkz'.includes(ch)) sc.fail(MSG_INVALID_ESCAPE, start + 1);
  return sc.fail('unrecognized character follows \\', start + 1);
}

function readOutsideClassLetter(sc: Scanner, ch: string, start: number, groupsSoFar: number): PcreEscape {
  switch (ch) {
    case 'A':
    case 'z':
    case 'Z':
    case 'B':
    case 'G':
      return { kind: 'assert', letter: ch };
    case 'K':
      return { kind: 'keep' };
    case 'C':
      // One code unit, whatever it is: in non-UTF mode the same as DOTALL `.`.
      return { kind: 'type', set: PCRE_ANY };
    case 'R':
      return { kind: 'linebreak' };
    case 'N':
      if (sc.peek() === 0x7b && !/^\{\d+(,\d*)?\}/.test(sc.src.slice(sc.pos))) {
        if (sc.at('{U+')) sc.fail('\\N{U+dddd} is supported only in Unicode (UTF) mode', start + 2);
        sc.fail('PCRE2 does not support \\F, \\L, \\l, \\N{name}, \\U, or \\u', start + 2);
      }
      return { kind: 'type', set: PCRE_NOT_NEWLINE };
    case 'g':
      return readGReference(sc, start, groupsSoFar);
    case 'k': {
      const nameAt = sc.pos + 1;
      return { kind: 'backref', ref: { by: 'name', name: readKName(sc) }, errorOffset: nameAt };
    }
    default:
      return sc.fail('unrecognized character follows \\', start + 1);
  }
}

/**
 * `\1`-`\9` are always back-references; a longer number is one when it starts with 8 or 9 or
 * when that many groups were opened before it; otherwise up to three octal digits.
 */
function readDigitEscape(sc: Scanner, start: number, inClass: boolean, groupsSoFar: number): PcreEscape {
  const first = sc.src.charCodeAt(start + 1);
  if (!inClass) {
    const num = readDecimal(sc.src, start + 1)!;
    if (num.value < 10 || first === 0x38 || first === 0x39 || num.value <= groupsSoFar) {
      sc.pos = num.end;
      return { kind: 'backref', ref: { by: 'number', n: num.value }, errorOffset: num.end - 1 };
    }
  }
  if (first === 0x38 || first === 0x39) return { kind: 'char', code: first };
  sc.pos = start + 1;
  return { kind: 'char', code: readOctalDigits(sc, 3, 0) };
}

function readOctalDigits(sc: Scanner, maxDigits: number, initial: number): number {
  let v = initial;
  for (let i = 0; i < maxDigits && isOctalDigit(sc.peek()); i++) {
    v = v * 8 + (sc.peek() - 0x30);
    sc.pos++;
  }
  if (v > 0xff) sc.fail('octal value is greater than \\377 in 8-bit non-UTF-8 mode', sc.pos);
  return v;
}

function readShortHex(sc: Scanner): number {
  let v = 0;
  for (let i = 0; i < 2 && hexValue(sc.peek()) >= 0; i++) {
    v = v * 16 + hexValue(sc.peek());
    sc.pos++;
  }
  return v;
}

/** `\o{...}` or `\x{...}`; `sc.pos` is just after the letter. */
function readBraced(sc: Scanner, radix: 8 | 16): number {
  if (sc.peek() !== 0x7b) sc.fail('missing opening brace after \\o', sc.pos - 1);
  sc.pos++;
  const digitsStart = sc.pos;
  let v = 0;
  for (;;) {
    const c = sc.peek();
    if (c === 0x7d) break;
    const d = radix === 16 ? hexValue(c) : isOctalDigit(c) ? c - 0x30 : -1;
    if (d < 0) {
      // At the end of the pattern PCRE2 points at the last character read.
      const at = sc.eof ? sc.pos - 1 : sc.pos;
      sc.fail(radix === 16 ? 'non-hex character in \\x{} (closing brace missing?)' : 'non-octal character in \\o{} (closing brace missing?)', at);
    }
    v = v * radix + d;
    if (v > 0xff) {
      while (sc.peek() !== 0x7d && sc.peek() >= 0) sc.pos++;
      sc.fail('character code point value in \\x{} or \\o{} is too large', sc.pos);
    }
    sc.pos++;
  }
  if (sc.pos === digitsStart) sc.fail('digits missing in \\x{} or \\o{} or \\N{U+}', sc.pos);
  sc.pos++;
  return v;
}

/** `\cX`: upper-cased X xor 0x40; X must be printable ASCII. */
function readControl(sc: Scanner): number {
  const c = sc.peek();
  if (c < 0) sc.fail('\\c at end of pattern', sc.pos);
  if (c < 0x20 || c > 0x7e) sc.fail('\\c must be followed by a printable ASCII character', sc.pos);
  sc.pos++;
  const upper = c >= 0x61 && c <= 0x7a ? c - 0x20 : c;
  return upper ^ 0x40;
}

const G_MESSAGE = '\\g is not followed by a braced, angle-bracketed, or quoted name/number or by a plain number';
export const MSG_SUBROUTINE = 'subroutine calls and recursion ((?R), (?1), \\g<n>, (?&name)) are not supported by this linter';

/** `\g` forms: `\gN`, `\g-N`, `\g+N`, `\g{N}`, `\g{-N}`, `\g{name}`; `\g<..>`/`\g'..'` are subroutine calls. */
function readGReference(sc: Scanner, start: number, groupsSoFar: number): PcreEscape {
  const c = sc.peek();
  if (c === 0x3c || c === 0x27) sc.fail(MSG_SUBROUTINE, start, 'unsupported');
  const braced = c === 0x7b;
  if (braced) sc.pos++;
  const numStart = sc.pos;
  const sign = sc.peek() === 0x2b || sc.peek() === 0x2d ? sc.peek() : 0;
  if (sign) sc.pos++;
  const num = readDecimal(sc.src, sc.pos);
  if (braced && sign === 0x2d && num && groupsSoFar + 1 - num.value <= 0) {
    // PCRE2 resolves `\g{-N` before it looks for the closing brace.
    sc.fail('reference to non-existent subpattern', start + 2);
  }
  if (num && (!braced || sc.src.charCodeAt(num.end) === 0x7d)) {
    sc.pos = num.end + (braced ? 1 : 0);
    // Offsets PCRE2 10.42 reports for a reference to a missing group, per form.
    if (sign === 0) return { kind: 'backref', ref: { by: 'number', n: num.value }, errorOffset: sc.pos - 1 };
    const delta = sign === 0x2d ? -num.value : num.value;
    const errorOffset = sign === 0x2d ? (braced ? start + 2 : sc.pos) : num.end - 1;
    return { kind: 'backref', ref: { by: 'relative', delta }, errorOffset };
  }
  if (braced && sign !== 0 && !num) sc.fail('subpattern name expected', numStart);
  if (!braced || sign !== 0 || num) sc.fail(G_MESSAGE, start + 2);
  sc.pos = numStart;
  return { kind: 'backref', ref: { by: 'name', name: readGroupName(sc, 0x7d) }, errorOffset: numStart };
}

/** `\k<n>`, `\k'n'`, `\k{n}`. */
function readKName(sc: Scanner): string {
  const open = sc.peek();
  const close = open === 0x3c ? 0x3e : open === 0x27 ? 0x27 : open === 0x7b ? 0x7d : -1;
  if (close < 0) sc.fail('\\k is not followed by a braced, angle-bracketed, or quoted name', sc.pos);
  sc.pos++;
  return readGroupName(sc, close);
}

/** A group name up to its terminator (consumed). Names are `[A-Za-z_][A-Za-z0-9_]*`, at most 32 long. */
export function readGroupName(sc: Scanner, terminator: number): string {
  const start = sc.pos;
  if (isDigit(sc.peek())) {
    sc.fail('subpattern name must start with a non-digit', start);
  }
  while (isWordCode(sc.peek())) sc.pos++;
  const name = sc.src.slice(start, sc.pos);
  if (name.length === 0) sc.fail('subpattern name expected', start);
  if (name.length > 32) sc.fail('subpattern name is too long (maximum 32 code units)', sc.pos);
  if (sc.peek() !== terminator) sc.fail('syntax error in subpattern name (missing terminator?)', sc.pos);
  sc.pos++;
  return name;
}

function isWordCode(c: number): boolean {
  return isAsciiLetter(c) || isDigit(c) || c === 0x5f;
}
