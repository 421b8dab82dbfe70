/**
 * Shell-style wildcard matching (`*`, `?`, bracket expressions), shared by Apache's `apr_fnmatch`
 * and nginx's `glob` readers: each dialect parses its own syntax into {@link WildcardToken}s and
 * matches with {@link wildcardMatch}.
 *
 * Patterns come from configuration files, so no native RegExp is built from them: a long pattern
 * made V8 refuse it ("Regular expression too large"), a reversed range (`[z-a]`) threw, and
 * `*a*a*a*...b` backtracks without bound in a regex engine. The matcher here is the classic
 * two-pointer algorithm that returns to the last `*`: O(pattern × subject) at worst.
 */

export type WildcardToken =
  | { readonly kind: 'literal'; readonly char: string }
  | { readonly kind: 'any' }
  | { readonly kind: 'star' }
  /** `ranges`: inclusive [low, high] code unit pairs; an empty list matches nothing (or anything, negated). */
  | { readonly kind: 'set'; readonly negate: boolean; readonly ranges: readonly number[] };

/** Whether one token matches the character `c`; with `pathname`, only literals match `/`. */
function matchesChar(t: WildcardToken, c: string, pathname: boolean): boolean {
  switch (t.kind) {
    case 'literal':
      return t.char === c;
    case 'any':
      return !(pathname && c === '/');
    case 'set': {
      if (pathname && c === '/') return false;
      const code = c.charCodeAt(0);
      let inSet = false;
      for (let i = 0; i < t.ranges.length && !inSet; i += 2) inSet = code >= t.ranges[i]! && code <= t.ranges[i + 1]!;
      return inSet !== t.negate;
    }
    case 'star':
      return false;
  }
}

/** Does `subject` match the whole pattern? `pathname`: `*`, `?` and sets never match `/`. */
export function wildcardMatch(tokens: readonly WildcardToken[], subject: string, pathname: boolean): boolean {
  let p = 0;
  let s = 0;
  let starP = -1;
  let starS = 0;
  while (s < subject.length) {
    const t = tokens[p];
    if (t?.kind === 'star') {
      starP = p++;
      starS = s;
      continue;
    }
    if (t && matchesChar(t, subject[s]!, pathname)) {
      p++;
      s++;
      continue;
    }
    // Let the last `*` take one more character, if it may.
    if (starP < 0 || (pathname && subject[starS] === '/')) return false;
    p = starP + 1;
    s = ++starS;
  }
  while (tokens[p]?.kind === 'star') p++;
  return p === tokens.length;
}
