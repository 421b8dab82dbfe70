/**
 * Reading a Set-Cookie header value the way a browser does (RFC 6265 §5.2): the name-value pair
 * runs to the first `;`, the name to the first `=` in it; attributes are `;`-separated, their
 * names compared case-insensitively and trimmed. `HttpOnly=false` is still HttpOnly: a browser
 * looks only at the attribute name (§5.2.6).
 */
import type { CookieOp, LineChange, SetCookieLine } from './header-rewrite.js';
import type { Span } from '../source.js';

export interface CookieAttribute {
  /** Trimmed attribute name as written (`HttpOnly`, `path`). */
  readonly name: string;
  /** Trimmed value after `=`, or undefined when there is no `=`. */
  readonly value: string | undefined;
}

export interface ParsedSetCookie {
  /** Cookie name, trimmed; `''` when the pair has no `=` (the browser then uses an empty name). */
  readonly name: string;
  readonly value: string;
  readonly attributes: readonly CookieAttribute[];
}

function trimWs(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 32 || s.charCodeAt(a) === 9)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** Verdicts parse the same few hundred sample values again and again: remember them. */
const parsed = new Map<string, ParsedSetCookie>();
const PARSED_LIMIT = 4096;

export function parseSetCookie(header: string): ParsedSetCookie {
  let result = parsed.get(header);
  if (result === undefined) {
    if (parsed.size >= PARSED_LIMIT) parsed.clear();
    parsed.set(header, (result = parseUncached(header)));
  }
  return result;
}

function parseUncached(header: string): ParsedSetCookie {
  const semi = header.indexOf(';');
  const pair = semi === -1 ? header : header.slice(0, semi);
  const eq = pair.indexOf('=');
  const name = eq === -1 ? '' : trimWs(pair.slice(0, eq));
  const value = eq === -1 ? trimWs(pair) : trimWs(pair.slice(eq + 1));
  const attributes: CookieAttribute[] = [];
  if (semi !== -1) {
    for (const raw of header.slice(semi + 1).split(';')) {
      const aeq = raw.indexOf('=');
      const attrName = trimWs(aeq === -1 ? raw : raw.slice(0, aeq));
      if (attrName === '') continue;
      attributes.push({ name: attrName, value: aeq === -1 ? undefined : trimWs(raw.slice(aeq + 1)) });
    }
  }
  return { name, value, attributes };
}

/** The cookie's name as a browser stores it. */
export function cookieName(header: string): string {
  // Only the pair matters: a long attribute list (a line grown by many edits) is not split.
  const semi = header.indexOf(';');
  return parseSetCookie(semi === -1 ? header : header.slice(0, semi)).name;
}

/** Whether a browser would store the cookie with the attribute `attr` (case-insensitive). */
export function hasAttribute(header: string, attr: string): boolean {
  const wanted = attr.toLowerCase();
  // The attributes of parseSetCookie, read in place: a blame walks every intermediate value of a
  // line (thousands of characters, edited many times), and parsing each into objects made that
  // walk allocate more than the simulation it explains.
  let semi = header.indexOf(';');
  while (semi !== -1) {
    const next = header.indexOf(';', semi + 1);
    const end = next === -1 ? header.length : next;
    let b = semi + 1;
    while (b < end && header.charCodeAt(b) !== 61) b++; // '='
    let a = semi + 1;
    while (a < b && (header.charCodeAt(a) === 32 || header.charCodeAt(a) === 9)) a++;
    while (b > a && (header.charCodeAt(b - 1) === 32 || header.charCodeAt(b - 1) === 9)) b--;
    if (b > a && header.slice(a, b).toLowerCase() === wanted) return true;
    semi = next;
  }
  return false;
}

export function hasHttpOnly(header: string): boolean {
  return hasAttribute(header, 'httponly');
}

/**
 * A canonical form for comparing what a browser ends up storing: name, value, and the attributes
 * (lower-cased names, last value wins as in RFC 6265 §5.3 step 11, sorted), optionally without
 * some attributes. Two headers with the same canonical form create the same cookie.
 */
export function canonicalCookie(header: string, dropAttributes: readonly string[] = []): string {
  const parsed = parseSetCookie(header);
  const drop = new Set(dropAttributes.map((a) => a.toLowerCase()));
  const attrs = new Map<string, string>();
  for (const a of parsed.attributes) {
    const key = a.name.toLowerCase();
    if (drop.has(key)) continue;
    // Only these attributes are understood by browsers; others are ignored (§5.2 step 3: "ignore the cookie-av").
    attrs.set(key, key === 'path' || key === 'domain' ? (a.value ?? '') : (a.value ?? '').toLowerCase());
  }
  const sorted = [...attrs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${parsed.name}=${parsed.value}${sorted.map(([k, v]) => `; ${k}=${v}`).join('')}`;
}

/** Sets a line's value and records the change in its history (no-op when unchanged). */
export function changeLine(line: SetCookieLine, op: CookieOp, cause: Span, after: string): void {
  if (after === line.value) return;
  const change: LineChange = { op, cause, before: line.value, after };
  line.history.push(change);
  line.value = after;
}

/** A fresh line as a backend sends it. */
export function backendLine(value: string, producer: SetCookieLine['producer'], table?: SetCookieLine['table']): SetCookieLine {
  return table === undefined ? { value, producer, origin: value, history: [] } : { value, producer, origin: value, history: [], table };
}

/** A line a directive adds (add_header Set-Cookie, Header add Set-Cookie...). */
export function addedLine(value: string, op: CookieOp, cause: Span, table?: SetCookieLine['table']): SetCookieLine {
  const history: LineChange[] = [{ op, cause, before: '', after: value }];
  return table === undefined ? { value, producer: 'proxy', history } : { value, producer: 'proxy', history, table };
}

/**
 * State a response carries besides its cookies while it passes a pipeline, keyed by the op kind
 * that owns it (HAProxy's `allow` records which rule sets it stopped). The simulator hands one
 * array of lines to every op of a pipeline, and copies this state with the lines when it splits
 * the response into the outcomes of an undecided condition.
 */
export const responseState = new WeakMap<SetCookieLine[], Map<string, ReadonlySet<string>>>();
