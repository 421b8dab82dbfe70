/**
 * ECMAScript flavor vs the JavaScript engine running the tests (V8: ECMA-262 with Annex B,
 * non-unicode), on generated patterns with a fixed seed and on the cookie corpus.
 */
import { describe, expect, it } from 'vitest';
import { COOKIE_VALUES, CORPUS_PATTERNS } from './corpus.js';
import { generateEcmaCases, runEcmaDifferential, type EcmaCase } from './ecma-differential.js';

const SEED = 20240611;
const GENERATED = 1500;

describe('ECMAScript flavor vs native RegExp', () => {
  it(`agrees on ${GENERATED} generated patterns (seed ${SEED})`, () => {
    const report = runEcmaDifferential(generateEcmaCases(SEED, GENERATED));
    console.info(
      `RegExp differential: ${report.patterns} patterns (${report.compiled} compiled, ${report.bothRefused} refused by both, ` +
        `${report.refusedForIis} refused for IIS only), ${report.subjects} subjects (${report.matched} matches)`,
    );
    expect(report.mismatches.slice(0, 5)).toEqual([]);
    expect(report.compiled).toBeGreaterThan(GENERATED / 2);
  });

  it('agrees on the cookie corpus, with and without ignoreCase', () => {
    const cases: EcmaCase[] = [];
    for (const pattern of CORPUS_PATTERNS) {
      if (pattern.startsWith('(?i)')) continue; // inline flags are refused for IIS
      for (const caseless of [false, true]) cases.push({ pattern, caseless, multiline: false, subjects: COOKIE_VALUES });
    }
    const report = runEcmaDifferential(cases);
    expect(report.mismatches).toEqual([]);
    expect(report.compiled).toBe(cases.length);
  });
});
