/**
 * nginx: property-based and fuzz tests (see test/fuzz/README.md).
 * CI runs a fixed seed and a bounded number of cases; `LPC_FUZZ_RUNS=<n>` runs longer locally.
 */
import { nginxConfig } from './grammar.js';
import { describeDialectFuzz } from './suite.js';

describeDialectFuzz({ dialect: 'nginx', generated: nginxConfig, runs: { mutated: 100, generated: 100 } });
