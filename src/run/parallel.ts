/**
 * Linting many files on every core. The discovered files are cut into small contiguous chunks
 * (files of one directory, which include each other, stay together); the main thread and the
 * worker threads claim chunks one at a time through atomic counters in shared memory, so a
 * thread that started late or got heavier files simply takes fewer.
 *
 * Each thread's JavaScript is compiled and optimised by V8 on its own (isolates share no code):
 * a thread that lints nginx and Apache files warms up both dialects' code, and on 10,000 small
 * files that warm-up (TurboFan compiling several hundred functions) was about half of each
 * thread's time. So the chunks are ordered by the kind of directory that holds them (`conf.d`,
 * `sites-enabled`, ...: files of one kind are usually of one dialect) and half the threads claim
 * from the front, half from the back: on a mixed tree each thread mostly lints one dialect. On
 * the bench's tree (half Apache, half nginx) 2 threads went from 1.35x to 1.53-1.57x one pinned
 * core, in 0.78x the wall time (paired whole-process runs).
 * Each thread reads and detects
 * its chunks' files, builds and lints their models and returns plain {@link ModelLint} data; the
 * main thread then assembles everything exactly as a single-threaded run would (a root included
 * by a model of another chunk is still reported only in that context).
 *
 * Workers load the bundled CLI (dist/cli.cjs); running from TypeScript sources (tests) stays
 * single-threaded. `LPC_WORKERS=<n>` sets the number of threads (1 disables workers).
 */
import type { ConfigIO } from '../source.js';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { RULES } from '../../rules/index.js';
import type { CookieCatalog } from '../cookies/catalog.js';
import type { DialectOptions } from '../dialects/dialect.js';
import { loadDialects } from '../dialects/registry.js';
import type { LintSettings, RuleSetting } from '../engine/lint.js';
import type { Simulator } from '../engine/rule.js';
import { lintModels, type DialectRegistry, type FileResult, type LintTarget, type ModelLint } from '../engine/project.js';
import type { Dialect } from '../model/header-rewrite.js';
import { createNodeIO } from './node-io.js';
import { detectTarget, type Candidate } from './targets.js';
import { bundlePath, workerEnv } from './threads.js';

/** Files per chunk a thread claims at a time. */
const CHUNK = 50;

/** What a worker needs to rebuild the settings (functions and rules cannot cross threads). */
interface ShardJob {
  readonly lpcShard: true;
  readonly cwd: string;
  readonly maxFileMb: number | undefined;
  readonly chunks: readonly (readonly Candidate[])[];
  /**
   * Int32Array shared by every thread: [0] chunks claimed, [1] claimed from the front, [2] claimed
   * from the back.
   */
  readonly next: SharedArrayBuffer;
  readonly catalog: CookieCatalog;
  readonly options: DialectOptions;
  readonly ruleSettings: readonly [string, RuleSetting][];
  readonly wantFixes: boolean;
  readonly directives?: LintSettings['directives'];
  readonly where?: boolean;
}

/** Workers start through the start script, which hands V8 the bundle's code cache. */
const WORKER_SCRIPT = ((start) => (existsSync(start) ? start : bundlePath()))(join(dirname(bundlePath()), 'launch.cjs'));

/** Orders files by the name of their directory, then by path: one directory's files stay together. */
const byKindThenPath = (a: Candidate, b: Candidate): number => {
  const ka = basename(dirname(a.path));
  const kb = basename(dirname(b.path));
  if (ka !== kb) return ka < kb ? -1 : 1;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
};

function chunksOf(candidates: readonly Candidate[]): Candidate[][] {
  const sorted = [...candidates].sort(byKindThenPath);
  const out: Candidate[][] = [];
  for (let i = 0; i < sorted.length; i += CHUNK) out.push(sorted.slice(i, i + CHUNK));
  return out;
}

/** What the threads of a parallel run found and linted. */
export interface Shards {
  readonly targets: LintTarget[];
  /** Files named on the command line whose dialect could not be told. */
  readonly undetected: FileResult[];
  /** Targets whose file was read without error (the main thread need not read them again). */
  readonly readable: Set<string>;
  readonly lints: ModelLint[];
}

/**
 * Claims chunks until none is left: reads and detects their files, and lints them. `progress`
 * (main thread): files in the chunks every thread has claimed so far, after each chunk.
 */
function lintClaimed(
  job: ShardJob,
  fromBack: boolean,
  io: ConfigIO,
  registry: DialectRegistry,
  settings: LintSettings,
  progress?: (done: number, total: number) => void,
): Shards {
  const next = new Int32Array(job.next);
  const count = job.chunks.length;
  const total = job.chunks.reduce((n, c) => n + c.length, 0);
  const out: Shards = { targets: [], undetected: [], readable: new Set(), lints: [] };
  const simulators = new Map<Dialect, Simulator>();
  // A claim is counted first: at most `count` claims succeed, so the front's and the back's never meet.
  const claim = (): number | undefined => {
    if (Atomics.add(next, 0, 1) >= count) return undefined;
    return fromBack ? count - 1 - Atomics.add(next, 2, 1) : Atomics.add(next, 1, 1);
  };
  for (let i = claim(); i !== undefined; i = claim()) {
    const targets: LintTarget[] = [];
    for (const c of job.chunks[i]!) {
      const d = detectTarget(c, io);
      if (d.kind === 'target') {
        targets.push(d.target);
        if (d.readable) out.readable.add(d.target.path);
      } else if (d.kind === 'undetected') out.undetected.push(d.result);
    }
    out.targets.push(...targets);
    out.lints.push(...lintModels(targets, io, registry, settings, simulators));
    progress?.(Math.min(total, Math.min(count, Atomics.load(next, 0)) * CHUNK), total);
  }
  return out;
}

async function registryForAll(): Promise<DialectRegistry> {
  // The dialects are known only once the files are read: load the three (a few milliseconds).
  const dialects = await loadDialects(new Set<Dialect>(['apache', 'nginx', 'iis', 'haproxy', 'caddy']));
  return (d: Dialect) => dialects.get(d)!;
}

function runShardInWorker(job: ShardJob, fromBack: boolean): Promise<Shards> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SCRIPT, { workerData: { ...job, fromBack }, env: workerEnv() });
    worker.once('message', (shards: Shards) => resolve(shards));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`a lint worker stopped with exit code ${code}`));
    });
  });
}

/**
 * Reads, detects and lints `candidates` on `threads` threads, for `assemble()`. The main thread
 * claims chunks like the workers.
 */
export async function lintInParallel(candidates: readonly Candidate[], io: ConfigIO, settings: LintSettings, threads: number, maxFileMb?: number): Promise<Shards> {
  const job: ShardJob = {
    lpcShard: true,
    cwd: io.cwd,
    maxFileMb,
    chunks: chunksOf(candidates),
    next: new SharedArrayBuffer(12),
    catalog: settings.catalog,
    options: settings.options,
    ruleSettings: [...(settings.ruleSettings ?? new Map()).entries()],
    wantFixes: settings.wantFixes,
    ...(settings.directives ? { directives: settings.directives } : {}),
    ...(settings.where ? { where: true } : {}),
  };
  // The main thread claims from the front, the workers from the back and the front in turn.
  const others = Array.from({ length: threads - 1 }, (_, k) => runShardInWorker(job, k % 2 === 0));
  // Progress counts claimed chunks of every thread (the per-model callback would count only ours).
  const mine = lintClaimed(job, false, io, await registryForAll(), { ...settings, onProgress: undefined }, settings.onProgress);
  const all = [mine, ...(await Promise.all(others))];
  return {
    targets: all.flatMap((s) => s.targets),
    undetected: all.flatMap((s) => s.undetected),
    readable: new Set(all.flatMap((s) => [...s.readable])),
    lints: all.flatMap((s) => s.lints),
  };
}

/** The worker side: runs when the bundle is loaded by {@link runShardInWorker}. */
export async function runWorkerIfAsked(): Promise<void> {
  const job = workerData as (ShardJob & { readonly fromBack: boolean }) | undefined;
  if (isMainThread || !job?.lpcShard || !parentPort) return;
  const settings: LintSettings = {
    rules: RULES,
    ruleSettings: new Map(job.ruleSettings),
    catalog: job.catalog,
    options: job.options,
    wantFixes: job.wantFixes,
    ...(job.directives ? { directives: job.directives } : {}),
    ...(job.where ? { where: true } : {}),
  };
  parentPort.postMessage(lintClaimed(job, job.fromBack, createNodeIO(job.cwd, job.maxFileMb), await registryForAll(), settings));
}
