/** Shorthands for the regex unit tests. */
import { compileRegex, fromByteString, toByteString, type CompiledRegex, type RegexError, type RegexOptions } from '../../src/regex/index.js';

/** Apache httpd 2.4: AP_REG_DEFAULT = DOTALL | DOLLAR_ENDONLY (reference §1.3). */
export const APACHE: RegexOptions = { flavor: 'pcre', dotAll: true, dollarEndOnly: true };
/** nginx `proxy_cookie_flags ~re`: always caseless (§2.2). */
export const NGINX: RegexOptions = { flavor: 'pcre', caseless: true };
/** PCRE2 with no options (pcre2test's default). */
export const PCRE: RegexOptions = { flavor: 'pcre' };
/** IIS URL Rewrite with ignoreCase="false". */
export const ECMA: RegexOptions = { flavor: 'ecmascript' };

export function compile(pattern: string, options: RegexOptions): CompiledRegex {
  const r = compileRegex(pattern, options);
  if (!r.ok) throw new Error(`${JSON.stringify(pattern)} did not compile: ${r.error.message} at ${r.error.offset}`);
  return r.regex;
}

/**
 * Texts of the groups of the first match (`undefined` for groups that did not participate), or
 * null. PCRE subjects are converted to bytes and the texts back to strings.
 */
export function groups(pattern: string, subject: string, options: RegexOptions = PCRE, from = 0): Array<string | undefined> | null {
  const re = compile(pattern, options);
  const s = options.flavor === 'pcre' ? toByteString(subject) : subject;
  const m = re.exec(s, from);
  const text = options.flavor === 'pcre' ? fromByteString : (t: string): string => t;
  return m ? m.captures.map((c) => (c ? text(s.slice(c[0], c[1])) : undefined)) : null;
}

/** The whole-match text, or null. */
export function match(pattern: string, subject: string, options: RegexOptions = PCRE, from = 0): string | null {
  return groups(pattern, subject, options, from)?.[0] ?? null;
}

export function errorOf(pattern: string, options: RegexOptions): RegexError {
  const r = compileRegex(pattern, options);
  if (r.ok) throw new Error(`${JSON.stringify(pattern)} compiled but an error was expected`);
  return r.error;
}
