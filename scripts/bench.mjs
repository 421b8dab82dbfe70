#!/usr/bin/env node
// npm run bench: lint-proxy-config against the servers' own config tests on the same input.
//
//   - an 18 MB nginx config (20,000 server blocks, 4 locations each) vs `nginx -t`
//   - a 15 MB Apache config (20,000 virtual hosts) vs `apache2 -t`
//   - linear growth: 2,000 vs 20,000 servers (ratio of times, target ≤ 12×)
//   - a tree of 10,000 small files: all cores vs one (LPC_WORKERS=1)
//   - one small file vs a bare `node -e 0` (paired runs in turn, the median of the ratios)
//   - the language server: start-up and first diagnostics on a 1,000-line config (budget 1 s)
//
// Wall time is the median of several runs; peak memory is the peak resident set size (VmHWM)
// of the process, sampled from /proc. Options: --quick (fewer runs), --keep (keep the files).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/lint-proxy-config.js');
const quick = process.argv.includes('--quick');
const keep = process.argv.includes('--keep');
const RUNS = quick ? 1 : 3;
/** Paired runs for the one-small-file measure. */
const SMALL_PAIRS = quick ? 5 : 15;

// ---------------------------------------------------------------------------------------------
// Inputs

/** `offending`: every third server also has the path hack and a blanket proxy_cookie_flags (many findings). */
function nginxConfig(servers, offending = false) {
  const out = [
    'worker_processes 1;',
    'events { worker_connections 1024; }',
    'http {',
    '    server_names_hash_max_size 262144;',
    '    server_names_hash_bucket_size 128;',
    '    proxy_cookie_flags ~ secure samesite=lax;',
  ];
  for (let i = 0; i < servers; i++) {
    out.push(
      '    server {',
      `        listen 127.0.0.1:${8000 + (i % 1000)};`,
      `        server_name app${i}.example.com www.app${i}.example.com;`,
      '        root /var/www/html;',
      "        access_log logs/access.log combined;",
      '        client_max_body_size 10m;',
      ...(offending && i % 3 === 0 ? ['        proxy_cookie_path / "/; HTTPOnly; Secure";'] : []),
      '        location / {',
      `            proxy_pass http://127.0.0.1:${9000 + (i % 500)};`,
      '            proxy_set_header Host $host;',
      '            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
      '            proxy_set_header X-Real-IP $remote_addr;',
      i % 100 === 0 ? '            proxy_cookie_flags ~ httponly secure;' : '            proxy_read_timeout 60s;',
      '        }',
      '        location /api/ {',
      `            proxy_pass http://127.0.0.1:${9500 + (i % 500)}/;`,
      offending && i % 3 === 0 ? '            proxy_cookie_flags ~ httponly secure;' : '            proxy_cookie_path /api/ /;',
      '            add_header X-Frame-Options SAMEORIGIN;',
      '        }',
      '        location /static/ {',
      '            alias /var/www/static/;',
      '            expires 30d;',
      '        }',
      '        location ~ \\.php$ {',
      '            fastcgi_pass 127.0.0.1:9999;',
      '            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;',
      '        }',
      '    }',
    );
  }
  out.push('}', '');
  return out.join('\n');
}

const APACHE_MODULES = ['mpm_event', 'authz_core', 'headers', 'proxy', 'proxy_http', 'proxy_fcgi', 'alias', 'mime'];


/** `offending`: every third virtual host has a blanket Header edit (many findings). */
function apacheConfig(vhosts, offending = false) {
  const out = [
    'ServerRoot "/etc/apache2"',
    'PidFile /tmp/lpc-bench-httpd.pid',
    'ErrorLog /dev/null',
    ...APACHE_MODULES.map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`),
    'Listen 127.0.0.1:8080',
    'ServerName bench.example.com',
    'Header always set X-Content-Type-Options nosniff',
  ];
  for (let i = 0; i < vhosts; i++) {
    out.push(
      '<VirtualHost 127.0.0.1:8080>',
      `    ServerName app${i}.example.com`,
      `    ServerAlias www.app${i}.example.com`,
      `    ServerAdmin webmaster@app${i}.example.com`,
      '    DocumentRoot /var/www/html',
      '    LogLevel warn',
      '    Alias /static/ /var/www/static/',
      '    <Directory /var/www/static/>',
      '        Options -Indexes',
      '        Require all granted',
      '    </Directory>',
      '    RequestHeader set X-Forwarded-Proto "https"',
      '    ProxyPreserveHost On',
      '    ProxyTimeout 60',
      `    ProxyPass /app/ http://127.0.0.1:${9000 + (i % 500)}/app/`,
      `    ProxyPassReverse /app/ http://127.0.0.1:${9000 + (i % 500)}/app/`,
      i % (offending ? 3 : 100) === 0 ? '    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly; Secure"' : '    Header edit Set-Cookie "^(JSESSIONID=.*)$" "$1; HttpOnly"',
      '    <Location /app/>',
      '        Header always set Cache-Control no-store',
      '    </Location>',
      '</VirtualHost>',
    );
  }
  return `${out.join('\n')}\n`;
}

function writeTree(dir, files) {
  for (let i = 0; i < files; i++) {
    const sub = join(dir, `site${Math.floor(i / 100)}`, i % 2 === 0 ? 'sites-enabled' : 'conf.d');
    mkdirSync(sub, { recursive: true });
    const text =
      i % 2 === 0
        ? `<VirtualHost *:443>\n    ServerName s${i}.example.com\n    ProxyPass / http://127.0.0.1:${9000 + (i % 100)}/\n    Header edit Set-Cookie "^(JSESSIONID=.*)$" "$1; HttpOnly"\n</VirtualHost>\n`
        : `server {\n    listen 443;\n    server_name s${i}.example.com;\n    location / {\n        proxy_pass http://127.0.0.1:${9000 + (i % 100)};\n        proxy_cookie_flags JSESSIONID httponly;\n    }\n}\n`;
    writeFileSync(join(sub, `s${i}.conf`), text);
  }
}

// ---------------------------------------------------------------------------------------------
// Measuring

function ownPeakOf(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * The largest peak RSS among `pid` and its descendants: the CLI restarts itself for large inputs
 * (src/run/launch.cjs), and the process doing the work is then a child of the one we started.
 */
function peakOf(pid) {
  let peak = ownPeakOf(pid);
  let children = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    // gone, or a kernel without /proc/<pid>/task/<tid>/children
  }
  for (const c of children) peak = Math.max(peak, peakOf(Number(c)));
  return peak;
}

/** Runs a command once: wall seconds, peak RSS in MB, exit code. */
function runOnce(cmd, args, env = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
    let peak = 0;
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setInterval(() => (peak = Math.max(peak, peakOf(child.pid))), 5);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      resolve({ seconds, peakMb: peak / 1024, code, stderr });
    });
  });
}

async function measure(cmd, args, env) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await runOnce(cmd, args, env));
  runs.sort((a, b) => a.seconds - b.seconds);
  const median = runs[Math.floor(runs.length / 2)];
  return { ...median, peakMb: Math.max(...runs.map((r) => r.peakMb)) };
}

/**
 * `lint-proxy-config lsp` as an editor starts it: spawn, initialize, open the file, and the time
 * until its first diagnostics arrive (what a user waits for after opening a file).
 */
async function lspFirstDiagnostics(file) {
  const rpc = createRequire(import.meta.url)('vscode-jsonrpc/node');
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  const uri = pathToFileURL(file).href;
  const first = new Promise((resolve) => connection.onNotification('textDocument/publishDiagnostics', (p) => p.uri === uri && resolve(p)));
  connection.listen();
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {} });
  await connection.sendNotification('initialized', {});
  await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'apacheconf', version: 1, text: readFileSync(file, 'utf8') } });
  const published = await first;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await connection.sendRequest('shutdown');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await connection.sendNotification('exit');
  await exited;
  connection.dispose();
  if (published.diagnostics.length === 0) throw new Error('the language server published no diagnostics for the bench config');
  return seconds;
}

// Default flags: no --max-file-size (the default accommodates these files), compact output.
const lint = (args, env) => measure(process.execPath, [BIN, ...args, '--format', 'compact', '--no-config', '--output-file', '/dev/null'], env);

function fmt(n, digits = 2) {
  return n.toFixed(digits);
}

function row(cells) {
  return `| ${cells.join(' | ')} |`;
}

// ---------------------------------------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), 'lpc-bench-'));
const results = [];
try {
  if (!existsSync(join(ROOT, 'dist/cli.cjs'))) throw new Error('dist/ is missing: run npm install (or npm run build) first');
  const nginxBig = join(dir, 'nginx-20000.conf');
  const nginxSmall = join(dir, 'nginx-2000.conf');
  const apacheBig = join(dir, 'apache-20000.conf');
  const apacheSmall = join(dir, 'apache-2000.conf');
  writeFileSync(nginxBig, nginxConfig(20_000));
  writeFileSync(nginxSmall, nginxConfig(2_000));
  writeFileSync(apacheBig, apacheConfig(20_000));
  writeFileSync(apacheSmall, apacheConfig(2_000));
  const tree = join(dir, 'tree');
  writeTree(tree, 10_000);
  const small = join(dir, 'small.conf');
  writeFileSync(small, '<VirtualHost *:443>\n    ProxyPass / http://127.0.0.1:8080/\n    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n</VirtualHost>\n');
  const mb = (p) => statSync(p).size / 1024 / 1024;
  console.log(`Machine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${RUNS} run(s) each, median wall time.`);
  console.log(`Inputs: nginx ${fmt(mb(nginxBig), 1)} MB, Apache ${fmt(mb(apacheBig), 1)} MB, tree of 10,000 files.\n`);

  const nginxBin = ['/usr/sbin/nginx'].find(existsSync);
  const apacheBin = ['/usr/sbin/apache2'].find(existsSync);

  const lintNginx = await lint(['--type', 'nginx', nginxBig]);
  if (nginxBin) {
    const prefix = join(dir, 'nginx-prefix');
    mkdirSync(join(prefix, 'logs'), { recursive: true });
    const nginxT = await measure(nginxBin, ['-t', '-q', '-p', prefix, '-c', nginxBig, '-g', `pid ${prefix}/nginx.pid; error_log ${prefix}/error.log;`]);
    if (nginxT.code !== 0) console.warn(`nginx -t failed: ${nginxT.stderr.trim()}`);
    results.push({ name: `nginx ${fmt(mb(nginxBig), 0)} MB: time`, ours: lintNginx.seconds, theirs: nginxT.seconds, unit: 's', target: 0.5 });
    results.push({ name: `nginx ${fmt(mb(nginxBig), 0)} MB: peak memory`, ours: lintNginx.peakMb, theirs: nginxT.peakMb, unit: 'MB', target: 1 });
  } else console.warn('nginx is not installed: no comparison for nginx');

  const lintApache = await lint(['--type', 'apache', apacheBig]);
  if (apacheBin) {
    const apacheT = await measure(apacheBin, ['-t', '-f', apacheBig]);
    if (apacheT.code !== 0) console.warn(`apache2 -t failed: ${apacheT.stderr.trim()}`);
    results.push({ name: `Apache ${fmt(mb(apacheBig), 0)} MB: time`, ours: lintApache.seconds, theirs: apacheT.seconds, unit: 's', target: 0.5 });
    results.push({ name: `Apache ${fmt(mb(apacheBig), 0)} MB: peak memory`, ours: lintApache.peakMb, theirs: apacheT.peakMb, unit: 'MB', target: 1 });
  } else console.warn('apache2 is not installed: no comparison for Apache');

  // Many findings: every third server/vhost offends (path hack + blanket flags; blanket Header edit).
  const many = {};
  for (const [kind, make, n] of [['nginx', nginxConfig, 20_000], ['nginx', nginxConfig, 2_000], ['apache', apacheConfig, 20_000], ['apache', apacheConfig, 2_000]]) {
    const file = join(dir, `${kind}-findings-${n}.conf`);
    writeFileSync(file, make(n, true));
    many[`${kind}${n}`] = { file, result: await lint(['--type', kind, file]) };
  }
  if (nginxBin) {
    const prefix = join(dir, 'nginx-prefix-many');
    mkdirSync(join(prefix, 'logs'), { recursive: true });
    const f = many.nginx20000.file;
    const nginxT = await measure(nginxBin, ['-t', '-q', '-p', prefix, '-c', f, '-g', `pid ${prefix}/nginx.pid; error_log ${prefix}/error.log;`]);
    if (nginxT.code !== 0) console.warn(`nginx -t failed on the many-findings file: ${nginxT.stderr.trim()}`);
    results.push({ name: `nginx ${fmt(mb(f), 0)} MB, a third offending: time`, ours: many.nginx20000.result.seconds, theirs: nginxT.seconds, unit: 's', target: 0.5 });
    results.push({ name: `nginx ${fmt(mb(f), 0)} MB, a third offending: peak memory`, ours: many.nginx20000.result.peakMb, theirs: nginxT.peakMb, unit: 'MB', target: 1 });
  }
  if (apacheBin) {
    const f = many.apache20000.file;
    const apacheT = await measure(apacheBin, ['-t', '-f', f]);
    results.push({ name: `Apache ${fmt(mb(f), 0)} MB, a third offending: time`, ours: many.apache20000.result.seconds, theirs: apacheT.seconds, unit: 's', target: 0.5 });
    results.push({ name: `Apache ${fmt(mb(f), 0)} MB, a third offending: peak memory`, ours: many.apache20000.result.peakMb, theirs: apacheT.peakMb, unit: 'MB', target: 1 });
  }
  results.push({ name: 'linear, many findings: nginx 20,000 vs 2,000', ours: many.nginx20000.result.seconds, theirs: many.nginx2000.result.seconds, unit: 's', target: 12, label: ['20,000', '2,000'] });
  results.push({ name: 'linear, many findings: Apache 20,000 vs 2,000', ours: many.apache20000.result.seconds, theirs: many.apache2000.result.seconds, unit: 's', target: 12, label: ['20,000', '2,000'] });
  for (const kind of ['nginx', 'apache']) {
    // --fix on a copy: every offending directive rewritten and proven; target at most 2× the lint.
    const copy = join(dir, `${kind}-fix.conf`);
    const fixOnce = async () => {
      writeFileSync(copy, readFileSync(many[`${kind}20000`].file));
      return runOnce(process.execPath, [BIN, '--type', kind, '--fix', copy, '--format', 'compact', '--no-config', '--output-file', '/dev/null']);
    };
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await fixOnce());
    runs.sort((a, b) => a.seconds - b.seconds);
    results.push({ name: `${kind} 20,000, a third offending: --fix vs lint`, ours: runs[Math.floor(runs.length / 2)].seconds, theirs: many[`${kind}20000`].result.seconds, unit: 's', target: 2, label: ['--fix', 'lint'] });
  }

  const lintNginxSmall = await lint(['--type', 'nginx', nginxSmall]);
  const lintApacheSmall = await lint(['--type', 'apache', apacheSmall]);
  results.push({ name: 'linear: nginx 20,000 vs 2,000 servers', ours: lintNginx.seconds, theirs: lintNginxSmall.seconds, unit: 's', target: 12, label: ['20,000', '2,000'] });
  results.push({ name: 'linear: Apache 20,000 vs 2,000 vhosts', ours: lintApache.seconds, theirs: lintApacheSmall.seconds, unit: 's', target: 12, label: ['20,000', '2,000'] });

  const treeAll = await lint([tree]);
  // One core means one core: a single-threaded Node still runs GC and compilation on helper
  // threads, so the baseline is pinned to CPU 0 (taskset, util-linux) when it is available.
  const taskset = ['/usr/bin/taskset', '/bin/taskset'].find(existsSync);
  const treeOne = taskset
    ? await measure(taskset, ['-c', '0', process.execPath, BIN, tree, '--format', 'compact', '--no-config', '--output-file', '/dev/null'], { LPC_WORKERS: '1' })
    : await lint([tree], { LPC_WORKERS: '1' });
  results.push({ name: '10,000 files: all cores vs one', ours: treeOne.seconds, theirs: treeAll.seconds, unit: 's', target: 1.6, atLeast: true, label: [taskset ? 'one core' : 'one thread', 'all cores'] });

  // A tenth of a second is at the mercy of whatever else the machine does: many runs, in turn
  // (lint, node -e 0, lint, ...), and the median of the per-pair ratios.
  const pairs = [];
  for (let i = 0; i < SMALL_PAIRS; i++) {
    const ours = await runOnce(process.execPath, [BIN, small, '--format', 'compact', '--no-config', '--output-file', '/dev/null']);
    const bare = await runOnce(process.execPath, ['-e', '0']);
    pairs.push({ ours: ours.seconds, bare: bare.seconds });
  }
  const middle = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const bareSeconds = middle(pairs.map((p) => p.bare));
  results.push({
    name: `one small file vs node -e 0 (median of ${SMALL_PAIRS} paired runs)`,
    ours: middle(pairs.map((p) => p.ours)),
    theirs: bareSeconds,
    ratio: middle(pairs.map((p) => p.ours / p.bare)),
    unit: 's',
    target: 1.5,
    label: ['lint', 'node -e 0'],
  });

  const editorFile = join(dir, 'editor.conf');
  writeFileSync(editorFile, apacheConfig(48));
  const lines = readFileSync(editorFile, 'utf8').split('\n').length - 1;
  const lspRuns = [];
  for (let i = 0; i < RUNS; i++) lspRuns.push(await lspFirstDiagnostics(editorFile));
  lspRuns.sort((a, b) => a - b);
  results.push({ name: `language server: start + first diagnostics, ${lines.toLocaleString('en')}-line config`, ours: lspRuns[Math.floor(lspRuns.length / 2)], theirs: 1, unit: 's', target: 1, label: ['', 'budget'] });

  console.log(row(['measure', 'lint-proxy-config', 'reference', 'ratio', 'target', 'met']));
  console.log(row(['---', '---', '---', '---', '---', '---']));
  for (const r of results) {
    const ratio = r.ratio ?? r.ours / r.theirs;
    const met = r.atLeast ? ratio >= r.target : ratio <= r.target;
    const [a, b] = r.label ?? ['', ''];
    console.log(
      row([
        r.name,
        `${fmt(r.ours)} ${r.unit}${a ? ` (${a})` : ''}`,
        `${fmt(r.theirs)} ${r.unit}${b ? ` (${b})` : ''}`,
        `${fmt(ratio)}×`,
        `${r.atLeast ? '≥' : '≤'} ${r.target}×`,
        met ? 'yes' : 'NO',
      ]),
    );
  }
  console.log(`\nPeak memory: nginx file ${fmt(lintNginx.peakMb, 0)} MB, Apache file ${fmt(lintApache.peakMb, 0)} MB, tree ${fmt(treeAll.peakMb, 0)} MB.`);
} finally {
  if (keep) console.log(`Inputs kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
