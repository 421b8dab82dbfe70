/**
 * haproxy.cfg → the common model. One endpoint per frontend/backend pair a request can take
 * (`use_backend`, `default_backend`; a `listen` section is both), plus every backend no frontend
 * of the file reaches and every frontend without a backend (fragments). A pair's pipeline is the
 * order HAProxy 2.6 runs response rules in (`http_process_res_common`): the backend's
 * `http-response` rules (those of its named `defaults` section first), then the frontend's (when
 * it is another proxy), then the backend's `cookie` directive on the cookies of its name (the
 * rules may have added or renamed them) and its persistence cookie (`cookie ... insert`), which no
 * http-response rule sees, then the `http-after-response` rules, backend's first [LAB haproxy
 * 2.6.12]. A `return`, `deny` or `redirect` rule that is taken ends the http-response part. An
 * `http-request use-service` that is taken answers with an applet whose response the response
 * rules still see: the frontend's alone when the frontend's rule took it (use-service.ts).
 * Rules of a proxy whose mode is not `http` never run; a file that
 * sets no mode at all is taken as a fragment of an HTTP configuration.
 */
import type { BackendKind, BackendRef } from '../../model/backends.js';
import type { Condition, CookieOp, Endpoint, HeaderRewriteModel, Problem, ScopeName } from '../../model/header-rewrite.js';
import { decidedByResponse, fetchRefusal, KNOWN_REQUEST_FETCH, parseCondition, REQUEST_FETCH, requestTest, staticValue, VARIABLE, type AclDefinition } from '../../model/ops/haproxy-acl.js';
import {
  createHaproxyAllowOp,
  createHaproxyFinalOp,
  createHaproxyHttpResponseOp,
  createPersistenceCookieOp,
  createServerCookieOp,
  METHOD_POST,
  parseLogFormat,
  ruleSetKey,
  type HaproxyAction,
  type LogFormat,
} from '../../model/ops/haproxy-http-response.js';
import { createHaproxySetVarOp, formatParts, type VariablePart } from '../../model/ops/haproxy-set-var.js';
import { compileRegex, type CompiledRegex } from '../../regex/index.js';
import { type SourceFile, type Span, isIoError, type ConfigIO } from '../../source.js';
import type { DialectOptions, Lowering } from '../dialect.js';
import type { Word } from './lexer.js';
import { dynamicCookie } from './dyncookie.js';
import { parseConfig, type Section, type Statement } from './parser.js';
import { createServiceOp, PROMETHEUS, servedGate, type ServicePlacement } from './use-service.js';
import { REWRITES_PATH, routeFactsOp, routeKnowledge, routeTest, type PathKnowledge } from './route-facts.js';

/** The words a fix edits in the rule an `http-response` op was read from. */
export interface HaproxyRuleSyntax {
  readonly statement: Statement;
  readonly patternWord?: Word;
  readonly formatWord?: Word;
}

/** The syntax handle of an HAProxy model: what the fix builder rewrites. */
export interface HaproxySyntax {
  /** The rule each `http-response`/`http-after-response` header op was read from. */
  readonly rules: ReadonlyMap<CookieOp, HaproxyRuleSyntax>;
}

interface Proxy {
  readonly section: Section;
  readonly name: string;
  readonly defaults?: Proxy;
  readonly ops: CookieOp[];
  /** `http-after-response` rules (HAProxy 2.2+). */
  readonly afterOps: CookieOp[];
  /**
   * `http-request allow|return|deny|redirect|auth|tarpit|use-service` rules; a frontend's is
   * lowered again for each backend (what it stops depends on it), a `use-service` for every endpoint.
   */
  readonly requestFinals: { readonly statement: Statement; readonly op: CookieOp }[];
  readonly acls: Map<string, AclDefinition[]>;
  readonly routes: { readonly backend: string; readonly condition?: readonly string[]; readonly span: Span }[];
  defaultBackend?: { readonly name: string; readonly span: Span };
  mode?: string;
  cookie?: Statement;
  /** `capture cookie NAME len N` (frontend and listen sections). */
  capture?: Statement;
  /** `dynamic-cookie-key`. */
  dynamicKey?: string;
  readonly servers: { readonly name: string; readonly address: string; readonly cookie?: string; readonly disabled: boolean; readonly span: Span }[];
  /** Servers the linter does not list (`server-template`), or a way to the server without one (`dispatch`, `option transparent`). */
  otherTargets: boolean;
  fcgi: boolean;
  /** TCP/HTTP rules of any kind (a defaults section holding them restricts who may inherit it). */
  hasRules: boolean;
  /** Kinds of proxies that inherit this defaults section. */
  readonly inheritedBy: Set<'frontend' | 'backend'>;
}

const ACTIONS: ReadonlyMap<string, { readonly action: HaproxyAction; readonly args: number }> = new Map([
  ['replace-header', { action: 'replace-header', args: 3 }],
  ['replace-value', { action: 'replace-value', args: 3 }],
  ['set-header', { action: 'set-header', args: 2 }],
  ['add-header', { action: 'add-header', args: 2 }],
  ['del-header', { action: 'del-header', args: 1 }],
] as const);

/** Keywords HAProxy 2.1 removed, and what replaces them (the message HAProxy prints). */
const REMOVED: ReadonlyMap<string, string> = new Map([
  ['rsprep', 'http-response replace-header'],
  ['rspirep', 'http-response replace-header'],
  ['rspadd', 'http-response add-header'],
  ['rspdel', 'http-response del-header'],
  ['rspidel', 'http-response del-header'],
  ['rspdeny', 'http-response deny'],
  ['rspideny', 'http-response deny'],
  ['reqrep', 'http-request replace-header'],
  ['reqirep', 'http-request replace-header'],
  ['reqadd', 'http-request add-header'],
  ['reqdel', 'http-request del-header'],
  ['reqidel', 'http-request del-header'],
]);

/** ACLs HAProxy predefines (src/acl.c `default_acl_list`). */
const PREDEFINED_ACLS = new Set([
  'TRUE', 'FALSE', 'HTTP', 'HTTP_1.0', 'HTTP_1.1', 'HTTP_2.0', 'HTTP_CONTENT', 'HTTP_URL_ABS', 'HTTP_URL_SLASH', 'HTTP_URL_STAR',
  'LOCALHOST', 'METH_CONNECT', 'METH_DELETE', 'METH_GET', 'METH_HEAD', 'METH_OPTIONS', 'METH_POST', 'METH_PUT', 'METH_TRACE',
  'RDP_COOKIE', 'REQ_CONTENT', 'WAIT_END',
]);

const spanOver = (words: readonly Word[]): Span => ({ file: words[0]!.span.file, start: words[0]!.span.start, end: words[words.length - 1]!.span.end });

function textOf(file: SourceFile, words: readonly Word[]): string {
  return file.text.slice(words[0]!.span.start, words[words.length - 1]!.span.end);
}

interface Context {
  readonly file: SourceFile;
  readonly problems: Problem[];
  readonly rules: Map<CookieOp, HaproxyRuleSyntax>;
  /** Per variable (`txn.a`, lower-cased): the fetch of every rule that sets or unsets it. */
  readonly variables?: ReadonlyMap<string, readonly VariableSetter[]>;
  /** The variables whose setters become ops of the pipelines ({@link modeledVariables}). */
  readonly modeled?: ReadonlySet<string>;
}

/** A rule that sets (or unsets) a variable: `http-request set-var(txn.a) url_param(a)`. */
interface VariableSetter {
  /**
   * `http-request` with `set-var` and no condition: the fetch then says the value of every request
   * (`set-var-fmt` with plain text: that text, as `str(text)`).
   */
  readonly fetch: string | undefined;
  /** An `http-request`, `http-response` or `http-after-response` rule whose action is this one (the ops haproxy-set-var.ts simulates). */
  readonly httpRule: boolean;
  /** The value's expression or format (none for `unset-var`). */
  readonly value?: string;
  /** Where the rule is: its section and its place among the section's statements. */
  readonly section: Section;
  readonly index: number;
}

const SETS_VARIABLE = /^(set-var|set-var-fmt|unset-var)\(([^,)]+)/i;

/** `http-request` actions after which the section's later rules may not run. */
const REQUEST_STOPS = new Set(['allow', 'deny', 'return', 'redirect', 'auth', 'tarpit', 'use-service', 'reject', 'silent-drop']);

/** A `%[var(NAME)]` anywhere in a word, or a `var(NAME)` sample. */
const READS_VARIABLE = /\bvar\(\s*([^,)\s]+)\s*[,)]/gi;

/** Every rule of the file that sets or unsets a variable, by variable name. */
function variableSetters(sections: readonly Section[]): Map<string, VariableSetter[]> {
  const out = new Map<string, VariableSetter[]>();
  for (const section of sections) {
    for (const [index, st] of section.statements.entries()) {
      const at = st.words.findIndex((w) => SETS_VARIABLE.test(w.value));
      if (at < 0) continue;
      const m = SETS_VARIABLE.exec(st.words[at]!.value)!;
      const name = m[2]!.trim().toLowerCase();
      const conditional = st.words.some((w) => w.value === 'if' || w.value === 'unless');
      const action = m[1]!.toLowerCase();
      const plain = at === 1 && st.words[0]!.value === 'http-request' && (action === 'set-var' || action === 'set-var-fmt') && !conditional && st.words.length === 3;
      const value = st.words[2]?.value ?? '';
      // set-var-fmt with a format of plain text (no `%` tag) gives every request that text: a constant, as str() does.
      const fetch = !plain ? undefined : action === 'set-var' ? value : /^[^%),]*$/.test(value) ? `str(${value})` : undefined;
      const httpRule = at === 1 && section.kind !== 'global' && section.kind !== 'other' && /^http-(?:request|response|after-response)$/.test(st.words[0]!.value);
      const list = out.get(name) ?? [];
      list.push({ fetch, httpRule, section, index, ...(action !== 'unset-var' && at + 1 < st.words.length ? { value: st.words[at + 1]!.value } : {}) });
      out.set(name, list);
    }
  }
  return out;
}

/** The scopes whose variables the pipeline's own rules decide: those of one transaction (`sess` and `proc` outlive it). */
const TRANSACTION_SCOPES = new Set(['txn', 'req', 'res']);

/**
 * The variables whose setters the pipelines simulate (haproxy-set-var.ts): those a header format
 * reads (with the ones their setters read in turn), of a transaction's scope, that only
 * `http-request`/`http-response`/`http-after-response` rules set. A variable that another rule
 * sets (`tcp-request content set-var`, Lua, a `global` `set-var`) keeps the reading below
 * ({@link withVariables}).
 */
function modeledVariables(sections: readonly Section[], variables: ReadonlyMap<string, readonly VariableSetter[]>): Set<string> {
  const reads = (text: string) => [...text.matchAll(READS_VARIABLE)].map((m) => m[1]!.toLowerCase());
  const wanted: string[] = [];
  for (const section of sections) {
    for (const st of section.statements) {
      if (!/^http-(?:response|after-response)$/.test(st.words[0]!.value) || !ACTIONS.has(st.words[1]?.value ?? '')) continue;
      for (const w of st.words.slice(2)) if (w.value.includes('%[')) wanted.push(...reads(w.value));
    }
  }
  const out = new Set<string>();
  while (wanted.length > 0) {
    const name = wanted.pop()!;
    const setters = variables.get(name) ?? [];
    if (out.has(name) || !TRANSACTION_SCOPES.has(name.split('.')[0]!) || !setters.every((s) => s.httpRule)) continue;
    out.add(name);
    for (const s of setters) if (s.value !== undefined) wanted.push(...reads(s.value));
  }
  return out;
}

/** `str(text)` without converters, whose text responseSample reads as it stands. */
const CONSTANT_FETCH = /^str\([^),]*\)$/;

/**
 * A log-format whose `%[var(NAME)]` parts the configuration decides. A variable the pipeline's
 * rules decide ({@link modeledVariables}) reads what the `set-var` ops before it left
 * (`VARIABLE`), except a `req.` one, which HAProxy empties before the response rules run [LAB
 * haproxy 2.6.12]. Of the others, a variable no rule sets is empty (HAProxy prints nothing for a
 * missing variable), one that a single unconditional `http-request set-var` takes from the request
 * reads that request's value at simulation time (haproxy-acl.ts `responseSample`), one it sets to
 * a constant has that value; any other keeps its text.
 */
function withVariables(format: LogFormat, variables: ReadonlyMap<string, readonly VariableSetter[]> | undefined, modeled?: ReadonlySet<string>): LogFormat {
  if (!variables || format.samples.length === 0) return format;
  let changed = false;
  const samples = format.samples.map((s) => {
    const m = /^var\(\s*([^,)\s]+)\s*\)$/.exec(s.expr);
    if (!m) return s;
    const name = m[1]!.toLowerCase();
    if (modeled?.has(name)) {
      changed = true;
      return { ...s, expr: name.startsWith('req.') ? 'str()' : `${VARIABLE}${name}` };
    }
    const setters = variables.get(name) ?? [];
    const fetch = setters.length === 1 ? setters[0]!.fetch : undefined;
    // A constant (`str(; HttpOnly)`) is the same for every request: the value itself, spaces kept [LAB haproxy 2.6.12].
    const constant = fetch !== undefined && CONSTANT_FETCH.test(fetch);
    const expr = setters.length === 0 ? 'str()' : constant ? fetch : fetch !== undefined ? `${REQUEST_FETCH}${fetch}` : undefined;
    if (expr === undefined) return s;
    changed = true;
    return { ...s, expr };
  });
  return changed ? { ...format, samples } : format;
}

/**
 * What a `set-var` rule's sample is in the `phase` its rule runs in (haproxy-set-var.ts): a
 * `req.` variable is gone in the response phase and a `res.` one not there yet in the request
 * phase [LAB haproxy 2.6.12]; a variable the pipelines do not decide is unknown.
 */
function variablePart(expr: string, phase: 'request' | 'response', modeled: ReadonlySet<string>): VariablePart {
  const str = /^str\(([^),]*)\)$/.exec(expr);
  if (str) return { kind: 'text', text: str[1]! };
  const v = /^var\(\s*([^,)\s]+)\s*\)$/.exec(expr);
  if (v) {
    const name = v[1]!.toLowerCase();
    if (!modeled.has(name)) return { kind: 'unknown' };
    const hidden = name.startsWith(phase === 'request' ? 'res.' : 'req.');
    return { kind: 'variable', name, ...(hidden ? { hidden } : {}) };
  }
  if (phase === 'request') return KNOWN_REQUEST_FETCH.test(expr) ? { kind: 'request', fetch: expr } : { kind: 'unknown' };
  return { kind: 'response', expr };
}

/**
 * `http-request|http-response|http-after-response set-var(NAME) EXPR`, `set-var-fmt(NAME) FMT`,
 * `unset-var(NAME)` `[if|unless COND]`, as an op of the pipelines when a header format reads the
 * variable ({@link modeledVariables}); none for a rule of a scope its phase does not see.
 */
function lowerSetVar(ctx: Context, proxy: Proxy, statement: Statement, phase: 'request' | 'response'): CookieOp | undefined {
  const [kw, actionWord, ...rest] = statement.words;
  const m = SETS_VARIABLE.exec(actionWord?.value ?? '');
  const modeled = ctx.modeled;
  if (!m || !modeled) return undefined;
  const name = m[2]!.trim().toLowerCase();
  if (!modeled.has(name) || name.startsWith(phase === 'request' ? 'res.' : 'req.')) return undefined;
  const action = m[1]!.toLowerCase() as 'set-var' | 'set-var-fmt' | 'unset-var';
  const valueWord = action === 'unset-var' ? undefined : rest[0];
  if (action !== 'unset-var' && (!valueWord || valueWord.value === 'if' || valueWord.value === 'unless')) return undefined;
  const condWords = rest.slice(valueWord ? 1 : 0);
  if (condWords.length > 0 && condWords[0]!.value !== 'if' && condWords[0]!.value !== 'unless') return undefined;
  // HAProxy's refusals of the rule are not this op's to report.
  const cond = conditionOf({ ...ctx, problems: [] }, proxy, statement, condWords, `${kw!.value} ${actionWord!.value}`);
  if (!cond) return undefined;
  const sample = (expr: string) => variablePart(expr, phase, modeled);
  const parts = !valueWord ? [] : action === 'set-var' ? [sample(valueWord.value)] : formatParts(parseLogFormat(valueWord.value), sample);
  return createHaproxySetVarOp({
    span: spanOver(statement.words),
    label: textOf(ctx.file, statement.words),
    action,
    name,
    parts,
    ruleSet: ruleSetOf(proxy, kw!.value),
    condition: cond.condition,
    ...(cond.parsed ? { parsedCondition: cond.parsed } : {}),
    ...(cond.related ? { related: cond.related } : {}),
  });
}

function invalid(ctx: Context, span: Span, message: string): void {
  ctx.problems.push({ span, message, kind: 'refused' });
}

/** Names ACLs in the condition refer to that are neither defined nor predefined. */
function unknownAcls(words: readonly string[], acls: ReadonlyMap<string, unknown>): string[] {
  const out: string[] = [];
  let depth = 0;
  for (const raw of words.slice(1)) {
    if (raw === '{') depth++;
    else if (raw === '}') depth--;
    else if (depth === 0 && raw !== '||' && raw !== 'or') {
      const name = raw.replace(/^!+/, '');
      // `!{ status 200 }`: HAProxy strips the `!` before looking for the brace of an anonymous ACL.
      if (name === '{') depth++;
      else if (name !== '' && !acls.has(name) && !PREDEFINED_ACLS.has(name)) out.push(name);
    }
  }
  return out;
}

/** How HAProxy names a section in its messages (`proxy_type_str()`): a `listen` section is a 'proxy'. */
const proxyType = (proxy: Proxy): string => (proxy.section.keyword === 'listen' ? 'proxy' : proxy.section.keyword);

function conditionOf(ctx: Context, proxy: Proxy, statement: Statement, condWords: readonly Word[], what: string): { condition: Condition | null; parsed?: ReturnType<typeof parseCondition>; related?: readonly Span[] } | null {
  const guardText = statement.guards.join(', ');
  if (condWords.length === 0) {
    return { condition: statement.guards.length > 0 ? { text: guardText, value: 'unknown' } : null };
  }
  const values = condWords.map((w) => w.value);
  const missing = unknownAcls(values, proxy.acls);
  if (missing.length > 0) {
    invalid(ctx, spanOver(condWords), `error detected while parsing an '${what}' condition : no such ACL : '${missing[0]}'.`);
    return null;
  }
  for (let i = 0; i + 1 < condWords.length; i++) {
    const w = condWords[i + 1]!;
    const refused = condWords[i]!.value.replace(/^!+/, '') === '{' ? fetchRefusal(w.value) : undefined;
    if (refused) {
      invalid(ctx, w.span, `error detected while parsing an '${what}' condition : ${refused}.`);
      return null;
    }
  }
  const parsed = parseCondition(values, proxy.acls, what.startsWith('http-request'));
  // The `acl` lines of the named ACLs it uses: the cookies they name are named by the rule.
  const related = values.flatMap((v) => (proxy.acls.get(v.replace(/^!+/, '')) ?? []).flatMap((d) => (d.span ? [d.span] : [])));
  const named = related.length > 0 ? { related } : {};
  // `if METH_POST`, `unless !METH_POST`...: the request fact `cookie ... postonly` tests too.
  const post = statement.guards.length === 0 && values.length === 2 && /^!*METH_POST$/.test(values[1]!) && !proxy.acls.has('METH_POST');
  if (post) {
    const holds = (values[0] === 'if') === ((values[1]!.length - values[1]!.replace(/^!+/, '').length) % 2 === 0);
    return { condition: { text: textOf(ctx.file, condWords), span: spanOver(condWords), value: 'unknown', literals: [{ ...POST_ONLY.literals![0]!, holds }] }, parsed, ...named };
  }
  // A condition only the response decides (`unless { status 200 }`) runs the op on every request;
  // the op tests it on each simulated response.
  const value = staticValue(parsed) === 'unknown' && decidedByResponse(parsed) ? true : staticValue(parsed);
  const text = textOf(ctx.file, condWords);
  // A request test the simulator explores: one fact for `if X` and `unless X` alike (see requestTest).
  const test = value === 'unknown' && statement.guards.length === 0 ? requestTest(values, proxy.acls) : undefined;
  const condition: Condition = {
    text: statement.guards.length > 0 ? `${guardText} and ${text}` : text,
    span: spanOver(condWords),
    value: statement.guards.length > 0 && value === true ? 'unknown' : value,
    ...(test ? { literals: [{ key: test.key, holds: test.holds, text: test.text }] } : {}),
  };
  return { condition, parsed, ...named };
}

/** One rule set: a proxy's (or named defaults') http-response or http-after-response rules. */
function ruleSetOf(proxy: Proxy, keyword: string): string {
  return ruleSetKey(keyword, `${proxy.section.keyword}\u0000${proxy.name}\u0000${proxy.section.header.line.span.start}`);
}

/** Options of `return`/`deny` that take one argument (src/http_act.c `parse_http_return`, `parse_http_deny`). */
const RETURN_OPTIONS = new Set(['status', 'deny_status', 'content-type', 'errorfile', 'errorfiles', 'file', 'lf-file', 'string', 'lf-string']);

/**
 * The Set-Cookie lines and the status (`status`, `deny_status`, `code`; 200, 502 (403 for
 * `http-request deny`), 302, and 401 for `http-request auth`, when not given) of the response `return`/`deny`/`redirect` sends, and where its condition starts: `hdr Set-Cookie <fmt>` (any number), redirect's last `set-cookie NAME[=value]`
 * (`NAME=value; path=/;`) or `clear-cookie NAME` (`NAME; path=/; Max-Age=0;`, src/http_rules.c).
 */
function finalResponse(action: string, args: readonly Word[], request: boolean): { setCookies: string[]; status: number; condAt: number } {
  // `allow` has no option: its condition starts right away.
  const setCookies: string[] = [];
  // `http-request deny` answers 403 by default [LAB haproxy 2.6.12].
  // `http-request tarpit` answers like deny once `timeout tarpit` has passed, 500 by default [LAB haproxy 2.6.12].
  let status = action === 'redirect' ? 302 : action === 'deny' ? (request ? 403 : 502) : action === 'tarpit' ? 500 : action === 'auth' ? 401 : 200;
  let i = 0;
  for (; i < args.length && args[i]!.value !== 'if' && args[i]!.value !== 'unless'; i++) {
    const w = args[i]!.value;
    if ((w === 'status' || w === 'deny_status' || (action === 'redirect' && w === 'code')) && /^\d{3}$/.test(args[i + 1]?.value ?? '')) status = Number(args[i + 1]!.value);
    if (action === 'redirect' && (w === 'set-cookie' || w === 'clear-cookie') && args[i + 1]) {
      setCookies[0] = `${args[++i]!.value}; path=/;${w === 'clear-cookie' ? ' Max-Age=0;' : ''}`;
    } else if (action === 'redirect' && (w === 'location' || w === 'prefix' || w === 'scheme' || w === 'code')) i++;
    else if (action !== 'redirect' && w === 'hdr' && args[i + 2]) {
      if (args[i + 1]!.value.toLowerCase() === 'set-cookie') setCookies.push(parseLogFormat(args[i + 2]!.value).text);
      i += 2;
    } else if ((action !== 'redirect' && RETURN_OPTIONS.has(w)) || (action === 'auth' && w === 'realm')) i++;
  }
  return { setCookies, status, condAt: i };
}

/** Whether the statement is an `http-request use-service` rule. */
const isUseService = (statement: Statement): boolean => statement.words[0]!.value === 'http-request' && statement.words[1]?.value === 'use-service';

/**
 * `http-request use-service <name> [if|unless <cond>]` (src/http_act.c `parse_http_req_action_use_service`
 * refuses a missing or unknown name, and words before the condition [LAB haproxy 2.6.12]). The
 * Lua services a `lua-load` file registers are not read: any `lua.<name>` is taken as known.
 * `stops`: the rule sets the answer keeps from running on this endpoint (see use-service.ts).
 */
function lowerUseService(ctx: Context, proxy: Proxy, statement: Statement, placement: ServicePlacement, stops: readonly string[]): CookieOp | undefined {
  const [kw, actionWord, nameWord, ...rest] = statement.words;
  const what = `${kw!.value} ${actionWord!.value}`;
  const refused = (at: Span, message: string) => invalid(ctx, at, `error detected in ${proxyType(proxy)} '${proxy.name}' while parsing '${what}' rule : ${message}.`);
  if (!nameWord || nameWord.value === '') {
    refused((nameWord ?? actionWord!).span, "'use-service' expects a service name");
    return undefined;
  }
  if (nameWord.value !== PROMETHEUS && !/^lua\../.test(nameWord.value)) {
    refused(nameWord.span, `'${nameWord.value}' unknown service name`);
    return undefined;
  }
  const condAt = rest.findIndex((w) => w.value === 'if' || w.value === 'unless');
  const extra = condAt === -1 ? rest : rest.slice(0, condAt);
  if (extra.length > 0) {
    invalid(ctx, extra[0]!.span, `'${what}' expects either 'if' or 'unless' followed by a condition but found '${extra[0]!.value}'.`);
    return undefined;
  }
  const cond = conditionOf(ctx, proxy, statement, condAt === -1 ? [] : rest.slice(condAt), what);
  if (!cond) return undefined;
  return createServiceOp({
    span: spanOver(statement.words),
    label: textOf(ctx.file, statement.words),
    service: nameWord.value,
    ruleSet: ruleSetOf(proxy, 'http-request'),
    placement,
    stops,
    condition: cond.condition,
    ...(cond.parsed ? { parsedCondition: cond.parsed } : {}),
    ...(cond.related ? { related: cond.related } : {}),
  });
}

/**
 * An `http-response`/`http-after-response` header rule, or an `allow`/`return`/`deny`/`redirect`
 * of those or of `http-request` (`alsoStops`: the rule sets a request-time answer also keeps
 * from running, the chosen backend's http-after-response rules when a frontend answers).
 */
function lowerHttpResponse(ctx: Context, proxy: Proxy, statement: Statement, alsoStops?: readonly string[]): CookieOp | undefined {
  const [kw, actionWord, ...rest] = statement.words;
  if (!actionWord) {
    invalid(ctx, kw!.span, `'${kw!.value}' expects an action.`);
    return undefined;
  }
  const ruleSet = ruleSetOf(proxy, kw!.value);
  const action = actionWord.value;
  const request = kw!.value === 'http-request';
  const final = kw!.value !== 'http-after-response' && (action === 'return' || action === 'deny' || action === 'redirect' || (request && (action === 'auth' || action === 'tarpit'))) ? action : undefined;
  if (action === 'allow' || final) {
    const { setCookies, status, condAt } = finalResponse(action, rest, request);
    const cond = conditionOf(ctx, proxy, statement, rest.slice(condAt), `${kw!.value} ${action}`);
    if (!cond) return undefined;
    const init = { span: spanOver(statement.words), label: textOf(ctx.file, statement.words), ruleSet, condition: cond.condition, ...(cond.parsed ? { parsedCondition: cond.parsed } : {}), ...(cond.related ? { related: cond.related } : {}) };
    if (final) return createHaproxyFinalOp({ ...init, action: final, setCookies, status, ...(alsoStops ? { alsoStops } : {}) });
    // An http-request condition depends on the request alone (a response fetch never matches
    // there): the simulator takes each outcome in turn, and on the requests where it holds the
    // allow stops the rules after it, a `use-service` among them [LAB haproxy 2.6.12].
    const { parsedCondition: _response, ...requestInit } = init;
    return createHaproxyAllowOp(request ? requestInit : init);
  }
  // http-request rules change the request only.
  if (request) return undefined;
  if (SETS_VARIABLE.test(action)) return lowerSetVar(ctx, proxy, statement, 'response');
  const spec = ACTIONS.get(actionWord.value);
  if (!spec) return undefined;
  const what = `${kw!.value} ${actionWord.value}`;
  const condAt = rest.findIndex((w) => w.value === 'if' || w.value === 'unless');
  const args = condAt === -1 ? rest : rest.slice(0, condAt);
  const condWords = condAt === -1 ? [] : rest.slice(condAt);
  let nameMatch: 'str' | 'beg' | 'end' | 'sub' | 'reg' | undefined;
  let extra = args.slice(spec.args);
  if (spec.action === 'del-header' && extra[0]?.value === '-m') {
    const m = extra[1]?.value;
    if (m !== 'str' && m !== 'beg' && m !== 'end' && m !== 'sub' && m !== 'reg') {
      invalid(ctx, (extra[1] ?? extra[0]!).span, `'${what}' : '-m' expects a matching method among 'str', 'beg', 'end', 'sub' and 'reg'.`);
      return undefined;
    }
    nameMatch = m;
    extra = extra.slice(2);
  }
  // HAProxy reads an empty word (`""`, `''`) as the end of the arguments (cfgparse: `!*args[n]`):
  // `replace-header Set-Cookie '(?i); *httponly' ""` is refused like a missing argument [LAB 2.6.12].
  if (args.length < spec.args || args.slice(0, spec.args).some((w) => w.value === '')) {
    const count = spec.action === 'del-header' ? 'at least 1 argument' : `exactly ${spec.args} argument${spec.args > 1 ? 's' : ''}`;
    invalid(ctx, spanOver(statement.words), `error detected in ${proxyType(proxy)} '${proxy.name}' while parsing '${what}' rule : expects ${count}.`);
    return undefined;
  }
  if (extra.length > 0) {
    invalid(ctx, extra[0]!.span, `'${what}' expects either 'if' or 'unless' followed by a condition but found '${extra[0]!.value}'.`);
    return undefined;
  }
  const header = args[0]!.value;
  let nameRegex: CompiledRegex | undefined;
  if (nameMatch === 'reg') {
    const c = compileRegex(header, { flavor: 'pcre' });
    if (!c.ok) {
      invalid(ctx, args[0]!.span, `'${what}' : regex '${header}' is invalid (${c.error.message}).`);
      return undefined;
    }
    nameRegex = c.regex;
  }
  let regex: CompiledRegex | undefined;
  let patternWord: Word | undefined;
  let formatWord: Word | undefined;
  if (spec.action === 'replace-header' || spec.action === 'replace-value') {
    patternWord = args[1]!;
    formatWord = args[2]!;
    const c = compileRegex(patternWord.value, { flavor: 'pcre' });
    if (!c.ok) {
      if (c.error.code !== 'unsupported') {
        invalid(ctx, patternWord.span, `error detected in ${proxyType(proxy)} '${proxy.name}' while parsing '${what}' rule : regex '${patternWord.value}' is invalid (error=${c.error.message}, erroffset=${c.error.offset}).`);
        return undefined;
      }
    } else regex = c.regex;
  } else if (spec.action !== 'del-header') formatWord = args[1]!;
  const cond = conditionOf(ctx, proxy, statement, condWords, what);
  if (!cond) return undefined;
  const op = createHaproxyHttpResponseOp(
    {
      span: spanOver(statement.words),
      label: textOf(ctx.file, statement.words),
      action: spec.action,
      header,
      ...(nameMatch ? { nameMatch } : {}),
      ...(nameRegex ? { nameRegex } : {}),
      ...(regex ? { regex } : {}),
      ...(patternWord ? { patternSource: patternWord.value, patternSpan: patternWord.span } : {}),
      ...(formatWord ? { format: withVariables(parseLogFormat(formatWord.value), ctx.variables, ctx.modeled), formatSpan: formatWord.span } : {}),
      actionSpan: actionWord.span,
      condition: cond.condition,
      ...(cond.parsed ? { parsedCondition: cond.parsed } : {}),
      ...(cond.related ? { related: cond.related } : {}),
      ruleSet,
    },
  );
  ctx.rules.set(op, { statement, ...(patternWord ? { patternWord } : {}), ...(formatWord ? { formatWord } : {}) });
  return op;
}

function newProxy(section: Section, defaults: Proxy | undefined): Proxy {
  return {
    section,
    name: section.name?.value ?? '',
    ...(defaults ? { defaults } : {}),
    ops: [],
    afterOps: [],
    requestFinals: [],
    acls: new Map(),
    routes: [],
    servers: [],
    otherTargets: false,
    fcgi: false,
    hasRules: false,
    inheritedBy: new Set(),
  };
}

/** Reads one proxy section's statements. */
function readProxy(ctx: Context, proxy: Proxy): void {
  const anonymousDefaults = proxy.section.kind === 'defaults' && !proxy.section.name;
  for (const st of proxy.section.statements) {
    const [kw, ...args] = st.words;
    const k = kw!.value;
    if (/^(?:http-(?:request|response|after-response)|tcp-(?:request|response))$/.test(k)) proxy.hasRules = true;
    const removed = REMOVED.get(k);
    if (removed) {
      invalid(ctx, kw!.span, `The '${k}' directive is not supported anymore since HAProxy 2.1. Use '${removed}' instead.`);
      continue;
    }
    switch (k) {
      case 'mode':
        proxy.mode = args[0]?.value;
        break;
      case 'acl':
        if (args[0] && args.length >= 2 && fetchRefusal(args[1]!.value)) {
          invalid(ctx, args[1]!.span, `error detected while parsing ACL '${args[0].value}' : ${fetchRefusal(args[1]!.value)}.`);
        } else if (args[0] && args.length >= 2) {
          const list = proxy.acls.get(args[0].value) ?? [];
          list.push({ words: args.slice(1).map((w) => w.value), span: st.line.span });
          proxy.acls.set(args[0].value, list);
        }
        break;
      case 'use_backend':
        if (args[0]) {
          const condAt = args.findIndex((w) => w.value === 'if' || w.value === 'unless');
          proxy.routes.push({ backend: args[0].value, span: st.line.span, ...(condAt > 0 ? { condition: args.slice(condAt).map((w) => w.value) } : {}) });
        }
        break;
      case 'default_backend':
        if (args[0]) proxy.defaultBackend = { name: args[0].value, span: args[0].span };
        break;
      case 'cookie': {
        // cfgparse-listen.c refuses control characters and `;` in an `attr` value: `attr "SameSite=Lax; HttpOnly"`
        // stops HAProxy [LAB haproxy 2.6.12: "character '%x3B' is not permitted in attribute value."].
        const bad = args.flatMap((w, i) => (i > 0 && args[i - 1]!.value === 'attr' ? [w] : [])).find((w) => /[\x00-\x1f\x7f;]/.test(w.value));
        if (bad) {
          const c = /[\x00-\x1f\x7f;]/.exec(bad.value)![0].charCodeAt(0);
          invalid(ctx, bad.span, `character '%x${c.toString(16).toUpperCase().padStart(2, '0')}' is not permitted in attribute value.`);
          break;
        }
        // cfgparse-listen.c: at most one of the three modes [LAB haproxy 2.6.12].
        const modes: Word[] = [];
        for (let i = 1; i < args.length; i++) {
          if (['domain', 'attr', 'maxidle', 'maxlife'].includes(args[i]!.value)) i++;
          else if (['insert', 'prefix', 'rewrite'].includes(args[i]!.value)) modes.push(args[i]!);
        }
        if (modes.length > 1) {
          invalid(ctx, modes[1]!.span, "cookie 'rewrite', 'insert' and 'prefix' modes are incompatible.");
          break;
        }
        proxy.cookie = st;
        break;
      }
      case 'capture':
        if (args[0]?.value === 'cookie' && proxy.section.kind !== 'backend' && proxy.section.kind !== 'defaults') proxy.capture = st;
        break;
      case 'use-fcgi-app':
        proxy.fcgi = true;
        break;
      case 'server': {
        const cookieAt = args.findIndex((w) => w.value === 'cookie');
        const cookie = cookieAt > 0 ? args[cookieAt + 1]?.value : undefined;
        const disabled = args.some((w) => w.value === 'disabled');
        if (args[0] && args[1]) proxy.servers.push({ name: args[0].value, address: args[1].value, disabled, span: spanOver(st.words), ...(cookie !== undefined ? { cookie } : {}) });
        break;
      }
      case 'dynamic-cookie-key':
        if (args[0]) proxy.dynamicKey = args[0].value;
        break;
      case 'server-template':
      case 'dispatch':
        proxy.otherTargets = true;
        break;
      case 'option':
        if (args[0]?.value === 'transparent') proxy.otherTargets = true;
        break;
      case 'http-request':
        if (['allow', 'return', 'deny', 'redirect', 'auth', 'tarpit', 'use-service'].includes(args[0]?.value ?? '')) {
          // A use-service is lowered again for each endpoint; this one (stopping its own proxy's
          // http-request rules) reports its problems and stands for it in the model's ops.
          const own = () => (isUseService(st) ? lowerUseService(ctx, proxy, st, 'backend', [ruleSetOf(proxy, 'http-request')]) : lowerHttpResponse(ctx, proxy, st));
          const op = anonymousDefaults ? invalid(ctx, kw!.span, `'${k}' not allowed in anonymous 'defaults' section.`) : own();
          if (op) proxy.requestFinals.push({ statement: st, op });
        } else if (SETS_VARIABLE.test(args[0]?.value ?? '') && !anonymousDefaults) {
          // In order with the answers above: one that answered first keeps the variable from being set.
          const op = lowerSetVar(ctx, proxy, st, 'request');
          if (op) proxy.requestFinals.push({ statement: st, op });
        }
        break;
      case 'http-response':
      case 'http-after-response': {
        if (anonymousDefaults) {
          invalid(ctx, kw!.span, `'${k}' not allowed in anonymous 'defaults' section.`);
          break;
        }
        const op = lowerHttpResponse(ctx, proxy, st);
        if (op) (k === 'http-response' ? proxy.ops : proxy.afterOps).push(op);
        break;
      }
      default:
        break;
    }
  }
}

function effective<T>(proxy: Proxy | undefined, get: (p: Proxy) => T | undefined): T | undefined {
  for (let p = proxy; p; p = p.defaults) {
    const v = get(p);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** `cookie ... insert postonly`: the request fact the persistence cookie then depends on. */
const POST_ONLY: Condition = {
  text: 'postonly',
  value: 'unknown',
  literals: [{ key: METHOD_POST, holds: true, text: 'the request method is POST', phrase: { holds: 'the request is a POST', fails: 'the request is not a POST' } }],
};

/**
 * The cookie value of the backend's first server under the `cookie` directive's `words`: its own
 * `cookie`, else with `dynamic` and a `dynamic-cookie-key` the hash of key and address
 * [LAB haproxy 2.6.12], else none.
 */
function serverCookie(backend: Proxy, words: readonly string[]): { server?: string } {
  const server = backend.servers[0];
  if (server?.cookie !== undefined) return { server: server.cookie };
  const key = effective(backend, (p) => p.dynamicKey);
  return server && key !== undefined && words.includes('dynamic') ? { server: dynamicCookie(key, server.address) } : {};
}

/**
 * `cookie NAME insert ...` of a backend, as the op that adds HAProxy's persistence cookie for the
 * backend's first server (the one a first request gets): a server without a `cookie` value gets
 * a cookie that deletes it [LAB haproxy 2.6.12].
 */
function persistenceOp(ctx: Context, backend: Proxy, cache: Map<Statement, CookieOp | null>): CookieOp | null {
  const st = effective(backend, (p) => p.cookie);
  if (!st) return null;
  const server = backend.servers[0];
  if (!server) return null;
  const key = st;
  const words = st.words.slice(1).map((w) => w.value);
  if (!words.includes('insert')) return null;
  const known = cache.get(key);
  if (known !== undefined && backend.defaults?.cookie !== st) return known;
  let attributes = '; path=/';
  const domains: string[] = [];
  const attrs: string[] = [];
  const max = { maxidle: false, maxlife: false };
  for (let i = 1; i < words.length; i++) {
    if (words[i] === 'domain' && words[i + 1] !== undefined) domains.push(words[++i]!);
    else if (words[i] === 'attr' && words[i + 1] !== undefined) attrs.push(words[++i]!);
    // A time of zero (`maxidle 0`) turns the limit off.
    else if (words[i] === 'maxidle' || words[i] === 'maxlife') max[words[i] as keyof typeof max] = !/^0+(?:us|ms|s|m|h|d)?$/.test(words[++i] ?? '0');
  }
  attributes += domains.map((d) => `; domain=${d}`).join('');
  if (words.includes('httponly')) attributes += '; HttpOnly';
  if (words.includes('secure')) attributes += '; Secure';
  attributes += attrs.map((a) => `; ${a}`).join('');
  const op = createPersistenceCookieOp({
    span: spanOver(st.words),
    label: textOf(ctx.file, st.words),
    name: words[0] ?? '',
    ...serverCookie(backend, words),
    preserve: words.includes('preserve'),
    attributes,
    dateStamps: max.maxlife ? 2 : max.maxidle ? 1 : 0,
    // `postonly`: only responses to POST requests get it; the server's cookie of that name is
    // dropped on every response all the same [LAB haproxy 2.6.12].
    condition: words.includes('postonly') ? POST_ONLY : null,
  });
  cache.set(key, op);
  return op;
}

/**
 * `http_manage_server_side_cookies`, after the http-response rules: it parses every Set-Cookie
 * line when the backend has a `cookie` directive (any mode, passive too) or the frontend a
 * `capture cookie` (then `capture` is that statement), and `cookie NAME rewrite|prefix|insert`
 * changes the cookies NAME.
 */
function serverCookieOp(ctx: Context, backend: Proxy, capture: Statement | undefined, cache: Map<string, CookieOp | null>): CookieOp | null {
  const st = effective(backend, (p) => p.cookie);
  const server = backend.servers[0];
  const at = st ?? capture;
  if (!at || !server) return null;
  const key = `${at.line.span.start}:${backend.section.header.line.span.start}`;
  const known = cache.get(key);
  if (known !== undefined) return known;
  const words = st?.words.slice(1).map((w) => w.value) ?? [];
  const mode = words.includes('insert') ? 'insert' : words.includes('prefix') ? 'prefix' : words.includes('rewrite') ? 'rewrite' : 'passive';
  const op = createServerCookieOp({
    span: spanOver(at.words),
    label: textOf(ctx.file, at.words),
    ...(st ? { name: words[0] ?? '' } : {}),
    mode,
    ...serverCookie(backend, words),
    preserve: words.includes('preserve'),
  });
  cache.set(key, op);
  return op;
}

/** The rule set key of a backend's own 503 ({@link unavailableOp}): what an answer before it stops. */
const noServerSet = (backend: Proxy): string => ruleSetKey('http-request', `no-server\u0000${backend.name}`);

/**
 * A backend without a server to send requests to (none, or all `disabled`): HAProxy answers 503
 * itself, which only the http-after-response rules see [LAB haproxy 2.6.12]; as the op that
 * replaces the response first in the pipeline.
 */
function unavailableOp(ctx: Context, backend: Proxy, cache: Map<Proxy, CookieOp | null>): CookieOp | null {
  const known = cache.get(backend);
  if (known !== undefined) return known;
  const serves = backend.servers.some((s) => !s.disabled) || effective(backend, (p) => (p.otherTargets ? true : undefined)) === true;
  const header = backend.section.header.words;
  const op = serves
    ? null
    : createHaproxyFinalOp({
        span: spanOver(header),
        label: `${textOf(ctx.file, header)}: no server ${backend.servers.length > 0 ? 'enabled' : 'defined'}, HAProxy answers 503 itself`,
        // An http-request rule that answered first keeps it from running.
        ruleSet: noServerSet(backend),
        condition: null,
        action: 'unavailable',
        setCookies: [],
        status: 503,
      });
  cache.set(backend, op);
  return op;
}

/** A request path that makes the frontend choose `backend` (path_beg/path routes only). */
/** A fetch of the Host header (`hdr(host)`, `req.hdr(host),lower`, `hdr_dom(host)`) or of `base` (host and path). */
const HOST_FETCH = /^(?:req\.)?hdr(?:_[a-z]+)?\(host\b|^base(?:_[a-z]+)?(?:,|$)/i;

/** The patterns of an ACL's words (`hdr(host) -i -m dom jira.example.com`): what follows the fetch and its flags. */
function aclPatterns(words: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--') {
      out.push(...words.slice(i + 1));
      break;
    }
    // `-f FILE`, `-m METHOD`, `-M FILE`: a flag and its argument; `-i`, `-n`, `-u`: a flag alone.
    if (/^-[fmMu]$/.test(w)) i++;
    else if (!w.startsWith('-')) out.push(w);
  }
  return out;
}

/** A fetch of the request path (`path_beg`, `path,lower`). */
const PATH_FETCH = /^path(?:_(?:beg|dir|end|sub|reg))?(?:,|$)/i;

/**
 * The host names and paths a `use_backend ... if` condition routes on: the patterns of the Host
 * and path fetches it requires, written inline (`{ hdr(host) -i jira.example.com }`, `{ path_beg
 * /jira }`) or as a named ACL. Negated tests and `unless` conditions name what the backend does
 * not serve: none.
 */
function routeHosts(frontend: Proxy, route: Proxy['routes'][number]): ScopeName[] {
  const cond = route.condition;
  if (!cond || cond[0] !== 'if') return [];
  const out: ScopeName[] = [];
  const add = (words: readonly string[], span: Span) => {
    const kind = !words[0] ? undefined : HOST_FETCH.test(words[0]) ? 'host' : PATH_FETCH.test(words[0]) ? 'path' : undefined;
    if (kind) for (const value of aclPatterns(words)) out.push({ kind, value, span });
  };
  for (let i = 1; i < cond.length; i++) {
    const w = cond[i]!;
    if (w === '{') {
      const end = cond.indexOf('}', i);
      if (end < 0) break;
      if (cond[i - 1] !== '!') add(cond.slice(i + 1, end), route.span);
      i = end;
    } else if (!w.startsWith('!')) {
      for (const def of frontend.acls.get(w) ?? []) add(def.words, def.span ?? route.span);
    }
  }
  return out;
}

/**
 * Whether a request for `location` may reach `backend` through `frontend`'s `use_backend` rules
 * and its default (`simulate --location`): the first rule whose test the path decides (`{ path_beg
 * /x }`, `{ path /x }`) or that has none takes it; a rule testing something else (a Host ACL) may.
 */
function routeSelects(frontend: Proxy, backend: string, dflt: string | undefined, location: string): boolean {
  const path = location.replace(/[?#].*$/s, '') || '/';
  for (const r of frontend.routes) {
    const cond = r.condition;
    if (!cond) return r.backend === backend;
    const prefix = routeTest(cond, frontend.acls);
    const exact = !prefix && cond[1] === '{' && cond[4] === '}' && cond.length === 5 && cond[2] === 'path' ? cond[3] : undefined;
    if (!prefix && exact === undefined) {
      if (r.backend === backend) return true;
      continue;
    }
    const holds = prefix ? prefix.prefixes.some((p) => path.startsWith(p)) === prefix.when : (path === exact) === (cond[0] === 'if');
    if (holds) return r.backend === backend;
  }
  return dflt === backend;
}

/** A path the frontend's `use_backend` rules send to `backend` (through the default: `viaDefault`), when one is easy to name. */
function routePath(frontend: Proxy, backend: string, viaDefault: boolean): string | undefined {
  const prefixes: string[] = [];
  const taken = (p: string) => prefixes.some((x) => p.startsWith(x));
  for (const r of frontend.routes) {
    const cond = r.condition;
    const exact = cond && cond[0] === 'if' && cond[1] === '{' && cond[2] === 'path' && cond[4] === '}' && cond.length === 5 ? cond[3] : undefined;
    const test = cond && exact === undefined ? routeTest(cond, frontend.acls) : undefined;
    if (cond && exact === undefined && (!test || !test.when)) return undefined;
    const mine = exact !== undefined ? [exact] : (test?.prefixes ?? ['/']);
    if (!viaDefault && r.backend === backend) return mine.find((p) => !taken(p));
    if (!cond) return undefined;
    prefixes.push(...mine);
  }
  if (!viaDefault) return undefined;
  const candidate = '/lpc-default';
  return prefixes.some((p) => candidate.startsWith(p)) ? undefined : candidate;
}

export function buildHaproxyModel(rootPath: string, io: ConfigIO, options: DialectOptions): HeaderRewriteModel {
  return lowerHaproxy(rootPath, io, options).model;
}

export function lowerHaproxy(rootPath: string, io: ConfigIO, options: DialectOptions): Lowering<HaproxySyntax> {
  const files = new Map<string, SourceFile>();
  const problems: Problem[] = [];
  const rules = new Map<CookieOp, HaproxyRuleSyntax>();
  const source = io.read(rootPath);
  if (isIoError(source)) {
    problems.push({ span: { file: rootPath, start: 0, end: 0 }, message: `Cannot open configuration file "${rootPath}" (${source.error}).`, kind: 'syntax' });
    return { model: { dialect: 'haproxy', root: rootPath, files, endpoints: [], ops: [], problems, comments: [], facts: [] }, syntax: { rules } };
  }
  files.set(rootPath, source);
  const defines = options.defines ?? {};
  const parsed = parseConfig(rootPath, source.text, (n) => defines[n], (n) => (n in defines ? true : undefined));
  problems.push(...parsed.problems);
  const variables = variableSetters(parsed.sections);
  const ctx: Context = { file: source, problems, rules, variables, modeled: modeledVariables(parsed.sections, variables) };

  const proxies: Proxy[] = [];
  const namedDefaults = new Map<string, Proxy>();
  const allDefaults: Proxy[] = [];
  let lastDefaults: Proxy | undefined;
  for (const section of parsed.sections) {
    if (section.kind === 'global' || section.kind === 'other') continue;
    // A defaults section starts afresh unless it names one with `from`; a proxy without `from`
    // takes the last defaults section (cfgparse-listen.c `cfg_parse_listen`) [LAB haproxy 2.6.12].
    const from = section.from ? namedDefaults.get(section.from.value) : section.kind === 'defaults' ? undefined : lastDefaults;
    if (section.from && !from) invalid(ctx, section.from.span, `defaults section '${section.from.value}' not found for ${section.keyword} '${section.name?.value ?? ''}'.`);
    const proxy = newProxy(section, from);
    readProxy(ctx, proxy);
    if (from?.hasRules) {
      // HAProxy 2.6 (cfgparse-listen.c): rules in a defaults section serve one side only.
      const at = (section.name ?? section.header.words[0]!).span;
      const line = source.text.slice(0, from.section.header.line.span.start).split(/\r\n|\r|\n/).length;
      const defaultsAt = `(defaults section at ${rootPath}:${line})`;
      if (section.kind === 'defaults') invalid(ctx, at, `a defaults section cannot inherit from a defaults section defining TCP/HTTP rules ${defaultsAt}.`);
      else if (section.kind === 'listen') invalid(ctx, at, 'a listen section cannot inherit from a defaults section defining TCP/HTTP rules.');
      else {
        const side = section.kind === 'frontend' ? 'frontend' : 'backend';
        from.inheritedBy.add(side);
        if (from.inheritedBy.size > 1) invalid(ctx, at, `frontends and backends cannot inherit from the same defaults section if it defines TCP/HTTP rules ${defaultsAt}.`);
      }
    }
    if (section.kind === 'defaults') {
      lastDefaults = proxy;
      allDefaults.push(proxy);
      if (section.name) namedDefaults.set(section.name.value, proxy);
      continue;
    }
    proxies.push(proxy);
  }

  const anyMode = [...proxies, ...allDefaults].some((p) => p.mode !== undefined);
  const isHttp = (p: Proxy) => (effective(p, (x) => x.mode) ?? (anyMode ? 'tcp' : 'http')) === 'http';
  const rulesOf = (p: Proxy, after = false): CookieOp[] => {
    if (!isHttp(p)) return [];
    const own = (x: Proxy) => (after ? x.afterOps : x.ops);
    return [...(p.defaults?.section.name ? own(p.defaults) : []), ...own(p)];
  };
  const byName = new Map(proxies.filter((p) => p.section.kind !== 'frontend').map((p) => [p.name, p]));
  const cookieOps = new Map<Statement, CookieOp | null>();
  const serverCookieOps = new Map<string, CookieOp | null>();
  const unavailableOps = new Map<Proxy, CookieOp | null>();
  const requestFinalOps = new Map<string, CookieOp | undefined>();
  const servedOps = new Map<CookieOp, Map<string, CookieOp>>();
  const parsedOps = new Map<Statement, CookieOp>();
  const requestRules = (p: Proxy) => (isHttp(p) ? [...(p.defaults?.section.name ? p.defaults.requestFinals.map((r) => ({ ...r, owner: p.defaults! })) : []), ...p.requestFinals.map((r) => ({ ...r, owner: p }))] : []);
  const hasService = (p: Proxy | undefined) => p !== undefined && requestRules(p).some((r) => isUseService(r.statement));
  /** `alsoStops`: what a return/deny/redirect stops besides the response rules; `service`: what a use-service here stops. */
  const requestOps = (p: Proxy, alsoStops: readonly string[], service: { readonly placement: ServicePlacement; readonly stops: readonly string[] }): CookieOp[] => {
    return requestRules(p).flatMap(({ statement, op, owner }) => {
      const useService = isUseService(statement);
      if ((!useService && alsoStops.length === 0) || op.kind === 'haproxy-set-var') return [op];
      const stops = useService ? service.stops : alsoStops;
      const key = `${statement.line.span.start}\u0000${useService ? service.placement : ''}\u0000${stops.join('\u0001')}`;
      // Its problems were reported when it was read.
      const quiet = { ...ctx, problems: [] };
      if (!requestFinalOps.has(key)) requestFinalOps.set(key, useService ? lowerUseService(quiet, owner, statement, service.placement, stops) : lowerHttpResponse(quiet, owner, statement, alsoStops));
      const again = requestFinalOps.get(key);
      return again ? [again] : [];
    });
  };
  /** `op` gated on which answered (use-service.ts `servedGate`), one object per op and gate. */
  const gated = (op: CookieOp, when?: ServicePlacement): CookieOp => {
    let byWhen = servedOps.get(op);
    if (!byWhen) servedOps.set(op, (byWhen = new Map()));
    let g = byWhen.get(when ?? '');
    if (!g) byWhen.set(when ?? '', (g = servedGate(op, when)));
    return g;
  };
  /**
   * The parsing of every Set-Cookie line HAProxy does on an applet's response when the proxy
   * acting as backend has a `cookie` directive or the frontend a `capture cookie`: spaces around
   * `=` go, nothing else happens without a server [LAB haproxy 2.6.12].
   */
  const parsedOnly = (at: Statement | undefined, when: ServicePlacement): CookieOp | null => {
    if (!at) return null;
    let op = parsedOps.get(at);
    if (!op) parsedOps.set(at, (op = createServerCookieOp({ span: spanOver(at.words), label: textOf(ctx.file, at.words), mode: 'passive', preserve: false })));
    return gated(op, when);
  };
  const endpoints: Endpoint[] = [];
  const reached = new Set<Proxy>();
  // A rule that rewrites the path: routing and the variables may then see different paths.
  const pathRewritten = parsed.sections.some((section) => section.statements.some((st) => st.words[0]!.value === 'http-request' && REWRITES_PATH.has(st.words[1]?.value ?? '')));
  /**
   * The variables holding every request's path in `frontend`'s scopes: a `txn.` variable whose
   * only setter is an unconditional `http-request set-var(NAME) path` of the frontend itself,
   * with no rule before it (its defaults' included) that could end the rules first.
   */
  const pathVariables = (frontend: Proxy): ReadonlySet<string> => {
    const out = new Set<string>();
    const stops = (st: Statement) => st.words[0]!.value === 'http-request' && REQUEST_STOPS.has(st.words[1]?.value ?? '');
    if (frontend.defaults?.section.statements.some(stops)) return out;
    for (const [name, setters] of ctx.variables ?? []) {
      const [s] = setters;
      if (setters.length !== 1 || s!.fetch !== 'path' || s!.section !== frontend.section || !name.startsWith('txn.')) continue;
      if (!frontend.section.statements.slice(0, s!.index).some(stops)) out.add(name);
    }
    return out;
  };

  const endpoint = (frontend: Proxy | undefined, backend: Proxy | undefined, requestPath: string | undefined, hosts: readonly ScopeName[] = [], selects?: (path: string) => boolean, routed?: { readonly knowledge: PathKnowledge; readonly span: Span }) => {
    const parts = [frontend, backend].filter((p, i, a): p is Proxy => p !== undefined && a.indexOf(p) === i);
    const pipeline: CookieOp[] = [];
    const setsOf = (p: Proxy, keyword: string) => [...(p.defaults?.section.name ? [ruleSetOf(p.defaults, keyword)] : []), ruleSetOf(p, keyword)];
    const other = backend && backend !== frontend ? backend : undefined;
    // http-request allow|return|deny|redirect: the frontend's first; a frontend's answer keeps the
    // backend's http-after-response rules from running.
    const backendAfter = other ? setsOf(other, 'http-after-response') : [];
    // A use-service ends every http-request rule set and the backend's 503; a frontend's keeps the
    // request from the backend, whose response rules then never run [LAB haproxy 2.6.12].
    const requestSets = [...(frontend ? setsOf(frontend, 'http-request') : []), ...(other ? setsOf(other, 'http-request') : []), ...(backend ? [noServerSet(backend)] : [])];
    const services = hasService(frontend) || hasService(other);
    if (frontend) pipeline.push(...requestOps(frontend, backendAfter, { placement: other ? 'frontend' : 'backend', stops: [...requestSets, ...(other ? [...setsOf(other, 'http-response'), ...backendAfter] : [])] }));
    if (other) pipeline.push(...requestOps(other, [], { placement: 'backend', stops: requestSets }));
    const unavailable = backend && isHttp(backend) ? unavailableOp(ctx, backend, unavailableOps) : null;
    if (unavailable) pipeline.push(unavailable);
    // A service answers in place of the server even without one: the response rules see its answer.
    if (!unavailable || services) {
      if (backend) pipeline.push(...rulesOf(backend));
      if (frontend && frontend !== backend) pipeline.push(...rulesOf(frontend));
      // `http_manage_server_side_cookies` runs after every http-response rule, on the lines they left.
      const capture = frontend && isHttp(frontend) ? frontend.capture : undefined;
      const serverSide = backend && isHttp(backend) ? serverCookieOp(ctx, backend, capture, serverCookieOps) : null;
      const persistence = backend && isHttp(backend) ? persistenceOp(ctx, backend, cookieOps) : null;
      if (!services) {
        if (serverSide) pipeline.push(serverSide);
        if (persistence) pipeline.push(persistence);
      } else {
        // On an applet's response: the lines are parsed (by the frontend's `capture cookie` when
        // the frontend's rule answered, `s->be` being the frontend), no cookie is rewritten,
        // dropped or added.
        if (serverSide) pipeline.push(gated(serverSide));
        const beCookie = backend && backend.section.kind !== 'frontend' && isHttp(backend) ? effective(backend, (p) => p.cookie) : undefined;
        const served = [other ? parsedOnly(capture, 'frontend') : null, parsedOnly(beCookie ?? capture, 'backend')];
        for (const op of served) if (op) pipeline.push(op);
        if (persistence) pipeline.push(gated(persistence));
      }
    }
    // http-after-response: after the persistence cookie, the backend's rules first [LAB 2.6.12].
    if (backend) pipeline.push(...rulesOf(backend, true));
    if (frontend && frontend !== backend) pipeline.push(...rulesOf(frontend, true));
    // What the routing says of every request's path, stated first (route-facts.ts).
    const facts = routed && frontend && backend ? routeFactsOp(pipeline, routed.knowledge, pathVariables(frontend), routed.span, `requests ${frontend.section.keyword} ${frontend.name} routes to ${backend.section.keyword} ${backend.name}`) : null;
    if (facts) pipeline.unshift(facts);
    const servers = backend?.servers ?? [];
    const kinds: BackendKind[] = backend?.fcgi ? ['fastcgi'] : ['http'];
    const backends: BackendRef[] = servers.map((s) => ({ kind: kinds[0]!, target: s.address, span: s.span }));
    // The sections the request passes through (`backend jira`), then the hosts its route tests.
    const names: ScopeName[] = [...parts.flatMap((p) => (p.section.name ? [{ kind: 'section' as const, value: `${p.section.keyword} ${p.name}`, span: p.section.header.line.span }] : [])), ...hosts];
    endpoints.push({
      label: parts.map((p) => `${p.section.keyword} ${p.name}`).join(' › '),
      span: parts[0]!.section.header.line.span,
      backends,
      possibleBackends: kinds,
      pipeline,
      ...(requestPath !== undefined ? { requestPath } : {}),
      ...(selects ? { selects } : {}),
      ...(names.length > 0 ? { names } : {}),
    });
  };

  for (const p of proxies) {
    if (p.section.kind === 'backend') continue;
    const targets = new Map<Proxy, string | undefined>();
    const hostsOf = new Map<Proxy, ScopeName[]>();
    for (const r of p.routes) {
      const b = byName.get(r.backend);
      if (!b) {
        if (!/%\[/.test(r.backend)) invalid(ctx, r.span, `${p.section.keyword} '${p.name}': unable to find required use_backend: '${r.backend}'.`);
        continue;
      }
      if (!targets.has(b)) targets.set(b, routePath(p, r.backend, false));
      const hosts = routeHosts(p, r);
      if (hosts.length > 0) hostsOf.set(b, [...(hostsOf.get(b) ?? []), ...hosts]);
    }
    const dflt = effective(p, (x) => x.defaultBackend);
    if (dflt) {
      const b = byName.get(dflt.name);
      if (!b) invalid(ctx, dflt.span, `${p.section.keyword} '${p.name}': unable to find required default_backend: '${dflt.name}'.`);
      else if (!targets.has(b)) targets.set(b, routePath(p, dflt.name, true));
    }
    // A listen section serves with its own servers what no use_backend takes [LAB haproxy 2.6.12].
    if (p.section.kind === 'listen' && !dflt && p.routes.every((r) => r.condition) && !targets.has(p)) targets.set(p, p.routes.length === 0 ? '/' : routePath(p, p.name, true));
    // A frontend whose use_backend rules all have a condition and no default_backend is its own
    // backend for the rest, without a server: HAProxy answers 503 [LAB haproxy 2.6.12]. (Without
    // any use_backend the file is taken as a fragment.)
    if (p.section.kind === 'frontend' && !dflt && targets.size > 0 && p.routes.every((r) => r.condition)) targets.set(p, routePath(p, p.name, true));
    if (targets.size === 0) endpoint(p, undefined, '/');
    for (const [b, path] of targets) {
      reached.add(b);
      // A proxy serving what no rule takes (a listen section's servers, a frontend's 503) is its own default.
      const fallback = b === p ? p.name : dflt?.name;
      const knowledge = pathRewritten ? undefined : routeKnowledge(p.routes, p.acls, b.name, fallback === b.name);
      const at = p.routes.find((r) => r.backend === b.name)?.span ?? (fallback === b.name && dflt ? dflt.span : p.section.header.line.span);
      endpoint(p, b, path, hostsOf.get(b), (location) => routeSelects(p, b.name, fallback, location), knowledge ? { knowledge, span: at } : undefined);
    }
  }
  for (const p of proxies) if (p.section.kind !== 'frontend' && !reached.has(p) && p.section.kind === 'backend') endpoint(undefined, p, '/');

  const ops = new Set<CookieOp>();
  for (const p of [...proxies, ...namedDefaults.values()]) for (const op of [...p.ops, ...p.afterOps, ...p.requestFinals.map((r) => r.op)]) ops.add(op);
  for (const op of [...cookieOps.values(), ...serverCookieOps.values(), ...unavailableOps.values(), ...requestFinalOps.values(), ...[...servedOps.values()].flatMap((m) => [...m.values()])]) if (op) ops.add(op);
  const model: HeaderRewriteModel = {
    dialect: 'haproxy',
    root: rootPath,
    files,
    endpoints,
    ops: [...ops].sort((a, b) => a.span.start - b.span.start),
    problems,
    comments: [...parsed.comments],
    facts: [],
  };
  return { model, syntax: { rules } };
}
