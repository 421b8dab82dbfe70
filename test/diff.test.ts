/**
 * `--format diff` on a mixed tree inside a git work tree: paths relative to the top of the work
 * tree (what `git apply` expects, from the top or from a subdirectory), UTF-16 files as
 * `GIT binary patch` hunks, a UTF-8 BOM and CRLF kept; `git apply` takes the whole patch and the
 * result is byte for byte what `--fix` writes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';

const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;
const FILES: Record<string, string> = {
  'deploy/iis/utf16le/web.config': 'xsrf-cookie-httponly/iis/invalid-utf16le-bom.config',
  'deploy/iis/utf16be/web.config': 'xsrf-cookie-httponly/iis/invalid-utf16be-bom.config',
  'deploy/iis/bom-crlf/web.config': 'xsrf-cookie-httponly/iis/invalid-utf8-bom-crlf.config',
  'deploy/apache/jira.conf': 'examples/apache/jira.conf',
  'deploy/nginx/confluence.conf': 'examples/nginx/confluence.conf',
  'deploy/iis/plain/web.config': 'examples/iis/web.config',
};

let repo: string;
beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'lpc-diff-'));
  for (const [to, from] of Object.entries(FILES)) {
    mkdirSync(join(repo, to, '..'), { recursive: true });
    cpSync(join(FIXTURES, from), join(repo, to));
  }
  execFileSync('git', ['init', '-q'], { cwd: repo });
});
afterEach(() => rmSync(repo, { recursive: true, force: true }));

function snapshot(root: string): Record<string, string> {
  return Object.fromEntries(Object.keys(FILES).map((f) => [f, readFileSync(join(root, f)).toString('hex')]));
}

describe('--format diff', () => {
  it('applies with git apply from a subdirectory and from the top, and equals --fix', async () => {
    const r = await cli(['.', '-f', 'diff', '--no-config'], { cwd: join(repo, 'deploy') });
    const patch = r.stdout;
    expect(patch).not.toMatch(/^(---|\+\+\+) [ab]\/\.\./m);
    expect(patch).toContain('diff --git a/deploy/iis/utf16le/web.config b/deploy/iis/utf16le/web.config\nindex ');
    expect(patch).toContain('GIT binary patch');
    expect(patch).toMatch(/^\+\+\+ b\/deploy\/apache\/jira\.conf$/m);
    const file = join(repo, '..', `${repo.split('/').pop()}.patch`);
    writeFileSync(file, patch);
    try {
      for (const cwd of [join(repo, 'deploy'), repo]) {
        const check = spawnSync('git', ['apply', '--check', '-v', file], { cwd, encoding: 'utf8' });
        expect(check.status, check.stderr).toBe(0);
        expect(check.stderr).not.toContain('Skipped patch');
      }
      expect(spawnSync('git', ['apply', file], { cwd: repo, encoding: 'utf8' }).status).toBe(0);
      const applied = snapshot(repo);
      // The same tree fixed with --fix, elsewhere.
      const other = mkdtempSync(join(tmpdir(), 'lpc-diff-fix-'));
      try {
        for (const [to, from] of Object.entries(FILES)) {
          mkdirSync(join(other, to, '..'), { recursive: true });
          cpSync(join(FIXTURES, from), join(other, to));
        }
        await cli(['.', '--fix', '--no-config'], { cwd: other });
        expect(applied).toEqual(snapshot(other));
        expect(applied['deploy/iis/utf16le/web.config']).not.toBe(readFileSync(join(FIXTURES, FILES['deploy/iis/utf16le/web.config']!)).toString('hex'));
      } finally {
        rmSync(other, { recursive: true, force: true });
      }
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('a file outside the work tree gets a note, not a path climbing out of it', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'lpc-diff-out-'));
    try {
      cpSync(join(FIXTURES, 'examples/apache/jira.conf'), join(outside, 'jira.conf'));
      const r = await cli([join(outside, 'jira.conf'), '-f', 'diff', '--no-config'], { cwd: repo });
      expect(r.stdout).toBe(`# ${join(outside, 'jira.conf')} is outside ${repo}: its fixes are not in this patch (run with --fix, or from a directory above it).\n`);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
