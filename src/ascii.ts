/**
 * Case folding as the servers do it in C (`ngx_tolower`, `ngx_strncasecmp`, `ngx_strcasestrn`):
 * only `A`–`Z` change. JavaScript's `toLowerCase` also folds `É` to `é` and turns `İ` into two
 * characters, so a name nginx tells apart would compare equal, and offsets found in a folded
 * string would drift from the original.
 */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (run) => run.toLowerCase());
}

/** `ngx_strncasecmp` over equal lengths: the same length and the same bytes once `A`–`Z` are folded. */
export function asciiCaseEqual(a: string, b: string): boolean {
  return a.length === b.length && asciiLower(a) === asciiLower(b);
}
