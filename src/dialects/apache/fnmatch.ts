/**
 * `apr_fnmatch` as httpd uses it for `Include` wildcards (one path component at a time, with
 * `APR_FNM_PERIOD`: a leading `.` must be matched by a literal `.`) and for wildcard
 * `<Location>`/`<Directory>`/`<Files>` sections. `*`, `?`, `[...]` (`!` or `^` negates, `a-z`
 * ranges), `\` escapes the next character. apr/strings/apr_fnmatch.c.
 */

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

function escapeForRegExp(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c;
}

/** A bracket expression starting at `i` (the `[`), or null when it has no closing `]`. */
function bracket(pattern: string, i: number): { source: string; next: number } | null {
  let j = i + 1;
  let negate = false;
  if (pattern[j] === '!' || pattern[j] === '^') {
    negate = true;
    j++;
  }
  let body = '';
  let first = true;
  while (j < pattern.length && (pattern[j] !== ']' || first)) {
    first = false;
    let c = pattern[j]!;
    if (c === '\\' && j + 1 < pattern.length) c = pattern[++j]!;
    if (pattern[j + 1] === '-' && j + 2 < pattern.length && pattern[j + 2] !== ']') {
      let hi = pattern[j + 2]!;
      let k = j + 2;
      if (hi === '\\' && k + 1 < pattern.length) hi = pattern[++k]!;
      if (c <= hi) body += `${escapeForRegExp(c)}-${escapeForRegExp(hi)}`;
      j = k + 1;
      continue;
    }
    body += escapeForRegExp(c);
    j++;
  }
  if (j >= pattern.length) return null;
  const source = body === '' ? (negate ? '[\\s\\S]' : '(?!)') : `[${negate ? '^' : ''}${body}]`;
  return { source, next: j + 1 };
}

/** Compiles an fnmatch pattern; `pathname` keeps `*`, `?` and brackets from matching `/`. */
export function fnmatchToRegExp(pattern: string, pathname = false): RegExp {
  const any = pathname ? '[^/]' : '[\\s\\S]';
  let src = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') src += `${any}*`;
    else if (c === '?') src += any;
    else if (c === '[') {
      const b = bracket(pattern, i);
      if (b) {
        src += pathname ? `(?!/)${b.source}` : b.source;
        i = b.next - 1;
      } else src += '\\[';
    } else if (c === '\\' && i + 1 < pattern.length) src += escapeForRegExp(pattern[++i]!);
    else src += escapeForRegExp(c);
  }
  return new RegExp(`^${src}$`);
}

/** `apr_fnmatch(pattern, name, APR_FNM_PERIOD)` on one path component. */
export function fnmatchName(pattern: string, name: string): boolean {
  if (name.startsWith('.') && !pattern.startsWith('.')) return false;
  return fnmatchToRegExp(pattern).test(name);
}
