/**
 * A real Apache httpd (Debian's apache2) for tests: its own ServerRoot, PidFile, ErrorLog and
 * cgid socket in a temporary directory, listening on a free loopback port, loading only what the
 * tests need from /usr/lib/apache2/modules, in front of the backends of backend.ts (HTTP through
 * `ProxyPass`, FastCGI, AJP, SCGI and uwsgi through `ProxyPass fcgi://` and the like, CGI through
 * `ScriptAlias`) and, when a test asks for it (`{ php: true }`), of mod_php running the scripts of
 * backend-php.ts.
 *
 * Cases are name-based virtual hosts of ONE server (`Host: <name>`), so a suite of hundreds of
 * cases starts Apache once.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePhpIni, writePhpScripts } from './backend-php.js';
import { fetchCookies, startAjpBackend, startFastCgiBackend, startHttpBackend, startScgiBackend, startUwsgiBackend, writeCgiScript, type FetchedResponse, type RunningBackend } from './backend.js';

export const MODULES_DIR = '/usr/lib/apache2/modules';

const MODULES: readonly [string, string][] = [
  ['mpm_event_module', 'mod_mpm_event.so'],
  ['authz_core_module', 'mod_authz_core.so'],
  ['headers_module', 'mod_headers.so'],
  ['proxy_module', 'mod_proxy.so'],
  ['proxy_http_module', 'mod_proxy_http.so'],
  ['proxy_fcgi_module', 'mod_proxy_fcgi.so'],
  ['proxy_ajp_module', 'mod_proxy_ajp.so'],
  ['proxy_scgi_module', 'mod_proxy_scgi.so'],
  ['proxy_uwsgi_module', 'mod_proxy_uwsgi.so'],
  // mod_proxy_balancer (with the shared memory and the lbmethod it needs) for balancer:// members.
  ['slotmem_shm_module', 'mod_slotmem_shm.so'],
  ['proxy_balancer_module', 'mod_proxy_balancer.so'],
  ['lbmethod_byrequests_module', 'mod_lbmethod_byrequests.so'],
  ['cgid_module', 'mod_cgid.so'],
  ['alias_module', 'mod_alias.so'],
  ['env_module', 'mod_env.so'],
  ['setenvif_module', 'mod_setenvif.so'],
  ['rewrite_module', 'mod_rewrite.so'],
  ['mime_module', 'mod_mime.so'],
  ['macro_module', 'mod_macro.so'],
];

/** The modules every test Apache loads: models of served files are built with these (`apacheModules`). */
export const SERVED_MODULES: readonly string[] = MODULES.map(([id]) => id);

/** What a test asks of its Apache beyond the standard modules. */
export interface ApacheOptions {
  /**
   * Load mod_php (Debian's libapache2-mod-php). It refuses threaded MPMs, so the server runs the
   * prefork MPM instead of event.
   */
  readonly php?: boolean;
}

/** Debian's mod_php (`libphp8.2.so`, ...), the newest when several are installed; null when none is. */
export function phpModule(): string | null {
  if (!existsSync(MODULES_DIR)) return null;
  const found = readdirSync(MODULES_DIR)
    .filter((f) => /^libphp[\d.]*\.so$/.test(f))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return found.length > 0 ? `${MODULES_DIR}/${found[found.length - 1]}` : null;
}

function modules(options: ApacheOptions): [string, string][] {
  if (!options.php) return [...MODULES];
  const php = phpModule();
  if (!php) throw new Error('mod_php is not installed (libapache2-mod-php)');
  return [...MODULES.map(([id, file]): [string, string] => (id === 'mpm_event_module' ? ['mpm_prefork_module', 'mod_mpm_prefork.so'] : [id, file])), ['php_module', php]];
}

/** The modules a test Apache with `options` loads (`apacheModules` of models of its files). */
export function servedModules(options: ApacheOptions = {}): string[] {
  return modules(options).map(([id]) => id);
}

/** The apache2 binary, or null when it is not installed. */
export function apacheBinary(): string | null {
  for (const p of ['/usr/sbin/apache2', '/usr/sbin/httpd']) if (existsSync(p) && existsSync(MODULES_DIR)) return p;
  return null;
}


/** The server-level part every test configuration starts with. */
export function preamble(root: string, port: number, options: ApacheOptions = {}): string {
  const runAs = process.getuid?.() === 0 ? ['User www-data', 'Group www-data'] : [];
  return [
    `ServerRoot "${root}"`,
    `PidFile "${root}/httpd.pid"`,
    `ErrorLog "${root}/error.log"`,
    'LogLevel warn',
    `DefaultRuntimeDir "${root}"`,
    `Listen 127.0.0.1:${port}`,
    ...modules(options).map(([id, file]) => `LoadModule ${id} ${file.startsWith('/') ? file : `${MODULES_DIR}/${file}`}`),
    `ScriptSock "${root}/cgid.sock"`,
    // mod_php reads the php.ini startApache writes there (backend-php.ts), not the system's.
    ...(options.php ? [`PHPIniDir "${root}"`] : []),
    'TypesConfig /dev/null',
    ...runAs,
    'ServerName localhost',
    'StartServers 2',
    '<Directory />',
    '    Require all granted',
    '</Directory>',
    '',
  ].join('\n');
}

export interface Backends {
  readonly http: RunningBackend;
  readonly fcgi: RunningBackend;
  readonly ajp: RunningBackend;
  readonly scgi: RunningBackend;
  readonly uwsgi: RunningBackend;
  /** Directory holding the CGI script, as `lpc.cgi` and `lpc`. */
  readonly cgiDir: string;
  /** Directory holding the PHP scripts of backend-php.ts (`lpc.php`, `app.php`), for mod_php. */
  readonly phpDir: string;
  close(): Promise<void>;
}

export async function startBackends(root: string): Promise<Backends> {
  const [http, fcgi, ajp, scgi, uwsgi] = await Promise.all([startHttpBackend(), startFastCgiBackend(), startAjpBackend(), startScgiBackend(), startUwsgiBackend()]);
  const cgiDir = join(root, 'cgi');
  mkdirSync(cgiDir, { recursive: true });
  chmodSync(cgiDir, 0o755);
  writeCgiScript(join(cgiDir, 'lpc.cgi'));
  writeCgiScript(join(cgiDir, 'lpc'));
  const phpDir = join(root, 'php');
  writePhpScripts(phpDir);
  return {
    http,
    fcgi,
    ajp,
    scgi,
    uwsgi,
    cgiDir,
    phpDir,
    close: async () => {
      await Promise.all([http, fcgi, ajp, scgi, uwsgi].map((b) => b.close()));
    },
  };
}

export interface ApacheServer {
  readonly port: number;
  readonly root: string;
  errorLog(): string;
  stop(): Promise<void>;
}

/** A fresh world-readable temporary directory (workers run as www-data). */
export function makeRoot(prefix: string): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(root, 0o755);
  return root;
}

function waitForPort(port: number, child: ChildProcess, log: () => string, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let exited = false;
    child.once('exit', (code) => {
      exited = true;
      reject(new Error(`apache2 exited with ${code}:\n${log()}`));
    });
    const attempt = () => {
      if (exited) return;
      const req = request({ host: '127.0.0.1', port, path: '/', method: 'HEAD', agent: false, timeout: 1000 }, (res) => {
        res.resume();
        resolve();
      });
      req.on('error', () => {
        if (Date.now() - started > timeoutMs) reject(new Error(`apache2 did not answer on ${port}:\n${log()}`));
        else setTimeout(attempt, 100);
      });
      req.end();
    };
    attempt();
  });
}

/** Writes `httpd.conf` = preamble + `body` into `root` and runs apache2 in the foreground. */
export async function startApache(root: string, port: number, body: string, options: ApacheOptions = {}): Promise<ApacheServer> {
  const bin = apacheBinary();
  if (!bin) throw new Error('apache2 is not installed');
  const conf = join(root, 'httpd.conf');
  writeFileSync(conf, `${preamble(root, port, options)}\n${body}\n`);
  if (options.php) writePhpIni(root);
  const stderr: string[] = [];
  // The prefork MPM stops by sending SIGTERM to its whole process group (prefork.c, ap_unixd_killpg):
  // in a group of its own, or it would take the test runner with it.
  const child = spawn(bin, ['-f', conf, '-DFOREGROUND'], { env: { PATH: '/usr/sbin:/usr/bin:/bin', LANG: 'C' }, stdio: ['ignore', 'pipe', 'pipe'], detached: options.php === true });
  child.stdout?.on('data', (d: Buffer) => stderr.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
  const errorLog = () => {
    const path = join(root, 'error.log');
    return stderr.join('') + (existsSync(path) ? readFileSync(path, 'utf8') : '');
  };
  await waitForPort(port, child, errorLog);
  child.removeAllListeners('exit');
  return {
    port,
    root,
    errorLog,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

/** `apache2 -t` on preamble + body: whether httpd accepts the configuration, and what it says. */
export function checkConfig(root: string, body: string, options: ApacheOptions = {}): { ok: boolean; output: string } {
  const bin = apacheBinary();
  if (!bin) throw new Error('apache2 is not installed');
  const conf = join(root, `check-${Math.random().toString(36).slice(2)}.conf`);
  writeFileSync(conf, `${preamble(root, 1, options)}\n${body}\n`);
  try {
    const r = spawnSync(bin, ['-t', '-f', conf], { env: { PATH: '/usr/sbin:/usr/bin:/bin', LANG: 'C' }, encoding: 'utf8' });
    return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
  } finally {
    rmSync(conf, { force: true });
  }
}

/**
 * GETs `path` with a `Host` header; every Set-Cookie line in order, or `{ crashed: true }` when
 * the server closes the connection without answering (a segfaulted worker). Connection refusals
 * right after a crash (the child is being replaced) are retried.
 */
/** GET with a Host header, retrying while Apache starts. */
export function fetchFromHost(port: number, host: string, path: string, attempts = 20): Promise<FetchedResponse | { crashed: true }> {
  return fetchCookies(port, path, { host, attempts });
}
