/**
 * The start script (bin/lint-proxy-config.js) hands V8 the build's code cache for the bundle, and
 * works the same without it, with a cache from another build or with a corrupt one.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../', import.meta.url).pathname;
const copy = mkdtempSync(join(tmpdir(), 'lpc-startup-'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

function run(args: string[]): string {
  return execFileSync(process.execPath, [join(copy, 'bin/lint-proxy-config.js'), ...args], { encoding: 'utf8', env: { ...process.env, LPC_WORKERS: '1' } });
}

function lintSample(): unknown {
  writeFileSync(join(copy, 'site.conf'), '<VirtualHost *:80>\n    ProxyPass / http://127.0.0.1:8080/\n    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n</VirtualHost>\n');
  try {
    run([join(copy, 'site.conf'), '--no-config', '-f', 'json']);
  } catch (e) {
    // Exit code 1: the blanket rule is an error.
    return JSON.parse((e as { stdout: string }).stdout);
  }
  throw new Error('expected exit code 1');
}

describe('start script', () => {
  cpSync(join(ROOT, 'bin'), join(copy, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(copy, 'dist'), { recursive: true });
  const id = /^\/\/ lpc-build:([0-9a-f]+)\n/.exec(readFileSync(join(copy, 'dist/cli.cjs'), 'utf8'))?.[1];
  const cache = join(copy, `dist/cli-${id}.cache`);

  const dialects = ['apache', 'caddy', 'haproxy', 'iis', 'nginx'];
  const apacheCache = join(copy, `dist/cli-${id}-apache.cache`);

  it('the build writes code caches for its own bundle (one per dialect, one for all, and one for each run under other V8 flags), and V8 accepts each', () => {
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    const caches = [...dialects.map((d) => `cli-${id}-${d}.cache`), `cli-${id}.cache`];
    const many = `cli-${id}-many.cache`;
    const large = `cli-${id}-large.cache`;
    expect(readdirSync(join(copy, 'dist')).filter((f) => f.endsWith('.cache')).sort()).toEqual([...caches, many, large, `lsp-${id}.cache`].sort());
    const accepted = (name: string, flags: string[] = []) =>
      execFileSync(
        process.execPath,
        [...flags, '-e', `const vm=require('vm'),fs=require('fs'),M=require('module');const s=new vm.Script(M.wrap(fs.readFileSync(${JSON.stringify(join(copy, 'dist/cli.cjs'))},'utf8')),{filename:${JSON.stringify(join(copy, 'dist/cli.cjs'))},cachedData:fs.readFileSync(${JSON.stringify(join(copy, 'dist', name))})});process.stdout.write(String(!s.cachedDataRejected))`],
        { encoding: 'utf8' },
      );
    for (const name of caches) expect(accepted(name), name).toBe('true');
    // The cache of a tuned run's worker threads is written under the tuned run's V8 flag (src/run/threads.ts):
    // V8 takes it only under that flag, and the others only without it.
    expect(accepted(many, ['--no-turbo-inlining'])).toBe('true');
    expect(accepted(many)).toBe('false');
    expect(accepted(`cli-${id}.cache`, ['--no-turbo-inlining'])).toBe('false');
    expect(accepted(large, ['--max-semi-space-size=32'])).toBe('true');
    expect(accepted(large)).toBe('false');
  });

  it('the worker threads of a run of many files get the cache written under their flags', () => {
    const tree = join(copy, 'many');
    for (let i = 0; i < 130; i++) {
      mkdirSync(join(tree, `d${i % 3}`), { recursive: true });
      writeFileSync(join(tree, `d${i % 3}`, `s${i}.conf`), `server {\n    location / {\n        proxy_pass http://127.0.0.1:${8000 + i};\n    }\n}\n`);
    }
    const r = spawnSync(process.execPath, [join(copy, 'bin/lint-proxy-config.js'), tree, '--no-config', '-f', 'compact', '-o', '/dev/null'], {
      encoding: 'utf8',
      env: { ...process.env, LPC_WORKERS: '2', LPC_DEBUG: '1' },
    });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.includes('code cache'));
    expect(lines).toEqual([`lint-proxy-config: code cache cli-${id}.cache: accepted`, `lint-proxy-config: code cache cli-${id}-many.cache: accepted`]);
  });

  it("hands V8 the cache of the named files' one dialect, and the full cache for anything else", () => {
    const chosen = (args: string[], input?: string): string => {
      const r = spawnSync(process.execPath, [join(copy, 'bin/lint-proxy-config.js'), ...args, '--no-config', '-f', 'compact', '-o', '/dev/null'], {
        encoding: 'utf8',
        input: input ?? '',
        env: { ...process.env, LPC_WORKERS: '1', LPC_DEBUG: '1' },
      });
      return /code cache (\S+): (.*)/.exec(r.stderr)?.slice(1).join(' ') ?? r.stderr;
    };
    const nginx = join(copy, 'site.nginx.conf');
    writeFileSync(nginx, 'server {\n    location / {\n        proxy_pass http://127.0.0.1:8080;\n        proxy_cookie_flags ~ httponly;\n    }\n}\n');
    const apache = join(copy, 'site.apache.conf');
    writeFileSync(apache, '<VirtualHost *:80>\n    ProxyPass / http://127.0.0.1:8080/\n</VirtualHost>\n');
    expect(chosen([apache])).toBe(`cli-${id}-apache.cache accepted`);
    expect(chosen([nginx, nginx])).toBe(`cli-${id}-nginx.cache accepted`);
    expect(chosen(['--type', 'iis', nginx])).toBe(`cli-${id}-iis.cache accepted`);
    expect(chosen(['--stdin', '--type', 'haproxy'], 'frontend fe\n')).toBe(`cli-${id}-haproxy.cache accepted`);
    // Two dialects, a directory, standard input of unknown dialect: every dialect's code may run.
    expect(chosen([apache, nginx])).toBe(`cli-${id}.cache accepted`);
    expect(chosen([join(ROOT, 'fixtures/examples/caddy')])).toBe(`cli-${id}.cache accepted`);
    expect(chosen(['--stdin'], 'Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n')).toBe(`cli-${id}.cache accepted`);
  });

  it('lints the same with the cache, with a corrupt cache and without one', () => {
    const expected = lintSample();
    expect(JSON.stringify(expected)).toContain('xsrf-cookie-httponly');
    for (const c of [cache, apacheCache]) writeFileSync(c, Buffer.alloc(4096, 0x5a));
    expect(lintSample()).toEqual(expected);
    for (const c of [cache, apacheCache]) rmSync(c);
    expect(lintSample()).toEqual(expected);
    // The bundle requires dist/detect.cjs: a build without it fails with exit code 2, saying so.
    rmSync(join(copy, 'dist/detect.cjs'));
    const broken = spawnSync(process.execPath, [join(copy, 'bin/lint-proxy-config.js'), join(copy, 'site.conf'), '--no-config'], { encoding: 'utf8' });
    cpSync(join(ROOT, 'dist/detect.cjs'), join(copy, 'dist/detect.cjs'));
    expect(broken.status).toBe(2);
    expect(broken.stderr).toContain('detect.cjs');
    expect(lintSample()).toEqual(expected);
    expect(run(['--version']).trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('a lint run never loads the language server: it is its own bundle, required only by `lsp`', () => {
    // The bundles are minified: their source maps say which modules went into each.
    const sources = (bundle: string): string[] => JSON.parse(readFileSync(join(copy, `dist/${bundle}.map`), 'utf8')).sources;
    expect(sources('cli.cjs').filter((s) => s.includes('vscode-languageserver') || s.includes('src/lsp/'))).toEqual([]);
    expect(readFileSync(join(copy, 'dist/cli.cjs'), 'utf8')).not.toContain('createConnection');
    expect(sources('lsp.cjs').some((s) => s.includes('node_modules/vscode-languageserver/'))).toBe(true);
    const expected = lintSample();
    rmSync(join(copy, 'dist/lsp.cjs'));
    expect(lintSample()).toEqual(expected);
    expect(run(['lsp', '--help'])).toContain('language server');
    cpSync(join(ROOT, 'dist/lsp.cjs'), join(copy, 'dist/lsp.cjs'));
  });

  it("V8 accepts the language server's code cache", () => {
    const lsp = join(copy, 'dist/lsp.cjs');
    const accepted = execFileSync(
      process.execPath,
      ['-e', `const vm=require('vm'),fs=require('fs'),M=require('module');const s=new vm.Script(M.wrap(fs.readFileSync(${JSON.stringify(lsp)},'utf8')),{filename:${JSON.stringify(lsp)},cachedData:fs.readFileSync(${JSON.stringify(join(copy, `dist/lsp-${id}.cache`))})});process.stdout.write(String(!s.cachedDataRejected))`],
      { encoding: 'utf8' },
    );
    expect(accepted).toBe('true');
  });

  it('a configuration of 8 MB or more is linted in a process started with a 32 MB young generation, with the same report and exit code', () => {
    const big = join(copy, 'big.conf');
    const server = (i: number) => `server {\n    server_name s${i}.example.com;\n    location / {\n        proxy_pass http://127.0.0.1:${8000 + (i % 100)};\n    }\n}\n`;
    const count = Math.ceil((8.2 * 1024 * 1024) / server(0).length);
    writeFileSync(big, `events {}\nhttp {\n${Array.from({ length: count }, (_, i) => server(i)).join('')}    proxy_cookie_flags ~ httponly;\n}\n`);
    // A preload records each process's flags: the first start and the restart both load it.
    const probe = join(copy, 'probe.cjs');
    const seen = join(copy, 'seen.txt');
    writeFileSync(probe, `require('node:fs').appendFileSync(${JSON.stringify(seen)}, process.execArgv.filter((a) => a.startsWith('--max')).join(' ') + '|' + (process.env.LPC_LARGE_HEAP ?? '') + '\\n');\n`);
    const lint = (env: Record<string, string>) => {
      try {
        execFileSync(process.execPath, ['--require', probe, join(copy, 'bin/lint-proxy-config.js'), big, '--no-config', '-f', 'json'], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 28 });
        return { code: 0, stdout: '' };
      } catch (e) {
        const err = e as { status: number; stdout: string };
        return { code: err.status, stdout: err.stdout };
      }
    };
    const restarted = lint({});
    expect(readFileSync(seen, 'utf8').split('\n').filter(Boolean)).toEqual(['|', '--max-semi-space-size=32|1']);
    rmSync(seen);
    const direct = lint({ LPC_LARGE_HEAP: '1' });
    expect(readFileSync(seen, 'utf8').split('\n').filter(Boolean)).toEqual(['|1']);
    expect(restarted.code).toBe(1);
    expect(restarted).toEqual(direct);
    // The restarted process gets the cache written under its flags.
    const debug = spawnSync(process.execPath, [join(copy, 'bin/lint-proxy-config.js'), big, '--no-config', '-f', 'compact', '-o', '/dev/null'], {
      encoding: 'utf8',
      env: { ...process.env, LPC_DEBUG: '1' },
    });
    expect(debug.stderr).toContain(`code cache cli-${id}-large.cache: accepted`);
  }, 60_000);
});
