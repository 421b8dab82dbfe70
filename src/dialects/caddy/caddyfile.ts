/**
 * Caddyfile directives → routes (routes.ts), as Caddy 2.6's adapter builds them
 * (`httpcaddyfile`, `modules/caddyhttp/headers/caddyfile.go`, `reverseproxy/caddyfile.go`):
 *
 * - `header [<matcher>] [+|-|?|>]<field> [<value>|<find>] [<replace>]` on one line, or a block
 *   of such lines plus `defer`. `+` adds, `-` deletes (and defers the handler), `?` sets a default
 *   (in a block: a second handler that requires the field to be absent), a third argument makes
 *   the line a regex replacement, anything else sets. `>` defers (Caddy ≥ 2.7; in 2.6 it is part
 *   of the field name, which then is not Set-Cookie). A field may end with `:` in a block.
 * - `reverse_proxy [<matcher>] <upstreams...> { header_down ... }`, `php_fastcgi` (FastCGI).
 * - `handle`/`handle_path` blocks are mutually exclusive routes of one group; `route` blocks keep
 *   their order; both are sorted with the site by the directive order table (order.ts).
 * - named matchers `@name <matcher> <args>` or `@name { ... }`; a path-only matcher is decided
 *   per request path.
 */
import type { BackendKind } from '../../model/backends.js';
import type { Condition, Problem } from '../../model/header-rewrite.js';
import {
  caddyHeadersOp,
  type CaddyDeleteOp,
  type CaddyHeadersOp,
  type CaddyPhase,
  type CaddyReplacement,
  type CaddyRequest,
  type CaddyValueOp,
} from '../../model/ops/caddy-headers.js';
import { compileRe2 } from '../../regex/re2.js';
import type { Span } from '../../source.js';
import { directiveOrder, sortDirectives, type OrderChange } from './order.js';
import type { Node, PToken, ServerBlock } from './parser.js';
import { expandShorthands } from './shorthands.js';
import { handlePathPrefix, replaceRegexp, replaceSubstring, rewriteUri, stripPathPrefix, stripPathSuffix } from './rewrite.js';
import { answering, copiesSetCookie, pathRegexp, requestKey, type ErrorRoutes, type HeaderOpBuilder, type IrHandler, type IrMatch, type IrRoute, type ProxyHandler, type ResponseScope } from './routes.js';
import { atLeast, type CaddyVersion } from './version.js';

/** What fix builders need to find the text of one header line. */
export interface HeaderLineSyntax {
  readonly node: Node;
  /** The field token (with its prefix). */
  readonly field: PToken;
  readonly value?: PToken;
  readonly replacement?: PToken;
  /** The directive holding the line (`header`, `header_down`). */
  readonly directive: Node;
  /** The line sits in a `header { ... }` block (more lines may be added next to it). */
  readonly inBlock: boolean;
}

export interface LowerContext {
  readonly problems: Problem[];
  readonly version: CaddyVersion;
  readonly text: (span: Span) => string;
}

const TERMINALS = new Set(['respond', 'file_server', 'redir', 'error', 'abort', 'acme_server', 'static_response', 'metrics', 'copy_response']);

function spanBetween(a: Span, b: Span): Span {
  return a.file === b.file && b.end >= a.start ? { file: a.file, start: a.start, end: b.end } : a;
}

function labelOf(ctx: LowerContext, node: Node, tokens: readonly PToken[]): string {
  const last = tokens[tokens.length - 1];
  const span = last ? spanBetween(node.name.span, last.span) : node.name.span;
  const text = ctx.text(span);
  return text.includes('\n') ? [node.name, ...tokens].map((t) => t.value).join(' ') : text;
}

interface NamedMatcher {
  readonly name: string;
  readonly span: Span;
  /** What its lines test, all of which must hold (matchers.go; a line the linter cannot decide is unknown). */
  readonly tests: readonly IrMatch[];
  /** The matcher set's `path` list as the adapter writes it (what `sortRoutes` reads). */
  readonly setPaths: readonly string[];
}

interface MatcherLine {
  readonly words: readonly PToken[];
  readonly block?: readonly Node[] | undefined;
}

const linesOf = (nodes: readonly Node[]): MatcherLine[] => nodes.map((n) => ({ words: [n.name, ...n.args], block: n.block }));

/**
 * A matcher set's lines, as the adapter merges them: `path` lines are one path matcher (any of
 * their paths), each `not` line is the negation of its own set (inline, or a block), a single
 * `path_regexp` is decided per path; anything else is undecidable.
 */
function matcherSet(lines: readonly MatcherLine[], text: string, span: Span): IrMatch[] {
  const out: IrMatch[] = [];
  const paths: string[] = [];
  // Several path_regexp lines: the adapter keeps only the last one's pattern; left undecided.
  const regexps = lines.filter((l) => l.words[0]?.value === 'path_regexp').length;
  for (const { words, block } of lines) {
    const [head, ...args] = words.map((t) => t.value);
    if (head === undefined) continue;
    if (head === 'path' && !block) paths.push(...args);
    else if (head === 'not') out.push({ text, span, paths: null, negate: true, all: matcherSet(block ? linesOf(block) : [{ words: words.slice(1) }], text, span) });
    else {
      const regexp = head === 'path_regexp' && !block && regexps === 1 && (args.length === 1 || args.length === 2) ? pathRegexp(args[args.length - 1]!) : null;
      out.push({ text, span, paths: null, ...(regexp ? { regexp } : {}) });
    }
  }
  if (paths.length > 0) out.push({ text, span, paths });
  return out;
}

/** `@name path /a /b`, `@name /a`, `@name not path /a`, `@name { ... }`. */
function namedMatcher(node: Node): NamedMatcher {
  const name = node.name.value;
  const single = !node.block && node.args[0]?.value.startsWith('/') === true;
  const lines: MatcherLine[] = node.block ? linesOf(node.block) : single ? [{ words: [{ ...node.args[0]!, value: 'path' }, ...node.args] }] : [{ words: node.args }];
  const setPaths = lines.flatMap((l) => (l.words[0]?.value === 'path' && !l.block ? l.words.slice(1).map((t) => t.value) : []));
  return { name, span: node.span, tests: matcherSet(lines, name, node.span), setPaths };
}

interface SiteScope {
  readonly ctx: LowerContext;
  readonly matchers: Map<string, NamedMatcher>;
  readonly order: ReadonlyMap<string, number>;
  readonly seq: { n: number };
  /** Inside a `handle_response` block: the proxy whose response it handles. */
  readonly response?: ResponseScope;
  /** Placeholders the site's `map` directives fill in at run time. */
  readonly runtimeKeys: readonly string[];
}

/** The destinations of every `map <source> <destinations...>` below `nodes`, without braces. */
function mapDestinations(nodes: readonly Node[]): string[] {
  return nodes.flatMap((n) => [
    ...(n.name.value === 'map' ? n.args.slice(1).map((t) => expandShorthands(t.value).replace(/^\{(.*)\}$/, '$1')) : []),
    ...mapDestinations(n.block ?? []),
  ]);
}

/** `copy_response_headers { include ... exclude ... }`. */
function copiesSetCookieNode(node: Node): boolean {
  const list = (name: string) => (node.block ?? []).filter((l) => l.name.value === name).flatMap((l) => l.args.map((t) => t.value));
  return copiesSetCookie(list('include'), list('exclude'));
}

/**
 * `handle_response [<matcher>] { ... }` (2.6.2, checked with the real server): the backend's
 * response is not sent; the block's routes answer. `copy_response` sends it (after `header_down`),
 * `copy_response_headers` copies its header lines as they came (what answers then carries them);
 * when nothing in the block answers, the handlers after the proxy do (routes.ts); both copies
 * together send every backend line twice. Not modelled: lines copied by `copy_response_headers`
 * before a handler after the proxy answers.
 */
function responseRoutes(scope: SiteScope, proxy: ProxyHandler, node: Node): IrRoute[] {
  const copies = (nodes: readonly Node[]): boolean => nodes.some((n) => (n.name.value === 'copy_response_headers' ? copiesSetCookieNode(n) : copies(n.block ?? [])));
  const response: ResponseScope = { proxy, copiesHeaders: copies(node.block ?? []) };
  return directiveRoutes({ ...scope, response }, node.block ?? [], true);
}

interface ExtractedMatcher {
  readonly match: IrMatch[][];
  readonly rest: readonly PToken[];
  /** For the directive sort: matcher sets (0 or 1) and the set's `path` list. */
  readonly matcherSets: number;
  readonly paths: readonly string[];
}

/** The matcher token of a directive, when its first argument is one. */
function extractMatcher(scope: SiteScope, node: Node): ExtractedMatcher {
  const first = node.args[0];
  if (!first || first.quote !== null) return { match: [], rest: node.args, matcherSets: 0, paths: [] };
  const v = first.value;
  if (v === '*') return { match: [], rest: node.args.slice(1), matcherSets: 0, paths: [] };
  if (v.startsWith('/')) return { match: [[{ text: v, span: first.span, paths: [v] }]], rest: node.args.slice(1), matcherSets: 1, paths: [v] };
  if (v.startsWith('@')) {
    const named = scope.matchers.get(v);
    if (!named) {
      scope.ctx.problems.push({ span: first.span, message: `unrecognized matcher name: ${v}`, kind: 'refused' });
      return { match: [[{ text: v, span: first.span, paths: null }]], rest: node.args.slice(1), matcherSets: 1, paths: [] };
    }
    const m: IrMatch = { text: v, span: first.span, paths: null, all: named.tests };
    return { match: [[m]], rest: node.args.slice(1), matcherSets: 1, paths: named.setPaths };
  }
  return { match: [], rest: node.args, matcherSets: 0, paths: [] };
}

interface OpsBuilder {
  add: CaddyValueOp[];
  set: CaddyValueOp[];
  delete: CaddyDeleteOp[];
  replace: CaddyReplacement[];
  deferred: boolean;
  requireNoSetCookie: boolean;
  lines: HeaderLineSyntax[];
}

const newOps = (): OpsBuilder => ({ add: [], set: [], delete: [], replace: [], deferred: false, requireNoSetCookie: false, lines: [] });
const isEmpty = (o: OpsBuilder) => o.add.length + o.set.length + o.delete.length + o.replace.length === 0 && !o.requireNoSetCookie;

/**
 * `applyHeaderOp`: one line into the ops. `resp`: response headers of a `header` handler (where
 * `?` is allowed); false for `header_down` (2.6 refuses `?` there).
 */
function applyHeaderLine(ctx: LowerContext, ops: OpsBuilder, line: HeaderLineSyntax, resp: boolean): void {
  let field = expandShorthands(line.field.value);
  if (line.inBlock) field = field.replace(/:$/, '');
  // The adapter rewrites placeholder shorthands in every token. A regex keeps them as written
  // here: either way they are braces and letters matched literally, which no cookie carries.
  const pattern = line.value?.value ?? '';
  const value = expandShorthands(pattern);
  const replacement = expandShorthands(line.replacement?.value ?? '');
  const span = spanBetween(line.field.span, (line.replacement ?? line.value ?? line.field).span);
  const label = ctx.text(spanBetween(line.node.name.span, line.node.span)).split('\n')[0]!.trim();
  ops.lines.push(line);
  if (field.startsWith('>') && atLeast(ctx.version, [2, 7, 0])) {
    ops.deferred = true;
    field = field.slice(1);
  }
  if (field.startsWith('+')) {
    ops.add.push({ field: field.slice(1), value, span, label, focus: (line.value ?? line.field).span });
  } else if (field.startsWith('-')) {
    ops.delete.push({ field: field.slice(1), span, label, focus: line.field.span });
    if (resp) ops.deferred = true;
  } else if (field.startsWith('?')) {
    if (!resp) {
      ctx.problems.push({ span: line.field.span, message: `${field}: the default header modifier ('?') can only be used on response headers`, kind: 'refused' });
      return;
    }
    const f = field.slice(1);
    if (f.toLowerCase() === 'set-cookie') ops.requireNoSetCookie = true;
    ops.set.push({ field: f, value, span, label, focus: (line.value ?? line.field).span });
  } else if (replacement !== '') {
    const f = field.replace(/^[+\-?]+/, '');
    const compiled = compileRe2(pattern);
    // Caddy compiles every replacement's regex at provisioning, whatever the field (a `>Field`
    // before 2.7 is a field of that name): one it cannot compile stops the whole configuration.
    if (!compiled.ok && compiled.refused) {
      const at = line.value ? regexOffsetSpan(ctx, line.value, compiled.error.offset) : line.field.span;
      ctx.problems.push({ span: at, message: `Caddy refuses this regex: ${compiled.error.message}`, kind: 'refused' });
    }
    ops.replace.push({
      field: f,
      searchRegexp: { source: pattern, span: line.value!.span, regex: compiled.ok ? compiled.regex : null, ...(compiled.ok ? {} : { error: compiled.error.message, refused: compiled.refused }) },
      replace: replacement,
      replaceSpan: line.replacement!.span,
      span,
      label,
      focus: line.value!.span,
    });
  } else {
    ops.set = ops.set.filter((s) => s.field.toLowerCase() !== field.toLowerCase());
    ops.set.push({ field, value, span, label, focus: (line.value ?? line.field).span });
  }
}

/** The character of a regex token where the error is (only for unquoted/backquoted tokens, whose text is the value). */
function regexOffsetSpan(ctx: LowerContext, token: PToken, offset: number): Span {
  const raw = ctx.text(token.span);
  const inner = token.quote ? raw.slice(1, -1) : raw;
  if (inner === token.value) {
    const start = token.span.start + (token.quote ? 1 : 0) + offset;
    return { file: token.span.file, start, end: Math.min(start + 1, token.span.end) };
  }
  return token.span;
}

function opBuilder(scope: SiteScope, ops: OpsBuilder, phase: CaddyPhase, span: Span, label: string, syntax: unknown): HeaderOpBuilder {
  const cache = new Map<string, CaddyHeadersOp>();
  const texts = [...ops.add, ...ops.set].map((v) => v.value).concat(ops.replace.flatMap((r) => [r.search ?? '', r.replace]));
  return (condition: Condition | null, afterCopy = false, request?: CaddyRequest) => {
    const at = afterCopy && phase === 'immediate' ? 'deferred' : phase;
    const key = `${at}:${condition ? condition.text : ''}${requestKey(texts, request)}`;
    let op = cache.get(key);
    if (!op) {
      op = caddyHeadersOp({
        span,
        label,
        phase: at,
        condition,
        add: ops.add,
        set: ops.set,
        delete: ops.delete,
        replace: ops.replace,
        requireNoSetCookie: ops.requireNoSetCookie,
        runtimeKeys: scope.runtimeKeys,
        ...(request ? { request } : {}),
        syntax,
      });
      cache.set(key, op);
    }
    return op;
  };
}

export interface HeaderDirectiveSyntax {
  readonly directive: Node;
  readonly lines: readonly HeaderLineSyntax[];
}

function headerHandlers(scope: SiteScope, node: Node, rest: readonly PToken[]): IrHandler[] {
  const { ctx } = scope;
  const main = newOps();
  const withRequire = newOps();
  if (rest.length > 0) {
    if (rest.length > 3) ctx.problems.push({ span: rest[3]!.span, message: 'header: too many arguments', kind: 'refused' });
    const line: HeaderLineSyntax = { node, field: rest[0]!, ...(rest[1] ? { value: rest[1] } : {}), ...(rest[2] ? { replacement: rest[2] } : {}), directive: node, inBlock: false };
    applyHeaderLine(ctx, main, line, true);
    if (main.delete.length > 0) main.deferred = true;
  }
  let deferToken: PToken | undefined;
  for (const child of node.block ?? []) {
    if (child.name.value === 'defer' && child.args.length === 0) {
      main.deferred = true;
      deferToken ??= child.name;
      continue;
    }
    if (rest.length > 0) {
      ctx.problems.push({ span: child.name.span, message: 'cannot specify headers in both arguments and block', kind: 'refused' });
      continue;
    }
    const line: HeaderLineSyntax = { node: child, field: child.name, ...(child.args[0] ? { value: child.args[0] } : {}), ...(child.args[1] ? { replacement: child.args[1] } : {}), directive: node, inBlock: true };
    applyHeaderLine(ctx, child.name.value.startsWith('?') ? withRequire : main, line, true);
  }
  const head = labelOf(ctx, node, node.args);
  /** A block's label shows its first line: `header { Set-Cookie (.*) "$1; HttpOnly" … }`. */
  const labelFor = (o: OpsBuilder) => {
    if (!node.block) return head;
    const first = o.lines[0];
    const text = first ? ctx.text(spanBetween(first.field.span, (first.replacement ?? first.value ?? first.field).span)) : '';
    return `${head} { ${text}${o.lines.length > 1 ? ' …' : ''} }`;
  };
  // `defer` with nothing else but `?` defaults still makes the adapter emit a deferred handler
  // without operations, whose nil HeaderOps crash Caddy at provisioning before 2.10 [LAB 2.6.2
  // `caddy validate`: nil pointer dereference; caddyserver/caddy#6893, fixed by making Provision
  // nil-safe].
  if (deferToken && isEmpty(main) && !atLeast(ctx.version, [2, 10, 0])) {
    ctx.problems.push({ span: deferToken.span, message: 'header: a deferred block with no header operation of its own crashes Caddy before 2.10 at startup (nil pointer dereference)', kind: 'refused' });
  }
  const out: IrHandler[] = [];
  const syntax: HeaderDirectiveSyntax = { directive: node, lines: main.lines };
  if (!isEmpty(main)) out.push({ kind: 'headers', build: opBuilder(scope, main, main.deferred || main.requireNoSetCookie ? 'deferred' : 'immediate', node.span, labelFor(main), syntax) });
  if (!isEmpty(withRequire)) out.push({ kind: 'headers', build: opBuilder(scope, withRequire, 'deferred', node.span, labelFor(withRequire), { directive: node, lines: withRequire.lines }) });
  return out;
}

function proxyHandler(scope: SiteScope, node: Node, rest: readonly PToken[], backend: BackendKind): IrHandler {
  const { ctx } = scope;
  const down = newOps();
  let kind = backend;
  const upstreams = rest.map((t) => ({ text: t.value, span: t.span }));
  const handleResponse: Node[] = [];
  for (const child of node.block ?? []) {
    const name = child.name.value;
    if (name === 'handle_response') handleResponse.push(child);
    if (name === 'to') upstreams.push(...child.args.map((t) => ({ text: t.value, span: t.span })));
    if (name === 'transport' && child.args[0]?.value === 'fastcgi') kind = 'fastcgi';
    if (name !== 'header_down') continue;
    const args = child.args;
    if (args.length === 0 || args.length > 3) {
      ctx.problems.push({ span: child.name.span, message: 'header_down: wrong argument count', kind: 'refused' });
      continue;
    }
    applyHeaderLine(ctx, down, { node: child, field: args[0]!, ...(args[1] ? { value: args[1] } : {}), ...(args[2] ? { replacement: args[2] } : {}), directive: node, inBlock: false }, false);
  }
  const label = labelOf(ctx, node, node.args);
  const proxy: ProxyHandler = {
    kind: 'proxy',
    label,
    span: node.span,
    backend: kind,
    upstreams,
    headerDown: isEmpty(down) ? null : opBuilder(scope, down, 'upstream', node.span, `${label} { ${down.lines[0] ? ctx.text(spanBetween(down.lines[0].node.name.span, down.lines[0].node.span)) : ''}${down.lines.length > 1 ? ' …' : ''} }`, { directive: node, lines: down.lines }),
  };
  if (handleResponse.length === 0) return proxy;
  return { ...proxy, responses: handleResponse.map((n) => ({ match: n.args[0]?.value ?? null, routes: responseRoutes(scope, proxy, n) })) };
}

const wrongCount = (scope: SiteScope, node: Node, after: PToken | undefined) =>
  scope.ctx.problems.push({ span: (after ?? node.name).span, message: `${node.name.value}: wrong argument count or unexpected line ending after '${(after ?? node.name).value}'`, kind: 'refused' });

/**
 * `handle_path <path>`: a `handle` whose routes start by stripping the path's prefix (the
 * adapter's `strip_path_prefix`: `/api/*` → `/api`). Only a single path matcher is accepted.
 */
function handlePathRoute(scope: SiteScope, node: Node): IrRoute | null {
  const first = node.args[0];
  if (!first) {
    wrongCount(scope, node, undefined);
    return null;
  }
  if (!first.value.startsWith('/') || first.quote !== null) {
    scope.ctx.problems.push({ span: first.span, message: `handle_path: path matcher must begin with '/', got ${first.value}`, kind: 'refused' });
    return null;
  }
  const prefix = handlePathPrefix(first.value);
  return prefix === '' ? null : { match: [], handle: [{ kind: 'rewrite', apply: stripPathPrefix(prefix), stripPrefix: prefix }], terminal: false };
}

/** `rewrite [<matcher>] <to>`. */
function rewriteHandlers(scope: SiteScope, node: Node, rest: readonly PToken[]): IrHandler[] {
  if (rest.length !== 1 || node.block) {
    wrongCount(scope, node, rest[rest.length - 1]);
    return [];
  }
  return [{ kind: 'rewrite', apply: rewriteUri(rest[0]!.value) }];
}

/** `uri [<matcher>] strip_prefix|strip_suffix|replace|path_regexp ...`. */
function uriHandlers(scope: SiteScope, node: Node, rest: readonly PToken[]): IrHandler[] {
  const [op, ...args] = rest;
  const v = args.map((t) => t.value);
  const counts: Record<string, readonly number[]> = { strip_prefix: [1], strip_suffix: [1], replace: [2, 3], path_regexp: [2] };
  if (!op) {
    wrongCount(scope, node, undefined);
    return [];
  }
  const allowed = counts[op.value];
  if (!allowed) {
    scope.ctx.problems.push({ span: op.span, message: `uri: unrecognized URI manipulation '${op.value}'`, kind: 'refused' });
    return [];
  }
  if (!allowed.includes(args.length) || node.block) {
    wrongCount(scope, node, args[args.length - 1] ?? op);
    return [];
  }
  switch (op.value) {
    case 'strip_prefix': {
      const prefix = v[0]!.startsWith('/') ? v[0]! : `/${v[0]!}`;
      return [{ kind: 'rewrite', apply: stripPathPrefix(prefix), stripPrefix: prefix }];
    }
    case 'strip_suffix':
      return [{ kind: 'rewrite', apply: stripPathSuffix(v[0]!) }];
    case 'replace': {
      const limit = v[2] === undefined ? 0 : Number(v[2]);
      if (!Number.isInteger(limit) || !/^[+-]?\d+$/.test(v[2] ?? '0')) {
        scope.ctx.problems.push({ span: args[2]!.span, message: `uri: limit must be an integer; invalid: ${v[2]}`, kind: 'refused' });
        return [];
      }
      return [{ kind: 'rewrite', apply: replaceSubstring(v[0]!, v[1]!, limit) }];
    }
    default: {
      const compiled = compileRe2(v[0]!);
      if (!compiled.ok && compiled.refused) scope.ctx.problems.push({ span: args[0]!.span, message: `Caddy refuses this regex: ${compiled.error.message}`, kind: 'refused' });
      return [{ kind: 'rewrite', apply: replaceRegexp(v[0]!, v[1]!) }];
    }
  }
}

function directiveRoutes(scope: SiteScope, nodes: readonly Node[], sort: boolean): IrRoute[] {
  const items: { directive: string; node: Node; matcherSets: number; paths: readonly string[]; extracted: ExtractedMatcher }[] = [];
  for (const node of nodes) {
    const name = node.name.value;
    if (name.startsWith('@')) continue;
    const extracted = extractMatcher(scope, node);
    items.push({ directive: name, node, matcherSets: extracted.matcherSets, paths: extracted.paths, extracted });
  }
  const ordered = sort ? sortDirectives(items, scope.order, scope.ctx.version) : items;
  const routes: IrRoute[] = [];
  // The handle blocks of one list are one group (taken before nested lists number theirs).
  const groupId = scope.seq.n++;
  for (const { directive, node, extracted } of ordered) {
    const { match, rest } = extracted;
    let handle: IrHandler[] = [];
    let group: string | undefined;
    switch (directive) {
      case 'header':
        handle = headerHandlers(scope, node, rest);
        break;
      case 'reverse_proxy':
        handle = [proxyHandler(scope, node, rest, 'http')];
        break;
      case 'php_fastcgi':
        handle = [proxyHandler(scope, node, rest, 'fastcgi')];
        break;
      case 'handle':
        group = 'handle';
        handle = [{ kind: 'subroute', routes: directiveRoutes(scope, node.block ?? [], true) }];
        break;
      case 'handle_path': {
        group = 'handle';
        const strip = handlePathRoute(scope, node);
        handle = [{ kind: 'subroute', routes: [...(strip ? [strip] : []), ...directiveRoutes(scope, node.block ?? [], true)] }];
        break;
      }
      case 'rewrite':
        if (sort) group = 'rewrite';
        handle = rewriteHandlers(scope, node, rest);
        break;
      case 'uri':
        handle = uriHandlers(scope, node, rest);
        break;
      case 'copy_response_headers':
        if (scope.response && copiesSetCookieNode(node)) handle = [{ kind: 'copy-headers' }];
        break;
      case 'route':
        handle = [{ kind: 'subroute', routes: directiveRoutes(scope, node.block ?? [], false) }];
        break;
      default:
        if (TERMINALS.has(directive)) handle = [answering(scope.response, directive, labelOf(scope.ctx, node, node.args), node.span)];
    }
    if (handle.length === 0) continue;
    routes.push({ match, handle, terminal: false, ...(group ? { group: `${group}#${groupId}` } : {}) });
  }
  return routes;
}

/** The site's named matchers, one namespace for the site and its blocks (a name defined twice is refused). */
function collectMatchers(ctx: LowerContext, nodes: readonly Node[], into: Map<string, NamedMatcher>): void {
  for (const node of nodes) {
    if (node.name.value.startsWith('@') && node.name.quote === null) {
      if (into.has(node.name.value)) ctx.problems.push({ span: node.name.span, message: `matcher is defined more than once: ${node.name.value}`, kind: 'refused' });
      into.set(node.name.value, namedMatcher(node));
    } else if (node.block && (node.name.value === 'handle' || node.name.value === 'handle_path' || node.name.value === 'route')) collectMatchers(ctx, node.block, into);
  }
}

/** The global `order` options. */
export function orderChanges(global: ServerBlock | undefined): OrderChange[] {
  const out: OrderChange[] = [];
  for (const node of global?.body ?? []) {
    if (node.name.value !== 'order') continue;
    const [dir, pos, other] = node.args.map((t) => t.value);
    if (dir && (pos === 'first' || pos === 'last')) out.push({ directive: dir, position: pos });
    else if (dir && (pos === 'before' || pos === 'after') && other) out.push({ directive: dir, position: pos, other });
  }
  return out;
}

export function siteRoutes(ctx: LowerContext, block: ServerBlock, changes: readonly OrderChange[]): IrRoute[] {
  return siteScopeRoutes(ctx, block, changes).routes;
}

/** The site's routes, and its `handle_errors` routes (the first block's), sorted as a site's directives are. */
export function siteScopeRoutes(ctx: LowerContext, block: ServerBlock, changes: readonly OrderChange[]): { routes: IrRoute[]; errors?: ErrorRoutes } {
  const matchers = new Map<string, NamedMatcher>();
  collectMatchers(ctx, block.body, matchers);
  const scope: SiteScope = { ctx, matchers, order: directiveOrder(changes), seq: { n: 0 }, runtimeKeys: mapDestinations(block.body) };
  const handler = block.body.find((n) => n.name.value === 'handle_errors');
  const errors = handler ? { routes: directiveRoutes(scope, handler.block ?? [], true), span: handler.span } : undefined;
  return { routes: directiveRoutes(scope, block.body, true), ...(errors ? { errors } : {}) };
}
