/**
 * Path globs for `ignores`, `--ignore-pattern`, `overrides[].files` and `.lint-proxy-configignore`:
 * `*` and `?` within a path segment, `**` as a whole segment for any number of segments,
 * `[...]` classes (`!` or `^` negates), `{a,b}` alternatives, `\` escapes; a leading `.` is matched
 * like any other character (picomatch's `dot: true`, which this replaces).
 *
 * Patterns come from files in the tree being linted, so no RegExp is built from them: picomatch's
 * regexes backtracked for minutes on `*a*a*a*a*a*a*c` against a 200-character name. Here a segment
 * is matched by the two-pointer wildcard matcher (pattern × name at worst) and `**` by a table
 * over (pattern segment, path segment) pairs, so a match costs at most pattern × path.
 */
import { wildcardMatch, type WildcardToken } from './wildcard.js';

/** `{a,b}` alternatives one pattern may expand to; past this a pattern is matched literally. */
export const MAX_BRACE_ALTERNATIVES = 256;

type Segment = { readonly kind: 'globstar' } | { readonly kind: 'tokens'; readonly tokens: readonly WildcardToken[] };

/** Expands `{a,b}` (nested too) into plain patterns, or returns the pattern alone when it has none or too many. */
function expandBraces(pattern: string): string[] {
  let out = [''];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      out = out.map((p) => p + pattern.slice(i, i + 2));
      i += 2;
      continue;
    }
    if (c === '{') {
      const close = matchingBrace(pattern, i);
      const parts = close < 0 ? null : splitTopLevel(pattern.slice(i + 1, close));
      if (close >= 0 && parts && parts.length > 1) {
        const alternatives = parts.flatMap(expandBraces);
        const next: string[] = [];
        for (const p of out) for (const a of alternatives) next.push(p + a);
        if (next.length > MAX_BRACE_ALTERNATIVES) return [pattern];
        out = next;
        i = close + 1;
        continue;
      }
    }
    out = out.map((p) => p + c);
    i++;
  }
  return out;
}

function matchingBrace(pattern: string, open: number): number {
  let depth = 0;
  for (let i = open; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/** Splits the inside of `{...}` at commas that are not inside a nested brace. */
function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

function segmentTokens(segment: string): WildcardToken[] {
  const tokens: WildcardToken[] = [];
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '\\' && i + 1 < segment.length) tokens.push({ kind: 'literal', char: segment[++i]! });
    else if (c === '*') {
      if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (c === '?') tokens.push({ kind: 'any' });
    else if (c === '[') {
      const set = bracket(segment, i);
      if (!set) tokens.push({ kind: 'literal', char: '[' });
      else {
        tokens.push(set.token);
        i = set.end;
      }
    } else tokens.push({ kind: 'literal', char: c });
  }
  return tokens;
}

function bracket(segment: string, open: number): { token: WildcardToken; end: number } | null {
  let j = open + 1;
  let negate = false;
  if (segment[j] === '!' || segment[j] === '^') {
    negate = true;
    j++;
  }
  const ranges: number[] = [];
  let first = true;
  for (; j < segment.length; j++) {
    let c = segment[j]!;
    if (c === ']' && !first) return { token: { kind: 'set', negate, ranges }, end: j };
    first = false;
    if (c === '\\' && j + 1 < segment.length) c = segment[++j]!;
    if (segment[j + 1] === '-' && j + 2 < segment.length && segment[j + 2] !== ']') {
      let hi = segment[j + 2]!;
      j += 2;
      if (hi === '\\' && j + 1 < segment.length) hi = segment[++j]!;
      const lo = c.charCodeAt(0);
      const h = hi.charCodeAt(0);
      if (lo <= h) ranges.push(lo, h);
    } else ranges.push(c.charCodeAt(0), c.charCodeAt(0));
  }
  return null;
}

function compileOne(pattern: string): Segment[] {
  return pattern.split('/').map((s): Segment => (s === '**' ? { kind: 'globstar' } : { kind: 'tokens', tokens: segmentTokens(s) }));
}

/** Whether the path segments `path` match the pattern segments, `**` taking any number of segments. */
function matchSegments(pattern: readonly Segment[], path: readonly string[]): boolean {
  // reachable[j]: the pattern consumed so far can end exactly before path segment j.
  let reachable = new Uint8Array(path.length + 1);
  reachable[0] = 1;
  for (const seg of pattern) {
    const next = new Uint8Array(path.length + 1);
    if (seg.kind === 'globstar') {
      let on = 0;
      for (let j = 0; j <= path.length; j++) {
        if (reachable[j]) on = 1;
        if (on) next[j] = 1;
      }
    } else {
      for (let j = 0; j < path.length; j++) if (reachable[j] && wildcardMatch(seg.tokens, path[j]!, true)) next[j + 1] = 1;
    }
    reachable = next;
  }
  return reachable[path.length] === 1;
}

/** A compiled glob: true when the whole path matches. */
export type PathMatcher = (path: string) => boolean;

/**
 * A pattern whose only globstar is its first segment (`**` then `a`, `b`) matches exactly the
 * paths whose last segments match the rest: checked from the end, without the general search.
 */
function matchSuffix(pattern: readonly Segment[], path: readonly string[]): boolean {
  const k = pattern.length - 1;
  if (path.length < k) return false;
  for (let i = 1; i <= k; i++) {
    const seg = pattern[i] as Extract<Segment, { kind: 'tokens' }>;
    if (!wildcardMatch(seg.tokens, path[path.length - k + i - 1]!, true)) return false;
  }
  return true;
}

/** A glob's alternatives as matchers of a path already split into segments. */
function compileSegments(pattern: string): (parts: readonly string[]) => boolean {
  const alternatives = expandBraces(pattern)
    .map(compileOne)
    .map((a) => (a[0]?.kind === 'globstar' && a.slice(1).every((s) => s.kind === 'tokens') ? (parts: readonly string[]) => matchSuffix(a, parts) : (parts: readonly string[]) => matchSegments(a, parts)));
  return (parts) => alternatives.some((m) => m(parts));
}

/** Compiles one glob (no leading `!`: negation is the caller's list semantics). */
export function compileGlob(pattern: string): PathMatcher {
  const match = compileSegments(pattern);
  return (path) => match(path.split('/'));
}

/**
 * A list of globs in order, `!glob` taking back what an earlier one matched (ESLint's `ignores`):
 * the last pattern that matches decides.
 */
export function compileGlobList(patterns: readonly string[]): PathMatcher {
  const compiled = patterns.map((p) => (p.startsWith('!') ? { negate: true, match: compileSegments(p.slice(1)) } : { negate: false, match: compileSegments(p) }));
  if (compiled.length === 0) return () => false;
  return (path) => {
    // Split once for the whole list.
    const parts = path.split('/');
    let matched = false;
    for (const c of compiled) if (c.negate === matched && c.match(parts)) matched = !c.negate;
    return matched;
  };
}
