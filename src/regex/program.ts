/**
 * The search around a compiled matcher: which start positions to try (leftmost first), the
 * shortcuts that skip hopeless ones, the PCRE2 match options, and building the result.
 */
import { BoundedMap } from './bounded-map.js';
import { forEachChild, type Node, type ParsedPattern } from './ast.js';
import { Compiler } from './compile.js';
import { firstCharSet, isAnchoredAtStart, requiredChars, startsWithDotStar } from './first-chars.js';
import { State, codeTable, type M } from './match-state.js';
import { RegexBudgetError, type ExecFlags, type Match } from './types.js';

function collectBackrefTargets(node: Node, out: Set<number>): void {
  if (node.type === 'backref') out.add(node.group);
  forEachChild(node, (c) => collectBackrefTargets(c, out));
}

function containsAny(subject: string, texts: readonly string[], from: number): boolean {
  for (const t of texts) if (subject.indexOf(t, from) >= 0) return true;
  return false;
}

/** Costly calls remembered per pattern (each keeps its subject), and what makes a call costly. */
const MEMO_CALLS = 256;
const MEMO_CHARS = 1_000_000;
const MEMO_MIN_STEPS = 1_000;

/** A compiled program: call with a subject and options, get a match or null. */
export type Exec = (subject: string, from: number, flags: ExecFlags | undefined) => Match | null;

/** Builds the exec function for a parsed pattern. `pattern` is only used in error messages. */
export function compileProgram(parsed: ParsedPattern, pattern: string, stepLimit: number): Exec {
  const st = new State(parsed.groupCount, stepLimit, pattern);
  const accept: M = (pos) => {
    // PCRE2_NOTEMPTY_ATSTART: an empty match whose (possibly \K-moved) start is the start offset is rejected.
    if (st.notEmptyAtStart && pos === st.caps[0] && pos === st.from) return false;
    st.end = pos;
    return true;
  };
  const compiler = new Compiler(st, parsed);
  const root = compiler.node(parsed.root, accept);
  st.count = new Int32Array(compiler.loopCount);
  st.iterStart = new Int32Array(compiler.loopCount);
  const backrefTargets = new Set<number>();
  collectBackrefTargets(parsed.root, backrefTargets);
  const anchored = isAnchoredAtStart(parsed.root) || startsWithDotStar(parsed.root, parsed.maxCode, backrefTargets);
  const firstSet = firstCharSet(parsed.root);
  const first = firstSet ? codeTable(firstSet) : null;
  const required = requiredChars(parsed.root);
  const requiredText: string[] = [];
  required?.forEach((c) => {
    requiredText.push(String.fromCharCode(c));
  });
  const groupCount = parsed.groupCount;
  /** Whether a match may start at `i` (first-character filter). */
  const mayStart = (subject: string, i: number): boolean => {
    if (first === null) return true;
    if (i >= subject.length) return false;
    const c = subject.charCodeAt(i);
    return c < 256 ? first.table[c] === 1 : first.wide !== null && first.wide.has(c);
  };

  const attempt = (start: number): boolean => {
    st.step();
    st.caps[0] = start;
    return root(start);
  };

  // Every rule, sample and fix proof brings the same values to the same pattern: a costly call
  // (many backtracking steps, or the budget exhausted) is answered from memory the next time,
  // with the same match or the same error. Found by test/fuzz: on 6-line files, `(.*)*x` spent
  // 2,790 budgets on one cookie value and `^(([a-z])+.)+[A-Z]([a-z])+$` made 15,000 near-budget
  // matches of 414 values, seconds each. Matches are immutable, so sharing them is safe.
  // Oldest out first when full: a compiled regex is shared by every file of a run, and a memo
  // that stopped taking entries once full made later files pay the budget again (found by a
  // long fuzz run: 2.3 s for a 5-line file late in the run, 75 ms on its own).
  const memo = new BoundedMap<Match | null | RegexBudgetError>(MEMO_CALLS, MEMO_CHARS);
  const remember = (key: string, value: Match | null | RegexBudgetError): void => memo.set(key, value);
  const callKey = (subject: string, from: number, flags: ExecFlags | undefined): string =>
    `${from}\u0000${flags?.anchored ? 1 : 0}${flags?.notEmptyAtStart ? 1 : 0}\u0000${subject}`;

  return (subject, from, flags) => {
    if (!(from >= 0 && from <= subject.length)) return null;
    if (requiredText.length > 0 && !containsAny(subject, requiredText, from)) return null;
    const key = memo.size > 0 ? callKey(subject, from, flags) : undefined;
    const known = key === undefined ? undefined : memo.get(key);
    if (known instanceof RegexBudgetError) throw known;
    if (known !== undefined) return known;
    const result = search(subject, from, flags);
    if (st.steps >= MEMO_MIN_STEPS) remember(key ?? callKey(subject, from, flags), result);
    return result;
  };

  /** One search; a budget error is remembered (the call cost the whole budget) and thrown. */
  function search(subject: string, from: number, flags: ExecFlags | undefined): Match | null {
    st.s = subject;
    st.len = subject.length;
    st.from = from;
    st.notEmptyAtStart = flags?.notEmptyAtStart ?? false;
    st.steps = 0;
    st.depth = 0;
    st.trailLen = 0;
    st.caps.fill(-1);
    let found = -1;
    try {
      if (anchored || flags?.anchored) {
        if (mayStart(subject, from) && attempt(from)) found = from;
      } else {
        for (let start = from; start <= subject.length; start++) {
          if (mayStart(subject, start) && attempt(start)) {
            found = start;
            break;
          }
        }
      }
    } catch (e) {
      // Deterministic limits come first (steps, MAX_DEPTH); this only catches what slips through.
      const error = e instanceof RangeError ? new RegexBudgetError(pattern, 'the matcher ran out of stack') : e;
      if (error instanceof RegexBudgetError) remember(callKey(subject, from, flags), error);
      throw error;
    }
    if (found < 0) return null;
    const captures: Array<readonly [number, number] | undefined> = new Array<readonly [number, number] | undefined>(groupCount + 1);
    captures[0] = [st.caps[0]!, st.end];
    for (let g = 1; g <= groupCount; g++) {
      const s = st.caps[2 * g]!;
      captures[g] = s < 0 ? undefined : [s, st.caps[2 * g + 1]!];
    }
    return { start: st.caps[0]!, end: st.end, captures };
  }
}
