/**
 * Caddy's HTTP routing as the linter evaluates it: the route list of Caddy's JSON config (which
 * the Caddyfile adapter produces too), walked for one request path at a time.
 *
 * - routes run in order; a route whose matchers fail is skipped; of the routes of one `group`
 *   only the first that matches runs (`handle` blocks); a `terminal` route ends the list;
 * - a route's handlers run in order; `subroute` (a `handle` or `route` block) walks its own routes
 *   and, when none of them answered, the outer list continues;
 * - a handler that writes the response (`reverse_proxy`, `respond`, `file_server`...) ends the
 *   walk: that is an endpoint. Its pipeline: the immediate `headers` handlers met on the way (in
 *   order), the proxy's own response header operations, then the deferred `headers` handlers
 *   innermost first (each wraps the response writer of the handlers after it).
 *
 * Path matchers are decided for the request path (Caddy's `MatchPath`: case-insensitive; exact,
 * `prefix*`, `*suffix`, `*infix*`, otherwise `path.Match`); any other matcher is undecidable: the
 * walk takes both branches, and the operations of the matched one carry an unknown condition.
 */
import type { BackendKind, BackendRef } from '../../model/backends.js';
import type { Condition, Endpoint, ScopeName } from '../../model/header-rewrite.js';
import { caddyAnswerOp, type CaddyAnswerOp } from '../../model/ops/caddy-answer.js';
import { caddyHeadersOp, type CaddyHeadersOp, type CaddyRequest } from '../../model/ops/caddy-headers.js';
import { toByteString, type CompiledRegex } from '../../regex/index.js';
import { compileRe2 } from '../../regex/re2.js';
import type { Span } from '../../source.js';
import { goPathMatch } from './glob.js';

export interface IrMatch {
  /** As written: `/api/*`, `@static`, `{"path":["/a"]}`. */
  readonly text: string;
  readonly span: Span;
  /** Path patterns when the matcher is a path matcher only (then decidable), else null. */
  readonly paths: readonly string[] | null;
  /** `not path ...`: the test (the paths, or {@link all}) must fail. */
  readonly negate?: boolean;
  /**
   * `path_regexp`: Go's regexp on the cleaned path, case-sensitive (checked with 2.6.2), and a
   * path it matches (probe paths reach it through that one). Without a sample it stays undecided.
   */
  readonly regexp?: { readonly regex: CompiledRegex; readonly sample: string };
  /** A named matcher's lines (`path`, `not`, `path_regexp`...): all must hold; `paths` is then null. */
  readonly all?: readonly IrMatch[];
}

/**
 * A `headers` handler's op under a condition. `afterCopy`: it runs after `copy_response_headers`
 * put the backend's lines into the response, so an immediate handler sees them (it is then built
 * as a deferred op placed right there, which sees every line present).
 */
export type HeaderOpBuilder = (condition: Condition | null, afterCopy?: boolean, request?: CaddyRequest) => CaddyHeadersOp;

/**
 * The part of a header op's cache key its request makes: the request when one of its values reads
 * a request placeholder (`{http.request.uri.path}`), else nothing (one op serves every request).
 */
export function requestKey(texts: readonly string[], request: CaddyRequest | undefined): string {
  return request && texts.some((t) => t.includes('{http.request.')) ? `:${JSON.stringify(request)}` : '';
}

export type IrHandler =
  | { readonly kind: 'headers'; readonly build: HeaderOpBuilder }
  | {
      readonly kind: 'proxy';
      readonly label: string;
      readonly span: Span;
      readonly backend: BackendKind;
      readonly upstreams: readonly { readonly text: string; readonly span: Span }[];
      readonly headerDown: HeaderOpBuilder | null;
      /**
       * `handle_response` blocks, in order: the first whose response matcher holds (`null`: no
       * matcher; a matcher is undecidable, the backend's status being unknown) takes over the
       * response, its routes ending in what answers (a `respond`, `copy_response`...).
       */
      readonly responses?: readonly { readonly match: string | null; readonly routes: readonly IrRoute[] }[];
      /**
       * This is a `copy_response` in `handle_response`: after `copy_response_headers` it puts the
       * backend's lines in a second time (the op of the first copy).
       */
      readonly copyResponse?: HeaderOpBuilder;
    }
  | {
      readonly kind: 'respond';
      readonly label: string;
      readonly span: Span;
      /**
       * `error`: the error goes back up the handler chain, so deferred header handlers never see
       * the response (immediate ones did) [LAB 2.6.2]; `abort`: no response at all.
       */
      readonly fails?: 'error' | 'abort';
      /**
       * `file_server`: a file it finds is answered like `respond`; a missing one (404) is an
       * error, which skips the deferred header handlers like `error` [LAB 2.6.2]. Which of the two
       * a request gets depends on the disk: each is an endpoint.
       */
      readonly fileServer?: boolean;
    }
  | { readonly kind: 'subroute'; readonly routes: readonly IrRoute[] }
  /** `copy_response_headers` (copying Set-Cookie) in `handle_response`. */
  | { readonly kind: 'copy-headers' }
  | {
      readonly kind: 'rewrite';
      /** The request path after the rewrite (null: unknown, path matchers after it undecided). */
      readonly apply: (path: string | null) => string | null;
      /** A prefix it strips (handle_path, `uri strip_prefix`): probe paths put it back in front. */
      readonly stripPrefix?: string;
    };

export type ProxyHandler = Extract<IrHandler, { kind: 'proxy' }>;

/** Inside a `handle_response` block: the proxy whose response it handles. */
export interface ResponseScope {
  readonly proxy: ProxyHandler;
  /** A `copy_response_headers` copies the backend's Set-Cookie lines (before `header_down`). */
  readonly copiesHeaders: boolean;
}

/** Whether `copy_response_headers` with these lists copies Set-Cookie (names compared canonically). */
export function copiesSetCookie(include: readonly string[], exclude: readonly string[]): boolean {
  const has = (list: readonly string[]) => list.some((f) => f.toLowerCase() === 'set-cookie');
  return (include.length === 0 || has(include)) && !has(exclude);
}

/**
 * A handler that answers (`respond`, `copy_response`...): in `handle_response`, `copy_response`
 * sends the backend's response (after `header_down`), and after `copy_response_headers` whatever
 * answers carries the backend's lines as they came [LAB 2.6.2].
 */
export function answering(response: ResponseScope | undefined, handler: string, label: string, span: Span): IrHandler {
  if (response && handler === 'copy_response') return response.copiesHeaders ? { ...response.proxy, copyResponse: copyBuilder(span, label) } : response.proxy;
  if (response?.copiesHeaders) return { ...response.proxy, headerDown: null, label };
  return { kind: 'respond', label, span, ...(handler === 'error' || handler === 'abort' ? { fails: handler } : {}), ...(handler === 'file_server' ? { fileServer: true } : {}) };
}

/** The op of the lines `copy_response_headers` copied, when `copy_response` answers after it. */
function copyBuilder(span: Span, label: string): HeaderOpBuilder {
  const cache = new Map<string, CaddyHeadersOp>();
  return (condition) => {
    const key = condition?.text ?? '';
    let op = cache.get(key);
    if (!op) {
      op = caddyHeadersOp({ span, label: `${label} (after copy_response_headers)`, phase: 'immediate', condition, add: [], set: [], delete: [], replace: [], requireNoSetCookie: false, copyUpstream: true });
      cache.set(key, op);
    }
    return op;
  };
}

export interface IrRoute {
  /** Alternatives (any may match); each alternative's matchers must all match. Empty: always. */
  readonly match: readonly (readonly IrMatch[])[];
  readonly handle: readonly IrHandler[];
  readonly terminal: boolean;
  readonly group?: string;
}

/** `MatchPath.Match` for one pattern (modules/caddyhttp/matchers.go). */
export function pathMatches(pattern: string, path: string): boolean {
  const p = pattern.toLowerCase();
  const s = path.toLowerCase();
  if (p === '*') return true;
  if (!p.includes('*')) return p === s;
  const inner = p.slice(1, -1);
  if (p.length > 1 && p.startsWith('*') && p.endsWith('*') && !inner.includes('*')) return s.includes(inner);
  if (p.startsWith('*') && !p.slice(1).includes('*')) return s.endsWith(p.slice(1));
  if (p.endsWith('*') && !p.slice(0, -1).includes('*')) return s.startsWith(p.slice(0, -1));
  return goPathMatch(p, s);
}

/** A request path that a path pattern matches. */
export function samplePath(pattern: string): string | null {
  let s = pattern.replace(/[*?]/g, 'x');
  if (pattern.startsWith('*') && !pattern.endsWith('*')) s = `/index${pattern.slice(1)}`;
  if (!s.startsWith('/')) s = `/${s}`;
  return pathMatches(pattern, s) ? s : null;
}

/**
 * A `path_regexp` matcher for `source` with a path it matches, tried from the pattern's literal
 * start (`^/v[0-9]+` → `/v0`); null when Go refuses the pattern, the linter cannot run it, or no
 * candidate matches (the matcher then stays undecided).
 */
export function pathRegexp(source: string): IrMatch['regexp'] | null {
  const compiled = compileRe2(source);
  if (!compiled.ok) return null;
  const lead = /^\^?((?:[\w/.~-]|\\[./~-])*)/.exec(source)![1]!.replace(/\\(.)/g, '$1');
  const base = lead.startsWith('/') ? lead : `/${lead}`;
  for (const tail of ['', '0', 'x', '/x', '0/x', 'x/x', '.php']) {
    const sample = base + tail;
    if (compiled.regex.exec(toByteString(cleanPath(sample))) !== null) return { regex: compiled.regex, sample };
  }
  return null;
}

type Decision = boolean | 'unknown';

/** `cleanPath` of MatchPathRE: Go's `path.Clean` (doubled slashes merged, `.`/`..` resolved), a trailing slash kept. */
function cleanPath(p: string): string {
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (seg === '..' && !rooted) out.push(seg);
    else if (seg !== '' && seg !== '.' && seg !== '..') out.push(seg);
  }
  const cleaned = rooted ? `/${out.join('/')}` : out.join('/') || '.';
  return p.endsWith('/') && cleaned !== '/' ? `${cleaned}/` : cleaned;
}

function decideOne(m: IrMatch, path: string | null): Decision {
  let d: Decision;
  if (m.all) d = decideAll(m.all, path);
  else if (path === null) d = 'unknown';
  else if (m.regexp) d = m.regexp.regex.exec(toByteString(cleanPath(path))) !== null;
  else if (m.paths === null) d = 'unknown';
  else d = m.paths.some((p) => pathMatches(p, path));
  return m.negate && d !== 'unknown' ? !d : d;
}

/** A matcher set: every matcher must hold (false wins over unknown). */
function decideAll(set: readonly IrMatch[], path: string | null): Decision {
  let all: Decision = true;
  for (const m of set) {
    const d = decideOne(m, path);
    if (d === false) return false;
    if (d === 'unknown') all = 'unknown';
  }
  return all;
}

function decide(route: IrRoute, path: string | null): Decision {
  if (route.match.length === 0) return true;
  let result: Decision = false;
  for (const set of route.match) {
    const all = decideAll(set, path);
    if (all === true) return true;
    if (all === 'unknown') result = 'unknown';
  }
  return result;
}

/**
 * The path patterns a request that runs the route passed: those of the non-negated path matchers
 * (named matchers' too) of every alternative that can hold for the path.
 */
function matchedPaths(route: IrRoute, path: string | null): ScopeName[] {
  const out: ScopeName[] = [];
  const visit = (m: IrMatch) => {
    if (m.negate) return;
    for (const value of m.paths ?? []) out.push({ kind: 'path', value, span: m.span });
    for (const inner of m.all ?? []) visit(inner);
  };
  for (const set of route.match) if (decideAll(set, path) !== false) for (const m of set) visit(m);
  return out;
}

function matchText(route: IrRoute): string {
  return route.match.map((set) => set.map((m) => m.text).join(' and ')).join(' or ');
}

interface State {
  /** The request path as the next matcher sees it (rewrites change it); null: unknown. */
  readonly path: string | null;
  readonly immediate: readonly CaddyHeadersOp[];
  /**
   * Immediate handlers that ran after `copy_response_headers`, once `copied`: as ops that see
   * every line (`late`), and as they are, seeing the lines copied so far (`early`: before a
   * `copy_response` brings the backend's lines in again).
   */
  readonly afterCopy: readonly { readonly late: CaddyHeadersOp; readonly early: CaddyHeadersOp }[];
  readonly copied: boolean;
  /** Deferred handlers, built at the endpoint: they read the request as it is when the response is written. */
  readonly deferred: readonly { readonly build: HeaderOpBuilder; readonly condition: Condition | null }[];
  /** What the request placeholders read besides the path: the path it came with, its Host and scheme. */
  readonly origin: Omit<CaddyRequest, 'path'>;
  readonly conds: readonly string[];
  readonly via: readonly string[];
  /** The path patterns of the matchers the request passed (`handle /jira/*`): evidence of the product behind it. */
  readonly paths: readonly ScopeName[];
}

export interface Reached {
  readonly state: State;
  readonly terminal: Extract<IrHandler, { kind: 'proxy' | 'respond' }>;
}

/** Walks beyond this many alternatives assume undecidable matchers match (no further forks). */
const MAX_ALTERNATIVES = 64;

const condition = (conds: readonly string[]): Condition | null => (conds.length === 0 ? null : { text: conds.join(' and '), value: 'unknown' });

const requestOf = (s: State): CaddyRequest => ({ ...s.origin, path: s.path });

function walkHandlers(handlers: readonly IrHandler[], state: State, budget: { n: number }): { reached: Reached[]; through: State[] } {
  let states: State[] = [state];
  const reached: Reached[] = [];
  for (const h of handlers) {
    if (h.kind === 'headers') {
      states = states.map((s) => {
        const op = h.build(condition(s.conds), false, requestOf(s));
        if (op.phase !== 'immediate') return { ...s, deferred: [...s.deferred, { build: h.build, condition: condition(s.conds) }] };
        return s.copied ? { ...s, afterCopy: [...s.afterCopy, { late: h.build(condition(s.conds), true, requestOf(s)), early: op }] } : { ...s, immediate: [...s.immediate, op] };
      });
    } else if (h.kind === 'copy-headers') {
      states = states.map((s) => ({ ...s, copied: true }));
    } else if (h.kind === 'rewrite') {
      states = states.map((s) => ({ ...s, path: h.apply(s.path) }));
    } else if (h.kind === 'subroute') {
      const res = walkRoutes(h.routes, states, budget);
      reached.push(...res.reached);
      states = res.through;
    } else {
      // handle_response routes are compiled with the proxy's `next`: when none of them answers,
      // the handlers after the proxy run [LAB 2.6.2].
      let rest = states;
      const through: State[] = [];
      for (const r of h.kind === 'proxy' ? (h.responses ?? []) : []) {
        const via = `handle_response${r.match ? ` ${r.match}` : ''}`;
        const res = walkRoutes(r.routes, rest.map((s) => ({ ...s, via: [...s.via, via], conds: r.match ? [...s.conds, r.match] : s.conds })), budget);
        reached.push(...res.reached);
        through.push(...res.through);
        rest = r.match ? rest.map((s) => ({ ...s, conds: [...s.conds, `not ${r.match}`] })) : [];
      }
      reached.push(...rest.map((s) => ({ state: s, terminal: h })));
      states = through;
    }
    if (states.length === 0) break;
  }
  return { reached, through: states };
}

export function walkRoutes(routes: readonly IrRoute[], input: readonly State[], budget: { n: number } = { n: 0 }): { reached: Reached[]; through: State[] } {
  let alts = input.map((s) => ({ s, groups: new Set<string>() }));
  const reached: Reached[] = [];
  for (const route of routes) {
    const next: typeof alts = [];
    for (const alt of alts) {
      if (route.group !== undefined && alt.groups.has(route.group)) {
        next.push(alt);
        continue;
      }
      const d = decide(route, alt.s.path);
      if (d === false) {
        next.push(alt);
        continue;
      }
      let s = alt.s;
      if (d === 'unknown') {
        s = { ...s, conds: [...s.conds, matchText(route)] };
        if (budget.n < MAX_ALTERNATIVES) {
          budget.n++;
          next.push(alt);
        }
      }
      const groups = new Set(alt.groups);
      if (route.group !== undefined) groups.add(route.group);
      const named = matchedPaths(route, alt.s.path);
      const res = walkHandlers(route.handle, { ...s, via: route.match.length > 0 ? [...s.via, matchText(route)] : s.via, paths: named.length > 0 ? [...s.paths, ...named] : s.paths }, budget);
      reached.push(...res.reached);
      if (!route.terminal) for (const t of res.through) next.push({ s: { ...t, conds: alt.s.conds, via: alt.s.via, paths: alt.s.paths }, groups });
    }
    alts = next;
  }
  return { reached, through: alts.map((a) => a.s) };
}

export const START: State = { path: '/', immediate: [], afterCopy: [], copied: false, deferred: [], conds: [], via: [], paths: [], origin: { origPath: '/', scheme: 'http' } };

/**
 * The Host header and scheme of a request to a site address (`example.com`: https, no port in
 * the Host; `http://127.0.0.1:8080`); no Host when the address names no single host (`:8080`,
 * `*.example.com`).
 */
/**
 * The host a site address names (`jira.example.com`, `https://jira.example.com:8443/`,
 * `*.example.com`), or undefined for one without a host (`:8080`) or with a placeholder.
 */
export function siteHost(address: string): string | undefined {
  // `a.example.com, b.example.com`: the comma that separates addresses ends the first one's token.
  const m = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(\[[^\]]*\]|[^:/\s,]*)/i.exec(address);
  const host = m?.[1] ?? '';
  return host === '' || host.includes('{') ? undefined : host;
}

export function siteOrigin(address: string | undefined): Pick<CaddyRequest, 'hostport' | 'scheme'> {
  const m = /^(?:(https?):\/\/)?([^:/\s,]*)(?::(\d+))?/.exec(address ?? '')!;
  const scheme = m[1] === 'http' || m[1] === 'https' ? m[1] : m[3] === '80' ? 'http' : 'https';
  const host = m[2]!.toLowerCase();
  if (host === '' || host.includes('*') || host.includes('{')) return { scheme };
  const standard = (scheme === 'http' && m[3] === '80') || (scheme === 'https' && m[3] === '443');
  return { scheme, hostport: m[3] !== undefined && !standard ? `${host}:${m[3]}` : host };
}

export interface CaddyEndpoint extends Endpoint {
  /** The handler that answers (the proxy whose upstreams a test replaces). */
  readonly terminal: Reached['terminal'];
  /** Which site block (index into the file's sites) the endpoint belongs to. */
  readonly site: number;
  /** The path the handler sees after the rewrites on the way (null: unknown). */
  readonly handlerPath: string | null;
  /** The undecided matchers the request passed on the way (the handler answers only when they hold). */
  readonly undecided: readonly string[];
  /** A `file_server` endpoint: the file requested exists (`found`) or not (`missing`, a 404). */
  readonly file?: 'found' | 'missing';
}

/** A site's `handle_errors` routes: they answer the errors (`error`, a `file_server` 404) instead. */
export interface ErrorRoutes {
  readonly routes: readonly IrRoute[];
  readonly span: Span;
}

type Answer = Reached & { readonly file?: 'found' | 'missing' };

/**
 * The answers of a request that fails (`error`, a `file_server` without the file) when the site
 * has `handle_errors` [LAB 2.6.2]: its routes run with the header lines the immediate handlers
 * already set; the deferred handlers met before the error never write, those of the error routes
 * do. When none of them answers, Caddy sends the error status, through their deferred handlers too.
 */
function errorAnswers(failed: Answer, errors: ErrorRoutes, status: Reached['terminal']): Answer[] {
  const s = failed.state;
  const via = [...s.via, `${failed.terminal.label}${failed.file === 'missing' ? ' (no such file: 404)' : ''}`, 'handle_errors'];
  const start: State = { ...START, path: s.path, origin: s.origin, immediate: s.immediate, conds: s.conds, via, paths: s.paths };
  const res = walkRoutes(errors.routes, [start]);
  return [...res.reached, ...res.through.map((t) => ({ state: t, terminal: status }))];
}

const answerOps = new WeakMap<object, Map<string, CaddyAnswerOp>>();

/** The first step of an answer's pipeline, one per handler and label (memo keys see the same op). */
function answerOp(t: object & { readonly span: Span }, label: string): CaddyAnswerOp {
  let byLabel = answerOps.get(t);
  if (!byLabel) answerOps.set(t, (byLabel = new Map()));
  let op = byLabel.get(label);
  if (!op) byLabel.set(label, (op = caddyAnswerOp(t.span, label)));
  return op;
}

/** The endpoints of one site (or JSON server): one per distinct way a request is answered. */
export function siteEndpoints(
  routes: readonly IrRoute[],
  paths: readonly string[],
  siteLabel: string,
  site: number,
  span: Span,
  address?: string,
  errors?: ErrorRoutes,
  names: readonly ScopeName[] = [],
): CaddyEndpoint[] {
  const out: CaddyEndpoint[] = [];
  const seen = new Set<string>();
  const ids = new Map<object, number>();
  const id = (o: object) => {
    let n = ids.get(o);
    if (n === undefined) ids.set(o, (n = ids.size + 1));
    return n;
  };
  const status = { kind: 'respond', label: 'the error status (nothing in handle_errors answers)', span: errors?.span ?? span } as const;
  /** The ways a request for `path` is answered: the handler, its pipeline and the endpoint's key. */
  const answersOf = (path: string) => {
    const answers: Answer[] = walkRoutes(routes, [{ ...START, path, origin: { ...siteOrigin(address), origPath: path } }]).reached.flatMap((r) =>
      r.terminal.kind === 'respond' && r.terminal.fileServer && (r.state.deferred.length > 0 || errors) ? (['found', 'missing'] as const).map((file) => ({ ...r, file })) : [r],
    );
    const fails = (r: Answer) => r.terminal.kind === 'respond' && (r.terminal.fails === 'error' || r.file === 'missing');
    const reached = errors ? answers.flatMap((r) => (fails(r) ? errorAnswers(r, errors, status) : [r])) : answers;
    return reached.flatMap((r) => {
      const t = r.terminal;
      if (t.kind === 'respond' && t.fails === 'abort') return [];
      const final = requestOf(r.state);
      const down = t.kind === 'proxy' && t.headerDown ? [t.headerDown(condition(r.state.conds), false, final)] : [];
      const deferred = t.kind === 'respond' && (t.fails === 'error' || r.file === 'missing') ? [] : r.state.deferred.map((d) => d.build(d.condition, false, final)).reverse();
      // copy_response after copy_response_headers: the copied lines (marked immediate, which
      // header_down never sees) and the handlers between the two copies come before its own.
      const twice = t.kind === 'proxy' && t.copyResponse !== undefined && r.state.copied;
      const copies = twice ? [t.copyResponse!(condition(r.state.conds)), ...r.state.afterCopy.map((a) => a.early)] : [];
      const pipeline = twice ? [...r.state.immediate, ...copies, ...down, ...deferred] : [...r.state.immediate, ...down, ...r.state.afterCopy.map((a) => a.late), ...deferred];
      return [{ r, t, pipeline, key: `${id(t)}:${pipeline.map(id).join(',')}` }];
    });
  };
  // `simulate --location`: the endpoints a request for that path reaches, as Caddy routes it.
  const keysAt = new Map<string, ReadonlySet<string>>();
  const selects = (key: string) => (location: string) => {
    const path = location.replace(/[?#].*$/s, '') || '/';
    let keys = keysAt.get(path);
    if (!keys) keysAt.set(path, (keys = new Set(answersOf(path).map((a) => a.key))));
    return keys.has(key);
  };
  for (const path of paths) {
    for (const { r, t, pipeline, key } of answersOf(path)) {
      if (seen.has(key)) continue;
      seen.add(key);
      const label = r.file === 'missing' ? `${t.label} (no such file: 404)` : t.label;
      // What answers itself sends no backend's lines: the `module` producer, whose lines a first step drops.
      const backends: BackendRef[] = t.kind === 'proxy' ? t.upstreams.map((u) => ({ kind: t.backend, target: u.text, span: u.span })) : [{ kind: 'module', target: `Caddy itself (${label})`, span: t.span }];
      out.push({
        label: [siteLabel, ...r.state.via, label].filter(Boolean).join(' › '),
        span,
        backends,
        possibleBackends: t.kind === 'proxy' ? [t.backend] : ['module'],
        pipeline: t.kind === 'proxy' ? pipeline : [answerOp(t, label), ...pipeline],
        requestPath: path,
        selects: selects(key),
        terminal: t,
        site,
        handlerPath: r.state.path,
        undecided: r.state.conds,
        ...(r.file ? { file: r.file } : {}),
        ...(names.length > 0 || r.state.paths.length > 0 ? { names: [...names, ...r.state.paths] } : {}),
      });
    }
  }
  return out;
}

/**
 * Every path pattern of every path matcher below `routes`, with the prefixes stripped before it
 * (handle_path, `uri strip_prefix`): a request must carry them for the pattern to see its path.
 */
export function pathPatterns(routes: readonly IrRoute[]): { readonly pattern: string; readonly stripped: string }[] {
  const out: { pattern: string; stripped: string }[] = [];
  const visit = (rs: readonly IrRoute[], stripped: string) => {
    let prefix = stripped;
    for (const r of rs) {
      const patterns = (m: IrMatch): string[] => [...(m.paths ?? []), ...(m.regexp ? [m.regexp.sample] : []), ...(m.all ?? []).flatMap(patterns)];
      for (const set of r.match) for (const m of set) for (const pattern of patterns(m)) out.push({ pattern, stripped: prefix });
      let inner = prefix;
      for (const h of r.handle) {
        if (h.kind === 'rewrite' && h.stripPrefix !== undefined) inner += h.stripPrefix;
        else if (h.kind === 'subroute') visit(h.routes, inner);
      }
      // A rewrite in a route without a matcher changes the path for the routes after it.
      if (r.match.length === 0) prefix = inner;
    }
  };
  visit(routes, '');
  return out;
}

/** Request paths to walk: `/` and one sample for each path pattern (behind its stripped prefixes). */
export function probePaths(routes: readonly IrRoute[]): string[] {
  const paths = new Set<string>(['/']);
  for (const { pattern, stripped } of pathPatterns(routes)) {
    const s = samplePath(pattern);
    if (s === null) continue;
    paths.add(s);
    if (stripped !== '') paths.add(stripped + s);
  }
  return [...paths];
}
