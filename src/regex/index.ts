/**
 * Bounded, exact regex matching for the regex flavors proxies apply to Set-Cookie headers:
 * PCRE2 10.42 (Apache httpd `Header edit`, nginx `proxy_cookie_flags ~re`, `proxy_cookie_path ~re`)
 * and ECMAScript (IIS URL Rewrite). See reference/proxy-semantics.md §1.3, §2.2, §2.6, §3.1.
 *
 * JavaScript's RegExp is neither PCRE nor bounded; this engine parses each flavor into one syntax
 * tree and runs a backtracking matcher with a deterministic step budget.
 */
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

/** Compiles `pattern`; the result is reusable for any number of `exec()` calls. */
export function compileRegex(pattern: string, options: RegexOptions): { ok: true; regex: CompiledRegex } | { ok: false; error: RegexError } {
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
