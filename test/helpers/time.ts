/**
 * Time limits of the tests that guard against hangs and quadratic blow-ups. Mutation testing runs
 * instrumented code at the lowest priority on a shared machine, several times slower, and sets
 * LPC_TIME_SCALE (vitest.stryker.config.ts); elsewhere a limit is what it says.
 */
export function timeLimit(ms: number): number {
  const scale = Number(process.env.LPC_TIME_SCALE ?? '1');
  return ms * (Number.isFinite(scale) && scale >= 1 ? scale : 1);
}
