/**
 * Pointing the linter at any directory of a real server: binary and oversized files are skipped
 * with a warning, unreadable files and broken links exit 2 while the rest is linted, link loops
 * end, large trees are walked, and a run killed during --fix never leaves a partial file.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';

const BLANKET = '<VirtualHost *:80>\n    ProxyPass / http://127.0.0.1:8080/\n    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n</VirtualHost>\n';
const BIN = new URL('../bin/lint-proxy-config.js', import.meta.url).pathname;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lpc-files-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface JsonResult {
  filePath: string;
  messages: { ruleId: string | null; severity: number; message: string }[];
}

async function lintJson(args: string[]): Promise<{ code: number; results: JsonResult[] }> {
  const r = await cli([...args, '-f', 'json'], { cwd: dir });
  return { code: r.code, results: JSON.parse(r.stdout) as JsonResult[] };
}

describe('files on a real server', () => {
  it('skips binary and oversized files with a warning and exit code 2: never a silent pass', async () => {
    writeFileSync(join(dir, 'core.conf'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]));
    writeFileSync(join(dir, 'huge.conf'), `# ${'x'.repeat(2 * 1024 * 1024)}\n`);
    writeFileSync(join(dir, 'ok.conf'), BLANKET.replace('^(.*)$', '^(JSESSIONID=.*)$'));
    const { code, results } = await lintJson(['.', '--max-file-size', '1']);
    expect(code).toBe(2);
    const byName = (n: string) => results.find((r) => r.filePath.endsWith(n))!.messages;
    expect(byName('core.conf')).toEqual([expect.objectContaining({ ruleId: null, severity: 1, message: expect.stringContaining('binary') })]);
    expect(byName('huge.conf')).toEqual([expect.objectContaining({ ruleId: null, severity: 1, message: expect.stringContaining('larger than 1 MB') })]);
    expect(byName('ok.conf')).toEqual([]);
    const r = await cli(['.', '--max-file-size', '1'], { cwd: dir });
    expect(r.stderr).toMatch(/1 file linted, 2 skipped \(skipped: .*binary file.*larger than 1 MB/);
  });

  it('a named file that is empty or of no known dialect is a skip (exit code 2); found by a walk, an empty file is not a target', async () => {
    writeFileSync(join(dir, 'empty.conf'), '\n  \n');
    writeFileSync(join(dir, 'notes.conf'), 'just some words\n');
    writeFileSync(join(dir, 'ok.conf'), BLANKET.replace('^(.*)$', '^(JSESSIONID=.*)$'));
    for (const [args, message] of [
      [['empty.conf'], 'it is empty'],
      [['empty.conf', '--type', 'nginx'], 'it is empty'],
      [['notes.conf'], 'could not tell'],
    ] as const) {
      const { code, results } = await lintJson([...args]);
      expect(code).toBe(2);
      expect(results[0]!.messages).toEqual([expect.objectContaining({ ruleId: null, message: expect.stringContaining(message) })]);
    }
    const r = await cli(['empty.conf', 'ok.conf'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('1 file linted, 1 skipped (an empty file)');
    // A walk picks files by name: one of them empty (an included placeholder) is listed, not an error.
    const walk = await lintJson(['.']);
    expect(walk.code).toBe(0);
    expect(walk.results.map((x) => x.filePath.split('/').pop())).toEqual(['ok.conf']);
    expect((await cli(['.', '--list-files'], { cwd: dir })).stdout).toContain('empty.conf\tskipped: an empty file');
  });

  it('lints an 18 MB file by default (an nginx -T dump of a large estate)', async () => {
    // The size is what matters here (the default --max-file-size), not the number of servers.
    const comment = `# ${'x'.repeat(98)}\n`;
    const server = 'server {\n    listen 80;\n    location / {\n        proxy_pass http://127.0.0.1:8080;\n    }\n}\n';
    writeFileSync(join(dir, 'dump.conf'), `http {\n${comment.repeat(Math.ceil((18 * 1024 * 1024) / comment.length))}${server}}\n`);
    const { code, results } = await lintJson(['dump.conf', '--type', 'nginx']);
    expect(results[0]!.messages).toEqual([]);
    expect(code).toBe(0);
  });

  it('exits 2 for a broken symbolic link and still lints every other file', async () => {
    symlinkSync(join(dir, 'missing.conf'), join(dir, 'dangling.conf'));
    mkdirSync(join(dir, 'real.d'));
    symlinkSync(join(dir, 'real.d'), join(dir, 'linked.conf')); // a link to a directory is not a file
    writeFileSync(join(dir, 'bad.conf'), BLANKET);
    const { code, results } = await lintJson(['.']);
    expect(code).toBe(2);
    expect(results.find((r) => r.filePath.endsWith('dangling.conf'))!.messages[0]).toMatchObject({ ruleId: null, severity: 2, message: 'Cannot read file: no such file or directory' });
    expect(results.find((r) => r.filePath.endsWith('bad.conf'))!.messages[0]!.ruleId).toBe('xsrf-cookie-httponly');
  });

  it('a walk skips (exit code 2) a symbolic link that leads out of the linted tree; one inside it, or named, is linted', async () => {
    // A repository copy of a Debian tree: sites-enabled/ links to this machine's live files.
    mkdirSync(join(dir, 'repo/.git'), { recursive: true });
    mkdirSync(join(dir, 'repo/sites-available'));
    mkdirSync(join(dir, 'repo/sites-enabled'));
    mkdirSync(join(dir, 'live'));
    writeFileSync(join(dir, 'live/app.conf'), BLANKET.replace('^(.*)$', '^(JSESSIONID=.*)$'));
    writeFileSync(join(dir, 'repo/sites-available/app.conf'), BLANKET);
    symlinkSync(join(dir, 'live/app.conf'), join(dir, 'repo/sites-enabled/live.conf'));
    symlinkSync('../sites-available/app.conf', join(dir, 'repo/sites-enabled/app.conf'));
    const walk = await lintJson(['repo/sites-enabled']);
    expect(walk.code).toBe(2);
    const messages = (name: string, r = walk) => r.results.find((x) => x.filePath.endsWith(name))!.messages;
    expect(messages('live.conf')).toEqual([expect.objectContaining({ ruleId: null, message: expect.stringContaining(`a symbolic link to ${join(dir, 'live/app.conf')}, out of the linted tree ${join(dir, 'repo')}`) })]);
    expect(messages('sites-enabled/app.conf').map((m) => m.ruleId)).toEqual(['xsrf-cookie-httponly']);
    const named = await lintJson(['repo/sites-enabled/live.conf']);
    expect(named.code).toBe(0);
    expect(messages('live.conf', named)).toEqual([]);
    // Outside git (a live /etc/nginx, whose modules-enabled/ links into /usr/share): the server's own layout, followed.
    mkdirSync(join(dir, 'etc-nginx/modules-enabled'), { recursive: true });
    symlinkSync(join(dir, 'live/app.conf'), join(dir, 'etc-nginx/modules-enabled/app.conf'));
    const r = await cli(['.', '-f', 'json'], { cwd: join(dir, 'etc-nginx') });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as JsonResult[]).map((x) => [x.filePath.split('/').pop(), x.messages.length])).toEqual([['app.conf', 0]]);
  });

  it('terminates on symbolic link loops in the tree and in includes', async () => {
    mkdirSync(join(dir, 'a'));
    symlinkSync('..', join(dir, 'a', 'loop'));
    symlinkSync('self.conf', join(dir, 'a', 'self.conf'));
    writeFileSync(join(dir, 'a', 'main.conf'), 'Include a/main.conf\n');
    const { code, results } = await lintJson(['.', '--server-root', dir]);
    expect(code).toBe(2); // self.conf: too many levels of symbolic links
    expect(results.some((r) => r.messages.some((m) => m.ruleId === 'include-unresolved'))).toBe(true);
  });

  it('walks a directory of 10,000 files', async () => {
    for (let i = 0; i < 100; i++) {
      const sub = join(dir, `site${i}`, 'conf.d');
      mkdirSync(sub, { recursive: true });
      for (let j = 0; j < 100; j++) writeFileSync(join(sub, `s${j}.conf`), `server {\n    location / { proxy_pass http://127.0.0.1:${8000 + j}; }\n}\n`);
    }
    const { code, results } = await lintJson(['.']);
    expect(code).toBe(0);
    expect(results).toHaveLength(10_000);
  }, 120_000);

  it('never leaves a partial file when killed during --fix; the next run cleans up', async () => {
    const files = Array.from({ length: 300 }, (_, i) => join(dir, `s${String(i).padStart(3, '0')}.conf`));
    for (const f of files) writeFileSync(f, BLANKET);
    const fixed = (await cli(['--stdin', '--stdin-filename', 'x.conf', '--fix'], { cwd: dir, stdin: BLANKET })).stdout;
    expect(fixed).not.toBe(BLANKET);
    // Kill the moment the first file is replaced: the run is then in the middle of its writes.
    const child = spawn(process.execPath, [BIN, '--fix', '.', '-f', 'compact'], { cwd: dir, stdio: 'ignore', env: { ...process.env, LPC_WORKERS: '1' } });
    const exited = new Promise((r) => child.once('exit', r));
    const deadline = Date.now() + 60_000;
    while (readFileSync(files[0]!, 'utf8') === BLANKET && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
    child.kill('SIGKILL');
    await exited;
    const states = files.map((f) => readFileSync(f, 'utf8'));
    for (const [i, text] of states.entries()) expect(text === BLANKET || text === fixed, `${files[i]} is neither the original nor the fixed file`).toBe(true);
    expect(states.filter((t) => t === fixed).length, 'the kill landed during the writes').toBeLessThan(files.length);
    // A new run finishes the job and removes temporary files a killed run left behind.
    await cli(['--fix', '.'], { cwd: dir });
    for (const f of files) expect(readFileSync(f, 'utf8')).toBe(fixed);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  }, 120_000);
});

describe('parallel runs', () => {
  it('report exactly what a single-threaded run reports, across chunks and threads', () => {
    // 300 files: two threads claim chunks of 50. Includes cross chunk boundaries, and files of
    // every kind a thread must read and detect itself are spread through the tree.
    for (let i = 0; i < 150; i++) {
      const sub = join(dir, `site${String(i).padStart(3, '0')}`);
      mkdirSync(join(sub, 'conf.d'), { recursive: true });
      writeFileSync(join(sub, 'conf.d', 'app.conf'), i % 3 === 0 ? BLANKET : BLANKET.replace('^(.*)$', '^(JSESSIONID=.*)$'));
      const main = i % 5 === 0 ? `ServerRoot "${dir}"\nInclude site${String(i + 1).padStart(3, '0')}/conf.d/*.conf\n` : '# lint-proxy-config-disable-next-line xsrf-cookie-httponly -- reviewed\nServerName x\n';
      writeFileSync(join(sub, 'httpd.conf'), main);
    }
    writeFileSync(join(dir, 'site010', 'core.conf'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0]));
    symlinkSync(join(dir, 'missing.conf'), join(dir, 'site020', 'dangling.conf'));
    writeFileSync(join(dir, 'notes.txt'), 'hello\n');
    const run = (workers: string) => {
      const r = spawnSync(process.execPath, [BIN, '.', 'notes.txt', '-f', 'json', '--no-config'], { cwd: dir, encoding: 'utf8', env: { ...process.env, LPC_WORKERS: workers } });
      return { code: r.status, results: JSON.parse(r.stdout) as JsonResult[] };
    };
    const one = run('1');
    // Two threads: the main one claims chunks from the front, the worker from the back; three:
    // two from the front. Chunks are ordered by directory name, so includes cross threads too.
    const two = run('2');
    const three = run('3');
    expect(one.code).toBe(2); // the dangling link
    expect(one.results.length).toBeGreaterThan(300);
    const kinds = new Set(one.results.flatMap((r) => r.messages.map((m) => m.ruleId ?? (m.severity === 2 ? 'fatal' : 'warning'))));
    expect([...kinds].sort()).toEqual(['fatal', 'unused-disable-directive', 'warning', 'xsrf-cookie-httponly']);
    expect(two).toEqual(one);
    expect(three).toEqual(one);
  }, 60_000);
});
