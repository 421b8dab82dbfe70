/**
 * How httpd routes a request path to a producer, in the order its hooks run:
 *
 * 1. mod_proxy `proxy_trans`: a `ProxyPass` inside the matching `<Location>` (the last one wins,
 *    `merge_proxy_dir_config`), then the server's `ProxyPass`/`ProxyPassMatch` rules, the main
 *    server's before the virtual host's (`merge_proxy_config` appends), first match wins, `!`
 *    excludes; then `RewriteRule ... [P]` of the same server (rewrite rules are not inherited);
 * 2. otherwise the path maps to a file: `ScriptAlias`/`Alias` (the virtual host's before the
 *    main server's, mod_alias `merge_alias_config`), else `DocumentRoot` + path; the handler is
 *    the last `SetHandler` of the merged sections (`None` resets), CGI for `ScriptAlias`;
 *    `AddHandler`/`AddType` add the kinds files with that extension get.
 */
import { posix } from 'node:path';
import type { BackendKind, BackendRef } from '../../model/backends.js';
import { kindsOfHandler, kindsOfUrl, type Balancers } from './backends.js';
import { matchingLocations, mergedBlocks, regexMatches, type FlagsAt, type RequestShape } from './matching.js';
import type { Block, ServerScope } from './scopes.js';
import type { DirectiveNode } from './syntax.js';

/** Debian's default DocumentRoot (the compiled-in one is /var/www/html on Debian). */
const DEFAULT_DOCUMENT_ROOT = '/var/www/html';

export interface Route {
  readonly request: RequestShape;
  readonly backends: readonly BackendRef[];
  /** The sections merged for {@link request} (`mergedBlocks`), where routing needed them. */
  readonly blocks?: Block[];
}

export interface RoutingContext {
  readonly main: ServerScope;
  readonly balancers: Balancers;
  readonly flagsAt: FlagsAt;
  readonly orderOf: (node: DirectiveNode) => number;
}

// Routing runs for every endpoint over every directive in scope: arguments are split only for
// the directives it reads.
const ALIASES: ReadonlySet<string> = new Set(['alias', 'scriptalias', 'aliasmatch', 'scriptaliasmatch']);
const HANDLERS: ReadonlySet<string> = new Set(['sethandler', 'addhandler', 'addtype', 'jkmount', 'wsgiscriptalias', 'passengerenabled']);

function args(node: DirectiveNode): string[] {
  return node.args.map((w) => w.value);
}

/** A path prefix matches at a `/` boundary or at the end (as for `<Location>`). */
export function prefixMatches(prefix: string, uri: string): boolean {
  if (!uri.startsWith(prefix)) return false;
  return prefix.endsWith('/') || uri.length === prefix.length || uri[prefix.length] === '/';
}

function refsFor(url: string, node: DirectiveNode, balancers: Balancers): BackendRef[] {
  return kindsOfUrl(url, balancers).map((kind) => ({ kind, target: url, span: node.span }));
}

/** The target of a regex rule, up to its first `$n` reference (enough to know the scheme and host). */
function staticPart(target: string): string {
  const i = target.search(/\$\d/);
  return i === -1 ? target : target.slice(0, i);
}

function serverBlocks(ctx: RoutingContext, server: ServerScope): Block[] {
  return server === ctx.main ? [ctx.main.root] : [ctx.main.root, server.root];
}

interface Proxied {
  readonly url: string;
  readonly refs: BackendRef[];
}

/** `proxy_trans`: the backend URL of a proxied request, `null` when not proxied. */
function proxyRoute(ctx: RoutingContext, server: ServerScope, uri: string, forced: ReadonlySet<Block>): Proxied | null {
  const lists = server === ctx.main ? [ctx.main.blocks] : [ctx.main.blocks, server.blocks];
  let located: Proxied | null | undefined;
  for (const b of matchingLocations(lists, uri, ctx.flagsAt, forced)) {
    for (const d of b.directives) {
      // In a section, ProxyPass/ProxyPassMatch take only the URL: the section's path or regex
      // is the pattern (`<LocationMatch "\.php$"> ProxyPassMatch fcgi://...`, the PHP-FPM layout).
      if ((d.lname !== 'proxypass' && d.lname !== 'proxypassmatch') || d.args.length === 0) continue;
      const target = args(d)[0]!;
      if (target === '!') located = null;
      else if (d.lname === 'proxypassmatch' || b.regex) {
        const url = staticPart(target);
        located = { url, refs: refsFor(url, d, ctx.balancers) };
      } else located = { url: target + uri.slice(Math.min(b.arg.length, uri.length)), refs: refsFor(target, d, ctx.balancers) };
    }
  }
  if (located !== undefined) return located;
  for (const root of serverBlocks(ctx, server)) {
    for (const d of root.directives) {
      if (d.lname !== 'proxypass' && d.lname !== 'proxypassmatch') continue;
      const a = args(d);
      if (d.lname === 'proxypass' && a.length >= 2) {
        if (!prefixMatches(a[0]!, uri)) continue;
        if (a[1] === '!') return null;
        return { url: a[1]! + uri.slice(a[0]!.length), refs: refsFor(a[1]!, d, ctx.balancers) };
      }
      if (d.lname === 'proxypassmatch' && a.length >= 2) {
        if (!regexMatches(a[0]!, uri, ctx.flagsAt(ctx.orderOf(d)))) continue;
        if (a[1] === '!') return null;
        const url = staticPart(a[1]!);
        return { url, refs: refsFor(url, d, ctx.balancers) };
      }
    }
  }
  for (const d of server.root.directives) {
    if (d.lname !== 'rewriterule') continue;
    const a = args(d);
    if (a.length < 3 || !/^\[.*\b(?:p|proxy)\b.*\]$/i.test(a[2]!)) continue;
    const negate = a[0]!.startsWith('!');
    const matches = regexMatches(negate ? a[0]!.slice(1) : a[0]!, uri, ctx.flagsAt(ctx.orderOf(d)));
    if (matches === negate) continue;
    const url = staticPart(a[1]!);
    return { url, refs: refsFor(url, d, ctx.balancers) };
  }
  return null;
}

/** mod_alias: the file a path maps to, and CGI when a `ScriptAlias` maps it. */
function fileRoute(ctx: RoutingContext, server: ServerScope, uri: string): { fsPath: string; refs: BackendRef[] } {
  const roots = serverBlocks(ctx, server).reverse();
  for (const root of roots) {
    for (const d of directivesOf(aliasDirectives, ALIASES, root)) {
      const a = args(d);
      const cgi = d.lname === 'scriptalias' || d.lname === 'scriptaliasmatch';
      if ((d.lname === 'alias' || d.lname === 'scriptalias') && a.length >= 2 && prefixMatches(a[0]!, uri)) {
        const fsPath = posix.join(a[1]!, uri.slice(a[0]!.length));
        return { fsPath, refs: cgi ? [{ kind: 'cgi', target: a[1]!, span: d.span }] : [] };
      }
      if ((d.lname === 'aliasmatch' || d.lname === 'scriptaliasmatch') && a.length >= 2 && regexMatches(a[0]!, uri, ctx.flagsAt(ctx.orderOf(d)))) {
        const fsPath = staticPart(a[1]!);
        return { fsPath, refs: cgi ? [{ kind: 'cgi', target: a[1]!, span: d.span }] : [] };
      }
    }
  }
  let docRoot = DEFAULT_DOCUMENT_ROOT;
  for (const root of serverBlocks(ctx, server)) {
    for (const d of root.directives) if (d.lname === 'documentroot' && d.args[0]) docRoot = d.args[0].value;
  }
  return { fsPath: posix.join(docRoot, uri), refs: [] };
}

/**
 * A block's directives of the kinds in `names`, picked once per block: every request routed
 * through a server walks its blocks, and a server of hundreds of included files has thousands
 * of directives, of which a handful route (a wildcard `Include` of 600 files spent 6 s here).
 */
function directivesOf(cache: WeakMap<Block, { readonly seen: number; readonly picked: DirectiveNode[] }>, names: ReadonlySet<string>, b: Block): readonly DirectiveNode[] {
  const hit = cache.get(b);
  if (hit && hit.seen === b.directives.length) return hit.picked;
  const picked = b.directives.filter((d) => names.has(d.lname));
  cache.set(b, { seen: b.directives.length, picked });
  return picked;
}
const handlerDirectives = new WeakMap<Block, { readonly seen: number; readonly picked: DirectiveNode[] }>();
const aliasDirectives = new WeakMap<Block, { readonly seen: number; readonly picked: DirectiveNode[] }>();

/** Handlers of the merged sections: the last `SetHandler`, plus extension-based handlers. */
function handlerRefs(blocks: readonly Block[], uri: string, ctx: RoutingContext): BackendRef[] {
  let handler: BackendRef[] = [];
  const extra: BackendRef[] = [];
  for (const b of blocks) {
    for (const d of directivesOf(handlerDirectives, HANDLERS, b)) {
      const a = args(d);
      if (d.lname === 'sethandler' && a[0]) {
        handler = a[0].toLowerCase() === 'none' ? [] : kindsOfHandler(a[0], ctx.balancers).map((kind) => ({ kind, target: a[0]!, span: d.span }));
      } else if ((d.lname === 'addhandler' || d.lname === 'addtype') && a[0]) {
        for (const kind of kindsOfHandler(a[0], ctx.balancers)) extra.push({ kind, target: a[0], span: d.span });
      } else if (d.lname === 'jkmount' && a[0] && (a[0].endsWith('*') ? uri.startsWith(a[0].slice(0, -1)) : a[0] === uri)) {
        extra.push({ kind: 'module', target: a.join(' '), span: d.span });
      } else if ((d.lname === 'wsgiscriptalias' || d.lname === 'passengerenabled') && a[0]) {
        if (d.lname === 'passengerenabled' ? a[0].toLowerCase() === 'on' : prefixMatches(a[0], uri)) extra.push({ kind: 'module', target: a.join(' '), span: d.span });
      }
    }
  }
  return [...handler, ...extra];
}

export interface RouteOptions {
  /** Blocks that apply whatever they match (the section an endpoint stands for). */
  readonly forced?: ReadonlySet<Block>;
  /** Route as a file request even if a ProxyPass would catch the path (for `<Files>` sections). */
  readonly local?: boolean;
  /** A proxied request to this URL (ProxyPassMatch, RewriteRule [P] endpoints). */
  readonly proxy?: Proxied;
}

export function route(ctx: RoutingContext, server: ServerScope, uri: string, options: RouteOptions = {}): Route {
  const forced = options.forced ?? new Set<Block>();
  const proxied = options.proxy ?? (options.local ? null : proxyRoute(ctx, server, uri, forced));
  if (proxied) {
    return { request: { uri, fsPath: '', proxyUrl: proxied.url, forced }, backends: proxied.refs };
  }
  const file = fileRoute(ctx, server, uri);
  const request: RequestShape = { uri, fsPath: file.fsPath, forced };
  const blocks = mergedBlocks(ctx.main, server, request, ctx.flagsAt);
  const refs = [...file.refs, ...handlerRefs(blocks, uri, ctx)];
  const seen = new Set<string>();
  const backends = refs.filter((r) => {
    const key = `${r.kind}\u0000${r.target}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { request, backends, blocks };
}

export function kindsOf(backends: readonly BackendRef[]): BackendKind[] {
  return [...new Set(backends.map((b) => b.kind))];
}
