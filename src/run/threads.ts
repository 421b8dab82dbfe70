/**
 * How many threads a run uses, decided without loading node:worker_threads (a few milliseconds
 * of a small run's start): src/run/parallel.ts, which does load it, is imported only for parallel runs.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

/** Fewer files than this per thread are not worth a worker's start-up (~50 ms). */
export const MIN_FILES_PER_WORKER = 64;

/** Set in the environment of the worker threads of a parallel run. */
export const WORKER_ENV = 'LPC_WORKER_THREAD';

/** The running code: dist/cli.cjs, or a TypeScript source under tests. */
export const BUNDLE = fileURLToPath(import.meta.url);

/** How many threads to use for `files` files (1 = stay on the main thread). */
export function threadCount(files: number, env: NodeJS.ProcessEnv = process.env): number {
  // Workers load the bundle: running from TypeScript sources (tests) stays single-threaded.
  if (!BUNDLE.endsWith('.cjs')) return 1;
  const requested = Number(env.LPC_WORKERS);
  const cores = Number.isInteger(requested) && requested > 0 ? requested : availableParallelism();
  return Math.max(1, Math.min(cores, Math.floor(files / MIN_FILES_PER_WORKER)));
}
