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
  const statuses = [...new Set(assumptions.filter((a) => a.literal.key.startsWith('status:') && a.holds).map((a) => a.literal.key.slice(7)))];
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
