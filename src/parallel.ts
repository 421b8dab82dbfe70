/**
 * Linting many files on every core. The targets are cut into small contiguous chunks (files of
 * one directory, which include each other, stay together); the main thread and the worker threads
 * claim chunks one at a time through an atomic counter in shared memory, so a thread that started
 * late or got heavier files simply takes fewer. Each thread builds and lints its chunks' models and
 * returns plain {@link ModelLint} data; the main thread then assembles everything exactly as a
 * single-threaded run would (a root included by a model of another chunk is still reported only in
 * that context).
 *
 * Workers load the bundled CLI (dist/cli.cjs); running from TypeScript sources (tests) stays
 * single-threaded. `LPC_WORKERS=<n>` sets the number of threads (1 disables workers).
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { RULES } from '../rules/index.js';
import type { CookieCatalog } from './cookies/catalog.js';
import type { DialectOptions } from './dialects/dialect.js';
import { loadDialects } from './dialects/registry.js';
import type { ConfigIO } from './engine/io.js';
import type { LintSettings, RuleSetting } from './engine/lint.js';
import type { Simulator } from './engine/rule.js';
import { lintModels, type DialectRegistry, type LintTarget, type ModelLint } from './engine/project.js';
import type { Dialect } from './model/header-rewrite.js';
import { createNodeIO } from './node-io.js';

/** Fewer files than this are not worth a worker's start-up (~50 ms). */
export const MIN_FILES_PER_WORKER = 64;

/** Files per chunk a thread claims at a time. */
const CHUNK = 50;

/** What a worker needs to rebuild the settings (functions and rules cannot cross threads). */
interface ShardJob {
  readonly lpcShard: true;
  readonly cwd: string;
  readonly maxFileMb: number | undefined;
  readonly chunks: readonly (readonly LintTarget[])[];
  /** Int32Array[0]: the next chunk to claim, shared by every thread. */
  readonly next: SharedArrayBuffer;
  readonly catalog: CookieCatalog;
  readonly options: DialectOptions;
  readonly ruleSettings: readonly [string, RuleSetting][];
  readonly wantFixes: boolean;
  readonly directives?: LintSettings['directives'];
}

const BUNDLE = fileURLToPath(import.meta.url);

/** How many threads to use for `files` targets (1 = stay on the main thread). */
export function threadCount(files: number, env: NodeJS.ProcessEnv = process.env): number {
  if (!BUNDLE.endsWith('.cjs')) return 1;
  const requested = Number(env.LPC_WORKERS);
  const cores = Number.isInteger(requested) && requested > 0 ? requested : availableParallelism();
  return Math.max(1, Math.min(cores, Math.floor(files / MIN_FILES_PER_WORKER)));
}

function chunksOf(targets: readonly LintTarget[]): LintTarget[][] {
  const sorted = [...targets].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const out: LintTarget[][] = [];
  for (let i = 0; i < sorted.length; i += CHUNK) out.push(sorted.slice(i, i + CHUNK));
  return out;
}

/** Claims and lints chunks until none is left. */
function lintClaimed(job: ShardJob, io: ConfigIO, registry: DialectRegistry, settings: LintSettings): ModelLint[] {
  const next = new Int32Array(job.next);
  const lints: ModelLint[] = [];
  const simulators = new Map<Dialect, Simulator>();
  for (let i = Atomics.add(next, 0, 1); i < job.chunks.length; i = Atomics.add(next, 0, 1)) {
    lints.push(...lintModels(job.chunks[i]!, io, registry, settings, simulators));
  }
  return lints;
}

async function registryFor(targets: readonly LintTarget[]): Promise<DialectRegistry> {
  const dialects = await loadDialects(new Set(targets.map((t) => t.dialect)));
  return (d: Dialect) => dialects.get(d)!;
}

function runShardInWorker(job: ShardJob): Promise<ModelLint[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(BUNDLE, { workerData: job });
    worker.once('message', (lints: ModelLint[]) => resolve(lints));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`a lint worker stopped with exit code ${code}`));
    });
  });
}

/**
 * Lints `targets` on `threads` threads and returns every model's lint, for
 * `assemble()`. The main thread takes the first shard.
 */
export async function lintInParallel(targets: readonly LintTarget[], io: ConfigIO, settings: LintSettings, threads: number, maxFileMb?: number): Promise<ModelLint[]> {
  const job: ShardJob = {
    lpcShard: true,
    cwd: io.cwd,
    maxFileMb,
    chunks: chunksOf(targets),
    next: new SharedArrayBuffer(4),
    catalog: settings.catalog,
    options: settings.options,
    ruleSettings: [...(settings.ruleSettings ?? new Map()).entries()],
    wantFixes: settings.wantFixes,
    ...(settings.directives ? { directives: settings.directives } : {}),
  };
  const others = Array.from({ length: threads - 1 }, () => runShardInWorker(job));
  // The main thread uses the run's I/O: those files were already read for detection.
  const mine = lintClaimed(job, io, await registryFor(targets), { ...settings, onProgress: undefined });
  return [mine, ...(await Promise.all(others))].flat();
}

/** The worker side: runs when the bundle is loaded by {@link runShardInWorker}. */
export async function runWorkerIfAsked(): Promise<void> {
  const job = workerData as ShardJob | undefined;
  if (isMainThread || !job?.lpcShard || !parentPort) return;
  const settings: LintSettings = {
    rules: RULES,
    ruleSettings: new Map(job.ruleSettings),
    catalog: job.catalog,
    options: job.options,
    wantFixes: job.wantFixes,
    ...(job.directives ? { directives: job.directives } : {}),
  };
  const lints = lintClaimed(job, createNodeIO(job.cwd, job.maxFileMb), await registryFor(job.chunks.flat()), settings);
  parentPort.postMessage(lints);
}
