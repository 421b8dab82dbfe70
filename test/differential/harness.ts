/**
 * What the differential tests (nginx, apache, haproxy, caddy .test.ts) share: the backend's
 * cookies, the statuses requested, how many cases run with which seed, and the two checks every
 * case goes through (the linter and the server agree on refusing it; the server's lines are
 * among the simulated outcomes).
 */
import fc from 'fast-check';
import type { HeaderRewriteModel } from '../../src/model/header-rewrite.js';
import { branchesOf, type SimResult } from '../../src/model/simulate.js';

/** Backend cookies: several paths, a domain, flags already set, CSRF and session names. */
export const COOKIES: readonly string[] = [
  'JSESSIONID=s1; Path=/; Secure; HttpOnly',
  'XSRF-TOKEN=x1; Path=/app',
  'csrftoken=c1',
  'atl.xsrf.token=t1; Path=/; Secure',
  'sessionid=d1; Domain=www.example.com; Path=/app/; SameSite=Lax',
  'sc=y1; Path=/; HttpOnly',
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
