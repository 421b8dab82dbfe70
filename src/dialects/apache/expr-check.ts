/**
 * The one ap_expr check the linter makes before httpd would: every regex literal of an
 * expression (`=~ /re/`, `!~ m#re#`) must compile, or httpd refuses to start. ap_expr's lexer
 * ends a literal at the first delimiter, without escapes (server/util_expr_scan.l), so
 * `/^\/api\//` is the regex `^\`, which PCRE refuses (checked on 2.4.71: "Failed to compile
 * regular expression"). Other parse errors of ap_expr are not detected.
 */
import { APACHE_DEFAULT_REGEX_FLAGS, compileApacheRegex } from './regex-options.js';

/** httpd's words for a regex literal of `expr` that does not compile; undefined when all do. */
export function exprRegexError(expr: string): string | undefined {
  for (const m of expr.matchAll(/[=!]~\s*(?:m([^\w\s])|(\/))/g)) {
    const delimiter = m[1] ?? m[2]!;
    const start = m.index + m[0].length;
    const end = expr.indexOf(delimiter, start);
    if (end === -1) continue;
    const compiled = compileApacheRegex(expr.slice(start, end), APACHE_DEFAULT_REGEX_FLAGS);
    if (!compiled.ok && compiled.error.code === 'syntax') return 'Failed to compile regular expression';
  }
  return undefined;
}
