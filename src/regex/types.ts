/**
 * Public contract of the regex engine: the flavors, their options, compile errors, matches.
 *
 * The engine exists because the linter must reproduce what Apache httpd and nginx (PCRE2 10.42,
 * non-UTF 8-bit mode) and IIS URL Rewrite (ECMAScript) do with regexes taken from untrusted
 * configuration files: the same match as the real engine, and never an unbounded run time.
 */

/** `pcre` = PCRE2 10.42 as Apache 2.4 / nginx 1.22 use it; `ecmascript` = IIS URL Rewrite (ES5, non-unicode). */
export type RegexFlavor = 'pcre' | 'ecmascript';

/** Compile options. Option names follow PCRE2; the ECMAScript flavor honours `caseless` and `multiline` only. */
export interface RegexOptions {
  readonly flavor: RegexFlavor;
  /** PCRE2_CASELESS / ECMAScript `i`. PCRE non-UTF mode folds ASCII letters only. */
  readonly caseless?: boolean;
  /** PCRE only (PCRE2_DOTALL): `.` also matches `\n`. Apache turns this on by default (AP_REG_DOTALL). */
  readonly dotAll?: boolean;
  /** PCRE only (PCRE2_DOLLAR_ENDONLY): `$` matches only at the very end. Apache default on. */
  readonly dollarEndOnly?: boolean;
  /** PCRE2_MULTILINE / ECMAScript `m`. */
  readonly multiline?: boolean;
  /** PCRE only (PCRE2_EXTENDED): unescaped white space and `#` comments are ignored. */
  readonly extended?: boolean;
  /** Backtracking budget per `exec()` call; default {@link DEFAULT_STEP_LIMIT}. */
  readonly stepLimit?: number;
}

/** Default backtracking budget of one `exec()` call. */
export const DEFAULT_STEP_LIMIT = 100_000;

/** Why a pattern was refused. */
export interface RegexError {
  /** Message in the wording of the real engine where one exists (PCRE2's error texts). */
  readonly message: string;
  /** Offset into the pattern string as given (UTF-16 code units), where the engine stopped. */
  readonly offset: number;
  /**
   * `syntax` (the real engine refuses it too), `unsupported` (valid for the real engine, not
   * simulated here), `lookbehind-not-fixed-length`, `ecma-inline-flags`, `ecma-lookbehind`,
   * `ecma-named-group` (valid in modern JavaScript, refused for IIS).
   */
  readonly code: RegexErrorCode;
}

export type RegexErrorCode =
  | 'syntax'
  | 'unsupported'
  | 'lookbehind-not-fixed-length'
  | 'ecma-inline-flags'
  | 'ecma-lookbehind'
  | 'ecma-named-group';

/** One successful match. Offsets index the subject (bytes for the PCRE flavor). */
export interface Match {
  readonly start: number;
  readonly end: number;
  /** `captures[0]` = whole match; `undefined` = the group did not participate. */
  readonly captures: ReadonlyArray<readonly [number, number] | undefined>;
}

/** Per-call match options mirroring PCRE2 match options (used to emulate Apache's `edit*` loop). */
export interface ExecFlags {
  /** PCRE2_NOTEMPTY_ATSTART: an empty match starting at `from` is not a match. */
  readonly notEmptyAtStart?: boolean;
  /** PCRE2_ANCHORED: the match must start exactly at `from`. */
  readonly anchored?: boolean;
}

/** A compiled pattern. Not re-entrant across threads, but safe to reuse for any number of calls. */
export interface CompiledRegex {
  readonly source: string;
  readonly options: RegexOptions;
  /** Number of capture groups (the highest group number). */
  readonly groupCount: number;
  readonly groupNames: ReadonlyMap<string, number>;
  /**
   * Leftmost match starting at or after `from`; `null` when there is none (also when `from` is
   * past the end of the subject). Throws {@link RegexBudgetError} when the step limit is exceeded.
   * PCRE flavor: `subject` must be a byte string (`toByteString(value)`), as Apache and nginx
   * match bytes; offsets in the result are byte offsets.
   */
  exec(subject: string, from?: number, flags?: ExecFlags): Match | null;
  test(subject: string): boolean;
}

/** Thrown by `exec()` when matching needs more backtracking steps than the budget allows. */
export class RegexBudgetError extends Error {
  readonly pattern: string;
  /** Set when the pattern is valid but uses a construct the linter does not simulate: why. */
  readonly unsupported: string | undefined;
  constructor(pattern: string, reason: string, options: { readonly unsupported?: boolean } = {}) {
    super(`regex ${JSON.stringify(pattern)}: ${reason}`);
    this.name = 'RegexBudgetError';
    this.pattern = pattern;
    this.unsupported = options.unsupported ? reason : undefined;
  }
}

/** Top-level structure, for fix builders that must insert a lookahead without renumbering groups. */
export interface PatternShape {
  /** Offset after leading inline option settings such as `(?i)` (0 if none). */
  readonly leadingFlagsEnd: number;
  /** A top-level `^` (or `\A`) right after the leading flags that anchors every alternative at subject start. */
  readonly startAnchor: { readonly start: number; readonly end: number } | null;
  /** `a|b` at top level. */
  readonly topLevelAlternation: boolean;
  /** Some subject yields an empty match (conservative: true when unsure). */
  readonly canMatchEmpty: boolean;
  /** The leftmost match, when one exists, starts at offset 0 (conservative: false when unsure). */
  readonly alwaysMatchesAtStartIfAnywhere: boolean;
  readonly groupCount: number;
}
