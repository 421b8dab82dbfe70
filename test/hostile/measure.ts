/**
 * Runs the built CLI in a child process held to the bounds the hostile-input tests promise: a
 * V8 heap of at most 1.5 GB (a larger need aborts the run), and a report of the CPU time and
 * peak memory it used. CPU time, not wall time: the suite shares two cores with other work.
 */
import { spawnSync } from 'node:child_process';

const BIN = new URL('../../bin/lint-proxy-config.js', import.meta.url).pathname;
const PRELOAD = new URL('./usage-preload.mjs', import.meta.url).pathname;

/** The time and memory every hostile case must stay within (SECURITY.md). */
export const BOUNDS = { cpuMs: 10_000, maxRssMb: 1536 } as const;

export interface Measured {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly cpuMs: number;
  readonly maxRssMb: number;
}

export function measured(args: readonly string[], options: { cwd: string; stdin?: string | Buffer; env?: NodeJS.ProcessEnv }): Measured {
  const r = spawnSync(process.execPath, ['--max-old-space-size=1536', '--import', PRELOAD, BIN, ...args], {
    cwd: options.cwd,
    input: options.stdin ?? '',
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', LPC_WORKERS: '1', ...options.env },
    timeout: 120_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  const at = r.stderr.lastIndexOf('\nLPC-USAGE ');
  const usage = at === -1 ? { cpuMs: Number.NaN, maxRssMb: Number.NaN } : (JSON.parse(r.stderr.slice(at + 11)) as { cpuMs: number; maxRssMb: number });
  return { code: r.status, stdout: r.stdout, stderr: at === -1 ? r.stderr : r.stderr.slice(0, at), ...usage };
}

/** Asserts the bounds, with the numbers in the message. */
export function withinBounds(m: Measured): boolean {
  return m.cpuMs < BOUNDS.cpuMs && m.maxRssMb < BOUNDS.maxRssMb;
}
