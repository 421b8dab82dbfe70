// Bundles the CLI into one CommonJS file, dist/cli.cjs: a run then loads one module instead of
// resolving hundreds, and dialects stay lazy (their code is evaluated only when a file of that
// dialect is linted). Startup time is a product feature (issue: one small file within 1.5× of a
// bare `node -e 0`). Type checking is `npm run typecheck`.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

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
  plugins: [lazyChildProcess],
  // The sources are ESM; in the CommonJS bundle import.meta.url is this file's URL.
  define: { 'import.meta.url': '__lpcModuleUrl' },
  banner: { js: "const __lpcModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});
