/**
 * ECMAScript pattern syntax for IIS URL Rewrite: ES5 non-unicode patterns with the Annex B
 * (web compatibility) leniencies that every browser engine implements (ECMA-262 §B.1.2): a lone
 * `]`, `{` or `}` is literal, `\c` without a letter is a backslash, `\8` is "8", `\12` is an octal
 * escape when there are fewer groups, lookaheads may be quantified.
 *
 * Valid in modern JavaScript but refused here because IIS does not accept them: inline flags
 * (`(?i)`), lookbehind, named groups.
 */
import type { AssertKind, Node, ParsedPattern, Span } from './ast.js';
import { CharSet, CharSetBuilder } from './charset.js';
import { DIGIT, ECMA_MAX, ECMA_NOT_LINE_TERMINATOR, ECMA_SPACE, WORD, foldEcma } from './char-classes.js';
import { Scanner, hexValue, isAsciiLetter, isDigit, isOctalDigit, readBraceQuantifier, readDecimal } from './scanner.js';

export interface EcmaCompileOptions {
  readonly caseless?: boolean;
  readonly multiline?: boolean;
}

const CLASS_ESCAPES: Readonly<Record<string, CharSet>> = {
  d: DIGIT,
  D: DIGIT.negate(ECMA_MAX),
  s: ECMA_SPACE,
  S: ECMA_SPACE.negate(ECMA_MAX),
  w: WORD,
  W: WORD.negate(ECMA_MAX),
};

const CONTROL_ESCAPES: Readonly<Record<string, number>> = { f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b };

/** Messages as V8 words them, the engine the differential tests compare against. */

/** Deepest group nesting the parser follows (as PCRE2's default PARENS_NEST_LIMIT). */
const MAX_ECMA_NESTING = 250;
const MSG = {
  nothingToRepeat: 'Nothing to repeat',
  unterminatedGroup: 'Unterminated group',
  unmatchedParen: "Unmatched ')'",
  unterminatedClass: 'Unterminated character class',
  backslashAtEnd: '\\ at end of pattern',
  outOfOrder: 'numbers out of order in {} quantifier',
  rangeOutOfOrder: 'Range out of order in character class',
  invalidGroup: 'Invalid group',
} as const;

/** A class member: a single code unit (may start a range) or a class escape such as `\d`. */
type Member = { readonly code: number } | { readonly set: CharSet };

/** Counts capturing groups the way engines pre-scan a pattern: `(` not followed by `?`, outside classes and escapes. */
function countCapturingGroups(src: string): number {
  let n = 0;
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (inClass) inClass = c !== 0x5d;
    else if (c === 0x5b) inClass = true;
    else if (c === 0x28 && src.charCodeAt(i + 1) !== 0x3f) n++;
  }
  return n;
}

class EcmaParser {
  private readonly sc: Scanner;
  private readonly totalGroups: number;
  private groupCount = 0;
  /** Open groups around the current position (the parser recurses once per group). */
  private nesting = 0;

  constructor(
    pattern: string,
    private readonly opts: EcmaCompileOptions,
  ) {
    this.sc = new Scanner(pattern);
    this.totalGroups = countCapturingGroups(pattern);
  }

  parse(): ParsedPattern {
    const root = this.parseDisjunction();
    if (!this.sc.eof) this.sc.fail(MSG.unmatchedParen);
    return {
      root,
      groupCount: this.groupCount,
      groupNames: new Map(),
      leadingFlagsEnd: 0,
      maxCode: ECMA_MAX,
      semantics: { emptyIteration: 'fail', resetCapturesPerIteration: true, unsetBackrefMatchesEmpty: true, backrefFold: 'ecma' },
    };
  }

  private parseDisjunction(): Node {
    const start = this.sc.pos;
    const alts: Node[] = [this.parseAlternative()];
    while (this.sc.peek() === 0x7c) {
      this.sc.pos++;
      alts.push(this.parseAlternative());
    }
    return alts.length === 1 ? alts[0]! : { type: 'alt', alts, span: this.span(start) };
  }

  private parseAlternative(): Node {
    const sc = this.sc;
    const start = sc.pos;
    const items: Node[] = [];
    let lastRepeatable = false;
    for (;;) {
      const c = sc.peek();
      if (c < 0 || c === 0x7c || c === 0x29) break;
      if (this.atQuantifier()) {
        if (!lastRepeatable) sc.fail(MSG.nothingToRepeat);
        items[items.length - 1] = this.parseQuantifier(items[items.length - 1]!);
        lastRepeatable = false;
        continue;
      }
      const node = this.parseTerm();
      items.push(node);
      // Assertions are not quantifiable, except lookaheads (Annex B QuantifiableAssertion).
      lastRepeatable = node.type !== 'assert';
    }
    if (items.length === 1) return items[0]!;
    if (items.length === 0) return { type: 'empty', span: this.span(start) };
    return { type: 'seq', items, span: this.span(start) };
  }

  private atQuantifier(): boolean {
    const c = this.sc.peek();
    return c === 0x2a || c === 0x2b || c === 0x3f || (c === 0x7b && readBraceQuantifier(this.sc.src, this.sc.pos) !== null);
  }

  private parseQuantifier(body: Node): Node {
    const sc = this.sc;
    let min = 0;
    let max = Infinity;
    const c = sc.peek();
    if (c === 0x7b) {
      const q = readBraceQuantifier(sc.src, sc.pos)!;
      if (q.max < q.min) sc.fail(MSG.outOfOrder);
      ({ min, max } = q);
      sc.pos = q.end;
    } else {
      if (c === 0x2b) min = 1;
      if (c === 0x3f) max = 1;
      sc.pos++;
    }
    const lazy = sc.peek() === 0x3f;
    if (lazy) sc.pos++;
    return { type: 'repeat', body, min, max, greedy: !lazy, possessive: false, span: { start: body.span.start, end: sc.pos } };
  }

  private parseTerm(): Node {
    const sc = this.sc;
    const start = sc.pos;
    const c = sc.peek();
    switch (c) {
      case 0x28:
        return this.parseGroup();
      case 0x5b:
        return { type: 'set', set: this.parseClass(), span: this.span(start) };
      case 0x2e:
        sc.pos++;
        return { type: 'set', set: ECMA_NOT_LINE_TERMINATOR, span: this.span(start) };
      case 0x5e:
        sc.pos++;
        return this.assertion(this.opts.multiline ? 'ecma-line-start' : 'subject-start', start);
      case 0x24:
        sc.pos++;
        return this.assertion(this.opts.multiline ? 'ecma-line-end' : 'subject-end', start);
      case 0x5c:
        return this.parseAtomEscape();
      default:
        sc.pos++;
        return this.literal(c, start);
    }
  }

  private assertion(kind: AssertKind, start: number): Node {
    return { type: 'assert', kind, span: this.span(start) };
  }

  private literal(code: number, start: number): Node {
    const span = this.span(start);
    if (this.opts.caseless) {
      const folded = foldEcma(CharSet.of(code));
      if (folded.single < 0) return { type: 'set', set: folded, span };
    }
    return { type: 'char', code, span };
  }

  private parseGroup(): Node {
    const sc = this.sc;
    const start = sc.pos;
    sc.pos++;
    let kind: 'capture' | 'plain' | 'ahead' | 'not-ahead' = 'capture';
    if (sc.peek() === 0x3f) {
      const c = sc.peek(1);
      if (c === 0x3a) kind = 'plain';
      else if (c === 0x3d) kind = 'ahead';
      else if (c === 0x21) kind = 'not-ahead';
      else if (c === 0x3c && (sc.peek(2) === 0x3d || sc.peek(2) === 0x21)) {
        sc.fail('lookbehind assertions are not supported by IIS URL Rewrite (ECMAScript)', start, 'ecma-lookbehind');
      } else if (c === 0x3c) {
        sc.fail('named groups are not supported by IIS URL Rewrite (ECMAScript)', start, 'ecma-named-group');
      } else if (/^[imsx-]+[:)]/.test(sc.src.slice(sc.pos + 1))) {
        sc.fail('inline flags such as (?i) are not supported by ECMAScript; use ignoreCase', start, 'ecma-inline-flags');
      } else {
        sc.fail(MSG.invalidGroup, start);
      }
      sc.pos += 2;
    }
    const index = kind === 'capture' ? ++this.groupCount : null;
    // ECMAScript sets no limit, but each level is a recursion here: thousands of "(" exhausted the
    // stack (found by test/fuzz). PCRE2 refuses more than 250 (parse-pcre.ts); so does this linter.
    if (++this.nesting > MAX_ECMA_NESTING) sc.fail(`groups are nested more than ${MAX_ECMA_NESTING} deep`, start, 'unsupported');
    const body = this.parseDisjunction();
    this.nesting--;
    if (sc.peek() !== 0x29) sc.fail(MSG.unterminatedGroup, sc.src.length);
    sc.pos++;
    const span = this.span(start);
    if (kind === 'ahead' || kind === 'not-ahead') return { type: 'look', behind: false, negate: kind === 'not-ahead', body, span };
    return { type: 'group', index, name: null, body, span };
  }

  private parseAtomEscape(): Node {
    const sc = this.sc;
    const start = sc.pos;
    const c = sc.peek(1);
    if (c < 0) sc.fail(MSG.backslashAtEnd, sc.src.length);
    if (c === 0x62 || c === 0x42) {
      sc.pos += 2;
      return this.assertion(c === 0x62 ? 'word-boundary' : 'not-word-boundary', start);
    }
    if (c >= 0x31 && c <= 0x39) {
      // DecimalEscape: a back-reference only if the pattern has that many groups (Annex B).
      const num = readDecimal(sc.src, sc.pos + 1)!;
      if (num.value <= this.totalGroups) {
        sc.pos = num.end;
        return { type: 'backref', group: num.value, caseless: this.opts.caseless ?? false, span: this.span(start) };
      }
    }
    const member = this.readCharacterEscape(false);
    if ('set' in member) return { type: 'set', set: member.set, span: this.span(start) };
    return this.literal(member.code, start);
  }

  /**
   * CharacterEscape / ClassEscape at `sc.pos` (the backslash), except back-references and `\b`
   * outside classes. `\c` without a control letter leaves the backslash as a literal.
   */
  private readCharacterEscape(inClass: boolean): Member {
    const sc = this.sc;
    const c = sc.peek(1);
    if (c < 0) sc.fail(MSG.backslashAtEnd, sc.src.length);
    const ch = String.fromCharCode(c);
    const set = CLASS_ESCAPES[ch];
    if (set) {
      sc.pos += 2;
      return { set };
    }
    const control = CONTROL_ESCAPES[ch];
    if (control !== undefined) {
      sc.pos += 2;
      return { code: control };
    }
    if (ch === 'c') {
      const x = sc.peek(2);
      if (isAsciiLetter(x) || (inClass && (isDigit(x) || x === 0x5f))) {
        sc.pos += 3;
        return { code: x % 32 };
      }
      sc.pos += 1;
      return { code: 0x5c };
    }
    if (ch === 'x' || ch === 'u') {
      const digits = ch === 'x' ? 2 : 4;
      let v = 0;
      for (let i = 0; i < digits; i++) {
        const h = hexValue(sc.peek(2 + i));
        if (h < 0) {
          sc.pos += 2;
          return { code: c };
        }
        v = v * 16 + h;
      }
      sc.pos += 2 + digits;
      return { code: v };
    }
    if (ch === 'b' && inClass) {
      sc.pos += 2;
      return { code: 8 };
    }
    if (isOctalDigit(c)) {
      sc.pos += 1;
      return { code: this.readLegacyOctal() };
    }
    sc.pos += 2;
    return { code: c };
  }

  /** LegacyOctalEscapeSequence: up to three octal digits, at most \377. `\0` alone is NUL. */
  private readLegacyOctal(): number {
    const sc = this.sc;
    const first = sc.peek() - 0x30;
    sc.pos++;
    let v = first;
    const maxDigits = first <= 3 ? 3 : 2;
    for (let i = 1; i < maxDigits && isOctalDigit(sc.peek()); i++) {
      v = v * 8 + (sc.peek() - 0x30);
      sc.pos++;
    }
    return v;
  }

  private parseClass(): CharSet {
    const sc = this.sc;
    sc.pos++;
    const negate = sc.peek() === 0x5e;
    if (negate) sc.pos++;
    const b = new CharSetBuilder();
    for (;;) {
      if (sc.eof) sc.fail(MSG.unterminatedClass, sc.src.length);
      if (sc.peek() === 0x5d) break;
      const lo = this.readClassAtom();
      if (sc.peek() !== 0x2d || sc.peek(1) === 0x5d || sc.peek(1) < 0) {
        addMember(b, lo);
        continue;
      }
      sc.pos++;
      const hi = this.readClassAtom();
      if ('set' in lo || 'set' in hi) {
        // Annex B: a range with a class escape at either end is the union of both and "-".
        addMember(b, lo);
        addMember(b, hi);
        b.add(0x2d, 0x2d);
        continue;
      }
      if (hi.code < lo.code) sc.fail(MSG.rangeOutOfOrder);
      b.add(lo.code, hi.code);
    }
    sc.pos++;
    let set = b.build();
    if (this.opts.caseless) set = foldEcma(set);
    return negate ? set.negate(ECMA_MAX) : set;
  }

  private readClassAtom(): Member {
    const sc = this.sc;
    const c = sc.peek();
    if (c !== 0x5c) {
      sc.pos++;
      return { code: c };
    }
    const next = sc.peek(1);
    if (next >= 0x38 && next <= 0x39) {
      sc.pos += 2;
      return { code: next };
    }
    return this.readCharacterEscape(true);
  }

  private span(start: number): Span {
    return { start, end: this.sc.pos };
  }
}

function addMember(b: CharSetBuilder, m: Member): void {
  if ('set' in m) b.addSet(m.set);
  else b.add(m.code, m.code);
}

/** Parses an ECMAScript pattern. Throws {@link PatternError} with offsets into `pattern`. */
export function parseEcma(pattern: string, options: EcmaCompileOptions): ParsedPattern {
  return new EcmaParser(pattern, options).parse();
}

