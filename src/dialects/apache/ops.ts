/**
 * Turns the directives that touch response cookies into operations, in reading order:
 * `Header ... Set-Cookie ...` (mod_headers) and `ProxyPassReverseCookiePath|Domain` (mod_proxy);
 * validates every `Header`/`RequestHeader`, `RegexDefaultOptions`, `ProxyErrorOverride`,
 * `ProxyPassInterpolateEnv` and the expressions of `SetEnvIfExpr`, `RewriteCond expr` and
 * `Require expr` the way httpd does at startup (problems with `directive-invalid`).
 */
import type { Condition, ConditionLiteral, CookieOp, Problem } from '../../model/header-rewrite.js';
import { envNamesRead, type FormatEnv, type FormatString } from '../../model/ops/apache-format.js';
import { createApacheHeaderOp, isSetCookie, writesControl, type ApacheHeaderOp } from '../../model/ops/apache-header.js';
import type { CookieMapping } from '../../model/ops/apache-cookie-reverse.js';
import { combineConditions, envClauseCondition, envKey, ifConditions, type EnvFacts } from './conditions.js';
import { exprError, exprRefusal } from './expr-check.js';
import { readHeaderDirective, type HeaderDirective } from './header-directive.js';
import type { FlagsAt } from './matching.js';
import { APACHE_DEFAULT_REGEX_FLAGS, applyRegexDefaultOptions, type ApacheRegexFlags } from './regex-options.js';
import type { Block, PlacedDirective, ScopeTree, ServerScope } from './scopes.js';
import type { DirectiveNode } from './syntax.js';
import type { Span } from '../../source.js';

/**
 * A `ProxyPassReverseCookiePath|Domain` entry. `interpolate`: it has a third argument, whatever
 * it says (mod_proxy.c `cookie_path` sets PROXYPASS_INTERPOLATE for any): with
 * `ProxyPassInterpolateEnv On`, `${VAR}` in both strings is replaced per request (endpoints.ts).
 */
export interface PlacedMapping extends CookieMapping {
  readonly interpolate: boolean;
}

export interface BlockMappings {
  readonly paths: PlacedMapping[];
  readonly domains: PlacedMapping[];
}

export interface OpsResult {
  /** Cookie ops of each block, in reading order. */
  readonly byBlock: ReadonlyMap<Block, readonly CookieOp[]>;
  readonly mappings: ReadonlyMap<Block, BlockMappings>;
  /** Every `Header ... Set-Cookie` op, in reading order. */
  readonly ops: readonly CookieOp[];
  /** The directive each of those ops was read from (for the fix builder). */
  readonly headers: ReadonlyMap<CookieOp, HeaderDirective>;
  readonly problems: readonly Problem[];
  readonly flagsAt: FlagsAt;
  readonly orderOf: (node: DirectiveNode) => number;
  /**
   * A pipeline's ops with every Header directive that reads a variable in `known` (`env=VAR`,
   * `%{VAR}e`) rebuilt as its requests see it: `known` holds what the sections an endpoint's
   * requests all pass through set with `SetEnv` (a value) or `UnsetEnv` (null). The same
   * directive and knowledge give the same ops; new ones are added to {@link headers} and
   * {@link rebuilt}.
   */
  readonly withKnownEnv: (pipeline: readonly CookieOp[], known: ReadonlyMap<string, string | null>) => CookieOp[];
  /** Ops made by {@link withKnownEnv}, in the order they were made. */
  readonly rebuilt: readonly CookieOp[];
  /** What the configuration says about request variables. */
  readonly facts: EnvFacts;
}

/** The directive as written on one line (continuations joined), for messages. */
export function directiveLabel(node: DirectiveNode): string {
  return node.line.line.text.replace(/\s+/g, ' ');
}

/** The variables a Header directive reads (by {@link envKey}): its `env=` clause, the `%{VAR}e` tags of its value, or an `expr=` value's `%{reqenv:VAR}`. */
function envNamesOf(h: HeaderDirective): string[] {
  const out: string[] = [];
  const clause = h.envWord && !h.early ? /^env=!?(.*)$/is.exec(h.envWord.value) : null;
  if (clause) out.push(envKey(clause[1]!));
  for (const name of h.format ? valueEnvNames(h.format) : []) if (!out.includes(name)) out.push(name);
  return out;
}

/**
 * The variables a value reads, by {@link envKey}, in order: its `%{VAR}e` tags, or an `expr=`
 * string's `%{reqenv:VAR}` (and `%{env:VAR}`, which looks there first).
 */
function valueEnvNames(format: FormatString): string[] {
  const args = format.expr !== undefined ? [...format.expr.matchAll(/%\{(?:reqenv|env):([^}]*)\}/gi)].map((m) => m[1]!) : format.parts.flatMap((p) => (p.kind === 'tag' && p.tag === 'e' ? [p.arg] : []));
  return args.map(envKey);
}

/**
 * The facts as requests see them that pass through sections setting (or unsetting) `known`
 * (keyed by {@link envKey}): every such request has a variable SetEnv sets, with that value
 * unless SetEnvIf or RewriteRule `E=` gave it another first (mod_env only adds its table behind
 * the request's, in fixups); an `UnsetEnv` (null) leaves what those or the server may set.
 */
function knowing(facts: EnvFacts, known: ReadonlyMap<string, string | null>): EnvFacts {
  const others = (name: string, server: ServerScope) => (facts.maySetBeyondModEnv(name) ? facts.valuesBeyondModEnv(name, server) : []);
  return {
    ...facts,
    maySet: (name) => {
      const v = known.get(envKey(name));
      return v === undefined ? facts.maySet(name) : v !== null || facts.maySetBeyondModEnv(name);
    },
    alwaysSet: (name, server) => {
      const v = known.get(envKey(name));
      if (v === undefined) return facts.alwaysSet(name, server);
      return v === null ? undefined : { value: facts.maySetBeyondModEnv(name) ? undefined : v };
    },
    valuesFor: (name, server) => {
      const v = known.get(envKey(name));
      if (v === undefined) return facts.valuesFor(name, server);
      if (v === null) return facts.valuesBeyondModEnv(name, server);
      const values = others(name, server);
      return values.length === 0 ? [] : [...new Set([...values, v])];
    },
  };
}

/** Beyond this many combinations of `%{VAR}e` values, each variable is explored on its own. */
const MAX_ENV_VARIANTS = 16;

/** One assignment of the `%{VAR}e` variables a directive reads, and the request tests that select it. */
interface EnvVariant {
  readonly values: ReadonlyMap<string, string | undefined>;
  readonly literals: readonly ConditionLiteral[];
}

/**
 * The assignments a request can give the variables of a Header value or replacement
 * (`"$1; %{COOKIE_FLAGS}e"`): one per value the configuration may set (SetEnvIf, RewriteRule
 * `E=`, a SetEnv inside a section...) and one where it is unset (httpd prints `(null)`). Each
 * variable is one fact of the request, a chain whose branches are its values, so a variable
 * read twice takes the same value. A variable every request has (a server-level SetEnv) or
 * none can be given a known value has no branches. The directive's own `env=VAR` / `env=!VAR`
 * keeps only the values it allows.
 */
function envVariants(h: HeaderDirective, server: ServerScope, facts: EnvFacts): EnvVariant[] {
  const format = h.format;
  if (!format) return [];
  const clause = h.envWord && !h.early ? /^env=(!?)(.*)$/is.exec(h.envWord.value) : null;
  /** Per variable: its values then "unset" (`count` outcomes, the same for every directive), and those this directive can see. */
  const chains: { name: string; count: number; impossible: bigint; choices: { value: string | undefined; index: number }[] }[] = [];
  const fixed = new Map<string, string | undefined>();
  // Variables by envKey: `%{lpc_x}e` and `%{LPC_X}e` read one variable.
  for (const name of valueEnvNames(format)) {
    const always = facts.alwaysSet(name, server);
    if (chains.some((c) => c.name === name) || fixed.has(name) || always?.value !== undefined) continue;
    const values = facts.valuesFor(name, server);
    if (values.length === 0) continue;
    // A variable every request has takes one of its values, never "unset".
    let choices = [...values, undefined].map((value, index) => ({ value, index })).filter((c) => !always || c.value !== undefined);
    if (clause && envKey(clause[2]!) === name) choices = choices.filter((c) => (clause[1] === '!') === (c.value === undefined));
    if (choices.length === 1) fixed.set(name, choices[0]!.value);
    else chains.push({ name, count: values.length + 1, impossible: always ? 1n << BigInt(values.length) : 0n, choices });
  }
  if (chains.length === 0) return fixed.size > 0 ? [{ values: fixed, literals: [] }] : [];
  const phrase = (name: string, value: string | undefined) =>
    value === undefined ? { holds: `${name} is unset`, fails: `${name} is set` } : { holds: `${name} is "${value}"`, fails: `${name} is not "${value}"` };
  /** Branch `index` of a chain of `count` outcomes of one request fact. */
  const literal = (key: string, text: string, index: number, count: number, said: { holds: string; fails: string }, impossible = 0n): ConditionLiteral => ({
    key,
    holds: true,
    text,
    branch: { index, count, impossible, first: `${key}\u0000first` },
    phrase: said,
  });
  const product = chains.reduce((n, c) => n * c.choices.length, 1);
  if (product > MAX_ENV_VARIANTS) {
    // Too many combinations: each variable on its own, the others unset; which one is set is
    // then one fact of the request, so exactly one of these variants runs.
    const flat = chains.flatMap((c) => c.choices.filter((v) => v.value !== undefined).map(({ value }) => ({ name: c.name, value })));
    const key = `envvalue:${chains.map((c) => c.name).join(',')}`;
    const count = flat.length + 1;
    const text = chains.map((c) => `%{${c.name}}e`).join(' ');
    const unset = new Map<string, string | undefined>([...fixed, ...chains.map((c): [string, undefined] => [c.name, undefined])]);
    return [
      ...flat.map(({ name, value }, i) => ({ values: new Map([...unset, [name, value]]), literals: [literal(key, text, i, count, phrase(name, value))] })),
      { values: unset, literals: [literal(key, text, flat.length, count, { holds: `${chains.map((c) => c.name).join(', ')} are unset`, fails: 'one of them is set' })] },
    ];
  }
  let variants: EnvVariant[] = [{ values: fixed, literals: [] }];
  for (const c of chains) {
    variants = variants.flatMap((v) =>
      c.choices.map(({ value, index }) => ({
        values: new Map([...v.values, [c.name, value]]),
        literals: [...v.literals, literal(`envvalue:${c.name}`, `%{${c.name}}e`, index, c.count, phrase(c.name, value), c.impossible)],
      })),
    );
  }
  return variants;
}

/** The ops of one Header directive: one, or one per assignment of its `%{VAR}e` variables. */
function headerOps(h: HeaderDirective, block: Block, facts: EnvFacts): ApacheHeaderOp[] {
  const variants = envVariants(h, block.server, facts);
  if (variants.length === 0) return [headerOp(h, block, facts)];
  return variants.map((v) => {
    const condition: Condition | null = v.literals.length > 0 ? { text: v.literals.map((l) => l.phrase!.holds).join(' and '), value: 'unknown', literals: v.literals } : null;
    return headerOp(h, block, facts, { condition, env: (name) => (v.values.has(envKey(name)) ? v.values.get(envKey(name)) : facts.alwaysSet(name, block.server)?.value) });
  });
}

function headerOp(h: HeaderDirective, block: Block, facts: EnvFacts, variant?: { readonly condition: Condition | null; readonly env: FormatEnv['env'] }): ApacheHeaderOp {
  const env = h.envWord && !h.early ? envClauseCondition(h.envWord.value, h.envWord.span, facts, block.server) : null;
  const condition: Condition | null = combineConditions([...ifConditions(block), env, variant?.condition ?? null]);
  const edit = h.action === 'edit' || h.action === 'edit*';
  return createApacheHeaderOp({
    span: h.node.span,
    label: directiveLabel(h.node),
    condition,
    action: h.action,
    table: h.table,
    early: h.early,
    header: h.header,
    actionSpan: h.actionWord.span,
    ...(h.conditionWord ? { conditionSpan: h.conditionWord.span } : {}),
    ...(edit && h.valueWord
      ? {
          pattern: {
            source: h.valueWord.value,
            span: h.valueWord.span,
            regex: h.regex?.compiled ?? null,
            ...(h.regex?.error ? { error: h.regex.error } : {}),
          },
        }
      : {}),
    ...(edit && h.subsWord ? { replacement: { text: h.subsWord.value, span: h.subsWord.span } } : {}),
    ...(!edit && h.valueWord ? { value: { text: h.valueWord.value, span: h.valueWord.span } } : {}),
    ...(h.format ? { format: h.format } : {}),
    formatEnv: settledEnv(h.format, variant?.env ?? ((name) => facts.alwaysSet(name, block.server)?.value)),
  });
}

/**
 * The values of the variables `format` reads, looked up now: a lookup kept for later would keep
 * the facts and the section alive, and through them every directive of the configuration, for as
 * long as the model (on a 20,000-vhost file, most of the model's memory).
 */
function settledEnv(format: FormatString | undefined, env: FormatEnv['env']): FormatEnv {
  const names = format ? envNamesRead(format) : [];
  if (names.length === 0) return NO_ENV;
  // A loop, not a callback: a closure here reading `env` would put it in the context the returned lookup keeps.
  const values = new Map<string, string | undefined>();
  for (const n of names) values.set(n, env(n));
  return lookupIn(values);
}

const lookupIn = (values: ReadonlyMap<string, string | undefined>): FormatEnv => ({ env: (name) => values.get(name) });

const NO_ENV: FormatEnv = { env: () => undefined };

function mapping(node: DirectiveNode): PlacedMapping | null {
  const [fake, real] = node.args;
  if (!fake || !real) return null;
  return { fake: fake.value, real: real.value, span: node.span, focus: real.span, label: directiveLabel(node), interpolate: node.args.length === 3 };
}

/**
 * `ProxyErrorOverride on|off [code...]` as mod_proxy.c `set_proxy_error_override` reads its
 * words, one at a time: a code must come after `on` in the same section (a later line may add
 * some), be numeric and a 4xx or 5xx (`strtol`: `404x` is 404). What httpd says when it refuses.
 */
function errorOverrideRefusal(node: DirectiveNode, state: Map<Block, boolean>, block: Block): { span: Span; message: string } | null {
  if (node.args.length === 0) return { span: node.nameWord.span, message: `${node.name} requires at least one argument, use our error handling pages instead of the servers' we are proxying` };
  for (const w of node.args) {
    const word = w.value.toLowerCase();
    if (word === 'on' || word === 'off') {
      state.set(block, word === 'on');
      continue;
    }
    const on = state.get(block);
    if (on === undefined) return { span: w.span, message: 'ProxyErrorOverride first parameter must be one of: off | on' };
    if (!/^[0-9]/.test(word)) return { span: w.span, message: 'ProxyErrorOverride: status codes to intercept must be numeric' };
    if (!on) return { span: w.span, message: "ProxyErrorOverride: status codes must follow a value of 'on'" };
    const code = Number(/^[0-9]+/.exec(word)![0]);
    if (code < 400 || code >= 600) return { span: w.span, message: 'ProxyErrorOverride: status codes to intercept must be valid HTTP Status Codes >=400 && <600' };
  }
  return null;
}

/**
 * The ap_expr of a directive that parses one at startup, and what httpd says when it refuses it:
 * `SetEnvIfExpr expr` (it sets the variables `env=` reads; mod_setenvif.c), `RewriteCond expr
 * "…"` (mod_rewrite.c) and `Require [not] expr …` (mod_authz_core.c `expr_parse_config`: the
 * rest of the line as written, one pair of surrounding double quotes removed).
 */
function exprDirectiveRefusal(node: DirectiveNode): { span: Span; message: string } | null {
  const a = node.args;
  if (node.lname === 'setenvifexpr') {
    const refused = a[0] ? exprRefusal(`Could not parse expression "${a[0].value}"`, a[0].value) : undefined;
    return refused ? { span: a[0]!.span, message: refused } : null;
  }
  if (node.lname === 'rewritecond') {
    if (a[0]?.value !== 'expr' || !a[1]) return null;
    const e = exprError(a[1].value);
    return e ? { span: a[1].span, message: e.fatal ? e.message : `RewriteCond: cannot compile expression "${a[1].value}" ${e.message}` } : null;
  }
  const at = a[0]?.value === 'not' ? 1 : 0;
  if (a[at]?.value !== 'expr' || a.length <= at + 1) return null;
  const rest = a.slice(at + 1);
  let line = rest.map((w) => w.raw).join(' ');
  if (line.length > 1 && line.startsWith('"') && line.endsWith('"')) line = line.slice(1, -1);
  const refused = exprRefusal('Cannot parse expression in require line', line);
  return refused ? { span: { ...rest[0]!.span, end: rest[rest.length - 1]!.span.end }, message: refused } : null;
}

export function buildOps(tree: ScopeTree, facts: EnvFacts): OpsResult {
  /** `ProxyErrorOverride` of each section so far: on (true), off, or not set (absent). */
  const overrides = new Map<Block, boolean>();
  const byBlock = new Map<Block, CookieOp[]>();
  const mappings = new Map<Block, BlockMappings>();
  const ops: CookieOp[] = [];
  const headers = new Map<CookieOp, HeaderDirective>();
  const blockOf = new Map<CookieOp, Block>();
  const problems: Problem[] = [];
  const flagChanges: { order: number; flags: ApacheRegexFlags }[] = [];
  const orders = new Map<DirectiveNode, number>();
  let flags = APACHE_DEFAULT_REGEX_FLAGS;
  const add = (block: Block, op: CookieOp) => {
    const list = byBlock.get(block) ?? [];
    list.push(op);
    byBlock.set(block, list);
    ops.push(op);
  };
  for (const placed of tree.directives) {
    const { node, block, order }: PlacedDirective = placed;
    orders.set(node, order);
    switch (node.lname) {
      case 'regexdefaultoptions': {
        if (block.server.vhost !== null) {
          problems.push({ span: node.nameWord.span, message: 'Apache refuses to start: "RegexDefaultOptions cannot occur within <VirtualHost> section".', kind: 'refused' });
          break;
        }
        const next = applyRegexDefaultOptions(flags, node.args.map((w) => w.value));
        if ('error' in next) problems.push({ span: node.args[next.index]!.span, message: `Apache refuses to start: "${next.error}".`, kind: 'refused' });
        else {
          flags = next;
          flagChanges.push({ order, flags });
        }
        break;
      }
      case 'header':
      case 'requestheader': {
        const h = readHeaderDirective(node, flags);
        if ('message' in h) {
          problems.push({ span: h.span, message: h.message, kind: 'refused' });
          break;
        }
        // Another header matters when it may hold a control character: httpd then answers 500.
        if (node.lname === 'header' && (isSetCookie(h.header) || writesControl(h.format))) {
          for (const op of headerOps(h, block, facts)) {
            headers.set(op, h);
            blockOf.set(op, block);
            add(block, op);
          }
        }
        break;
      }
      case 'proxyerroroverride': {
        const refused = errorOverrideRefusal(node, overrides, block);
        if (refused) problems.push({ span: refused.span, message: `Apache refuses to start: "${refused.message}".`, kind: 'refused' });
        break;
      }
      case 'proxypassinterpolateenv': {
        // A FLAG directive: its first word must be on or off, what follows is not read.
        const flag = node.args[0]?.value.toLowerCase();
        if (flag !== 'on' && flag !== 'off') problems.push({ span: node.args[0]?.span ?? node.nameWord.span, message: `Apache refuses to start: "${node.name} must be On or Off".`, kind: 'refused' });
        break;
      }
      case 'setenvifexpr':
      case 'rewritecond':
      case 'require': {
        const refused = exprDirectiveRefusal(node);
        if (refused) problems.push({ span: refused.span, message: `Apache refuses to start: "${refused.message}".`, kind: 'refused' });
        break;
      }
      case 'proxypassreversecookiepath':
      case 'proxypassreversecookiedomain': {
        const m = node.args.length <= 3 ? mapping(node) : null;
        if (!m) {
          problems.push({ span: node.nameWord.span, message: `Apache refuses to start: "${node.name} takes two or three arguments".`, kind: 'refused' });
          break;
        }
        const entry = mappings.get(block) ?? { paths: [], domains: [] };
        (node.lname === 'proxypassreversecookiepath' ? entry.paths : entry.domains).push(m);
        mappings.set(block, entry);
        break;
      }
      default:
        break;
    }
  }
  const flagsAt: FlagsAt = (order) => {
    let current = APACHE_DEFAULT_REGEX_FLAGS;
    for (const c of flagChanges) {
      if (c.order > order) break;
      current = c.flags;
    }
    return current;
  };
  const rebuilt: CookieOp[] = [];
  const made = new Map<string, ApacheHeaderOp[]>();
  const withKnownEnv = (pipeline: readonly CookieOp[], known: ReadonlyMap<string, string | null>): CookieOp[] => {
    if (known.size === 0) return [...pipeline];
    const out: CookieOp[] = [];
    const done = new Set<HeaderDirective>();
    for (const op of pipeline) {
      const h = headers.get(op);
      const block = blockOf.get(op);
      const names = h ? envNamesOf(h) : [];
      // Only what the sections decide otherwise than the whole configuration does.
      const differs = (n: string) => {
        const v = known.get(n);
        if (v === undefined || !block) return false;
        const always = facts.alwaysSet(n, block.server);
        return v === null ? always !== undefined || facts.maySet(n) : always?.value !== v;
      };
      const read = names.filter(differs);
      if (!h || !block || read.length === 0) {
        out.push(op);
        continue;
      }
      // The variants of one directive sit together in the pipeline: they are replaced once.
      if (done.has(h)) continue;
      done.add(h);
      const key = `${h.node.span.file}\u0000${h.node.span.start}\u0000${block.order}\u0000${JSON.stringify(read.map((n) => [n, known.get(n)]))}`;
      let ops = made.get(key);
      if (!ops) {
        ops = headerOps(h, block, knowing(facts, known));
        made.set(key, ops);
        for (const o of ops) {
          headers.set(o, h);
          blockOf.set(o, block);
          rebuilt.push(o);
        }
      }
      out.push(...ops);
    }
    return out;
  };
  return { byBlock, mappings, ops, headers, problems, flagsAt, orderOf: (node) => orders.get(node) ?? 0, withKnownEnv, rebuilt, facts };
}
