/**
 * The rewrite module's code of a server and of each location (ngx_http_rewrite_module): `set`,
 * `if`, `break`, `return` and `rewrite`, in the order they are written, and which requests reach
 * the proxy at each endpoint level with which variable values (issue 17).
 *
 * nginx compiles these directives of a level into one code array (an `if`'s directives go into
 * its parent's array, `ngx_http_rewrite_if`) and runs it in order: the server's in the
 * server-rewrite phase for every request, then, once a location is found, that location's in the
 * rewrite phase (`ngx_http_rewrite_handler`; an outer location's code does not run for a nested
 * location's requests: `ngx_http_rewrite_merge_loc_conf` never copies it). What each directive's
 * code does (src/http/ngx_http_script.c, nginx 1.22; the real nginx runs each case in
 * test/nginx/real-cases.ts):
 *
 * - `break`: the rest of the array does not run (`ngx_http_script_break_code`); a URI changed by
 *   an earlier `rewrite` without a flag is kept, and the request stays in its location. At server
 *   level only the server's array stops; the location's still runs.
 * - `return`: nginx answers (`ngx_http_script_return_code`): nothing is proxied. At server level,
 *   before any location is searched.
 * - `rewrite regex replacement [flag]`, when the regex matches the URI
 *   (`ngx_http_script_regex_start_code`): `last`, `break`, `redirect`, `permanent` and a
 *   replacement starting with `http://`, `https://` or `$scheme` end the array (a NULL code after
 *   the rewrite, `ngx_http_rewrite`); `redirect`/`permanent`/`http://` answer with a redirect;
 *   `break` keeps the request in its location; `last` (and no flag, once the array is done)
 *   restarts the location search with the new URI: another location serves the request, with
 *   the variables set so far, and without the server's code again (the post-rewrite phase goes
 *   back to find-config). At server level the location search follows anyway, so `last` and
 *   `break` just end the server's array. Whether the regex matches depends on the request,
 *   unless it matches every URI ({@link matchesEveryUri}).
 * - `if (...) { ... }`: the condition is not decided; when it holds, the request takes the `if`'s
 *   configuration (`r->loc_conf = code->loc_conf`), and a later `if` that holds replaces it.
 *
 * Each endpoint level's requests are the paths through the code that end with the request served
 * at that level: for a location, the paths where none of its `if`s held; for an `if`, those where
 * it held and no later `if` did. Paths are merged where they meet (values of a variable joined,
 * as variables.ts tracks them), so the work is linear in the number of directives. A location
 * left by `rewrite ... last` hands its variables to the location the new URI selects, which the
 * linter does not decide: every location of the server starts with them too (bounded by nginx's
 * own limit of 10 restarts, NGX_HTTP_MAX_URI_CHANGES). Not modelled: internal redirects of
 * `try_files`, `error_page`, `index` and `X-Accel-Redirect`, which keep variables as well.
 */
import type { Problem } from '../../model/header-rewrite.js';
import { levelsUnder, type Level } from './levels.js';
import type { Directive } from './syntax.js';
import { evaluate, mapValuesAtUri, refuse, regexOnUri, union, type SetDecl, type UriConstraint, type VariableDecls, type VariableValue } from './variables.js';

/**
 * What a directive that stops or redirects does when it runs:
 * - `stay`: the rest of the array does not run, the request is served where it is (`break`,
 *   `rewrite ... break`, and at server level `rewrite ... last`);
 * - `end`: nginx answers the request itself (`return`, a redirecting `rewrite`);
 * - `leave`: the location search restarts with the new URI (`rewrite ... last` in a location);
 * - `uri`: the URI changes and the array goes on; at its end the location search restarts,
 *   unless a `break` comes first (`rewrite` without a flag in a location).
 */
export type StopEffect = 'stay' | 'end' | 'leave' | 'uri';

/** One directive of a level's rewrite code, in order. */
export type RewriteStep =
  | { readonly kind: 'set'; readonly decl: SetDecl }
  /**
   * `level`: the location `if` level whose configuration the request takes; null at server level,
   * where `directive` is the `if` (own-response.ts answers for the requests that meet it).
   */
  | { readonly kind: 'if'; readonly level: Level | null; readonly body: RewriteStep[]; readonly directive?: Directive }
  /** `always`: on every request; otherwise only when its `rewrite` regex matches the URI. */
  | { readonly kind: 'stop'; readonly effect: StopEffect; readonly always: boolean; readonly directive: Directive }
  /**
   * A server-level `rewrite` without a flag: when its regex matches, the URI the location search
   * uses changes and the code goes on. The value flow leaves it out (the server's
   * `flaglessRewrite` says the new URI is not known there); route.ts follows it for one request.
   */
  | { readonly kind: 'uri'; readonly directive: Directive };

/**
 * Whether a `rewrite` regex matches every URI nginx hands it (each starts with "/"): `^`, `^/`,
 * `.*`, `^(.*)`, `/(.*)`... `$` is not: PCRE's `.` stops at a newline, which a decoded URI may
 * hold (`%0A`), so `^(.*)$` does not match every URI.
 */
export function matchesEveryUri(regex: string): boolean {
  return /^\^?\/?(?:\.\*|\(\.\*\))?$/.test(regex) || /^\^?\(\/\.\*\)$/.test(regex);
}

/**
 * `break`, `return` and `rewrite` (`ngx_http_rewrite_break`, `_return`, `ngx_http_rewrite`); null
 * when nginx refuses it, or for a `rewrite` without a flag at server level, which changes only
 * the URI the location search then uses.
 */
export function lowerStop(d: Directive, atServer: boolean, problems: Problem[]): RewriteStep | null {
  const name = d.name.value;
  const step = (effect: StopEffect, always: boolean): RewriteStep => ({ kind: 'stop', effect, always, directive: d });
  if (name === 'break') return step('stay', true);
  if (name === 'return') {
    const code = d.args[0]!;
    const redirect = /^(?:https?:\/\/|\$scheme)/.test(code.value);
    // ngx_atoi: digits only, at most 999; a URL alone is a 302.
    if (!((/^\d+$/.test(code.value) && Number(code.value) <= 999) || (d.args.length === 1 && redirect))) {
      refuse(problems, code.span, `invalid return code "${code.value}"`);
      return null;
    }
    return step('end', true);
  }
  const [regex, replacement, flag] = d.args;
  if (replacement!.value === '') {
    refuse(problems, replacement!.span, 'empty replacement');
    return null;
  }
  if (flag && !['last', 'break', 'redirect', 'permanent'].includes(flag.value)) {
    refuse(problems, flag.span, `invalid parameter "${flag.value}"`);
    return null;
  }
  const always = matchesEveryUri(regex!.value);
  if (/^(?:https?:\/\/|\$scheme)/.test(replacement!.value) || flag?.value === 'redirect' || flag?.value === 'permanent') return step('end', always);
  if (flag?.value === 'break' || (atServer && flag?.value === 'last')) return step('stay', always);
  if (atServer) return null;
  return step(flag?.value === 'last' ? 'leave' : 'uri', always);
}

/** The variables a path assigned (the others have the values they had when the code began). */
type Assigned = ReadonlyMap<string, readonly VariableValue[]>;

interface Path {
  readonly assigned: Assigned;
  /** A `rewrite` without a flag changed the URI: the location search restarts at the end. */
  readonly uri: boolean;
  /** The path took the `if` whose requests are asked about (always true when a location's are). */
  readonly taken: boolean;
}

/** The values of each variable on a path (at a location whose `$uri` the search constrains). */
type ValuesIn = (path: Path, uri?: UriConstraint) => (name: string) => readonly VariableValue[];

/** Whether some `rewrite` of the code changes the URI (a location's own: the request stays, its `$uri` no longer the one the search matched). */
function rewritesUri(code: readonly RewriteStep[]): boolean {
  return code.some((s) => (s.kind === 'if' ? rewritesUri(s.body) : s.kind === 'stop' && s.directive.name.value === 'rewrite'));
}

/**
 * What the location search says of the `$uri` of the requests a level serves: a prefix location's
 * start with its name, an exact one's are its name (also after an internal redirect, which searches
 * again). None for a regex or named location, or where the location's code rewrites the URI.
 */
function uriConstraint(level: Level): UriConstraint | undefined {
  const location = level.kind === 'if' ? level.parent : level;
  if (location?.kind !== 'location' || (location.code && rewritesUri(location.code))) return undefined;
  return searchConstraint(location);
}

/** What the location search needs of a URI to choose `location`: a prefix or exact location's name. */
function searchConstraint(location: Level): UriConstraint | undefined {
  if (!location.location) return undefined;
  const { modifier, name } = location.location;
  if (modifier === '=') return { kind: 'exact', path: name };
  return modifier === '' || modifier === '^~' ? { kind: 'prefix', path: name } : undefined;
}

/**
 * Whether the server's rewrite code takes every request the search would give a location
 * elsewhere first (`rewrite ^/legacy/(.*)$ /new/$1 permanent;` beside `location /legacy/`): the
 * first `rewrite` that decides for the location's URIs matches them all, and redirects or gives a
 * URI the location cannot have. Internal redirects run the server's code again [nginx:
 * ngx_http_internal_redirect]; a location's `rewrite ... last` does not, and still arrives.
 */
function divertedBeforeSearch(server: Level, uri: UriConstraint): boolean {
  // A `rewrite` without a flag is not in the code: the URI it gives is not known here.
  if (!server.code || server.flaglessRewrite) return false;
  for (const step of server.code) {
    if (step.kind === 'set') continue;
    if (step.kind === 'if') {
      if (step.body.some((s) => s.kind !== 'set')) return false;
      continue;
    }
    if (step.kind === 'uri') return false;
    const [regex, replacement] = step.directive.args;
    if (step.directive.name.value !== 'rewrite' || !regex || !replacement) return false;
    const how = regexOnUri(`~${regex.value}`, uri);
    if (how === 'never') continue;
    if (how === 'maybe') return false;
    if (step.effect === 'end') return true;
    // The new URI, searched again: elsewhere unless it may be one of the location's.
    const written = replacement.value.split('?')[0]!;
    const literal = written.split('$')[0]!;
    const dynamic = written.includes('$');
    // Without a variable the new URI is the text itself; with one, the text before it and anything.
    const reaches = !dynamic ? (uri.kind === 'exact' ? written === uri.path : written.startsWith(uri.path)) : uri.path.startsWith(literal) || (uri.kind === 'prefix' && literal.startsWith(uri.path));
    return !reaches;
  }
  return false;
}

/** Paths with the same flags merged: a variable any of them assigned gets every value it has on one of them. */
function merge(paths: readonly Path[], valuesIn: ValuesIn): Path[] {
  const groups = new Map<string, Path[]>();
  for (const p of paths) {
    const key = `${p.uri}${p.taken}`;
    const list = groups.get(key);
    if (list) list.push(p);
    else groups.set(key, [p]);
  }
  return [...groups.values()].map((group) => {
    if (group.length === 1) return group[0]!;
    const assigned = new Map<string, VariableValue[]>();
    for (const name of new Set(group.flatMap((p) => [...p.assigned.keys()]))) {
      assigned.set(name, group.reduce<VariableValue[]>((acc, p) => union(acc, valuesIn(p)(name)), []));
    }
    return { assigned, uri: group[0]!.uri, taken: group[0]!.taken };
  });
}

/**
 * Which requests a run follows through a location's `if`s: those of one `if` level (earlier
 * `if`s either way, that one held, later ones did not), the location's own (no `if` held), or
 * every request (`all`: what leaves the location, and the server's code).
 */
type Target = Level | 'location' | 'all';

interface Run {
  readonly target: Target;
  readonly valuesIn: ValuesIn;
  /** Whether the target `if` was met already. */
  passed: boolean;
  /** Paths served at the target. */
  readonly here: Path[];
  /** Paths that restart the location search. */
  readonly leave: Path[];
  /** Whether some path entered the target `if`. */
  reached: boolean;
  /** The `return`s and redirecting `rewrite`s that answer some path served at the target, in order. */
  readonly answers: Set<Directive>;
  /** The paths each of them answers. */
  readonly answered: Map<Directive, Path[]>;
}

/** Runs `steps` on the live paths; returns those that fall through the end. */
function runSteps(steps: readonly RewriteStep[], start: Path[], run: Run): Path[] {
  let live = start;
  for (const step of steps) {
    if (live.length === 0) break;
    switch (step.kind) {
      case 'set':
        live = live.map((p) => ({ ...p, assigned: new Map(p.assigned).set(step.decl.name, evaluate(step.decl.value, run.valuesIn(p))) }));
        continue;
      case 'if': {
        const own = step.level !== null && step.level === run.target;
        let hold = true;
        let skip = true;
        if (step.level !== null && run.target !== 'all') {
          hold = own || (run.target !== 'location' && !run.passed);
          skip = !own;
        }
        if (own && live.length > 0) run.reached = true;
        const held = hold ? runSteps(step.body, own ? live.map((p) => ({ ...p, taken: true })) : live, run) : [];
        if (own) run.passed = true;
        live = merge([...(skip ? live : []), ...held], run.valuesIn);
        continue;
      }
      case 'stop': {
        if (step.effect === 'end' && live.some((p) => p.taken)) {
          run.answers.add(step.directive);
          const list = run.answered.get(step.directive);
          const taken = live.filter((p) => p.taken);
          if (list) list.push(...taken);
          else run.answered.set(step.directive, taken);
        }
        const stopped = step.effect === 'uri' ? live.map((p) => ({ ...p, uri: true })) : live;
        if (step.effect === 'stay') for (const p of stopped) if (p.taken) run.here.push({ ...p, uri: false });
        if (step.effect === 'leave') run.leave.push(...stopped);
        const going = step.always ? [] : live;
        live = step.effect === 'uri' ? merge([...going, ...stopped], run.valuesIn) : going;
        continue;
      }
    }
  }
  return live;
}

/** Runs a level's code from the `entry` paths: the paths served at the target, and those that leave. */
interface CodeRun {
  readonly here: Path[];
  readonly leave: Path[];
  readonly reached: boolean;
  readonly answers: ReadonlySet<Directive>;
  readonly answered: ReadonlyMap<Directive, Path[]>;
}

function runCode(code: readonly RewriteStep[], entry: Path[], target: Target, atServer: boolean, valuesIn: ValuesIn): CodeRun {
  const run: Run = { target, valuesIn, passed: false, here: [], leave: [], reached: false, answers: new Set(), answered: new Map() };
  for (const p of runSteps(code, entry, run)) {
    if (p.uri && !atServer) run.leave.push(p);
    else if (p.taken) run.here.push(p);
  }
  return { here: merge(run.here, valuesIn), leave: run.leave, reached: run.reached, answers: run.answers, answered: run.answered };
}

/** nginx restarts the location search at most this many times, then answers 500 (NGX_HTTP_MAX_URI_CHANGES). */
const MAX_URI_CHANGES = 10;

/** What requests reach an endpoint level's proxy, and with which variable values. */
export interface RewriteFlow {
  /** Whether some request is served at the level (not answered by `return`, nor sent elsewhere by `rewrite`). */
  serves(level: Level): boolean;
  /**
   * Whether some request gets to run the level's own code: for a location `if`, whether the
   * location's code can get to it (a `return` before it answers every request first).
   */
  reaches(level: Level): boolean;
  /**
   * The `return`s and redirecting `rewrite`s of a location's code that answer some of the
   * requests of the level (a location, or an `if` in it: then with the `if`'s configuration).
   */
  answers(level: Level): readonly Directive[];
  /**
   * The possible values of each variable for the requests served at the level, or, with
   * `answer` (a `return` of the level's code, or of its server's), for those it answers.
   */
  valuesAt(level: Level, answer?: Directive): (name: string) => readonly VariableValue[];
}

function moves(step: RewriteStep): boolean {
  return step.kind === 'if' ? step.body.some(moves) : step.kind === 'stop' && (step.effect === 'leave' || step.effect === 'uri');
}

/** A location's rewrite code as the linter's GET requests run it: none under a `limit_except` that does not list GET (levels.ts). */
export function codeOf(location: Level): RewriteStep[] | undefined {
  return location.getsLimitExcept ? undefined : location.code;
}

/** `make`, remembering its answer for each key. */
function memo<K, V>(make: (key: K) => V): (key: K) => V {
  const known = new Map<K, V>();
  return (key) => {
    if (known.has(key)) return known.get(key)!;
    const value = make(key);
    known.set(key, value);
    return value;
  };
}

/** Whether two sets of paths give each variable either assigns the same values. */
function sameValues(a: readonly Path[], b: readonly Path[], valuesIn: ValuesIn): boolean {
  const of = (paths: readonly Path[], name: string) => new Set(paths.flatMap((p) => valuesIn(p)(name)));
  for (const name of new Set([...a, ...b].flatMap((p) => [...p.assigned.keys()]))) {
    const x = of(a, name);
    const y = of(b, name);
    if (x.size !== y.size || [...x].some((v) => !y.has(v))) return false;
  }
  return true;
}

/**
 * The flow of one configuration's rewrite code. Each server's code runs once, each location's
 * once per endpoint level asked about; results are kept for the lowering that made the flow.
 */
export function rewriteFlow(decls: VariableDecls): RewriteFlow {
  /** What nginx gives a variable no path assigned: a map's values, "" for a `set` name, or unknown. */
  const valuesIn: ValuesIn = (path, uri) => {
    const evaluating = new Set<string>();
    const valuesOf = (name: string): readonly VariableValue[] => {
      const known = path.assigned.get(name);
      if (known) return known;
      const map = decls.maps.get(name);
      // A map of `$uri` at a location the search constrains: only the values such URIs get.
      const atUri = map && uri && !path.uri ? mapValuesAtUri(map, uri) : undefined;
      if (atUri) return atUri;
      // A map reading itself, directly or not, is not decided here.
      if (map && !evaluating.has(name)) {
        evaluating.add(name);
        const out = map.values.reduce<VariableValue[]>((acc, v) => union(acc, v ? evaluate(v, valuesOf) : [null]), []);
        evaluating.delete(name);
        return out;
      }
      if (!map && decls.setNames.has(name)) return [''];
      return [null];
    };
    return valuesOf;
  };
  const fresh: Path = { assigned: new Map(), uri: false, taken: true };
  const serverOf = (level: Level): Level | null => {
    for (let l: Level | null = level; l; l = l.parent) if (l.kind === 'server') return l;
    return null;
  };
  /** The server's code, run for every request. */
  const serverRun = memo((server: Level | null): CodeRun | null => (server?.code ? runCode(server.code, [fresh], 'all', true, valuesIn) : null));
  /** The paths past the server's code, into the location search. */
  const afterServer = (server: Level | null): Path[] => serverRun(server)?.here ?? [fresh];
  /** What leaves some location of the server with a new URI, and so may arrive at any of them. */
  const leaving = memo((server: Level): Path[] => {
    const movers = levelsUnder(server).filter((l) => l.kind === 'location' && codeOf(l)?.some(moves));
    let out: Path[] = [];
    for (let round = 0; round < MAX_URI_CHANGES && movers.length > 0; round++) {
      const entry = merge([...afterServer(server), ...out], valuesIn);
      const next = merge(movers.flatMap((l) => runCode(codeOf(l)!, entry, 'all', false, valuesIn).leave.map((p) => ({ ...p, uri: false }))), valuesIn);
      if (sameValues(next, out, valuesIn)) break;
      out = next;
    }
    return out;
  });
  /** The paths entering a location's code: past the server's, or arriving from another location. */
  const entryOf = memo((location: Level): Path[] => {
    const server = serverOf(location);
    // A named location is not one the location search for a new URI finds.
    const arriving = server && location.location?.modifier !== '@' ? leaving(server) : [];
    const search = searchConstraint(location);
    const searched = server && search && divertedBeforeSearch(server, search) ? [] : afterServer(server);
    return merge([...searched, ...arriving], valuesIn);
  });
  /** The paths served at an endpoint level, and whether the level's own code is reached. */
  const runAt = memo((level: Level): { here: Path[]; reached: boolean; answers: readonly Directive[]; answered: ReadonlyMap<Directive, Path[]> } => {
    const location = level.kind === 'if' ? level.parent : level.kind === 'location' ? level : null;
    if (!location) return { here: afterServer(serverOf(level)), reached: true, answers: [], answered: new Map() };
    const code = codeOf(location);
    if (!code) {
      // No code runs: the location's requests are served there, and none enters one of its `if`s.
      const here = level.kind === 'if' ? [] : entryOf(location);
      return { here, reached: here.length > 0, answers: [], answered: new Map() };
    }
    const target: Target = level.kind === 'if' ? level : 'location';
    const entry = entryOf(location).map((p) => ({ ...p, taken: target === 'location' }));
    const run = runCode(code, entry, target, false, valuesIn);
    return { here: run.here, reached: target === 'location' ? entry.length > 0 : run.reached, answers: [...run.answers], answered: run.answered };
  });
  /** The paths a `return` answers: one of the level's code, or of its server's (a guard, or the server's own `return`). */
  const answeredAt = (level: Level, answer: Directive): Path[] | undefined => runAt(level).answered.get(answer) ?? serverRun(serverOf(level))?.answered.get(answer);
  const pathsAt = (level: Level) => runAt(level).here;
  return {
    serves: (level) => pathsAt(level).length > 0,
    reaches: (level) => runAt(level).reached,
    answers: (level) => runAt(level).answers,
    valuesAt: (level, answer) => {
      const answered = answer ? answeredAt(level, answer) : undefined;
      // (A `return` may answer before the location search, at server level: no constraint there.)
      if (answered && answered.length > 0) return valuesIn(merge(answered.map((p) => ({ ...p, uri: false, taken: true })), valuesIn)[0]!);
      return valuesIn(merge(pathsAt(level), valuesIn)[0] ?? fresh, uriConstraint(level));
    },
  };
}
