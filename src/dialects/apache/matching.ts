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
 * 6. `<If>`/`<ElseIf>`/`<Else>` last, in the order their enclosing sections were merged; an
 *    `<If>` nested in another comes after every `<If>` of its parent's level (`ap_if_walk_sub`
 *    walks one level, then the nested sections of the ones that matched: checked on 2.4.71).
 * Main-server sections come before the virtual host's in each phase (core's
 * `merge_core_server_configs` appends the vhost's arrays).
 */
import { toByteString } from '../../regex/index.js';
import { fnmatch, hasWildcard } from './fnmatch.js';
import { compileApacheRegex, type ApacheRegexFlags } from './regex-options.js';
import type { Block, ServerScope } from './scopes.js';

export type FlagsAt = (order: number) => ApacheRegexFlags;

const compiledCache = new Map<string, ReturnType<typeof compileApacheRegex>>();

const requiredPrefixes = new Map<string, string>();

/**
 * The literal text every match of `pattern` must start the subject with: after a leading `^`,
 * the plain characters up to the first metacharacter (a character followed by a quantifier is not
 * required). Empty when there is no such guarantee: no `^`, or a `|` outside a class that could
 * start another alternative. Only ASCII, so it compares the same on the string and its bytes.
 *
 * 4,000 `<LocationMatch "^/appN/...">` sections made every endpoint run every section's regex
 * (16 million matches); a `startsWith` on the required prefix settles almost all of them.
 */
export function requiredPrefix(pattern: string): string {
  let cached = requiredPrefixes.get(pattern);
  if (cached !== undefined) return cached;
  cached = computeRequiredPrefix(pattern);
  if (requiredPrefixes.size > 10_000) requiredPrefixes.clear();
  requiredPrefixes.set(pattern, cached);
  return cached;
}

function computeRequiredPrefix(pattern: string): string {
  if (!pattern.startsWith('^') || hasTopLevelAlternative(pattern)) return '';
  let prefix = '';
  for (let i = 1; i < pattern.length; i++) {
    let c = pattern[i]!;
    if (c === '\\') {
      const n = pattern[i + 1];
      if (n === undefined || !/[./\-_~%:@=,;!&']/.test(n)) break;
      c = n;
      i++;
    } else if (!/[A-Za-z0-9/_~%:@=,;!&'-]/.test(c)) break;
    const next = pattern[i + 1];
    if (next === '*' || next === '?' || next === '{' || next === '+') break;
    prefix += c;
  }
  return prefix;
}

/**
 * Whether a `|` outside every group and class splits the pattern into alternatives (a `|` inside
 * a group comes after the prefix, which stops at the first `(`). `\Q...\E` quotes nothing
 * here: it stops the prefix, and a `|` it quotes only makes the answer conservative.
 */
function hasTopLevelAlternative(pattern: string): boolean {
  let inClass = false;
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
    } else if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}

/** Section and routing regexes are matched once per request shape; a budget overrun counts as no match. */
export function regexMatches(pattern: string, subject: string, flags: ApacheRegexFlags): boolean {
  // Case-sensitive only: a caseless regex may match other cases of the prefix.
  if (!flags.caseless) {
    const prefix = requiredPrefix(pattern);
    if (prefix !== '' && !subject.startsWith(prefix)) return false;
  }
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

/**
 * The top-level `<Location>` sections of one server's block list, indexed by the text a URL must
 * start with for each to match: an endpoint then tests the few sections whose prefix starts its
 * URL instead of all of them (every endpoint testing every section made 4,000 `<LocationMatch>`
 * sections quadratic).
 */
interface LocationIndex {
  readonly length: number;
  readonly entries: readonly Block[];
  readonly position: ReadonlyMap<Block, number>;
  /** Sections by required prefix (non-empty), as a trie walked along the URL. */
  readonly trie: PrefixNode;
  /** Sections with no usable prefix: always tested. */
  readonly always: readonly number[];
}

/** A trie node: the sections whose prefix ends here, and the next character's nodes. */
interface PrefixNode {
  readonly ids: number[];
  readonly next: Map<string, PrefixNode>;
}

const locationIndexes = new WeakMap<readonly Block[], LocationIndex>();

/** The literal text before the first wildcard of an `apr_fnmatch` pattern (a backslash stops it). */
export function wildcardPrefix(pattern: string): string {
  const i = pattern.search(/[*?[\\]/);
  return i === -1 ? pattern : pattern.slice(0, i);
}

/** What every request path a `<Location>` section matches starts with ('' when nothing is known). */
export function locationPrefix(block: Block, flagsAt: FlagsAt): string {
  if (block.regex) return flagsAt(block.order).caseless ? '' : requiredPrefix(block.arg);
  return hasWildcard(block.arg) ? wildcardPrefix(block.arg) : block.arg;
}

/**
 * Below this many sections a server's index is a plain list: testing each is cheaper than a trie,
 * whose nodes (an object, an array and a Map per character of every prefix) were 40 MB on a
 * configuration of 20,000 virtual hosts with one `<Location>` each.
 */
const TRIE_MIN_SECTIONS = 16;

/** The trie of an index too small to have one: read, never written. */
const NO_TRIE: PrefixNode = Object.freeze({ ids: [], next: new Map<string, PrefixNode>() });

function locationIndex(blocks: readonly Block[], flagsAt: FlagsAt): LocationIndex {
  const known = locationIndexes.get(blocks);
  if (known && known.length === blocks.length) return known;
  const entries = blocks.filter((b) => b.kind === 'location' && b.parent?.kind === 'server');
  const position = new Map<Block, number>(entries.map((b, i) => [b, i]));
  let trie = NO_TRIE;
  let always: number[];
  if (entries.length < TRIE_MIN_SECTIONS) always = entries.map((_, i) => i);
  else {
    trie = { ids: [], next: new Map() };
    always = [];
    for (const [i, b] of entries.entries()) {
      const prefix = locationPrefix(b, flagsAt);
      if (prefix === '') {
        always.push(i);
        continue;
      }
      let node = trie;
      for (const c of prefix) {
        let child = node.next.get(c);
        if (!child) node.next.set(c, (child = { ids: [], next: new Map() }));
        node = child;
      }
      node.ids.push(i);
    }
  }
  const index = { length: blocks.length, entries, position, trie, always };
  locationIndexes.set(blocks, index);
  return index;
}

/**
 * The top-level `<Location>`/`<LocationMatch>` sections of `lists` (in order: the main server's,
 * then the virtual host's) that apply to `uri`, plus the `forced` ones, in reading order.
 */
export function matchingLocations(lists: readonly (readonly Block[])[], uri: string, flagsAt: FlagsAt, forced: ReadonlySet<Block>): Block[] {
  const out: Block[] = [];
  for (const blocks of lists) {
    const index = locationIndex(blocks, flagsAt);
    if (index.entries.length === 0) continue;
    const candidates = [...index.always];
    // One step per character of the URL, at most as deep as the longest prefix: slicing the URL
    // at every length and hashing each slice was quadratic in a 76 KB URL.
    let node: PrefixNode | undefined = index.trie;
    for (const c of uri) {
      node = node.next.get(c);
      if (!node) break;
      candidates.push(...node.ids);
    }
    for (const b of forced) {
      const i = index.position.get(b);
      if (i !== undefined) candidates.push(i);
    }
    candidates.sort((a, b) => a - b);
    let last = -1;
    for (const i of candidates) {
      if (i === last) continue;
      last = i;
      const b = index.entries[i]!;
      if (forced.has(b) || locationMatches(b, uri, flagsAt)) out.push(b);
    }
  }
  return out;
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
    const prefix = `${path.split('/').slice(0, depth).join('/')}/`;
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
const NONE_FORCED: ReadonlySet<Block> = new Set();

interface ServerSections {
  /** Top-level plain `<Directory>` sections, fewest path components first. */
  readonly plainDirs: readonly Block[];
  readonly regexDirs: readonly Block[];
  /** `<Files>` sections (in whatever block; the request's picked blocks decide). */
  readonly files: readonly Block[];
  readonly proxies: readonly Block[];
}

const serverSections = new WeakMap<ServerScope, ServerSections>();

function sectionsOf(server: ServerScope): ServerSections {
  let found = serverSections.get(server);
  if (!found) {
    const topLevel = (b: Block) => b.parent !== null && b.parent.kind === 'server';
    const dirs = server.blocks.filter((b) => b.kind === 'directory' && topLevel(b));
    found = {
      plainDirs: dirs.filter((b) => !b.regex).sort((a, b) => components(a.arg) - components(b.arg)),
      regexDirs: dirs.filter((b) => b.regex),
      files: server.blocks.filter((b) => b.kind === 'files' && b.parent !== null),
      proxies: server.blocks.filter((b) => b.kind === 'proxy' && topLevel(b)),
    };
    serverSections.set(server, found);
  }
  return found;
}

export function mergedBlocks(main: ServerScope, server: ServerScope, request: RequestShape, flagsAt: FlagsAt): Block[] {
  const roots = server === main ? [main.root] : [main.root, server.root];
  const forced = request.forced ?? NONE_FORCED;
  const picked: Block[] = [...roots];
  const take = (b: Block, test: boolean) => {
    if (forced.has(b) || test) picked.push(b);
  };
  // What every request of the server tests, made once per server (the main server's, then its own).
  const sections = server === main ? [sectionsOf(main)] : [sectionsOf(main), sectionsOf(server)];
  if (request.proxyUrl === undefined) {
    const plain = sections.length === 1 ? sections[0]!.plainDirs : [...sections[0]!.plainDirs, ...sections[1]!.plainDirs].sort((a, b) => components(a.arg) - components(b.arg));
    for (const b of plain) take(b, directoryMatches(b, request.fsPath, flagsAt));
    for (const s of sections) for (const b of s.regexDirs) take(b, directoryMatches(b, request.fsPath, flagsAt));
    const parents = new Set([...roots, ...picked]);
    for (const s of sections) {
      for (const b of s.files) if (parents.has(b.parent!)) take(b, filesMatches(b, request.fsPath, flagsAt));
    }
  } else {
    for (const s of sections) for (const b of s.proxies) take(b, proxyMatches(b, request.proxyUrl, flagsAt));
  }
  const lists = server === main ? [main.blocks] : [main.blocks, server.blocks];
  picked.push(...matchingLocations(lists, request.uri, flagsAt, forced));
  const ifs: Block[] = [];
  let level = picked;
  while (level.length > 0) {
    const next = level.flatMap((parent) => parent.children.filter((c) => c.kind === 'if'));
    ifs.push(...next);
    level = next;
  }
  return [...picked, ...ifs];
}
