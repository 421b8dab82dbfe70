/** Running the CLI in-process (fast, exact output) or as the real binary (exit codes, stdin). */
import { spawnSync } from 'node:child_process';
import { main } from '../../src/cli/cli.js';
import type { Io } from '../../src/cli/commands/lint.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function cli(args: readonly string[], options: { cwd: string; stdin?: string; env?: NodeJS.ProcessEnv; isTTY?: boolean }): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    readStdin: async () => options.stdin ?? '',
    isTTY: options.isTTY ?? false,
    env: options.env ?? {},
    cwd: options.cwd,
  };
  const code = await main(['node', 'lint-proxy-config', ...args], io);
  return { code, stdout, stderr };
}

const BIN = new URL('../../bin/lint-proxy-config.js', import.meta.url).pathname;

export function bin(args: readonly string[], options: { cwd: string; stdin?: string; env?: NodeJS.ProcessEnv }): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    input: options.stdin ?? '',
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...options.env },
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
