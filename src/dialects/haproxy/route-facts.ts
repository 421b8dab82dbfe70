/**
 * What a frontend's routing says about the path of every request of a frontend › backend scope,
 * stated first in the scope's pipeline (src/model/ops/request-facts.ts), as Apache's `<Location>`
 * does for `<If>`:
 *
 * - `use_backend jira if { path_beg /jira }`: every request of `frontend fe › backend jira` has a
 *   path that begins with `/jira` (when no other rule or the default also leads there);
 * - `default_backend app`: every request of `frontend fe › backend app` has a path that begins with
 *   none of the prefixes the `use_backend` rules before it take;
 *
 * and so decides the tests that read the path the same way (written inline or as a named ACL of
 * one or several lines): `path_beg` in an `http-request` rule,
 * and `var(txn.p) -m beg /jira` where `http-request set-var(txn.p) path` is the variable's only
 * setter, in the frontend, before any rule that could keep it from running. An `http-response`
 * rule `if { var(txn.p) -m beg /jira }` then never runs for the default backend's requests: what
 * it names says nothing about that application (src/cookies/scope.ts).
 *
 * Nothing is stated when a rule rewrites the path (`set-path`, `replace-uri`...), when a
 * `use_backend` names its backend from a sample (`%[...]`), or for a test written with flags
 * (`-i`): those are left to the simulation, which explores both outcomes.
 */
import type { CookieOp } from '../../model/header-rewrite.js';
import { requestFactsOp, type RequestFact } from '../../model/ops/request-facts.js';
import type { AclDefinition } from '../../model/ops/haproxy-acl.js';
import type { Span } from '../../source.js';

/** A `use_backend` rule: its backend and its condition (`if`/`unless` and the terms), as written. */
export interface RouteRule {
  readonly backend: string;
  readonly condition?: readonly string[];
}

/** What every request of a scope has in common: its path begins with one prefix of each `begins` list, and with none of `excluded`. */
export interface PathKnowledge {
  readonly begins: readonly (readonly string[])[];
  readonly excluded: readonly string[];
}

/** `http-request` actions that change the path `path_beg` and a `set-var(...) path` read. */
export const REWRITES_PATH = new Set(['set-path', 'set-pathq', 'set-uri', 'replace-path', 'replace-pathq', 'replace-uri']);

/** The prefixes a `path_beg` test takes (`path_beg /a /b`, `path -m beg /a`), without flags; undefined for any other test. */
function begPrefixes(words: readonly string[], fetch: (w: string) => boolean): readonly string[] | undefined {
  const values = words[0] !== undefined && fetch(words[0]) ? (words[1] === '-m' && words[2] === 'beg' ? words.slice(3) : words[0] === 'path_beg' ? words.slice(1) : undefined) : undefined;
  if (!values || values.length === 0 || values.some((v) => v === '' || v.startsWith('-'))) return undefined;
  return values;
}

const isPathFetch = (w: string) => w === 'path_beg' || w === 'path';

/**
 * The path test a `use_backend` condition is: `if { path_beg /jira }`, `unless { path -m beg /a }`,
 * `if NAME` of one such `acl` line. `when`: whether the rule is taken when the path begins with one of the prefixes.
 */
export function routeTest(condition: readonly string[], acls: ReadonlyMap<string, readonly AclDefinition[]>): { readonly prefixes: readonly string[]; readonly when: boolean } | undefined {
  const [keyword, ...terms] = condition;
  let words: readonly string[] | undefined;
  if (terms.length >= 3 && terms[0] === '{' && terms.indexOf('}') === terms.length - 1) words = terms.slice(1, -1);
  else if (terms.length === 1) {
    // A named ACL of several lines (ORed): the path begins with a prefix of any of them.
    const each = (acls.get(terms[0]!) ?? []).map((d) => begPrefixes(d.words, isPathFetch));
    return each.length > 0 && each.every((p) => p !== undefined) ? { prefixes: each.flat() as string[], when: keyword === 'if' } : undefined;
  }
  const prefixes = words ? begPrefixes(words, isPathFetch) : undefined;
  return prefixes ? { prefixes, when: keyword === 'if' } : undefined;
}

/**
 * What the `use_backend` rules (in order, then the default) say about the path of every request
 * they send to `backend`: the rules before the first one that leads there were not taken, and
 * that one was, when no other way leads there. Undefined when nothing is known.
 */
export function routeKnowledge(routes: readonly RouteRule[], acls: ReadonlyMap<string, readonly AclDefinition[]>, backend: string, isDefault: boolean): PathKnowledge | undefined {
  // A rule naming its backend from a sample may lead anywhere.
  if (routes.some((r) => r.backend.includes('%['))) return undefined;
  const begins: (readonly string[])[] = [];
  const excluded: string[] = [];
  const add = (t: { readonly prefixes: readonly string[]; readonly when: boolean }, taken: boolean) => {
    if (t.when === taken) begins.push(t.prefixes);
    else excluded.push(...t.prefixes);
  };
  const first = routes.findIndex((r) => r.backend === backend);
  const end = first < 0 ? routes.length : first;
  for (const r of routes.slice(0, end)) {
    // A rule without a condition takes every request: nothing after it is reached.
    if (!r.condition) return undefined;
    const t = routeTest(r.condition, acls);
    if (t) add(t, false);
  }
  const only = first >= 0 && !isDefault && routes.slice(first + 1).every((r) => r.backend !== backend);
  const taken = only ? routes[first]!.condition : undefined;
  const t = taken ? routeTest(taken, acls) : undefined;
  if (t) add(t, true);
  return begins.length > 0 || excluded.length > 0 ? { begins, excluded } : undefined;
}

/** Whether every path the knowledge allows begins with one of `prefixes` (true), none of them (false), or either. */
function beginsWith(prefixes: readonly string[], k: PathKnowledge): boolean | undefined {
  if (k.begins.some((ps) => ps.every((p) => prefixes.some((l) => p.startsWith(l))))) return true;
  if (k.begins.some((ps) => ps.every((p) => prefixes.every((l) => !p.startsWith(l) && !l.startsWith(p))))) return false;
  if (prefixes.every((l) => k.excluded.some((e) => l.startsWith(e)))) return false;
  return undefined;
}

/**
 * A term of an HAProxy request test's key (haproxy-acl.ts `requestTest`): a word, or a named ACL
 * of several lines as `[name, [words of each line]]`.
 */
type KeyTerm = string | readonly [string, readonly (readonly string[])[]];

const isWords = (x: unknown): x is string[] => Array.isArray(x) && x.every((w) => typeof w === 'string');

/** The terms of an HAProxy request test's key: `["{","path_beg","/a","}"]`. */
function termsOf(key: string): readonly KeyTerm[] | undefined {
  if (!key.startsWith('haproxy-request:')) return undefined;
  try {
    const terms: unknown = JSON.parse(key.slice('haproxy-request:'.length));
    const term = (t: unknown) => typeof t === 'string' || (Array.isArray(t) && t.length === 2 && typeof t[0] === 'string' && Array.isArray(t[1]) && t[1].every(isWords));
    return Array.isArray(terms) && terms.every(term) ? (terms as KeyTerm[]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The value of a condition's terms (`{ a } !{ b } || c`: ANDed terms, `||` or `or` between
 * alternatives, `!` negating) where `test` decides some `{ ... }` terms: false when every
 * alternative has a term that is false, true when one has all its terms true, else undefined.
 */
function conditionValue(terms: readonly KeyTerm[], prefixesOf: (words: readonly string[]) => readonly string[] | undefined, decide: (prefixes: readonly string[]) => boolean | undefined): boolean | undefined {
  const test = (words: readonly string[]) => {
    const prefixes = prefixesOf(words);
    return prefixes ? decide(prefixes) : undefined;
  };
  const alternatives: (boolean | undefined)[][] = [[]];
  for (let i = 0; i < terms.length; i++) {
    const t = terms[i]!;
    if (typeof t !== 'string') {
      // A named ACL of several lines (ORed): the prefixes of all of them when each is a prefix
      // test; otherwise true when one line is, false when every line is.
      const bangs = /^!*/.exec(t[0])![0].length;
      const each = t[1].map(prefixesOf);
      const lines = t[1].map(test);
      const v = each.every((p) => p !== undefined) ? decide(each.flat() as string[]) : lines.includes(true) ? true : lines.every((x) => x === false) ? false : undefined;
      alternatives[alternatives.length - 1]!.push(v === undefined ? undefined : bangs % 2 === 1 ? !v : v);
      continue;
    }
    let w = t;
    if (w === '||' || w === 'or') {
      alternatives.push([]);
      continue;
    }
    const bangs = /^!*/.exec(w)![0].length;
    w = w.slice(bangs);
    if (w === '' && typeof terms[i + 1] === 'string') w = terms[++i] as string;
    let v: boolean | undefined;
    if (w === '{') {
      const end = terms.indexOf('}', i);
      const words = terms.slice(i + 1, end);
      if (end < 0 || !isWords(words)) return undefined;
      v = test(words);
      i = end;
    }
    alternatives[alternatives.length - 1]!.push(v === undefined ? undefined : bangs % 2 === 1 ? !v : v);
  }
  const values = alternatives.map((alt) => (alt.includes(false) ? false : alt.length > 0 && alt.every((v) => v === true) ? true : undefined));
  if (values.includes(true)) return true;
  return values.every((v) => v === false) ? false : undefined;
}

/**
 * The facts `knowledge` decides about the tests of `pipeline`, as the op that states them (at the
 * start of `span`, naming no cookie), or null. `pathVariables`: the variables (lower-cased) that
 * hold every request's path.
 */
export function routeFactsOp(pipeline: readonly CookieOp[], knowledge: PathKnowledge, pathVariables: ReadonlySet<string>, span: Span, label: string): CookieOp | null {
  const reads = (w: string) => isPathFetch(w) || pathVariables.has(/^var\(\s*([^,)\s]+)\s*\)$/.exec(w)?.[1]?.toLowerCase() ?? '');
  const facts: RequestFact[] = [];
  const seen = new Set<string>();
  for (const op of pipeline) {
    if (op.condition?.value !== 'unknown') continue;
    for (const l of op.condition.literals ?? []) {
      if (seen.has(l.key)) continue;
      seen.add(l.key);
      const terms = termsOf(l.key);
      // `path_beg` itself is a test of the request phase only: in a response rule it never matches and is no literal.
      const value = terms ? conditionValue(terms, (words) => begPrefixes(words, reads), (prefixes) => beginsWith(prefixes, knowledge)) : undefined;
      if (value !== undefined) facts.push({ literal: l, holds: value === l.holds });
    }
  }
  return facts.length === 0 ? null : requestFactsOp('haproxy', { file: span.file, start: span.start, end: span.start }, label, facts);
}
