// The start script of the CLI (bin/lint-proxy-config.js requires it; parallel runs start their
// worker threads with it too). Built into dist/launch.cjs next to the bundle it runs, dist/cli.cjs.
// Plain CommonJS, not bundled: it must run before any of the bundle is compiled.
//
// Startup is most of the time on a small file, and compiling the 1 MB bundle is most of the
// startup: the build also writes V8's code cache for it, and this loader hands it to V8. There are
// several caches of the one bundle (scripts/build.mjs makes each by one warm run): one per dialect
// (dist/cli-<build id>-<dialect>.cache, a run on that dialect's bundled example) and one for every
// dialect (dist/cli-<build id>.cache, a run on all the examples), and two for runs under other V8
// flags (dist/cli-<build id>-many.cache and -large.cache, see below). V8 reads a whole cache at start,
// about 4 ms per MB: a run whose named files are all of one dialect gets that dialect's cache (1 MB
// instead of 1.5), anything else the full one; either is correct, the choice only saves time. The
// dialect is told by the CLI's own detection (dist/detect.cjs, src/dialects/detect.ts).
// The caches are only ever read here, never written at run time. They belong to one build (the
// id on the bundle's first line); V8 itself refuses a cache from another Node or V8 version, and
// then the bundle is simply compiled as usual.
'use strict';
const { readFileSync, statSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

const file = join(__dirname, 'cli.cjs');

function loadBundle() {
  let source;
  try {
    // The bundle is ASCII (esbuild escapes every other character; the build checks it), so it is
    // read as Latin-1: the same string, a millisecond sooner than decoding UTF-8.
    source = readFileSync(file, 'latin1');
  } catch {
    return require(file); // reports the missing build the usual way
  }
  const id = /^\/\/ lpc-build:([0-9a-f]+)/.exec(source)?.[1];
  // The build's warm-up runs (scripts/build.mjs) name the cache they write, and read none.
  const writing = process.env.LPC_WRITE_CODE_CACHE;
  // V8 refuses a cache written under other flags, so two runs have their own, written under their
  // flags: `many`, the worker threads of a run tuned for many files (src/run/threads.ts: the main
  // thread sets a V8 flag before starting them), and `large`, the process started below for a large
  // input (the build starts its warm-up with the same --max-semi-space-size).
  const variant = writing ? (writing === '1' ? undefined : writing) : process.env.LPC_CODE_CACHE === 'many' ? 'many' : process.env.LPC_LARGE_HEAP === '1' ? 'large' : args.dialect;
  if (writing === 'many') require('node:v8').setFlagsFromString('--no-turbo-inlining');
  const cacheFile = id ? join(dirname(file), variant ? `cli-${id}-${variant}.cache` : `cli-${id}.cache`) : undefined;
  let cachedData;
  try {
    if (cacheFile && !writing) cachedData = readFileSync(cacheFile);
  } catch {
    // No cache (a build without one, or read-only oddities): compile normally.
  }
  const script = new vm.Script(Module.wrap(source), {
    filename: file,
    cachedData,
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (process.env.LPC_DEBUG) {
    const state = !cachedData ? 'none read' : script.cachedDataRejected ? 'rejected by V8' : 'accepted';
    process.stderr.write(`lint-proxy-config: code cache ${cacheFile ? cacheFile.slice(dirname(file).length + 1) : '(no build id)'}: ${state}\n`);
  }
  const mod = new Module(file, module);
  mod.filename = file;
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, dirname(file));
  mod.loaded = true;
  // A warm-up run writes its cache once everything it ran is compiled.
  if (writing && cacheFile) {
    process.on('exit', () => writeFileSync(cacheFile, script.createCachedData()));
  }
  return mod.exports;
}

// A configuration of several megabytes (an `nginx -T` dump of a large estate) allocates a tree,
// a model and simulations that survive V8's default 16 MB young generation, and copying them is
// 35-45 % of the run. A larger young generation copies less often: 64 MB cut the 18 MB
// many-findings bench file's peak by 23 % against the default in the same wall time; 32 MB keeps
// most of that and peaks 3-10 % lower than 64 MB on the four 13-18 MB bench files, in the same
// time within noise (paired runs: nginx 0.95x and 0.89x, Apache 1.03x and 1.05x the wall time).
// The young generation is sized when the process starts, so for such inputs the run is started
// once more with the flag (about 50 ms, against seconds saved); a small run only pays a stat of
// each argument that names a file (and reads the small ones to choose its code cache).
const LARGE_INPUT_BYTES = 8 * 1024 * 1024;
/** Files up to this size are read here to tell their dialect (the lint reads them again, from the page cache). */
const SNIFF_BYTES = 1024 * 1024;
const DIALECTS = ['apache', 'nginx', 'iis', 'haproxy', 'caddy'];

/**
 * What the arguments name, told before the bundle loads: a file of 8 MB or more, and the one
 * dialect of every named file (`--type`, or detection), when there is one.
 */
function inspectArgs() {
  const out = { large: false, dialect: undefined };
  if (process.env.LPC_WORKER_THREAD === '1') return out;
  const argv = process.argv.slice(2);
  let type;
  let unknown = argv.includes('--stdin');
  const small = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-t' || arg === '--type') type = argv[++i];
    else if (arg.startsWith('--type=')) type = arg.slice('--type='.length);
    if (arg.startsWith('-')) continue;
    try {
      const st = statSync(arg);
      if (st.isDirectory()) unknown = true;
      else if (st.isFile()) {
        if (st.size >= LARGE_INPUT_BYTES) out.large = true;
        if (st.size <= SNIFF_BYTES) small.push(arg);
        else unknown = true; // too large to read twice for this
      }
    } catch {
      // not a file: a glob, a directory that does not exist, a subcommand, an option's value
    }
  }
  if (out.large || process.env.LPC_LARGE_HEAP === '1') return out;
  if (DIALECTS.includes(type)) out.dialect = type;
  else if (!unknown && small.length > 0) {
    try {
      const { detectDialect } = require('./detect.cjs');
      // Files detection cannot place (an option's value such as a report or a configuration file) do not count.
      const found = new Set(small.map((f) => detectDialect(f, readFileSync(f, 'utf8'))).filter((d) => d !== null));
      if (found.size === 1) out.dialect = [...found][0];
    } catch {
      // no dist/detect.cjs, or a file that went away: the full cache
    }
  }
  return out;
}
const args = inspectArgs();
if (args.large && process.env.LPC_LARGE_HEAP !== '1') {
  const child = require('node:child_process').spawnSync(process.execPath, ['--max-semi-space-size=32', ...process.execArgv, process.argv[1], ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, LPC_LARGE_HEAP: '1' },
  });
  if (child.signal) process.kill(process.pid, child.signal);
  process.exit(child.status ?? 2);
}

// Parallel runs start their worker threads with this script too (the code cache helps them the
// same way); the bundle starts a worker's share itself (src/run/parallel.ts).
// (LPC_WORKER_THREAD marks them; node:worker_threads is loaded only then, it costs a small run.)
const cli = loadBundle();
if (process.env.LPC_WORKER_THREAD !== '1' || require('node:worker_threads').isMainThread) cli.runCli();
