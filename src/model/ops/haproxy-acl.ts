/**
 * HAProxy ACL conditions on `http-response` rules (`if`/`unless` followed by terms; terms are
 * ANDed, `||` separates alternatives, `!` negates; a term is a named ACL or `{ anonymous acl }`).
 * What the linter can decide is decided, as HAProxy 2.6 decides it:
 *
 * - `TRUE`/`FALSE`, `always_true`/`always_false`;
 * - request-only fetches (`path*`, `url*`, `base*`, `hdr*`, `req.hdr*`, `req.cook*`, `cook*`,
 *   `query`, `urlp*`) never match in an http-response rule: `haproxy -c` warns "acl will never
 *   match because it uses keyword 'path_beg' which is incompatible with 'backend http-response
 *   header rule'" and the term is false;
 * - `status`, `res.hdr*`/`shdr*` (per comma-separated value) and `res.cook*`/`scook*` are
 *   decided per response, on the lines as they are when the rule runs;
 * - anything else (`ssl_fc`, `src`, `var(...)`, `capture.req.*`...) depends on the request or the
 *   connection: unknown, and the rule is assumed to run.
 */
import { compileRegex, toByteString, type CompiledRegex } from '../../regex/index.js';
import type { SetCookieLine, SimEnv } from '../header-rewrite.js';
import { parseSetCookie } from '../set-cookie.js';
import { commaSlots } from './haproxy-values.js';

export type Truth = boolean | 'unknown';

/** A term's meaning: decided now, or decided per response. */
export type TermEval =
  | { readonly kind: 'static'; readonly value: Truth }
  | {
      readonly kind: 'response';
      readonly test: (lines: readonly SetCookieLine[], env: SimEnv) => boolean;
      /** For a `status` criterion: a status on which it decides otherwise than on 200. */
      readonly statuses?: readonly number[];
    };

/** Statuses tried first when a `status` criterion needs one that it decides otherwise than 200. */
const STATUS_CANDIDATES = [404, 500, 302, 301, 304, 201, 204, 403, 400, 502, 503];

/** A status on which `m` differs from its value on 200 (so both outcomes get simulated), if any. */
function otherStatus(m: (n: number) => boolean, values: readonly string[]): number[] {
  const bounds = values.flatMap((v) => v.split(':')).map(Number).filter((n) => Number.isInteger(n) && n >= 100 && n <= 599);
  const found = [...STATUS_CANDIDATES, ...bounds.flatMap((n) => [n, n - 1, n + 1])].find((n) => n >= 100 && n <= 599 && m(n) !== m(200));
  return found === undefined ? [] : [found];
}

export interface AclDefinition {
  /** The criterion and its values, as written after the ACL name. */
  readonly words: readonly string[];
}

/** One parsed condition: `if`/`unless` and a disjunction of conjunctions of (possibly negated) terms. */
export interface ParsedCondition {
  /**
   * What decides the condition, as data: its words with every named ACL replaced by its
   * definitions (an ACL's name alone says nothing: `is_ok` may be `status 200` in one proxy and
   * `status 404` in another). Part of the memo key of the ops that carry the condition.
   */
  readonly key: string;
  readonly negate: boolean;
  readonly alternatives: readonly (readonly { readonly not: boolean; readonly term: TermEval }[])[];
}

const REQUEST_ONLY = /^(?:path|url|base|hdr|req\.hdr|req\.fhdr|req\.cook|cook|query|urlp|req\.body|req\.len|req\.payload|req\.ver|req_ver|http_first_req|url_param|urlp_val|base32|fhdr|req\.hdrs)(?:_[a-z]+)?(?:\(|$)/;

const PREDEFINED: Readonly<Record<string, Truth>> = { TRUE: true, FALSE: false };

const and = (a: Truth, b: Truth): Truth => (a === false || b === false ? false : a === true && b === true ? true : 'unknown');
const or = (a: Truth, b: Truth): Truth => (a === true || b === true ? true : a === false && b === false ? false : 'unknown');
const not = (a: Truth): Truth => (a === 'unknown' ? a : !a);

type Matcher = (sample: string) => boolean;

/** `-m` methods and their `_xxx` suffix forms; values compared as HAProxy's pattern matchers do. */
function matcher(method: string, values: readonly string[], caseless: boolean): Matcher | null {
  const fold = (s: string) => (caseless ? s.toLowerCase() : s);
  const vs = values.map(fold);
  switch (method) {
    case 'str':
      return (s) => vs.includes(fold(s));
    case 'beg':
      return (s) => vs.some((v) => fold(s).startsWith(v));
    case 'end':
      return (s) => vs.some((v) => fold(s).endsWith(v));
    case 'sub':
      return (s) => vs.some((v) => fold(s).includes(v));
    case 'found':
      return () => true;
    case 'len':
      return (s) => values.some((v) => Number(v) === s.length);
    case 'reg': {
      const res: CompiledRegex[] = [];
      for (const v of values) {
        const c = compileRegex(v, { flavor: 'pcre', caseless });
        if (!c.ok) return null;
        res.push(c.regex);
      }
      return (s) => {
        try {
          return res.some((r) => r.exec(toByteString(s), 0) !== null);
        } catch {
          return true;
        }
      };
    }
    default:
      return null;
  }
}

/** `200`, `200:299`, `ge 400` for `status`. */
function intMatcher(values: readonly string[]): ((n: number) => boolean) | null {
  const op = values[0];
  if (op && /^(?:eq|ge|gt|le|lt)$/.test(op)) {
    const x = Number(values[1]);
    if (!Number.isFinite(x)) return null;
    return (n) => (op === 'eq' ? n === x : op === 'ge' ? n >= x : op === 'gt' ? n > x : op === 'le' ? n <= x : n < x);
  }
  const ranges = values.map((v) => /^(\d*)(?::(\d*))?$/.exec(v));
  if (ranges.some((r) => !r)) return null;
  return (n) =>
    ranges.some((r) => {
      const lo = r![1] === '' ? -Infinity : Number(r![1]);
      const hi = r![2] === undefined ? lo : r![2] === '' ? Infinity : Number(r![2]);
      return n >= lo && n <= hi;
    });
}

/** One ACL criterion with its flags and values: `res.hdr(set-cookie) -m beg XSRF-TOKEN=`. */
export function evalCriterion(words: readonly string[]): TermEval {
  const [fetch = '', ...rest] = words;
  if (fetch === 'always_true') return { kind: 'static', value: true };
  if (fetch === 'always_false') return { kind: 'static', value: false };
  if (REQUEST_ONLY.test(fetch)) return { kind: 'static', value: false };
  let method: string | undefined;
  let caseless = false;
  const values: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i]!;
    if (values.length === 0 && w === '-m') method = rest[++i];
    else if (values.length === 0 && w === '-i') caseless = true;
    else if (values.length === 0 && (w === '-f' || w === '-M' || w === '-u')) return { kind: 'static', value: 'unknown' };
    else if (values.length === 0 && w === '--') continue;
    else if (values.length === 0 && /^-[a-zA-Z]$/.test(w)) continue;
    else values.push(w);
  }
  if (fetch === 'status') {
    const m = intMatcher(values);
    return m ? { kind: 'response', test: (_l, env) => m(env.status), statuses: otherStatus(m, values) } : { kind: 'static', value: 'unknown' };
  }
  const hdr = /^(?:res\.hdr|shdr|res\.fhdr)(?:_(beg|end|sub|str|reg|len|cnt))?\(([^,)]*)(?:,[^)]*)?\)$/.exec(fetch);
  const cook = /^(?:res\.cook|scook)(?:_(beg|end|sub|str|reg|len|cnt))?\(([^)]*)\)$/.exec(fetch);
  const found = hdr ?? cook;
  if (!found) return { kind: 'static', value: 'unknown' };
  const suffix = found[1];
  if (suffix === 'cnt') return { kind: 'static', value: 'unknown' };
  const m = matcher(method ?? suffix ?? 'str', values, caseless);
  if (!m) return { kind: 'static', value: 'unknown' };
  const name = found[2]!.trim();
  if (hdr) {
    if (name.toLowerCase() !== 'set-cookie') return { kind: 'static', value: 'unknown' };
    const full = fetch.startsWith('res.fhdr');
    return { kind: 'response', test: (lines) => lines.some((l) => (full ? [l.value] : commaSlots(l.value).map((s) => s.value)).some(m)) };
  }
  return {
    kind: 'response',
    test: (lines) =>
      lines.some((l) => {
        const c = parseSetCookie(l.value);
        return c.name === name && m(c.value);
      }),
  };
}

/** Parses `if|unless <terms>`; unknown named ACLs were reported by the dialect and are unknown here. */
export function parseCondition(words: readonly string[], acls: ReadonlyMap<string, readonly AclDefinition[]>): ParsedCondition {
  const negate = words[0] === 'unless';
  const alternatives: { not: boolean; term: TermEval }[][] = [[]];
  for (let i = 1; i < words.length; i++) {
    let w = words[i]!;
    if (w === '||' || w === 'or') {
      alternatives.push([]);
      continue;
    }
    let neg = false;
    while (w.startsWith('!')) {
      neg = !neg;
      w = w.slice(1);
      if (w === '' && i + 1 < words.length) w = words[++i]!;
    }
    let term: TermEval;
    if (w === '{') {
      const inner: string[] = [];
      while (i + 1 < words.length && words[i + 1] !== '}') inner.push(words[++i]!);
      i++;
      term = evalCriterion(inner);
    } else if (w in PREDEFINED) term = { kind: 'static', value: PREDEFINED[w]! };
    else {
      const defs = acls.get(w);
      term = defs ? combineDefinitions(defs.map((d) => evalCriterion(d.words))) : { kind: 'static', value: 'unknown' };
    }
    alternatives[alternatives.length - 1]!.push({ not: neg, term });
  }
  const key = JSON.stringify(words.map((w) => {
    const defs = acls.get(w.replace(/^!+/, ''));
    return defs ? [w, defs.map((d) => d.words)] : w;
  }));
  return { key, negate, alternatives };
}

/** Lines of one named ACL are ORed. */
function combineDefinitions(terms: readonly TermEval[]): TermEval {
  if (terms.every((t) => t.kind === 'static')) return { kind: 'static', value: terms.reduce<Truth>((a, t) => or(a, (t as { value: Truth }).value), false) };
  return {
    kind: 'response',
    test: (lines, env) => terms.some((t) => (t.kind === 'static' ? t.value !== false : t.test(lines, env))),
    statuses: terms.flatMap((t) => (t.kind === 'response' ? (t.statuses ?? []) : [])),
  };
}

/** The statuses besides 200 on which the condition's `status` criteria decide otherwise. */
export function conditionStatuses(c: ParsedCondition | undefined): number[] {
  if (!c) return [];
  const out = new Set<number>();
  for (const alt of c.alternatives) for (const { term } of alt) if (term.kind === 'response') for (const s of term.statuses ?? []) out.add(s);
  return [...out].sort((a, b) => a - b);
}

/** The condition's value without a response: decided, or `unknown` (maybe decided per response). */
export function staticValue(c: ParsedCondition): Truth {
  let v: Truth = false;
  for (const alt of c.alternatives) {
    let a: Truth = true;
    for (const { not: neg, term } of alt) {
      const t: Truth = term.kind === 'static' ? term.value : 'unknown';
      a = and(a, neg ? not(t) : t);
    }
    v = or(v, a);
  }
  return c.negate ? not(v) : v;
}

/**
 * Whether the response alone decides the condition: every term is decided by the configuration
 * or tests the response (`status`, `res.hdr(set-cookie)`), none is an undecided request test.
 * Such a condition is not a fact of the request to explore: the op evaluates it on each
 * simulated response, and rules explore the statuses it names ({@link conditionStatuses}).
 */
export function decidedByResponse(c: ParsedCondition): boolean {
  return c.alternatives.every((alt) => alt.every(({ term }) => term.kind === 'response' || term.value !== 'unknown'));
}

/** The condition's value on this response: `unknown` when a request-side term leaves it open. */
export function valueOn(c: ParsedCondition, lines: readonly SetCookieLine[], env: SimEnv): Truth {
  let v: Truth = false;
  for (const alt of c.alternatives) {
    let a: Truth = true;
    for (const { not: neg, term } of alt) {
      const t: Truth = term.kind === 'static' ? term.value : term.test(lines, env);
      a = and(a, neg ? not(t) : t);
    }
    v = or(v, a);
  }
  return c.negate ? not(v) : v;
}

/** Whether the rule runs on this response; `unknown` request-side terms count as running (the worst case). */
export function runsOn(c: ParsedCondition, lines: readonly SetCookieLine[], env: SimEnv): boolean {
  let v: Truth = false;
  for (const alt of c.alternatives) {
    let a: Truth = true;
    for (const { not: neg, term } of alt) {
      const t: Truth = term.kind === 'static' ? term.value : term.test(lines, env);
      a = and(a, neg ? not(t) : t);
    }
    v = or(v, a);
  }
  const r = c.negate ? not(v) : v;
  return r !== false;
}
