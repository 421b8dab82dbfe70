/**
 * Locations: their modifiers (`ngx_http_core_location`), nginx's choice of a location for a URI
 * (`ngx_http_core_find_location` / `ngx_http_core_find_static_location`: an exact match wins;
 * otherwise the longest prefix, whose nested locations are searched next; then the regex
 * locations of that level in order unless the prefix was `^~`; a URI one `/` short of a proxying
 * prefix location gets nginx's own 301 instead), and a request path that reaches
 * a given location, for `simulate` output and the real-server tests.
 */
import type { CompiledRegex } from '../../regex/index.js';
import { compileNginxRegex } from '../../model/ops/nginx-regex.js';
import { sampleFromRegex } from './regex-sample.js';
import type { Word } from './syntax.js';

export type LocationModifier = '=' | '^~' | '~' | '~*' | '' | '@';

export interface LocationInfo {
  readonly modifier: LocationModifier;
  /** The URI, regex source or `@name`. */
  readonly name: string;
  readonly regex?: CompiledRegex;
}

export type LocationParse = { readonly ok: true; readonly info: LocationInfo } | { readonly ok: false; readonly message: string; readonly word: Word };

export function parseLocation(args: readonly Word[]): LocationParse {
  let modifier: LocationModifier;
  let name: string;
  if (args.length === 2) {
    const m = args[0]!.value;
    name = args[1]!.value;
    if (m === '=' || m === '^~' || m === '~' || m === '~*') modifier = m;
    else return { ok: false, message: `invalid location modifier "${m}"`, word: args[0]! };
  } else {
    const v = args[0]!.value;
    if (v.startsWith('=')) [modifier, name] = ['=', v.slice(1)];
    else if (v.startsWith('^~')) [modifier, name] = ['^~', v.slice(2)];
    else if (v.startsWith('~*')) [modifier, name] = ['~*', v.slice(2)];
    else if (v.startsWith('~')) [modifier, name] = ['~', v.slice(1)];
    else [modifier, name] = [v.startsWith('@') ? '@' : '', v];
  }
  if (modifier === '~' || modifier === '~*') {
    const r = compileNginxRegex(name, modifier === '~*');
    if (!r.ok) return { ok: false, message: r.message, word: args[args.length - 1]! };
    return { ok: true, info: { modifier, name, regex: r.regex } };
  }
  return { ok: true, info: { modifier, name } };
}

/**
 * Why nginx refuses `info` nested in the location `parent` (`ngx_http_core_location`), in its
 * words; undefined when it may nest there. The parent's name is compared as written, so a
 * prefix location under a regex one must start with the regex's source.
 */
export function nestingProblem(parent: LocationInfo, info: LocationInfo): string | undefined {
  if (parent.modifier === '=') return `location "${info.name}" cannot be inside the exact location "${parent.name}"`;
  if (parent.modifier === '@') return `location "${info.name}" cannot be inside the named location "${parent.name}"`;
  if (info.modifier === '@') return `named location "${info.name}" can be on the server level only`;
  if (info.modifier !== '~' && info.modifier !== '~*' && !info.name.startsWith(parent.name)) return `location "${info.name}" is outside location "${parent.name}"`;
  return undefined;
}

/** A location in the tree nginx searches. */
export interface LocationNode<T> {
  readonly info: LocationInfo;
  readonly children: readonly LocationNode<T>[];
  readonly value: T;
  /**
   * A prefix or exact location whose name ends with `/` and that passes requests itself
   * (`proxy_pass`, `fastcgi_pass`...: `clcf->auto_redirect`): nginx answers the URI without the
   * trailing slash with a 301 of its own.
   */
  readonly autoRedirect?: boolean;
}

function regexMatches(info: LocationInfo, uri: string): boolean {
  try {
    return info.regex?.exec(uri) != null;
  } catch {
    return false;
  }
}

/** The location nginx picks for `uri` among `level` (a server's or a location's locations). */
export function findLocation<T>(level: readonly LocationNode<T>[], uri: string): LocationNode<T> | undefined {
  return find(level, uri).node;
}

function find<T>(level: readonly LocationNode<T>[], uri: string): { node?: LocationNode<T>; done: boolean } {
  const exact = level.find((l) => l.info.modifier === '=' && l.info.name === uri);
  if (exact) return { node: exact, done: true };
  // `ngx_http_core_find_static_location`: a URI one `/` short of an auto-redirecting location
  // (and equal to no prefix location, whose node the search stops at first) ends the search
  // with NGX_DONE: nginx answers 301 itself, before any regex location is tried [LAB 1.22.1:
  // `location /a/ { proxy_pass ...; }` beside `location ~ ^/ab?$` sends /a a 301].
  const isStatic = (l: LocationNode<T>) => l.info.modifier === '' || l.info.modifier === '^~' || l.info.modifier === '=';
  const redirect = level.some((l) => l.autoRedirect && isStatic(l) && l.info.name === `${uri}/`);
  if (redirect && !level.some((l) => (l.info.modifier === '' || l.info.modifier === '^~') && l.info.name === uri)) return { done: true };
  let prefix: LocationNode<T> | undefined;
  for (const l of level) {
    if ((l.info.modifier === '' || l.info.modifier === '^~') && uri.startsWith(l.info.name)) {
      if (!prefix || l.info.name.length > prefix.info.name.length) prefix = l;
    }
  }
  let node = prefix;
  if (prefix) {
    const nested = find(prefix.children, uri);
    if (nested.done) return nested;
    if (nested.node) node = nested.node;
  }
  if (prefix?.info.modifier !== '^~') {
    for (const l of level) {
      if ((l.info.modifier === '~' || l.info.modifier === '~*') && regexMatches(l.info, uri)) {
        const nested = find(l.children, uri);
        return { node: nested.node ?? l, done: true };
      }
    }
  }
  return { node, done: false };
}

/** Candidate URIs for a location (before checking which location nginx really picks). */
function candidates(info: LocationInfo): string[] {
  switch (info.modifier) {
    case '@':
      return [];
    case '=':
      return [info.name];
    case '':
    case '^~':
      return info.name.startsWith('/') ? [info.name, `${info.name}lpc-probe`] : [];
    default: {
      const sample = sampleFromRegex(info.name);
      if (sample === null) return [];
      const list = [sample, `/${sample.replace(/^\/+/, '')}`];
      return list.filter((u) => u.startsWith('/'));
    }
  }
}

/** Enclosing prefix locations a candidate is tried under (far more than real nesting uses). */
const MAX_PREFIXES_TRIED = 8;

/**
 * A URI that nginx routes to `target`, found by trying candidates through {@link findLocation}
 * from the server's top-level locations; undefined when none is found.
 */
export function requestPathFor<T>(roots: readonly LocationNode<T>[], chain: readonly LocationNode<T>[]): string | undefined {
  const target = chain[chain.length - 1]!;
  const tries = new Set<string>();
  // The innermost prefixes only: nested prefixes extend each other, and trying every one of a
  // chain hundreds of levels deep with every candidate made this cubic in the depth.
  const prefixes = chain
    .filter((n) => n.info.modifier === '' || n.info.modifier === '^~')
    .map((n) => n.info.name)
    .slice(-MAX_PREFIXES_TRIED);
  for (const node of [...chain].reverse()) {
    for (const c of candidates(node.info)) {
      tries.add(c);
      // A regex location nested in a prefix location only sees URIs under that prefix.
      for (const p of prefixes) tries.add(p + c.replace(/^\/+/, ''));
      tries.add(`/lpc${c.replace(/^\/+/, '/')}`);
    }
  }
  for (const uri of tries) {
    // A path nginx keeps as is: no query, fragment, escapes or segments it would normalize.
    if (!/^\/[A-Za-z0-9._~!$&'()*+,;=:@/-]*$/.test(uri) || /\/\/|\/\.\.?(?:\/|$)/.test(uri)) continue;
    if (!regexChainMatches(chain, uri)) continue;
    if (findLocation(roots, uri) === target) return uri;
  }
  return undefined;
}

function regexChainMatches<T>(chain: readonly LocationNode<T>[], uri: string): boolean {
  return chain.every((n) => (n.info.modifier === '~' || n.info.modifier === '~*' ? regexMatches(n.info, uri) : true));
}
