/**
 * The values a location's requests can give the variables that `proxy_cookie_*` arguments read,
 * as far as the configuration says (issue 17). nginx evaluates those arguments per request
 * (complex values, proxy-semantics.md §2.2–2.3); the values come from:
 *
 * - `set $v value;` (ngx_http_rewrite_module), run in the order of the rewrite module's code with
 *   `if`, `break`, `return` and `rewrite` (rewrite-code.ts): the server's for every request,
 *   then the selected location's (not inherited by nested locations). A `set` inside
 *   `if (...) { }` runs when the condition holds; the condition is not decided here, so the
 *   variable keeps its previous value or takes the new one. A variable that some `set` declares
 *   but that no `set` reached is empty (`ngx_http_rewrite_var`: "using uninitialized variable").
 * - `map $src $v { ... }` (http level): any value listed, or the default ("" when none), since the
 *   source is not decided here (`hostnames` and `volatile` change how keys match or are cached,
 *   not which values exist). An `include` the linter could not read, or a value reading regex
 *   captures (`$1`), adds an unknown value.
 * - anything else (`$http_*`, `$cookie_*`, `$arg_*`, `$uri`, a name nginx would refuse): unknown.
 *
 * Values of different variables are tracked independently (two `set`s in one `if` may be combined
 * with each other's old values), which only adds combinations.
 */
import { semanticKey } from '../../model/signature.js';
import { VALUE_CHOICE_KEY, type Condition, type ConditionLiteral, type Problem } from '../../model/header-rewrite.js';
import type { NginxRewriteEntry } from '../../model/ops/nginx-cookie-rewrite.js';
import type { NginxFlagsEntry } from '../../model/ops/nginx-proxy-cookie.js';
import { compileScript, scriptVariables, type Script } from '../../model/ops/nginx-script.js';
import { compileNginxRegex, execNginx } from '../../model/ops/nginx-regex.js';
import type { Span } from '../../source.js';
import type { RewriteStep } from './rewrite-code.js';
import type { Directive } from './syntax.js';

/** A possible value of a variable: its text, or null when the configuration does not say. */
export type VariableValue = string | null;

/** One `set $name value;`. */
export interface SetDecl {
  /** Lower-cased, without `$`. */
  readonly name: string;
  readonly value: Script;
  readonly span: Span;
}

/** One `map $src $name { ... }`. */
export interface MapDecl {
  readonly name: string;
  /** Every value an entry or the default gives (null: an unknown one). */
  readonly values: readonly (Script | null)[];
  /** The source value as written (`$http_x_cookie_policy`). */
  readonly source: string;
  /**
   * For each value, the keys that give it as written (`default` included); empty when some value
   * reads variables or is unknown.
   */
  readonly keys: ReadonlyMap<string, readonly string[]>;
  /** The entries in order (key as written, value text), `default` included; empty when {@link keys} is. */
  readonly entries: readonly { readonly key: string; readonly value: string }[];
}

/** The variables the configuration declares, gathered while walking it. */
export interface VariableDecls {
  /** By variable name (lower-cased); a later map of the same name is refused by nginx. */
  readonly maps: Map<string, MapDecl>;
  /** Every name some `set` declares. */
  readonly setNames: Set<string>;
}

export function newVariableDecls(): VariableDecls {
  return { maps: new Map(), setNames: new Set() };
}

/** At most this many values are kept per variable or evaluated script; beyond, it is unknown. */
const MAX_VALUES = 16;

/**
 * At most this many variants (combinations of variable values) per `proxy_cookie_*` operation;
 * beyond it the variables with several values are kept as written (never matching, as before
 * variables were evaluated): exploring more would multiply the simulation's branches.
 */
export const MAX_VARIANTS = 16;

function variableName(raw: string): string | null {
  const m = /^\$([A-Za-z0-9_]+)$/.exec(raw);
  return m ? m[1]!.toLowerCase() : null;
}

/** A problem nginx reports when it reads the configuration, in its words. */
export function refuse(problems: Problem[], span: Span, message: string): void {
  problems.push({ span, message, kind: 'refused' });
}

/** `set $name value;` (`ngx_http_rewrite_set`), appended to the rewrite code it runs in. */
export function lowerSet(d: Directive, code: RewriteStep[], decls: VariableDecls, problems: Problem[]): void {
  const [target, value] = d.args;
  const name = variableName(target!.value);
  if (!name) {
    refuse(problems, target!.span, `invalid variable name "${target!.value}"`);
    return;
  }
  const compiled = compileScript(value!.value);
  if (!compiled.ok) {
    refuse(problems, value!.span, compiled.message);
    return;
  }
  decls.setNames.add(name);
  code.push({ kind: 'set', decl: { name, value: compiled.script, span: d.span } });
}

/** The values of a map block's entries (`ngx_http_map`), following the includes the resolver read. */
function mapValues(children: readonly Directive[], out: (Script | null)[], state: MapState, problems: Problem[]): void {
  for (const e of children) {
    const key = e.name.value;
    if (key === 'include' && e.args.length === 1) {
      if (e.included) for (const f of e.included) mapValues(f.directives, out, state, problems);
      else out.push(null);
      continue;
    }
    if (e.args.length === 0 && (key === 'hostnames' || key === 'volatile')) continue;
    if (e.args.length !== 1 || e.block) continue; // nginx refuses it ("invalid number of the map parameters")
    const compiled = compileScript(e.args[0]!.value);
    // nginx compiles each value as a complex value (ngx_http_map: ngx_http_compile_complex_value)
    // and refuses to start on one it cannot compile (`"a$)"`: "invalid variable name").
    if (!compiled.ok) refuse(problems, e.args[0]!.span, compiled.message);
    // `$1`: a capture of the entry's regex key, not decided here.
    const value = compiled.ok && !compiled.script.parts.some((p) => p.kind === 'capture') ? compiled.script : null;
    if (value && value.parts.every((p) => p.kind === 'text')) {
      const text = value.parts.map((p) => (p.kind === 'text' ? p.text : '')).join('');
      const keys = state.keys.get(text) ?? [];
      // The last `default` wins; a string key given twice is refused by nginx ("conflicting parameter").
      if (!keys.includes(key)) keys.push(key);
      state.keys.set(text, keys);
      state.entries.push({ key, value: text });
    }
    if (key === 'default') state.default = value;
    else out.push(value);
  }
}

/** `map $src $name { ... }` (`ngx_http_map_block`). */
export function lowerMap(d: Directive, decls: VariableDecls, problems: Problem[]): void {
  const target = d.args[1];
  const name = target ? variableName(target.value) : null;
  if (!target || !name) {
    if (target) refuse(problems, target.span, `invalid variable name "${target.value}"`);
    return;
  }
  if (decls.maps.has(name)) return;
  const values: (Script | null)[] = [];
  // No `default`: the empty string.
  const state: MapState = { default: { source: '', parts: [], dynamic: false }, keys: new Map(), entries: [] };
  mapValues(d.block?.children ?? [], values, state, problems);
  values.push(state.default);
  if (!d.block?.children.some((e) => e.name.value === 'default')) {
    state.keys.set('', [...(state.keys.get('') ?? []), 'default']);
    state.entries.push({ key: 'default', value: '' });
  }
  // A value that reads variables (or an unread include) may equal a written one: then the keys
  // that give a value are not known, and none are named.
  const literal = values.every((v) => v !== null && v.parts.every((p) => p.kind === 'text'));
  decls.maps.set(name, { name, values, source: d.args[0]?.value ?? '', keys: literal ? state.keys : new Map(), entries: literal ? state.entries : [] });
}

interface MapState {
  default: Script | null;
  readonly keys: Map<string, string[]>;
  readonly entries: { key: string; value: string }[];
}

/** What the location that serves a request says of its `$uri`: it starts with a prefix, or it is one path. */
export interface UriConstraint {
  readonly kind: 'prefix' | 'exact';
  readonly path: string;
}

/** Sources whose value is the request's current URI (`$uri`, `$document_uri`). */
const URI_SOURCES = new Set(['$uri', '$document_uri']);

/**
 * Whether a map regex key (`~^/jira/`, `~*^/JIRA`) matches every URI the constraint allows, none,
 * or some: decided for one exact path, and for a prefix where the regex is `^` and a literal
 * (then nothing, `.*` or `(.*)`); anything else is undecided.
 */
export function regexOnUri(key: string, uri: UriConstraint): 'always' | 'never' | 'maybe' {
  const caseless = key.startsWith('~*');
  const source = key.slice(caseless ? 2 : 1);
  if (uri.kind === 'exact') {
    const r = compileNginxRegex(source, caseless);
    if (!r.ok) return 'maybe';
    return execNginx(r.regex, uri.path) ? 'always' : 'never';
  }
  const m = /^\^((?:[^\\^$.|?*+()[\]{}]|\\[^A-Za-z0-9])*)(.*)$/s.exec(source);
  // An alternation may match elsewhere; a quantifier makes the literal's last character optional.
  if (!m || m[2]!.includes('|')) return 'maybe';
  const norm = (s: string) => (caseless ? s.toLowerCase() : s);
  const written = m[1]!.replace(/\\(.)/g, '$1');
  const literal = norm(/^[?*+{]/.test(m[2]!) ? written.slice(0, -1) : written);
  const prefix = norm(uri.path);
  if (!prefix.startsWith(literal) && !literal.startsWith(prefix)) return 'never';
  return prefix.startsWith(literal) && ['', '.*', '(.*)'].includes(m[2]!) ? 'always' : 'maybe';
}

/**
 * The values a map of `$uri` can give the requests a location serves (`ngx_http_map_find`: an
 * exact string key first, then the regex keys in order, then the default), or undefined when the
 * map is not one of `$uri` with written values, or has hostname keys.
 */
export function mapValuesAtUri(map: MapDecl, uri: UriConstraint): string[] | undefined {
  if (!URI_SOURCES.has(map.source.toLowerCase()) || map.entries.length === 0) return undefined;
  if (map.entries.some((e) => e.key !== 'default' && !e.key.startsWith('~') && (e.key.includes('*') || e.key.startsWith('.')))) return undefined;
  const out = new Set<string>();
  const strings = map.entries.filter((e) => e.key !== 'default' && !e.key.startsWith('~'));
  for (const e of strings) {
    const key = e.key.startsWith('\\') ? e.key.slice(1) : e.key;
    if (uri.kind === 'exact' ? key === uri.path : key.startsWith(uri.path)) {
      out.add(e.value);
      if (uri.kind === 'exact') return [...out];
    }
  }
  let matched = false;
  for (const e of map.entries) {
    if (!e.key.startsWith('~')) continue;
    const how = regexOnUri(e.key, uri);
    if (how === 'never') continue;
    out.add(e.value);
    if (how === 'always') {
      matched = true;
      break;
    }
  }
  if (!matched) for (const e of map.entries) if (e.key === 'default') out.add(e.value);
  return [...out];
}

/** At most this many keys are named when a map value is described by the requests that get it. */
const MAX_NAMED_KEYS = 3;

/**
 * The requests that give map variable `name` the value `value`, named by the map's source and
 * keys (`$http_x_cookie_policy is "strict"`), when the map writes that value without variables
 * and few keys give it.
 */
export function requestsGiving(decls: VariableDecls, name: string, value: string): string | undefined {
  const map = decls.maps.get(name);
  const keys = map?.keys.get(value);
  if (!map || !keys || keys.length > MAX_NAMED_KEYS || !map.source) return undefined;
  const strings = keys.filter((k) => k !== 'default' && !k.startsWith('~'));
  const parts = [
    ...(strings.length > 0 ? [`is ${strings.map(quoted).join(' or ')}`] : []),
    ...keys.filter((k) => k.startsWith('~')).map((k) => `matches ${k}`),
    ...(keys.includes('default') ? ["is none of the map's keys"] : []),
  ];
  return `${map.source} ${parts.join(' or ')}`;
}

/** The value a literal map gives for source value `s` (string keys only): an exact key's, else any key equal but for case, or the default. */
function mapValuesFor(map: MapDecl, s: string): string[] {
  const out: string[] = [];
  let exact: string | undefined;
  let fallback: string | undefined;
  for (const [value, keys] of map.keys) {
    for (const k of keys) {
      if (k === s) exact = value;
      else if (k === 'default') fallback = value;
      else if (k.toLowerCase() === s.toLowerCase()) out.push(value);
    }
  }
  if (exact !== undefined) return [exact];
  return fallback === undefined ? out : [fallback, ...out];
}

/** A map whose value for a request the linter can tell from its source's value: literal values, plain string keys. */
function plainMap(decls: VariableDecls, name: string): MapDecl | undefined {
  const map = decls.maps.get(name);
  if (!map || decls.setNames.has(name) || map.keys.size === 0 || !map.source.startsWith('$')) return undefined;
  for (const keys of map.keys.values()) for (const k of keys) if (k !== 'default' && (k.startsWith('~') || k.includes('*') || k.startsWith('.') || k.startsWith('\\'))) return undefined;
  return map;
}

/**
 * Whether some request gives every variable of `bindings` its value, as far as maps of one source
 * tell (`map $host $c {...}` and `map $host $f {...}`): the value of one decides the other's. Other
 * variables are independent, and a map with a regex or hostname key is not decided.
 */
export function consistentMaps(decls: VariableDecls, bindings: ReadonlyMap<string, string>): boolean {
  const bound = [...bindings].flatMap(([name, value]) => {
    const map = plainMap(decls, name);
    return map ? [{ map, value, source: map.source.toLowerCase() }] : [];
  });
  for (let i = 0; i < bound.length; i++) {
    for (let j = i + 1; j < bound.length; j++) {
      const a = bound[i]!;
      const b = bound[j]!;
      if (a.source !== b.source) continue;
      const keysA = a.map.keys.get(a.value) ?? [];
      const keysB = b.map.keys.get(b.value) ?? [];
      // A source value that is a key of either map, or one that is a key of neither (both defaults).
      const possible =
        keysA.some((k) => k !== 'default' && mapValuesFor(b.map, k).includes(b.value)) ||
        keysB.some((k) => k !== 'default' && mapValuesFor(a.map, k).includes(a.value)) ||
        (keysA.includes('default') && keysB.includes('default'));
      if (!possible) return false;
    }
  }
  return true;
}

export function union(a: readonly VariableValue[], b: readonly VariableValue[]): VariableValue[] {
  const out = [...new Set([...a, ...b])];
  return out.length > MAX_VALUES ? [null] : out;
}

/** Every value `script` can take when its variables take the values `valuesOf` gives (bounded). */
export function evaluate(script: Script, valuesOf: (name: string) => readonly VariableValue[]): VariableValue[] {
  let results: VariableValue[] = [''];
  for (const p of script.parts) {
    const options: readonly VariableValue[] = p.kind === 'text' ? [p.text] : p.kind === 'capture' ? [null] : valuesOf(p.name.toLowerCase());
    const next = new Set<VariableValue>();
    for (const r of results) for (const o of options) next.add(r === null || o === null ? null : r + o);
    if (next.size > MAX_VALUES) return [null];
    results = [...next];
  }
  return results;
}

/** How one variable is evaluated in an operation's variants. */
interface VariableChoice {
  readonly name: string;
  /** The values requests can give it (null: one the configuration does not say). */
  readonly values: readonly VariableValue[];
}

/** One way to evaluate an operation's entries: the variable values, and the requests that have them. */
export interface Variant {
  readonly bindings: ReadonlyMap<string, string>;
  readonly condition: Condition | null;
  /** Identifies the variant among an operation's (for sharing operations between locations). */
  readonly key: string;
}

const UNCONDITIONAL: Variant = { bindings: new Map(), condition: null, key: '' };

function quoted(v: string): string {
  return JSON.stringify(v);
}

/**
 * The chain literal "the request gives `$name` its `index`-th value". Its phrase names the requests
 * that give the value where the configuration says (`$http_x_cookie_policy is "strict"`, through
 * `requests`: a map's source and keys), else the value.
 */
function valueLiteral(choice: VariableChoice, index: number, requests?: (name: string, value: string) => string | undefined): ConditionLiteral {
  const v = choice.values[index]!;
  const key = `${VALUE_CHOICE_KEY}$${choice.name}`;
  const which = v === null ? undefined : requests?.(choice.name, v);
  const phrase =
    v === null
      ? { holds: `$${choice.name} has a value the configuration does not set`, fails: `$${choice.name} has a value the configuration sets` }
      : { holds: which ?? `$${choice.name} is ${quoted(v)}`, fails: `$${choice.name} is not ${quoted(v)}` };
  return {
    key,
    holds: true,
    text: `$${choice.name}`,
    // `first` names no other literal: a taken branch then hides only its own chain's other branches (src/model/requests.ts).
    branch: { index, count: choice.values.length, impossible: 0n, first: `${key}\u0000` },
    phrase,
  };
}

interface EntryVariables {
  readonly flags: readonly string[];
  readonly others: readonly string[];
}

/** Entries are shared by every endpoint that inherits them: their variables are found once. */
const entryVariablesCache = new WeakMap<NginxRewriteEntry | NginxFlagsEntry, EntryVariables>();

function entryVariables(entry: NginxRewriteEntry | NginxFlagsEntry): EntryVariables {
  let found = entryVariablesCache.get(entry);
  if (!found) entryVariablesCache.set(entry, (found = readEntryVariables(entry)));
  return found;
}

/** The variables a `proxy_cookie_*` entry reads: in flag words, and elsewhere (selector, pattern, replacement). */
function readEntryVariables(entry: NginxRewriteEntry | NginxFlagsEntry): EntryVariables {
  if (entry.directive === 'proxy_cookie_flags') {
    return {
      flags: entry.flags.flatMap((w) => scriptVariables(w.script)),
      others: entry.selector.kind === 'literal' ? scriptVariables(entry.selector.script) : [],
    };
  }
  const pattern = entry.pattern.kind === 'literal' ? scriptVariables(entry.pattern.script) : [];
  return { flags: [], others: [...pattern, ...scriptVariables(entry.replacement)] };
}

/**
 * The variants of an operation holding `entries` at an endpoint level: one per combination of
 * the values its variables can take, each with a condition that makes them mutually exclusive
 * (one chain literal per variable, one branch per value). A variable with one known value is
 * substituted unconditionally; one the configuration does not say is kept as written (it never
 * matches a cookie name, path or domain), except in a flag word, where it may be `httponly` or
 * anything else (""): the outcome that matters for HttpOnly.
 */
export function cookieVariants(
  entries: readonly (NginxRewriteEntry | NginxFlagsEntry)[],
  valuesOf: (name: string) => readonly VariableValue[],
  requests?: (name: string, value: string) => string | undefined,
  consistent?: (bindings: ReadonlyMap<string, string>) => boolean,
): Variant[] {
  if (entries.every((e) => entryVariables(e).flags.length === 0 && entryVariables(e).others.length === 0)) return [UNCONDITIONAL];
  const flagVars = new Set<string>();
  const otherVars = new Set<string>();
  for (const e of entries) {
    const used = entryVariables(e);
    for (const v of used.flags) flagVars.add(v);
    for (const v of used.others) otherVars.add(v);
  }
  return variants(flagVars, otherVars, valuesOf, requests, consistent);
}

/**
 * The variants of values nginx builds from variables (`add_header Set-Cookie $cookie_policy`):
 * as {@link cookieVariants} for a selector or replacement. A variable the configuration does
 * not set (`$arg_*`, the response's `$upstream_http_set_cookie`) stays unbound.
 */
export function scriptVariants(
  scripts: readonly Script[],
  valuesOf: (name: string) => readonly VariableValue[],
  requests?: (name: string, value: string) => string | undefined,
  consistent?: (bindings: ReadonlyMap<string, string>) => boolean,
): Variant[] {
  return variants(new Set(), new Set(scripts.flatMap(scriptVariables)), valuesOf, requests, consistent);
}

function variants(
  flagVars: ReadonlySet<string>,
  otherVars: ReadonlySet<string>,
  valuesOf: (name: string) => readonly VariableValue[],
  requests?: (name: string, value: string) => string | undefined,
  /** Whether some request gives the variables these values together ({@link consistentMaps}). */
  consistent?: (bindings: ReadonlyMap<string, string>) => boolean,
): Variant[] {
  if (flagVars.size === 0 && otherVars.size === 0) return [UNCONDITIONAL];
  const fixed = new Map<string, string>();
  const choices: VariableChoice[] = [];
  for (const name of [...new Set([...flagVars, ...otherVars])].sort()) {
    let values = valuesOf(name);
    if (flagVars.has(name)) values = [...new Set(values.flatMap((v) => (v === null ? ['httponly', ''] : [v])))];
    if (values.length === 1) {
      if (values[0] !== null) fixed.set(name, values[0]!);
      continue;
    }
    choices.push({ name, values });
  }
  const count = choices.reduce((n, c) => n * c.values.length, 1);
  if (choices.length === 0 || count > MAX_VARIANTS) return [{ bindings: fixed, condition: null, key: semanticKey([...fixed]) }];
  const out: Variant[] = [];
  const pick = (i: number, bindings: Map<string, string>, literals: ConditionLiteral[]) => {
    if (i === choices.length) {
      // Values no request gives together (two maps of one source): no variant.
      if (consistent && !consistent(bindings)) return;
      const text = literals.map((l) => l.phrase!.holds).join(' and ');
      out.push({
        bindings,
        condition: { text, value: 'unknown', literals },
        key: semanticKey([[...bindings], literals.map((l) => [l.key, l.branch!.index, l.branch!.count])]),
      });
      return;
    }
    const c = choices[i]!;
    c.values.forEach((v, index) => {
      const next = new Map(bindings);
      if (v !== null) next.set(c.name, v);
      pick(i + 1, next, [...literals, valueLiteral(c, index, requests)]);
    });
  };
  pick(0, fixed, []);
  return out;
}
