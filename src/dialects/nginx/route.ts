/**
 * Where nginx serves one request: the location a URI ends at once the rewrite module's code and
 * the try-files phase have moved it, for `simulate --location PATH` (the value flow of
 * rewrite-code.ts answers for every request at once; this follows one). The phases, as
 * src/http/ngx_http_core_module.c and ngx_http_rewrite_module.c (nginx 1.22) run them:
 *
 * 1. server rewrite: the server's code (rewrite-code.ts says what each step does). A `rewrite`
 *    without a flag changes the URI and the code goes on; `last` and `break` change it and end
 *    the code; a redirecting `rewrite` and `return` answer, before any location is searched.
 * 2. find config: the location search ({@link findLocation}) with the URI as it is now.
 * 3. rewrite: the location's code. `rewrite ... last` (and a `rewrite` without a flag, once the
 *    code ends) searches again from step 2 (`ngx_http_core_post_rewrite_phase`: the server's code
 *    does not run again); `break` keeps the request in the location.
 * 4. try files: where the location has `try_files`, a request whose files do not exist goes to
 *    the last argument: a named location (`ngx_http_named_location`: its rewrite phase next), a
 *    URI (`ngx_http_internal_redirect`: from step 1 again), or `=code` (nginx answers).
 *
 * The linter does not see the document root, so it takes the files `try_files` tests for absent:
 * the request simulated is one for the application behind the proxy, not for a file on disk.
 * An `if` is taken not to hold (its requests are scopes of their own, which `simulate` shows with
 * their location); a replacement that reads a variable other than the regex's captures gives a
 * URI the linter cannot know: the route stops there, unknown. nginx restarts the search at most
 * NGX_HTTP_MAX_URI_CHANGES (10) times, then answers 500.
 */
import { bytesToText, compileNginxRegex, execNginx } from '../../model/ops/nginx-regex.js';
import type { Level } from './levels.js';
import { findLocation, type LocationNode } from './locations.js';
import { codeOf, type RewriteStep } from './rewrite-code.js';
import type { Directive } from './syntax.js';

/**
 * Where a request ends: served at a location level (with the URI it has there), answered by
 * nginx itself (`return`, a redirecting `rewrite`, `try_files ... =404`, a location search that
 * finds nothing or answers with its own 301), or not known.
 */
export type Route =
  | { readonly kind: 'served'; readonly level: Level; readonly uri: string }
  | { readonly kind: 'answered'; readonly directive: Directive | null; readonly atServer: boolean }
  | { readonly kind: 'unknown' };

const MAX_URI_CHANGES = 10;

/**
 * The URI a `rewrite` gives `uri`: null when its regex does not match, undefined when the new
 * URI reads a variable other than the captures (`$1`...`$9`, named groups). The part before `?`
 * is the URI; the captures are copied as they are (`ngx_http_script_copy_capture_code` escapes
 * them only in the arguments).
 */
export function rewrittenUri(d: Directive, uri: string): string | null | undefined {
  const [regex, replacement] = d.args;
  if (!regex || !replacement) return undefined;
  const compiled = compileNginxRegex(regex.value, false);
  if (!compiled.ok) return undefined;
  let found: ReturnType<typeof execNginx>;
  try {
    found = execNginx(compiled.regex, uri);
  } catch {
    return undefined;
  }
  if (!found) return null;
  const { subject, match } = found;
  const group = (n: number) => {
    const c = match.captures[n];
    return c ? bytesToText(subject.slice(c[0], c[1])) : '';
  };
  const written = replacement.value.split('?')[0]!;
  let unknown = false;
  // `ngx_http_script_compile`: `$N` one digit; `$name` or `${name}` a variable (a named group's capture).
  const out = written.replace(/\$(?:(\d)|\{([A-Za-z0-9_]+)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_, digit: string | undefined, braced: string | undefined, bare: string | undefined) => {
    if (digit !== undefined) return group(Number(digit));
    const n = compiled.regex.groupNames.get((braced ?? bare)!);
    if (n !== undefined) return group(n);
    unknown = true;
    return '';
  });
  return unknown ? undefined : out;
}

type CodeEnd =
  | { readonly kind: 'on'; readonly uri: string; readonly search: boolean }
  | { readonly kind: 'answered'; readonly directive: Directive }
  | { readonly kind: 'unknown' };

/**
 * Runs a level's code on one URI. `on`: the code ended with the request still to serve, with its
 * URI, and whether the location search runs again (a location's `last`, or a URI a `rewrite`
 * without a flag changed).
 */
function runCode(code: readonly RewriteStep[], start: string, atServer: boolean): CodeEnd {
  let uri = start;
  let changed = false;
  for (const step of code) {
    if (step.kind === 'set' || step.kind === 'if') continue;
    if (step.kind === 'uri') {
      const next = rewrittenUri(step.directive, uri);
      if (next === undefined) return { kind: 'unknown' };
      if (next !== null) uri = next;
      continue;
    }
    const name = step.directive.name.value;
    if (name === 'break') return { kind: 'on', uri, search: false };
    if (name === 'return') return { kind: 'answered', directive: step.directive };
    // A redirect's target is not a URI nginx serves here: only whether the regex matches counts.
    const next = rewrittenUri(step.directive, uri);
    if (next === null) continue;
    if (step.effect === 'end') return { kind: 'answered', directive: step.directive };
    if (next === undefined) return { kind: 'unknown' };
    uri = next;
    if (step.effect === 'stay') return { kind: 'on', uri, search: false };
    if (step.effect === 'leave') return { kind: 'on', uri, search: true };
    changed = true;
  }
  return { kind: 'on', uri, search: changed && !atServer };
}

/** The server a location level sits in. */
function serverOf(level: Level): Level | null {
  for (let l: Level | null = level; l; l = l.parent) if (l.kind === 'server') return l;
  return null;
}

/**
 * The route of a request for `path` (its query left off) to `server`, whose location tree is
 * `roots` (the nodes the search walks; a named location is found among the server's levels).
 */
export function routeRequest(server: Level, roots: readonly LocationNode<Level>[], path: string): Route {
  let uri = path.split('?')[0]!;
  // What runs next: the server's code (a request from the client, an internal redirect), the
  // location search (a location's `last`), or a location's code (a named location).
  let next: { kind: 'server' } | { kind: 'search' } | { kind: 'location'; level: Level } = { kind: 'server' };
  for (let changes = 0; changes <= MAX_URI_CHANGES; changes++) {
    if (next.kind === 'server') {
      const end = server.code ? runCode(server.code, uri, true) : ({ kind: 'on', uri, search: true } as const);
      if (end.kind === 'unknown') return end;
      if (end.kind === 'answered') return { kind: 'answered', directive: end.directive, atServer: true };
      uri = end.uri;
      next = { kind: 'search' };
    }
    let location: Level;
    if (next.kind === 'search') {
      const node = findLocation(roots, uri);
      if (!node) return { kind: 'answered', directive: null, atServer: false };
      location = node.value;
    } else location = next.level;
    const code = codeOf(location);
    const end = code ? runCode(code, uri, false) : ({ kind: 'on', uri, search: false } as const);
    if (end.kind === 'unknown') return end;
    if (end.kind === 'answered') return { kind: 'answered', directive: end.directive, atServer: false };
    uri = end.uri;
    if (end.search) {
      next = { kind: 'search' };
      continue;
    }
    const fallback = location.tryFiles?.[location.tryFiles.length - 1];
    if (fallback === undefined) return { kind: 'served', level: location, uri };
    if (fallback.startsWith('@')) {
      const named = serverOf(location)?.children.find((c) => c.kind === 'location' && c.location?.modifier === '@' && c.location.name === fallback);
      // nginx answers 500 for a named location it cannot find (`ngx_http_named_location`).
      if (!named) return { kind: 'answered', directive: null, atServer: false };
      next = { kind: 'location', level: named };
      continue;
    }
    if (/^=\d+$/.test(fallback)) return { kind: 'answered', directive: null, atServer: false };
    const target = fallback.split('?')[0]!.replace(/\$(?:uri|\{uri\}|document_uri|\{document_uri\})(?![A-Za-z0-9_])/g, uri);
    if (target.includes('$')) return { kind: 'unknown' };
    uri = target;
    next = { kind: 'server' };
  }
  return { kind: 'answered', directive: null, atServer: false };
}
