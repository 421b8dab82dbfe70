/**
 * How much the fuzz suite runs (see test/fuzz/README.md).
 *
 * - CI (default): a fixed seed and a small, fixed number of runs per property, so that a run is
 *   reproducible and the whole suite stays under ~40 s on a 2-core machine.
 * - Local: `LPC_FUZZ_RUNS=<n>` runs every property `n` times (scaled by the property's weight)
 *   with a fresh random seed each time; `LPC_FUZZ_SEED=<seed>` pins the seed to replay a failure
 *   (fast-check prints the seed and the counterexample path when a property fails).
 */
import type { Parameters } from 'fast-check';

/** The CI seed: any fixed number; changing it changes which cases CI sees. */
const CI_SEED = 20_260_506;

const runsOverride = positiveInt(process.env.LPC_FUZZ_RUNS);
const seedOverride = process.env.LPC_FUZZ_SEED === undefined ? undefined : Number(process.env.LPC_FUZZ_SEED);

/** Whether the long local mode is on. */
const LOCAL_MODE = runsOverride !== undefined;

function positiveInt(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`LPC_FUZZ_RUNS must be a positive whole number, got ${JSON.stringify(value)}`);
  return n;
}

/**
 * fast-check parameters for a property that runs `ciRuns` times in CI. In local mode the
 * property runs `LPC_FUZZ_RUNS × weight` times, `weight` being `ciRuns` relative to a typical 40.
 */
export function fuzzParams<T>(ciRuns: number): Parameters<T> {
  const numRuns = runsOverride === undefined ? ciRuns : Math.max(1, Math.round((runsOverride * ciRuns) / 40));
  const seed = seedOverride ?? (LOCAL_MODE ? Date.now() ^ (Math.random() * 0x7fffffff) : CI_SEED);
  return { seed, numRuns };
}

/** A vitest timeout that grows with the local run count (CI keeps the configured default). */
export function fuzzTimeout(ciRuns: number): number {
  if (runsOverride === undefined) return 60_000;
  // The per-case hang detector is 2 s per step; a case makes a handful of steps.
  return 60_000 + Math.round((runsOverride * ciRuns) / 40) * 10_000;
}
