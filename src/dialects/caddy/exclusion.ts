/**
 * An RE2 pattern for "every Set-Cookie value whose cookie is NOT one of these names", without the
 * negative lookahead Go's regexp lacks. A browser takes the name from before the first `=` of the
 * part before the first `;`, trimmed of spaces and tabs (RFC 6265 §5.2), so a value belongs to
 * an excluded cookie exactly when it matches `[ \t]*(?:name1|name2|...)[ \t]*=`. The complement
 * of that language is written out over the trie of the names: at each point, either the value
 * ends, or the next character leaves the trie (then anything may follow), or it continues along
 * the trie; after a complete name, spaces are allowed but `=` is not.
 */
import { escapeRegexLiteral } from '../../regex/index.js';

interface Trie {
  readonly children: Map<string, Trie>;
  complete: boolean;
}

function buildTrie(names: readonly string[]): Trie {
  const root: Trie = { children: new Map(), complete: false };
  for (const name of names) {
    let node = root;
    for (const c of name) {
      let next = node.children.get(c);
      if (!next) node.children.set(c, (next = { children: new Map(), complete: false }));
      node = next;
    }
    node.complete = true;
  }
  return root;
}

/** A character class of everything but `chars` (RE2 syntax). */
function notIn(chars: Iterable<string>): string {
  const body = [...new Set(chars)]
    .sort()
    .map((c) => (c === '\t' ? '\\t' : /[\\\][^-]/.test(c) ? `\\${c}` : c))
    .join('');
  return `[^${body}]`;
}

function lit(c: string): string {
  return escapeRegexLiteral(c, 'pcre');
}

function node(t: Trie, atRoot: boolean): string {
  const alts: string[] = [''];
  const stop = new Set(t.children.keys());
  if (atRoot) {
    stop.add(' ');
    stop.add('\t');
  }
  if (t.complete) {
    stop.add(' ');
    stop.add('\t');
    stop.add('=');
  }
  alts.push(`${notIn(stop)}.*`);
  for (const [c, child] of [...t.children.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) alts.push(`${lit(c)}${node(child, false)}`);
  if (t.complete) alts.push('[ \\t]+(?:|[^ \\t=].*)');
  return `(?:${alts.join('|')})`;
}

/** `^(R)$` where R matches exactly the values whose cookie name is not in `names`. */
export function notCookiesPattern(names: readonly string[]): string {
  return `^([ \\t]*${node(buildTrie(names), true)})$`;
}
