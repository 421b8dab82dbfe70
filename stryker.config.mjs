// @ts-check
/**
 * Mutation testing (StrykerJS + its vitest runner): `npm run test:mutation`, or one file at a time,
 * `npm run test:mutation -- --mutate src/engine/directives.ts`. Incremental: results are kept in
 * reports/stryker-incremental.json and only mutants whose code or covering tests changed run
 * again. Not part of `npm test` (a full run takes over an hour on two cores).
 *
 * Equivalent mutants — mutants no test can kill because the program behaves the same — are
 * listed in EQUIVALENT below with a one-line reason each, matched by file and by the exact source
 * text of the mutated node (so they survive line shifts), and reported as "Ignored".
 */
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

/** @type {ReadonlyArray<{ file: string; code: string; reason: string }>} */
const EQUIVALENT = [];

/** @param {any} path a babel NodePath */
function equivalentReason(path) {
  const file = String(path.hub?.file?.opts?.filename ?? '').replaceAll('\\', '/');
  const code = path.hub?.file?.code;
  const { start, end } = path.node;
  if (typeof code !== 'string' || typeof start !== 'number' || typeof end !== 'number') return undefined;
  const text = code.slice(start, end);
  return EQUIVALENT.find((e) => file.endsWith(e.file) && text === e.code)?.reason;
}

export const strykerPlugins = [declareValuePlugin(PluginKind.Ignore, 'equivalent-mutants', { shouldIgnore: equivalentReason })];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner', import.meta.url],
  ignorers: ['equivalent-mutants'],
  mutate: [
    'src/model/ops/*.ts',
    'src/model/simulate.ts',
    'src/engine/fix.ts',
    'src/engine/directives.ts',
    'src/engine/proof.ts',
    'rules/xsrf-cookie-httponly/index.ts',
  ],
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  concurrency: 1,
  timeoutMS: 60_000,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
