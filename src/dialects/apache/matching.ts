/**
 * Which sections apply to a request and in which order mod_headers' arrays are merged
 * (docs/manual/sections.xml "How the sections are merged"; server/request.c):
 *
 * 1. the server config: the main server's, then the virtual host's (merge appends);
 * 2. non-regex `<Directory>` sections matching the file path, fewest path components first;
 * 3. regex `<Directory ~>`/`<DirectoryMatch>`; 4. `<Files>`/`<FilesMatch>` on the file name;
 *    — for proxied requests `<Proxy>`/`<ProxyMatch>` on the backend URL replace 2–4;
 * 5. `<Location>`/`<LocationMatch>` in reading order; a non-regex one matches a URL prefix
 *    ending at a `/` or at the end (`ap_location_walk`), a wildcard one with `apr_fnmatch`
 *    (`APR_FNM_PATHNAME`);
 * 6. `<If>`/`<ElseIf>`/`<Else>` last, in the order their enclosing sections were merged.
 * Main-server sections come before the virtual host's in each phase (core's
 * `merge_core_server_configs` appends the vhost's arrays).
 */
import { toByteString } from '../../regex/index.js';
import { fnmatch, hasWildcard } from './fnmatch.js';
import { compileApacheRegex, type ApacheRegexFlags } from './regex-options.js';
import type { Block, ServerScope } from './scopes.js';

export type FlagsAt = (order: number) => ApacheRegexFlags;

const compiledCache = new Map<string, ReturnType<typeof compileApacheRegex>>();

/** Section and routing regexes are matched once per request shape; a budget overrun counts as no match. */
export function regexMatches(pattern: string, subject: string, flags: ApacheRegexFlags): boolean {
  const key = `${+flags.caseless}${+flags.dotAll}${+flags.dollarEndOnly}\u0000${pattern}`;
  let compiled = compiledCache.get(key);
  if (!compiled) {
    if (compiledCache.size > 10_000) compiledCache.clear();
    compiledCache.set(key, (compiled = compileApacheRegex(pattern, flags)));
  }
  if (!compiled.ok) return false;
  try {
    return compiled.regex.exec(toByteString(subject), 0) !== null;
  } catch {
    return false;
  }
}

/** `ap_location_walk` for one section and a URL path. */
export function locationMatches(block: Block, uri: string, flagsAt: FlagsAt): boolean {
  const d = block.arg;
  if (block.regex) return regexMatches(d, uri, flagsAt(block.order));
  if (hasWildcard(d)) return fnmatch(d, uri, true);
  if (!uri.startsWith(d)) return false;
  const len = d.length;
  return len === 0 || d[len - 1] === '/' || uri.length === len || uri[len] === '/';
}

/** A `<Directory>` applies to files at or below it. */
export function directoryMatches(block: Block, fsPath: string, flagsAt: FlagsAt): boolean {
  if (block.regex) return regexMatches(block.arg, fsPath, flagsAt(block.order));
  const d = block.arg.endsWith('/') ? block.arg : `${block.arg}/`;
  const path = fsPath.endsWith('/') ? fsPath : `${fsPath}/`;
  if (hasWildcard(d)) {
    const depth = d.split('/').length - 1;
    const prefix = path.split('/').slice(0, depth).join('/') + '/';
    return fnmatch(d, prefix, true);
  }
  return path.startsWith(d);
}

export function filesMatches(block: Block, fsPath: string, flagsAt: FlagsAt): boolean {
  const name = fsPath.replace(/\/+$/, '').split('/').pop() ?? '';
  if (block.regex) return regexMatches(block.arg, name, flagsAt(block.order));
  return hasWildcard(block.arg) ? fnmatch(block.arg, name) : block.arg === name;
}

/** mod_proxy's `proxy_walk`: regex, wildcard, or prefix on the backend URL. */
export function proxyMatches(block: Block, url: string, flagsAt: FlagsAt): boolean {
  if (block.regex) return regexMatches(block.arg, url, flagsAt(block.order));
  if (hasWildcard(block.arg)) return fnmatch(block.arg, url);
  return url.startsWith(block.arg);
}

function components(path: string): number {
  return path.split('/').filter((p) => p !== '').length;
}

/** What a request is: its path, the file it maps to, the backend URL when proxied. */
export interface RequestShape {
  readonly uri: string;
  readonly fsPath: string;
  /** Set for proxied requests (ProxyPass, RewriteRule [P]). */
  readonly proxyUrl?: string;
  /** Blocks that apply whatever they say (the section an endpoint is about, and its ancestors). */
  readonly forced?: ReadonlySet<Block>;
}

/** The blocks whose directives run for `request` on `server`, in merge order. */
export function mergedBlocks(main: ServerScope, server: ServerScope, request: RequestShape, flagsAt: FlagsAt): Block[] {
  const roots = server === main ? [main.root] : [main.root, server.root];
  const all = server === main ? main.blocks : [...main.blocks, ...server.blocks];
  const forced = request.forced ?? new Set<Block>();
  const topLevel = (b: Block) => b.parent !== null && b.parent.kind === 'server';
  const picked: Block[] = [...roots];
  const take = (b: Block, test: boolean) => {
    if (forced.has(b) || test) picked.push(b);
  };
  if (request.proxyUrl === undefined) {
    const dirs = all.filter((b) => b.kind === 'directory' && topLevel(b));
    const plain = dirs.filter((b) => !b.regex).sort((a, b) => components(a.arg) - components(b.arg));
    for (const b of plain) take(b, directoryMatches(b, request.fsPath, flagsAt));
    for (const b of dirs.filter((d) => d.regex)) take(b, directoryMatches(b, request.fsPath, flagsAt));
    const parents = new Set([...roots, ...picked]);
    for (const b of all) {
      if (b.kind === 'files' && b.parent && parents.has(b.parent)) take(b, filesMatches(b, request.fsPath, flagsAt));
    }
  } else {
    for (const b of all) if (b.kind === 'proxy' && topLevel(b)) take(b, proxyMatches(b, request.proxyUrl, flagsAt));
  }
  for (const b of all) if (b.kind === 'location' && topLevel(b)) take(b, locationMatches(b, request.uri, flagsAt));
  const ifs: Block[] = [];
  const addIfs = (parent: Block) => {
    for (const c of parent.children) {
      if (c.kind !== 'if') continue;
      ifs.push(c);
      addIfs(c);
    }
  };
  for (const b of picked) addIfs(b);
  return [...picked, ...ifs];
}
