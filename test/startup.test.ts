/**
 * The start script (bin/lint-proxy-config.js) hands V8 the build's code cache for the bundle, and
 * works the same without it, with a cache from another build or with a corrupt one.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

  it('the build writes a code cache for its own bundle, and V8 accepts it', () => {
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(readdirSync(join(copy, 'dist')).filter((f) => f.endsWith('.cache')).sort()).toEqual([`cli-${id}.cache`, `lsp-${id}.cache`]);
    const accepted = execFileSync(
      process.execPath,
      ['-e', `const vm=require('vm'),fs=require('fs'),M=require('module');const s=new vm.Script(M.wrap(fs.readFileSync(${JSON.stringify(join(copy, 'dist/cli.cjs'))},'utf8')),{filename:${JSON.stringify(join(copy, 'dist/cli.cjs'))},cachedData:fs.readFileSync(${JSON.stringify(cache)})});process.stdout.write(String(!s.cachedDataRejected))`],
      { encoding: 'utf8' },
    );
    expect(accepted).toBe('true');
  });

  it('lints the same with the cache, with a corrupt cache and without one', () => {
    const expected = lintSample();
    expect(JSON.stringify(expected)).toContain('xsrf-cookie-httponly');
    writeFileSync(cache, Buffer.alloc(4096, 0x5a));
    expect(lintSample()).toEqual(expected);
    rmSync(cache);
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
  }, 60_000);
});
