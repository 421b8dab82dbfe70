/**
 * Responses nginx makes itself: the requests of a location (or of an `if` in one) that its rewrite
 * code ends with `return` or a redirecting `rewrite` (which ones do is the flow of the code,
 * rewrite-code.ts: an `if` whose requests run on into the location's `return` is answered with
 * the `if`'s configuration; one after a `return` is never reached) get no backend's cookies, but
 * their header filters run as for any response [LAB 1.22.1]: headers-more, and `add_header` for the
 * statuses it covers (200, 201, 204, 206, 301, 302, 303, 304, 307, 308; any with `always`), seeing
 * the status `return` gives (a URL alone: 302; `rewrite ... redirect`: 302, `permanent`: 301).
 * Where a level serves some requests and answers others (`rewrite ^/keep/ ... break; return
 * 403;`), each answer is a scope of its own beside the served one. Simulated as the `module`
 * producer ("a module of the server itself") whose lines a first step drops, so that the lines
 * the filters add are the response's. A GET that a `deny all` refuses gets nginx's 403 the same
 * way ({@link deniedAnswer}).
 * A server's `return` answers before any location is chosen, with the server's configuration:
 * its filters, whatever location the URI would select [LAB 1.22.1]. A server-level `if` that
 * answers (`if ($bad) { return 403; }`) answers the requests that meet its condition the same
 * way, with the server's filters (nginx merges the `if`'s configuration with the server's, and
 * no directive that adds a header is allowed inside it); the other requests still reach the
 * locations ({@link serverGuards}).
 */
import type { BackendRef } from '../../model/backends.js';
import type { CookieOp } from '../../model/header-rewrite.js';
import { nginxHideHeaderOp } from '../../model/ops/nginx-hide-header.js';
import { guarded } from './intercept.js';
import { BUILT_IN, MODULES, STANDARD } from './known-directives.js';
import type { Level } from './levels.js';
import { matchesEveryUri } from './rewrite-code.js';
import type { Directive } from './syntax.js';

/** The level's own directives in order, includes inlined, nested blocks not entered. */
function* ownDirectives(directives: readonly Directive[]): Generator<Directive> {
  for (const d of directives) {
    if (d.included) for (const f of d.included) yield* ownDirectives(f.directives);
    else yield d;
  }
}

/** How the level's own rewrite code answers every request that reaches its end, if it does. */
export interface OwnAnswer {
  readonly status: number;
  readonly directive: Directive;
  /** nginx's own error page (`return 404;`, `deny all`), which an `error_page` may replace; not `return 404 "text"` (`ngx_http_rewrite_return`). */
  readonly errorable: boolean;
}

export function ownAnswer(level: Level): OwnAnswer | null {
  if (level.kind !== 'location' && level.kind !== 'if' && level.kind !== 'server') return null;
  return answerIn(level.directive?.block?.children ?? []);
}

/** How a block's own rewrite code (a level's, or a server-level `if`'s body) answers every request that reaches its end, if it does. */
export function answerIn(directives: readonly Directive[]): OwnAnswer | null {
  for (const d of ownDirectives(directives)) {
    const name = d.name.value;
    if (name === 'break') return null;
    if (name === 'return') return answerOf(d);
    if (name === 'rewrite' && d.args.length >= 2) {
      if (!matchesEveryUri(d.args[0]!.value)) continue;
      return answerOf(d);
    }
  }
  return null;
}

/**
 * The answer a `return` or a redirecting `rewrite` gives when it runs (rewrite-code.ts `lowerStop`
 * says which do): `return`'s code (a URL alone: 302), `rewrite ... permanent` 301, otherwise 302.
 */
export function answerOf(d: Directive): OwnAnswer | null {
  if (d.name.value === 'return') {
    const code = d.args[0]?.value ?? '';
    const status = /^\d+$/.test(code) ? Number(code) : 302;
    return { status, directive: d, errorable: status >= 400 && d.args.length === 1 };
  }
  if (d.name.value !== 'rewrite' || d.args.length < 2) return null;
  const [, replacement, flag] = d.args.map((a) => a.value);
  if (flag === 'permanent') return { status: 301, directive: d, errorable: false };
  if (flag === 'redirect' || /^(?:https?:\/\/|\$scheme)/.test(replacement!)) return { status: 302, directive: d, errorable: false };
  return null;
}

/** A server-level `if` whose body answers the requests that meet its condition. */
export interface ServerGuard {
  readonly directive: Directive;
  readonly answer: OwnAnswer;
}

/**
 * The server-level `if`s that answer the requests meeting their condition, in order, up to the
 * first directive that ends the server's code for every request (a `return`, `break`, or a
 * `rewrite` that stops and matches every URI): no `if` after it runs.
 */
export function serverGuards(server: Level): ServerGuard[] {
  const out: ServerGuard[] = [];
  for (const step of server.code ?? []) {
    if (step.kind === 'stop' && step.always) break;
    if (step.kind !== 'if' || !step.directive) continue;
    const answer = answerIn(step.directive.block?.children ?? []);
    if (answer) out.push({ directive: step.directive, answer });
  }
  return out;
}

/**
 * A GET request every client is refused (`ngx_http_access_handler`, after the rewrite code): the
 * first `allow`/`deny` of the configuration GETs use is `deny all` — the location's (a
 * `limit_except` block not listing GET replaces it), else the nearest enclosing level's — and
 * `satisfy any` does not let another module admit the request.
 */
export function deniedAnswer(level: Level): OwnAnswer | null {
  for (let l: Level | null = level; l; l = l.parent) {
    if (l.satisfy === undefined) continue;
    if (l.satisfy === 'any') return null;
    break;
  }
  let rule: Directive | undefined;
  for (let l: Level | null = level; l && !rule; l = l.parent) rule = (l === level ? l.lmtAccess : undefined) ?? l.access;
  return rule?.name.value === 'deny' && rule.args[0]?.value === 'all' ? { status: 403, directive: rule, errorable: true } : null;
}

function labelOf(d: Directive): string {
  return `${d.name.value} ${d.args.map((a) => a.raw).join(' ')}`;
}

/** The directive that answers, as a scope label shows it (`return 403`). */
export function answerLabel(answer: OwnAnswer): string {
  return labelOf(answer.directive);
}

/** nginx itself, as the producer of the response (`return 302 /x`). */
export function ownProducer(answer: OwnAnswer): BackendRef {
  return { kind: 'module', target: `nginx itself (${labelOf(answer.directive)})`, span: answer.directive.span };
}

/** The pipeline of a response nginx makes itself: the producer's lines dropped, then the header filters at its status. */
export function ownResponsePipeline(answer: OwnAnswer, filters: readonly CookieOp[]): CookieOp[] {
  const d = answer.directive;
  const drop = nginxHideHeaderOp(d.span, labelOf(d), d.span, 'module');
  return [drop, ...filters.map((op) => guarded(op, { codes: new Set(), inside: false, status: answer.status }))];
}

/**
 * Directives that give a location a content handler other than the static module's
 * (`ngx_http_core_content_phase`: a handler a directive sets replaces the static, index and
 * autoindex handlers), or that send the request elsewhere.
 */
const OTHER_HANDLER = /_pass$|^(?:empty_gif|stub_status|api|internal_redirect)$/;

/** Directives of nginx itself and of the header modules, which leave the content to the static module. */
let fileCompatible: ReadonlySet<string> | undefined;

function leavesContentToFiles(name: string): boolean {
  fileCompatible ??= new Set([...BUILT_IN, ...STANDARD, ...(MODULES.ngx_http_headers_more_filter_module ?? []), ...(MODULES.ndk_http_module ?? [])]);
  return fileCompatible.has(name) && !OTHER_HANDLER.test(name);
}

/**
 * Whether the requests a level serves are answered by nginx's static module (a file, `index`,
 * `autoindex`): a location (or an `if` in one, which keeps the location's handler), or a server
 * without locations, none of whose own directives sets another content handler. A directive of
 * a module that may (perl, njs, Lua) leaves the level unjudged, as before.
 */
export function servesFiles(level: Level): boolean {
  const holders = level.kind === 'if' && level.parent?.kind === 'location' ? [level, level.parent] : level.kind === 'location' || level.kind === 'server' ? [level] : [];
  if (holders.length === 0) return false;
  if (level.kind === 'server' && level.children.some((c) => c.kind === 'location')) return false;
  for (const holder of holders) {
    if (!holder.directive?.block) return false;
    for (const d of ownDirectives(holder.directive.block.children)) if (!leavesContentToFiles(d.name.value)) return false;
  }
  return true;
}

/** nginx itself, as the producer of the files a level serves. */
export function filesProducer(level: Level): BackendRef {
  return { kind: 'module', target: 'nginx itself (static files)', span: level.directive!.span };
}

/**
 * The pipeline of a file nginx serves: no line of a producer, then the header filters at the
 * status the file gets (200 when it exists, 301 for a directory, 403 or 404 otherwise: `add_header`
 * without `always` sees the status itself).
 */
export function filesPipeline(level: Level, filters: readonly CookieOp[]): CookieOp[] {
  const d = level.directive!;
  return [nginxHideHeaderOp(d.span, 'static files', d.span, 'module'), ...filters];
}
