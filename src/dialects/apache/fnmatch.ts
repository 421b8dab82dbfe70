/**
 * `apr_fnmatch` as httpd uses it for `Include` wildcards (one path component at a time, with
 * `APR_FNM_PERIOD`: a leading `.` must be matched by a literal `.`) and for wildcard
 * `<Location>`/`<Directory>`/`<Files>` sections. `*`, `?`, `[...]` (`!` or `^` negates, `a-z`
 * ranges), `\` escapes the next character. apr/strings/apr_fnmatch.c.
 */

import { wildcardMatch, type WildcardToken } from '../../wildcard.js';

/** `apr_fnmatch_test`: does the string contain a wildcard (`?`, `*`, or `[` with a later `]`)? */
export function hasWildcard(pattern: string): boolean {
  let nesting = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '?' || c === '*') return true;
    if (c === '\\') {
      i++;
      if (i >= pattern.length) return false;
    } else if (c === '[') nesting++;
    else if (c === ']' && nesting > 0) return true;
  }
  return false;
}

/** A bracket expression starting at `i` (the `[`), or null when it has no closing `]`. */
function bracket(pattern: string, i: number): { token: WildcardToken; next: number } | null {
  let j = i + 1;
  let negate = false;
  if (pattern[j] === '!' || pattern[j] === '^') {
    negate = true;
    j++;
  }
  const ranges: number[] = [];
  let first = true;
  while (j < pattern.length && (pattern[j] !== ']' || first)) {
    first = false;
    let c = pattern[j]!;
    if (c === '\\' && j + 1 < pattern.length) c = pattern[++j]!;
    if (pattern[j + 1] === '-' && j + 2 < pattern.length && pattern[j + 2] !== ']') {
      let hi = pattern[j + 2]!;
      let k = j + 2;
      if (hi === '\\' && k + 1 < pattern.length) hi = pattern[++k]!;
      // A reversed range matches nothing.
      if (c <= hi) ranges.push(c.charCodeAt(0), hi.charCodeAt(0));
      j = k + 1;
      continue;
    }
    ranges.push(c.charCodeAt(0), c.charCodeAt(0));
    j++;
  }
  if (j >= pattern.length) return null;
  return { token: { kind: 'set', negate, ranges }, next: j + 1 };
}

const compiled = new Map<string, WildcardToken[]>();

/** The pattern's tokens (remembered: the same sections are matched against many paths). */
function tokensOf(pattern: string): WildcardToken[] {
  let tokens = compiled.get(pattern);
  if (tokens) return tokens;
  tokens = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') tokens.push({ kind: 'star' });
    else if (c === '?') tokens.push({ kind: 'any' });
    else if (c === '[') {
      const b = bracket(pattern, i);
      if (b) {
        tokens.push(b.token);
        i = b.next - 1;
      } else tokens.push({ kind: 'literal', char: '[' });
    } else if (c === '\\' && i + 1 < pattern.length) tokens.push({ kind: 'literal', char: pattern[++i]! });
    else tokens.push({ kind: 'literal', char: c });
  }
  if (compiled.size >= 1024) compiled.clear();
  compiled.set(pattern, tokens);
  return tokens;
}

/** `apr_fnmatch(pattern, s)`; `pathname` (`APR_FNM_PATHNAME`) keeps `*`, `?` and brackets from matching `/`. */
export function fnmatch(pattern: string, s: string, pathname = false): boolean {
  return wildcardMatch(tokensOf(pattern), s, pathname);
}

/** `apr_fnmatch(pattern, name, APR_FNM_PERIOD)` on one path component. */
export function fnmatchName(pattern: string, name: string): boolean {
  if (name.startsWith('.') && !pattern.startsWith('.')) return false;
  return fnmatch(pattern, name);
}
