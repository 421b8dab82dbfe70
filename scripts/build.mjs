// Bundles the CLI into one CommonJS file, dist/cli.cjs: a run then loads one module instead of
// resolving hundreds, and dialects stay lazy (their code is evaluated only when a file of that
// dialect is linted). Startup time is a product feature (issue: one small file within 1.5× of a
// bare `node -e 0`). Type checking is `npm run typecheck`.
import { build } from 'esbuild';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { Ajv } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * commander requires node:child_process at load time only to run git-style external
 * subcommands, which this CLI does not have; loading it pulls in net, dgram and streams. Give
 * commander a shim that loads the real module on first use.
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes('node_modules/commander') ? { path: 'lazy-child-process', namespace: 'lpc' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lpc' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });",
      loader: 'js',
    }));
  },
};

/**
 * fast-glob (with micromatch, picomatch and its file-system walker) serves only command lines
 * that name a directory or a glob; linting named files never calls it. Its module is required on
 * the first property read. `__esModule` is answered without loading it: esbuild's interop asks
 * for it when the importing module starts.
 */
const lazyFastGlob = {
  name: 'lazy-fast-glob',
  setup(b) {
    b.onResolve({ filter: /^fast-glob$/ }, (args) => (args.importer.includes(`${join('src', 'run')}`) ? { path: 'lazy-fast-glob', namespace: 'lpc-glob' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'lpc-glob' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, key) => (key === '__esModule' ? undefined : require('fast-glob')[key]) });",
      loader: 'js',
      resolveDir: fileURLToPath(new URL('..', import.meta.url)),
    }));
  },
};

/**
 * Packages whose module set-up (chalk's style tables, jsonc-parser's indentation caches) a small
 * run does not need: a lint of named files with --no-config and a colour-less format never calls
 * them. Each name the sources import becomes a function that requires the bundled package on its
 * first call (or `new`). A name not listed here fails the build.
 */
const lazyExports = (pkg, names) => ({
  name: `lazy-${pkg}`,
  setup(b) {
    const namespace = `lpc-lazy-${pkg}`;
    b.onResolve({ filter: new RegExp(`^${pkg}$`) }, (args) => (args.importer.includes(`${join('src', '')}`) ? { path: pkg, namespace } : undefined));
    b.onLoad({ filter: /.*/, namespace }, () => ({
      contents: [
        `let loaded; const load = () => (loaded ??= require(${JSON.stringify(pkg)}));`,
        ...names.map((n) => `export function ${n}(...args) { const f = load().${n}; return new.target ? new f(...args) : f(...args); }`),
      ].join('\n'),
      loader: 'js',
      resolveDir: fileURLToPath(new URL('..', import.meta.url)),
    }));
  },
});
const lazyChalk = lazyExports('chalk', ['Chalk']);
const lazyJsonc = lazyExports('jsonc-parser', ['parseTree', 'printParseErrorCode']);

/**
 * chalk guesses the terminal's colours when it is imported (its vendored supports-color reads
 * node:tty, node:os and the environment), and node:tty pulls in net and the stream modules: a few
 * milliseconds of every start. Every chalk instance here is made with an explicit level (the CLI
 * decides colour itself), so the guess is never read: chalk gets its own colour-less variant of
 * that module, the one it declares for platforms without a terminal.
 */
const chalkNoGuess = {
  name: 'chalk-no-colour-guess',
  setup(b) {
    b.onResolve({ filter: /^#supports-color$/ }, (args) =>
      args.importer.includes(join('node_modules', 'chalk')) ? { path: join(dirname(args.importer), 'vendor', 'supports-color', 'browser.js') } : undefined,
    );
  },
};

/**
 * Dialect detection (src/dialects/detect.ts) is its own file, dist/detect.cjs: the start script
 * runs it before the bundle loads (to choose a code cache), and the bundle requires the same
 * module instance instead of carrying a copy, so its tables are built and its patterns compiled once.
 */
const detectApart = {
  name: 'detect-apart',
  setup(b) {
    b.onResolve({ filter: /[/\\]dialects[/\\]detect\.js$|^\.\/detect\.js$/ }, (args) =>
      args.importer.includes(`${join('src', '')}`) && !args.importer.endsWith(join('dialects', 'detect.ts')) ? { path: './detect.cjs', external: true } : undefined,
    );
  },
};

/**
 * Whitespace and syntax minification: a smaller bundle is read, hashed and deserialised from the
 * code cache faster at every start. Names are kept (stack traces and profiles stay readable);
 * `LPC_READABLE_BUILD=1` turns it off for line-level profiling.
 */
const MINIFY = process.env.LPC_READABLE_BUILD === '1' ? {} : { minifyWhitespace: true, minifySyntax: true };

/**
 * The configuration validator, compiled once here: src/config/validator.ts (which compiles the
 * schema with ajv when run from the sources) is replaced by ajv's standalone code for
 * schema/config.schema.json, so the CLI loads neither ajv's compiler nor the schema at start-up.
 */
const precompiledValidator = {
  name: 'precompiled-config-validator',
  setup(b) {
    b.onLoad({ filter: /[/\\]src[/\\]config[/\\]validator\.ts$/ }, () => {
      const schema = JSON.parse(readFileSync(new URL('../schema/config.schema.json', import.meta.url), 'utf8'));
      const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, code: { source: true, esm: true } });
      const code = standaloneCode(ajv, ajv.compile(schema));
      return {
        contents: `${code}\nexport function configValidator() { return validate10; }\n`,
        loader: 'js',
        resolveDir: fileURLToPath(new URL('../src/config', import.meta.url)),
      };
    });
  },
};

const standaloneCode = standaloneModule.default;

/**
 * The language server (src/lsp/) is its own bundle, dist/lsp.cjs, which the CLI bundle requires
 * only when the `lsp` command runs: a lint never parses its code or vscode-languageserver's.
 */
const lspApart = {
  name: 'lsp-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/lsp\/server\.js$/ }, (args) => (args.importer.endsWith('src/cli/cli.ts') ? { path: 'lsp-bundle', namespace: 'lpc-lsp' } : undefined));
    // Loads the file next to the bundle (the start script runs the bundle in a vm.Script, where
    // import() of a file is not available) with its V8 code cache, as the start script loads the CLI.
    b.onLoad({ filter: /.*/, namespace: 'lpc-lsp' }, () => ({
      contents: LOAD_LSP,
      loader: 'js',
    }));
  },
};

const LOAD_LSP = `
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');
const file = path.join(__dirname, 'lsp.cjs');
const source = fs.readFileSync(file, 'utf8');
const id = /^\\/\\/ lpc-build:([0-9a-f]+)/.exec(source)?.[1];
const cacheFile = id ? path.join(__dirname, 'lsp-' + id + '.cache') : undefined;
let cachedData;
try {
  if (cacheFile) cachedData = fs.readFileSync(cacheFile);
} catch {}
const script = new vm.Script(Module.wrap(source), { filename: file, cachedData, importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER });
const mod = new Module(file, module);
mod.filename = file;
mod.paths = Module._nodeModulePaths(__dirname);
script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, __dirname);
mod.loaded = true;
if (process.env.LPC_WRITE_LSP_CODE_CACHE === '1' && cacheFile) process.on('exit', () => fs.writeFileSync(cacheFile, script.createCachedData()));
module.exports = mod.exports;
`;
const BUILD_ID = randomBytes(8).toString('hex');

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: ['src/cli/cli.ts'],
  outfile: 'dist/cli.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [lazyChildProcess, lazyFastGlob, lazyChalk, lazyJsonc, chalkNoGuess, detectApart, precompiledValidator, lspApart],
  ...MINIFY,
  // jsonc-parser's `main` is a UMD build that esbuild cannot follow; its ES module build bundles.
  mainFields: ['module', 'main'],
  // The sources are ESM; in the CommonJS bundle import.meta.url is this file's URL.
  define: { 'import.meta.url': '__lpcModuleUrl' },
  // The first line names this build, so that the start script (dist/launch.cjs) uses only its own code cache.
  banner: { js: `// lpc-build:${BUILD_ID}\nconst __lpcModuleUrl = require('node:url').pathToFileURL(__filename).href;` },
});
// The start script reads the bundle as Latin-1, which is the same text only for ASCII.
if (readFileSync(new URL('../dist/cli.cjs', import.meta.url)).some((b) => b > 0x7f)) throw new Error('build: dist/cli.cjs is not ASCII (the start script reads it as Latin-1)');
// The start script, copied as it is: it runs before the bundle, to hand V8 the bundle's code cache.
copyFileSync(new URL('../src/run/launch.cjs', import.meta.url), new URL('../dist/launch.cjs', import.meta.url));
await build({
  entryPoints: ['src/lsp/server.ts'],
  outfile: 'dist/lsp.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [lazyChildProcess, lazyFastGlob, chalkNoGuess, precompiledValidator],
  ...MINIFY,
  mainFields: ['module', 'main'],
  define: { 'import.meta.url': '__lpcModuleUrl' },
  banner: { js: `// lpc-build:${BUILD_ID}\nconst __lpcModuleUrl = require('node:url').pathToFileURL(__filename).href;` },
});

// The start script tells which dialect a run's named files are in before it loads the bundle, to
// choose a code cache: with the CLI's own detection, bundled apart (no dependency).
await build({
  entryPoints: ['src/dialects/detect.ts'],
  outfile: 'dist/detect.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  ...MINIFY,
});

// V8's code caches for the bundle, each taken after a warm run (so it holds the functions a lint
// compiles, not just the top level): one per dialect, on its bundled example, and one over all the
// examples, for runs of several dialects or of directories (src/run/launch.cjs chooses). Failing to
// make one is not an error: the CLI then compiles what that cache would have held.
const root = fileURLToPath(new URL('..', import.meta.url));
// `many` is the cache of a run's worker threads once it is tuned for many files, `large` that of
// the process a large input is linted in (started with a larger young generation): each is written
// under that run's V8 flags (src/run/threads.ts, src/run/launch.cjs), which V8 hashes into a cache.
const warmUps = [
  ['1', 'fixtures/examples', []],
  ['many', 'fixtures/examples', []],
  ['large', 'fixtures/examples', ['--max-semi-space-size=32']],
  ...['apache', 'nginx', 'iis', 'haproxy', 'caddy'].map((d) => [d, `fixtures/examples/${d}`, []]),
];
for (const [cache, examples, flags] of warmUps) {
  const warm = spawnSync(process.execPath, [...flags, 'bin/lint-proxy-config.js', examples, '--no-config', '--format', 'json', '--output-file', '/dev/null'], {
    cwd: root,
    env: { ...process.env, LPC_WRITE_CODE_CACHE: cache, LPC_WORKERS: '1', ...(cache === 'large' ? { LPC_LARGE_HEAP: '1' } : {}) },
    stdio: 'ignore',
  });
  if (warm.error || (warm.status !== 0 && warm.status !== 1)) console.warn(`build: no code cache for ${examples} (the warm-up run failed); the CLI works without it`);
}

// The same for the language server's bundle, after a short editor session on an example: open,
// diagnostics, code actions, hover, shutdown. Without it the server still works.
async function warmLanguageServer() {
  const rpc = createRequire(import.meta.url)('vscode-jsonrpc/node');
  const child = spawn(process.execPath, ['bin/lint-proxy-config.js', 'lsp', '--stdio'], {
    cwd: root,
    env: { ...process.env, LPC_WRITE_LSP_CODE_CACHE: '1' },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const connection = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  const file = join(root, 'fixtures/examples/apache/jira.conf');
  const uri = pathToFileURL(file).href;
  const published = new Promise((resolve) => connection.onNotification('textDocument/publishDiagnostics', (p) => p.uri === uri && resolve(p)));
  connection.listen();
  const timeout = setTimeout(() => child.kill(), 30_000);
  try {
    await connection.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(join(root, 'fixtures/examples')).href, capabilities: {} });
    await connection.sendNotification('initialized', {});
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'apacheconf', version: 1, text: readFileSync(file, 'utf8') } });
    const { diagnostics } = await published;
    if (diagnostics.length > 0) {
      await connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diagnostics[0].range, context: { diagnostics } });
      await connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: diagnostics[0].range.start });
    }
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
    return (await exited) === 0;
  } catch {
    child.kill();
    return false;
  } finally {
    clearTimeout(timeout);
    connection.dispose();
  }
}
if (!(await warmLanguageServer())) console.warn('build: no code cache for the language server (the warm-up session failed); it works without it');
