/**
 * The suites mutation testing runs (stryker.config.mjs): everything `npm test` runs except the
 * fuzz suites, whose random cases make a mutant's fate depend on the seed and cost minutes, and —
 * unless LPC_MUTATION_SERVERS=1 — the real-server suites. Those simulate every fixture in their
 * `beforeAll`, outside any test, so every mutant they reach is "static" and re-runs the whole
 * suite: a file then takes hours instead of minutes. Scores without them are the stricter ones
 * (the unit, fixture and engine tests alone must kill the mutant).
 */
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

const REAL_SERVER_SUITES = ['test/**/real-server*.test.ts', 'test/simulate-real.test.ts', 'test/nginx/real-lexer.test.ts', 'test/nginx/unknown-directives-real.test.ts'];

export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: ['test/fuzz/**', 'node_modules/**', ...(process.env.LPC_MUTATION_SERVERS === '1' ? [] : REAL_SERVER_SUITES)],
      // Instrumented code at nice 19 on a shared machine: hang guards get ten times their limit.
      env: { LPC_TIME_SCALE: '10' },
      testTimeout: 600_000,
      hookTimeout: 600_000,
    },
  }),
);
