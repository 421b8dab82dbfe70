/**
 * Request-time conditions of `Header` directives and what the configuration proves about them.
 *
 * - `env=VAR` / `env=!VAR` test `r->subprocess_env` when the output filter runs
 *   (mod_headers.c `do_headers_fixup`). A variable is known UNSET when no directive in the whole
 *   configuration can set it (SetEnv, SetEnvIf*, BrowserMatch*, PassEnv, RewriteRule `E=`) and it
 *   is not one the server sets itself (CGI variables of `ap_add_common_vars`/`ap_add_cgi_vars`,
 *   `HTTP_*`, mod_ssl's `HTTPS`/`SSL_*`, mod_unique_id, mod_rewrite's `SCRIPT_URL`...). It is
 *   known SET for a directive of server S when a `SetEnv` outside every section of the main
 *   server or of S sets it (mod_env applies it to every request of S; main-server ones are
 *   inherited by every virtual host) and nothing anywhere unsets it. Otherwise: unknown.
 * - `expr=` and `<If>`/`<ElseIf>`/`<Else>` are ap_expr expressions: only the literals `true`
 *   and `false` are decided; an `<ElseIf>`/`<Else>` is false when an earlier branch is true.
 * Undecided conditions carry their tests as literals keyed by the fact they read (`expr:<text>`,
 * `env:<NAME>`): the simulation explores both outcomes of each, and the same test met twice on
 * one request comes out the same (src/model/simulate.ts).
 */
import type { Condition, ConditionLiteral } from '../../model/header-rewrite.js';
import type { Span } from '../../source.js';
import type { Block, ServerScope } from './scopes.js';
import type { DirectiveNode } from './syntax.js';

const SERVER_VARS = new Set([
  'PATH', 'SERVER_SIGNATURE', 'SERVER_SOFTWARE', 'SERVER_NAME', 'SERVER_ADDR', 'SERVER_PORT', 'REMOTE_ADDR', 'REMOTE_PORT',
  'REMOTE_HOST', 'REMOTE_USER', 'REMOTE_IDENT', 'AUTH_TYPE', 'DOCUMENT_ROOT', 'REQUEST_SCHEME', 'CONTEXT_PREFIX',
  'CONTEXT_DOCUMENT_ROOT', 'SERVER_ADMIN', 'SCRIPT_FILENAME', 'GATEWAY_INTERFACE', 'SERVER_PROTOCOL', 'REQUEST_METHOD',
  'QUERY_STRING', 'REQUEST_URI', 'SCRIPT_NAME', 'PATH_INFO', 'PATH_TRANSLATED', 'CONTENT_TYPE', 'CONTENT_LENGTH',
  'HTTPS', 'UNIQUE_ID', 'SCRIPT_URL', 'SCRIPT_URI', 'REDIRECT_STATUS', 'REDIRECT_URL', 'REDIRECT_QUERY_STRING',
  'H2', 'H2PUSH', 'H2_PUSH', 'H2_PUSHED', 'H2_PUSHED_ON', 'H2_STREAM_ID', 'H2_STREAM_TAG', 'LD_LIBRARY_PATH',
  // mod_proxy_balancer's exported variables (its documentation; set for requests a balancer:// serves):
  // `Header add Set-Cookie "ROUTEID=.%{BALANCER_WORKER_ROUTE}e; path=/" env=BALANCER_ROUTE_CHANGED`.
  'BALANCER_SESSION_STICKY', 'BALANCER_SESSION_ROUTE', 'BALANCER_NAME', 'BALANCER_WORKER_NAME', 'BALANCER_WORKER_ROUTE',
  'BALANCER_ROUTE_CHANGED',
]);

/**
 * The name under which httpd finds a variable: `subprocess_env` is an apr table, whose keys
 * compare with `strcasecmp`, so `env=lpc_x`, `%{LPC_X}e` and `SetEnv Lpc_X` are one variable
 * (checked on httpd 2.4.71). ASCII letters only, as strcasecmp folds them.
 */
export function envKey(name: string): string {
  return name.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

function serverProvided(name: string): boolean {
  return SERVER_VARS.has(name) || /^(?:HTTP_|SSL_|REDIRECT_)/.test(name);
}

export interface EnvFacts {
  /** Something in the configuration, or the server itself, may set the variable. */
  maySet(name: string): boolean;
  /**
   * Every request of `server` has it (server-level `SetEnv`, never unset), with its value when
   * that is the only one it can have: a value SetEnvIf or RewriteRule `E=` give first is the one
   * `%{VAR}e` reads (mod_env overlays its table last, and an apr table returns a name's first
   * entry: checked on 2.4.71), so another value somewhere leaves `value` undefined.
   */
  alwaysSet(name: string, server: ServerScope): { value: string | undefined } | undefined;
  /**
   * The values the configuration may give the variable on some request of `server`, in reading
   * order, each once: `SetEnv`, `SetEnvIf*`/`BrowserMatch*` (`VAR=value`, a bare `VAR` is "1")
   * and `RewriteRule [E=VAR:value]` of that server or of the main server, whose mod_env and
   * mod_setenvif settings every virtual host inherits (its RewriteRules are not inherited:
   * `RewriteOptions Inherit` is off by default). Empty when only the server itself or `PassEnv`
   * can set it: a value the linter cannot know.
   */
  valuesFor(name: string, server: ServerScope): readonly string[];
  /**
   * What is left when mod_env does not set the variable (an `UnsetEnv` in a section cancels the
   * `SetEnv`/`PassEnv` of the sections around it, and nothing else: mod_env only overlays its own
   * table on the request's variables, in fixups): whether SetEnvIf*, BrowserMatch*, RewriteRule
   * `E=` or the server itself may still set it ...
   */
  maySetBeyondModEnv(name: string): boolean;
  /** ... and the values they may give it on some request of `server` (see {@link valuesFor}). */
  valuesBeyondModEnv(name: string, server: ServerScope): readonly string[];
}

/** `SetEnvIf`-style variable lists: `VAR`, `VAR=value`, `!VAR`. */
function envSpecs(words: readonly string[]): { name: string; unset: boolean; value: string }[] {
  return words.map((w) => {
    const unset = w.startsWith('!');
    const body = unset ? w.slice(1) : w;
    const eq = body.indexOf('=');
    return { name: envKey(eq === -1 ? body : body.slice(0, eq)), unset, value: eq === -1 ? '1' : body.slice(eq + 1) };
  });
}

/** RewriteRule flags `[E=VAR:val,env=!VAR]`; `E=VAR` without a value sets it empty. */
function rewriteEnv(flags: string | undefined): { name: string; unset: boolean; value: string }[] {
  if (!flags?.startsWith('[')) return [];
  return flags
    .slice(1, flags.endsWith(']') ? -1 : undefined)
    .split(',')
    .map((f) => /^(?:e|env)=(!?)([^:]*)(?::(.*))?$/is.exec(f.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: envKey(m[2]!), unset: m[1] === '!', value: m[3] ?? '' }));
}

/** Request_URI patterns that match every request path (which always starts with `/`). */
const MATCHES_EVERY_PATH: ReadonlySet<string> = new Set(['', '^', '.*', '^.*', '^.*$', '^/', '/', '^/.*', '^/.*$', '.']);

/** The directives {@link collectEnvFacts} reads (others' arguments are never split). */
const ENV_DIRECTIVES: ReadonlySet<string> = new Set([
  'setenv',
  'passenv',
  'unsetenv',
  'setenvif',
  'setenvifnocase',
  'setenvifexpr',
  'browsermatch',
  'browsermatchnocase',
  'rewriterule',
]);

/**
 * The variables a regex section sets for the requests it matches: httpd registers each named
 * group of `<LocationMatch>`, `<Location ~>`, `<DirectoryMatch>`, `<FilesMatch>` and
 * `<ProxyMatch>` as `MATCH_<NAME>` (upper-cased; server/core.c `ap_regname(..., "MATCH_", 1)`)
 * and the walk puts the captured text in `subprocess_env` (server/request.c), where `env=` and
 * `%{VAR}e` read it (checked on 2.4.71, also for a section with no directive). PCRE's
 * `(?<name>`, `(?'name'` and `(?P<name>` all name a group; `(?<=`/`(?<!` are lookbehinds.
 */
const NAMED_GROUP = /\(\?(?:P?<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')/y;

export function sectionMatchVars(pattern: string): string[] {
  const out: string[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
      continue;
    }
    if (c !== '(') continue;
    NAMED_GROUP.lastIndex = i;
    const m = NAMED_GROUP.exec(pattern);
    if (m) out.push(envKey(`MATCH_${m[1] ?? m[2]!}`));
  }
  return out;
}

export function collectEnvFacts(directives: readonly { readonly node: DirectiveNode; readonly block: Block }[]): EnvFacts {
  const set = new Set<string>();
  /** Variables something other than mod_env may set. */
  const others = new Set<string>();
  // Named groups of regex sections: set (to the text they capture) by the server itself.
  const servers = new Set<ServerScope>();
  for (const { block } of directives) servers.add(block.server);
  for (const server of servers) {
    for (const block of server.blocks) {
      if (!block.regex || block.kind === 'if') continue;
      for (const name of sectionMatchVars(block.arg)) {
        set.add(name);
        others.add(name);
      }
    }
  }
  const unset = new Set<string>();
  const perServer = new Map<ServerScope, Map<string, string>>();
  /** Values given per variable, with the server of the directive and whether vhosts inherit it. */
  const given = new Map<string, { value: string; server: ServerScope; inherited: boolean; modEnv: boolean }[]>();
  const give = (name: string, value: string, block: Block, inherited = true, modEnv = false) => {
    let list = given.get(name);
    if (!list) given.set(name, (list = []));
    list.push({ value, server: block.server, inherited, modEnv });
    if (!modEnv) others.add(name);
  };
  for (const { node, block } of directives) {
    if (!ENV_DIRECTIVES.has(node.lname)) continue;
    const a = node.args.map((w) => w.value);
    switch (node.lname) {
      case 'setenv':
        if (a[0]) {
          const name = envKey(a[0]);
          set.add(name);
          give(name, a[1] ?? '', block, true, true);
          if (block.kind === 'server') {
            const vars = perServer.get(block.server) ?? new Map<string, string>();
            vars.set(name, a[1] ?? '');
            perServer.set(block.server, vars);
          }
        }
        break;
      case 'passenv':
        for (const n of a) set.add(envKey(n));
        break;
      case 'unsetenv':
        for (const n of a) unset.add(envKey(n));
        break;
      case 'setenvif':
      case 'setenvifnocase':
        for (const s of envSpecs(a.slice(2))) {
          (s.unset ? unset : set).add(s.name);
          if (!s.unset) give(s.name, s.value, block);
          // A pattern every request path matches sets the variable for every request of the server.
          if (!s.unset && block.kind === 'server' && /^request_uri$/i.test(a[0] ?? '') && MATCHES_EVERY_PATH.has(a[1] ?? '\u0000')) {
            const vars = perServer.get(block.server) ?? new Map<string, string>();
            vars.set(s.name, s.value);
            perServer.set(block.server, vars);
          }
        }
        break;
      case 'setenvifexpr':
      case 'browsermatch':
      case 'browsermatchnocase':
        for (const s of envSpecs(a.slice(1))) {
          (s.unset ? unset : set).add(s.name);
          if (!s.unset) give(s.name, s.value, block);
        }
        break;
      case 'rewriterule':
        for (const s of rewriteEnv(a[a.length - 1])) {
          (s.unset ? unset : set).add(s.name);
          if (!s.unset) give(s.name, s.value, block, false);
        }
        break;
      default:
        break;
    }
  }
  const valuesOf = (name: string, server: ServerScope, modEnv: boolean) => {
    const out: string[] = [];
    for (const g of given.get(envKey(name)) ?? []) {
      const applies = (modEnv || !g.modEnv) && (g.server === server || (g.inherited && g.server.vhost === null));
      if (applies && !out.includes(g.value)) out.push(g.value);
    }
    return out;
  };
  return {
    maySet: (written) => {
      const name = envKey(written);
      return set.has(name) || serverProvided(name);
    },
    alwaysSet: (written, server) => {
      const name = envKey(written);
      if (unset.has(name)) return undefined;
      let v = perServer.get(server)?.get(name);
      for (const [s, vars] of perServer) if (v === undefined && s.vhost === null) v = vars.get(name);
      if (v === undefined) return undefined;
      const values = valuesOf(name, server, true);
      return { value: values.length === 1 && values[0] === v && !serverProvided(name) ? v : undefined };
    },
    valuesFor: (name, server) => valuesOf(name, server, true),
    maySetBeyondModEnv: (name) => others.has(envKey(name)) || serverProvided(envKey(name)),
    valuesBeyondModEnv: (name, server) => valuesOf(name, server, false),
  };
}

function literal(expr: string): boolean | 'unknown' {
  const t = exprText(expr);
  if (t === 'true') return true;
  if (t === 'false') return false;
  return 'unknown';
}

/** An ap_expr as one comparable text: quotes and outer blanks removed. */
function exprText(expr: string): string {
  return expr.trim().replace(/^"(.*)"$/s, '$1').trim();
}

/**
 * `%{REQUEST_URI} =~ /re/`, `=~ m#re#`, `!~ ...` (ap_expr's regex match on the request path):
 * the pattern, so a message can name a path the test selects. Other expressions: undefined.
 */
function uriTestOf(expr: string): { source: string; negated: boolean } | undefined {
  const m = /^%\{(?:REQUEST_URI|SCRIPT_URL|DOCUMENT_URI)\}\s*([=!])~\s*(?:m(.)|(\/))(.*)$/s.exec(exprText(expr));
  if (!m) return undefined;
  const delimiter = m[2] ?? m[3]!;
  const body = m[4]!;
  if (!body.endsWith(delimiter) || body.length < 1) return undefined;
  const source = body.slice(0, -1);
  if (source.includes(delimiter)) return undefined;
  return { source, negated: m[1] === '!' };
}

/** A test of an ap_expr, keyed by its text. */
function exprLiteral(expr: string, holds: boolean, text: string): ConditionLiteral {
  const test = uriTestOf(expr);
  return { key: `expr:${exprText(expr)}`, holds, text, ...(test ? { uriTests: [test] } : {}) };
}

/** A condition from its undecided tests (none: always true) or a test known false. */
function fromLiterals(text: string, span: Span | undefined, literals: readonly ConditionLiteral[] | false): Condition {
  const base = span ? { text, span } : { text };
  if (literals === false) return { ...base, value: false };
  if (literals.length === 0) return { ...base, value: true };
  return { ...base, value: 'unknown', literals };
}

/** The condition of an env clause (`env=VAR`, `env=!VAR`, `expr=...`); null for `early`. */
export function envClauseCondition(clause: string, span: Span, facts: EnvFacts, server: ServerScope): Condition | null {
  if (/^env=/i.test(clause)) {
    const negate = clause[4] === '!';
    const name = clause.slice(negate ? 5 : 4);
    const known = facts.alwaysSet(name, server) ? true : facts.maySet(name) ? 'unknown' : false;
    if (known === 'unknown') return fromLiterals(clause, span, [{ key: `env:${envKey(name)}`, holds: !negate, text: `env=${name}` }]);
    return { text: clause, span, value: negate ? !known : known };
  }
  if (/^expr=/i.test(clause)) {
    const value = literal(clause.slice(5));
    if (value !== 'unknown') return { text: clause, span, value };
    return fromLiterals(clause, span, [exprLiteral(clause.slice(5), true, clause)]);
  }
  return null;
}

interface ChainFacts {
  readonly key: string;
  /** Branches a request can take: one per block, plus "none" when there is no `<Else>`. */
  readonly count: number;
  readonly values: readonly (boolean | 'unknown')[];
  /** Bit i: branch i never runs (its expression is false, or an earlier one is always true). */
  readonly impossible: bigint;
  readonly tests: readonly ({ source: string; negated: boolean } | undefined)[];
}

const chainFacts = new WeakMap<readonly Block[], ChainFacts>();

/** What the configuration decides about an `<If>` chain, computed once per chain. */
function factsOf(chain: readonly Block[]): ChainFacts {
  let facts = chainFacts.get(chain);
  if (facts) return facts;
  const hasElse = chain[chain.length - 1]?.ifKind === 'else';
  const count = hasElse ? chain.length : chain.length + 1;
  const values = chain.map((b) => (b.ifKind === 'else' ? true : literal(b.arg)));
  let impossible = 0n;
  let decided = false;
  for (let i = 0; i < count; i++) {
    const v = i < values.length ? values[i]! : true; // "none": runs when every branch fails
    if (decided || v === false) impossible |= 1n << BigInt(i);
    else if (v === true) decided = true;
  }
  const key = `chain:${chain.map((b) => (b.ifKind === 'else' ? '<else>' : exprText(b.arg))).join('\u0001')}`;
  facts = { key, count, values, impossible, tests: chain.map((b) => (b.ifKind === 'else' ? undefined : uriTestOf(b.arg))) };
  chainFacts.set(chain, facts);
  return facts;
}

/** The request-path tests for branch `index` of a chain (its own holds, the earlier ones fail); few enough to try paths. */
function branchTests(facts: ChainFacts, index: number): { source: string; negated: boolean }[] | undefined {
  const out: { source: string; negated: boolean }[] = [];
  for (let j = 0; j <= index && j < facts.tests.length; j++) {
    if (facts.values[j] === false) continue;
    if (j === index && facts.values[j] === true) continue;
    const t = facts.tests[j];
    if (!t) return undefined;
    out.push(j === index ? t : { source: t.source, negated: !t.negated });
    if (out.length > 32) return undefined;
  }
  return out;
}

/**
 * The test a request passes to take branch `index` of an `<If>`/`<ElseIf>`/`<Else>` chain
 * (ap_if_walk runs the first whose expression holds; without `<Else>`, index `chain.length` is
 * "none runs"): false when no request takes it. The chain is one fact of the request, so its
 * branches exclude each other at the cost of one test per block.
 */
function chainLiterals(chain: readonly Block[], index: number): ConditionLiteral[] | false {
  const facts = factsOf(chain);
  if ((facts.impossible >> BigInt(index)) & 1n) return false;
  // Decided: every earlier branch is impossible and this one always holds.
  const mask = (1n << BigInt(index)) - 1n;
  if ((facts.impossible & mask) === mask && (index >= chain.length || facts.values[index] === true)) return [];
  const first = chain[0]!;
  const block = chain[index];
  const elseIfs = chain.length > 2 || (chain.length === 2 && block?.ifKind !== 'else');
  const alternatives = `${first.label}${elseIfs ? ' nor its <ElseIf>' : ''}`;
  // The negation first: a long expression is clipped in messages, and "neither" survives it.
  const phrase =
    block === undefined || block.ifKind === 'else'
      ? { holds: `neither ${alternatives} holds`, fails: `${first.label}${elseIfs ? ' or one of its <ElseIf>' : ''} holds` }
      : { holds: `${block.label} holds`, fails: `${block.label} does not hold` };
  // The first branch is its own expression: the same `<If>` text elsewhere (a second `<If>`,
  // an `expr=`) is the same test of the request. The later branches add which of them runs.
  const v0 = facts.values[0];
  if (index === 0) return v0 === 'unknown' ? [exprLiteral(first.arg, true, first.label)] : [];
  const out: ConditionLiteral[] = v0 === 'unknown' ? [exprLiteral(first.arg, false, first.label)] : [];
  const impossible = facts.impossible | 1n;
  const all = (1n << BigInt(facts.count)) - 1n;
  if ((impossible | (1n << BigInt(index))) === all) return out; // no other branch can run
  const tests = branchTests(facts, index);
  out.push({
    key: facts.key,
    holds: true,
    text: block?.label ?? `no branch of ${first.label}`,
    branch: { index, count: facts.count, impossible, first: exprLiteral(first.arg, true, first.label).key },
    phrase,
    ...(tests ? { uriTests: tests } : {}),
  });
  return out;
}

/** The test a block of an `<If>`/`<ElseIf>`/`<Else>` chain needs: that the request takes its branch. */
function ifLiterals(block: Block): ConditionLiteral[] | false {
  return chainLiterals(block.chain ?? [block], block.chainIndex ?? 0);
}

/** The `<If>`-family blocks from the outermost to `block`. */
function ifAncestry(block: Block): Block[] {
  const out: Block[] = [];
  for (let b: Block | null = block; b; b = b.parent) if (b.kind === 'if' && b.section) out.unshift(b);
  return out;
}

/**
 * When the `<If>`-family blocks around `block` run, as disjoint sets of tests that together cover
 * every request: `runs` (false: never), and `fails`, one set per way to miss it (an outer chain
 * takes another branch, or it does and the next one takes another...). Each set is a conjunction
 * the simulation can assume, where "not in this branch" is not: it is "in one of the others".
 */
export function ifCases(block: Block): { readonly runs: readonly ConditionLiteral[] | false; readonly fails: readonly (readonly ConditionLiteral[])[] } {
  const fails: ConditionLiteral[][] = [];
  const prefix: ConditionLiteral[] = [];
  for (const b of ifAncestry(block)) {
    const chain = b.chain ?? [b];
    const own = b.chainIndex ?? 0;
    const count = factsOf(chain).count;
    for (let j = 0; j < count; j++) {
      if (j === own) continue;
      const other = chainLiterals(chain, j);
      if (other !== false) fails.push([...prefix, ...other]);
    }
    const mine = chainLiterals(chain, own);
    if (mine === false) return { runs: false, fails: [[]] };
    prefix.push(...mine);
  }
  return { runs: prefix, fails };
}

/** The conditions of the `<If>`-family blocks around a directive, outermost first. */
export function ifConditions(block: Block): Condition[] {
  return ifAncestry(block).map((b) => fromLiterals(b.label, b.section!.span, ifLiterals(b)));
}

/** All conditions must hold: false when one is false, true when all are true. */
export function combineConditions(conditions: readonly (Condition | null)[]): Condition | null {
  const list = conditions.filter((c): c is Condition => c !== null);
  if (list.length === 0) return null;
  if (list.length === 1) return list[0]!;
  const text = list.map((c) => c.text).join(' and ');
  const span = list[list.length - 1]!.span;
  if (list.some((c) => c.value === false)) return fromLiterals(text, span, false);
  return fromLiterals(text, span, list.flatMap((c) => (c.value === 'unknown' ? (c.literals ?? [{ key: `cond:${c.text}`, holds: true, text: c.text }]) : [])));
}
