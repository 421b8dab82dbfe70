/**
 * PCRE2 10.42 lookbehinds: every top-level alternative must match a fixed number of code units
 * (a back-reference counts when its group is fixed length), otherwise compilation fails with
 * "lookbehind assertion is not fixed length" and Apache / nginx refuse to start.
 */
import type { BackrefNode, GroupNode, LookNode, Node } from './ast.js';
import { PatternError } from './scanner.js';

/** The alternatives a lookbehind tries, in order, each with its fixed length. */
export interface LookbehindBranch {
  readonly node: Node;
  readonly length: number;
}

/** What the length computation needs to know about back-references. */
export interface BackrefContext {
  /** Every capture group node (several per number with branch reset). */
  readonly groups: readonly GroupNode[];
  /**
   * False when the pattern has a `(?|` group: PCRE2 then sets PCRE2_DUPCAPUSED and no
   * back-reference counts as fixed length.
   */
  readonly backrefsFixed: boolean;
  /** For a reference to a missing group (group 0): where to report it and whether it was by name. */
  readonly describeRef: (ref: BackrefNode) => { readonly offset: number; readonly byName: boolean };
}

/** Top-level alternatives of a lookbehind body. */
function branchesOf(look: LookNode): readonly Node[] {
  return look.body.type === 'alt' ? look.body.alts : [look.body];
}

/** Fixed length of `node`, or null when it can vary. */
function fixedLength(node: Node, ctx: BackrefContext, visiting = new Set<number>()): number | null {
  switch (node.type) {
    case 'look':
      // A lookbehind met while measuring is checked on the spot, as PCRE2's get_branchlength does.
      if (node.behind) checkLookbehind(node, ctx);
      return 0;
    case 'empty':
    case 'assert':
    case 'keep':
      return 0;
    case 'char':
    case 'set':
      return 1;
    case 'seq': {
      let total = 0;
      for (const item of node.items) {
        const n = fixedLength(item, ctx, visiting);
        if (n === null) return null;
        total += n;
      }
      return total;
    }
    case 'alt': {
      let common: number | null = null;
      for (const alt of node.alts) {
        const n = fixedLength(alt, ctx, visiting);
        if (n === null || (common !== null && n !== common)) return null;
        common = n;
      }
      return common ?? 0;
    }
    case 'group':
    case 'atomic':
      return fixedLength(node.body, ctx, visiting);
    case 'repeat': {
      // The body first: PCRE2 reports a bad reference inside before the variable repeat.
      const n = fixedLength(node.body, ctx, visiting);
      return n === null || node.max !== node.min ? null : n * node.min;
    }
    case 'backref':
      return backrefLength(node, ctx, visiting);
  }
}

function backrefLength(ref: BackrefNode, ctx: BackrefContext, visiting: Set<number>): number | null {
  if (ref.group === 0) {
    // PCRE2 looks a name up before the DUPCAPUSED test, a number after it.
    const { offset, byName } = ctx.describeRef(ref);
    if (byName || ctx.backrefsFixed) throw new PatternError('syntax', 'reference to non-existent subpattern', offset);
    return null;
  }
  if (!ctx.backrefsFixed || visiting.has(ref.group)) return null;
  visiting.add(ref.group);
  let common: number | null = null;
  for (const g of ctx.groups) {
    if (g.index !== ref.group) continue;
    const n = fixedLength(g.body, ctx, visiting);
    common = n === null || (common !== null && n !== common) ? -1 : n;
    if (common < 0) break;
  }
  visiting.delete(ref.group);
  return common === null || common < 0 ? null : common;
}

/**
 * Throws the PCRE2 error for the first lookbehind (in pattern order) with a variable-length
 * alternative. A back-reference to a missing group inside a lookbehind is reported here already,
 * as PCRE2's check_lookbehinds does.
 */
export function checkLookbehinds(lookbehinds: readonly LookNode[], ctx: BackrefContext): void {
  const ordered = [...lookbehinds].sort((a, b) => a.span.start - b.span.start);
  for (const node of ordered) checkLookbehind(node, ctx);
}

function checkLookbehind(node: LookNode, ctx: BackrefContext): void {
  for (const branch of branchesOf(node)) {
    if (fixedLength(branch, ctx) === null) {
      throw new PatternError('lookbehind-not-fixed-length', 'lookbehind assertion is not fixed length', node.span.start);
    }
  }
}

/** The branches of a lookbehind that passed {@link checkLookbehinds}, for the matcher. */
export function lookbehindBranches(look: LookNode, groups: readonly GroupNode[]): LookbehindBranch[] {
  // After a successful parse every reference resolves and every length is fixed.
  const ctx: BackrefContext = { groups, backrefsFixed: true, describeRef: (ref) => ({ offset: ref.span.start, byName: false }) };
  return branchesOf(look).map((node) => ({ node, length: fixedLength(node, ctx) ?? 0 }));
}
