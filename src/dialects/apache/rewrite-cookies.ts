/**
 * The cookies mod_rewrite's `CO` flag sets (src/model/ops/apache-rewrite-cookie.ts) on a scope's
 * requests, in the order httpd runs the rules:
 *
 * - the `RewriteRule`s of the server's own context (httpd runs a server's rules in
 *   `translate_name`; a virtual host does not inherit the main server's rules, but the engine
 *   state it does not set itself), while `RewriteEngine` is on;
 * - then the per-directory rules (`<Directory>`, `<DirectoryMatch>`, `<Files>`, `<FilesMatch>`,
 *   `<Location>`, `<LocationMatch>`, `<Proxy>`, `<If>`: the fixups phase) of the sections merged
 *   for the request, as `config_perdir_merge` leaves them. What httpd 2.4.71 showed (the
 *   real-server cases `rewrite-cookie-*`): a section with any mod_rewrite directive replaces the
 *   rules before it (`RewriteEngine On` alone leaves none), `RewriteOptions Inherit` runs them
 *   after its own, `InheritBefore` before, and a section without `RewriteOptions` keeps the
 *   options merged so far; the engine state comes from the last section that sets it, else from
 *   the server's context (main server, then virtual host; off by default), whose
 *   `RewriteOptions` do not reach the sections. Each `<Directory>` is merged onto what came
 *   before, but the `<Files>`, `<Proxy>`, `<Location>` and `<If>` sections of one walk are merged
 *   among themselves first and the result onto it (so an inner `<If>`'s `Inherit` also keeps the
 *   `<Location>`'s rules). An `<If>` section is merged only where it holds: each combination of
 *   them makes a list, its rules conditional on it. Without `FollowSymLinks` or
 *   `SymLinksIfOwnerMatch` in the merged `Options`, mod_rewrite answers 403 (AH00670) and runs none.
 *   A per-directory pattern sees the file's path, with the last merged section's path stripped
 *   when it is a prefix (a `<Directory>`'s: `index.php`; `<Location />`'s `/`), or, on a proxied
 *   request, `proxy:` and the backend URL (known for a plain `ProxyPass`). One request stands for
 *   every request of a section, so a per-directory pattern decides only when it matches any
 *   path (`^`); others are conditions.
 *
 * A rule's `CO` flags act when its pattern matches (`!` negates, `NC` ignores case) and its
 * `RewriteCond`s hold. What the linter cannot decide makes the rule's op conditional (both
 * outcomes are explored): a `RewriteCond`, a scope with no single request path, a rule after
 * one that may have stopped the rules (`L`, `END`, `F`, `G`, `P`), skipped some (`C`, `S`, `N`),
 * redirected (`R`) or changed the path (a substitution other than `-`). A rule that certainly
 * applies stops the rest when it has `L`, `END`, `F`, `G` or `P`.
 *
 * Not simulated: the response that follows a per-directory `F`, `G` or `R` with a substitution
 * (httpd's own page: the cookie is sent, after what `Header always` adds, and no `Header edit`
 * sees it), the new request a per-directory substitution starts (an internal redirect keeps the
 * cookies set so far, and runs the rules of its own sections), and `.htaccess` files.
 */
import type { Condition, ConditionLiteral, CookieOp } from '../../model/header-rewrite.js';
import { ifCases } from './conditions.js';
import { createApacheRewriteCookieOp, type RewriteCookie } from '../../model/ops/apache-rewrite-cookie.js';
import { regexMatches, requiredPrefix, type FlagsAt } from './matching.js';
import { directiveLabel } from './ops.js';
import type { ApacheRegexFlags } from './regex-options.js';
import type { Block, ServerScope } from './scopes.js';
import type { DirectiveNode } from './syntax.js';

interface Flag {
  readonly name: string;
  readonly value: string | undefined;
}

/** `[A,B=c]` → its flags (names lower-cased); mod_rewrite splits the list at every comma. */
function flagsOf(word: string | undefined): Flag[] {
  if (!word?.startsWith('[') || !word.endsWith(']')) return [];
  return word
    .slice(1, -1)
    .split(',')
    .map((f) => {
      const eq = f.indexOf('=');
      return eq < 0 ? { name: f.trim().toLowerCase(), value: undefined } : { name: f.slice(0, eq).trim().toLowerCase(), value: f.slice(eq + 1) };
    });
}

const STOPS = new Set(['l', 'last', 'end', 'f', 'forbidden', 'g', 'gone', 'p', 'proxy']);
/** Flags after which the rules that follow may not run as written (`R` without `L` goes on, to a redirect). */
const JUMPS = new Set(['c', 'chain', 's', 'skip', 'n', 'next', 'r', 'redirect']);

/** Whether the server's rewrite engine is on (a virtual host takes the main server's state unless it sets one). */
function engineOn(server: ServerScope, main: ServerScope): boolean {
  const state = (s: ServerScope) => {
    let on: boolean | undefined;
    for (const d of s.root.directives) if (d.lname === 'rewriteengine') on = d.args[0]?.value.toLowerCase() === 'on';
    return on;
  };
  return state(server) ?? (server === main ? false : (state(main) ?? false));
}

/** Whether a `RewriteRule` has a `CO` flag. */
export function hasCookieFlag(d: DirectiveNode): boolean {
  return d.lname === 'rewriterule' && flagsOf(d.args[2]?.value).some((f) => (f.name === 'co' || f.name === 'cookie') && f.value !== undefined);
}

/** Whether a `RewriteRule`'s pattern matches `subject`, with its `[NC]` flag and a leading `!`; `base` is the `RegexDefaultOptions` in force. */
export function rulePatternMatches(d: DirectiveNode, subject: string, base: ApacheRegexFlags): boolean {
  const pattern = d.args[0]?.value;
  if (pattern === undefined) return false;
  const negate = pattern.startsWith('!');
  const caseless = flagsOf(d.args[2]?.value).some((f) => f.name === 'nc' || f.name === 'nocase');
  return regexMatches(negate ? pattern.slice(1) : pattern, subject, caseless ? { ...base, caseless: true } : base) !== negate;
}

/** Whether any rule of the server's own context has a `CO` flag (most servers: none, and no work). */
export function hasRewriteCookies(server: ServerScope): boolean {
  let has = withCookies.get(server);
  if (has === undefined) withCookies.set(server, (has = server.root.directives.some(hasCookieFlag)));
  return has;
}

const withCookies = new WeakMap<ServerScope, boolean>();

/** A `RewriteRule` with the `RewriteCond`s written before it (mod_rewrite keeps them with the rule). */
interface PlacedRule {
  readonly rule: DirectiveNode;
  readonly conds: readonly DirectiveNode[];
  /** The request tests under which the rule is in the list at all (the `<If>` sections that merged it, or did not replace it). */
  readonly needs?: readonly ConditionLiteral[];
}

/** The rules of a list of directives, each with its conditions; conditions without a rule after them are dropped. */
function rulesOf(directives: readonly DirectiveNode[]): PlacedRule[] {
  const out: PlacedRule[] = [];
  let conds: DirectiveNode[] = [];
  for (const d of directives) {
    if (d.lname === 'rewritecond') conds.push(d);
    else if (d.lname === 'rewriterule') {
      out.push({ rule: d, conds });
      conds = [];
    }
  }
  return out;
}

/** How a list of rules is walked: what the patterns are matched against, and what is already in doubt. */
interface Walk {
  /** The subject of the first rule's pattern; undefined: not known (every pattern is a condition). */
  readonly subject: string | undefined;
  /** Why none of the rules may run as written (null: they do). */
  readonly doubt: string | null;
  /** Per-directory rules: the prefix stripped from the subject of each pattern (mod_rewrite's `perdir`). */
  readonly strip?: string;
  /** The subject is one of the many requests the scope stands for (a section's): a pattern that does not match every path is a condition. */
  readonly oneOfMany?: boolean;
  /** What every subject the scope stands for starts with (`proxy:http://backend/`): a pattern whose required prefix differs never matches. */
  readonly prefix?: string;
}

/** Paths of every shape a per-directory pattern may see: a pattern that matches all of them (`^`, `.*`) matches any. */
const ANY_PATHS = ['', 'x', 'index.php', 'a/b.html', '/var/www/html/a/', 'proxy:http://127.0.0.1:8080/a?b'];

/** The ops of the `CO` flags of `rules`, in order (see the file comment for what makes one conditional). */
function walkRules(rules: readonly PlacedRule[], walk: Walk, flagsAt: FlagsAt, orderOf: (d: DirectiveNode) => number, cache: Map<string, CookieOp>): CookieOp[] {
  const out: CookieOp[] = [];
  const answers: CookieOp[] = [];
  let doubt = walk.doubt;
  let uri = walk.subject;
  let prefix = walk.prefix;
  for (const { rule: d, conds, needs = [] } of rules) {
    const pattern = d.args[0]?.value;
    if (pattern === undefined) continue;
    const flags = flagsOf(d.args[2]?.value);
    const negate = pattern.startsWith('!');
    const base = flagsAt(orderOf(d));
    const caseless = flags.some((f) => f.name === 'nc' || f.name === 'nocase');
    const subject = uri !== undefined && walk.strip !== undefined && uri.startsWith(walk.strip) ? uri.slice(walk.strip.length) : uri;
    const test = (text: string) => regexMatches(negate ? pattern.slice(1) : pattern, text, caseless ? { ...base, caseless: true } : base) !== negate;
    let matches = subject === undefined ? undefined : test(subject);
    // One request of a section stands for all of them: a pattern decides only when it matches any path.
    if (walk.oneOfMany) matches = matches !== false && ANY_PATHS.every(test) ? true : undefined;
    if (prefix !== undefined && !caseless) {
      const source = negate ? pattern.slice(1) : pattern;
      const required = requiredPrefix(source);
      if (!required.startsWith(prefix) && !prefix.startsWith(required)) matches = negate;
      // `^proxy:http://` and nothing else: every subject matches.
      else if (prefix.startsWith(required) && (source === `^${required}` || source === `^${required.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)) matches = !negate;
    }
    if (matches === false) continue;
    const what = walk.oneOfMany ? "the path mod_rewrite's per-directory rules see" : 'the request path';
    const tests = [...conds.map(directiveLabel), ...(matches === undefined ? [`${what} matches ${pattern}`] : [])];
    const certain = tests.length === 0 && doubt === null && needs.length === 0;
    const cookies: RewriteCookie[] = flags.filter((f) => (f.name === 'co' || f.name === 'cookie') && f.value !== undefined).map((f) => ({ span: d.args[2]!.span, spec: f.value! }));
    const texts = [...(doubt ? [doubt] : []), ...tests];
    const text = [...texts, ...needs.map((l) => (l.holds || l.branch ? l.text : `not ${l.text}`))].join(' and ');
    // With <If> tests, each test is a literal of its own (the <If> chain's are shared with its other sections).
    const literals = needs.length === 0 ? undefined : [...needs, ...texts.map((t): ConditionLiteral => ({ key: t, holds: true, text: t }))];
    const condition: Condition | null = certain ? null : { text, value: 'unknown', span: d.span, ...(literals ? { literals } : {}) };
    const key = `${d.span.file}\u0000${d.span.start}\u0000${condition?.text ?? ''}\u0000${needs.map((l) => `${l.key}:${l.holds}:${l.branch?.index ?? ''}`).join(',')}`;
    if (cookies.length > 0) {
      let op = cache.get(key);
      if (!op) cache.set(key, (op = createApacheRewriteCookieOp(d.span, directiveLabel(d), cookies, condition)));
      out.push(op);
    }
    const stops = flags.some((f) => STOPS.has(f.name));
    const rewrites = (d.args[1]?.value ?? '-') !== '-';
    // A per-directory F, G or R with a substitution: httpd's own page, once the rules have run.
    const answer = !walk.oneOfMany ? undefined : flags.some((f) => f.name === 'f' || f.name === 'forbidden') ? '403' : flags.some((f) => f.name === 'g' || f.name === 'gone') ? '410' : rewrites && flags.some((f) => f.name === 'r' || f.name === 'redirect') ? 'a redirect' : undefined;
    if (answer !== undefined) {
      let op = cache.get(`${key}\u0000answer`);
      if (!op) cache.set(`${key}\u0000answer`, (op = createApacheRewriteCookieOp(d.span, directiveLabel(d), [], condition, answer)));
      answers.push(op);
    }
    if (certain && stops) break;
    if (stops || flags.some((f) => JUMPS.has(f.name))) doubt ??= `no ${directiveLabel(d)} before it stops the rules`;
    if (rewrites) {
      if (!certain) doubt ??= `${directiveLabel(d)} does not rewrite the path first`;
      uri = undefined;
      prefix = undefined;
    }
  }
  // The answer comes after every rule has run (R does not stop them); without a cookie it changes nothing modelled here.
  return out.length > 0 ? [...out, ...answers] : out;
}

/**
 * The ops of the `CO` flags that may act on a request for `path` (undefined: the scope has no
 * single path) in `server`, in rule order.
 */
export function rewriteCookieOps(server: ServerScope, main: ServerScope, path: string | undefined, flagsAt: FlagsAt, orderOf: (d: DirectiveNode) => number, cache: Map<string, CookieOp>): CookieOp[] {
  if (!hasRewriteCookies(server) || !engineOn(server, main)) return [];
  return walkRules(rulesOf(server.root.directives), { subject: path?.split('?')[0], doubt: null }, flagsAt, orderOf, cache);
}

/** The directives that give a section a mod_rewrite configuration of its own, merged over what the sections before it left. */
const REWRITE_DIRECTIVES = new Set(['rewriteengine', 'rewriteoptions', 'rewritebase', 'rewritecond', 'rewriterule']);

/**
 * mod_rewrite's per-directory configuration of one section, or of sections merged
 * (`config_perdir_merge`): `on` and `inherit` are undefined where no section set them.
 */
interface PerDirConf {
  readonly on: boolean | undefined;
  /** `RewriteOptions InheritBefore` (the earlier sections' rules first), `Inherit` (after), or neither. */
  readonly inherit: 'before' | 'after' | null | undefined;
  readonly rules: readonly PlacedRule[];
  /** The last section merged: mod_rewrite strips its path from the file name a pattern sees. */
  readonly block: Block | null;
}

/**
 * `config_perdir_merge`: the engine state and options of `over` where it sets them, else those
 * of `base`; the rules of `over` alone, or with those of `base` after them (`Inherit`) or before
 * them (`InheritBefore`), as the merged options say; the path of `over`.
 */
function mergeConf(base: PerDirConf, over: PerDirConf): PerDirConf {
  const inherit = over.inherit !== undefined ? over.inherit : base.inherit;
  const rules = inherit === 'before' ? [...base.rules, ...over.rules] : inherit === 'after' ? [...over.rules, ...base.rules] : over.rules;
  return { on: over.on ?? base.on, inherit, rules, block: over.block };
}

/** A section's own configuration; null when it has no mod_rewrite directive (it then changes nothing). */
function sectionConf(b: Block): PerDirConf | null {
  const own = b.directives.filter((d) => REWRITE_DIRECTIVES.has(d.lname));
  if (own.length === 0) return null;
  return { on: sectionEngine(own), inherit: sectionInherit(own), rules: rulesOf(own), block: b };
}

/** The sections of one walk merged among themselves, first to last (null: none has a mod_rewrite directive). */
function groupConf(blocks: readonly Block[]): PerDirConf | null {
  let out: PerDirConf | null = null;
  for (const b of blocks) {
    const own = sectionConf(b);
    if (own) out = out ? mergeConf(out, own) : own;
  }
  return out;
}

/** Literals that can hold together: no fact taken both ways, no chain in two branches. */
function consistent(literals: readonly ConditionLiteral[]): boolean {
  const seen = new Map<string, ConditionLiteral>();
  for (const l of literals) {
    const prev = seen.get(l.key);
    if (!prev) seen.set(l.key, l);
    else if (prev.branch ? prev.branch.index !== l.branch?.index : prev.holds !== l.holds) return false;
  }
  return true;
}

/** Beyond this many combinations of `<If>` sections that hold, they count as all holding, and every rule is conditional. */
const MAX_IF_COMBOS = 16;

/** The `RewriteOptions` of one section (ORed together), undefined when it has none. */
function sectionInherit(directives: readonly DirectiveNode[]): PerDirConf['inherit'] {
  const words = directives.filter((d) => d.lname === 'rewriteoptions').flatMap((d) => d.args.map((w) => w.value.toLowerCase()));
  if (!directives.some((d) => d.lname === 'rewriteoptions')) return undefined;
  return words.includes('inheritbefore') ? 'before' : words.includes('inherit') ? 'after' : null;
}

/** The last `RewriteEngine` of a section, undefined when it has none. */
function sectionEngine(directives: readonly DirectiveNode[]): boolean | undefined {
  let on: boolean | undefined;
  for (const d of directives) if (d.lname === 'rewriteengine') on = d.args[0]?.value.toLowerCase() === 'on';
  return on;
}

/**
 * Whether the merged `Options` allow symbolic links (`FollowSymLinks`, the default, or
 * `SymLinksIfOwnerMatch`): without, mod_rewrite answers 403 before running any per-directory rule
 * (AH00670) and sets no cookie. Undefined: an `<If>` section's `Options` decide.
 */
function symlinksAllowed(blocks: readonly Block[]): boolean | undefined {
  let follow = true;
  let owner = false;
  for (const b of blocks) {
    for (const d of b.directives) {
      if (d.lname !== 'options') continue;
      if (b.kind === 'if') return undefined;
      const words = d.args.map((w) => w.value.toLowerCase());
      // Options without + or - replace what the sections before set.
      if (!words.some((w) => w.startsWith('+') || w.startsWith('-'))) follow = owner = false;
      for (const w of words) {
        const on = !w.startsWith('-');
        const name = w.replace(/^[+-]/, '');
        if (name === 'all') follow = owner = on;
        else if (name === 'followsymlinks') follow = on;
        else if (name === 'symlinksifownermatch') owner = on;
      }
    }
  }
  return follow || owner;
}

/** Whether a section of the server holds a `RewriteRule` with a `CO` flag (most: none, and no work). */
function hasSectionCookies(blocks: readonly Block[]): boolean {
  return blocks.some((b) => {
    if (b.kind === 'server') return false;
    let has = sectionsWithCookies.get(b);
    if (has === undefined) sectionsWithCookies.set(b, (has = b.directives.some(hasCookieFlag)));
    return has;
  });
}

const sectionsWithCookies = new WeakMap<Block, boolean>();

/** What a request's per-directory rules are matched against. */
export interface PerDirRequest {
  /**
   * The file name mod_rewrite matches: the file's path, or `proxy:` and the backend URL for a
   * proxied request; undefined when the endpoint has no single request (or URL) to name.
   */
  readonly subject: string | undefined;
  /** A proxied request: mod_rewrite strips no prefix from its file name. */
  readonly proxied: boolean;
  /** What the file names of all the requests routed as this one start with (`proxy:` and the `ProxyPass` target). */
  readonly prefix?: string;
}

/**
 * The ops of the `CO` flags of the per-directory rules (the fixups phase) a request meets, with
 * `blocks` the sections merged for it (server blocks first), in the order mod_rewrite runs them.
 */
export function perDirCookieOps(
  blocks: readonly Block[],
  server: ServerScope,
  main: ServerScope,
  request: PerDirRequest,
  flagsAt: FlagsAt,
  orderOf: (d: DirectiveNode) => number,
  cache: Map<string, CookieOp>,
): CookieOp[] {
  if (!hasSectionCookies(blocks)) return [];
  // The base: the RewriteEngine of the server's own context (a virtual host's, else the main
  // server's); the server's RewriteOptions do not reach its sections (2.4.71, tested).
  let acc: PerDirConf = { on: engineOn(server, main), inherit: undefined, rules: [], block: null };
  // httpd merges each <Directory> onto what the walk so far left, but each other walk's sections
  // (<Files>, <Proxy>, <Location>, <If>) among themselves first, then the result onto it.
  const ifs: Block[] = [];
  for (let i = 0; i < blocks.length; ) {
    const b = blocks[i]!;
    let j = i + 1;
    if (b.kind === 'if') ifs.push(b);
    else if (b.kind === 'directory') {
      const own = sectionConf(b);
      if (own) acc = mergeConf(acc, own);
    } else if (b.kind !== 'server') {
      while (j < blocks.length && blocks[j]!.kind === b.kind) j++;
      const group = groupConf(blocks.slice(i, j));
      if (group) acc = mergeConf(acc, group);
    }
    i = j;
  }
  let doubt: string | null = null;
  // <If> sections are merged on the requests where they hold: one list of rules per combination
  // of them that holds, each rule under the tests that select it.
  const withIfs = ifs.filter((b) => sectionConf(b) !== null);
  let combos: { running: Block[]; literals: ConditionLiteral[] }[] = [{ running: [], literals: [] }];
  for (const b of withIfs) {
    const cases = ifCases(b);
    const next: typeof combos = [];
    for (const c of combos) {
      for (const f of cases.fails) if (consistent([...c.literals, ...f])) next.push({ running: c.running, literals: [...c.literals, ...f] });
      if (cases.runs !== false && consistent([...c.literals, ...cases.runs])) next.push({ running: [...c.running, b], literals: [...c.literals, ...cases.runs] });
    }
    combos = next;
  }
  if (combos.length > MAX_IF_COMBOS) {
    combos = [{ running: withIfs, literals: [] }];
    doubt = `the ${withIfs.map((b) => b.label).join(', ')} sections merged decide which per-directory rules run`;
  }
  const rules: PlacedRule[] = [];
  let strip: string | undefined;
  for (const c of combos) {
    const group = groupConf(c.running);
    const conf = group ? mergeConf(acc, group) : acc;
    if (!conf.on || conf.block === null) continue;
    strip = conf.block.arg.endsWith('/') ? conf.block.arg : `${conf.block.arg}/`;
    rules.push(...(c.literals.length === 0 ? conf.rules : conf.rules.map((r) => ({ ...r, needs: [...(r.needs ?? []), ...c.literals] }))));
  }
  if (rules.length === 0) return [];
  const symlinks = symlinksAllowed(blocks);
  if (symlinks === false) return [];
  if (symlinks === undefined) doubt ??= 'the merged Options allow FollowSymLinks';
  // Under <If> sections, the path stripped from the file name is left open.
  const subject = withIfs.length > 0 ? undefined : request.subject;
  return walkRules(rules, { subject, doubt, oneOfMany: true, ...(request.proxied || strip === undefined ? {} : { strip }), ...(request.prefix === undefined ? {} : { prefix: request.prefix }) }, flagsAt, orderOf, cache);
}

/**
 * The `CO` flag value with its httponly field set to `0` (fields as `apr_strtok` reads them:
 * empty ones skipped), or null when it has no httponly field.
 */
export function withoutHttpOnly(spec: string): string | null {
  const sep = spec.startsWith(';') ? ';' : ':';
  let field = 0;
  let i = sep === ';' ? 1 : 0;
  while (i < spec.length) {
    if (spec[i] === sep) {
      i++;
      continue;
    }
    let end = spec.indexOf(sep, i);
    if (end < 0) end = spec.length;
    if (field === 6) return `${spec.slice(0, i)}0${spec.slice(end)}`;
    field++;
    i = end;
  }
  return null;
}
