/**
 * The endpoints of an Apache configuration: for the main server and each `<VirtualHost>`,
 *
 * - one per representative request path: `/`, every non-regex `<Location>`, `ProxyPass`,
 *   `Alias` and `ScriptAlias` path, and the path of each plain `<Directory>` below the document
 *   root or an `Alias` that holds a cookie operation or declares a backend (the main server's paths
 *   are visited in every virtual host, whose requests its sections and `ProxyPass` rules also serve);
 * - one per pattern section that holds a cookie operation or declares a backend
 *   (`<LocationMatch>`, `<Location ~>`, wildcard `<Location>`, `<Directory ~>`, `<Files>`,
 *   `<FilesMatch>`) and per `ProxyPassMatch`, `ScriptAliasMatch` and `RewriteRule [P]`: no single
 *   path stands for them, so they get no `requestPath`; the section and its ancestors are applied
 *   as if they matched, together with the sections that match every path. A file section gets one
 *   per place its files are served from (`/`, `Alias`, the plain sections above: `› <FilesMatch
 *   \.php$> via <Location /app/>`), requesting a file it selects when one can be named.
 *
 * Pipelines are in execution order: the server-level `early` directives (post_read_request),
 * the `ProxyPassReverseCookie*` mapping (applied while mod_proxy reads the response), the
 * `ProxyErrorOverride` decision (httpd's own error page: see apache-error-override.ts), then every
 * other `Header` directive in merge order.
 *
 * Labels: `main server`, `<VirtualHost *:443>`, and below it `› <Location /jira>`,
 * `› ProxyPass /app`, `› <Directory /var/www> › <FilesMatch \.php$>`.
 *
 * Backends: what routes the path (see routing.ts). `possibleBackends`: the declared kinds; when
 * the whole configuration declares no backend (a fragment), every default kind; when it declares
 * some but not for this path: every default kind for a virtual host that declares none at all, not
 * even through the main server (its application is something the linter does not recognise, e.g.
 * mod_jk mounted elsewhere), else none: the path serves static files, which send no cookies, and
 * the main server of a configuration with virtual hosts rarely serves anything.
 */
import type { BackendKind } from '../../model/backends.js';
import type { Condition, ConditionLiteral, CookieOp, Endpoint, ScopeName } from '../../model/header-rewrite.js';
import { createCookieReverseOp, type CookieMapping } from '../../model/ops/apache-cookie-reverse.js';
import { createApacheErrorOverrideOp } from '../../model/ops/apache-error-override.js';
import { createApacheHeaderCheckOp } from '../../model/ops/apache-header-check.js';
import { opOfKind } from '../../model/ops/index.js';
import { requestFactsOp, type RequestFact } from '../../model/ops/request-facts.js';
import { testsUnderPrefix } from '../../model/requests.js';
import { semanticKey } from '../../model/signature.js';
import type { Span } from '../../source.js';
import { declaresBackend, kindsOfUrl } from './backends.js';
import { envKey, ifCases, type EnvFacts } from './conditions.js';
import { directoryMatches, filesMatches, locationMatches, locationPrefix, mergedBlocks, proxyMatches, regexMatches, requiredPrefix, wildcardPrefix, type FlagsAt } from './matching.js';
import { directiveLabel, type BlockMappings, type OpsResult, type PlacedMapping } from './ops.js';
import { hasWildcard } from './fnmatch.js';
import { hasCookieFlag, perDirCookieOps, rewriteCookieOps, rulePatternMatches, type PerDirRequest } from './rewrite-cookies.js';
import { kindsOf, prefixMatches, route, type Route, type RoutingContext } from './routing.js';
import { ancestry, type Block, type PlacedDirective, type ScopeTree, type ServerScope } from './scopes.js';
import type { DirectiveNode } from './syntax.js';

export interface EndpointContext {
  readonly tree: ScopeTree;
  readonly ops: OpsResult;
  readonly routing: RoutingContext;
  readonly defaultBackends: readonly BackendKind[];
}

interface PathSource {
  readonly label: string | null;
  readonly span: Span;
  /** The `<Location>` section it comes from. */
  readonly section?: { readonly span: Span; readonly close: Span | null };
}

/** The blocks of a server that hold `SetEnv`/`UnsetEnv`, by variable (computed once per server). */
const envSetters = new WeakMap<ServerScope, Map<string, Set<Block>>>();

function settersOf(server: ServerScope): Map<string, Set<Block>> {
  let map = envSetters.get(server);
  if (map) return map;
  map = new Map();
  for (const b of [server.root, ...server.blocks]) {
    for (const d of b.directives) {
      const names = d.lname === 'setenv' ? d.args.slice(0, 1) : d.lname === 'unsetenv' ? d.args : [];
      for (const a of names) {
        const name = envKey(a.value);
        let set = map.get(name);
        if (!set) map.set(name, (set = new Set()));
        set.add(b);
      }
    }
  }
  envSetters.set(server, map);
  return map;
}

/**
 * What mod_env gives every request of an endpoint: `SetEnv` and `UnsetEnv` of the sections all
 * its requests pass through, merged in order (a later section overrides). mod_env applies them in
 * the fixups phase, after SetEnvIf and per-directory RewriteRule E=, so they are final. Only the
 * server and plain (prefix) sections count: a pattern (`<ProxyMatch>` included), `<Files>` or
 * `<If>` section may match this endpoint's sample request and not another. A variable that any other section of the server
 * (or of the main server) sets or unsets is left unknown: that section may hold some of the
 * endpoint's requests (a sub-location).
 */
function knownEnv(blocks: readonly Block[]): Map<string, string | null> {
  const known = new Map<string, string | null>();
  const counted = new Set<Block>();
  for (const b of blocks) {
    if (b.kind === 'if' || b.kind === 'files' || (b.kind !== 'server' && isPatternBlock(b)) || (b.kind === 'proxy' && (b.regex || hasWildcard(b.arg)))) continue;
    counted.add(b);
    for (const d of b.directives) {
      if (d.lname === 'setenv' && d.args[0]) known.set(envKey(d.args[0].value), d.args[1]?.value ?? '');
      else if (d.lname === 'unsetenv') for (const a of d.args) known.set(envKey(a.value), null);
    }
  }
  const servers = new Set(blocks.map((b) => b.server));
  for (const name of [...known.keys()]) {
    for (const server of servers) {
      for (const b of settersOf(server).get(name) ?? []) if (!counted.has(b)) known.delete(name);
    }
  }
  return known;
}

/** Entries of one merged section that a request may meet, with the tests that select them. */
interface MappingAlternative {
  readonly sets: readonly ConditionLiteral[];
  readonly paths: readonly CookieMapping[];
  readonly domains: readonly CookieMapping[];
}

/**
 * The `ProxyPassReverseCookie*` entries of one merged section as alternatives, exactly one of
 * which a request meets: an `<If>` section's entries count only on requests where it runs (they
 * are merged after every other section's, first match wins in the merged list), and interpolated
 * entries differ with the values of their variables.
 */
interface MappingGroup {
  /** The alternatives where the section does not run first, then those where it does. */
  readonly alternatives: readonly MappingAlternative[];
  /** The alternative taken when there are too many to explore: the first where it runs. */
  readonly held: number;
}

/**
 * Beyond this many mapping lists, the undecided `<If>` sections and variables that would add
 * more count as if they held (the branches of one chain add one list each; independent sections
 * double them).
 */
const MAX_MAPPING_VARIANTS = 16;

/**
 * `proxy_interpolate`: each `${NAME}` (up to the next `}`) replaced by the variable's value, or
 * removed when it is unset; a `${` without `}` and what follows stay as written.
 */
function interpolate(text: string, value: (name: string) => string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const start = rest.indexOf('${');
    const end = start === -1 ? -1 : rest.indexOf('}', start + 2);
    if (end === -1) return out + rest;
    out += rest.slice(0, start) + value(rest.slice(start + 2, end));
    rest = rest.slice(end + 1);
  }
}

/**
 * The values interpolated entries of `m` can take: with `ProxyPassInterpolateEnv On`, mod_proxy
 * replaces `${NAME}` in its fixups hook (`proxy_fixup`, hooked first), before mod_env's: a
 * `SetEnv` value is not there yet (2.4.71 gives `path=` for `${VAR}` only SetEnv sets), those of
 * SetEnvIf, BrowserMatch and RewriteRule `E=` are. One assignment per combination of the values
 * the configuration gives each variable and "unset", with the request tests that select it
 * (each variable is one fact of the request: `envfixup:NAME`).
 */
function interpolations(m: BlockMappings, server: ServerScope, facts: EnvFacts): { literals: ConditionLiteral[]; paths: CookieMapping[]; domains: CookieMapping[] }[] {
  const names: string[] = [];
  for (const e of [...m.paths, ...m.domains]) {
    if (!e.interpolate) continue;
    for (const [, name] of `${e.fake}\u0000${e.real}`.matchAll(/\$\{([^}\u0000]*)\}/g)) if (!names.includes(envKey(name!))) names.push(envKey(name!));
  }
  let assignments: { values: Map<string, string>; literals: ConditionLiteral[] }[] = [{ values: new Map(), literals: [] }];
  for (const name of names) {
    const values = facts.valuesBeyondModEnv(name, server);
    const count = values.length + 1;
    const literal = (index: number, value: string | undefined): ConditionLiteral => ({
      key: `envfixup:${name}`,
      holds: true,
      text: `\${${name}}`,
      branch: { index, count, impossible: 0n, first: `envfixup:${name}\u0000first` },
      phrase: value === undefined ? { holds: `${name} is unset when mod_proxy reads it`, fails: `${name} is set when mod_proxy reads it` } : { holds: `${name} is "${value}" when mod_proxy reads it`, fails: `${name} is not "${value}" when mod_proxy reads it` },
    });
    const next = assignments.flatMap((a) =>
      count === 1 ? [{ values: new Map([...a.values, [name, '']]), literals: a.literals }] : [...values, undefined].map((v, i) => ({ values: new Map([...a.values, [name, v ?? '']]), literals: [...a.literals, literal(i, v)] })),
    );
    // Too many combinations: the variable is taken as unset.
    assignments = next.length <= MAX_MAPPING_VARIANTS ? next : assignments.map((a) => ({ values: new Map([...a.values, [name, '']]), literals: a.literals }));
  }
  const apply = (e: PlacedMapping, values: ReadonlyMap<string, string>): CookieMapping => {
    if (!e.interpolate || names.length === 0) return e;
    const value = (name: string) => values.get(envKey(name)) ?? '';
    return { ...e, fake: interpolate(e.fake, value), real: interpolate(e.real, value) };
  };
  return assignments.map((a) => ({ literals: a.literals, paths: m.paths.map((e) => apply(e, a.values)), domains: m.domains.map((e) => apply(e, a.values)) }));
}

function mappingGroup(b: Block, m: BlockMappings, interpolated: boolean, facts: EnvFacts): MappingGroup | null {
  const cases = b.kind === 'if' ? ifCases(b) : { runs: [], fails: [] };
  if (cases.runs === false) return null;
  const runs = cases.runs;
  const fails = cases.fails.map((sets): MappingAlternative => ({ sets, paths: [], domains: [] }));
  const values = interpolated ? interpolations(m, b.server, facts) : [{ literals: [], paths: m.paths, domains: m.domains }];
  return { alternatives: [...fails, ...values.map((v) => ({ sets: [...runs, ...v.literals], paths: v.paths, domains: v.domains }))], held: fails.length };
}

/** The literals of several cases as one conjunction; null when two of them contradict each other. */
function conjunction(sets: readonly (readonly ConditionLiteral[])[]): ConditionLiteral[] | null {
  const seen = new Map<string, ConditionLiteral>();
  for (const l of sets.flat()) {
    const prev = seen.get(l.key);
    if (!prev) seen.set(l.key, l);
    else if (prev.branch ? prev.branch.index !== l.branch?.index : prev.holds !== l.holds) return null;
  }
  return [...seen.values()];
}

/**
 * The mapping lists a request can meet, each with the tests that select it: one list when no
 * `<If>` section with mappings is undecided and no interpolated variable varies, else one per
 * combination of their alternatives that some request can meet (they exclude each other, so
 * exactly one runs: in a chain, one branch's entries, nested sections only inside theirs).
 * Lists without an entry make no op.
 */
function mappingVariants(groups: readonly MappingGroup[]): { paths: CookieMapping[]; domains: CookieMapping[]; condition: Condition | null }[] {
  let combos: { chosen: MappingAlternative[]; sets: (readonly ConditionLiteral[])[] }[] = [{ chosen: [], sets: [] }];
  for (const g of groups) {
    const next: typeof combos = [];
    for (const c of combos) {
      for (const alt of g.alternatives) if (conjunction([...c.sets, alt.sets]) !== null) next.push({ chosen: [...c.chosen, alt], sets: [...c.sets, alt.sets] });
    }
    if (next.length <= MAX_MAPPING_VARIANTS) combos = next;
    else combos = combos.map((c) => ({ chosen: [...c.chosen, g.alternatives[g.held]!], sets: c.sets }));
  }
  const out: { paths: CookieMapping[]; domains: CookieMapping[]; condition: Condition | null }[] = [];
  for (const c of combos) {
    const literals = conjunction(c.sets)!;
    const text = literals.map((l) => (l.branch || l.holds ? l.text : `not ${l.text}`)).join(' and ');
    const paths = c.chosen.flatMap((a) => a.paths);
    const domains = c.chosen.flatMap((a) => a.domains);
    if (paths.length + domains.length > 0) out.push({ paths, domains, condition: literals.length > 0 ? { text, value: 'unknown', literals } : null });
  }
  return out;
}

/** `ProxyPassInterpolateEnv` as the merged sections leave it (the last one set; `<If>` sections are not counted). */
function interpolatesEnv(blocks: readonly Block[]): boolean {
  let on = false;
  for (const b of blocks) {
    if (b.kind === 'if') continue;
    for (const d of b.directives) if (d.lname === 'proxypassinterpolateenv' && d.args.length > 0) on = d.args[0]!.value.toLowerCase() === 'on';
  }
  return on;
}

/** One section's `ProxyErrorOverride` lines (mod_proxy.c `set_proxy_error_override`, word by word). */
interface OverrideConf {
  /** `on` or `off` was given. */
  readonly set: boolean;
  readonly on: boolean;
  /** Status codes listed after `on`, in order. */
  readonly codes: readonly number[];
  readonly directives: readonly DirectiveNode[];
}

function overrideConf(b: Block): OverrideConf | null {
  const directives = b.directives.filter((d) => d.lname === 'proxyerroroverride');
  if (directives.length === 0) return null;
  let set = false;
  let on = false;
  const codes: number[] = [];
  for (const d of directives) {
    for (const w of d.args) {
      const word = w.value.toLowerCase();
      if (word === 'on' || word === 'off') {
        set = true;
        on = word === 'on';
      } else if (set && on && /^[0-9]/.test(word)) codes.push(Number(/^[0-9]+/.exec(word)![0]));
    }
  }
  return { set, on, codes, directives };
}

/** `merge_proxy_dir_config`: the codes of every section, appended; on/off from the last section that sets it. */
function mergeOverride(base: OverrideConf, add: OverrideConf): OverrideConf {
  return { set: base.set || add.set, on: add.set ? add.on : base.on, codes: [...base.codes, ...add.codes], directives: [...base.directives, ...add.directives] };
}

/**
 * Statuses whose `ErrorDocument` is a local URL (core.c `set_error_document`: no space and a
 * leading `/`), as the merged sections leave it (a later section's entry for a code replaces an
 * earlier one); one an `<If>` section may give counts whatever it says.
 */
function localErrorDocuments(blocks: readonly Block[]): number[] {
  const last = new Map<number, boolean>();
  const maybe = new Set<number>();
  for (const b of blocks) {
    for (const d of b.directives) {
      if (d.lname !== 'errordocument' || d.args.length < 2) continue;
      const code = Number.parseInt(d.args[0]!.value, 10);
      const msg = d.args[1]!.value;
      const local = !msg.includes(' ') && msg.startsWith('/');
      if (b.kind !== 'if') last.set(code, local);
      else if (local) maybe.add(code);
    }
  }
  return [...new Set([...[...last].filter(([, local]) => local).map(([code]) => code), ...maybe])];
}

/** mod_proxy_ajp overrides only when the backend ends the response keeping its connection. */
const AJP_REUSE: ConditionLiteral = {
  key: 'backend:ajp-reuse',
  holds: true,
  text: 'the AJP backend keeps its connection',
  phrase: { holds: 'the AJP backend keeps its connection open (as Tomcat does)', fails: 'the AJP backend closes its connection after the response' },
};

/** The literals of a condition as one, for messages. */
function literalsCondition(literals: readonly ConditionLiteral[]): Condition | null {
  if (literals.length === 0) return null;
  return { text: literals.map((l) => (l.branch || l.holds ? l.text : `not ${l.text}`)).join(' and '), value: 'unknown', literals };
}

/** Pipelines are shared between endpoints with the same merged sections (same op identities). */
class PipelineCache {
  private readonly pipelines = new Map<string, CookieOp[]>();
  private readonly reverseOps = new Map<string, CookieOp>();
  readonly allReverseOps: CookieOp[] = [];
  private readonly overrideOps = new Map<string, CookieOp>();

  constructor(private readonly ops: OpsResult) {}

  pipeline(blocks: readonly Block[]): CookieOp[] {
    const key = blocks.map((b) => b.order).join(',');
    let pipeline = this.pipelines.get(key);
    if (pipeline) return pipeline;
    const groups: MappingGroup[] = [];
    const early: CookieOp[] = [];
    const late: CookieOp[] = [];
    const interpolated = interpolatesEnv(blocks);
    for (const b of blocks) {
      const m = this.ops.mappings.get(b);
      const g = m ? mappingGroup(b, m, interpolated, this.ops.facts) : null;
      if (g) groups.push(g);
      for (const op of this.ops.byBlock.get(b) ?? []) {
        // `early` runs in post_read_request with the server's config only: in a section it never runs.
        if (opOfKind(op, 'apache-header') && op.early) {
          if (b.kind === 'server') early.push(op);
        } else late.push(op);
      }
    }
    pipeline = [...early];
    for (const v of mappingVariants(groups)) pipeline.push(this.reverseOp(v.paths, v.domains, v.condition));
    // mod_proxy decides on ProxyErrorOverride once it has read (and mapped) the backend's headers.
    pipeline.push(...this.errorOverrideOps(blocks));
    pipeline.push(...late);
    pipeline = this.ops.withKnownEnv(pipeline, knownEnv(blocks));
    const check = this.headerCheckOp(pipeline, blocks);
    if (check) pipeline.push(check);
    this.pipelines.set(key, pipeline);
    return pipeline;
  }

  /**
   * `ProxyErrorOverride` as the merged sections leave it: one op when no `<If>` section sets it,
   * else one per combination of those sections a request can meet (they exclude each other); none
   * where it is off. Each is split in two: AJP backends only override when they keep their
   * connection, a fact of the backend.
   */
  private errorOverrideOps(blocks: readonly Block[]): CookieOp[] {
    const ifs = blocks.filter((b) => b.kind === 'if' && overrideConf(b) !== null);
    let combos: { runs: Set<Block>; sets: (readonly ConditionLiteral[])[] }[] = [{ runs: new Set(), sets: [] }];
    for (const b of ifs) {
      const cases = ifCases(b);
      const next: typeof combos = [];
      for (const c of combos) {
        for (const f of cases.fails) if (conjunction([...c.sets, f]) !== null) next.push({ runs: c.runs, sets: [...c.sets, f] });
        if (cases.runs !== false && conjunction([...c.sets, cases.runs]) !== null) next.push({ runs: new Set([...c.runs, b]), sets: [...c.sets, cases.runs] });
      }
      combos = next;
    }
    const documents = localErrorDocuments(blocks);
    const out: CookieOp[] = [];
    for (const c of combos.length <= MAX_MAPPING_VARIANTS ? combos : []) {
      let conf: OverrideConf = { set: false, on: false, codes: [], directives: [] };
      for (const b of blocks) {
        const own = b.kind !== 'if' || c.runs.has(b) ? overrideConf(b) : null;
        if (own) conf = mergeOverride(conf, own);
      }
      if (!conf.on) continue;
      const literals = conjunction(c.sets)!;
      out.push(this.overrideOp(conf, documents, ['http', 'uwsgi', 'fastcgi'], literals), this.overrideOp(conf, documents, ['ajp'], [...literals, AJP_REUSE]));
    }
    if (combos.length > MAX_MAPPING_VARIANTS) {
      // Too many <If> sections decide it: every 4xx/5xx status is left unknown.
      const conf: OverrideConf = { set: true, on: true, codes: [], directives: ifs.flatMap((b) => overrideConf(b)!.directives) };
      out.push(this.overrideOp(conf, documents, ['http', 'uwsgi', 'fastcgi', 'ajp'], [], `more than ${MAX_MAPPING_VARIANTS} combinations of <If> sections decide whether httpd answers with its own error page`));
    }
    return out;
  }

  private overrideOp(conf: OverrideConf, documents: readonly number[], kinds: readonly BackendKind[], literals: readonly ConditionLiteral[], undecided?: string): CookieOp {
    const condition = literalsCondition(literals);
    const codes = [...new Set(conf.codes)].sort((a, b) => a - b);
    const key = `${conf.directives.map((d) => `${d.span.file}:${d.span.start}`).join(',')}|${codes.join(',')}|${documents.join(',')}|${kinds.join(',')}|${condition?.text ?? ''}|${undecided ?? ''}`;
    let op = this.overrideOps.get(key);
    if (!op) {
      const decisive = conf.directives[conf.directives.length - 1]!;
      op = createApacheErrorOverrideOp({
        span: decisive.span,
        label: conf.directives.map(directiveLabel).join('; '),
        condition,
        codes,
        kinds,
        localDocuments: documents,
        parts: conf.directives.map((d) => ({ span: d.span, label: directiveLabel(d) })),
        ...(undecided === undefined ? {} : { undecided }),
      });
      this.overrideOps.set(key, op);
      this.allReverseOps.push(op);
    }
    return op;
  }

  /**
   * httpd's check of the header values it sends, at the end of a pipeline with a directive that
   * writes a control character: with the `Header always` directives that add a line, which run
   * again in the 500 page it answers when the check fails.
   */
  private headerCheckOp(pipeline: readonly CookieOp[], blocks: readonly Block[]): CookieOp | null {
    const headers = pipeline.filter((op) => opOfKind(op, 'apache-header'));
    const writing = headers.filter((op) => op.writesControl);
    if (writing.length === 0) return null;
    const rerun = headers.filter((op) => op.table === 'always' && !op.early && ['set', 'add', 'append', 'merge', 'setifempty'].includes(op.action));
    const localDocument = localErrorDocuments(blocks).includes(500);
    const last = writing[writing.length - 1]!;
    const key = `check|${this.ids(last)}|${rerun.map((op) => this.ids(op)).join(',')}|${localDocument}`;
    let op = this.overrideOps.get(key);
    if (!op) {
      op = createApacheHeaderCheckOp({ span: last.span, label: `httpd's check of the header values it sends (${last.label})`, rerun, localDocument });
      this.overrideOps.set(key, op);
      this.allReverseOps.push(op);
    }
    return op;
  }

  private readonly h2Pipelines = new WeakMap<readonly CookieOp[], CookieOp[]>();

  /** A pipeline for HTTP/2 backends: mod_proxy_http2 does not read ProxyErrorOverride. */
  forHttp2(pipeline: CookieOp[]): CookieOp[] {
    let out = this.h2Pipelines.get(pipeline);
    if (!out) this.h2Pipelines.set(pipeline, (out = pipeline.filter((op) => !opOfKind(op, 'apache-error-override'))));
    return out;
  }

  private readonly opIds = new Map<CookieOp, number>();

  /** A number per op, for keys. */
  private ids(op: CookieOp): number {
    let id = this.opIds.get(op);
    if (id === undefined) this.opIds.set(op, (id = this.opIds.size));
    return id;
  }

  /** The mapping arrays of a merged config form one op; the same arrays (and condition) give the same op. */
  private reverseOp(paths: CookieMapping[], domains: CookieMapping[], condition: Condition | null): CookieOp {
    const key = `${[...paths, ...domains].map((m) => `${m.span.file}:${m.span.start}:${m.fake}\u0001${m.real}`).join(',')}|${paths.length}|${condition?.text ?? ''}`;
    let op = this.reverseOps.get(key);
    if (!op) {
      op = createCookieReverseOp(paths, domains, condition);
      this.reverseOps.set(key, op);
      this.allReverseOps.push(op);
    }
    return op;
  }
}

function literalPrefix(pattern: string): string {
  const m = /^\^?((?:\/[A-Za-z0-9_.~-]*)*)/.exec(pattern);
  const prefix = m?.[1] ?? '';
  return prefix.startsWith('/') ? prefix : '/';
}

function isPatternBlock(b: Block): boolean {
  if (b.kind === 'files') return true;
  if (b.kind === 'location' || b.kind === 'directory') return b.regex || hasWildcard(b.arg);
  return false;
}

export function buildEndpoints(ctx: EndpointContext): { endpoints: Endpoint[]; reverseOps: CookieOp[] } {
  const { tree } = ctx;
  const cache = new PipelineCache(ctx.ops);
  const endpoints: Endpoint[] = [];
  const declaring = tree.directives.filter(declaresBackend);
  const declaresAny = declaring.length > 0;
  // Servers whose tree declares a backend, computed once (a per-server scan is quadratic).
  const declaringServers = new Set(declaring.map((d) => d.block.server));
  const serverDeclares = (server: ServerScope) => declaringServers.has(server) || declaringServers.has(tree.main);
  const interesting = new Set<Block>();
  for (const d of declaring) for (const b of ancestry(d.block)) interesting.add(b);
  for (const [b] of ctx.ops.byBlock) for (const a of ancestry(b)) interesting.add(a);
  for (const [b] of ctx.ops.mappings) for (const a of ancestry(b)) interesting.add(a);
  for (const d of tree.directives) if (d.node.lname === 'proxyerroroverride') for (const a of ancestry(d.block)) interesting.add(a);

  const possible = (server: ServerScope, r: Route): BackendKind[] => {
    if (!declaresAny) return [...ctx.defaultBackends];
    if (r.backends.length > 0) return kindsOf(r.backends);
    return server.vhost !== null && !serverDeclares(server) ? [...ctx.defaultBackends] : [];
  };
  const hostNames = new Map<ServerScope, ScopeName[]>();
  const hostsOf = (server: ServerScope): ScopeName[] => {
    let names = hostNames.get(server);
    if (!names) {
      const named = server.root.directives.filter((d) => d.lname === 'servername' || d.lname === 'serveralias');
      hostNames.set(server, (names = named.flatMap((d) => d.args.map((a): ScopeName => ({ kind: 'host', value: a.value, span: a.span })))));
    }
    return names;
  };
  // Sections with a CO rule set cookies of their own: they get endpoints as sections with Header directives do.
  for (const d of tree.directives) if (d.block.kind !== 'server' && hasCookieFlag(d.node)) for (const a of ancestry(d.block)) interesting.add(a);
  // mod_rewrite's CO cookies: those of the server's rules (translate_name), then those of the
  // per-directory rules (fixups), after the early Header directives, before the rest.
  const rewriteOps = new Map<string, CookieOp>();
  const routedBy = new Set<string>();
  for (const d of tree.directives) if (d.node.lname === 'proxypass') routedBy.add(`${d.node.span.file}\u0000${d.node.span.start}`);
  /** What per-directory rules match for a request: its file, or `proxy:` and the URL of a plain `ProxyPass` (another route's URL is not known). */
  const perDirRequest = (r: Route, requestPath: string | undefined): PerDirRequest => {
    const url = r.request.proxyUrl;
    if (url === undefined) return { subject: requestPath === undefined ? undefined : r.request.fsPath, proxied: false };
    const exact = requestPath !== undefined && r.backends.length > 0 && r.backends.every((b) => b.span !== undefined && routedBy.has(`${b.span.file}\u0000${b.span.start}`) && url.startsWith(b.target) && requestPath.split('?')[0]!.endsWith(url.slice(b.target.length)));
    // Every request the same ProxyPass routes has a file name that starts with its target.
    const target = r.backends.length === 1 && exact ? r.backends[0]!.target : undefined;
    return { subject: exact ? `proxy:${url}` : undefined, proxied: true, ...(target === undefined ? {} : { prefix: `proxy:${target}` }) };
  };
  const withRewriteCookies = (server: ServerScope, requestPath: string | undefined, blocks: readonly Block[], r: Route, pipeline: CookieOp[]): CookieOp[] => {
    const added = [
      ...rewriteCookieOps(server, tree.main, requestPath, ctx.routing.flagsAt, ctx.routing.orderOf, rewriteOps),
      ...perDirCookieOps(blocks, server, tree.main, perDirRequest(r, requestPath), ctx.routing.flagsAt, ctx.routing.orderOf, rewriteOps),
    ];
    if (added.length === 0) return pipeline;
    const at = pipeline.findIndex((op) => !(opOfKind(op, 'apache-header') && op.early));
    const cut = at < 0 ? pipeline.length : at;
    return [...pipeline.slice(0, cut), ...added, ...pipeline.slice(cut)];
  };
  /**
   * The request-path tests (`<If "%{REQUEST_URI} =~ m#^/app/#">`) every request of the scope
   * decides the same way, because the `<Location>` sections it passed say how its path starts:
   * stated first in its pipeline (src/model/ops/request-facts.ts), so the simulation does not
   * explore an `<Else>` no request there runs. Same pipeline and sections, same op.
   */
  const factsOps = new Map<string, CookieOp>();
  const withPathFacts = (blocks: readonly Block[], pipeline: CookieOp[], routed?: { readonly path: string; readonly span: Span }): CookieOp[] => {
    const locations = blocks.filter((b) => b.kind === 'location' && b.section);
    const prefixes = [...locations.map((b) => locationPrefix(b, ctx.routing.flagsAt)), ...(routed ? [routed.path] : [])].filter((p) => p.length > 1);
    if (prefixes.length === 0) return pipeline;
    const facts: RequestFact[] = [];
    const seen = new Set<string>();
    for (const op of pipeline) {
      if (op.condition?.value !== 'unknown') continue;
      for (const l of op.condition.literals ?? []) {
        if (!l.uriTests) continue;
        const id = `${l.key}\u0000${l.branch?.index ?? ''}`;
        if (seen.has(id)) continue;
        seen.add(id);
        let value: boolean | undefined;
        for (const p of prefixes) {
          const v = testsUnderPrefix(l.uriTests, p);
          if (v !== undefined) value = v;
          if (v === false) break;
        }
        if (value !== undefined) facts.push({ literal: l, holds: l.branch ? value : value === l.holds });
      }
    }
    if (facts.length === 0) return pipeline;
    const innermost = locations[locations.length - 1];
    const at = innermost ? innermost.section!.span : routed!.span;
    const key = `${at.file}\u0000${at.start}\u0000${prefixes.join('\u0000')}\u0001${semanticKey(facts.map((f) => [f.literal.key, f.literal.branch?.index ?? null, f.holds]))}`;
    let op = factsOps.get(key);
    if (!op) {
      // An empty span where the section (or ProxyPass) starts: the op names no cookie (scope evidence reads the text of an op's span).
      const label = innermost ? `requests under ${innermost.label}` : `requests ProxyPass ${routed!.path} routes`;
      factsOps.set(key, (op = requestFactsOp('apache', { file: at.file, start: at.start, end: at.start }, label, facts)));
    }
    return [op, ...pipeline];
  };
  /**
   * Server-level `ProxyPass <path> <url>` lines by position: every request one routes has a path
   * that starts with its path (mod_proxy's `alias_match`), which a scope routed by it alone shares.
   */
  const proxyPassPaths = new Map<string, { readonly path: string; readonly span: Span }>();
  for (const d of tree.directives) {
    const a = d.node.args;
    if (d.node.lname === 'proxypass' && d.block.kind === 'server' && a.length >= 2 && a[1]!.value !== '!') proxyPassPaths.set(`${d.node.span.file}\u0000${d.node.span.start}`, { path: a[0]!.value, span: d.node.span });
  }
  const routedPath = (r: Route, requestPath: string | undefined): { readonly path: string; readonly span: Span } | undefined => {
    if (requestPath === undefined || r.backends.length === 0) return undefined;
    const found = new Set(r.backends.map((b) => (b.span ? proxyPassPaths.get(`${b.span.file}\u0000${b.span.start}`) : undefined)));
    const [only] = found;
    return found.size === 1 && only !== undefined && prefixMatches(only.path, requestPath.split('?')[0]!) ? only : undefined;
  };
  const extentOf = (node: { readonly span: Span; readonly close: Span | null }): Span => ({ file: node.span.file, start: node.span.start, end: node.close?.end ?? node.span.end });
  const push = (
    server: ServerScope,
    label: string,
    span: Span,
    r: Route,
    requestPath?: string,
    path?: ScopeName,
    section?: { readonly span: Span; readonly close: Span | null } | null,
    selects?: (path: string) => boolean,
  ) => {
    const within = [...(server.vhost ? [extentOf(server.vhost)] : []), ...(section ? [extentOf(section)] : [])];
    // Routing a request to a file merges its sections already; a proxied one is merged here.
    const blocks = r.blocks ?? mergedBlocks(tree.main, server, r.request, ctx.routing.flagsAt);
    const names = path && path.value !== '/' ? [...hostsOf(server), path] : hostsOf(server);
    const pipeline = withPathFacts(
      blocks,
      withRewriteCookies(server, requestPath, blocks, r, r.backends.length > 0 && r.backends.every((b) => /^h2c?:/i.test(b.target)) ? cache.forHttp2(cache.pipeline(blocks)) : cache.pipeline(blocks)),
      routedPath(r, requestPath),
    );
    const kinds = possible(server, r);
    const endpoint: Endpoint = {
      label,
      span,
      backends: r.backends,
      // A static file's response still carries the cookies of CO flags: simulated as httpd's own answer.
      possibleBackends: kinds.length === 0 && pipeline.some((op) => opOfKind(op, 'apache-rewrite-cookie')) ? ['module'] : kinds,
      pipeline,
      ...(requestPath === undefined ? {} : { requestPath }),
      ...(selects ? { selects } : {}),
      ...(names.length > 0 ? { names } : {}),
      ...(within.length > 0 ? { blocks: within } : {}),
    };
    endpoints.push(endpoint);
  };
  const under = (server: ServerScope, part: string | null) => {
    if (part === null) return server.label;
    return server === tree.main ? part : `${server.label} › ${part}`;
  };

  for (const server of [tree.main, ...tree.vhosts]) {
    const visible = server === tree.main ? [tree.main] : [tree.main, server];
    const paths = new Map<string, PathSource>([['/', { label: null, span: server.span }]]);
    const addPath = (p: string, label: string, span: Span, section?: PathSource['section']) => {
      if (p.startsWith('/') && !paths.has(p)) paths.set(p, section ? { label, span, section } : { label, span });
    };
    for (const s of visible) {
      for (const b of s.blocks) {
        if (b.kind === 'location' && !b.regex && !hasWildcard(b.arg) && b.parent?.kind === 'server' && b.section) addPath(b.arg, b.label, b.section.span, b.section);
      }
      for (const d of s.root.directives) {
        if (d.lname !== 'proxypass' && d.lname !== 'alias' && d.lname !== 'scriptalias') continue;
        const a = d.args.map((w) => w.value);
        if (a.length >= 2) addPath(a[0]!, `${d.name} ${a[0]}`, d.span);
      }
    }
    for (const [p, source] of proxySectionPaths(visible, interesting)) addPath(p, source.label!, source.span, source.section);
    const local: [string, PathSource][] = [['/', { label: null, span: server.span }]];
    for (const s of visible) {
      for (const d of s.root.directives) {
        if ((d.lname === 'alias' || d.lname === 'scriptalias') && d.args.length >= 2) local.push([d.args[0]!.value, { label: `${d.name} ${d.args[0]!.value}`, span: d.span }]);
      }
    }
    const routes = new Map<string, Route>();
    const below = sectionPaths(ctx, server, visible, local, interesting, routes);
    for (const [p, source] of below) addPath(p, source.label!, source.span, source.section);
    for (const [p, source] of paths) push(server, under(server, source.label), source.span, plainRoute(ctx, server, routes, p), p, { kind: 'path', value: p, span: source.span }, source.section);
    local.push(...below);
    for (const s of visible) {
      for (const b of s.blocks) {
        if (!isPatternBlock(b) || !interesting.has(b) || !b.section) continue;
        const chain = ancestry(b).filter((x) => x.kind !== 'server');
        const forced = new Set<Block>(chain);
        const label = chain.map((x) => x.label).join(' › ');
        if (b.kind === 'location') {
          const where: ScopeName = { kind: 'path', value: b.arg, span: b.section.args[0]?.span ?? b.section.span };
          const selects = (p: string) => chain.every((x) => x.kind !== 'location' || locationMatches(x, p, ctx.routing.flagsAt));
          push(server, under(server, label), b.section.span, route(ctx.routing, server, literalPrefix(b.arg), { forced }), undefined, where, b.section, selects);
          continue;
        }
        for (const { via, r } of fileRoutes(ctx, server, chain, forced, local)) {
          push(server, under(server, via ? `${label} via ${via}` : label), b.section.span, r, undefined, undefined, b.section);
        }
      }
    }
    for (const { b, path, url, d } of proxyPatternEndpoints(visible, interesting, ctx.routing.flagsAt)) {
      const where: ScopeName = { kind: 'path', value: path, span: d.args[0]!.span };
      // `simulate --location`: a path the ProxyPass maps to a URL the section matches (`proxy_walk`).
      const selects = (p: string) => {
        const uri = p.replace(/[?#].*$/s, '');
        return uri.startsWith(path) && proxyMatches(b, url + uri.slice(path.length), ctx.routing.flagsAt);
      };
      push(server, under(server, `${d.name} ${path} › ${b.label}`), b.section!.span, route(ctx.routing, server, path, { forced: new Set([b]) }), undefined, where, b.section, selects);
    }
    for (const s of visible) {
      for (const d of s.root.directives) {
        if (d.lname === 'rewriterule' && s !== server) continue;
        const e = ruleEndpoint(ctx, server, d);
        if (!e) {
          // A rule whose CO flags set cookies: the requests it matches, routed as the other requests are.
          const pattern = d.lname === 'rewriterule' && s === server && hasCookieFlag(d) ? d.args[0]?.value : undefined;
          if (pattern === undefined || pattern.startsWith('!')) continue;
          const flags = ctx.routing.flagsAt(ctx.routing.orderOf(d));
          const path = literalPrefix(pattern);
          const sample = path.startsWith('/') && rulePatternMatches(d, path, flags) ? path : undefined;
          const where: ScopeName = { kind: 'path', value: pattern, span: d.args[0]!.span };
          const r = route(ctx.routing, server, path.startsWith('/') ? path : '/');
          // The scope stands for the requests the rule matches that are routed as its own path is
          // (`simulate --location`): a request the rule matches that a <Location> or ProxyPass takes
          // elsewhere is that scope's, whose pipeline has the rule's cookies too.
          const blocksOf = (x: Route) => x.blocks ?? mergedBlocks(tree.main, server, x.request, ctx.routing.flagsAt);
          const routedHere = (p: string) => {
            const other = route(ctx.routing, server, p);
            const [a, b] = [blocksOf(r), blocksOf(other)];
            const refs = (x: Route) => x.backends.map((ref) => `${ref.kind}\u0000${ref.target}`).join('\u0001');
            return refs(other) === refs(r) && a.length === b.length && a.every((block, i) => block === b[i]);
          };
          push(server, under(server, `${d.name} ${d.args[0]!.raw}`), d.span, r, sample, where, null, (p: string) => rulePatternMatches(d, p, flags) && routedHere(p));
          continue;
        }
        // Arguments only for the directives that make an endpoint: a word list per directive of a
        // large file would be most of the syntax kept in memory.
        const pattern = d.args[0]?.value;
        const selects =
          pattern === undefined ? undefined : d.lname === 'rewriterule' ? (p: string) => rulePatternMatches(d, p, ctx.routing.flagsAt(ctx.routing.orderOf(d))) : (p: string) => regexMatches(pattern, p, ctx.routing.flagsAt(ctx.routing.orderOf(d)));
        push(server, under(server, e.label), d.span, e.route, undefined, d.args[0] ? { kind: 'path', value: d.args[0].value, span: d.args[0].span } : undefined, null, selects);
      }
    }
  }
  return { endpoints, reverseOps: cache.allReverseOps };
}

/** The top-level `<Proxy>`/`<ProxyMatch>` sections the model reads something in, and the `ProxyPass path url` rules beside them. */
function proxySections(visible: readonly ServerScope[], interesting: ReadonlySet<Block>): { sections: Block[]; passes: { path: string; url: string; d: DirectiveNode }[] } {
  const sections = visible.flatMap((s) => s.blocks.filter((b) => b.kind === 'proxy' && b.parent?.kind === 'server' && b.section && interesting.has(b)));
  if (sections.length === 0) return { sections, passes: [] };
  const passes = visible.flatMap((s) =>
    s.root.directives.flatMap((d) => {
      const [path, url] = d.lname === 'proxypass' ? d.args.map((w) => w.value) : [];
      return path?.startsWith('/') && url !== undefined ? [{ path, url, d }] : [];
    }),
  );
  return { sections, passes };
}

/**
 * Request paths for plain `<Proxy>` sections narrower than a `ProxyPass` target: `ProxyPass /
 * http://b/` with `<Proxy http://b/jira>` is `/jira`, whose backend URL the section matches
 * (`proxy_walk` compares a prefix of the URL), while `/` itself does not.
 */
function proxySectionPaths(visible: readonly ServerScope[], interesting: ReadonlySet<Block>): [string, PathSource][] {
  const { sections, passes } = proxySections(visible, interesting);
  const out: [string, PathSource][] = [];
  for (const { path, url, d } of passes) {
    for (const b of sections) {
      if (b.regex || hasWildcard(b.arg) || b.arg.length <= url.length || !b.arg.startsWith(url)) continue;
      out.push([`${path}${b.arg.slice(url.length)}`, { label: `${d.name} ${path} › ${b.label}`, span: b.section!.span, section: b.section! }]);
    }
  }
  return out;
}

/**
 * Wildcard and regex `<Proxy>` sections: no path stands for the URLs they select, so each gets an
 * endpoint per `ProxyPass` whose target its literal prefix allows (`<ProxyMatch "^http://b/jira">`
 * beside `ProxyPass / http://b/`), applied as if it matched, as pattern `<Location>` sections are.
 */
function proxyPatternEndpoints(visible: readonly ServerScope[], interesting: ReadonlySet<Block>, flagsAt: FlagsAt): { b: Block; path: string; url: string; d: DirectiveNode }[] {
  const { sections, passes } = proxySections(visible, interesting);
  const out: { b: Block; path: string; url: string; d: DirectiveNode }[] = [];
  for (const b of sections) {
    if (!b.regex && !hasWildcard(b.arg)) continue;
    const prefix = b.regex ? (flagsAt(b.order).caseless ? '' : requiredPrefix(b.arg)) : wildcardPrefix(b.arg);
    for (const { path, url, d } of passes) if (prefix.startsWith(url) || url.startsWith(prefix)) out.push({ b, path, url, d });
  }
  return out;
}

/**
 * Plain sections a file request passes through below a local mapping, as the URL path that
 * reaches them: a `<Location>` that is not proxied, a `<Directory>` below the document root or an
 * `Alias` target (`<Directory /var/www/html/app>` is `/app/`). The files there meet the `<Files>`
 * and `<FilesMatch>` sections too — mod_php's `<FilesMatch \.php$> SetHandler` with the section's
 * `Header edit` — so these paths are also local mappings of file sections. Only sections the model
 * reads something in; the first section of a path names it.
 */
/**
 * The route of a request no section is forced on, remembered in `routes` (one server's, for one
 * endpoint search, which asks for the same path several times).
 */
function plainRoute(ctx: EndpointContext, server: ServerScope, routes: Map<string, Route>, uri: string, local = false): Route {
  const key = `${local ? 'l' : 'p'}${uri}`;
  let r = routes.get(key);
  if (!r) routes.set(key, (r = route(ctx.routing, server, uri, local ? { local: true } : {})));
  return r;
}

function sectionPaths(
  ctx: EndpointContext,
  server: ServerScope,
  visible: readonly ServerScope[],
  local: readonly [string, PathSource][],
  interesting: ReadonlySet<Block>,
  routes: Map<string, Route>,
): [string, PathSource][] {
  const slash = (p: string) => (p.endsWith('/') ? p : `${p}/`);
  const roots = local.map(([uri]) => ({ uri: slash(uri), fs: slash(plainRoute(ctx, server, routes, uri, true).request.fsPath) }));
  const out = new Map<string, PathSource>();
  const add = (uri: string, b: Block & { readonly section: NonNullable<Block['section']> }) => {
    if (!local.some(([p]) => p === uri) && !out.has(uri)) out.set(uri, { label: b.label, span: b.section.span, section: b.section });
  };
  for (const s of visible) {
    for (const b of s.blocks) {
      if (!b.section || b.parent?.kind !== 'server' || b.regex || hasWildcard(b.arg) || !interesting.has(b)) continue;
      const section = b as Block & { readonly section: NonNullable<Block['section']> };
      if (b.kind === 'location' && plainRoute(ctx, server, routes, b.arg).request.proxyUrl === undefined) add(b.arg, section);
      if (b.kind !== 'directory') continue;
      const dir = slash(b.arg);
      const root = roots.filter((r) => dir.startsWith(r.fs) && dir !== r.fs).sort((x, y) => y.fs.length - x.fs.length)[0];
      if (root) add(root.uri + dir.slice(root.fs.length), section);
    }
  }
  return [...out];
}

/** File names tried, in order, as one a `<FilesMatch>` regex selects. */
const SAMPLE_FILES = ['index.php', 'app.php', 'index.html', 'index.cgi', 'index.pl', 'index.py', 'index.shtml', 'index.jsp'];

/**
 * A file name every `<Files>`/`<FilesMatch>` of `chain` selects (`<Files app.php>`: `app.php`,
 * `<Files *.php>`: `index.php`), when one is easy to name: requested by that name, the file also
 * meets the other file sections that select it, such as the `<FilesMatch>` that sets its handler.
 * A name no other file section of the server selects comes first: the endpoint stands for the
 * section's files in general, and `<Files index.php>` has an endpoint of its own.
 */
function sampleName(ctx: EndpointContext, server: ServerScope, chain: readonly Block[]): string | undefined {
  const files = chain.filter((x) => x.kind === 'files');
  if (files.length === 0) return undefined;
  const selects = (sections: readonly Block[], name: string) => sections.some((b) => filesMatches(b, name, ctx.routing.flagsAt));
  const named = files.filter((b) => !b.regex).map((b) => b.arg.replace(/\*/g, 'index').replace(/\?/g, 'x'));
  const names = [...named, ...SAMPLE_FILES].filter((name) => files.every((b) => selects([b], name)));
  const blocks = server === ctx.tree.main ? ctx.tree.main.blocks : [...ctx.tree.main.blocks, ...server.blocks];
  const others = blocks.filter((b) => b.kind === 'files' && !chain.includes(b));
  return names.find((name) => !selects(others, name)) ?? names[0];
}

/**
 * `<Files>` and regex `<Directory>` sections apply to files, wherever they are mapped from: one
 * endpoint per local mapping (`/`, `Alias`, `ScriptAlias`, the plain sections of
 * {@link sectionPaths}) whose files the section can see and that reaches a backend (or the `/` one
 * when none does). The file requested is one the section selects, when it can be named.
 */
function fileRoutes(
  ctx: EndpointContext,
  server: ServerScope,
  chain: readonly Block[],
  forced: ReadonlySet<Block>,
  local: readonly [string, PathSource][],
): { via: string | null; r: Route }[] {
  const dir = chain.find((x) => x.kind === 'directory' && !x.regex && !hasWildcard(x.arg));
  const name = sampleName(ctx, server, chain);
  const at = (uri: string) => (name === undefined ? uri : `${uri.endsWith('/') ? uri : `${uri}/`}${name}`);
  const routes = local.map(([uri, src]) => ({ via: uri === '/' ? null : src.label, r: route(ctx.routing, server, at(uri), { forced, local: true }) }));
  const visible = dir ? routes.filter((x) => directoryMatches(dir, x.r.request.fsPath, ctx.routing.flagsAt)) : routes;
  const reaching = visible.filter((x) => x.r.backends.length > 0);
  if (reaching.length > 0) return reaching;
  return [visible[0] ?? routes[0]!];
}

/** `ProxyPassMatch`, `ScriptAliasMatch`, `RewriteRule [P]`: an endpoint for the requests they route. */
function ruleEndpoint(ctx: EndpointContext, server: ServerScope, d: PlacedDirective['node']): { label: string; route: Route } | null {
  // Called for every directive: split arguments only for the three that route requests.
  if (d.lname !== 'proxypassmatch' && d.lname !== 'rewriterule' && d.lname !== 'scriptaliasmatch') return null;
  const a = d.args.map((w) => w.value);
  const label = `${d.name} ${d.args[0]?.raw ?? ''}`;
  const proxied = (pattern: string, target: string, suffix = ''): { label: string; route: Route } => {
    const url = target.replace(/\$\d.*$/, '');
    const refs = kindsOfUrl(url, ctx.routing.balancers).map((kind) => ({ kind, target, span: d.span }));
    return { label: label + suffix, route: route(ctx.routing, server, literalPrefix(pattern), { proxy: { url, refs } }) };
  };
  if (d.lname === 'proxypassmatch' && a.length >= 2 && a[1] !== '!') return proxied(a[0]!, a[1]!);
  if (d.lname === 'rewriterule' && a.length >= 3 && /^\[.*\b(?:p|proxy)\b.*\]$/i.test(a[2]!)) return proxied(a[0]!, a[1]!, ' [P]');
  if (d.lname === 'scriptaliasmatch' && a.length >= 2) {
    const r = route(ctx.routing, server, literalPrefix(a[0]!), { local: true });
    return { label, route: { request: r.request, backends: [{ kind: 'cgi', target: a[1]!, span: d.span }] } };
  }
  return null;
}
