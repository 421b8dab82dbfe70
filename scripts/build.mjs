// Bundles the CLI into one CommonJS file, dist/cli.cjs: a run then loads one module instead of
// resolving hundreds, and dialects stay lazy (their code is evaluated only when a file of that
// dialect is linted). Startup time is a product feature (issue: one small file within 1.5× of a
// bare `node -e 0`). Type checking is `npm run typecheck`.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { Ajv } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
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
 * The configuration validator, compiled once here: src/config/validator.ts (which compiles the
 * schema with ajv when run from the sources) is replaced by ajv's standalone code for
 * schema/config.schema.json, so the CLI loads neither ajv's compiler nor the schema at start-up.
 */
const precompiledValidator = {
  name: 'precompiled-config-validator',
  setup(b) {
    b.onLoad({ filter: /[/\\]src[/\\]config[/\\]validator\.ts$/ }, () => {
      const schema = JSON.parse(readFileSync(new URL('../schema/config.schema.json', import.meta.url), 'utf8'));
      const ajv = new Ajv({ allErrors: true, strict: true, code: { source: true, esm: true } });
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
const BUILD_ID = randomBytes(8).toString('hex');

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [lazyChildProcess, precompiledValidator],
  // jsonc-parser's `main` is a UMD build that esbuild cannot follow; its ES module build bundles.
  mainFields: ['module', 'main'],
  // The sources are ESM; in the CommonJS bundle import.meta.url is this file's URL.
  define: { 'import.meta.url': '__lpcModuleUrl' },
  // The first line names this build, so that bin/lint-proxy-config.js uses only its own code cache.
  banner: { js: `// lpc-build:${BUILD_ID}\nconst __lpcModuleUrl = require('node:url').pathToFileURL(__filename).href;` },
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
