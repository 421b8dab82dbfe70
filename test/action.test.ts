/**
 * The GitHub Action (action.yml): current runtimes, no development install or build per run, one
 * lint whose SARIF report is uploaded and turned into the same annotations `--format github`
 * prints. The Lint step's script runs here against this package packed as npm would publish it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../', import.meta.url).pathname;
const action = readFileSync(join(ROOT, 'action.yml'), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'lpc-action-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The `run: |` block of the step named `name`, dedented. */
function stepScript(name: string): string {
  const at = action.indexOf(`- name: ${name}\n`);
  const block = /\n {6}run: \|\n((?: {8}.*\n|\n)+)/.exec(action.slice(at))!;
  return block[1]!.replace(/^ {8}/gm, '');
}

describe('GitHub Action', () => {
  it('uses current runtimes and actions, installs nothing for development and lints once', () => {
    expect(Number(/actions\/setup-node@v(\d+)/.exec(action)?.[1])).toBeGreaterThanOrEqual(5);
    expect(Number(/node-version: (\d+)/.exec(action)?.[1])).toBeGreaterThanOrEqual(22);
    expect(action).toContain('github/codeql-action/upload-sarif@v4');
    expect(action).not.toMatch(/npm (ci|install)|scripts\/build/);
    expect(action.match(/lint-proxy-config@\$version/g)).toHaveLength(1);
  });

  it('the Lint step writes SARIF and prints the annotations --format github prints, and its exit code', () => {
    const tarball = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' }).trim();
    const workspace = join(work, 'workspace');
    cpSync(join(ROOT, 'fixtures/examples'), workspace, { recursive: true });
    const output = join(work, 'github-output');
    writeFileSync(output, '');
    const r = spawnSync('bash', ['-c', stepScript('Lint')], {
      cwd: workspace,
      encoding: 'utf8',
      timeout: 300_000,
      env: {
        ...process.env,
        GITHUB_ACTION_PATH: ROOT,
        GITHUB_OUTPUT: output,
        LPC_PATHS: '.',
        LPC_ARGS: '--no-config',
        LPC_SARIF: 'out.sarif',
        LPC_VERSION: `file:${join(work, tarball)}`,
        npm_config_cache: join(work, 'npm-cache'),
      },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(output, 'utf8')).toBe('exit-code=1\n');
    expect(JSON.parse(readFileSync(join(workspace, 'out.sarif'), 'utf8')).version).toBe('2.1.0');
    const expected = spawnSync(process.execPath, [join(ROOT, 'bin/lint-proxy-config.js'), '.', '--no-config', '-f', 'github'], { cwd: workspace, encoding: 'utf8' }).stdout;
    const norm = (text: string) => text.trimEnd().split('\n').map((l) => l.replace(/\.$/, '')).sort();
    const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::'));
    expect(annotations.length).toBeGreaterThan(2);
    expect(norm(annotations.join('\n'))).toEqual(norm(expected));
  }, 300_000);
});
