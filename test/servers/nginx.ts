/**
 * Running the real nginx for tests: one process per configuration, in a private prefix (its own
 * pid file, temp paths and error log on stderr), `daemon off; master_process off;` so the process
 * we start is the one that serves, listening on 127.0.0.1 only. Dynamic modules (headers-more,
 * lua) are loaded from Debian's module directory when a configuration needs them.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const MODULES_DIR = '/usr/lib/nginx/modules';

export type NginxModule = 'headers-more' | 'lua';

const MODULE_FILES: Readonly<Record<NginxModule, readonly string[]>> = {
  'headers-more': ['ngx_http_headers_more_filter_module.so'],
  lua: ['ndk_http_module.so', 'ngx_http_lua_module.so'],
};

/** The nginx binary's version, or why the real-server tests cannot run. */
export function nginxVersion(): { ok: true; version: string } | { ok: false; reason: string } {
  const r = spawnSync('nginx', ['-v'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return { ok: false, reason: `nginx is not installed (${r.error?.message ?? r.stderr.trim()})` };
  const m = /nginx\/(\d+\.\d+\.\d+)/.exec(r.stderr);
  return m ? { ok: true, version: m[1]! } : { ok: false, reason: `unexpected "nginx -v" output: ${r.stderr.trim()}` };
}

export function moduleAvailable(module: NginxModule): boolean {
  return MODULE_FILES[module].every((f) => existsSync(join(MODULES_DIR, f)));
}

/** `load_module` lines, in the order Debian's modules-enabled loads them (ndk before lua). */
export function loadModules(modules: Iterable<NginxModule>): string {
  const wanted = new Set(modules);
  const order: NginxModule[] = ['headers-more', 'lua'];
  return order
    .filter((m) => wanted.has(m))
    .flatMap((m) => MODULE_FILES[m].map((f) => `load_module ${join(MODULES_DIR, f)};\n`))
    .join('');
}

/** Directives every test http block needs: temp paths inside the prefix, no access log. */
export function httpBoilerplate(prefix: string): string {
  return ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((t) => `${t}_temp_path ${join(prefix, 'tmp', t)};`)
    .concat(['access_log off;'])
    .join('\n');
}

const prefixes: string[] = [];

export function makePrefix(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lpc-nginx-'));
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  prefixes.push(dir);
  return dir;
}

/** Removes every prefix made so far (call after the servers stopped). */
export function removePrefixes(): void {
  for (const dir of prefixes.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes files (paths relative to the prefix). */
export function writeFiles(prefix: string, files: Readonly<Record<string, string>>): void {
  for (const [rel, text] of Object.entries(files)) {
    const path = join(prefix, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
}

function globals(prefix: string, extra = ''): string {
  return `daemon off; master_process off; pid ${join(prefix, 'nginx.pid')}; error_log stderr notice;${extra}`;
}

/** `nginx -t` on `<prefix>/<conf>`: whether nginx accepts it, and what it said. */
export function testConfig(prefix: string, conf = 'nginx.conf'): { ok: boolean; output: string } {
  const r = spawnSync('nginx', ['-t', '-p', `${prefix}/`, '-c', join(prefix, conf), '-g', globals(prefix)], { encoding: 'utf8', timeout: 20_000 });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() };
}

/** A free loopback port (shared with the Apache tests). */
export { freePort } from './backend.js';
import { fetchCookies } from './backend.js';

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect({ host: '127.0.0.1', port }, () => {
      c.destroy();
      resolve(true);
    });
    c.on('error', () => resolve(false));
  });
}

export interface RunningNginx {
  readonly port: number;
  readonly prefix: string;
  /** What nginx wrote to stderr so far. */
  log(): string;
  stop(): Promise<void>;
}

/** Starts nginx on `<prefix>/<conf>` (which must listen on `port`) and waits until it accepts connections. */
export async function startNginx(prefix: string, port: number, conf = 'nginx.conf'): Promise<RunningNginx> {
  const child: ChildProcess = spawn('nginx', ['-p', `${prefix}/`, '-c', join(prefix, conf), '-g', globals(prefix)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  let exited = false;
  const done = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));
  const deadline = Date.now() + 60_000; // a config of a thousand servers on a loaded machine
  while (!(await canConnect(port))) {
    if (exited || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not start:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    port,
    prefix,
    log: () => stderr,
    stop: async () => {
      if (!exited) child.kill('SIGTERM');
      await Promise.race([done, new Promise((r) => setTimeout(r, 5_000))]);
      if (!exited) child.kill('SIGKILL');
    },
  };
}

export interface NginxResponse {
  readonly status: number;
  readonly setCookies: readonly string[];
}

/** GET with a Host header (and other request headers, for `$http_*` variables); every Set-Cookie line in order. */
export async function get(port: number, path: string, host: string, headers: Readonly<Record<string, string>> = {}): Promise<NginxResponse> {
  const res = await fetchCookies(port, path, { host, headers });
  if ('crashed' in res) throw new Error(`nginx closed the connection for ${path}`);
  return res;
}
