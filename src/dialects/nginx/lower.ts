/**
 * nginx configuration → the common model. One endpoint per place a response can come from:
 * every location (nested and named ones included), every `if` in a location (its directives
 * apply when the condition holds), and a server or http level that has no locations below it
 * (a fragment). Each endpoint's pipeline is in the order nginx runs it: the upstream module
 * drops hidden headers and rewrites cookies while copying the upstream response
 * (`ngx_http_upstream_process_headers`), then the output header filters run — headers-more
 * before the headers filter (`add_header`), as dynamic filter modules register after the
 * built-in ones and filters registered later run first [LAB 1.22.1: `more_set_headers` did not
 * see `add_header`'s line].
 */
import type { ConfigIO, Span } from '../../source.js';
import { posix } from 'node:path';
import type { DialectOptions, Lowering } from '../dialect.js';
import type { BackendKind } from '../../model/backends.js';
import type { LuaHeaderFilterFact, UnreachableLocationFact } from '../../model/facts.js';
import { nginxAddHeaderOp, type NginxAddHeaderOp } from '../../model/ops/nginx-add-header.js';
import { nginxMoreHeadersOp, type NginxMoreHeadersOp } from '../../model/ops/nginx-more-headers.js';
import { scriptVariables, type Script } from '../../model/ops/nginx-script.js';
import { freeVariables, type NginxRequest, type RequestVariables } from '../../model/ops/nginx-request-vars.js';
import type { Condition, CookieOp, Endpoint, HeaderRewriteModel, Problem, ScopeName } from '../../model/header-rewrite.js';
import { entriesReadFree, entryVariables, nginxProxyCookieOp, type NginxCookieEntry, type NginxProxyCookieOp } from '../../model/ops/nginx-proxy-cookie.js';
import { nginxSetCookieFlagOp, type NginxSetCookieFlagOp } from '../../model/ops/nginx-set-cookie-flag.js';
import { contextFromComments, guessContext, type RootContext } from './context.js';
import { effectiveAddHeaders, effectiveArray, effectiveHide, effectiveMore } from './effective.js';
import { buildSourceTree, type SourceTree } from './includes.js';
import { chainOf, levelsUnder, newLevel, type Level } from './levels.js';
import { errorPageAnswer, unguarded, withIntercepts, type InterceptContext } from './intercept.js';
import { findLocation, requestPathFor, type LocationNode } from './locations.js';
import { answerLabel, answerOf, deniedAnswer, filesPipeline, filesProducer, ownAnswer, ownProducer, ownResponsePipeline, serverGuards, servesFiles, type OwnAnswer } from './own-response.js';
import { locationLabel, unreachableReason } from './reachability.js';
import type { Directive } from './syntax.js';
import { atLeast, COOKIE_FLAGS_SINCE, parseVersion, type Version } from './version.js';
import { unknownDirectives } from './unknown-directives.js';
import { unknownVariables } from './unknown-variables.js';
import { rewriteFlow, type RewriteStep } from './rewrite-code.js';
import { routeRequest, type Route } from './route.js';
import { consistentMaps, cookieVariants, newVariableDecls, requestsGiving, scriptVariants, type VariableDecls, type VariableValue } from './variables.js';
import { walk } from './walk.js';
import { DEFAULT_NGINX_VERSION } from '../dialect.js';

/** An endpoint with what the nginx tests and fixers need beyond the common shape. */
export interface NginxEndpoint extends Endpoint {
  readonly level: Level;
  /** `server_name`s of the enclosing server (for the Host header of a test request). */
  readonly serverNames: readonly string[];
}

/** The syntax handle of an nginx model: what the fix builders need beyond the common shape. */
export interface NginxSyntax {
  readonly tree: SourceTree;
  readonly version: Version;
  readonly context: RootContext;
  readonly levels: readonly Level[];
  readonly endpoints: readonly NginxEndpoint[];
  /** The level each `proxy_cookie_*` entry is written at. */
  readonly entryLevel: ReadonlyMap<NginxCookieEntry, Level>;
}

const HIDE_ORDER: readonly BackendKind[] = ['http', 'fastcgi', 'uwsgi', 'scgi', 'grpc'];

/** Why a scope whose requests never reach its content phase has no backend (rewrite-code.ts). */
const TAKEN_AWAY = 'return, a redirecting rewrite or a rewrite to another location takes every request before it is proxied';
/** Why a server redirect's scope has no backend. */
const REDIRECTED = 'the server redirects these requests before any location is searched, so nothing is proxied';
/** Why a scope whose every client `deny all` refuses (own-response.ts) has no backend. */
const DENIED = 'deny all refuses every request (403) before it is proxied';

/** Both conditions (a headers-more `-t` test and a variable's): their tests, each spelled out. */
function both(a: Condition | null, b: Condition | null): Condition | null {
  if (!a || !b) return a ?? b;
  return { text: `${a.text} and ${b.text}`, value: 'unknown', literals: [...(a.literals ?? []), ...(b.literals ?? [])] };
}

function isEndpointLevel(l: Level): boolean {
  if (l.kind === 'location' || l.kind === 'if') return true;
  if (l.kind === 'server') return !l.children.some((c) => c.kind === 'location');
  if (l.kind === 'http') return !l.children.some((c) => c.kind === 'server');
  return false;
}

function locationNodes(level: Level): LocationNode<Level>[] {
  return level.children
    .filter((c) => c.kind === 'location' && c.location)
    .map((c) => ({ info: c.location!, children: locationNodes(c), value: c, autoRedirect: c.location!.name.endsWith('/') && c.backends.length > 0 }));
}

/** `if ($arg_NAME)` / `if ($arg_NAME = value)`: a query string that makes the condition true. */
function ifQuery(level: Level): string | undefined {
  if (level.kind === 'if' && level.directive === null) return level.query;
  const args = level.directive?.args.map((a) => a.value) ?? [];
  const text = args.join(' ').replace(/^\(\s*|\s*\)$/g, '');
  const m = /^\$arg_([A-Za-z0-9_]+)(?:\s*=\s*(\S+))?$/.exec(text);
  if (!m) return undefined;
  const value = m[2] ?? '1';
  return /^[A-Za-z0-9._-]+$/.test(value) && value !== '0' ? `${m[1]}=${value}` : undefined;
}

/** The server's location tree and the nodes from it down to `level` (a location); undefined for other levels. */
function locationChain(level: Level, nodesByServer: Map<Level, LocationNode<Level>[]>): { roots: LocationNode<Level>[]; nodes: LocationNode<Level>[] } | undefined {
  const locs = chainOf(level).filter((l) => l.kind === 'location' && l.location);
  if (locs.length === 0) return undefined;
  const holder = locs[0]!.parent!;
  let roots = nodesByServer.get(holder);
  if (!roots) nodesByServer.set(holder, (roots = locationNodes(holder)));
  const nodes: LocationNode<Level>[] = [];
  let candidates: readonly LocationNode<Level>[] = roots;
  for (const l of locs) {
    const node = candidates.find((n) => n.value === l);
    if (!node) return undefined;
    nodes.push(node);
    candidates = node.children;
  }
  return { roots, nodes };
}

function requestPath(level: Level, nodesByServer: Map<Level, LocationNode<Level>[]>): string | undefined {
  if (level.kind === 'if') {
    const base = level.parent ? requestPath(level.parent, nodesByServer) : undefined;
    const query = ifQuery(level);
    return base !== undefined && query ? `${base}?${query}` : undefined;
  }
  if (level.kind !== 'location') return '/';
  // `ngx_http_core_find_config_phase`: a request from the client that selects an internal
  // location, or one nested in it (the flag is inherited), gets nginx's 404; only internal
  // redirects reach it [LAB 1.22.1].
  if (chainOf(level).some((l) => l.internal)) return undefined;
  // A location-context fragment: its own top level stands for one location.
  const found = locationChain(level, nodesByServer);
  if (!found) return chainOf(level).some((l) => l.kind === 'location' && l.location) ? undefined : '/';
  return requestPathFor(found.roots, found.nodes);
}

/**
 * An endpoint of a level. A class, not an object literal with a getter and optional spreads:
 * those make V8 keep each endpoint's properties in a dictionary (about 800 bytes apiece, 66 MB
 * on a dump of 20,000 servers).
 */
class LevelEndpoint implements NginxEndpoint {
  readonly label: string;
  readonly span: Span;
  readonly backends: NginxEndpoint['backends'];
  readonly possibleBackends: readonly BackendKind[];
  readonly pipeline: readonly CookieOp[];
  readonly serverNames: readonly string[];
  readonly names: readonly ScopeName[];
  readonly blocks: readonly Span[];
  readonly selects: ((path: string) => boolean) | undefined;
  readonly noBackend: string | undefined;
  #path: string | undefined | null = null;

  constructor(
    readonly level: Level,
    private readonly nodesByServer: Map<Level, LocationNode<Level>[]>,
    fields: Omit<NginxEndpoint, 'level' | 'requestPath'>,
  ) {
    this.label = fields.label;
    this.span = fields.span;
    this.backends = fields.backends;
    this.possibleBackends = fields.possibleBackends;
    this.pipeline = fields.pipeline;
    this.serverNames = fields.serverNames;
    this.names = fields.names ?? [];
    this.blocks = fields.blocks ?? [];
    this.selects = fields.selects;
    this.noBackend = fields.noBackend;
  }

  /** Finding a URI means running nginx's location search over the server's locations: done on first use only (simulate output, tests), not for every lint. */
  get requestPath(): string | undefined {
    if (this.#path === null) this.#path = requestPath(this.level, this.nodesByServer);
    return this.#path;
  }
}

/** The endpoint of a server-level `if` answers requests whatever location their URI selects. */
const SELECTS_ALL = (): boolean => true;

/**
 * {@link selectsPath} as an endpoint's `selects`. Made here, not inside lowerNginx: a closure made
 * there would keep lowerNginx's variables, the syntax tree among them, for as long as the model.
 */
function selectsWithin(level: Level, nodesByServer: Map<Level, LocationNode<Level>[]>, what: Serves): (path: string) => boolean {
  return (path) => selectsPath(level, nodesByServer, path, what);
}

/** {@link redirectedAtServer} as the `selects` of a server redirect's scope (made outside lowerNginx, as {@link selectsWithin}). */
function selectsRedirected(server: Level, nodesByServer: Map<Level, LocationNode<Level>[]>, redirect: Directive): (path: string) => boolean {
  return (path) => redirectedAtServer(server, nodesByServer, redirect, path);
}

/**
 * Lets go of the syntax a model's levels hold (BuiltModel.release): their directives, once the
 * `if` levels have noted their query string. What the endpoints still work out on demand (the
 * request path, `selects`) reads the levels' kinds, locations and children, not their directives.
 */
export function detachLevels(syntax: NginxSyntax): void {
  const seen = new Set<Level>();
  const detach = (level: Level | null) => {
    for (let l = level; l && !seen.has(l); l = l.parent) {
      seen.add(l);
      if (l.kind === 'if') l.query = ifQuery(l);
      l.directive = null;
    }
  };
  for (const level of syntax.levels) detach(level);
  for (const e of syntax.endpoints) detach(e.level);
}

/** Routes of the paths `simulate --location` asked about, per server (a handful per run). */
const routes = new WeakMap<Level, Map<string, Route>>();

function routeOf(server: Level, roots: readonly LocationNode<Level>[], path: string): Route {
  let known = routes.get(server);
  if (!known) routes.set(server, (known = new Map()));
  let route = known.get(path);
  if (!route) known.set(path, (route = routeRequest(server, roots, path)));
  return route;
}

/** A server-level `rewrite` that redirects some requests, not all: a scope of its own ({@link serverRedirects}). */
function redirectsSome(step: RewriteStep): step is Extract<RewriteStep, { kind: 'stop' }> {
  return step.kind === 'stop' && step.effect === 'end' && !step.always && step.directive.name.value === 'rewrite';
}

/** What a scope of a location stands for: the requests served there, and those one `return` or redirecting `rewrite` of its code answers. */
interface Serves {
  readonly served: boolean;
  readonly answer?: Directive;
}

/**
 * Whether a request for `path` is one of those `what` says of `level` (a location, or an `if` in
 * one): the location search after the server's rewrites, a location's `rewrite ... last` and
 * `try_files` (route.ts). A route the linter cannot follow (a replacement reading a variable), or
 * one a server's `return` or every-URI `rewrite` ends (the locations' scopes show that answer),
 * is judged by the location search of the path as it came, as before routes were followed.
 */
function selectsPath(level: Level, nodesByServer: Map<Level, LocationNode<Level>[]>, path: string, what: Serves): boolean {
  const found = locationChain(level.kind === 'if' && level.parent ? level.parent : level, nodesByServer);
  if (!found) return false;
  const location = found.nodes[found.nodes.length - 1]!;
  const server = chainOf(location.value).find((l) => l.kind === 'server');
  const route = server ? routeOf(server, found.roots, path) : undefined;
  const asCame = () => findLocation(found.roots, path.split('?')[0]!) === location;
  if (!route || route.kind === 'unknown') return asCame();
  if (route.kind === 'served') return what.served && route.level === location.value;
  if (route.atServer) return server!.code?.some((s) => redirectsSome(s) && s.directive === route.directive) ? false : asCame();
  return what.answer !== undefined && route.directive === what.answer;
}

/** Whether a request for `path` is one a server's `rewrite` redirects (`rewrite ^/old/ https://new.test/ permanent;`) before any location is searched. */
function redirectedAtServer(server: Level, nodesByServer: Map<Level, LocationNode<Level>[]>, redirect: Directive, path: string): boolean {
  let roots = nodesByServer.get(server);
  if (!roots) nodesByServer.set(server, (roots = locationNodes(server)));
  const route = routeOf(server, roots, path);
  return route.kind === 'answered' && route.atServer && route.directive === redirect;
}

/** The server-level `rewrite`s that redirect the requests their regex matches (the code stops at the first one that ends every request). */
function serverRedirects(server: Level): Directive[] {
  const out: Directive[] = [];
  for (const step of server.code ?? []) {
    if (step.kind === 'stop' && step.always) break;
    if (redirectsSome(step)) out.push(step.directive);
  }
  return out;
}

/** Locations no request can select (reachability.ts), with the reason, judged among their siblings. */
function unreachableLocations(levels: readonly Level[]): Map<Level, string> {
  const out = new Map<Level, string>();
  for (const holder of levels) {
    const siblings: LocationNode<Level>[] = holder.children.filter((c) => c.kind === 'location' && c.location).map((c) => ({ info: c.location!, children: [], value: c }));
    if (siblings.length === 0) continue;
    for (const node of siblings) {
      const reason = unreachableReason(siblings, node);
      if (reason) out.set(node.value, reason);
    }
  }
  return out;
}

/** The names of the directives that matter to this linter in a location and its nested blocks. */
function heldDirectives(level: Level): string[] {
  const out = new Set<string>();
  const visit = (block: readonly Directive[] | undefined) => {
    for (const d of block ?? []) {
      const name = d.name.value;
      if (/_pass$|^proxy_cookie_|_hide_header$|^add_header$|^more_set_headers$|^set_cookie_flag$|^header_filter_by_lua/.test(name)) out.add(name);
      visit(d.block?.children);
      for (const f of d.included ?? []) visit(f.directives);
    }
  };
  visit(level.directive?.block?.children);
  return [...out];
}

function backendsOf(level: Level): Level['backends'] {
  if (level.backends.length > 0) return level.backends;
  // An `if` without its own *_pass keeps the location's content handler (ngx_http_update_location_config).
  if (level.kind === 'if' && level.parent) return backendsOf(level.parent);
  return [];
}

/** Directives after which a request's URI, arguments or location may not be the ones it came with. */
const MOVES_REQUEST = /^(?:rewrite|error_page|try_files|index|random_index|autoindex)$/;

/**
 * Whether a directive in `directives` may change where or with which URI a request is answered:
 * nested blocks too when `deep` (a server's locations), else the level's own and its includes'.
 */
function movesRequests(directives: readonly Directive[], deep: boolean): boolean {
  return directives.some(
    (d) => MOVES_REQUEST.test(d.name.value) || (deep && movesRequests(d.block?.children ?? [], deep)) || (d.included ?? []).some((f) => movesRequests(f.directives, deep)),
  );
}

const movingLevels = new WeakMap<Level, boolean>();

/**
 * {@link movesRequests} for a server or location (its whole block: a `rewrite` in an `if` or a
 * nested location included) or an http/main level (its own directives), once per level.
 */
function moves(level: Level, rootDirectives: readonly Directive[]): boolean {
  let found = movingLevels.get(level);
  if (found === undefined) {
    found = level.unresolvedInclude || movesRequests(level.directive ? (level.directive.block?.children ?? []) : rootDirectives, level.kind !== 'http' && level.kind !== 'main');
    movingLevels.set(level, found);
  }
  return found;
}

/** A server name a request's Host can be exactly (not a wildcard, regex or the catch-all `_`). */
const plainName = (name: string | undefined): string | null => (name !== undefined && /^[A-Za-z0-9][A-Za-z0-9.-]*(?::\d+)?$/.test(name) ? name : null);

/**
 * The probe request the simulation models at a level (nginx-request-vars.ts): a GET of its
 * request path with its server's first name as Host. The path is not known where some directive of
 * the server (or of the http level) may move requests (`rewrite`, `error_page`, `try_files`...):
 * the level may answer a request that came with another URI.
 */
function probeRequest(level: Level, path: string | undefined, rootDirectives: readonly Directive[]): NginxRequest {
  const chain = chainOf(level);
  const server = chain.find((l) => l.kind === 'server');
  const name = plainName(server?.serverNames?.[0]);
  const moved = path === undefined || chain.some((l) => moves(l, rootDirectives));
  // `$server_name` is the first name lower-cased (`ngx_http_core_server_name` lowers it in place) [LAB 1.22.1].
  return { method: 'GET', target: moved ? null : path, uri: moved ? null : path.split('?')[0]!, headers: {}, host: name, serverName: name?.toLowerCase() ?? null };
}

/**
 * Names given their value by one `set` in the whole configuration, or by the one value of a `map`
 * that is not plain text, of request variables alone (`set $v "$host"`, `map ... { default $uri; }`;
 * no capture, no variable the configuration declares): where the value flow (rewrite-code.ts)
 * says such a name has a value the configuration does not set, it is that script's, of the
 * request's values (nginx-request-vars.ts).
 */
function derivedVariables(levels: readonly Level[], declared: ReadonlySet<string>, maps: VariableDecls['maps']): Map<string, Script> {
  const sets = new Map<string, Script[]>();
  const visit = (code: readonly RewriteStep[]) => {
    for (const step of code) {
      if (step.kind === 'set') sets.set(step.decl.name, [...(sets.get(step.decl.name) ?? []), step.decl.value]);
      else if (step.kind === 'if') visit(step.body);
    }
  };
  for (const level of levels) if (level.kind !== 'if') visit(level.code ?? []);
  // A map's one value that is not plain text (its other values are known ones); nginx refuses a
  // `set` of a map's name ("the duplicate variable").
  const candidates = new Map<string, Script | null>();
  for (const [name, scripts] of sets) candidates.set(name, scripts.length === 1 && !maps.has(name) ? scripts[0]! : null);
  for (const [name, map] of maps) {
    const dynamic = map.values.filter((v) => v === null || v.dynamic);
    if (!sets.has(name)) candidates.set(name, dynamic.length === 1 ? dynamic[0]! : null);
  }
  const out = new Map<string, Script>();
  for (const [name, script] of candidates) {
    if (!script || script.parts.some((p) => p.kind === 'capture') || scriptVariables(script).some((n) => declared.has(n))) continue;
    out.set(name, script);
  }
  return out;
}

export function buildNginxModel(rootPath: string, io: ConfigIO, options: DialectOptions): HeaderRewriteModel {
  return lowerNginx(rootPath, io, options).model;
}

export function lowerNginx(rootPath: string, io: ConfigIO, options: DialectOptions): Lowering<NginxSyntax> {
  const tree = buildSourceTree(rootPath, io, options.prefix, options);
  const version = parseVersion(options.nginxVersion) ?? parseVersion(DEFAULT_NGINX_VERSION)!;
  const problems: Problem[] = [...tree.problems];
  const facts: LuaHeaderFilterFact[] = [];
  const context: RootContext = tree.dump ? 'main' : (contextFromComments(tree.comments, rootPath) ?? options.context ?? guessContext(tree.directives));
  const rootLabel = context === 'main' ? '' : `${posix.basename(tree.confPath)} (${context} context)`;
  const root = newLevel(context, null, null, rootLabel);
  const textOf = (file: string) => tree.files.get(file)?.text;
  const unknown = unknownDirectives(tree, context, options.nginxDirectives ?? [], problems);
  unknownVariables(tree, context, options.nginxDirectives ?? [], unknown, problems);
  const variables = newVariableDecls();
  walk(tree.directives, root, context, { problems, io, prefix: tree.prefix, version, unresolved: tree.unresolved, unknown, facts, textOf, variables });

  const levels = levelsUnder(root);
  const flow = rewriteFlow(variables);
  // A file that proxies nothing is taken for a fragment of a configuration that does (a snippet
  // of proxy_cookie_* lines, a server written to show a rule): its levels are assumed to proxy
  // over HTTP. In a file that proxies somewhere, a level that does not serves files
  // (own-response.ts `servesFiles`).
  const fragment = !levels.some((l) => l.backends.length > 0);
  const legacy = !atLeast(version, COOKIE_FLAGS_SINCE);
  const cookieOps = new Map<string, NginxProxyCookieOp>();
  const arrayIds = new WeakMap<object, number>();
  let nextArrayId = 1;
  const idOf = (a: object | null) => {
    if (a === null) return 0;
    let id = arrayIds.get(a);
    if (id === undefined) arrayIds.set(a, (id = nextArrayId++));
    return id;
  };
  const nodesByServer = new Map<Level, LocationNode<Level>[]>();
  // The probe request of a level, for values that read request variables (nginx-request-vars.ts).
  const declared = new Set([...variables.maps.keys(), ...variables.setNames]);
  const derived = derivedVariables(levels, declared, variables.maps);
  const probes = new Map<Level, { vars: RequestVariables; key: string }>();
  const requestAt = (level: Level) => {
    let found = probes.get(level);
    if (!found) {
      const vars = { probe: probeRequest(level, requestPath(level, nodesByServer), tree.directives), declared, derived };
      probes.set(level, (found = { vars, key: JSON.stringify(vars.probe) }));
    }
    return found;
  };
  // One op per way the level's requests evaluate the entries' variables (variables.ts): the
  // variants' conditions make exactly one of them run for a request.
  // Arrays whose entries read no variable give the same one op wherever they are inherited
  // (most of a large dump: the http level's entries, inherited by every location).
  const readsNone = new WeakMap<object, boolean>();
  const readsNoVariable = (a: readonly NginxCookieEntry[] | null) => {
    if (!a) return true;
    let none = readsNone.get(a);
    if (none === undefined) readsNone.set(a, (none = a.every((e) => entryVariables(e).length === 0)));
    return none;
  };
  const plainCookieOps = new Map<string, NginxProxyCookieOp[]>();
  const cookieOpsFor = (level: Level): NginxProxyCookieOp[] => {
    const domains = effectiveArray(level, 'domains');
    const paths = effectiveArray(level, 'paths');
    const flags = legacy ? null : effectiveArray(level, 'flags');
    if (!domains && !paths && !flags) return [];
    const plain = readsNoVariable(domains) && readsNoVariable(paths) && readsNoVariable(flags);
    const arrays = `${idOf(domains)},${idOf(paths)},${idOf(flags)}`;
    if (plain) {
      const ops = plainCookieOps.get(arrays);
      if (ops) return ops;
    }
    const entries = [...(domains ?? []), ...(paths ?? []), ...(flags ?? [])];
    // The values of the level's variables are worked out only when an entry reads one.
    let valuesOf: ((name: string) => readonly VariableValue[]) | undefined;
    const values = (name: string) => (valuesOf ??= flow.valuesAt(level))(name);
    const ops = cookieVariants(entries, values, (name, value) => requestsGiving(variables, name, value), (bindings) => consistentMaps(variables, bindings)).map(({ bindings, condition, key: variant }) => {
      const request = entriesReadFree(entries, bindings) ? requestAt(level) : undefined;
      const key = `${arrays}\u0000${variant}\u0000${request?.key ?? ''}`;
      let op = cookieOps.get(key);
      if (!op) cookieOps.set(key, (op = nginxProxyCookieOp({ domains, paths, flags, legacy, bindings, condition, ...(request ? { request: request.vars } : {}) })));
      return op;
    });
    if (plain) plainCookieOps.set(arrays, ops);
    return ops;
  };

  // `add_header` and `more_set_headers` values read variables too: one op per way the level's
  // requests evaluate them (a `-t` test of headers-more joins the variables' tests).
  const headerVariants = new Map<string, NginxAddHeaderOp | NginxMoreHeadersOp>();
  const headerOpsFor = <T extends NginxAddHeaderOp | NginxMoreHeadersOp>(
    level: Level,
    ops: readonly T[],
    scripts: (op: T) => Script[],
    make: (op: T, bindings: ReadonlyMap<string, string>, condition: Condition | null, request: RequestVariables | undefined) => T,
    answer?: Directive,
  ): T[] => {
    if (ops.length === 0) return [];
    let valuesOf: ((name: string) => readonly VariableValue[]) | undefined;
    // The values of the requests served at the level, or of those a `return` answers.
    const values = (name: string) => (valuesOf ??= flow.valuesAt(level, answer))(name);
    return ops.flatMap((op) =>
      scriptVariants(scripts(op), values, (name, value) => requestsGiving(variables, name, value), (bindings) => consistentMaps(variables, bindings)).map(({ bindings, condition, key: variant }) => {
        const free = freeVariables(scripts(op), bindings);
        if (bindings.size === 0 && condition === null && !free) return op;
        const request = free ? requestAt(level) : undefined;
        const key = `${idOf(op)}\u0000${variant}\u0000${request?.key ?? ''}`;
        let v = headerVariants.get(key) as T | undefined;
        if (!v) headerVariants.set(key, (v = make(op, bindings, both(op.condition, condition), request?.vars)));
        return v;
      }),
    );
  };
  const addHeaderOpsFor = (level: Level, answer?: Directive) =>
    headerOpsFor(
      level,
      effectiveAddHeaders(level),
      (op) => [op.value],
      (op, bindings, condition, request) =>
        nginxAddHeaderOp({ span: op.span, label: op.label, focus: op.focus, value: op.value, always: op.always, sentHeaders: op.sentHeaders, bindings, condition, ...(request ? { request } : {}) }),
      answer,
    );
  const moreOpsFor = (level: Level, answer?: Directive) =>
    headerOpsFor(
      level,
      effectiveMore(level),
      (op) => op.headers.flatMap((h) => (h.value ? [h.value] : [])),
      (op, bindings, condition, request) =>
        nginxMoreHeadersOp({ directive: op.directive, span: op.span, label: op.label, focus: op.focus, headers: op.headers, statuses: op.statuses, condition, append: op.append, sentHeaders: op.sentHeaders, bindings, ...(request ? { request } : {}) }),
      answer,
    );

  // `set_cookie_flag`: the nearest level with entries (the module's merge copies the pointer); one op per such level.
  const cookieFlagOps = new Map<Level, NginxSetCookieFlagOp>();
  const cookieFlagOpFor = (level: Level): NginxSetCookieFlagOp | null => {
    let source: Level | null = level;
    while (source && source.cookieFlags === undefined) source = source.parent;
    if (!source?.cookieFlags || source.cookieFlags.length === 0) return null;
    let op = cookieFlagOps.get(source);
    if (!op) {
      const entries = source.cookieFlags;
      const span = { file: entries[0]!.span.file, start: entries[0]!.span.start, end: entries[entries.length - 1]!.span.end };
      cookieFlagOps.set(source, (op = nginxSetCookieFlagOp({ entries }, span, entries.map((e) => e.label).join(' '))));
    }
    return op;
  };

  // What happens to a level's responses, in the order nginx runs it.
  const pipelines = new Map<Level, CookieOp[]>();
  const pipelineOf = (level: Level): CookieOp[] => {
    let pipeline = pipelines.get(level);
    if (pipeline) return pipeline;
    pipeline = [];
    for (const kind of HIDE_ORDER) {
      const hide = effectiveHide(level, kind);
      if (hide) pipeline.push(hide);
    }
    pipeline.push(...cookieOpsFor(level));
    const cookieFlag = cookieFlagOpFor(level);
    if (cookieFlag) pipeline.push(cookieFlag);
    pipeline.push(...moreOpsFor(level), ...addHeaderOpsFor(level));
    pipelines.set(level, pipeline);
    return pipeline;
  };
  // A fragment, or a scope whose included file could not be read, is assumed to proxy over HTTP:
  // proxy_cookie_* only ever acts on proxy_pass responses.
  const backendKinds = (level: Level): BackendKind[] => {
    if (!flow.serves(level)) return [];
    const declared = [...new Set(backendsOf(level).map((b) => b.kind))];
    return declared.length > 0 ? declared : fragment || chainOf(level).some((l) => l.unresolvedInclude) ? ['http'] : [];
  };

  const intercepts: InterceptContext = {
    pipelineOf,
    backendsOf: backendKinds,
    locationsOf: (holder) => {
      let roots = nodesByServer.get(holder);
      if (!roots) nodesByServer.set(holder, (roots = locationNodes(holder)));
      return roots;
    },
  };
  const endpoints: NginxEndpoint[] = [];
  const unreachable = unreachableLocations(levels);
  const unreachableFacts: UnreachableLocationFact[] = [];
  for (const [level, reason] of unreachable) {
    const holds = heldDirectives(level);
    const arg = level.directive?.args[level.directive.args.length - 1];
    if (holds.length > 0 && arg && level.location) unreachableFacts.push({ kind: 'nginx-unreachable-location', span: arg.span, label: locationLabel(level.location), reason, holds });
  }
  /**
   * The response nginx makes itself (`return`, `deny all`), seen by the header filters of
   * `filtersAt` (own-response.ts); null when no filter adds a cookie to it and no error page
   * replaces it: nothing to simulate, and simulate says why.
   */
  const ownResponse = (answered: OwnAnswer, filtersAt: Level): Pick<NginxEndpoint, 'backends' | 'possibleBackends' | 'pipeline'> | null => {
    // The variables as the requests it answers have them (a `set` before the `return`, the server's).
    const filters = [...moreOpsFor(filtersAt, answered.directive), ...addHeaderOpsFor(filtersAt, answered.directive)];
    const page = answered.errorable ? errorPageAnswer(filtersAt, answered.status, filters, intercepts) : null;
    if (page) return { backends: page.again ? backendsOf(page.target!) : [ownProducer(answered)], possibleBackends: [...page.kinds], pipeline: page.ops };
    if (filters.length === 0) return null;
    return { backends: [ownProducer(answered)], possibleBackends: ['module'], pipeline: ownResponsePipeline(answered, filters) };
  };
  /**
   * The files nginx's static module serves at a level that proxies nothing (own-response.ts
   * `servesFiles`), seen by its header filters; null where no filter adds a cookie (nothing to
   * simulate) or `set_cookie_flag` would act too (its order among the filters is not modelled).
   */
  const filesResponse = (level: Level): Pick<NginxEndpoint, 'backends' | 'possibleBackends' | 'pipeline'> | null => {
    if (effectiveAddHeaders(level).length === 0 && effectiveMore(level).length === 0) return null;
    if (backendKinds(level).length > 0 || !servesFiles(level) || cookieFlagOpFor(level)) return null;
    const filters = [...moreOpsFor(level), ...addHeaderOpsFor(level)];
    if (filters.length === 0) return null;
    return { backends: [filesProducer(level)], possibleBackends: ['module'], pipeline: filesPipeline(level, filters) };
  };
  const labelOf = (chain: readonly Level[]) => chain.map((l) => l.label).filter(Boolean).join(' › ') || 'http';
  const blocksOf = (chain: readonly Level[]) => chain.flatMap((l) => (l.directive?.block ? [l.directive.span] : []));
  /**
   * The requests a server-level `if` answers itself (`if ($bad) { return 403; }`), whatever
   * location their URI selects: a scope of their own, beside the locations that serve the others.
   */
  const guardEndpoints = (server: Level) => {
    const hasLocations = server.children.some((c) => c.kind === 'location');
    for (const { directive, answer } of serverGuards(server)) {
      const guard: Level = { ...newLevel('if', null, directive, `if ${directive.args.map((a) => a.raw).join(' ')}`), parent: server };
      const chain = [...chainOf(server), guard];
      const response = ownResponse(answer, server);
      endpoints.push(
        new LevelEndpoint(guard, nodesByServer, {
          label: labelOf(chain),
          span: directive.span,
          backends: response?.backends ?? [],
          possibleBackends: response?.possibleBackends ?? [],
          pipeline: response?.pipeline ?? [],
          serverNames: server.serverNames ?? [],
          names: chain.flatMap((l) => l.names ?? []),
          blocks: blocksOf(chain),
          selects: hasLocations ? SELECTS_ALL : undefined,
          noBackend: response ? undefined : TAKEN_AWAY,
        }),
      );
    }
  };
  /**
   * The requests a server's `rewrite` redirects before any location is searched
   * (`rewrite ^/old/(.*)$ https://new.test/$1 permanent;`): a scope of their own, with the server's
   * filters, as a server `if`'s answer; the other requests reach the locations.
   */
  const redirectEndpoints = (server: Level) => {
    if (!server.children.some((c) => c.kind === 'location')) return;
    for (const directive of serverRedirects(server)) {
      const answer = answerOf(directive);
      if (!answer) continue;
      const chain = chainOf(server);
      const response = ownResponse(answer, server);
      endpoints.push(
        new LevelEndpoint({ ...newLevel('if', null, null, answerLabel(answer)), parent: server }, nodesByServer, {
          label: `${labelOf(chain)} › ${answerLabel(answer)}`,
          span: directive.span,
          backends: response?.backends ?? [],
          possibleBackends: response?.possibleBackends ?? [],
          pipeline: response?.pipeline ?? [],
          serverNames: server.serverNames ?? [],
          names: chain.flatMap((l) => l.names ?? []),
          blocks: blocksOf(chain),
          selects: selectsRedirected(server, nodesByServer, directive),
          noBackend: response ? undefined : REDIRECTED,
        }),
      );
    }
  };
  /** The requests of a level that one `return` (or redirecting `rewrite`) of its code answers, beside those it serves otherwise. */
  const answerEndpoint = (level: Level, chain: readonly Level[], answer: OwnAnswer, selects: NginxEndpoint['selects']) => {
    const response = ownResponse(answer, level);
    const server = chain.find((l) => l.kind === 'server');
    return new LevelEndpoint(level, nodesByServer, {
      label: `${labelOf(chain)} › ${answerLabel(answer)}`,
      span: answer.directive.span,
      backends: response?.backends ?? [],
      possibleBackends: response?.possibleBackends ?? [],
      pipeline: response?.pipeline ?? [],
      serverNames: server?.serverNames ?? [],
      names: chain.flatMap((l) => l.names ?? []),
      blocks: blocksOf(chain),
      selects,
      noBackend: response ? undefined : TAKEN_AWAY,
    });
  };
  for (const level of levels) {
    if (level.kind === 'server' && level.code && !unreachable.has(level)) {
      guardEndpoints(level);
      redirectEndpoints(level);
    }
    if (!isEndpointLevel(level)) continue;
    // A location no request selects sends no response: not a scope to judge.
    if (chainOf(level).some((l) => unreachable.has(l))) continue;
    // Requests that `return` (or a `rewrite` elsewhere) takes away before the content phase
    // never reach the level's backend (rewrite-code.ts).
    const served = flow.serves(level);
    const chain = chainOf(level);
    // A response nginx makes itself (`return`, `deny all`): its header filters only
    // (own-response.ts); a server's `return` answers with the server's, before any location.
    // Which `return`s a location's requests (or those of an `if` in it) run into is the flow of
    // its code (rewrite-code.ts): those the level does not serve get the first; the others, and
    // every one where some requests are served, are scopes of their own below.
    const coded = level.kind === 'location' || level.kind === 'if';
    const answers = coded ? flow.answers(level).flatMap((d) => answerOf(d) ?? []) : [];
    const own = served ? deniedAnswer(level) : coded ? (answers[0] ?? null) : ownAnswer(level);
    const server = chain.find((l) => l.kind === 'server');
    const fromServer = served || own || !server || server === level ? null : ownAnswer(server);
    const answered = own ?? fromServer;
    const response = answered ? ownResponse(answered, fromServer ? server! : level) : served && !fragment ? filesResponse(level) : null;
    const possibleBackends: readonly BackendKind[] = response ? response.possibleBackends : answered ? [] : backendKinds(level);
    const endpoint = new LevelEndpoint(level, nodesByServer, {
      label: labelOf(chain),
      span: level.directive?.span ?? { file: rootPath, start: 0, end: 0 },
      backends: response ? response.backends : served && !answered ? backendsOf(level) : [],
      possibleBackends,
      pipeline: response ? response.pipeline : withIntercepts(level, pipelineOf(level), possibleBackends, intercepts),
      serverNames: server?.serverNames ?? [],
      names: chain.flatMap((l) => l.names ?? []),
      blocks: blocksOf(chain),
      selects: level.kind === 'location' || (level.kind === 'if' && level.parent?.kind === 'location') ? selectsWithin(level, nodesByServer, { served, ...(served || !answers[0] ? {} : { answer: answers[0].directive }) }) : undefined,
      noBackend: response ? undefined : answered?.directive.name.value === 'deny' ? DENIED : served ? undefined : TAKEN_AWAY,
    });
    endpoints.push(endpoint);
    for (const answer of served ? answers : answers.slice(1)) {
      endpoints.push(answerEndpoint(level, chain, answer, endpoint.selects && selectsWithin(level, nodesByServer, { served: false, answer: answer.directive })));
    }
  }

  // Every entry belongs to at least one operation, even when no endpoint inherits it.
  const entryLevel = new Map<NginxCookieEntry, Level>();
  const used = new Set<NginxCookieEntry>([...cookieOps.values()].flatMap((op) => op.entries));
  const ops = new Set<CookieOp>(endpoints.flatMap((e) => e.pipeline.map(unguarded)));
  for (const level of levels) {
    const own = [...(level.domains ?? []), ...(level.paths ?? []), ...(level.flags ?? [])];
    for (const e of own) entryLevel.set(e, level);
    if (own.some((e) => !used.has(e))) {
      ops.add(nginxProxyCookieOp({ domains: level.domains ?? null, paths: level.paths ?? null, flags: legacy ? null : (level.flags ?? null), legacy }));
    }
    for (const op of [...level.addHeaderOps, ...level.more]) ops.add(op);
    for (const hide of level.hide?.values() ?? []) if (hide) ops.add(hide);
  }
  const model: HeaderRewriteModel = {
    dialect: 'nginx',
    root: rootPath,
    files: tree.files,
    endpoints,
    ops: [...ops].sort((a, b) => (a.span.file < b.span.file ? -1 : a.span.file > b.span.file ? 1 : a.span.start - b.span.start)),
    problems,
    comments: tree.comments,
    facts: [...facts, ...unreachableFacts],
  };
  return { model, syntax: { tree, version, context, levels, endpoints, entryLevel } };
}
