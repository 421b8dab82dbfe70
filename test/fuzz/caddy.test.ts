/**
 * Caddy: property-based and fuzz tests (see test/fuzz/README.md).
 * CI runs a fixed seed and a bounded number of cases; `LPC_FUZZ_RUNS=<n>` runs longer locally.
 */
import { caddyConfig } from './grammar.js';
import { describeDialectFuzz } from './suite.js';

describeDialectFuzz({ dialect: 'caddy', generated: caddyConfig, runs: { mutated: 60, generated: 60 } });
