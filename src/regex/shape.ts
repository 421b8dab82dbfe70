/**
 * Static facts about a pattern's top level, for fix builders that insert an exclusion
 * (`^(?!(?:XSRF-TOKEN|...)=)`) without renumbering groups, and for rules that must know whether
 * a pattern can match the empty string (Apache 2.4 `edit*` recurses forever on those, §1.2).
 */
import type { Node } from './ast.js';
import { someNode } from './ast.js';
import { isAnchoredAtStart, singleCharSet } from './first-chars.js';
import { parsePattern } from './parse.js';
import type { PatternShape, RegexOptions } from './types.js';

/** Shortest match length, assertions and back-references counted as possibly empty. */
export function minLength(node: Node): number {
  switch (node.type) {
    case 'char':
    case 'set':
      return 1;
    case 'seq':
      return node.items.reduce((n, item) => n + minLength(item), 0);
    case 'alt':
      return Math.min(...node.alts.map(minLength));
    case 'group':
    case 'atomic':
      return minLength(node.body);
    case 'repeat':
      return node.min === 0 ? 0 : node.min * minLength(node.body);
    default:
      return 0;
  }
}

/**
 * Abstract positions for "does a match at offset 0 exist on EVERY subject": AT_START (offset 0),
 * AT_END (end of subject), SOMEWHERE (a position we know nothing about). `reach` returns the
 * positions some matching path is guaranteed to reach; 0 = no guarantee.
 */
const AT_START = 1;
const AT_END = 2;
const SOMEWHERE = 4;

function reach(node: Node, from: number, maxCode: number): number {
  if (from === 0) return 0;
  switch (node.type) {
    case 'empty':
      return from;
    case 'seq':
      return node.items.reduce((states, item) => reach(item, states, maxCode), from);
    case 'alt':
      return node.alts.reduce((states, alt) => states | reach(alt, from, maxCode), 0);
    case 'group':
      return reach(node.body, from, maxCode);
    case 'assert':
      switch (node.kind) {
        case 'subject-start':
        case 'start-offset':
        case 'pcre-line-start':
        case 'ecma-line-start':
          return from & AT_START;
        case 'subject-end':
        case 'subject-end-or-final-newline':
        case 'pcre-line-end':
        case 'ecma-line-end':
          return from & AT_END;
        default:
          return 0;
      }
    case 'repeat':
      return reachRepeat(node.body, node.min, node.max, node.possessive, from, maxCode);
    default:
      return 0;
  }
}

function reachRepeat(body: Node, min: number, max: number, possessive: boolean, from: number, maxCode: number): number {
  if (max === 0) return from;
  const anything = singleCharSet(body)?.coversAll(maxCode) ?? false;
  if (anything && max === Infinity) {
    // `.*` under DOTALL, `[\s\S]*`: any run length is possible, including all of the rest.
    if (possessive) return AT_END;
    return min === 0 ? from | AT_END | SOMEWHERE : 0;
  }
  if (possessive) return min === 0 ? SOMEWHERE : 0;
  let states = from;
  for (let i = 0; i < Math.min(min, 2) && states !== 0; i++) states = reach(body, states, maxCode);
  return states;
}

/** Top-level structure of `pattern`; null if it does not compile. */
export function patternShape(pattern: string, options: RegexOptions): PatternShape | null {
  const result = parsePattern(pattern, options);
  if (!result.ok) return null;
  const { parsed, toSource } = result.value;
  const root = parsed.root;
  const items = root.type === 'seq' ? root.items : [root];
  const firstReal = items.find((n) => n.type !== 'empty');
  const startAnchor =
    firstReal && firstReal.type === 'assert' && firstReal.kind === 'subject-start'
      ? { start: toSource(firstReal.span.start), end: toSource(firstReal.span.end) }
      : null;
  const hasKeep = someNode(root, (n) => n.type === 'keep');
  return {
    leadingFlagsEnd: toSource(parsed.leadingFlagsEnd),
    startAnchor,
    topLevelAlternation: root.type === 'alt',
    // \K can make the reported match empty whatever was consumed.
    canMatchEmpty: hasKeep || minLength(root) === 0,
    alwaysMatchesAtStartIfAnywhere: !hasKeep && (isAnchoredAtStart(root) || reach(root, AT_START, parsed.maxCode) !== 0),
    groupCount: parsed.groupCount,
  };
}
