/**
 * How many threads a run uses, decided without loading node:worker_threads (a few milliseconds
 * of a small run's start): src/run/parallel.ts, which does load it, is imported only for parallel runs.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Fewer files than this per thread are not worth a worker's start-up (~50 ms). */
export const MIN_FILES_PER_WORKER = 64;

/** Set in the environment of the worker threads of a parallel run. */
export const WORKER_ENV = 'LPC_WORKER_THREAD';

/**
 * Set to `many` in a worker's environment when the run is tuned for many files: V8 then refuses a
 * code cache written under other flags (the flags are hashed into it), so the start script gives
 * such workers the cache the build wrote under the same flag (src/run/launch.cjs).
 */
export const CODE_CACHE_ENV = 'LPC_CODE_CACHE';

/** The V8 flag of a run tuned for many files; src/run/launch.cjs sets the same for the `many` cache. */
const MANY_FILES_FLAG = '--no-turbo-inlining';
let tuned = false;

let bundle: string | undefined;
/** The running code: dist/cli.cjs, or a TypeScript source under tests (worked out on first need). */
export function bundlePath(): string {
  bundle ??= fileURLToPath(import.meta.url);
  return bundle;
}

/** A built-in module, loaded on first need. */
const load = (name: string): unknown => createRequire(import.meta.url)(name);

/** How many threads to use for `files` files (1 = stay on the main thread). */
export function threadCount(files: number, env: NodeJS.ProcessEnv = process.env): number {
  // Workers load the bundle: running from TypeScript sources (tests) stays single-threaded.
  const worth = Math.floor(files / MIN_FILES_PER_WORKER);
  if (worth < 2 || !bundlePath().endsWith('.cjs')) return 1;
  const requested = Number(env.LPC_WORKERS);
  // node:os only when there is a choice to make: loading it is a fraction of a small run's start.
  const cores = Number.isInteger(requested) && requested > 0 ? requested : (load('node:os') as typeof import('node:os')).availableParallelism();
  return Math.max(1, Math.min(cores, worth));
}

/** From this many files on, a run is tuned for many small files ({@link tuneForManyFiles}). */
export const MANY_FILES = 2 * MIN_FILES_PER_WORKER;

/**
 * Many small files run the same few hundred functions again and again, and each thread has V8
 * optimise them for itself: on 10,000 small files TurboFan's compiling, most of it inlining callees
 * into big callers, took more CPU than the lint. Without inlining the compiled code is a little
 * slower but is compiled in half the time: the 10,000-file bench tree ran in 0.85x the time on
 * one core and 0.95x on two (paired whole-process runs). Large single files keep inlining (they ran
 * 1-6 % slower without it). Set at run time, after the start script has handed V8 the code cache
 * (a flag set before would not match the cache); worker threads started later get the cache the
 * build wrote under this flag ({@link workerEnv}).
 */
export function tuneForManyFiles(files: number): void {
  if (files < MANY_FILES || !bundlePath().endsWith('.cjs')) return;
  (load('node:v8') as typeof import('node:v8')).setFlagsFromString(MANY_FILES_FLAG);
  tuned = true;
}

/** The environment of a worker thread started now. */
export function workerEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, [WORKER_ENV]: '1', ...(tuned ? { [CODE_CACHE_ENV]: 'many' } : {}) };
}
