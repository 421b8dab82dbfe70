/**
 * Go's `path.Match` wildcards as Caddy uses them: `*` (no `/`), `?` and literal characters (a
 * bracket expression is taken literally, which only makes the linter read fewer imports). Used
 * for `import` globs (`filepath.Glob`) and the general case of the `path` request matcher.
 */
import { wildcardMatch, type WildcardToken } from '../../wildcard.js';

function tokens(pattern: string): WildcardToken[] {
  const out: WildcardToken[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') out.push({ kind: 'star' });
    else if (c === '?') out.push({ kind: 'any' });
    else if (c === '\\' && i + 1 < pattern.length) out.push({ kind: 'literal', char: pattern[++i]! });
    else out.push({ kind: 'literal', char: c });
  }
  return out;
}

export function goPathMatch(pattern: string, subject: string): boolean {
  return wildcardMatch(tokens(pattern), subject, true);
}
