/**
 * PCRE2 10.42 pattern syntax (pcre2pattern(3)) in 8-bit non-UTF mode, as Apache httpd 2.4 and
 * nginx 1.22 on Debian bookworm compile it. The input is the pattern as bytes (`bytes.ts`).
 *
 * Refused as 'unsupported' (valid PCRE, not simulated): recursion and subroutine calls,
 * conditionals, callouts, backtracking verbs and start-of-pattern settings, `(?J)`, Unicode
 * properties, script runs and non-atomic lookarounds.
 */
import type { AssertKind, BackrefNode, GroupNode, LookNode, Node, ParsedPattern, Span } from './ast.js';
import { CharSet } from './charset.js';
import { PCRE_ANY, PCRE_MAX, PCRE_NOT_NEWLINE, WORD, otherCasePcre } from './char-classes.js';
import { checkLookbehinds } from './lookbehind.js';
import { parsePcreClass, posixSyntaxEnd } from './parse-pcre-class.js';
import { MSG_SUBROUTINE, readGroupName, readPcreEscape, type BackrefTarget } from './pcre-escapes.js';
import { PatternError, Scanner, isAsciiLetter, isDigit, readBraceQuantifier } from './scanner.js';

/** Compile options PCRE2 receives from the caller (Apache: DOTALL | DOLLAR_ENDONLY by default). */
export interface PcreCompileOptions {
  readonly caseless?: boolean;
  readonly dotAll?: boolean;
  readonly dollarEndOnly?: boolean;
  readonly multiline?: boolean;
  readonly extended?: boolean;
}

/** Options that inline settings such as `(?i)` change; scoped to the enclosing group. */
interface InlineOptions {
  caseless: boolean;
  dotAll: boolean;
  multiline: boolean;
  extended: boolean;
  extendedMore: boolean;
  noAutoCapture: boolean;
  ungreedy: boolean;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** An item of a sequence and whether a quantifier may follow it. */
interface Item {
  readonly node: Node;
  readonly repeatable: boolean;
  /** `(?i)` and friends: part of the leading flags when they open the pattern. */
  readonly optionSetting?: boolean;
}

const MAX_NESTING = 250; // PCRE2's default PARENS_NEST_LIMIT
const MAX_QUANTIFIER = 65535;
const MSG_VERBS = 'backtracking control verbs and start-of-pattern settings such as (*ACCEPT) or (*UTF) are not supported by this linter';
const MSG_NON_REPEATABLE = 'quantifier does not follow a repeatable item';

/** Whitespace skipped by PCRE2_EXTENDED in non-UTF mode: C-locale isspace() plus NEL. */
function isExtendedSpace(c: number): boolean {
  return (c >= 0x09 && c <= 0x0d) || c === 0x20 || c === 0x85;
}

class PcreParser {
  private readonly sc: Scanner;
  private opts: InlineOptions;
  private readonly dollarEndOnly: boolean;
  private groupCount = 0;
  private readonly names = new Map<string, number>();
  private readonly nameOfNumber = new Map<number, string>();
  private readonly groups: GroupNode[] = [];
  private readonly lookbehinds: LookNode[] = [];
  /** The `[[:<:]]` / `[[:>:]]` sequences, whose quantifier applies to their lookaround. */
  private readonly posixBoundaries = new Set<Node>();
  private readonly refs: Array<{ node: Mutable<BackrefNode>; target: Exclude<BackrefTarget, { by: 'relative' }>; offset: number }> = [];
  /** Errors PCRE2 only finds after parsing (unknown groups, `\K` in lookarounds), reported in pattern order. */
  private readonly lateErrors: Array<{ at: number; error: PatternError }> = [];
  private inQuote = false;
  private lookDepth = 0;
  private nesting = 0;
  private leadingFlagsEnd = 0;
  private usedBranchReset = false;

  constructor(bytes: string, options: PcreCompileOptions) {
    this.sc = new Scanner(bytes);
    this.dollarEndOnly = options.dollarEndOnly ?? false;
    this.opts = {
      caseless: options.caseless ?? false,
      dotAll: options.dotAll ?? false,
      multiline: options.multiline ?? false,
      extended: options.extended ?? false,
      extendedMore: false,
      noAutoCapture: false,
      ungreedy: false,
    };
  }

  parse(): ParsedPattern {
    const root = this.parseAlternatives(true);
    if (!this.sc.eof) this.sc.fail('unmatched closing parenthesis');
    // pcre2_compile order: syntax errors (parse_regex), lookbehind lengths (check_lookbehinds),
    // then compile_regex errors in pattern order (unknown groups, \K in lookarounds).
    this.resolveRefs();
    checkLookbehinds(this.lookbehinds, {
      groups: this.groups,
      backrefsFixed: !this.usedBranchReset,
      describeRef: (ref) => {
        const r = this.refs.find((x) => x.node === ref);
        return { offset: r?.offset ?? ref.span.start, byName: r?.target.by === 'name' };
      },
    });
    const late = this.lateErrors.sort((a, b) => a.at - b.at)[0];
    if (late) throw late.error;
    return {
      root,
      groupCount: this.groupCount,
      groupNames: this.names,
      leadingFlagsEnd: this.leadingFlagsEnd,
      maxCode: PCRE_MAX,
      semantics: { emptyIteration: 'stop', resetCapturesPerIteration: false, unsetBackrefMatchesEmpty: false, backrefFold: 'ascii' },
    };
  }

  // ------------------------------------------------------------ structure

  /** Alternatives up to `)` or the end. `onBranch` runs before each alternative (branch reset). */
  private parseAlternatives(topLevel: boolean, onBranch?: () => void): Node {
    const start = this.sc.pos;
    const alts: Node[] = [];
    for (;;) {
      onBranch?.();
      alts.push(this.parseSequence(topLevel && alts.length === 0));
      if (this.sc.peek() !== 0x7c || this.inQuote) break;
      this.sc.pos++;
    }
    if (alts.length === 1) return alts[0]!;
    return { type: 'alt', alts, span: this.span(start) };
  }

  private parseSequence(leading: boolean): Node {
    const sc = this.sc;
    const start = sc.pos;
    const items: Item[] = [];
    let onlyFlags = leading;
    for (;;) {
      this.skipTrivia();
      if (this.inQuote) {
        if (sc.eof) break;
        const at = sc.pos;
        sc.pos++;
        items.push({ node: this.literal(sc.src.charCodeAt(at), at), repeatable: true });
        onlyFlags = false;
        continue;
      }
      const c = sc.peek();
      if (c < 0 || c === 0x7c || c === 0x29) break;
      if (this.atQuantifier()) {
        const last = items[items.length - 1];
        if (!last?.repeatable) {
          this.readQuantifierBounds(); // PCRE2 checks the numbers first
          this.failNonRepeatable();
        }
        items[items.length - 1] = { node: this.parseQuantifier(last.node), repeatable: false };
        onlyFlags = false;
        continue;
      }
      const item = this.parseAtom();
      items.push(item);
      if (onlyFlags && item.optionSetting) this.leadingFlagsEnd = sc.pos;
      else onlyFlags = false;
    }
    if (items.length === 1) return items[0]!.node;
    if (items.length === 0) return { type: 'empty', span: this.span(start) };
    return { type: 'seq', items: items.map((i) => i.node), span: this.span(start) };
  }

  /** Skips what PCRE2 ignores between items: `(?#...)`, `\E`, `\Q` (entering quote mode), and in extended mode white space and `#` comments. */
  private skipTrivia(): void {
    const sc = this.sc;
    for (;;) {
      if (sc.at('\\E')) {
        this.inQuote = false;
        sc.pos += 2;
        continue;
      }
      if (this.inQuote) return;
      if (sc.at('\\Q')) {
        this.inQuote = true;
        sc.pos += 2;
        continue;
      }
      if (sc.at('(?#')) {
        const close = sc.src.indexOf(')', sc.pos);
        if (close < 0) sc.fail('missing ) after (?# comment', sc.src.length);
        sc.pos = close + 1;
        continue;
      }
      if (!this.opts.extended) return;
      const c = sc.peek();
      if (isExtendedSpace(c)) sc.pos++;
      else if (c === 0x23) {
        const nl = sc.src.indexOf('\n', sc.pos);
        sc.pos = nl < 0 ? sc.src.length : nl + 1;
      } else return;
    }
  }

  private atQuantifier(): boolean {
    const c = this.sc.peek();
    return c === 0x2a || c === 0x2b || c === 0x3f || (c === 0x7b && readBraceQuantifier(this.sc.src, this.sc.pos) !== null);
  }

  private failNonRepeatable(): never {
    return this.sc.fail(MSG_NON_REPEATABLE, this.sc.pos - 1);
  }

  /** Reads `*`, `+`, `?` or a `{n,m}` quantifier at `sc.pos`, checking PCRE2's limits. */
  private readQuantifierBounds(): { min: number; max: number } {
    const sc = this.sc;
    const c = sc.peek();
    if (c === 0x7b) {
      const q = readBraceQuantifier(sc.src, sc.pos)!;
      if (q.min > MAX_QUANTIFIER) sc.fail('number too big in {} quantifier', q.minEnd);
      if (q.max !== Infinity && q.max > MAX_QUANTIFIER) sc.fail('number too big in {} quantifier', q.maxEnd);
      if (q.max < q.min) sc.fail('numbers out of order in {} quantifier', q.maxEnd);
      sc.pos = q.end;
      return { min: q.min, max: q.max };
    }
    sc.pos++;
    return { min: c === 0x2b ? 1 : 0, max: c === 0x3f ? 1 : Infinity };
  }

  private parseQuantifier(body: Node): Node {
    const sc = this.sc;
    let { min, max } = this.readQuantifierBounds();
    this.skipTrivia();
    let lazySuffix = false;
    let possessive = false;
    if (!this.inQuote && sc.peek() === 0x3f) {
      lazySuffix = true;
      sc.pos++;
    } else if (!this.inQuote && sc.peek() === 0x2b) {
      possessive = true;
      sc.pos++;
    }
    const span = { start: body.span.start, end: sc.pos };
    const greedy = possessive || (this.opts.ungreedy ? lazySuffix : !lazySuffix);
    const repeat = (node: Node): Node => {
      if (node.type === 'look') {
        // pcre2pattern "ASSERTIONS": {0} = never obeyed, {0,n} = {0,1}, any other = once.
        if (max === 0) return { type: 'empty', span };
        if (min > 0) return node;
        max = 1;
      }
      return { type: 'repeat', body: node, min, max, greedy, possessive, span };
    };
    // `[[:<:]]` is `\b(?=\w)`: a quantifier after it applies to the lookaround alone.
    if (body.type === 'seq' && this.posixBoundaries.has(body)) return { type: 'seq', items: [body.items[0]!, repeat(body.items[1]!)], span };
    return repeat(body);
  }

  // ------------------------------------------------------------ atoms

  private parseAtom(): Item {
    const sc = this.sc;
    const start = sc.pos;
    const c = sc.peek();
    switch (c) {
      case 0x28:
        return this.parseParen();
      case 0x5b: {
        if (sc.at('[[:<:]]') || sc.at('[[:>:]]')) return this.posixBoundary(start);
        if (posixSyntaxEnd(sc.src, sc.pos) >= 0) {
          sc.fail(sc.peek(1) === 0x3a ? 'POSIX named classes are supported only within a class' : 'POSIX collating elements are not supported');
        }
        const set = parsePcreClass(sc, this.opts, this.groupCount);
        return { node: { type: 'set', set, span: this.span(start) }, repeatable: true };
      }
      case 0x2e:
        sc.pos++;
        return { node: { type: 'set', set: this.opts.dotAll ? PCRE_ANY : PCRE_NOT_NEWLINE, span: this.span(start) }, repeatable: true };
      case 0x5e:
        sc.pos++;
        return this.assertion(this.opts.multiline ? 'pcre-line-start' : 'subject-start', start);
      case 0x24:
        sc.pos++;
        return this.assertion(
          this.opts.multiline ? 'pcre-line-end' : this.dollarEndOnly ? 'subject-end' : 'subject-end-or-final-newline',
          start,
        );
      case 0x5c:
        return this.parseEscape();
      default:
        sc.pos++;
        return { node: this.literal(c, start), repeatable: true };
    }
  }

  /**
   * PCRE2's Spencer-style word boundaries (pcre2pattern "POSIX CHARACTER CLASSES"): `[[:<:]]` is
   * `\b(?=\w)`, the start of a word, and `[[:>:]]` is `\b(?<=\w)`, its end.
   */
  private posixBoundary(start: number): Item {
    const behind = this.sc.at('[[:>:]]');
    this.sc.pos += 7;
    const span = this.span(start);
    const look: LookNode = { type: 'look', behind, negate: false, body: { type: 'set', set: WORD, span }, span };
    if (behind) this.lookbehinds.push(look);
    const node: Node = { type: 'seq', items: [{ type: 'assert', kind: 'word-boundary', span }, look], span };
    this.posixBoundaries.add(node);
    return { node, repeatable: true };
  }

  private assertion(kind: AssertKind, start: number): Item {
    return { node: { type: 'assert', kind, span: this.span(start) }, repeatable: false };
  }

  /** A literal code unit; caseless letters become a two-member set (ASCII folding only). */
  private literal(code: number, start: number): Node {
    const span = { start, end: Math.max(this.sc.pos, start + 1) };
    if (this.opts.caseless && isAsciiLetter(code)) return { type: 'set', set: CharSet.of(code, otherCasePcre(code)), span };
    return { type: 'char', code, span };
  }

  private parseEscape(): Item {
    const sc = this.sc;
    const start = sc.pos;
    const esc = readPcreEscape(sc, false, this.groupCount);
    const span = this.span(start);
    switch (esc.kind) {
      case 'char':
        return { node: this.literal(esc.code, start), repeatable: true };
      case 'type':
        return { node: { type: 'set', set: esc.set, span }, repeatable: true };
      case 'linebreak':
        return { node: linebreak(span), repeatable: true };
      case 'assert':
        return this.assertion(ESCAPE_ASSERTS[esc.letter], start);
      case 'keep':
        if (this.lookDepth > 0) {
          const error = new PatternError('syntax', '\\K is not allowed in lookarounds (but see PCRE2_EXTRA_ALLOW_LOOKAROUND_BSK)', sc.src.length);
          this.lateErrors.push({ at: start, error });
        }
        return { node: { type: 'keep', span }, repeatable: false };
      case 'backref':
        return { node: this.backref(esc.ref, start, esc.errorOffset), repeatable: true };
    }
  }

  private backref(target: BackrefTarget, start: number, errorOffset: number): Node {
    const node: Mutable<BackrefNode> = { type: 'backref', group: 0, caseless: this.opts.caseless, span: this.span(start) };
    if (target.by === 'relative') {
      // Relative references count the groups opened so far; backwards ones are checked at once.
      const n = target.delta < 0 ? this.groupCount + 1 + target.delta : this.groupCount + target.delta;
      if (n <= 0) this.sc.fail('reference to non-existent subpattern', errorOffset);
      this.refs.push({ node, target: { by: 'number', n }, offset: errorOffset });
    } else {
      this.refs.push({ node, target, offset: errorOffset });
    }
    return node;
  }

  /** Resolves back-references; references to groups that do not exist become late errors. */
  private resolveRefs(): void {
    for (const { node, target, offset } of this.refs) {
      const n = target.by === 'name' ? (this.names.get(target.name) ?? 0) : target.n;
      if (n > 0 && n <= this.groupCount) node.group = n;
      else this.lateErrors.push({ at: node.span.start, error: new PatternError('syntax', 'reference to non-existent subpattern', offset) });
    }
  }

  // ------------------------------------------------------------ parentheses

  private parseParen(): Item {
    const sc = this.sc;
    const start = sc.pos;
    // `(*` starts a verb or alpha assertion unless `)` or the end follows (then `*` is a misplaced quantifier).
    if (sc.peek(1) === 0x2a && sc.peek(2) !== 0x29 && sc.peek(2) >= 0) return this.parseVerb();
    if (sc.peek(1) !== 0x3f) {
      sc.pos++;
      return this.group(start, this.opts.noAutoCapture ? null : ++this.groupCount, null);
    }
    sc.pos += 2;
    const c = sc.peek();
    switch (c) {
      case 0x3a: // (?:
        sc.pos++;
        return this.group(start, null, null);
      case 0x7c: // (?|
        sc.pos++;
        return this.branchReset(start);
      case 0x3e: // (?>
        sc.pos++;
        return this.atomic(start);
      case 0x3d: // (?=
      case 0x21: // (?!
        sc.pos++;
        return this.look(start, false, c === 0x21);
      case 0x3c: // (?<= (?<! (?<* (?<name>
        if (sc.peek(1) === 0x2a) return sc.fail('non-atomic lookarounds are not supported by this linter', start, 'unsupported');
        if (sc.peek(1) === 0x3d || sc.peek(1) === 0x21) {
          sc.pos += 2;
          return this.look(start, true, sc.src.charCodeAt(sc.pos - 1) === 0x21);
        }
        sc.pos++;
        return this.namedGroup(start, 0x3e);
      case 0x27: // (?'name'
        sc.pos++;
        return this.namedGroup(start, 0x27);
      case 0x50: // (?P<name> (?P=name) (?P>name)
        return this.parsePythonSyntax(start);
      case 0x28: // (?(
        return sc.fail('conditional groups (?(...)...) are not supported by this linter', start, 'unsupported');
      case 0x43: // (?C
        return sc.fail('callouts (?C...) are not supported by this linter', start, 'unsupported');
      case 0x2a: // (?*
        return sc.fail('non-atomic lookarounds are not supported by this linter', start, 'unsupported');
      case 0x52: // (?R
      case 0x26: // (?&
        return sc.fail(MSG_SUBROUTINE, start, 'unsupported');
      default:
        if (isDigit(c) || ((c === 0x2b || c === 0x2d) && isDigit(sc.peek(1)))) sc.fail(MSG_SUBROUTINE, start, 'unsupported');
        if (c === 0x2b) sc.fail('digit expected after (?+ or (?-', sc.pos);
        return this.parseOptionSetting(start);
    }
  }

  private enterGroup(start: number): void {
    if (++this.nesting > MAX_NESTING) this.sc.fail('parentheses are too deeply nested', start);
  }

  /** Body up to the matching `)`; inline option changes inside do not leak out. */
  private groupBody(onBranch?: () => void): Node {
    const saved = { ...this.opts };
    const body = this.parseAlternatives(false, onBranch);
    this.opts = saved;
    if (this.sc.peek() !== 0x29 || this.inQuote) this.sc.fail('missing closing parenthesis', this.sc.src.length);
    this.sc.pos++;
    this.nesting--;
    return body;
  }

  private group(start: number, index: number | null, name: string | null): Item {
    this.enterGroup(start);
    const body = this.groupBody();
    const node: GroupNode = { type: 'group', index, name, body, span: this.span(start) };
    if (index !== null) this.groups.push(node);
    return { node, repeatable: true };
  }

  /** `(?|...)`: every alternative numbers its groups from the same start; the group count afterwards is the highest reached. */
  private branchReset(start: number): Item {
    this.enterGroup(start);
    this.usedBranchReset = true;
    const base = this.groupCount;
    let highest = base;
    const body = this.groupBody(() => {
      highest = Math.max(highest, this.groupCount);
      this.groupCount = base;
    });
    this.groupCount = Math.max(highest, this.groupCount);
    return { node: { type: 'group', index: null, name: null, body, span: this.span(start) }, repeatable: true };
  }

  private atomic(start: number): Item {
    this.enterGroup(start);
    const body = this.groupBody();
    return { node: { type: 'atomic', body, span: this.span(start) }, repeatable: true };
  }

  private look(start: number, behind: boolean, negate: boolean): Item {
    this.enterGroup(start);
    this.lookDepth++;
    const body = this.groupBody();
    this.lookDepth--;
    const node: LookNode = { type: 'look', behind, negate, body, span: this.span(start) };
    if (behind) this.lookbehinds.push(node);
    return { node, repeatable: true };
  }

  private namedGroup(start: number, terminator: number): Item {
    const sc = this.sc;
    const name = readGroupName(sc, terminator);
    const index = ++this.groupCount;
    const existing = this.names.get(name);
    if (existing !== undefined && existing !== index) {
      sc.fail('two named subpatterns have the same name (PCRE2_DUPNAMES not set)', sc.pos);
    }
    const other = this.nameOfNumber.get(index);
    if (other !== undefined && other !== name) {
      sc.fail('different names for subpatterns of the same number are not allowed', sc.pos);
    }
    this.names.set(name, index);
    this.nameOfNumber.set(index, name);
    return this.group(start, index, name);
  }

  private parsePythonSyntax(start: number): Item {
    const sc = this.sc;
    sc.pos++; // P
    const c = sc.peek();
    if (c === 0x3c) {
      sc.pos++;
      return this.namedGroup(start, 0x3e);
    }
    if (c === 0x3d) {
      sc.pos++;
      const nameAt = sc.pos;
      const name = readGroupName(sc, 0x29);
      return { node: this.backref({ by: 'name', name }, start, nameAt), repeatable: true };
    }
    if (c === 0x3e) sc.fail(MSG_SUBROUTINE, start, 'unsupported');
    if (c < 0) sc.fail('missing closing parenthesis', sc.src.length);
    return sc.fail('unrecognized character after (?P', sc.pos);
  }

  /** `(?imnsxU-imnsxU)`, `(?^...)`, or the scoped form `(?i:...)`. */
  private parseOptionSetting(start: number): Item {
    const sc = this.sc;
    const next = { ...this.opts };
    let off = false;
    if (sc.peek() === 0x5e) {
      // (?^) resets i, m, n, s, x (and xx) to their defaults; U is left alone.
      Object.assign(next, { caseless: false, multiline: false, noAutoCapture: false, dotAll: false, extended: false, extendedMore: false });
      sc.pos++;
      if (sc.peek() === 0x2d) sc.fail('invalid hyphen in option setting', sc.pos);
    }
    for (;;) {
      const c = sc.peek();
      if (c < 0) sc.fail('missing closing parenthesis', sc.src.length);
      sc.pos++;
      const letter = String.fromCharCode(c);
      const option = OPTION_LETTERS[letter];
      if (option) {
        next[option] = !off;
        continue;
      }
      switch (letter) {
        case '-':
          if (off) sc.fail('invalid hyphen in option setting', sc.pos - 1);
          off = true;
          continue;
        case 'x':
          // (?x) sets EXTENDED, (?xx) also EXTENDED_MORE; (?-x) clears both.
          next.extended = !off;
          if (off) next.extendedMore = false;
          else if (sc.peek() === 0x78) {
            next.extendedMore = true;
            sc.pos++;
          }
          continue;
        case 'J':
          return sc.fail('duplicate group names (?J) are not supported by this linter', start, 'unsupported');
        case ')':
          // Applies to the rest of the enclosing group, including its later alternatives.
          this.opts = next;
          return { node: { type: 'empty', span: this.span(start) }, repeatable: false, optionSetting: true };
        case ':': {
          const saved = this.opts;
          this.opts = next;
          const item = this.group(start, null, null);
          this.opts = saved;
          return item;
        }
        default:
          return sc.fail('unrecognized character after (? or (?-', sc.pos - 1);
      }
    }
  }

  /** `(*VERB)`, `(*UTF)`..., and the alpha assertions `(*pla:...)` etc. */
  private parseVerb(): Item {
    const sc = this.sc;
    const start = sc.pos;
    sc.pos += 2;
    const nameStart = sc.pos;
    while (isAsciiLetter(sc.peek()) || isDigit(sc.peek()) || sc.peek() === 0x5f) sc.pos++;
    const name = sc.src.slice(nameStart, sc.pos);
    const next = sc.peek();
    if (name === '') {
      if (next !== 0x3a) sc.fail('(*VERB) not recognized or malformed', sc.pos);
      if (sc.peek(1) === 0x29) sc.fail('(*MARK) must have an argument', sc.pos + 1);
      sc.fail(MSG_VERBS, start, 'unsupported');
    }
    if (!/^[a-z]/.test(name)) {
      const known = KNOWN_VERBS.has(name) || name.startsWith('LIMIT_');
      if (known && (next === 0x29 || next === 0x3a || next === 0x3d)) sc.fail(MSG_VERBS, start, 'unsupported');
      return sc.fail('(*VERB) not recognized or malformed', sc.pos);
    }
    const alpha = ALPHA_ASSERTIONS[name];
    if (alpha === undefined || sc.peek() !== 0x3a) return sc.fail('(*alpha_assertion) not recognized', sc.pos);
    if (alpha === 'unsupported') return sc.fail(`(*${name}:...) is not supported by this linter`, start, 'unsupported');
    sc.pos++;
    if (alpha === 'atomic') return this.atomic(start);
    return this.look(start, alpha.behind, alpha.negate);
  }

  private span(start: number): Span {
    return { start, end: this.sc.pos };
  }
}

/** Inline option letters other than `x` (which has the `xx` form). */
const OPTION_LETTERS: Readonly<Record<string, 'caseless' | 'multiline' | 'noAutoCapture' | 'dotAll' | 'ungreedy'>> = {
  i: 'caseless',
  m: 'multiline',
  n: 'noAutoCapture',
  s: 'dotAll',
  U: 'ungreedy',
};

const ESCAPE_ASSERTS: Readonly<Record<'A' | 'z' | 'Z' | 'b' | 'B' | 'G', AssertKind>> = {
  A: 'subject-start',
  z: 'subject-end',
  Z: 'subject-end-or-final-newline',
  b: 'word-boundary',
  B: 'not-word-boundary',
  G: 'start-offset',
};

const KNOWN_VERBS = new Set(
  (
    'ACCEPT FAIL F COMMIT PRUNE SKIP THEN MARK UTF UCP NO_AUTO_POSSESS NO_DOTSTAR_ANCHOR NO_JIT ' +
    'NO_START_OPT NOTEMPTY NOTEMPTY_ATSTART CR LF CRLF ANYCRLF ANY NUL BSR_ANYCRLF BSR_UNICODE'
  ).split(' '),
);

type AlphaAssertion = 'atomic' | 'unsupported' | { behind: boolean; negate: boolean };

const ALPHA_ASSERTIONS: Readonly<Record<string, AlphaAssertion>> = {
  pla: { behind: false, negate: false },
  positive_lookahead: { behind: false, negate: false },
  nla: { behind: false, negate: true },
  negative_lookahead: { behind: false, negate: true },
  plb: { behind: true, negate: false },
  positive_lookbehind: { behind: true, negate: false },
  nlb: { behind: true, negate: true },
  negative_lookbehind: { behind: true, negate: true },
  atomic: 'atomic',
  napla: 'unsupported',
  non_atomic_positive_lookahead: 'unsupported',
  naplb: 'unsupported',
  non_atomic_positive_lookbehind: 'unsupported',
  sr: 'unsupported',
  script_run: 'unsupported',
  asr: 'unsupported',
  atomic_script_run: 'unsupported',
};

/** `\R` in non-UTF mode with BSR_UNICODE (the default): `(?>\r\n|\n|\x0b|\x0c|\r|\x85)`. */
function linebreak(span: Span): Node {
  const crlf: Node = {
    type: 'seq',
    items: [
      { type: 'char', code: 0x0d, span },
      { type: 'char', code: 0x0a, span },
    ],
    span,
  };
  const single: Node = { type: 'set', set: CharSet.of(0x0a, 0x0b, 0x0c, 0x0d, 0x85), span };
  return { type: 'atomic', body: { type: 'alt', alts: [crlf, single], span }, span };
}

/** Parses a PCRE pattern given as bytes. Throws {@link PatternError} with offsets into `bytes`. */
export function parsePcre(bytes: string, options: PcreCompileOptions): ParsedPattern {
  return new PcreParser(bytes, options).parse();
}

