/**
 * Linting many files on every core. The targets are cut into contiguous shards (files of one
 * directory, which include each other, stay together); each worker thread builds and lints its
 * shard's models and returns plain {@link ModelLint} data; the main thread lints one shard itself,
 * then assembles everything exactly as a single-threaded run would (a root included by a model of
 * another shard is still reported only in that context).
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
import { lintModels, type DialectRegistry, type LintTarget, type ModelLint } from './engine/project.js';
import type { Dialect } from './model/header-rewrite.js';
import { createNodeIO } from './node-io.js';

/** Fewer files than this are not worth a worker's start-up (~50 ms). */
export const MIN_FILES_PER_WORKER = 64;

/** What a worker needs to rebuild the settings (functions and rules cannot cross threads). */
interface ShardJob {
  readonly lpcShard: true;
  readonly cwd: string;
  readonly maxFileMb: number | undefined;
  readonly targets: readonly LintTarget[];
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

function shards(targets: readonly LintTarget[], n: number): LintTarget[][] {
  const sorted = [...targets].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const size = Math.ceil(sorted.length / n);
  return Array.from({ length: n }, (_, i) => sorted.slice(i * size, (i + 1) * size)).filter((s) => s.length > 0);
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
  const cwd = io.cwd;
  const [own = [], ...rest] = shards(targets, threads);
  const job = (shard: readonly LintTarget[]): ShardJob => ({
    lpcShard: true,
    cwd,
    maxFileMb,
    targets: shard,
    catalog: settings.catalog,
    options: settings.options,
    ruleSettings: [...(settings.ruleSettings ?? new Map()).entries()],
    wantFixes: settings.wantFixes,
    ...(settings.directives ? { directives: settings.directives } : {}),
  });
  const others = rest.map((shard) => runShardInWorker(job(shard)));
  // The main thread's shard uses the run's I/O: those files were already read for detection.
  const mine = lintModels(own, io, await registryFor(own), { ...settings, onProgress: undefined });
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
  const lints = lintModels(job.targets, createNodeIO(job.cwd, job.maxFileMb), await registryFor(job.targets), settings);
  parentPort.postMessage(lints);
}
