/**
 * Static facts the matcher uses to skip hopeless start positions. They never change a result:
 * a start position is skipped only when no match can start there.
 */
import type { Node } from './ast.js';
import { CharSet, CharSetBuilder } from './charset.js';

export interface First {
  /** Code units a match can start with; null = unknown (anything). */
  readonly set: CharSet | null;
  /** Whether the node can match without consuming anything. */
  readonly nullable: boolean;
}

function union(a: CharSet | null, b: CharSet | null): CharSet | null {
  return a === null || b === null ? null : a.union(b);
}

/** First code units and nullability of `node`. */
export function firstInfo(node: Node): First {
  switch (node.type) {
    case 'empty':
    case 'assert':
    case 'look':
    case 'keep':
      return { set: CharSet.EMPTY, nullable: true };
    case 'char':
      return { set: CharSet.of(node.code), nullable: false };
    case 'set':
      return { set: node.set, nullable: false };
    case 'backref':
      return { set: null, nullable: true };
    case 'group':
    case 'atomic':
      return firstInfo(node.body);
    case 'repeat': {
      if (node.max === 0) return { set: CharSet.EMPTY, nullable: true };
      const f = firstInfo(node.body);
      return { set: f.set, nullable: f.nullable || node.min === 0 };
    }
    case 'seq': {
      let set: CharSet | null = CharSet.EMPTY;
      for (const item of node.items) {
        const f = firstInfo(item);
        set = union(set, f.set);
        if (!f.nullable) return { set, nullable: false };
      }
      return { set, nullable: true };
    }
    case 'alt': {
      let set: CharSet | null = CharSet.EMPTY;
      let nullable = false;
      for (const alt of node.alts) {
        const f = firstInfo(alt);
        set = union(set, f.set);
        nullable ||= f.nullable;
      }
      return { set, nullable };
    }
  }
}

/** The code units every match must start with, or null when any start position is possible. */
export function firstCharSet(root: Node): CharSet | null {
  const f = firstInfo(root);
  return f.nullable ? null : f.set;
}

/**
 * Whether every match must start exactly at the start offset: each alternative begins with
 * `\A`, non-multiline `^` or `\G`. (`^` can only hold at offset 0, `\G` only at the start offset.)
 */
export function isAnchoredAtStart(node: Node): boolean {
  switch (node.type) {
    case 'assert':
      return node.kind === 'subject-start' || node.kind === 'start-offset';
    case 'seq': {
      for (const item of node.items) {
        if (isAnchoredAtStart(item)) return true;
        // Zero-width items before the anchor do not move the start.
        if (item.type !== 'empty' && item.type !== 'look' && item.type !== 'assert' && item.type !== 'keep') return false;
      }
      return false;
    }
    case 'alt':
      return node.alts.every(isAnchoredAtStart);
    case 'group':
    case 'atomic':
      return isAnchoredAtStart(node.body);
    case 'repeat':
      return node.min >= 1 && isAnchoredAtStart(node.body);
    default:
      return false;
  }
}

/** A node that always consumes exactly one code unit from `set`, with no captures: `[ab]`, `(?:a|b)`. */
export function singleCharSet(node: Node): CharSet | null {
  switch (node.type) {
    case 'char':
      return CharSet.of(node.code);
    case 'set':
      return node.set;
    case 'group':
      return node.index === null ? singleCharSet(node.body) : null;
    case 'atomic':
      return singleCharSet(node.body);
    case 'alt': {
      const b = new CharSetBuilder();
      for (const alt of node.alts) {
        const s = singleCharSet(alt);
        if (!s) return null;
        b.addSet(s);
      }
      return b.build();
    }
    default:
      return null;
  }
}

/**
 * Code units of which at least one must occur in any match (at or after the start offset), for a
 * quick `indexOf` rejection like PCRE2's "last required code unit". Null when there is none
 * with at most two members. Assertion bodies are ignored (lookbehinds look before the start).
 */
export function requiredChars(node: Node): CharSet | null {
  switch (node.type) {
    case 'char':
      return CharSet.of(node.code);
    case 'set':
      return node.set.size <= 2 ? node.set : null;
    case 'seq': {
      let found: CharSet | null = null;
      for (const item of node.items) found = requiredChars(item) ?? found;
      return found;
    }
    case 'group':
    case 'atomic':
      return requiredChars(node.body);
    case 'repeat':
      return node.min >= 1 ? requiredChars(node.body) : null;
    default:
      return null;
  }
}

/**
 * Whether every alternative starts with `.*` over every code unit (DOTALL): then a pattern that
 * fails at one start position fails at every later one, so only one attempt is needed (PCRE2's
 * "dotstar anchor" optimization, with the same exclusions: not inside an atomic group, not inside
 * a capture group that a back-reference uses).
 */
export function startsWithDotStar(node: Node, maxCode: number, backrefTargets: ReadonlySet<number>): boolean {
  switch (node.type) {
    case 'repeat': {
      const set = singleCharSet(node.body);
      return node.min === 0 && node.max === Infinity && set !== null && set.coversAll(maxCode);
    }
    case 'seq':
      return node.items.length > 0 && startsWithDotStar(node.items[0]!, maxCode, backrefTargets);
    case 'alt':
      return node.alts.every((a) => startsWithDotStar(a, maxCode, backrefTargets));
    case 'group':
      return (node.index === null || !backrefTargets.has(node.index)) && startsWithDotStar(node.body, maxCode, backrefTargets);
    default:
      return false;
  }
}
