/**
 * HAProxy: property-based and fuzz tests (see test/fuzz/README.md).
 * CI runs a fixed seed and a bounded number of cases; `LPC_FUZZ_RUNS=<n>` runs longer locally.
 */
import { haproxyConfig } from './grammar.js';
import { describeDialectFuzz } from './suite.js';

describeDialectFuzz({ dialect: 'haproxy', generated: haproxyConfig, runs: { mutated: 100, generated: 100 } });
