/**
 * Naming the requests a finding is about: "for requests where `<If "...">` does not hold, such
 * as `/`". The tests come from the branch of the simulation on which a cookie broke
 * (src/model/simulate.ts); a sample path is named when every test reads the request path.
 */
import { compileRegex, toByteString } from '../regex/index.js';
import type { ConditionLiteral } from './header-rewrite.js';
import type { Assumption, SimResult } from './simulate.js';

/** Paths tried, in order, as an example of a request the tests select. */
const CANDIDATE_PATHS = ['/', '/index.html', '/app/', '/login', '/api/v1/items', '/static/app.js', '/static/style.css', '/images/logo.png', '/index.php', '/a'];

function testMatches(test: { readonly source: string; readonly negated: boolean }, path: string): boolean | undefined {
  // httpd's ap_expr regexes: PCRE with AP_REG_DEFAULT (DOTALL | DOLLAR_ENDONLY).
  const compiled = compileRegex(test.source, { flavor: 'pcre', dotAll: true, dollarEndOnly: true });
  if (!compiled.ok) return undefined;
  try {
    const matched = compiled.regex.exec(toByteString(path), 0) !== null;
    return test.negated ? !matched : matched;
  } catch {
    return undefined;
  }
}

/** Whether a request for `path` makes the literal's test hold; undefined when it does not read the path. */
export function literalHoldsFor(literal: ConditionLiteral, path: string): boolean | undefined {
  const tests = literal.uriTests;
  if (!tests || tests.length === 0) return undefined;
  let all = true;
  for (const t of tests) {
    const m = testMatches(t, path);
    if (m === undefined) return undefined;
    if (!m) all = false;
  }
  return all;
}

/** A request path on which every assumption comes out as assumed, when one is easy to name. */
export function examplePath(assumptions: readonly Assumption[]): string | undefined {
  if (assumptions.length === 0 || assumptions.some((a) => !a.literal.uriTests)) return undefined;
  return CANDIDATE_PATHS.find((p) => assumptions.every((a) => literalHoldsFor(a.literal, p) === a.holds));
}

/** `for requests where <If ...> does not hold, such as /`, or '' when the result holds for every request. */
export function describeRequests(all: readonly Assumption[]): string {
  // A chain branch that runs says it all: drop the chain's other branches not running.
  const taken = all.filter((a) => a.literal.branch && a.holds);
  const implied = new Set(taken.flatMap((a) => [a.literal.key, a.literal.branch!.first]));
  const assumptions = all.filter((a) => !(implied.has(a.literal.key) && !a.holds) && !(taken.some((t) => t.literal.branch!.first === a.literal.key)));
  const seen = new Set<string>();
  const parts: string[] = [];
  // Response statuses (a directive limited to some, `more_set_headers -s 404`): "on 404 responses".
  // The literal's text is "status 404" (or "status 4xx or 5xx" for a directive standing for a class).
  const statuses = [...new Set(assumptions.filter((a) => a.literal.key.startsWith('status:') && a.holds).map((a) => a.literal.text.replace(/^status /, '')))];
  const on = statuses.length > 0 ? `on ${statuses.join(', ')} responses` : '';
  for (const a of assumptions) {
    if (a.literal.key.startsWith('status:') && a.holds) continue;
    const id = `${a.literal.key}\u0000${a.literal.branch?.index ?? ''}\u0000${a.holds}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const phrase = a.literal.phrase;
    parts.push(phrase ? (a.holds ? phrase.holds : phrase.fails) : `${a.literal.text} ${a.holds ? 'holds' : 'does not hold'}`);
  }
  if (parts.length === 0) return on;
  const shown = parts.length > 3 ? [...parts.slice(0, 3), `${parts.length - 3} more`] : parts;
  const example = examplePath(assumptions);
  return `for requests where ${shown.join(' and ')}${example ? `, such as ${example}` : ''}${on ? `, ${on}` : ''}`;
}

/** Why a simulation was cut short, as one sentence (src/model/simulate.ts `bounded`). */
export function boundedNote(bounded: NonNullable<SimResult['bounded']>): string {
  return bounded.reason === 'branches'
    ? `${bounded.op.label}: ${bounded.count} distinct outcomes of the conditions before it, only some explored; other requests may differ.`
    : `${bounded.op.label}: a Set-Cookie line grew to ${bounded.count} bytes or changed too often; the rest was not evaluated.`;
}

/**
 * A PCRE pattern's literal start: whether it is anchored (`^`), the literal text it begins with
 * (escapes resolved; a character a quantifier follows is not part of it) and the pattern after
 * it. Undefined for a pattern with an alternation or inline options, whose start says nothing.
 */
export function literalStart(source: string): { readonly anchored: boolean; readonly literal: string; readonly rest: string } | undefined {
  if (source.includes('|') || source.startsWith('(?')) return undefined;
  const anchored = source.startsWith('^');
  let i = anchored ? 1 : 0;
  let literal = '';
  let lastAt = -1;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\\') {
      const next = source[i + 1];
      if (next === undefined || /[A-Za-z0-9]/.test(next)) break; // \d, \b, \1...: not a literal character
      lastAt = i;
      literal += next;
      i += 2;
    } else if ('.^$|?*+()[]{}'.includes(c)) break;
    else {
      lastAt = i;
      literal += c;
      i++;
    }
  }
  const rest = source.slice(i);
  // A quantifier after the run applies to its last character, which is then not required.
  if (/^[?*+{]/.test(rest) && lastAt >= 0) return { anchored, literal: literal.slice(0, -1), rest: source.slice(lastAt) };
  return { anchored, literal, rest };
}

/**
 * How a regex test of the request path (`%{REQUEST_URI} =~ m#^/app/#`, ap_expr's PCRE with
 * DOTALL) comes out for every path that starts with `prefix` (the scope's `<Location /app/>`):
 * true when it matches them all, false when it matches none, undefined when that depends on the
 * path or the pattern is beyond this reading. Decided on the pattern's literal start only: `^`
 * and a literal, then nothing or `.*` (matches every path with that start), or a literal start
 * that no path under the prefix has (matches none). A pattern with an alternation or inline
 * options is left undecided.
 */
export function testUnderPrefix(test: { readonly source: string; readonly negated: boolean }, prefix: string): boolean | undefined {
  const start = literalStart(test.source);
  let matched: boolean | undefined;
  if (start && /^(?:\(?\.\*\??\)?\$?)?$/.test(start.rest) && (start.anchored ? prefix.startsWith(start.literal) : start.rest === '' && prefix.includes(start.literal))) matched = true;
  else if (start?.anchored && !prefix.startsWith(start.literal) && !start.literal.startsWith(prefix)) matched = false;
  // Any other pattern that matches the prefix itself matches every path that extends it, when
  // nothing in it looks past where its match ends (`$`, `\b`, a lookahead) and no possessive
  // quantifier or atomic group could match differently once the path goes on.
  else if (!EXTENSION_SENSITIVE.test(test.source) && testMatches({ source: test.source, negated: false }, prefix) === true) matched = true;
  if (matched === undefined) return undefined;
  return test.negated ? !matched : matched;
}

/** What in a pattern can make a match of the prefix alone fail on a longer path (conservatively: any `$`, escape letter b/B/z/Z/G, lookahead, atomic group, condition, verb, possessive quantifier). */
const EXTENSION_SENSITIVE = /\$|\\[bBzZGAK]|\(\?[=!>(|]|\(\?<[=!]|\(\*|[*+?}]\+/;

/** {@link testUnderPrefix} for a conjunction of tests: false when one is false, true when all are true. */
export function testsUnderPrefix(tests: readonly { readonly source: string; readonly negated: boolean }[], prefix: string): boolean | undefined {
  let all: boolean | undefined = true;
  for (const t of tests) {
    const v = testUnderPrefix(t, prefix);
    if (v === false) return false;
    if (v === undefined) all = undefined;
  }
  return all;
}
