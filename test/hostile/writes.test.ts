/**
 * `--fix` runs as root in cron jobs on trees other people write: it writes only the files it read,
 * only under the paths it was given, never through a link it did not check, and every failure is
 * one message for one file while the others are still fixed and the report still printed.
 */
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  chownSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fnmatchName } from '../../src/dialects/apache/fnmatch.js';
import { matchSegment } from '../../src/dialects/nginx/glob.js';
import { TEMPORARY_PATTERN } from '../../src/run/node-io.js';
import { run, type RunOptions } from '../../src/run/run.js';
import { cli } from '../helpers/cli.js';

const BLANKET = '<VirtualHost *:80>\n    ProxyPass / http://127.0.0.1:8080/\n    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n</VirtualHost>\n';
const isRoot = process.getuid?.() === 0;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lpc-writes-'));
});
afterEach(() => {
  spawnSync('chattr', ['-R', '-i', dir], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
});

function write(rel: string, text: string): string {
  const path = join(dir, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

function fixRun(paths: string[], extra: Partial<RunOptions> = {}) {
  return run({ cwd: dir, paths, fix: true, ...extra });
}

const fixedText = (text: string) => text !== BLANKET && text.includes('HttpOnly') && text.includes('(?!');

describe('identity of the file written', () => {
  it('refuses when a symbolic link is redirected between reading and writing', async () => {
    const site = write('tree/site.conf', BLANKET);
    const victim = write('victim/passwd.conf', 'root:x:0:0\n');
    const link = join(dir, 'tree', 'link.conf');
    unlinkSync(site);
    write('tree/real.conf', BLANKET);
    symlinkSync(join(dir, 'tree', 'real.conf'), link);
    const outcome = await fixRun(['tree/link.conf', 'victim'], {
      beforeWrite: (path) => {
        if (path !== link) return;
        // Another process (or the tree's author) points the link at a file root may write.
        unlinkSync(link);
        symlinkSync(victim, link);
      },
    });
    expect(readFileSync(victim, 'utf8')).toBe('root:x:0:0\n');
    expect(outcome.written).toEqual([]);
    expect(outcome.notWritten).toEqual([expect.objectContaining({ path: link, policy: false, reason: expect.stringContaining('changed since it was read') })]);
  });

  it('refuses when another process appends to the file during --fix, keeping its line', async () => {
    const site = write('site.conf', BLANKET);
    const other = write('other.conf', BLANKET);
    const outcome = await fixRun(['.'], {
      beforeRename: (path) => {
        if (path === site) appendFileSync(site, '# added by another process\n');
      },
    });
    expect(readFileSync(site, 'utf8')).toBe(`${BLANKET}# added by another process\n`);
    expect(fixedText(readFileSync(other, 'utf8'))).toBe(true);
    expect(outcome.notWritten.map((n) => n.path)).toEqual([site]);
    // What is reported is what is on disk: the unwritten file still has its finding.
    expect(outcome.results.find((r) => r.filePath === site)!.errorCount).toBe(1);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('writes only under the paths given', () => {
  it('does not follow an absolute Include, a link out of the tree or a parent web.config', async () => {
    const outside = write('elsewhere/shared.conf', BLANKET);
    const target = write('elsewhere/target.conf', BLANKET);
    const parentText = '<configuration><system.webServer><rewrite><outboundRules><rule name="all"><match serverVariable="RESPONSE_Set_Cookie" pattern=".*" /><action type="Rewrite" value="{R:0}; HttpOnly" /></rule></outboundRules></rewrite></system.webServer></configuration>\n';
    const parent = write('site/web.config', parentText);
    write('site/app/web.config', '<configuration><system.webServer /></configuration>\n');
    write('tree/main.conf', `ServerRoot "${dir}/tree"\nInclude ${outside}\n`);
    symlinkSync(target, join(dir, 'tree', 'link.conf'));
    const own = write('tree/own.conf', BLANKET);
    const r = await cli(['--fix', 'tree', 'site/app', '--no-config'], { cwd: dir });
    expect(readFileSync(outside, 'utf8')).toBe(BLANKET);
    expect(readFileSync(target, 'utf8')).toBe(BLANKET);
    expect(readFileSync(parent, 'utf8')).toContain('{R:0}; HttpOnly');
    expect(fixedText(readFileSync(own, 'utf8'))).toBe(true);
    expect(r.stderr).toContain(`${outside} is outside the paths given on the command line`);
    expect(r.stderr).toContain('target.conf');
    expect(r.stderr).toContain(`${parent} is outside the paths given`);
    expect(r.code).toBe(1); // the findings left on disk, not a failure
    // The report shows the unwritten findings as still there.
    expect(r.stdout).toContain('shared.conf');

    const all = await cli(['--fix', 'tree', 'site/app', '--no-config', '--fix-outside'], { cwd: dir });
    expect(all.stderr).not.toContain('outside the paths');
    expect(fixedText(readFileSync(outside, 'utf8'))).toBe(true);
    expect(fixedText(readFileSync(target, 'utf8'))).toBe(true);
    expect(readFileSync(parent, 'utf8')).not.toBe(parentText);
    expect(lstatSync(join(dir, 'tree', 'link.conf')).isSymbolicLink()).toBe(true);
  });

  it('writes the real path of a named link and files under a glob base', async () => {
    const real = write('real/site.conf', BLANKET);
    symlinkSync(real, join(dir, 'named.conf'));
    const globbed = write('conf/a/x.conf', BLANKET);
    const r = await cli(['--fix', 'named.conf', 'conf/*/*.conf', '--no-config'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(fixedText(readFileSync(real, 'utf8'))).toBe(true);
    expect(fixedText(readFileSync(globbed, 'utf8'))).toBe(true);
  });
});

describe('files that must not be replaced', () => {
  it('leaves a 0444 file and a hard-linked file alone, fixes the rest, prints the report', async () => {
    const ro = write('ro.conf', BLANKET);
    chmodSync(ro, 0o444);
    const linked = write('linked.conf', BLANKET);
    linkSync(linked, join(dir, 'linked.copy'));
    const ok = write('ok.conf', BLANKET);
    const r = await cli(['--fix', '.', '--no-config', '-f', 'compact'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(readFileSync(ro, 'utf8')).toBe(BLANKET);
    expect(statSync(ro).mode & 0o777).toBe(0o444);
    expect(readFileSync(linked, 'utf8')).toBe(BLANKET);
    expect(statSync(linked).nlink).toBe(2);
    expect(fixedText(readFileSync(ok, 'utf8'))).toBe(true);
    expect(r.stderr).toContain('ro.conf is read-only (mode 0444); not written');
    expect(r.stderr).toContain('linked.conf has 2 hard links');
    expect(r.stdout).toContain('ro.conf:3:');
    expect(r.stdout).toContain('linked.conf:3:');
    expect(r.stdout).not.toContain('ok.conf');
  });

  it.runIf(isRoot)('keeps the owner and mode of a file it replaces', async () => {
    const f = write('owned.conf', BLANKET);
    chmodSync(f, 0o640);
    chownSync(f, 4321, 4322);
    await cli(['--fix', '.', '--no-config'], { cwd: dir });
    const st = statSync(f);
    expect(fixedText(readFileSync(f, 'utf8'))).toBe(true);
    expect([st.uid, st.gid, st.mode & 0o7777]).toEqual([4321, 4322, 0o640]);
  });

  it.runIf(isRoot && spawnSync('chattr', ['--help']).status !== null)('reports an immutable file and still fixes the others', async () => {
    const frozen = write('frozen.conf', BLANKET);
    const ok = write('ok.conf', BLANKET);
    if (spawnSync('chattr', ['+i', frozen]).status !== 0) return;
    const r = await cli(['--fix', '.', '--no-config', '-f', 'compact'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/frozen\.conf: operation not permitted/);
    expect(r.stderr).not.toContain('internal error');
    expect(r.stdout).toContain('frozen.conf:3:');
    expect(fixedText(readFileSync(ok, 'utf8'))).toBe(true);
  });
});

describe('read-only and full file systems', () => {
  const mountTmpfs = (at: string, size: string): boolean => spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', at], { stdio: 'ignore' }).status === 0;
  const umount = (at: string) => spawnSync('umount', [at], { stdio: 'ignore' });

  it.runIf(isRoot)('reports a read-only file system and a full disk per file; the other files are fixed', async () => {
    const ro = join(dir, 'ro');
    const full = join(dir, 'full');
    mkdirSync(ro);
    mkdirSync(full);
    if (!mountTmpfs(ro, '1m')) return; // no permission to mount here: nothing to test
    try {
      if (!mountTmpfs(full, '64k')) return;
      try {
        write('ro/a.conf', BLANKET);
        spawnSync('mount', ['-o', 'remount,ro', ro]);
        const big = BLANKET.replace('</VirtualHost>', `# ${'x'.repeat(20_000)}\n</VirtualHost>`);
        write('full/b.conf', big);
        // Fill the rest of the disk: the temporary copy cannot be written.
        try {
          writeFileSync(join(full, 'filler'), Buffer.alloc(64 * 1024));
        } catch {
          // ENOSPC: full, as intended
        }
        const ok = write('ok.conf', BLANKET);
        const r = await cli(['--fix', '.', '--no-config', '-f', 'compact'], { cwd: dir });
        expect(r.code).toBe(2);
        expect(r.stderr).toContain('ro/a.conf: the file system is read-only');
        expect(r.stderr).toContain('full/b.conf: no space left on the device');
        expect(r.stderr).not.toContain('internal error');
        expect(r.stdout).toContain('ro/a.conf:3:');
        expect(r.stdout).toContain('full/b.conf:3:');
        expect(fixedText(readFileSync(ok, 'utf8'))).toBe(true);
        expect(readFileSync(join(full, 'b.conf'), 'utf8')).toBe(big);
        expect(readdirSync(full).filter((n) => n.endsWith('.tmp'))).toEqual([]);
      } finally {
        umount(full);
      }
    } finally {
      umount(ro);
    }
  });
});

describe('output files and init', () => {
  it('init does not create the target of a dangling link, and --force does not write through a link', async () => {
    const target = join(dir, 'created-elsewhere.json');
    symlinkSync(target, join(dir, 'lint-proxy-config.config.json'));
    const r = await cli(['init'], { cwd: dir });
    expect(r.code).toBe(2);
    const forced = await cli(['init', '--force'], { cwd: dir });
    expect(forced.code).toBe(2);
    expect(forced.stderr).toContain('is a symbolic link; refusing to write through it');
    expect(() => statSync(target)).toThrow();
  });

  it('-o refuses a planted link and prints the report on standard output instead', async () => {
    const victim = write('victim.txt', 'keep me\n');
    write('site.conf', BLANKET);
    symlinkSync(victim, join(dir, 'lint-proxy-config.sarif'));
    const r = await cli(['site.conf', '--no-config', '-f', 'sarif', '-o', 'lint-proxy-config.sarif'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(readFileSync(victim, 'utf8')).toBe('keep me\n');
    expect(r.stderr).toContain('is a symbolic link');
    expect(JSON.parse(r.stdout).version).toBe('2.1.0');
    // A plain file is written as before.
    const plain = await cli(['site.conf', '--no-config', '-f', 'sarif', '-o', 'out.sarif'], { cwd: dir });
    expect(plain.code).toBe(1);
    expect(JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8')).version).toBe('2.1.0');
  });
});

describe('temporary files', () => {
  it('are named so that no server wildcard include loads them', () => {
    const name = '.site.conf.lpc-4242-k3x9.tmp';
    expect(TEMPORARY_PATTERN.test(name)).toBe(true);
    for (const glob of ['*', '*.conf', '*.tmp', '*conf*', '?*']) {
      expect(fnmatchName(glob, name), `Apache ${glob}`).toBe(false);
      expect(matchSegment(glob, name), `nginx ${glob}`).toBe(false);
    }
  });
});
