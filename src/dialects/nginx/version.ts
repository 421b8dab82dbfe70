/**
 * Which nginx the configuration is checked against (`--nginx-version`, default the current stable
 * branch, src/dialects/dialect.ts DEFAULT_NGINX_VERSION). Directives newer than that version are
 * unknown to it: nginx refuses them with `unknown directive "..."`.
 */

export type Version = readonly [number, number, number];

export function parseVersion(text: string): Version | null {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

export function compareVersions(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

export function atLeast(version: Version, min: Version): boolean {
  return compareVersions(version, min) >= 0;
}

export function formatVersion(v: Version): string {
  return v.join('.');
}

/** `proxy_cookie_flags` and the parse/re-serialize cookie rewriting (changes.xml 1.19.3). */
export const COOKIE_FLAGS_SINCE: Version = [1, 19, 3];
/** `$sent_http_*` of a repeated header joins every line with ", " (changes.xml 1.23.0). */
export const SENT_HEADERS_JOINED_SINCE: Version = [1, 23, 0];
/** `add_header_inherit` (changes.xml 1.29.3). */
export const ADD_HEADER_INHERIT_SINCE: Version = [1, 29, 3];
/** `add_header ... always` (changes.xml 1.7.5). */
export const ADD_HEADER_ALWAYS_SINCE: Version = [1, 7, 5];
