/**
 * Running the real Caddy for tests: `caddy run` on a configuration in a temporary directory, with
 * the admin endpoint off, automatic HTTPS off and Caddy's data and config directories inside the
 * temporary directory; only loopback addresses.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export { freePort } from './backend.js';

export function caddyVersion(): { ok: true; version: string } | { ok: false; reason: string } {
  const r = spawnSync('caddy', ['version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return { ok: false, reason: 'caddy is not installed (apt-get install caddy)' };
  const m = /v?(\d+\.\d+\.\d+)/.exec(r.stdout);
  return m ? { ok: true, version: m[1]! } : { ok: false, reason: `unexpected caddy version output: ${r.stdout}` };
}

const dirs: string[] = [];

export function makeDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lpc-caddy-'));
  dirs.push(dir);
  return dir;
}

export function removeDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function writeFiles(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

function env(dir: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') };
}

const adapterOf = (file: string) => (file.endsWith('.json') ? [] : ['--adapter', 'caddyfile']);

/** `caddy validate`: loads and provisions the configuration without serving it. */
export function validate(dir: string, file: string): { ok: boolean; output: string } {
  const r = spawnSync('caddy', ['validate', '--config', join(dir, file), ...adapterOf(file)], { encoding: 'utf8', env: env(dir), timeout: 30_000 });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** `caddy adapt`: the JSON the Caddyfile adapter makes of a file (first line of its output). */
export function adapt(dir: string, file: string): { ok: true; json: unknown } | { ok: false; output: string } {
  const r = spawnSync('caddy', ['adapt', '--config', join(dir, file), '--adapter', 'caddyfile'], { encoding: 'utf8', env: env(dir), timeout: 30_000 });
  if (r.status !== 0) return { ok: false, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
  return { ok: true, json: JSON.parse((r.stdout ?? '').split('\n')[0]!) };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect({ host: '127.0.0.1', port }, () => {
      c.destroy();
      resolve(true);
    });
    c.on('error', () => resolve(false));
  });
}

export interface RunningCaddy {
  log(): string;
  stop(): Promise<void>;
}

/** Starts `caddy run` and waits until every port in `ports` accepts connections. */
export async function startCaddy(dir: string, file: string, ports: readonly number[]): Promise<RunningCaddy> {
  const child: ChildProcess = spawn('caddy', ['run', '--config', join(dir, file), ...adapterOf(file)], { stdio: ['ignore', 'ignore', 'pipe'], env: env(dir) });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  let exited = false;
  const done = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));
  const deadline = Date.now() + 15_000;
  for (const port of ports) {
    while (!(await canConnect(port))) {
      if (exited || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`caddy did not start:\n${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  return {
    log: () => stderr,
    stop: async () => {
      if (!exited) child.kill('SIGTERM');
      await Promise.race([done, new Promise((r) => setTimeout(r, 5_000))]);
      if (!exited) child.kill('SIGKILL');
    },
  };
}
