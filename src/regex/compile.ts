/**
 * Compiles a parsed pattern into a backtracking matcher made of closures.
 *
 * Each node becomes `(pos) => boolean` that knows its continuation (the rest of the pattern) at
 * compile time, so matching allocates nothing but the result. Backtracking is the JS call stack:
 * a matcher returns false after restoring any state it changed; it returns true only when the
 * whole pattern (or an assertion / atomic body) has matched. Captures changed on the way are
 * recorded on an undo trail so atomic groups and assertions can roll them back.
 *
 * Priority is Perl's (and ECMAScript's): alternatives left to right, greedy quantifiers try one
 * more iteration first, lazy ones one fewer. Every choice point costs one step of the budget.
 */
import type { AssertKind, BackrefNode, GroupNode, LookNode, MatchSemantics, Node, ParsedPattern, RepeatNode } from './ast.js';
import { forEachChild } from './ast.js';
import type { CharSet } from './charset.js';
import { ECMA_LINE_TERMINATORS, WORD, canonEcma } from './char-classes.js';
import { firstCharSet, firstInfo, singleCharSet } from './first-chars.js';
import { lookbehindBranches } from './lookbehind.js';
import { MAX_DEPTH, codeTable, type CodeTable, type M, type State } from './match-state.js';
import { RegexBudgetError } from './types.js';

/** Lowest and highest capture group numbers inside `node` ([1, 0] when none). */
function captureRange(node: Node): [number, number] {
  let lo = Infinity;
  let hi = 0;
  const visit = (n: Node): void => {
    if (n.type === 'group' && n.index !== null) {
      lo = Math.min(lo, n.index);
      hi = Math.max(hi, n.index);
    }
    forEachChild(n, visit);
  };
  visit(node);
  return hi === 0 ? [1, 0] : [lo, hi];
}

function collectGroups(node: Node, out: GroupNode[]): GroupNode[] {
  if (node.type === 'group' && node.index !== null) out.push(node);
  forEachChild(node, (c) => collectGroups(c, out));
  return out;
}

const isWordTable = codeTable(WORD).table;

/** Turns syntax tree nodes into matchers bound to one {@link State}. */
export class Compiler {
  private loops = 0;
  private readonly groups: GroupNode[];
  private readonly sem: MatchSemantics;
  /** Inner accept of assertion and atomic bodies: remembers where the body ended. */
  private readonly acceptInner: M;
  /**
   * Lookup tables by set, shared (matchers only read them): a case-insensitive pattern makes a
   * set of every letter, and a 256-byte table per letter of a 100 KB pattern kept the GC busy
   * for seconds (found by test/fuzz).
   */
  private readonly tables = new Map<string, CodeTable>();

  constructor(
    private readonly st: State,
    private readonly parsed: ParsedPattern,
  ) {
    this.groups = collectGroups(parsed.root, []);
    this.sem = parsed.semantics;
    this.acceptInner = (p) => {
      st.innerEnd = p;
      return true;
    };
  }

  get loopCount(): number {
    return this.loops;
  }

  node(n: Node, next: M): M {
    switch (n.type) {
      case 'empty':
        return next;
      case 'char':
        return this.char(n.code, next);
      case 'set':
        return this.set(n.set, next);
      case 'seq':
        return this.seq(n.items, next);
      case 'alt':
        return this.alt(n.alts.map((a) => this.node(a, next)));
      case 'group':
        return n.index === null ? this.node(n.body, next) : this.capture(n.index, n.body, next);
      case 'repeat':
        return this.repeat(n, next);
      case 'assert':
        return this.assertion(n.kind, next);
      case 'look':
        return n.behind ? this.lookbehind(n, next) : this.lookahead(n, next);
      case 'atomic':
        return this.atomic(this.node(n.body, this.acceptInner), next);
      case 'backref':
        return this.backref(n, next);
      case 'keep':
        return this.keep(next);
    }
  }

  private char(code: number, next: M): M {
    const st = this.st;
    return (pos) => pos < st.len && st.s.charCodeAt(pos) === code && next(pos + 1);
  }

  private set(set: CharSet, next: M): M {
    const st = this.st;
    const single = set.single;
    if (single >= 0) return this.char(single, next);
    const { table, wide } = this.codeTable(set);
    if (wide === null) return (pos) => pos < st.len && table[st.s.charCodeAt(pos)] === 1 && next(pos + 1);
    return (pos) => {
      if (pos >= st.len) return false;
      const c = st.s.charCodeAt(pos);
      return (c < 256 ? table[c] === 1 : wide.has(c)) && next(pos + 1);
    };
  }

  private codeTable(set: CharSet): CodeTable {
    const key = set.ranges.join(',');
    let t = this.tables.get(key);
    if (!t) this.tables.set(key, (t = codeTable(set)));
    return t;
  }

  /** Right to left, so that each item knows its continuation; runs of literals become one comparison. */
  private seq(items: readonly Node[], next: M): M {
    let m = next;
    for (let i = items.length - 1; i >= 0; ) {
      const item = items[i]!;
      if (item.type === 'char' && i > 0 && items[i - 1]!.type === 'char') {
        let j = i;
        while (j > 0 && items[j - 1]!.type === 'char') j--;
        // Not String.fromCharCode(...codes): spreading a run of 100,000 literals overflows the stack.
        let text = '';
        for (let k = j; k <= i; k++) text += String.fromCharCode((items[k] as { code: number }).code);
        m = this.literal(text, m);
        i = j - 1;
        continue;
      }
      const following = items[i + 1];
      m = following && item.type === 'repeat' && canPossessify(item, following) ? this.node({ ...item, possessive: true }, m) : this.node(item, m);
      i--;
    }
    return m;
  }

  private literal(text: string, next: M): M {
    const st = this.st;
    const n = text.length;
    return (pos) => st.s.startsWith(text, pos) && next(pos + n);
  }

  private alt(alts: M[]): M {
    const st = this.st;
    if (alts.length === 2) {
      const [a, b] = alts as [M, M];
      return (pos) => {
        st.step();
        if (a(pos)) return true;
        st.step();
        return b(pos);
      };
    }
    return (pos) => {
      for (let i = 0; i < alts.length; i++) {
        st.step();
        if (alts[i]!(pos)) return true;
      }
      return false;
    };
  }

  /** A capture records its start when entered and commits both offsets when the body reaches its end. */
  private capture(g: number, body: Node, next: M): M {
    const st = this.st;
    const close: M = (pos) => {
      const mark = st.trailLen;
      st.setCap(2 * g, st.open[g]!);
      st.setCap(2 * g + 1, pos);
      if (next(pos)) return true;
      st.undoTo(mark);
      return false;
    };
    const inner = this.node(body, close);
    return (pos) => {
      const old = st.open[g]!;
      st.open[g] = pos;
      if (inner(pos)) return true;
      st.open[g] = old;
      return false;
    };
  }

  private repeat(n: RepeatNode, next: M): M {
    if (n.max === 0) return next;
    const single = singleCharSet(n.body);
    if (single) return this.charLoop(single, n.min, n.max, n.possessive ? 'possessive' : n.greedy ? 'greedy' : 'lazy', next);
    if (n.possessive) return this.atomic(this.repeat({ ...n, possessive: false }, this.acceptInner), next);
    if (n.min === 1 && n.max === 1) return this.node(n.body, next);
    if (n.max === 1 && (this.sem.emptyIteration === 'stop' || firstCharSet(n.body) !== null)) return this.optional(n, next);
    return this.loop(n, next);
  }

  /** `x*`, `[^;]+?`... over a single code unit: count the run once, then try the continuation at each length. */
  private charLoop(set: CharSet, min: number, max: number, mode: 'greedy' | 'lazy' | 'possessive', next: M): M {
    const st = this.st;
    const { table, wide } = this.codeTable(set);
    const anything = set.coversAll(this.parsed.maxCode);
    // `.`, `[^;]`, `[^=]`: the run ends at the first of a few excluded characters; native indexOf finds it fastest.
    const excluded = set.negate(this.parsed.maxCode);
    const stoppers = excluded.size <= 4 ? collectCodes(excluded).map((c) => String.fromCharCode(c)) : null;
    /** Length of the run of members at `pos`, at most `limit`. */
    const run = (pos: number, limit: number): number => {
      if (anything) return limit; // `.` under DOTALL, `[\s\S]`, `\C`
      if (stoppers !== null) {
        let end = pos + limit;
        for (const stop of stoppers) {
          const i = st.s.indexOf(stop, pos);
          if (i >= 0 && i < end) end = i;
        }
        return end - pos;
      }
      const s = st.s;
      const t = table;
      const end = pos + limit;
      let i = pos;
      for (; i < end; i++) {
        const c = s.charCodeAt(i);
        if (c < 256 ? t[c] !== 1 : wide === null || !wide.has(c)) break;
      }
      return i - pos;
    };
    if (mode === 'possessive') {
      return (pos) => {
        const n = run(pos, Math.min(max, st.len - pos));
        if (n < min) return false;
        st.step();
        return next(pos + n);
      };
    }
    if (mode === 'greedy') {
      return (pos) => {
        for (let n = run(pos, Math.min(max, st.len - pos)); n >= min; n--) {
          st.step();
          if (next(pos + n)) return true;
        }
        return false;
      };
    }
    return (pos) => {
      const available = run(pos, Math.min(max, st.len - pos));
      for (let n = min; n <= available; n++) {
        st.step();
        if (next(pos + n)) return true;
      }
      return false;
    };
  }

  /** `x?` where no empty-iteration rule can apply. */
  private optional(n: RepeatNode, next: M): M {
    const st = this.st;
    const body = this.node(n.body, next);
    if (n.greedy) {
      return (pos) => {
        st.step();
        return body(pos) || next(pos);
      };
    }
    return (pos) => {
      st.step();
      return next(pos) || body(pos);
    };
  }

  /**
   * A general loop. Per-loop state (iterations done, where the current iteration started) lives
   * in the State arrays and is saved/restored around each entry so nested re-entry works.
   * Empty iterations: PCRE (KETRMAX) stops looping after an unbounded-repeat iteration that
   * matched nothing and goes on with the rest; ECMAScript (RepeatMatcher) fails such an
   * iteration once the minimum is reached.
   */
  private loop(n: RepeatNode, next: M): M {
    const st = this.st;
    const L = this.loops++;
    const { min, max, greedy } = n;
    const stopOnEmpty = this.sem.emptyIteration === 'stop' && max === Infinity;
    const failOnEmpty = this.sem.emptyIteration === 'fail';
    const [capLo, capHi] = captureRange(n.body);
    const resetCaps = this.sem.resetCapturesPerIteration && capHi >= capLo;
    const pattern = st.pattern;
    let body: M = () => false;

    const iterate = (pos: number): boolean => {
      const saved = st.iterStart[L]!;
      st.iterStart[L] = pos;
      if (++st.depth > MAX_DEPTH) throw new RegexBudgetError(pattern, `more than ${MAX_DEPTH} nested loop iterations`);
      let r: boolean;
      if (resetCaps && st.count[L]! > 0) {
        // ECMAScript RepeatMatcher step 4: captures inside the atom start undefined in every iteration.
        const mark = st.trailLen;
        for (let g = capLo; g <= capHi; g++) {
          if (st.caps[2 * g] !== -1) {
            st.setCap(2 * g, -1);
            st.setCap(2 * g + 1, -1);
          }
        }
        r = body(pos);
        if (!r) st.undoTo(mark);
      } else {
        r = body(pos);
      }
      st.depth--;
      st.iterStart[L] = saved;
      return r;
    };
    const more = (pos: number): boolean => {
      const c = st.count[L]!;
      if (c < min) return iterate(pos);
      if (c >= max) return next(pos);
      st.step();
      if (greedy) return iterate(pos) || next(pos);
      return next(pos) || iterate(pos);
    };
    const iterEnd: M = (pos) => {
      const c = st.count[L]!;
      if (pos === st.iterStart[L]) {
        if (failOnEmpty && c >= min) return false;
        if (stopOnEmpty && c + 1 >= min) return next(pos);
      }
      st.count[L] = c + 1;
      const r = more(pos);
      st.count[L] = c;
      return r;
    };
    body = this.node(n.body, iterEnd);
    return (pos) => {
      const savedCount = st.count[L]!;
      const savedStart = st.iterStart[L]!;
      st.count[L] = 0;
      const r = more(pos);
      st.count[L] = savedCount;
      st.iterStart[L] = savedStart;
      return r;
    };
  }

  /** Runs `inner` (which ends in acceptInner) once; never backtracks into it. */
  private atomic(inner: M, next: M): M {
    const st = this.st;
    return (pos) => {
      const mark = st.trailLen;
      if (!inner(pos)) return false;
      if (next(st.innerEnd)) return true;
      st.undoTo(mark);
      return false;
    };
  }

  private lookahead(n: LookNode, next: M): M {
    const st = this.st;
    const inner = this.node(n.body, this.acceptInner);
    if (n.negate) {
      return (pos) => {
        const mark = st.trailLen;
        if (inner(pos)) {
          st.undoTo(mark);
          return false;
        }
        return next(pos);
      };
    }
    return (pos) => {
      const mark = st.trailLen;
      if (!inner(pos)) return false;
      if (next(pos)) return true;
      st.undoTo(mark);
      return false;
    };
  }

  /** PCRE lookbehind: each alternative has a fixed length; step back by it and match forwards. */
  private lookbehind(n: LookNode, next: M): M {
    const st = this.st;
    const branches = lookbehindBranches(n, this.groups).map((b) => ({ length: b.length, m: this.node(b.node, this.acceptInner) }));
    const matches = (pos: number): boolean => {
      for (const b of branches) {
        if (pos < b.length) continue;
        st.step();
        if (b.m(pos - b.length)) return true;
      }
      return false;
    };
    return (pos) => {
      const mark = st.trailLen;
      const ok = matches(pos);
      if (ok === n.negate) {
        st.undoTo(mark);
        return false;
      }
      if (next(pos)) return true;
      st.undoTo(mark);
      return false;
    };
  }

  private backref(n: BackrefNode, next: M): M {
    const st = this.st;
    const g = n.group;
    const emptyIfUnset = this.sem.unsetBackrefMatchesEmpty;
    const fold = !n.caseless ? null : this.sem.backrefFold === 'ascii' ? foldAscii : canonEcma;
    return (pos) => {
      const start = st.caps[2 * g]!;
      if (start < 0) return emptyIfUnset && next(pos);
      const len = st.caps[2 * g + 1]! - start;
      if (pos + len > st.len) return false;
      const s = st.s;
      for (let i = 0; i < len; i++) {
        const a = s.charCodeAt(start + i);
        const b = s.charCodeAt(pos + i);
        if (a !== b && (fold === null || fold(a) !== fold(b))) return false;
      }
      return next(pos + len);
    };
  }

  private keep(next: M): M {
    const st = this.st;
    return (pos) => {
      const mark = st.trailLen;
      st.setCap(0, pos);
      if (next(pos)) return true;
      st.undoTo(mark);
      return false;
    };
  }

  private assertion(kind: AssertKind, next: M): M {
    const st = this.st;
    const isLT = (c: number): boolean => ECMA_LINE_TERMINATORS.has(c);
    const isWord = (pos: number): boolean => pos >= 0 && pos < st.len && isWordTable[st.s.charCodeAt(pos)] === 1;
    switch (kind) {
      case 'subject-start':
        return (pos) => pos === 0 && next(pos);
      case 'subject-end':
        return (pos) => pos === st.len && next(pos);
      case 'subject-end-or-final-newline':
        return (pos) => (pos === st.len || (pos === st.len - 1 && st.s.charCodeAt(pos) === 0x0a)) && next(pos);
      case 'pcre-line-start':
        // PCRE2 OP_CIRCM: at the start, or after a newline that does not end the subject.
        return (pos) => (pos === 0 || (pos < st.len && st.s.charCodeAt(pos - 1) === 0x0a)) && next(pos);
      case 'pcre-line-end':
        return (pos) => (pos === st.len || st.s.charCodeAt(pos) === 0x0a) && next(pos);
      case 'ecma-line-start':
        return (pos) => (pos === 0 || isLT(st.s.charCodeAt(pos - 1))) && next(pos);
      case 'ecma-line-end':
        return (pos) => (pos === st.len || isLT(st.s.charCodeAt(pos))) && next(pos);
      case 'word-boundary':
        return (pos) => isWord(pos - 1) !== isWord(pos) && next(pos);
      case 'not-word-boundary':
        return (pos) => isWord(pos - 1) === isWord(pos) && next(pos);
      case 'start-offset':
        return (pos) => pos === st.from && next(pos);
    }
  }
}

/**
 * PCRE2-style auto-possessification: a single-character loop followed by an item that must start
 * with a character the loop cannot take never needs to give characters back. Changes speed and
 * step counts, never results.
 */
function canPossessify(loop: RepeatNode, following: Node): boolean {
  const set = singleCharSet(loop.body);
  if (!set || loop.possessive) return false;
  const f = firstInfo(following);
  if (f.nullable || f.set === null) return false;
  const other = f.set;
  for (let i = 0; i < set.ranges.length; i += 2) {
    for (let j = 0; j < other.ranges.length; j += 2) {
      if (set.ranges[i]! <= other.ranges[j + 1]! && other.ranges[j]! <= set.ranges[i + 1]!) return false;
    }
  }
  return true;
}

function collectCodes(set: CharSet): number[] {
  const codes: number[] = [];
  set.forEach((c) => {
    codes.push(c);
  });
  return codes;
}

function foldAscii(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}
