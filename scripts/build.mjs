// Bundles the CLI into one CommonJS file, dist/cli.cjs: a run then loads one module instead of
// resolving hundreds, and dialects stay lazy (their code is evaluated only when a file of that
// dialect is linted). Startup time is a product feature (issue: one small file within 1.5× of a
// bare `node -e 0`). Type checking is `npm run typecheck`.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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
 * The language server (src/lsp/) is its own bundle, dist/lsp.cjs, which the CLI bundle requires
 * only when the `lsp` command runs: a lint never parses its code or vscode-languageserver's.
 */
const lspApart = {
  name: 'lsp-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/lsp\/server\.js$/ }, (args) => (args.importer.endsWith('src/cli.ts') ? { path: 'lsp-bundle', namespace: 'lpc-lsp' } : undefined));
    // A require of the file next to the bundle (the start script runs the bundle in a vm.Script,
    // where import() of a file is not available).
    b.onLoad({ filter: /.*/, namespace: 'lpc-lsp' }, () => ({
      contents: "module.exports = require(require('node:path').join(__dirname, 'lsp.cjs'));",
      loader: 'js',
    }));
  },
};

const BUILD_ID = randomBytes(8).toString('hex');
const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  // The sources are ESM; in the CommonJS bundle import.meta.url is this file's URL.
  define: { 'import.meta.url': '__lpcModuleUrl' },
};

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.cjs',
  plugins: [lazyChildProcess, lspApart],
  // The first line names this build, so that bin/lint-proxy-config.js uses only its own code cache.
  banner: { js: `// lpc-build:${BUILD_ID}\nconst __lpcModuleUrl = require('node:url').pathToFileURL(__filename).href;` },
});
await build({
  ...common,
  entryPoints: ['src/lsp/server.ts'],
  outfile: 'dist/lsp.cjs',
  plugins: [lazyChildProcess],
  banner: { js: `const __lpcModuleUrl = require('node:url').pathToFileURL(__filename).href;` },
});

// V8's code cache for the bundle, taken after a warm run over the bundled examples (so it holds
// the functions a lint compiles, not just the top level). Failing to make it is not an error: the
// CLI then compiles the bundle at each start, as without a cache.
const root = fileURLToPath(new URL('..', import.meta.url));
const warm = spawnSync(
  process.execPath,
  ['bin/lint-proxy-config.js', 'fixtures/examples', '--no-config', '--format', 'json', '--output-file', '/dev/null'],
  { cwd: root, env: { ...process.env, LPC_WRITE_CODE_CACHE: '1', LPC_WORKERS: '1' }, stdio: 'ignore' },
);
if (warm.error || (warm.status !== 0 && warm.status !== 1)) console.warn('build: no code cache (the warm-up run failed); the CLI works without it');
