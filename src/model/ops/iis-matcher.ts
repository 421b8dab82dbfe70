/**
 * The three IIS URL Rewrite pattern syntaxes (MicrosoftDocs/iis-docs
 * url-rewrite-module-20-configuration-reference.md "Rule Pattern Syntax"):
 *   - ECMAScript (default): a regular expression, searched anywhere in the input; `{R:0}` is the
 *     matched text, `{R:1..9}` the groups ("Using Back-references").
 *   - ExactMatch: "exact string search is performed within the input string" (a substring search;
 *     `{R:0}` is the found text).
 *   - Wildcard: `*` matches any characters and captures them, `?` exactly one character
 *     (url-rewrite-module-configuration-reference.md); the whole input must match [UNCERTAIN:
 *     anchoring and greediness are not documented; `*` is matched lazily here].
 * `ignoreCase` (default true) makes every syntax case-insensitive.
 */
import { compileRegex, RegexBudgetError } from '../../regex/index.js';

export type PatternSyntax = 'ECMAScript' | 'Wildcard' | 'ExactMatch';

export interface IisMatcher {
  /** Syntax, case rule and pattern: what decides the matcher's behaviour (for semantic keys). */
  readonly key: string;
  /** The captures as strings (`[0]` = matched text, `''` for groups that did not take part), or null. */
  exec(input: string): string[] | null;
}

export interface MatcherError {
  readonly message: string;
  /** Offset in the pattern. */
  readonly offset: number;
  /** The regex engine's code (`syntax`, `ecma-inline-flags`, `ecma-lookbehind`, `ecma-named-group`, `unsupported`...). */
  readonly code: string;
}

export type MatcherResult = { readonly ok: true; readonly matcher: IisMatcher } | { readonly ok: false; readonly error: MatcherError };

function matcherKey(syntax: PatternSyntax, pattern: string, ignoreCase: boolean): string {
  return JSON.stringify([syntax, ignoreCase, pattern]);
}

function foldEq(a: string, b: string, ignoreCase: boolean): boolean {
  return a === b || (ignoreCase && a.toLowerCase() === b.toLowerCase());
}

function exactMatcher(pattern: string, ignoreCase: boolean): IisMatcher {
  return {
    key: matcherKey('ExactMatch', pattern, ignoreCase),
    exec(input) {
      for (let start = 0; start + pattern.length <= input.length; start++) {
        let k = 0;
        while (k < pattern.length && foldEq(input[start + k]!, pattern[k]!, ignoreCase)) k++;
        if (k === pattern.length) return [input.slice(start, start + pattern.length)];
      }
      return null;
    },
  };
}

/** Longest input a wildcard is matched against (the table is pattern × input). */
const WILDCARD_MAX_CELLS = 4_000_000;

function wildcardMatcher(pattern: string, ignoreCase: boolean): IisMatcher {
  const p = [...pattern];
  return {
    key: matcherKey('Wildcard', pattern, ignoreCase),
    exec(input) {
      const s = [...input];
      const m = p.length;
      const n = s.length;
      if ((m + 1) * (n + 1) > WILDCARD_MAX_CELLS) throw new RegexBudgetError(pattern, 'the input is too long for this wildcard');
      // can[i][j]: p[i..] matches s[j..]; filled from the end, then walked forward taking the
      // shortest expansion of every `*`.
      const can: Uint8Array[] = Array.from({ length: m + 1 }, () => new Uint8Array(n + 1));
      can[m]![n] = 1;
      for (let i = m - 1; i >= 0; i--) {
        const row = can[i]!;
        const below = can[i + 1]!;
        for (let j = n; j >= 0; j--) {
          if (p[i] === '*') row[j] = below[j]! || (j < n && row[j + 1]!) ? 1 : 0;
          else if (j < n && (p[i] === '?' || foldEq(p[i]!, s[j]!, ignoreCase))) row[j] = below[j + 1]!;
        }
      }
      if (!can[0]![0]) return null;
      const captures = [input];
      let j = 0;
      for (let i = 0; i < m; i++) {
        if (p[i] === '*') {
          let k = j;
          while (!can[i + 1]![k]) k++;
          captures.push(s.slice(j, k).join(''));
          j = k;
        } else j++;
      }
      return captures;
    },
  };
}

/**
 * Compiled matchers are stateless, and configurations repeat the same patterns (`.*` in every
 * rule; every rebuild while proving a fix): compile each one once. Bounded, cleared when full.
 */
const cache = new Map<string, MatcherResult>();
const CACHE_LIMIT = 4096;

export function buildMatcher(syntax: PatternSyntax, pattern: string, ignoreCase: boolean): MatcherResult {
  const key = `${syntax}\u0000${ignoreCase ? 'i' : ''}\u0000${pattern}`;
  let built = cache.get(key);
  if (!built) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, (built = compileMatcher(syntax, pattern, ignoreCase)));
  }
  return built;
}

function compileMatcher(syntax: PatternSyntax, pattern: string, ignoreCase: boolean): MatcherResult {
  if (syntax === 'ExactMatch') return { ok: true, matcher: exactMatcher(pattern, ignoreCase) };
  if (syntax === 'Wildcard') return { ok: true, matcher: wildcardMatcher(pattern, ignoreCase) };
  const compiled = compileRegex(pattern, { flavor: 'ecmascript', caseless: ignoreCase });
  if (!compiled.ok) return { ok: false, error: { message: compiled.error.message, offset: compiled.error.offset, code: compiled.error.code } };
  const regex = compiled.regex;
  return {
    ok: true,
    matcher: {
      key: matcherKey('ECMAScript', pattern, ignoreCase),
      exec(input) {
        const m = regex.exec(input, 0);
        if (!m) return null;
        return m.captures.map((c) => (c ? input.slice(c[0], c[1]) : ''));
      },
    },
  };
}
