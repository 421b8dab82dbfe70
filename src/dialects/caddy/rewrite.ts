/**
 * Caddy's `rewrite` handler on the request path (modules/caddyhttp/rewrite/rewrite.go), as far as
 * path matchers after it can see: the Caddyfile's `rewrite`, `uri` and `handle_path` and the JSON
 * handler's `uri`, `strip_path_prefix`, `strip_path_suffix`, `uri_substring` and `path_regexp`.
 * Checked against Caddy 2.6.2 in test/caddy/real-server.test.ts.
 *
 * - `uri` sets the path to its path part (before `?`/`#`; none: the path is kept);
 * - `strip_path_prefix` (a `/` put in front when missing) and `strip_path_suffix` trim when the
 *   path starts (ends) with them, case-insensitively;
 * - `uri_substring` is `strings.Replace(path, find, replace, limit)`, `path_regexp` Go's
 *   `ReplaceAllString`.
 *
 * A placeholder (`{...}`) in what the path becomes, an escape (`%xx`) or a regex the linter
 * cannot run makes the path unknown: path matchers after it are then undecided (both branches
 * walked), never guessed.
 */
import { compileRe2 } from '../../regex/re2.js';
import { goReplaceAll } from '../../model/ops/caddy-headers.js';

export type PathRewrite = (path: string | null) => string | null;

const dynamic = (s: string) => s.includes('{') || s.includes('%');

/** `uri`: the path part of the new URI. */
export function rewriteUri(uri: string): PathRewrite {
  const cut = uri.search(/[?#]/);
  const path = cut < 0 ? uri : uri.slice(0, cut);
  if (path === '') return (p) => p;
  return () => (dynamic(path) ? null : path);
}

/** `strip_path_prefix`. */
export function stripPathPrefix(prefix: string): PathRewrite {
  const p = prefix.startsWith('/') ? prefix : `/${prefix}`;
  return (path) => {
    if (path === null || dynamic(p)) return null;
    return path.toLowerCase().startsWith(p.toLowerCase()) ? path.slice(p.length) : path;
  };
}

/** `strip_path_suffix`. */
export function stripPathSuffix(suffix: string): PathRewrite {
  return (path) => {
    if (path === null || dynamic(suffix)) return null;
    return path.toLowerCase().endsWith(suffix.toLowerCase()) ? path.slice(0, path.length - suffix.length) : path;
  };
}

/** `uri_substring`: Go's `strings.Replace` (limit ≤ 0: every occurrence). */
export function replaceSubstring(find: string, replace: string, limit: number): PathRewrite {
  return (path) => {
    if (find === '') return path;
    if (path === null || dynamic(find) || dynamic(replace)) return null;
    const parts = path.split(find);
    if (limit <= 0 || parts.length - 1 <= limit) return parts.join(replace);
    return parts.slice(0, limit + 1).join(replace) + find + parts.slice(limit + 1).join(find);
  };
}

/** `path_regexp`: Go's `ReplaceAllString` on the path. */
export function replaceRegexp(find: string, replace: string): PathRewrite {
  const compiled = find === '' ? null : compileRe2(find);
  return (path) => {
    if (find === '') return path;
    if (path === null || !compiled?.ok || dynamic(replace)) return null;
    try {
      return goReplaceAll(compiled.regex, path, replace);
    } catch {
      return null;
    }
  };
}

/** `handle_path <p>`: the prefix it strips (`/api/*` → `/api`, `/b*` → `/b`, `/*` → none). */
export function handlePathPrefix(pattern: string): string {
  if (pattern.endsWith('/*')) return pattern.slice(0, -2);
  if (pattern.endsWith('*')) return pattern.slice(0, -1);
  return pattern;
}
