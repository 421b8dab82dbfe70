/**
 * Intercepted upstream errors: with `proxy_intercept_errors on;` (`fastcgi_`, `uwsgi_`, `scgi_`,
 * `grpc_intercept_errors`) a backend status that an `error_page` of the location names is not
 * sent: `ngx_http_upstream_intercept_errors` finalizes the request before the upstream's headers
 * are copied, and `ngx_http_send_error_page` answers from the error page's target instead
 * [LAB 1.22.1]:
 *
 * - `@name`: the named location runs the same request (its backend answers it again, its
 *   `proxy_cookie_*`, headers-more and `add_header` apply); the location's own do not;
 * - a URI: an internal redirect (the query string becomes the error page's own) to the location
 *   that URI selects, whose response carries none of the first backend's cookies;
 * - a URL: nginx's own redirect (302), with the location's header filters only.
 *
 * The status the filters see is the backend's (no `=`), the one given (`=301`), or the target's
 * own answer (`=`). `error_page` lists are inherited whole by a level that has none; the
 * `*_intercept_errors` flags one by one. Errors of the target are not intercepted again
 * (`recursive_error_pages off`).
 *
 * The simulation keeps one pipeline per location: each operation is wrapped in a status test,
 * the location's own ones running for the other statuses, the target's (behind a step dropping
 * the backend's lines where the target does not ask it again) for the intercepted ones.
 */
import type { BackendKind } from '../../model/backends.js';
import type { CookieOp, SetCookieLine, SimEnv } from '../../model/header-rewrite.js';
import { nginxHideHeaderOp } from '../../model/ops/nginx-hide-header.js';
import { semanticKey } from '../../model/signature.js';
import type { Span } from '../../source.js';
import { chainOf, type Level } from './levels.js';
import { findLocation, type LocationNode } from './locations.js';
import type { Directive } from './syntax.js';

export interface ErrorPage {
  readonly codes: readonly number[];
  /** Absent: the backend's status; 0: `=` (the target's); otherwise `=code`. */
  readonly overwrite?: number;
  readonly target: string;
  readonly span: Span;
  readonly label: string;
}

/** `error_page code ... [=[response]] uri;` (`ngx_http_core_error_page`); null when nginx refuses it. */
export function lowerErrorPage(d: Directive): ErrorPage | null {
  const args = d.args.map((a) => a.value);
  if (args.length < 2) return null;
  const target = args[args.length - 1]!;
  let rest = args.slice(0, -1);
  let overwrite: number | undefined;
  const last = rest[rest.length - 1]!;
  if (last.startsWith('=')) {
    if (last !== '=' && !/^=\d+$/.test(last)) return null;
    overwrite = last === '=' ? 0 : Number(last.slice(1));
    rest = rest.slice(0, -1);
  }
  if (rest.length === 0 || !rest.every((c) => /^\d+$/.test(c) && Number(c) >= 300 && Number(c) <= 599 && c !== '499')) return null;
  const label = `error_page ${d.args.map((a) => a.raw).join(' ')}`;
  return { codes: rest.map(Number), ...(overwrite === undefined ? {} : { overwrite }), target, span: d.span, label };
}

/** The error pages a level uses: its own, or the nearest enclosing level's. */
function effectiveErrorPages(level: Level): readonly ErrorPage[] {
  for (let l: Level | null = level; l; l = l.parent) if (l.errorPages) return l.errorPages;
  return [];
}

function intercepts(level: Level, kind: BackendKind): boolean {
  for (let l: Level | null = level; l; l = l.parent) {
    const v = l.intercept?.get(kind);
    if (v !== undefined) return v;
  }
  return false;
}

/** The status a `return` written directly in the level's block answers with (a URL alone: 302). */
function returnCode(level: Level): number | undefined {
  const ret = level.directive?.block?.children.find((d) => d.name.value === 'return');
  const code = ret?.args[0]?.value;
  if (code === undefined) return undefined;
  return /^\d+$/.test(code) ? Number(code) : 302;
}

export interface InterceptContext {
  /** The operations a level's responses go through, without interception. */
  readonly pipelineOf: (level: Level) => readonly CookieOp[];
  /** The backend kinds that answer a level's requests. */
  readonly backendsOf: (level: Level) => readonly BackendKind[];
  /** The location tree of a server (or of the root of a fragment). */
  readonly locationsOf: (holder: Level) => readonly LocationNode<Level>[];
}

export type Guard = { readonly codes: ReadonlySet<number>; readonly inside: boolean; readonly status?: number };

const guardedOps = new WeakMap<CookieOp, Map<string, CookieOp>>();
const originals = new WeakMap<CookieOp, CookieOp>();

/** The operation a status-tested one wraps (itself for the others): the one the model lists. */
export function unguarded(op: CookieOp): CookieOp {
  return originals.get(op) ?? op;
}

/** `op`, run only when the response's status is (`inside`) or is not in `codes`, seeing `status` if given. */
export function guarded(op: CookieOp, guard: Guard): CookieOp {
  const key = semanticKey([[...guard.codes].sort((a, b) => a - b), guard.inside, guard.status ?? null]);
  let byKey = guardedOps.get(op);
  if (!byKey) guardedOps.set(op, (byKey = new Map()));
  let out = byKey.get(key);
  if (!out) {
    out = {
      ...op,
      signature: semanticKey([op.signature, key]),
      apply(lines: SetCookieLine[], env: SimEnv) {
        if (guard.codes.has(env.status) !== guard.inside) return;
        const outcome = op.apply(lines, guard.status === undefined ? env : { ...env, status: guard.status });
        // The changes are this step's: rules find a change's step in the pipeline by its op.
        for (const l of lines) {
          const h = l.history;
          for (let i = 0; i < h.length; i++) if (h[i]!.op === op) h[i] = { ...h[i]!, op: wrapper };
        }
        return outcome;
      },
    };
    const wrapper = out;
    byKey.set(key, out);
    originals.set(out, op);
  }
  return out;
}

/** Where a target answers from: the level, and whether it asks the same backend the same request again. */
function targetOf(level: Level, page: ErrorPage, kinds: readonly BackendKind[], ctx: InterceptContext): { level: Level | null; again: boolean } {
  const server = chainOf(level).reverse().find((l) => l.kind === 'server') ?? chainOf(level)[0]!;
  if (page.target.startsWith('@')) {
    const named = server.children.find((c) => c.kind === 'location' && c.location?.modifier === '@' && c.location.name === page.target) ?? null;
    const again = named !== null && ctx.backendsOf(named).length > 0 && ctx.backendsOf(named).every((k) => kinds.includes(k));
    return { level: named, again };
  }
  if (page.target.startsWith('/')) return { level: findLocation(ctx.locationsOf(server), page.target.split('?')[0]!)?.value ?? null, again: false };
  // A URL: nginx redirects from the location itself.
  return { level, again: false };
}

const ALL_KINDS: readonly BackendKind[] = ['http', 'fastcgi', 'uwsgi', 'scgi', 'grpc'];

/** An error page that is a URL: nginx redirects from the location itself. */
function isUrl(page: ErrorPage): boolean {
  return !page.target.startsWith('@') && !page.target.startsWith('/');
}

/** The filters nginx runs on a response it makes itself (no upstream step acts on it). */
function isHeaderFilter(op: CookieOp): boolean {
  return op.kind === 'nginx-add-header' || op.kind === 'nginx-more-headers';
}

/**
 * The status the target's filters see: the one `=code` gives, a URL's redirect, the target's own
 * answer for `=` (its `return`, 200 from a backend asked another URI); undefined: the status
 * being answered (for `=` and a named location asking its backend again, that backend's).
 */
function pageStatus(page: ErrorPage, target: { level: Level | null; again: boolean }, ctx: InterceptContext): number | undefined {
  if (page.overwrite !== undefined && page.overwrite > 0) return page.overwrite;
  if (isUrl(page)) return 302;
  if (page.overwrite !== 0 || target.again || !target.level) return undefined;
  return returnCode(target.level) ?? (ctx.backendsOf(target.level).length > 0 ? 200 : undefined);
}

/**
 * A response nginx makes itself with an error status (`return 404;`, `deny all`) that an
 * `error_page` of the level names is answered from its target, as an intercepted one
 * (`ngx_http_special_response_handler`) [LAB 1.22.1]: a named location that proxies asks its
 * backend (the endpoint's backends are then the target's), any other target answers with its
 * filters behind a step dropping the producer's lines. Null when no error page names the status.
 */
export function errorPageAnswer(level: Level, status: number, filters: readonly CookieOp[], ctx: InterceptContext): { readonly target: Level | null; readonly again: boolean; readonly kinds: readonly BackendKind[]; readonly ops: CookieOp[] } | null {
  const page = effectiveErrorPages(level).find((p) => p.codes.includes(status));
  if (!page) return null;
  const target = targetOf(level, page, ALL_KINDS, ctx);
  const given = pageStatus(page, target, ctx);
  const seen = given ?? (target.again && page.overwrite === 0 ? undefined : status);
  const wrap = (ops: readonly CookieOp[]) => ops.map((op) => guarded(op, { codes: new Set(), inside: false, ...(seen === undefined ? {} : { status: seen }) }));
  if (target.again) return { target: target.level, again: true, kinds: ctx.backendsOf(target.level!), ops: wrap(ctx.pipelineOf(target.level!)) };
  const ops = target.level ? wrap(isUrl(page) ? filters : ctx.pipelineOf(target.level)) : [];
  return { target: target.level, again: false, kinds: ['module'], ops: [nginxHideHeaderOp(page.span, page.label, page.span, 'module'), ...ops] };
}

/**
 * The pipeline of an endpoint at `level` answered by backends of `kinds`, with the statuses its
 * error pages intercept answered from their targets; `own` when none are.
 */
export function withIntercepts(level: Level, own: readonly CookieOp[], kinds: readonly BackendKind[], ctx: InterceptContext): readonly CookieOp[] {
  if (kinds.length === 0 || !kinds.every((k) => intercepts(level, k))) return own;
  const pages = effectiveErrorPages(level);
  const taken = new Set<number>();
  const groups: { page: ErrorPage; codes: Set<number> }[] = [];
  for (const page of pages) {
    // The first error_page naming a status is the one used.
    const codes = new Set(page.codes.filter((c) => !taken.has(c)));
    for (const c of codes) taken.add(c);
    if (codes.size > 0) groups.push({ page, codes });
  }
  if (groups.length === 0) return own;
  const out: CookieOp[] = own.map((op) => guarded(op, { codes: taken, inside: false }));
  for (const { page, codes } of groups) {
    const target = targetOf(level, page, kinds, ctx);
    if (!target.again) {
      for (const kind of kinds) out.push(guarded(nginxHideHeaderOp(page.span, page.label, page.span, kind), { codes, inside: true }));
    }
    if (!target.level) continue;
    const status = pageStatus(page, target, ctx);
    const ops = isUrl(page) ? own.filter(isHeaderFilter) : ctx.pipelineOf(target.level);
    for (const op of ops) out.push(guarded(op, { codes, inside: true, ...(status === undefined ? {} : { status }) }));
  }
  return out;
}
