/**
 * What the differential tests (nginx, apache, haproxy, caddy .test.ts) share: the backend's
 * cookies, the statuses requested, how many cases run with which seed, and the two checks every
 * case goes through (the linter and the server agree on refusing it; the server's lines are
 * among the simulated outcomes), and the check of what `--fix` made of it.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import fc from 'fast-check';
import type { Dialect, HeaderRewriteModel } from '../../src/model/header-rewrite.js';
import { createCatalog, isXsrfCookie } from '../../src/cookies/catalog.js';
import { probeAttributesOf, samplesFor } from '../../src/cookies/samples.js';
import { hasAttribute, hasHttpOnly, parseSetCookie } from '../../src/model/set-cookie.js';
import { run, type RunOptions } from '../../src/run/run.js';
import { branchesOf, type SimResult } from '../../src/model/simulate.js';

/** Backend cookies: several paths, a domain, flags already set, session names and every catalog CSRF name. */
export const COOKIES: readonly string[] = [
  'JSESSIONID=s1; Path=/; Secure; HttpOnly',
  'XSRF-TOKEN=x1; Path=/app',
  'csrftoken=c1',
  'atl.xsrf.token=t1; Path=/; Secure',
  'sessionid=d1; Domain=www.example.com; Path=/app/; SameSite=Lax',
  'sc=y1; Path=/; HttpOnly',
  'atlassian.xsrf.token=j1; Path=/',
  'atl.xsrf.token.slash=f1; Path=/fisheye',
  'NX-ANTI-CSRF-TOKEN=n1; Path=/',
];

export const STATUSES: readonly number[] = [200, 302, 404, 500];

/**
 * CI: a fixed seed and 40 cases. `LPC_DIFF_RUNS=<n>`: n cases with a fresh seed (printed in the
 * suite's title); `LPC_DIFF_SEED=<seed>` replays one.
 */
export function sample<T>(arb: fc.Arbitrary<T>): { seed: number; runs: number; cases: T[] } {
  const runs = Number(process.env.LPC_DIFF_RUNS ?? 40);
  const seed = process.env.LPC_DIFF_SEED !== undefined ? Number(process.env.LPC_DIFF_SEED) : process.env.LPC_DIFF_RUNS ? Date.now() % 2 ** 31 : 20_261_206;
  return { seed, runs, cases: fc.sample(arb, { seed, numRuns: runs }) };
}

/** Trailing white space is not part of a header value (HTTP OWS); Node's parser drops it. */
export const ows = (v: string) => v.replace(/[ \t]+$/, '');

/** Each outcome of a simulation as the JSON of its lines (`crash` for a crash). */
export function outcomes(result: SimResult): string[] {
  return branchesOf(result).map((b) => (b.crash ? 'crash' : JSON.stringify(b.lines.map((l) => ows(l.value)))));
}

export interface DiffCase {
  readonly name: string;
  readonly text: string;
  readonly model: HeaderRewriteModel;
  /** What the server's own check said, when it refused the case. */
  readonly refusedBy?: string;
}

/**
 * Whether the case is refused (by the server or the linter), and the disagreement when only one
 * of them refuses it. `line` picks the server's line worth quoting.
 */
export function refusal(c: DiffCase, server: string, line: (output: string) => string): { refused: boolean; disagreement?: string } {
  const linter = c.model.problems.filter((p) => (p.kind === 'refused' || p.kind === 'syntax') && p.severity !== 'warning').map((p) => p.message);
  if (!c.refusedBy && linter.length === 0) return { refused: false };
  if (c.refusedBy && linter.length > 0) return { refused: true };
  const said = c.refusedBy ? `refuses (${line(c.refusedBy)})` : 'accepts';
  return { refused: true, disagreement: `${c.name}: ${server} ${said}, the linter ${linter.length > 0 ? `refuses (${linter.join('; ')})` : 'accepts'}\n${c.text}` };
}

/** With `LPC_DIFF_RUNS`, a line of what was compared. */
export function summary(cases: readonly DiffCase[], compared: number, failures: readonly string[]): void {
  if (process.env.LPC_DIFF_RUNS) console.log(`${cases.length} generated, ${cases.filter((c) => c.refusedBy).length} refused by the server, ${compared} requests compared, ${failures.length} disagreements`);
}

/** What `--fix` made of a case, and the CSRF cookies its fixes exempt (`data.exempt`). */
export interface FixedCase {
  readonly text: string;
  /** Per scope label (`data.scopes[].scope`), the CSRF cookies the fixes acting there exempt. */
  readonly exempt: ReadonlyMap<string, ReadonlySet<string>>;
  /** The fixed text still has xsrf-cookie-httponly findings (one `--fix` could not fix, say). */
  readonly remaining: boolean;
}

/** What the linter said of a case: its xsrf-cookie-httponly findings, and what `--fix` made of it. */
export interface LintedCase {
  /** The xsrf-cookie-httponly messages, for the precision check. */
  readonly xsrf: readonly string[];
  readonly fixed?: FixedCase;
  /** The `data` of each xsrf-cookie-httponly finding with a fix (its exemptions, and how each scope judged its cookies). */
  readonly fixData?: readonly FixData[];
}

/** What a finding's `data` says of its fix, scope by scope. */
export interface FixData {
  readonly exempt: readonly string[];
  readonly scopes: readonly { readonly scope: string; readonly mode: string; readonly mentioned: readonly string[]; readonly evident: readonly string[] }[];
}

/**
 * Lints `file` (written on disk) and, when xsrf-cookie-httponly offers fixes, runs `--fix` on a
 * copy: the fixed text and the cookies the fixes exempt.
 */
export async function lintCase(file: string, type: Dialect, options: Partial<RunOptions> = {}): Promise<LintedCase> {
  const base = { cwd: dirname(file), type, ...options };
  const linted = await run({ ...base, paths: [file], wantFixes: true });
  const messages = linted.results.flatMap((r) => r.messages).filter((m) => m.ruleId === 'xsrf-cookie-httponly');
  const xsrf = messages.map((m) => m.message);
  const fixable = messages.filter((m) => m.fix);
  if (fixable.length === 0) return { xsrf };
  const copy = `${file}.fix`;
  copyFileSync(file, copy);
  await run({ ...base, paths: [copy], fix: true });
  const after = await run({ ...base, paths: [copy] });
  const remaining = after.results.some((r) => r.messages.some((m) => m.ruleId === 'xsrf-cookie-httponly'));
  const exempt = new Map<string, Set<string>>();
  for (const m of fixable) {
    for (const { scope } of (m.data?.scopes as { scope: string }[] | undefined) ?? []) {
      const names = exempt.get(scope) ?? new Set<string>();
      for (const n of (m.data?.exempt as string[] | undefined) ?? []) names.add(n);
      exempt.set(scope, names);
    }
  }
  const fixData = fixable.map((m) => ({ exempt: (m.data?.exempt as string[] | undefined) ?? [], scopes: (m.data?.scopes as FixData['scopes'] | undefined) ?? [] }));
  return { xsrf, fixed: { text: readFileSync(copy, 'utf8'), exempt, remaining }, fixData };
}

const CATALOG = createCatalog();

/**
 * A line the server sent that breaks a CSRF token: a catalog CSRF cookie with HttpOnly that the
 * backend (which sent `sent`) did not mark HttpOnly itself; a line the configuration makes counts too.
 */
export function breaksToken(line: string, sent: readonly string[] = COOKIES): boolean {
  const c = parseSetCookie(line);
  if (!isXsrfCookie(CATALOG, c.name) || !hasHttpOnly(line)) return false;
  return !sent.some((x) => hasHttpOnly(x) && parseSetCookie(x).name === c.name && parseSetCookie(x).value === c.value);
}

/**
 * The backend responses the linter judges a CSRF cookie by: each catalog CSRF name alone, in each
 * readable shape, with the attributes the configuration's ops ask to be probed with (a path they
 * rewrite, say).
 */
export function tokenResponses(model: HeaderRewriteModel): string[][] {
  const attributes = probeAttributesOf(model.ops);
  return CATALOG.xsrf.flatMap((x) => samplesFor(x.name, { attributes }).map((sample) => [sample]));
}

/**
 * Precision: a case whose every endpoint was requested with a single simulated outcome (so the
 * requests made are every request there is, status classes aside), where the server breaks no
 * token, must lint without xsrf-cookie-httponly findings. The standard response alone does not
 * show every break (a directive may act on the first line only), so a case the linter reports is
 * requested again with each response the linter judges tokens by (`get` sends one request for
 * the backend lines given): a false positive only if none of them breaks a token either.
 */
export async function falsePositive(
  c: DiffCase & { readonly xsrf?: readonly string[] },
  complete: boolean,
  broke: boolean,
  get: (cookies: readonly string[], status: number) => Promise<readonly string[]>,
): Promise<string | undefined> {
  if (!complete || broke || !c.xsrf || c.xsrf.length === 0) return undefined;
  for (const status of STATUSES) {
    for (const cookies of tokenResponses(c.model)) if ((await get(cookies, status)).some((line) => breaksToken(line, cookies))) return undefined;
  }
  return `${c.name}: the server never made a CSRF cookie HttpOnly, yet the linter reports ${c.xsrf.join(' / ')}\n${c.text}`;
}

/**
 * The fix's promise, checked on what the server sent for the same request to `endpoint` before
 * and after it: the CSRF cookies exempted there the backend sent without HttpOnly arrive without it (or the linter
 * still reports the fixed text: another directive it could not fix adds HttpOnly); every backend
 * cookie still arrives and keeps Secure, and one not exempted keeps HttpOnly. Problems, or [].
 */
export function fixBroken(endpoint: string, before: readonly string[], after: readonly string[], fixed: FixedCase): string[] {
  // The cookies exempted in the endpoint's scope or one enclosing it (other scopes' verdicts are their own).
  const exempt = new Set([...fixed.exempt].flatMap(([scope, names]) => (endpoint === scope || endpoint.startsWith(`${scope} › `) ? [...names] : [])));
  const problems: string[] = [];
  // A backend cookie is known by its name and value (the configuration may set others of the same name).
  const key = (v: string) => {
    const c = parseSetCookie(v);
    return `${c.name}=${c.value}`;
  };
  // Lines with the same name and value (`add_header Set-Cookie "$upstream_http_set_cookie"` copies
  // one) are paired in the order they are sent: the k-th after with the k-th before.
  const was = new Map<string, string[]>();
  for (const v of before) was.set(key(v), [...(was.get(key(v)) ?? []), v]);
  const seen = new Map<string, number>();
  for (const value of after) {
    const sent = COOKIES.find((x) => key(x) === key(value));
    if (!sent) continue;
    const { name } = parseSetCookie(value);
    if (exempt.has(name) && !hasHttpOnly(sent) && hasHttpOnly(value) && !fixed.remaining) problems.push(`${name} still HttpOnly, and the fixed text lints clean: ${value}`);
    const k = seen.get(key(value)) ?? 0;
    seen.set(key(value), k + 1);
    const old = was.get(key(value))?.[k];
    if (!old) continue;
    // A CSRF cookie may lose HttpOnly where no first-pass fix exempted it: --fix runs until nothing
    // is left, and the names a first fix writes into an exclusion are evidence of the products
    // behind the scope for the next pass (linting the fixed file says the same). Any other cookie keeps it.
    for (const flag of ['secure', ...(exempt.has(name) || isXsrfCookie(CATALOG, name) ? [] : ['httponly'])]) {
      if (hasAttribute(old, flag) && !hasAttribute(value, flag)) problems.push(`${name} lost ${flag}: ${old} became ${value}`);
    }
  }
  for (const [k, olds] of was) if (COOKIES.some((x) => key(x) === k) && !after.some((v) => key(v) === k)) problems.push(`${olds[0]} is no longer sent`);
  return problems;
}

/**
 * The cases whose fix the server accepted, to request; a fix it refuses is a failure (pushed onto
 * `failures`). With `LPC_DIFF_RUNS`, prints how many cases had fixes.
 */
export function servedFixes<C extends DiffCase & { readonly fixed?: FixedCase & { readonly refusedBy?: string } }>(
  cases: readonly C[],
  server: string,
  line: (output: string) => string,
  failures: string[],
): (C & { readonly fixed: FixedCase })[] {
  const fixed = cases.filter((c): c is C & { readonly fixed: FixedCase & { readonly refusedBy?: string } } => c.fixed !== undefined);
  if (process.env.LPC_DIFF_RUNS) console.log(`${fixed.length} of ${cases.length} cases have fixes`);
  for (const c of fixed) if (c.fixed.refusedBy) failures.push(`${c.name}: ${server} refuses the fixed configuration (${line(c.fixed.refusedBy)})\n${c.fixed.text}`);
  return fixed.filter((c) => !c.fixed.refusedBy);
}

/** `falsePositive`'s requests: each path asked with the given backend lines, every line the server sent. */
export function askAll<P>(paths: readonly P[], ask: (path: P, cookies: readonly string[], status: number) => Promise<{ readonly setCookies: readonly string[] } | { readonly crashed: true }>) {
  return async (cookies: readonly string[], status: number): Promise<string[]> => {
    const lines: string[] = [];
    for (const path of paths) {
      const res = await ask(path, cookies, status);
      if (!('crashed' in res)) lines.push(...res.setCookies);
    }
    return lines;
  };
}
