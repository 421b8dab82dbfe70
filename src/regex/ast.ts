/**
 * The one syntax tree both flavor parsers produce and the matcher compiles.
 *
 * Everything that depends on scoped options (`(?i)`, `(?s)`, `(?m)`) or on the flavor's meaning
 * of a construct is resolved by the parser: a caseless letter is already a two-member set, `.` is
 * already the set it matches, `^` is already the kind of position it tests. The only flavor
 * differences left to the matcher are the quantifier and back-reference rules (see
 * {@link MatchSemantics}).
 *
 * Spans are offsets into the text the parser read (for PCRE: the pattern as bytes, see
 * `bytes.ts`), half-open.
 */
import type { CharSet } from './charset.js';

export interface Span {
  readonly start: number;
  readonly end: number;
}

export type Node =
  | EmptyNode
  | CharNode
  | SetNode
  | SeqNode
  | AltNode
  | GroupNode
  | RepeatNode
  | AssertNode
  | LookNode
  | AtomicNode
  | BackrefNode
  | KeepNode;

/** Matches the empty string (an empty alternative, `(?:)`, a `(?i)` setting...). */
export interface EmptyNode {
  readonly type: 'empty';
  readonly span: Span;
}

/** One literal code unit, matched exactly (caseless letters are {@link SetNode}s). */
export interface CharNode {
  readonly type: 'char';
  readonly span: Span;
  readonly code: number;
}

/** One code unit out of a set: classes, `.`, `\d`, caseless letters. */
export interface SetNode {
  readonly type: 'set';
  readonly span: Span;
  readonly set: CharSet;
}

export interface SeqNode {
  readonly type: 'seq';
  readonly span: Span;
  readonly items: readonly Node[];
}

export interface AltNode {
  readonly type: 'alt';
  readonly span: Span;
  readonly alts: readonly Node[];
}

/** `( )`, `(?: )`, `(?<n> )`: `index` is the capture number, or null for a non-capturing group. */
export interface GroupNode {
  readonly type: 'group';
  readonly span: Span;
  readonly index: number | null;
  readonly name: string | null;
  readonly body: Node;
}

export interface RepeatNode {
  readonly type: 'repeat';
  readonly span: Span;
  readonly body: Node;
  readonly min: number;
  /** `Infinity` when unbounded. */
  readonly max: number;
  readonly greedy: boolean;
  /** `*+`, `++`, `?+`, `{n,m}+`: an atomic group around the repeat. */
  readonly possessive: boolean;
}

/**
 * Zero-width position tests.
 * - `subject-start`: `\A`, and `^` without multiline (both flavors).
 * - `subject-end`: `\z`, PCRE `$` with DOLLAR_ENDONLY, ECMAScript `$` without multiline.
 * - `subject-end-or-final-newline`: `\Z`, PCRE default `$`.
 * - `pcre-line-start` / `pcre-line-end`: PCRE multiline `^` (at the start or after `\n`, but not
 *   at the very end) and `$` (before any `\n` or at the end). Newline is LF, Debian's default.
 * - `ecma-line-start` / `ecma-line-end`: ECMAScript multiline `^` and `$` (any LineTerminator).
 * - `start-offset`: `\G`, the offset the match was started from.
 */
export interface AssertNode {
  readonly type: 'assert';
  readonly span: Span;
  readonly kind: AssertKind;
}

export type AssertKind =
  | 'subject-start'
  | 'subject-end'
  | 'subject-end-or-final-newline'
  | 'pcre-line-start'
  | 'pcre-line-end'
  | 'ecma-line-start'
  | 'ecma-line-end'
  | 'word-boundary'
  | 'not-word-boundary'
  | 'start-offset';

/** Lookahead / lookbehind. In both flavors an assertion is atomic once it has matched. */
export interface LookNode {
  readonly type: 'look';
  readonly span: Span;
  readonly behind: boolean;
  readonly negate: boolean;
  readonly body: Node;
}

/** `(?> )`, also `(*atomic: )`. */
export interface AtomicNode {
  readonly type: 'atomic';
  readonly span: Span;
  readonly body: Node;
}

export interface BackrefNode {
  readonly type: 'backref';
  readonly span: Span;
  readonly group: number;
  readonly caseless: boolean;
}

/** PCRE `\K`: the reported match start moves here. */
export interface KeepNode {
  readonly type: 'keep';
  readonly span: Span;
}

/** A parsed pattern. */
export interface ParsedPattern {
  readonly root: Node;
  readonly groupCount: number;
  readonly groupNames: ReadonlyMap<string, number>;
  /** Offset (in the parsed text) after leading inline option settings such as `(?i)`; 0 if none. */
  readonly leadingFlagsEnd: number;
  readonly semantics: MatchSemantics;
  /** Largest code unit a subject may hold (0xff for PCRE non-UTF mode, 0xffff for ECMAScript). */
  readonly maxCode: number;
}

/** The places where the flavors' matching rules differ, as the matcher needs them. */
export interface MatchSemantics {
  /**
   * PCRE: an iteration of an unbounded group repeat that matched the empty string ends the loop
   * and matching goes on after it. ECMAScript (RepeatMatcher): an optional iteration that matched
   * the empty string fails.
   */
  readonly emptyIteration: 'stop' | 'fail';
  /** ECMAScript resets the captures inside a quantified atom at the start of every iteration. */
  readonly resetCapturesPerIteration: boolean;
  /** ECMAScript: a back-reference to a group that has not matched matches the empty string; PCRE: it fails. */
  readonly unsetBackrefMatchesEmpty: boolean;
  /** Case folding of back-references: ASCII only (PCRE non-UTF) or ECMAScript Canonicalize. */
  readonly backrefFold: 'ascii' | 'ecma';
}

/** Calls `fn` on every direct child of `node`. */
export function forEachChild(node: Node, fn: (child: Node) => void): void {
  switch (node.type) {
    case 'seq':
      node.items.forEach(fn);
      break;
    case 'alt':
      node.alts.forEach(fn);
      break;
    case 'group':
    case 'repeat':
    case 'look':
    case 'atomic':
      fn(node.body);
      break;
    default:
      break;
  }
}

/** Whether `pred` holds for `node` or any node below it. */
export function someNode(node: Node, pred: (n: Node) => boolean): boolean {
  if (pred(node)) return true;
  let found = false;
  forEachChild(node, (c) => {
    if (!found && someNode(c, pred)) found = true;
  });
  return found;
}
