/**
 * PCRE flavor vs the real PCRE2 (pcre2test from Debian's pcre2-utils, the library Apache and
 * nginx link against): generated patterns with a fixed seed plus a hand-picked corpus, all run
 * through ONE pcre2test process. Skipped, with a notice, when pcre2test is not installed.
 */
import { expect, it } from 'vitest';
import { toByteString } from '../../src/regex/index.js';
import { COOKIE_VALUES, CORPUS_PATTERNS } from './corpus.js';
import { generateCases, runDifferential, type GeneratedCase } from './pcre-differential.js';
import { findPcre2test, pcre2testVersion } from './pcre2test.js';
import { describeRealServer } from '../helpers/skips.js';

const SEED = 20240611;
const GENERATED = 1000;

const available = findPcre2test() !== null;
describeRealServer('PCRE flavor vs pcre2test', available ? null : 'pcre2test is not installed (Debian: apt-get install pcre2-utils)', () => {
  it('reports the library version it compares with', () => {
    expect(pcre2testVersion()).toMatch(/PCRE2 version 10\.\d+/);
  });

  it(`agrees on ${GENERATED} generated patterns (seed ${SEED})`, () => {
    const report = runDifferential(generateCases(SEED, GENERATED));
    console.info(
      `pcre2test differential: ${report.patterns} patterns (${report.compiled} compiled, ${report.compileErrors} refused by PCRE2, ` +
        `${report.unsupported} unsupported here), ${report.subjects} subjects (${report.matched} matches), ` +
        `${report.messageDiffs.length} error message and ${report.offsetDiffs} error offset differences`,
    );
    expect(report.mismatches.slice(0, 5)).toEqual([]);
    expect(report.messageDiffs.slice(0, 5)).toEqual([]);
    expect(report.offsetDiffs).toBe(0);
    expect(report.compiled).toBeGreaterThan(GENERATED / 3);
    expect(report.subjects).toBeGreaterThan(1000);
  });

  it('agrees on the cookie corpus under Apache, nginx and default options', () => {
    const cases: GeneratedCase[] = [];
    for (const pattern of CORPUS_PATTERNS) {
      for (const options of [{ dotAll: true, dollarEndOnly: true }, { caseless: true }, {}]) {
        cases.push({ pattern, options, subjects: COOKIE_VALUES.map((v) => ({ text: toByteString(v) })) });
      }
    }
    const report = runDifferential(cases);
    expect(report.mismatches).toEqual([]);
    expect(report.compiled).toBe(cases.length);
  });
});
