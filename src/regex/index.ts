/**
 * Bounded, exact regex matching for the regex flavors proxies apply to Set-Cookie headers:
 * PCRE2 10.42 (Apache httpd `Header edit`, nginx `proxy_cookie_flags ~re`, `proxy_cookie_path ~re`)
 * and ECMAScript (IIS URL Rewrite). See reference/proxy-semantics.md §1.3, §2.2, §2.6, §3.1.
 *
 * JavaScript's RegExp is neither PCRE nor bounded; this engine parses each flavor into one syntax
 * tree and runs a backtracking matcher with a deterministic step budget.
 */
import { BoundedMap } from './bounded-map.js';
import { compileProgram } from './program.js';
import { parsePattern } from './parse.js';
import { DEFAULT_STEP_LIMIT, type CompiledRegex, type ExecFlags, type Match, type RegexError, type RegexOptions } from './types.js';

export type {
  CompiledRegex,
  ExecFlags,
  Match,
  PatternShape,
  RegexError,
  RegexErrorCode,
  RegexFlavor,
  RegexOptions,
} from './types.js';
export { DEFAULT_STEP_LIMIT, RegexBudgetError } from './types.js';
export { escapeRegexLiteral, type EscapeOptions } from './escape.js';
export { toByteString, fromByteString } from './bytes.js';
export { patternShape } from './shape.js';

type Compiled = { ok: true; regex: CompiledRegex } | { ok: false; error: RegexError };

/**
 * Compiled patterns by options and source, least recently used first. A model is rebuilt for
 * every fix it proves and on every fix pass, compiling the same patterns again: on a 76 KB
 * pattern (found by test/fuzz) that alone took seconds. Sharing is safe: a compiled regex is
 * immutable and matching is synchronous. Bounded in entries and in pattern text kept.
 */
const cache = new BoundedMap<Compiled>(512, 1_000_000);

function cacheKey(pattern: string, o: RegexOptions): string {
  const flags = `${+!!o.caseless}${+!!o.dotAll}${+!!o.dollarEndOnly}${+!!o.multiline}${+!!o.extended}`;
  return `${o.flavor}\u0000${flags}\u0000${o.stepLimit ?? DEFAULT_STEP_LIMIT}\u0000${pattern}`;
}

/** Compiles `pattern`; the result is reusable for any number of `exec()` calls. */
export function compileRegex(pattern: string, options: RegexOptions): Compiled {
  const key = cacheKey(pattern, options);
  const hit = cache.get(key);
  if (hit) return hit;
  const compiled = compileUncached(pattern, options);
  cache.set(key, compiled);
  return compiled;
}

function compileUncached(pattern: string, options: RegexOptions): Compiled {
  const result = parsePattern(pattern, options);
  if (!result.ok) return result;
  const { parsed } = result.value;
  const run = compileProgram(parsed, pattern, options.stepLimit ?? DEFAULT_STEP_LIMIT);
  const regex: CompiledRegex = {
    source: pattern,
    options,
    groupCount: parsed.groupCount,
    groupNames: parsed.groupNames,
    exec: (subject: string, from = 0, flags?: ExecFlags): Match | null => run(subject, from, flags),
    test: (subject: string): boolean => run(subject, 0, undefined) !== null,
  };
  return { ok: true, regex };
}
