/**
 * Running the real HAProxy for tests: `haproxy -c` for validity, and one foreground process
 * (`-db`) per configuration, every `bind` on its own free 127.0.0.1 port and every `server`
 * pointing at a test backend on 127.0.0.1. Environment variables the configuration tests with
 * `.if defined(NAME)` are set, so that the blocks the linter cannot decide are taken.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './backend.js';

export { freePort };

/** The haproxy binary's version, or why the real-server tests cannot run. */
export function haproxyVersion(): { ok: true; version: string } | { ok: false; reason: string } {
  const r = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return { ok: false, reason: `haproxy is not installed (${r.error?.message ?? r.stderr.trim()})` };
  const m = /version (\d+\.\d+\.\d+)/.exec(r.stdout);
  return m ? { ok: true, version: m[1]! } : { ok: false, reason: `unexpected "haproxy -v" output: ${r.stdout.trim()}` };
}

/** `NAME=1` for every `defined(NAME)` of the text's `.if`/`.elif` lines. */
export function definedNames(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const m of text.matchAll(/^\s*\.(?:if|elif)\b.*$/gm)) for (const d of m[0].matchAll(/defined\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) env[d[1]!] = '1';
  return env;
}

export interface RunnableHaproxy {
  readonly text: string;
  /** The port each frontend or listen section listens on, by `frontend NAME` / `listen NAME`. */
  readonly ports: ReadonlyMap<string, number>;
}

/**
 * The configuration with every `bind` line on a free loopback port and every backend reduced to
 * its first `server`, sent to `backendPort` (a persistence cookie then always names that server).
 * Backends no frontend reaches (`expose`) get a frontend of their own, under the key `backend NAME`.
 */
export async function runnableConfig(text: string, backendPort: number, expose: readonly string[] = []): Promise<RunnableHaproxy> {
  const ports = new Map<string, number>();
  const out: string[] = [];
  let section = '';
  let seenServer = false;
  for (const line of text.split('\n')) {
    const head = /^(frontend|backend|listen|defaults|global)\b\s*(\S*)/.exec(line);
    if (head) {
      section = `${head[1]} ${head[2]}`;
      seenServer = false;
      out.push(line);
      continue;
    }
    const bind = /^(\s*)bind\s+\S+(.*)$/.exec(line);
    if (bind) {
      let port = ports.get(section);
      if (port === undefined) ports.set(section, (port = await freePort()));
      out.push(`${bind[1]}bind 127.0.0.1:${port}`);
      continue;
    }
    const server = /^(\s*)server\s+(\S+)\s+\S+(.*)$/.exec(line);
    if (server) {
      if (!seenServer) out.push(`${server[1]}server ${server[2]} 127.0.0.1:${backendPort}${server[3]}`);
      seenServer = true;
      continue;
    }
    out.push(line);
  }
  for (const name of expose) {
    const port = await freePort();
    ports.set(`backend ${name}`, port);
    out.push('', `frontend lpc-expose-${name}`, `    mode http`, `    bind 127.0.0.1:${port}`, `    default_backend ${name}`, '');
  }
  return { text: out.join('\n'), ports };
}

const dirs: string[] = [];

export function writeConfig(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'lpc-haproxy-'));
  dirs.push(dir);
  const path = join(dir, 'haproxy.cfg');
  writeFileSync(path, text);
  return path;
}

export function removeConfigs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** `haproxy -c -f <path>`: whether HAProxy accepts it, and what it said. */
export function checkConfig(path: string, env: Record<string, string> = {}): { ok: boolean; output: string } {
  const r = spawnSync('haproxy', ['-c', '-f', path], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, ...env } });
  const output = `${r.stdout}${r.stderr}`.trim();
  // Exit code 2 with "has no error but will not start (no listener)": a valid backend-only file.
  return { ok: r.status === 0 || (r.status === 2 && /Configuration file has no error/.test(output)), output };
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

export interface RunningHaproxy {
  log(): string;
  stop(): Promise<void>;
}

/** Starts `haproxy -db -f <path>` and waits until every port accepts connections. */
export async function startHaproxy(path: string, ports: readonly number[], env: Record<string, string> = {}): Promise<RunningHaproxy> {
  const child: ChildProcess = spawn('haproxy', ['-db', '-f', path], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  let exited = false;
  const done = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));
  const deadline = Date.now() + 10_000;
  for (const port of ports) {
    while (!(await canConnect(port))) {
      if (exited || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`haproxy did not start:\n${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 20));
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
