/**
 * Locations no request can select, proven from the configuration alone, by the rules of
 * nginx's location search (`ngx_http_core_find_location`, see ./locations.ts):
 *
 * - a request path always starts with "/" (nginx refuses a request line whose URI does not,
 *   "client sent invalid request" — and normalizes "//" and "/../" first), so a prefix or exact
 *   location that does not start with "/" never matches, nor does a regex anchored on another
 *   first character (`location ~ ^api/`, a common mistake for `^/api/`);
 * - regex locations of one level are tried in order and the first match wins: one after a regex
 *   that matches every path (`~ /`, `~ .*`), or after the same regex (no narrower in case), is
 *   never tried with success;
 * - regex locations are not searched at all when the longest prefix match is `^~`: a level whose
 *   only prefix locations are `^~` ones, `^~ /` among them, never searches its regexes.
 *
 * Only proofs, never guesses: a location these rules do not decide is reachable. Nested levels
 * are judged by the same rules among their siblings (nginx searches them the same way).
 */
import type { LocationInfo, LocationNode } from './locations.js';

/** Regexes that match every request path (each starts with "/", so is not empty). */
const MATCHES_EVERY_PATH: ReadonlySet<string> = new Set(['', '/', '^/', '.', '.*', '^.*', '.*$', '^.*$', '^/.*', '^/.*$', '(.*)', '^(.*)$', '.+', '^.+', '^.+$', '(.+)', '^(.+)$']);

const isRegex = (n: LocationNode<unknown>) => n.info.modifier === '~' || n.info.modifier === '~*';
const isPrefix = (n: LocationNode<unknown>) => n.info.modifier === '' || n.info.modifier === '^~';

/** Equal but for ASCII letter case, with no escape whose meaning depends on case (`\\d`, `\\D`). */
function sameIgnoringCase(a: string, b: string): boolean {
  if (/\\[A-Za-z]/.test(a) || /\\[A-Za-z]/.test(b)) return false;
  return a.replace(/[A-Z]/g, (c) => c.toLowerCase()) === b.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** `location ...` as written, for messages. */
export function locationLabel(info: LocationInfo): string {
  return info.modifier === '' ? `location ${info.name}` : `location ${info.modifier} ${info.name}`;
}

function locationText(n: LocationNode<unknown>): string {
  return locationLabel(n.info);
}

/**
 * Why no request can select `node` among its siblings `level` (a server's locations, or a
 * location's nested ones); undefined when it may be selected.
 */
export function unreachableReason<T>(level: readonly LocationNode<T>[], node: LocationNode<T>): string | undefined {
  const { modifier, name } = node.info;
  if ((isPrefix(node) || modifier === '=') && name !== '' && !name.startsWith('/')) {
    return `request paths always start with "/", and "${name}" does not`;
  }
  if (modifier === '') {
    // The regex search follows a plain longest prefix, and this one always ends it.
    const all = level.find((l) => isRegex(l) && MATCHES_EVERY_PATH.has(l.info.name));
    if (all) return `${locationText(all)} matches every request path, and nginx tries the regex locations after a plain prefix`;
  }
  if (!isRegex(node)) return undefined;
  const first = /^\^([A-Za-z0-9_-])/.exec(name);
  if (first) return `its regex needs the path to start with "${first[1]}", but request paths always start with "/"`;
  const index = level.indexOf(node);
  for (const earlier of level.slice(0, index)) {
    if (!isRegex(earlier)) continue;
    if (MATCHES_EVERY_PATH.has(earlier.info.name)) return `${locationText(earlier)} comes first and matches every request path`;
    if (earlier.info.name === name && (earlier.info.modifier === '~*' || modifier === '~')) return `${locationText(earlier)} comes first and matches the same paths`;
    if (earlier.info.modifier === '~*' && sameIgnoringCase(earlier.info.name, name)) return `${locationText(earlier)} comes first and matches the same paths in any case`;
  }
  const prefixes = level.filter(isPrefix);
  if (prefixes.length > 0 && prefixes.every((p) => p.info.modifier === '^~') && prefixes.some((p) => p.info.name === '/')) {
    return 'location ^~ / (with only ^~ prefix locations beside it) stops nginx before it searches the regex locations';
  }
  return undefined;
}
