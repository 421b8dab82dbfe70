// Bundles the CLI into dist/ so a run loads one file instead of resolving
// hundreds of modules (startup time is a product feature: see issue "faster
// than the servers' own config test"). Type checking is `npm run typecheck`.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: ['src/cli.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  banner: {
    // Bundled CommonJS dependencies (fast-glob) call require().
    js: "import { createRequire as __lpcCreateRequire } from 'node:module'; const require = __lpcCreateRequire(import.meta.url);",
  },
});
