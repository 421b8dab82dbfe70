/**
 * The suites mutation testing runs (stryker.config.mjs): everything `npm test` runs except the
 * fuzz suites, whose random cases make a mutant's fate depend on the seed and cost minutes.
 * The real-server suites stay: they are what kills mutants of the servers' semantics.
 */
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: ['test/fuzz/**', 'node_modules/**'],
      // Instrumented code at nice 19 on a shared machine: hang guards get ten times their limit.
      env: { LPC_TIME_SCALE: '10' },
      testTimeout: 600_000,
      hookTimeout: 600_000,
    },
  }),
);
