/**
 * PCRE2 10.42 character classes `[...]` in 8-bit non-UTF mode (pcre2pattern(3) "SQUARE BRACKETS
 * AND CHARACTER CLASSES", "POSIX CHARACTER CLASSES").
 */
import { type CharSet, CharSetBuilder } from './charset.js';
import { PCRE_MAX, POSIX_CLASSES, foldPcre } from './char-classes.js';
import { MSG_INVALID_ESCAPE, readPcreEscape } from './pcre-escapes.js';
import { PatternError, type Scanner } from './scanner.js';

export interface ClassOptions {
  readonly caseless: boolean;
  /** PCRE2_EXTENDED_MORE (`(?xx)`): unescaped space and tab inside classes are ignored. */
  readonly extendedMore: boolean;
}

const RBRACKET = 0x5d;
const HYPHEN = 0x2d;
const BACKSLASH = 0x5c;

/** One class member as read: a single code unit (may start a range) or a set (`\d`, `[:alpha:]`). */
type Member = { readonly code: number } | { readonly set: CharSet; readonly property?: true };

/**
 * Whether `[` at `pos` starts POSIX syntax `[:name:]` / `[.x.]` / `[=x=]`; returns the offset of
 * the closing terminator, or -1. Mirrors PCRE2's rule: the terminator followed by `]` ends it,
 * while an unescaped `]` or a nested `[` + terminator first means it is not POSIX syntax.
 */
export function posixSyntaxEnd(src: string, pos: number): number {
  const term = src.charCodeAt(pos + 1);
  if (term !== 0x3a && term !== 0x2e && term !== 0x3d) return -1;
  for (let p = pos + 2; p < src.length; p++) {
    const c = src.charCodeAt(p);
    if (c === BACKSLASH && (src.charCodeAt(p + 1) === RBRACKET || src.charCodeAt(p + 1) === BACKSLASH)) p++;
    else if ((c === 0x5b && src.charCodeAt(p + 1) === term) || c === RBRACKET) return -1;
    else if (c === term && src.charCodeAt(p + 1) === RBRACKET) return p;
  }
  return -1;
}

class PcreClassReader {
  private inQuote = false;
  private readonly members = new CharSetBuilder();
  /** `\p{..}` members: caseless matching does not fold them (pcre2pattern, "Unicode character properties"). */
  private readonly properties = new CharSetBuilder();

  constructor(
    private readonly sc: Scanner,
    private readonly opts: ClassOptions,
    private readonly groupsSoFar: number,
  ) {}

  read(): CharSet {
    const sc = this.sc;
    sc.pos++;
    let negate = false;
    // Before the first real member PCRE2 skips \E, \Q\E, (xx) blanks and one `^`.
    for (;;) {
      if (sc.at('\\E')) sc.pos += 2;
      else if (sc.at('\\Q\\E')) sc.pos += 4;
      else if (this.isBlank()) sc.pos++;
      else if (!negate && sc.peek() === 0x5e) {
        negate = true;
        sc.pos++;
      } else break;
    }
    let first = true;
    for (;;) {
      if (sc.eof) sc.fail('missing terminating ] for character class', sc.pos);
      if (!this.inQuote && sc.peek() === RBRACKET && !first) break;
      first = false;
      const member = this.readMember();
      if (member === null) continue;
      this.addMemberOrRange(member);
    }
    sc.pos++;
    let set = this.members.build();
    if (this.opts.caseless) set = foldPcre(set);
    set = set.union(this.properties.build());
    return negate ? set.negate(PCRE_MAX) : set;
  }

  private isBlank(): boolean {
    const c = this.sc.peek();
    return this.opts.extendedMore && !this.inQuote && (c === 0x20 || c === 0x09);
  }

  /** Reads one member; null for things that are not members (\Q, \E, ignored blanks). */
  private readMember(): Member | null {
    const sc = this.sc;
    const c = sc.peek();
    if (this.inQuote) {
      if (sc.at('\\E')) {
        this.inQuote = false;
        sc.pos += 2;
        return null;
      }
      sc.pos++;
      return { code: c };
    }
    if (this.isBlank()) {
      sc.pos++;
      return null;
    }
    if (c === 0x5b) {
      const end = posixSyntaxEnd(sc.src, sc.pos);
      if (end >= 0) return { set: this.readPosix(end) };
    }
    if (c === BACKSLASH) {
      if (sc.at('\\Q')) {
        this.inQuote = true;
        sc.pos += 2;
        return null;
      }
      if (sc.at('\\E')) {
        sc.pos += 2;
        return null;
      }
      const esc = readPcreEscape(sc, true, this.groupsSoFar);
      if (esc.kind === 'char') return { code: esc.code };
      if (esc.kind === 'type') return esc.property ? { set: esc.set, property: true } : { set: esc.set };
      return sc.fail(MSG_INVALID_ESCAPE, sc.pos - 1);
    }
    sc.pos++;
    return { code: c };
  }

  private readPosix(end: number): CharSet {
    const sc = this.sc;
    if (sc.src.charCodeAt(sc.pos + 1) !== 0x3a) sc.fail('POSIX collating elements are not supported', sc.pos);
    let name = sc.src.slice(sc.pos + 2, end);
    const negated = name.startsWith('^');
    if (negated) name = name.slice(1);
    const nameAt = end - name.length;
    // With PCRE2_CASELESS, [:upper:] and [:lower:] mean [:alpha:] (pcre2_compile.c).
    if (this.opts.caseless && (name === 'upper' || name === 'lower')) name = 'alpha';
    const set = POSIX_CLASSES.get(name);
    if (!set) return sc.fail('unknown POSIX class name', nameAt);
    sc.pos = end + 2;
    return negated ? set.negate(PCRE_MAX) : set;
  }

  private addMemberOrRange(member: Member): void {
    const sc: Scanner = this.sc; // typed, so that sc.fail() (never) ends a branch
    const save = sc.pos;
    const quoteSave = this.inQuote;
    const literal = (): void => {
      // Not a range: the hyphen (if any) is read again as an ordinary member.
      sc.pos = save;
      this.inQuote = quoteSave;
      this.add(member);
    };
    this.skipIgnorableInRange();
    if (this.inQuote || sc.peek() !== HYPHEN) {
      literal();
      return;
    }
    const hyphenAt = sc.pos;
    sc.pos++;
    if ('set' in member) {
      // `[\d-]` is fine; `[\d-a]` is an error (Perl would warn). PCRE2 does not skip \E here.
      if (sc.peek() === RBRACKET) {
        literal();
        return;
      }
      sc.fail('invalid range in character class', hyphenAt);
    }
    this.skipIgnorableInRange();
    if (!this.inQuote && sc.peek() === RBRACKET) {
      literal();
      return;
    }
    let end: Member | null = null;
    while (end === null) {
      if (sc.eof) sc.fail('missing terminating ] for character class', sc.pos);
      end = this.readRangeEnd();
    }
    if ('set' in end) sc.fail('invalid range in character class', sc.pos);
    if (end.code < member.code) sc.fail('range out of order in character class', sc.pos - 1);
    this.members.add(member.code, end.code);
  }

  /** As readMember, but an escape that is not a character is "invalid range", not "invalid escape". */
  private readRangeEnd(): Member | null {
    try {
      return this.readMember();
    } catch (e) {
      if (e instanceof PatternError && e.message === MSG_INVALID_ESCAPE) return this.sc.fail('invalid range in character class', this.sc.pos);
      throw e;
    }
  }

  private skipIgnorableInRange(): void {
    const sc = this.sc;
    for (;;) {
      if (sc.at('\\E')) {
        this.inQuote = false;
        sc.pos += 2;
      } else if (!this.inQuote && sc.at('\\Q\\E')) sc.pos += 4;
      else if (this.isBlank()) sc.pos++;
      else return;
    }
  }

  private add(member: Member): void {
    if ('set' in member) (member.property ? this.properties : this.members).addSet(member.set);
    else this.members.add(member.code, member.code);
  }
}

/** Parses the class at `sc.pos` (the `[`) and moves past its `]`. Caseless folding and negation applied. */
export function parsePcreClass(sc: Scanner, opts: ClassOptions, groupsSoFar: number): CharSet {
  return new PcreClassReader(sc, opts, groupsSoFar).read();
}
