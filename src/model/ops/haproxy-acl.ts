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
 * - `status`, `res.hdr*`/`shdr*` (per comma-separated value) and `res.cook*`/`scook*`/`cookie` are
 *   decided per response, on the lines as they are when the rule runs;
 * - anything else (`ssl_fc`, `src`, `var(...)`, `capture.req.*`...) depends on the request or the
 *   connection: unknown, and the rule is assumed to run.
 */
import { compileRegex, toByteString, type CompiledRegex } from '../../regex/index.js';
import type { Span } from '../../source.js';
import type { SetCookieLine, SimEnv, SimRequest } from '../header-rewrite.js';
import { responseState } from '../set-cookie.js';
import { commaSlots } from './haproxy-values.js';

/** The response state key under which a `return`/`deny`/`redirect` records the status of the response it sent. */
export const SENT_STATUS = 'haproxy-status';

/** The response's status: the backend's, or the one HAProxy's own response (`deny`: 502) has. */
export function statusOf(lines: readonly SetCookieLine[], env: SimEnv): number {
  const sent = responseState.get(lines as SetCookieLine[])?.get(SENT_STATUS);
  return sent ? Number([...sent][0]) : env.status;
}

export type Truth = boolean | 'unknown';

/** A term's meaning: decided now, or decided per response. */
export type TermEval =
  | { readonly kind: 'static'; readonly value: Truth }
  | {
      readonly kind: 'response';
      readonly test: (lines: readonly SetCookieLine[], env: SimEnv) => boolean;
      /** For a `status` criterion: a status on which it decides otherwise than on 200. */
      readonly statuses?: readonly number[];
      /**
       * Other Set-Cookie lines on which it decides otherwise than on a response with one cookie
       * (`res.cook(JSESSIONID) -m found`: a `JSESSIONID=1` line): rules explore them.
       */
      readonly companions?: readonly (readonly string[])[];
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
  /** The `acl` line. */
  readonly span?: Span;
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

/**
 * The fetches `haproxy -c` says "will never match" in an http-response rule [LAB haproxy 2.6.12];
 * `http_first_req`, `method` and `capture.req.*` do work there (undecided here).
 */
const REQUEST_ONLY =
  /^(?:path|pathq|url|url32|base|base32|hdr|req\.hdr|req\.fhdr|req\.cook|cook|query|urlp|req\.body|req\.len|req\.payload|req\.ver|req_ver|url_param|urlp_val|fhdr|req\.hdrs|http_auth|req[._]ssl_sni|req\.rdp_cookie)(?:_[a-z]+)?(?:\+src)?(?:\(|$)/;

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

/**
 * The values `res.cook(NAME)` finds in one comma-separated value of a Set-Cookie header, as
 * HAProxy 2.6's `http_extract_cookie_value()` (list = 0) and its callers loop: pairs without `=`
 * (`noeq; Path=/`: the cookie is `Path`) and names starting with `$` are skipped; the first pair
 * names the cookie; a following pair of the same name matches again; any name when NAME is empty.
 */
function cookieMatches(value: string, name: string): string[] {
  const out: string[] = [];
  if (value.length < name.length + 1) return out;
  let at = 0;
  while (at + name.length + 1 < value.length) {
    const semi = value.indexOf(';', at);
    const end = semi < 0 ? value.length : semi;
    const part = value.slice(at, end);
    at = end + 1;
    const eq = part.indexOf('=');
    const att = (eq < 0 ? part : part.slice(0, eq)).replace(/^[ \t]+/, '');
    if (eq < 0 || att.startsWith('$')) continue;
    if (name !== '' && att.replace(/[ \t]+$/, '') !== name) break;
    out.push(part.slice(eq + 1).trim());
  }
  return out;
}

/** Every value `res.cook(NAME)` iterates over in these lines (`res.cook_cnt(NAME)` counts them). */
const cookieValues = (lines: readonly SetCookieLine[], name: string) => lines.flatMap((l) => commaSlots(l.value).flatMap((s) => cookieMatches(s.value, name)));

/** See haproxy-http-response.ts: a request fetch a variable took, evaluated on the request simulated. */
export const REQUEST_FETCH = 'lpc-request:';

/**
 * The prefix of a `%[var(NAME)]` whose value the pipeline's own `set-var` rules decide
 * (haproxy-set-var.ts): the sample reads the variable as the rules before it left it.
 */
export const VARIABLE = 'lpc-var:';

/** The response state key under which a variable's value is recorded (absent: the variable is not set). */
export const variableKey = (name: string): string => `haproxy-var:${name}`;

/** Recorded as a variable's value when the linter cannot know it: a sample reading it keeps its text. */
export const UNKNOWN_VALUE = '\u0000unknown';

/** The value of the variable on these lines: null when it is not set, {@link UNKNOWN_VALUE} when not known. */
export function variableValue(lines: readonly SetCookieLine[], name: string): string | null {
  const v = responseState.get(lines as SetCookieLine[])?.get(variableKey(name));
  return v ? [...v][0]! : null;
}

/**
 * The value a request fetch gives the request (HAProxy 2.6): `url_param`/`urlp(NAME)` the first
 * parameter of that name in the query string (up to a `;`), `req.hdr`/`hdr(NAME)` the last value of the header,
 * `path` and `query`; null when the request lacks the parameter or the header (the fetch finds no
 * sample: `set-var` then leaves the variable as it was [LAB haproxy 2.6.12]). Undefined for the
 * other fetches.
 */
export function requestFetch(fetch: string, request: SimRequest): string | null | undefined {
  const q = request.target.indexOf('?');
  const query = q < 0 ? '' : request.target.slice(q + 1);
  if (fetch === 'path') return q < 0 ? request.target : request.target.slice(0, q);
  if (fetch === 'query') return query;
  const param = /^(?:url_param|urlp)\(([^,)]+)\)$/.exec(fetch);
  if (param) {
    for (const pair of query.split('&')) {
      const eq = pair.indexOf('=');
      // The value ends before a `;` too [LAB haproxy 2.6.12: `?f=;x` gives an empty value].
      if ((eq < 0 ? pair : pair.slice(0, eq)) === param[1]) return eq < 0 ? '' : pair.slice(eq + 1).replace(/;.*$/s, '');
    }
    return null;
  }
  const hdr = /^(?:req\.hdr|hdr)\(([^,)]+)\)$/.exec(fetch);
  if (hdr) {
    const value = request.headers[hdr[1]!.trim().toLowerCase()];
    return value === undefined ? null : (commaSlots(value).at(-1)?.value ?? '');
  }
  return undefined;
}

/** The request fetches {@link requestFetch} evaluates. */
export const KNOWN_REQUEST_FETCH = /^(?:path|query|(?:url_param|urlp|req\.hdr|hdr)\([^,)]+\))$/;

/**
 * The value of a `%[expr]` of a log-format (`http-response set-header Set-Cookie "%[res.hdr(set-cookie)]; HttpOnly"`)
 * when it reads only the response, as HAProxy 2.6 computes it [LAB haproxy 2.6.12]: `str(x)`,
 * `status`, `res.hdr`/`hdr`/`res.fhdr(set-cookie[,occ])` (the last value or line unless `occ`
 * says which; negative counts from the last), `res.cook`/`cookie(NAME)` (the last one), and
 * `res.hdr_cnt`/`res.fhdr_cnt(set-cookie)`, `res.cook_cnt([NAME])`; a value that is not there is empty. Undefined for anything else (converters, request or variable fetches).
 */
export function responseSample(expr: string, lines: readonly SetCookieLine[], env: SimEnv): string | undefined {
  const str = /^str\(([^),]*)\)$/.exec(expr);
  if (str) return str[1]!;
  // A parameter or header the request lacks leaves the variable unset, which prints as nothing.
  if (expr.startsWith(REQUEST_FETCH)) {
    const value = env.request ? requestFetch(expr.slice(REQUEST_FETCH.length), env.request) : undefined;
    return value === null ? '' : value;
  }
  if (expr.startsWith(VARIABLE)) {
    const value = variableValue(lines, expr.slice(VARIABLE.length));
    return value === UNKNOWN_VALUE ? undefined : (value ?? '');
  }
  if (expr === 'status') return String(statusOf(lines, env));
  const hdr = /^(res\.hdr|hdr|res\.fhdr)\(\s*set-cookie\s*(?:,\s*(-?\d+)\s*)?\)$/i.exec(expr);
  if (hdr) {
    const vs = lines.flatMap((l) => (hdr[1] === 'res.fhdr' ? [l.value] : commaSlots(l.value).map((x) => x.value)));
    const occ = hdr[2] === undefined ? -1 : Number(hdr[2]);
    if (occ === 0) return undefined;
    return (occ > 0 ? vs[occ - 1] : vs[vs.length + occ]) ?? '';
  }
  const cook = /^(?:res\.cook|cookie)\(([^)]*)\)$/.exec(expr);
  if (cook && cook[1]!.trim() !== '') return cookieValues(lines, cook[1]!.trim()).at(-1) ?? '';
  // The counts, as the ACLs count them (evalCriterion): values, lines, cookies of a name (any, unnamed).
  const cnt = /^res\.(hdr|fhdr)_cnt\(\s*set-cookie\s*\)$/i.exec(expr);
  if (cnt) return String(cnt[1] === 'fhdr' ? lines.length : lines.flatMap((l) => commaSlots(l.value)).length);
  const cookCnt = /^res\.cook_cnt\(([^)]*)\)$/.exec(expr);
  if (cookCnt) return String(cookieValues(lines, cookCnt[1]!.trim()).length);
  return undefined;
}

/**
 * The suffixed forms of the response header and cookie fetches HAProxy 2.6 registers (`haproxy
 * -dKsmp`, `-dKacl`): the matching suffixes exist for `shdr`/`scook` (`shdr_beg`) but not for
 * `res.hdr`/`res.fhdr`/`res.cook` (`res.hdr_beg`), and neither has `_str`.
 */
const KNOWN_SUFFIXED = new Set([
  ...['cnt', 'ip', 'names', 'val'].map((s) => `res.hdr_${s}`),
  'res.fhdr_cnt',
  ...['cnt', 'val'].map((s) => `res.cook_${s}`),
  ...['beg', 'cnt', 'dir', 'dom', 'end', 'ip', 'len', 'reg', 'sub', 'val'].map((s) => `shdr_${s}`),
  ...['beg', 'cnt', 'dir', 'dom', 'end', 'len', 'reg', 'sub', 'val'].map((s) => `scook_${s}`),
]);

/**
 * A fetch HAProxy 2.6 does not know, that looks like one it does (`res.hdr_beg`, `res.cook_sub`,
 * `res.fhdr_val`, `shdr_str`, `scook_ip`, `cookie_val`, a bare `fhdr`, `set-cookie`): `haproxy -c`
 * stops with "unknown fetch method" [LAB haproxy 2.6.12].
 */
export function unknownFetch(fetch: string): boolean {
  const name = fetch.replace(/\(.*$/s, '');
  return (/^(?:res\.(?:hdr|fhdr|cook)|shdr|scook|cookie)_\w+$/.test(name) && !KNOWN_SUFFIXED.has(name)) || name === 'fhdr' || name === 'set-cookie';
}

/**
 * Why HAProxy 2.6 refuses a response header or cookie fetch of an ACL, in its words after "error
 * detected while parsing ... : ", or undefined: an unknown fetch ({@link unknownFetch}), or an
 * occurrence below -10 (`res.hdr(set-cookie,-11)`: "header occurrence must be >= -10") [LAB haproxy 2.6.12].
 */
export function fetchRefusal(fetch: string): string | undefined {
  const name = fetch.replace(/\(.*$/s, '');
  if (unknownFetch(fetch)) return `unknown fetch method '${name}' in ACL expression '${fetch}'`;
  const occ = /^(?:res\.(?:hdr|fhdr)|shdr)(?:_\w+)?\([^,)]*,\s*(-?\d+)\s*\)$/.exec(fetch);
  if (!occ || Number(occ[1]) >= -10) return undefined;
  return name.startsWith('shdr') ? `in argument to '${name}', header occurrence must be >= -10` : `invalid args in fetch method '${name}' : header occurrence must be >= -10 in ACL expression '${fetch}'`;
}

/**
 * One ACL criterion with its flags and values: `res.hdr(set-cookie) -m beg XSRF-TOKEN=`. In an
 * `http-request` rule (`requestPhase`) a response fetch is false, any other reads the request: unknown.
 */
export function evalCriterion(words: readonly string[], requestPhase = false): TermEval {
  const [fetch = '', ...rest] = words;
  if (fetch === 'always_true') return { kind: 'static', value: true };
  if (fetch === 'always_false') return { kind: 'static', value: false };
  // Response fetches never match there: `haproxy -c` warns "acl will never match because it uses
  // keyword 'status' which is incompatible with 'frontend http-request header rule'" [LAB haproxy 2.6.12].
  if (requestPhase) return { kind: 'static', value: /^(?:status$|res\.|shdr|scook)/.test(fetch) ? false : 'unknown' };
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
    return m ? { kind: 'response', test: (lines, env) => m(statusOf(lines, env)), statuses: otherStatus(m, values) } : { kind: 'static', value: 'unknown' };
  }
  const hdr = /^(?:res\.hdr|shdr|res\.fhdr)(?:_(beg|end|sub|str|reg|len|cnt|val))?(?:\(([^,)]*)(?:,\s*(-?\d+)\s*)?\))?$/.exec(fetch);
  // `cookie(NAME)` reads the Set-Cookie lines on a response, as `res.cook` [LAB haproxy 2.6.12].
  const cook = /^(?:res\.cook|scook|cookie)(?:_(beg|end|sub|str|reg|len|cnt|val))?(?:\(([^)]*)\))?$/.exec(fetch);
  const found = hdr ?? cook;
  if (!found) return { kind: 'static', value: 'unknown' };
  const suffix = found[1];
  const name = (found[2] ?? '').trim();
  const full = fetch.startsWith('res.fhdr');
  // The values `res.hdr(set-cookie)` sees: every line's comma-separated values (`res.fhdr`: whole lines).
  const valuesOf = (lines: readonly SetCookieLine[]) => lines.flatMap((l) => (full ? [l.value] : commaSlots(l.value).map((s) => s.value)));
  /** Lines that make a `-m` test of a value hold: the value itself satisfies str, beg, end and sub. */
  const witnesses = (wrap: (v: string) => string, found: string): string[][] => {
    const how = method ?? suffix ?? 'str';
    if (how === 'found') return [[found]];
    if (how === 'len') return values.slice(0, 3).map((v) => [wrap('x'.repeat(Math.min(Number(v) || 0, 4096)))]);
    if (how === 'str' || how === 'beg' || how === 'end' || how === 'sub') return values.slice(0, 3).map((v) => [wrap(v)]);
    return [];
  };
  if (suffix === 'cnt') {
    // `res.hdr_cnt(set-cookie)` counts the comma-separated values (`res.fhdr_cnt`: the lines),
    // `res.cook_cnt(NAME)` the cookies named NAME ({@link cookieMatches}); `res.hdr_cnt()` counts
    // every response header, `res.cook_cnt()` every pair of every Set-Cookie [LAB haproxy 2.6.12].
    const m = intMatcher(values);
    if (!m || (hdr && name.toLowerCase() !== 'set-cookie')) return { kind: 'static', value: 'unknown' };
    const count = hdr ? (lines: readonly SetCookieLine[]) => valuesOf(lines).length : (lines: readonly SetCookieLine[]) => cookieValues(lines, name).length;
    // The fewest other lines that make the count decide otherwise than on the sample alone, whether
    // the sample itself counts for 0, 1 or 2 (an Expires date holds a comma).
    const sizes = new Set<number>();
    for (const base of [0, 1, 2]) {
      let more = 1;
      while (more < 32 && m(base + more) === m(base)) more++;
      if (more < 32) sizes.add(more);
    }
    const companion = hdr || name === '' ? 'lpc_companion' : name;
    const companions = [...sizes].map((n) => Array.from({ length: n }, (_, i) => `${companion}=${i}`));
    return { kind: 'response', test: (lines) => m(count(lines)), companions };
  }
  // `_val`: each value's leading integer (`12abc` is 12, `p1` is 0), as `strl2ic` reads it; a
  // string match (`-m str`, `-m beg`...) compares that integer written in decimal, not the text
  // (`res.cook_val(x) -m str p1` never holds) [LAB haproxy 2.6.12].
  const leadingInt = (v: string) => Number(/^-?\d*/.exec(v)![0].replace(/^-?$/, '0'));
  const int = suffix === 'val' && (method === undefined || method === 'int') ? intMatcher(values) : null;
  const text = matcher(method ?? suffix ?? 'str', values, caseless);
  const m = int ? (v: string) => int(leadingInt(v)) : suffix === 'val' && text ? (v: string) => text(String(leadingInt(v))) : text;
  if (!m || name === '') return { kind: 'static', value: 'unknown' };
  if (hdr) {
    if (name.toLowerCase() !== 'set-cookie') return { kind: 'static', value: 'unknown' };
    // `res.hdr(set-cookie,1)`: only that occurrence (counted from the last one when negative).
    const occ = hdr[3] === undefined ? 0 : Number(hdr[3]);
    const pick = (vs: string[]) => (occ === 0 ? vs : occ > 0 ? vs.slice(occ - 1, occ) : vs.length + occ < 0 ? [] : vs.slice(vs.length + occ, vs.length + occ + 1));
    return { kind: 'response', test: (lines) => pick(valuesOf(lines)).some(m), companions: witnesses((v) => v, 'lpc_companion=1') };
  }
  return { kind: 'response', test: (lines) => cookieValues(lines, name).some(m), companions: witnesses((v) => `${name}=${v}`, `${name}=1`) };
}

/** Parses `if|unless <terms>` (of an `http-request` rule: `requestPhase`); unknown named ACLs were reported by the dialect and are unknown here. */
export function parseCondition(words: readonly string[], acls: ReadonlyMap<string, readonly AclDefinition[]>, requestPhase = false): ParsedCondition {
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
      term = evalCriterion(inner, requestPhase);
    } else if (w in PREDEFINED) term = { kind: 'static', value: PREDEFINED[w]! };
    else {
      const defs = acls.get(w);
      term = defs ? combineDefinitions(defs.map((d) => evalCriterion(d.words, requestPhase))) : { kind: 'static', value: 'unknown' };
    }
    alternatives[alternatives.length - 1]!.push({ not: neg, term });
  }
  const key = JSON.stringify(words.map((w) => {
    const defs = acls.get(w.replace(/^!+/, ''));
    return defs ? [w, defs.map((d) => d.words)] : w;
  }));
  return { key, negate, alternatives };
}

/**
 * The request test a condition is, as a literal the simulator can share between rules: `if X`
 * and `unless X` (and `if !X` for one term) test the same fact of the request, so a rule `unless
 * X` and a rule `if X` never both run, or both not, on one request. The fact's key is the
 * expression with every named ACL replaced by its definitions (the same name may mean another
 * test in another proxy); `text` names it in messages.
 */
export function requestTest(words: readonly string[], acls: ReadonlyMap<string, readonly AclDefinition[]>): { readonly key: string; readonly holds: boolean; readonly text: string } {
  let terms = words.slice(1);
  let holds = words[0] !== 'unless';
  // One term written negated (`!is_a`, `!{ ... }`): the same fact, the other way round.
  const single = terms.length === 1 || (terms[0]?.replace(/^!+/, '') === '{' && terms.indexOf('}') === terms.length - 1) || (/^!+$/.test(terms[0] ?? '') && (terms.length === 2 || (terms[1] === '{' && terms.indexOf('}') === terms.length - 1)));
  if (single && terms[0]!.startsWith('!')) {
    const bangs = /^!+/.exec(terms[0]!)![0].length;
    if (bangs % 2 === 1) holds = !holds;
    const rest = terms[0]!.slice(bangs);
    terms = rest === '' ? terms.slice(1) : [rest, ...terms.slice(1)];
  }
  // A named ACL of one `acl` line is that line's test, written inline (`is_a` = `{ url_param(a) -m str 1 }`);
  // one of several lines (ORed) is keyed by all of them.
  let depth = 0;
  const key = JSON.stringify(
    terms.flatMap((w): unknown[] => {
      const bangs = /^!*/.exec(w)![0];
      const name = w.slice(bangs.length);
      if (name === '{') depth++;
      else if (w === '}') depth--;
      // Only a term names an ACL: inside braces a word is a fetch's or a pattern's.
      const defs = depth === 0 ? acls.get(name) : undefined;
      if (!defs) return [w];
      return defs.length === 1 ? [`${bangs}{`, ...defs[0]!.words, '}'] : [[w, defs.map((d) => d.words)]];
    }),
  );
  return { key: `haproxy-request:${key}`, holds, text: terms.join(' ') };
}

/** Lines of one named ACL are ORed. */
function combineDefinitions(terms: readonly TermEval[]): TermEval {
  if (terms.every((t) => t.kind === 'static')) return { kind: 'static', value: terms.reduce<Truth>((a, t) => or(a, (t as { value: Truth }).value), false) };
  return {
    kind: 'response',
    test: (lines, env) => terms.some((t) => (t.kind === 'static' ? t.value !== false : t.test(lines, env))),
    statuses: terms.flatMap((t) => (t.kind === 'response' ? (t.statuses ?? []) : [])),
    companions: terms.flatMap((t) => (t.kind === 'response' ? (t.companions ?? []) : [])),
  };
}

/**
 * Sets of other Set-Cookie lines on which the condition's response tests decide otherwise than
 * on a response carrying one cookie (`if { res.cook(JSESSIONID) -m found }`, `res.hdr_cnt(set-cookie) gt 3`).
 */
export function conditionCompanions(c: ParsedCondition | undefined): (readonly string[])[] {
  if (!c) return [];
  const out = new Map<string, readonly string[]>();
  for (const alt of c.alternatives) for (const { term } of alt) if (term.kind === 'response') for (const set of term.companions ?? []) out.set(JSON.stringify(set), set);
  return [...out.values()].slice(0, 8);
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
