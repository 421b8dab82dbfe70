// The start script of the CLI (bin/lint-proxy-config.js requires it; parallel runs start their
// worker threads with it too). Built into dist/launch.cjs next to the bundle it runs, dist/cli.cjs.
// Plain CommonJS, not bundled: it must run before any of the bundle is compiled.
//
// Startup is most of the time on a small file, and compiling the 0.9 MB bundle is most of the
// startup: the build also writes V8's code cache for it (dist/cli-<build id>.cache, made by one
// warm run on the bundled examples), and this loader hands it to V8. The cache is only ever read
// here, never written at run time. It belongs to one build (the id on the bundle's first line);
// V8 itself refuses a cache from another Node or V8 version, and then the bundle is simply
// compiled as usual.
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
  const cacheFile = id ? join(dirname(file), `cli-${id}.cache`) : undefined;
  let cachedData;
  try {
    if (cacheFile) cachedData = readFileSync(cacheFile);
  } catch {
    // No cache (a build without one, or read-only oddities): compile normally.
  }
  const script = new vm.Script(Module.wrap(source), {
    filename: file,
    cachedData,
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const mod = new Module(file, module);
  mod.filename = file;
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, dirname(file));
  mod.loaded = true;
  // The build's warm-up run (scripts/build.mjs) asks for the cache once everything it ran is compiled.
  if (process.env.LPC_WRITE_CODE_CACHE === '1' && cacheFile) {
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
// each argument that names a file.
const LARGE_INPUT_BYTES = 8 * 1024 * 1024;
function largeInputNamed() {
  if (process.env.LPC_LARGE_HEAP === '1' || process.env.LPC_WORKER_THREAD === '1') return false;
  for (const arg of process.argv.slice(2)) {
    if (arg.startsWith('-')) continue;
    try {
      const st = statSync(arg);
      if (st.isFile() && st.size >= LARGE_INPUT_BYTES) return true;
    } catch {
      // not a file: a glob, a directory that does not exist, a subcommand
    }
  }
  return false;
}
if (largeInputNamed()) {
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
