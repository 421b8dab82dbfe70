/**
 * The cookies mod_rewrite's `CO` flag sets (src/model/ops/apache-rewrite-cookie.ts) on a scope's
 * requests: the `RewriteRule`s of the server's own context (httpd runs a server's rules in
 * `translate_name`; a virtual host does not inherit the main server's rules, but the engine
 * state it does not set itself), in order, while `RewriteEngine` is on. A rule's `CO` flags act
 * when its pattern matches the request's path (`!` negates, `NC` ignores case) and its
 * `RewriteCond`s hold. What the linter cannot decide makes the rule's op conditional (both
 * outcomes are explored): a `RewriteCond`, a scope with no single request path, a rule after
 * one that may have stopped the rules (`L`, `END`, `F`, `G`, `P`), skipped some (`C`, `S`, `N`),
 * redirected (`R`) or changed the path (a substitution other than `-`). A rule that certainly
 * applies stops the rest when it has `L`, `END`, `F`, `G` or `P`.
 * Rules in `<Directory>`/`<Location>` sections and `.htaccess` (run in the fixups phase) are
 * not followed.
 */
import type { Condition, CookieOp } from '../../model/header-rewrite.js';
import { createApacheRewriteCookieOp, type RewriteCookie } from '../../model/ops/apache-rewrite-cookie.js';
import { regexMatches, type FlagsAt } from './matching.js';
import { directiveLabel } from './ops.js';
import type { ServerScope } from './scopes.js';
import type { DirectiveNode } from './syntax.js';

interface Flag {
  readonly name: string;
  readonly value: string | undefined;
}

/** `[A,B=c]` → its flags (names lower-cased); mod_rewrite splits the list at every comma. */
function flagsOf(word: string | undefined): Flag[] {
  if (!word?.startsWith('[') || !word.endsWith(']')) return [];
  return word
    .slice(1, -1)
    .split(',')
    .map((f) => {
      const eq = f.indexOf('=');
      return eq < 0 ? { name: f.trim().toLowerCase(), value: undefined } : { name: f.slice(0, eq).trim().toLowerCase(), value: f.slice(eq + 1) };
    });
}

const STOPS = new Set(['l', 'last', 'end', 'f', 'forbidden', 'g', 'gone', 'p', 'proxy']);
/** Flags after which the rules that follow may not run as written (`R` without `L` goes on, to a redirect). */
const JUMPS = new Set(['c', 'chain', 's', 'skip', 'n', 'next', 'r', 'redirect']);

/** Whether the server's rewrite engine is on (a virtual host takes the main server's state unless it sets one). */
function engineOn(server: ServerScope, main: ServerScope): boolean {
  const state = (s: ServerScope) => {
    let on: boolean | undefined;
    for (const d of s.root.directives) if (d.lname === 'rewriteengine') on = d.args[0]?.value.toLowerCase() === 'on';
    return on;
  };
  return state(server) ?? (server === main ? false : (state(main) ?? false));
}

/** Whether a `RewriteRule` has a `CO` flag. */
export function hasCookieFlag(d: DirectiveNode): boolean {
  return d.lname === 'rewriterule' && flagsOf(d.args[2]?.value).some((f) => (f.name === 'co' || f.name === 'cookie') && f.value !== undefined);
}

/** Whether any rule of the server's own context has a `CO` flag (most servers: none, and no work). */
export function hasRewriteCookies(server: ServerScope): boolean {
  let has = withCookies.get(server);
  if (has === undefined) withCookies.set(server, (has = server.root.directives.some(hasCookieFlag)));
  return has;
}

const withCookies = new WeakMap<ServerScope, boolean>();

/**
 * The ops of the `CO` flags that may act on a request for `path` (undefined: the scope has no
 * single path) in `server`, in rule order.
 */
export function rewriteCookieOps(server: ServerScope, main: ServerScope, path: string | undefined, flagsAt: FlagsAt, orderOf: (d: DirectiveNode) => number, cache: Map<string, CookieOp>): CookieOp[] {
  if (!hasRewriteCookies(server) || !engineOn(server, main)) return [];
  const out: CookieOp[] = [];
  let conds: DirectiveNode[] = [];
  /** Why the rules after this point may not all run (null: they do). */
  let doubt: string | null = null;
  let uri = path?.split('?')[0];
  for (const d of server.root.directives) {
    if (d.lname === 'rewritecond') {
      conds.push(d);
      continue;
    }
    if (d.lname !== 'rewriterule') continue;
    const mine = conds;
    conds = [];
    const pattern = d.args[0]?.value;
    if (pattern === undefined) continue;
    const flags = flagsOf(d.args[2]?.value);
    const negate = pattern.startsWith('!');
    const base = flagsAt(orderOf(d));
    const caseless = flags.some((f) => f.name === 'nc' || f.name === 'nocase');
    const matches = uri === undefined ? undefined : regexMatches(negate ? pattern.slice(1) : pattern, uri, caseless ? { ...base, caseless: true } : base) !== negate;
    if (matches === false) continue;
    const tests = [...mine.map(directiveLabel), ...(matches === undefined ? [`the request path matches ${pattern}`] : [])];
    const certain = tests.length === 0 && doubt === null;
    const cookies: RewriteCookie[] = flags.filter((f) => (f.name === 'co' || f.name === 'cookie') && f.value !== undefined).map((f) => ({ span: d.args[2]!.span, spec: f.value! }));
    if (cookies.length > 0) {
      const text = [...(doubt ? [doubt] : []), ...tests].join(' and ');
      const condition: Condition | null = certain ? null : { text, value: 'unknown', span: d.span };
      const key = `${d.span.file}\u0000${d.span.start}\u0000${condition?.text ?? ''}`;
      let op = cache.get(key);
      if (!op) cache.set(key, (op = createApacheRewriteCookieOp(d.span, directiveLabel(d), cookies, condition)));
      out.push(op);
    }
    const stops = flags.some((f) => STOPS.has(f.name));
    const rewrites = (d.args[1]?.value ?? '-') !== '-';
    if (certain && stops) break;
    if (stops || flags.some((f) => JUMPS.has(f.name))) doubt ??= `no ${directiveLabel(d)} before it stops the rules`;
    if (rewrites) {
      if (!certain) doubt ??= `${directiveLabel(d)} does not rewrite the path first`;
      uri = undefined;
    }
  }
  return out;
}

/**
 * The `CO` flag value with its httponly field set to `0` (fields as `apr_strtok` reads them:
 * empty ones skipped), or null when it has no httponly field.
 */
export function withoutHttpOnly(spec: string): string | null {
  const sep = spec.startsWith(';') ? ';' : ':';
  let field = 0;
  let i = sep === ';' ? 1 : 0;
  while (i < spec.length) {
    if (spec[i] === sep) {
      i++;
      continue;
    }
    let end = spec.indexOf(sep, i);
    if (end < 0) end = spec.length;
    if (field === 6) return `${spec.slice(0, i)}0${spec.slice(end)}`;
    field++;
    i = end;
  }
  return null;
}
