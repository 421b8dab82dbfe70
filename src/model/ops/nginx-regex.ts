/**
 * nginx compiles with PCRE2 in non-UTF byte mode, with only CASELESS (and MULTILINE, unused here)
 * as requested by the directive: no DOTALL, no DOLLAR_ENDONLY (src/core/ngx_regex.c
 * `ngx_regex_compile`; proxy-semantics.md §2.6). Subjects are byte strings.
 */
import { compileRegex, fromByteString, toByteString, type CompiledRegex, type Match } from '../../regex/index.js';

export type NginxRegexResult = { readonly ok: true; readonly regex: CompiledRegex } | { readonly ok: false; readonly message: string };

/** Compiles like `ngx_regex_compile`; the error reads like nginx's (`pcre2_compile() failed: ... in "..." at "..."`). */
export function compileNginxRegex(pattern: string, caseless: boolean): NginxRegexResult {
  const r = compileRegex(pattern, { flavor: 'pcre', caseless });
  if (r.ok) return r;
  if (r.error.code === 'unsupported') return { ok: false, message: `the linter cannot evaluate the regex "${pattern}": ${r.error.message}` };
  const rest = pattern.slice(r.error.offset);
  const where = rest === '' ? '' : ` at "${rest}"`;
  return { ok: false, message: `pcre2_compile() failed: ${r.error.message} in "${pattern}"${where}` };
}

/** Unanchored search of `text` (a JS string) in byte mode; offsets index the returned `subject`. */
export function execNginx(regex: CompiledRegex, text: string): { subject: string; match: Match } | null {
  const subject = toByteString(text);
  const match = regex.exec(subject, 0);
  return match ? { subject, match } : null;
}

/** Byte string → text, after capture substitution. */
export function bytesToText(s: string): string {
  return fromByteString(s);
}
