/**
 * Cursor and lexical helpers shared by the PCRE and ECMAScript parsers.
 */
import type { RegexErrorCode } from './types.js';

/** Thrown by the parsers; `compileRegex` turns it into a {@link RegexError} result. */
export class PatternError extends Error {
  readonly code: RegexErrorCode;
  /** Offset into the text the parser read. */
  readonly offset: number;
  constructor(code: RegexErrorCode, message: string, offset: number) {
    super(message);
    this.code = code;
    this.offset = offset;
  }
}

/** A position in the pattern text plus the primitives every parser needs. */
export class Scanner {
  pos = 0;
  constructor(readonly src: string) {}

  get eof(): boolean {
    return this.pos >= this.src.length;
  }

  /** Code unit at `pos + k`, or -1 past the end. */
  peek(k = 0): number {
    const i = this.pos + k;
    return i < this.src.length ? this.src.charCodeAt(i) : -1;
  }

  /** Whether the text at `pos` starts with `s`. */
  at(s: string): boolean {
    return this.src.startsWith(s, this.pos);
  }

  fail(message: string, offset: number = this.pos, code: RegexErrorCode = 'syntax'): never {
    throw new PatternError(code, message, offset);
  }
}

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

export function isOctalDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x37;
}

/** Value of a hex digit, or -1. */
export function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

export function isAsciiLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** Reads a run of decimal digits at `pos`; returns the value (possibly huge) and where it ends. */
export function readDecimal(src: string, pos: number): { value: number; end: number } | null {
  let end = pos;
  let value = 0;
  while (end < src.length && isDigit(src.charCodeAt(end))) {
    value = value * 10 + (src.charCodeAt(end) - 0x30);
    end++;
  }
  return end === pos ? null : { value, end };
}

/** A `{n}`, `{n,}` or `{n,m}` quantifier at `pos` (the `{`); null when the text is not one (then `{` is literal). */
export interface BraceQuantifier {
  readonly min: number;
  readonly max: number;
  readonly end: number;
  /** End offsets of the two numbers, for error positions. */
  readonly minEnd: number;
  readonly maxEnd: number;
}

/**
 * Both PCRE2 10.42 and ECMAScript accept exactly `{digits}`, `{digits,}`, `{digits,digits}`; no
 * spaces, and `{,m}` is not a quantifier (PCRE2 10.43 changed that; Apache/nginx use 10.42).
 */
export function readBraceQuantifier(src: string, pos: number): BraceQuantifier | null {
  if (src.charCodeAt(pos) !== 0x7b) return null;
  const lo = readDecimal(src, pos + 1);
  if (!lo) return null;
  let p = lo.end;
  if (src.charCodeAt(p) === 0x7d) return { min: lo.value, max: lo.value, end: p + 1, minEnd: lo.end, maxEnd: lo.end };
  if (src.charCodeAt(p) !== 0x2c) return null;
  p++;
  const hi = readDecimal(src, p);
  if (hi) p = hi.end;
  if (src.charCodeAt(p) !== 0x7d) return null;
  return { min: lo.value, max: hi ? hi.value : Infinity, end: p + 1, minEnd: lo.end, maxEnd: p };
}
