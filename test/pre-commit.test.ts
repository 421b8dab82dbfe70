/**
 * The pre-commit hook as users install it: the real `pre-commit` (Debian 12 ships 3.0.4) clones
 * this repository, installs the node hook (`npm install`, then `npm pack`, whose standard output
 * must be only the tarball name) and runs it on a temporary git repository. Skipped, with a
 * notice, where pre-commit is not installed; CI installs it (.ci/run).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { skipRealServer } from './helpers/skips.js';

const ROOT = new URL('../', import.meta.url).pathname;
const version = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
const installed = version.status === 0 ? /pre-commit (\d+)\.(\d+)\.(\d+)/.exec(version.stdout) : null;
if (!installed) console.warn('pre-commit is not installed: the hook test is skipped (apt-get install pre-commit)');

const work = mkdtempSync(join(tmpdir(), 'lpc-pre-commit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('pre-commit hook', () => {
  it('declares a minimum pre-commit version the installed one meets', () => {
    const hooks = readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8');
    const minimum = /minimum_pre_commit_version:\s*'?(\d+)\.(\d+)\.(\d+)'?/.exec(hooks);
    expect(minimum).not.toBeNull();
    // Debian 12's pre-commit, the oldest this project supports.
    const atMost304 = [3, 0, 4].map(String);
    const m = minimum!.slice(1).map(Number);
    expect(m[0]! < 3 || (m[0] === 3 && (m[1]! < 0 || (m[1] === 0 && m[2]! <= 4))), `minimum ${minimum![0]} vs ${atMost304.join('.')}`).toBe(true);
  });

  it(
    'installs with the real pre-commit and fails a commit that adds a blanket HttpOnly rule',
    (ctx) => {
      if (!installed) skipRealServer(ctx, 'pre-commit is not installed');
      const repo = join(work, 'repo');
      execFileSync('git', ['init', '-q', repo]);
      writeFileSync(join(repo, 'site.conf'), '<VirtualHost *:80>\n    ProxyPass / http://127.0.0.1:8080/\n    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n</VirtualHost>\n');
      writeFileSync(join(repo, 'clean.conf'), '<VirtualHost *:80>\n    ProxyPass / http://127.0.0.1:8080/\n    Header edit Set-Cookie ^(JSESSIONID=.*)$ "$1; HttpOnly"\n</VirtualHost>\n');
      writeFileSync(join(repo, 'notes.txt'), 'not a configuration\n');
      execFileSync('git', ['add', '.'], { cwd: repo });
      const env = { ...process.env, PRE_COMMIT_HOME: join(work, 'home'), PRE_COMMIT_COLOR: 'never' };
      const run = (files: string[]) => spawnSync('pre-commit', ['try-repo', ROOT, 'lint-proxy-config', '--files', ...files], { cwd: repo, env, encoding: 'utf8', timeout: 540_000 });
      const bad = run(['site.conf', 'clean.conf', 'notes.txt']);
      expect(bad.status, bad.stdout + bad.stderr).toBe(1);
      expect(bad.stdout).toContain('site.conf');
      expect(bad.stdout).toContain('xsrf-cookie-httponly');
      expect(bad.stdout).not.toContain('notes.txt');
      const good = run(['clean.conf']);
      expect(good.status, good.stdout + good.stderr).toBe(0);
      expect(good.stdout).toMatch(/lint-proxy-config\.+Passed/);
    },
    600_000,
  );
});
