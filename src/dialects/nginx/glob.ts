/**
 * `include` masks: nginx calls glibc `glob(pattern, 0, NULL, &pglob)` (src/os/unix/ngx_files.c
 * `ngx_open_glob`): `*`, `?` and `[...]` in any path segment, backslash escapes, a leading `.` only
 * matched explicitly, results sorted by byte order (C locale), no match is not an error
 * (`gl->test = 1` accepts GLOB_NOMATCH).
 */
import { isIoError, type ConfigIO } from '../../source.js';
import { wildcardMatch, type WildcardToken } from '../../wildcard.js';
import { IncludeBudget, inPseudoFileSystem } from '../include-bounds.js';

/** Whether `include` treats the path as a mask (`strpbrk(file, "*?[")` in `ngx_conf_include`). */
export function isGlob(path: string): boolean {
  return /[*?[]/.test(path);
}

function hasMeta(segment: string): boolean {
  return /(?:^|[^\\])[*?[]/.test(segment) || /^[*?[]/.test(segment);
}

/** One fnmatch segment as wildcard tokens (remembered: a mask is matched against every entry of its directory). */
const compiled = new Map<string, WildcardToken[]>();

function segmentTokens(segment: string): WildcardToken[] {
  let tokens = compiled.get(segment);
  if (tokens) return tokens;
  tokens = [];
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '\\' && i + 1 < segment.length) tokens.push({ kind: 'literal', char: segment[++i]! });
    else if (c === '*') tokens.push({ kind: 'star' });
    else if (c === '?') tokens.push({ kind: 'any' });
    else if (c === '[') {
      const close = findClassEnd(segment, i);
      if (close < 0) {
        tokens.push({ kind: 'literal', char: '[' });
        continue;
      }
      let body = segment.slice(i + 1, close);
      let negate = false;
      if (body.startsWith('!') || body.startsWith('^')) {
        negate = true;
        body = body.slice(1);
      }
      // Every character of the body is literal (a backslash too); `x-y` is a range, empty when reversed.
      const ranges: number[] = [];
      for (let k = 0; k < body.length; k++) {
        if (body[k + 1] === '-' && k + 2 < body.length) {
          const lo = body.charCodeAt(k);
          const hi = body.charCodeAt(k + 2);
          if (lo <= hi) ranges.push(lo, hi);
          k += 2;
        } else ranges.push(body.charCodeAt(k), body.charCodeAt(k));
      }
      tokens.push({ kind: 'set', negate, ranges });
      i = close;
    } else tokens.push({ kind: 'literal', char: c });
  }
  if (compiled.size >= 1024) compiled.clear();
  compiled.set(segment, tokens);
  return tokens;
}

function findClassEnd(segment: string, open: number): number {
  let j = open + 1;
  if (segment[j] === '!' || segment[j] === '^') j++;
  if (segment[j] === ']') j++;
  for (; j < segment.length; j++) if (segment[j] === ']') return j;
  return -1;
}

/** Matches one file name against one segment (a leading `.` must be matched literally). */
export function matchSegment(segment: string, name: string): boolean {
  if (name.startsWith('.') && !segment.startsWith('.') && !segment.startsWith('\\.')) return false;
  return wildcardMatch(segmentTokens(segment), name, true);
}

/** Matches a full path against a full mask (used for `nginx -T` dumps, where there is no directory to list). */
export function matchPath(mask: string, path: string): boolean {
  const ms = mask.split('/');
  const ps = path.split('/');
  return ms.length === ps.length && ms.every((m, i) => (hasMeta(m) ? matchSegment(m, ps[i]!) : unescapeSegment(m) === ps[i]));
}

function unescapeSegment(segment: string): string {
  return segment.replace(/\\(.)/g, '$1');
}

function byteOrder(a: string, b: string): number {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return Buffer.compare(ba, bb);
}

/**
 * Expands an absolute mask through `io`; sorted like glibc in the C locale. Directories under
 * /proc, /sys and /dev are not listed, and the walk stops at the bounds of {@link IncludeBudget}
 * (`error` then says so, and no file is returned).
 */
export function expandGlob(mask: string, io: ConfigIO): { files: string[]; error?: string } {
  const budget = new IncludeBudget();
  const segments = mask.split('/');
  let current = [segments[0] === '' ? '' : segments[0]!];
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i]!;
    const next: string[] = [];
    for (const dir of current) {
      if (!hasMeta(segment)) {
        next.push(`${dir}/${unescapeSegment(segment)}`);
        continue;
      }
      const path = dir === '' ? '/' : dir;
      if (inPseudoFileSystem(path) || inPseudoFileSystem(io.realpath(path))) continue;
      if (!budget.listDir()) return { files: [], error: budget.message() };
      const entries = io.readDir(path);
      if (isIoError(entries)) continue;
      for (const name of entries) {
        if (!matchSegment(segment, name)) continue;
        if (!budget.match()) return { files: [], error: budget.message() };
        next.push(`${dir}/${name}`);
      }
    }
    current = next;
  }
  return { files: sortFound(current, io) };
}

function sortFound(paths: readonly string[], io: ConfigIO): string[] {
  return paths.filter((p) => io.stat(p) !== 'missing').sort(byteOrder);
}
