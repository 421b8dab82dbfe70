/**
 * Building the exclusion patterns the IIS fixes write, in the ECMAScript syntax URL Rewrite uses
 * (lookahead `(?!...)` / `(?=...)` and non-capturing groups `(?:...)` exist in ECMAScript;
 * lookbehind does not: proxy-semantics.md §3.1).
 */

/** Escapes every ECMAScript pattern metacharacter (and nothing else, so fixes stay readable). */
export function escapeLiteral(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/** `^(?:XSRF-TOKEN|atl\.xsrf\.token)=`: a Set-Cookie value for one of `names`. */
export function cookieNamesPattern(names: readonly string[]): string {
  return `^(?:${names.map(escapeLiteral).join('|')})=`;
}

/** The lookahead that rejects (`!`) or requires (`=`) one of `names` at the start of the value. */
export function cookieNamesLookahead(names: readonly string[], kind: '!' | '='): string {
  return `(?${kind}(?:${names.map(escapeLiteral).join('|')})=)`;
}

/** Whether `pattern` has an alternation `|` outside every group and character class. */
export function hasTopLevelAlternation(pattern: string): boolean {
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '[') {
      // ECMAScript: the class ends at the first unescaped `]` (`[]` is an empty class).
      for (i++; i < pattern.length && pattern[i] !== ']'; i++) if (pattern[i] === '\\') i++;
    } else if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}

/** Insertions into a decoded pattern: `[offset in the pattern, text]`, in order. */
export type PatternInsertions = readonly (readonly [number, string])[];

/**
 * Restricts `pattern` with a lookahead at the start of the value, keeping its groups (and so
 * `{R:n}`) numbered as before: after a leading `^` when that anchors the whole pattern,
 * otherwise as `^(?!...)(?:pattern)`. Returns where to insert what.
 */
export function anchoredLookahead(pattern: string, lookahead: string): PatternInsertions {
  if (pattern === '') return [[0, `^${lookahead}`]];
  if (pattern.startsWith('^') && !hasTopLevelAlternation(pattern)) return [[1, lookahead]];
  return [
    [0, `^${lookahead}(?:`],
    [pattern.length, ')'],
  ];
}
