/**
 * `\p{..}` / `\P{..}` and the POSIX word boundaries `[[:<:]]` / `[[:>:]]`, against the real PCRE2
 * (pcre2test, the library Apache and nginx link against): every property name PCRE2 lists, in
 * every spelling, on each of the 256 bytes a subject can hold, plainly, negated, in classes and
 * caseless; and the names, spellings and malformed sequences it refuses, with its messages.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compileRegex } from '../../src/regex/index.js';
import { PCRE2_SCRIPTS } from '../../src/regex/unicode-properties.js';
import { describeRealServer } from '../helpers/skips.js';
import { runDifferential, type GeneratedCase } from './pcre-differential.js';
import { findPcre2test } from './pcre2test.js';

const GENERAL = 'C Cc Cf Cn Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs L& Lc L_ Any Xan Xps Xsp Xwd Xuc'.split(' ');

/** The names `pcre2test -LP` lists as binary properties, with their abbreviations. */
function binaryNames(): string[] {
  const out = execFileSync(findPcre2test()!, ['-LP'], { encoding: 'utf8' });
  const body = out.slice(out.indexOf('binary (yes/no) properties:') + 'binary (yes/no) properties:'.length);
  return [...body.matchAll(/[a-z]+/g)].map((m) => m[0]);
}

const BYTES = Array.from({ length: 256 }, (_, c) => ({ text: String.fromCharCode(c) }));

const onBytes = (pattern: string, options: GeneratedCase['options'] = {}): GeneratedCase => ({ pattern, options, subjects: BYTES });

const available = findPcre2test() !== null;
describeRealServer('Unicode properties and POSIX word boundaries vs pcre2test', available ? null : 'pcre2test is not installed (Debian: apt-get install pcre2-utils)', () => {
  it('knows the scripts the installed PCRE2 lists', () => {
    const out = execFileSync(findPcre2test()!, ['-LS'], { encoding: 'utf8' });
    const listed = [...out.slice(out.indexOf('SUPPORTED SCRIPTS')).matchAll(/([a-z]+)(?: \(([a-z, ]+)\))?/g)].map((m) => [m[1], ...(m[2] ? m[2].split(', ') : [])].join(' '));
    // "SUPPORTED SCRIPTS" itself is upper case, so every match is a script entry.
    expect(new Set(listed.map((e) => e.split(' ')[0]))).toEqual(new Set(PCRE2_SCRIPTS.map((e) => e.split(' ')[0])));
    const byName = new Map(listed.map((e) => [e.split(' ')[0], new Set(e.split(' '))]));
    for (const entry of PCRE2_SCRIPTS) expect(new Set(entry.split(' '))).toEqual(byName.get(entry.split(' ')[0]));
  });

  it('matches the same bytes for every general category, special and binary property, in every spelling', () => {
    const names = [...GENERAL, ...binaryNames()];
    const cases = names.flatMap((n) => [onBytes(`\\p{${n}}`), onBytes(`\\P{${n}}`), onBytes(`\\p{^${n}}`), onBytes(`[\\p{${n}}x]`, { caseless: true }), onBytes(`[^\\p{${n}}]`)]);
    // Loose matching: case, spaces, hyphens and underscores do not matter.
    cases.push(...['\\p{ Lu }', '\\p{lu}', '\\p{White-Space}', '\\p{WHITE_space}', '\\p{ascii_Hex-Digit}', '\\pL', '\\PN', '\\pLu', '\\p{L&}'].map((p) => onBytes(p)));
    const report = runDifferential(cases);
    expect(report.mismatches.slice(0, 5)).toEqual([]);
    expect(report.messageDiffs).toEqual([]);
    expect(report.offsetDiffs).toBe(0);
    expect(report.unsupported).toBe(0);
    expect(report.compiled).toBe(cases.length);
  });

  it('matches the same bytes for every script, bare and with sc:, scx:, script= and scriptextensions=', () => {
    const cases = PCRE2_SCRIPTS.flatMap((entry) => {
      const [name, ...aliases] = entry.split(' ');
      return [name!, ...aliases].map((n) => onBytes(`\\p{${n}}`)).concat([onBytes(`\\p{sc:${name}}`), onBytes(`\\P{scx=${name}}`), onBytes(`\\p{Script=${aliases[0] ?? name}}`), onBytes(`\\p{Script_Extensions:${name}}`)]);
    });
    const report = runDifferential(cases);
    expect(report.mismatches.slice(0, 5)).toEqual([]);
    expect(report.compiled).toBe(cases.length);
  });

  it('refuses what PCRE2 refuses, with its message and offset, and leaves bidi classes unsimulated', () => {
    const refused = ['\\p{Letter}', '\\p{gc=L}', '\\p{Xyz}', '\\p{Hrkt}', '\\p{sc:L}', '\\p{bc:xx}', '\\p{L', '\\p', '\\p{}', '\\pX', '[\\p{Xyz}]', 'a\\P{^^L}', '[\\p{L}-z]'];
    const report = runDifferential(refused.map((p) => onBytes(p)));
    expect(report.compileErrors).toBe(refused.length);
    expect(report.mismatches).toEqual([]);
    expect(report.messageDiffs).toEqual([]);
    expect(report.offsetDiffs).toBe(0);
    const bidi = runDifferential(['\\p{bc:al}', '\\p{bidiclass=L}'].map((p) => onBytes(p)));
    expect(bidi.mismatches).toEqual([]);
    expect(bidi.unsupported).toBe(2);
  });

  it('reads [[:<:]] and [[:>:]] as the start and end of a word, quantified as PCRE2 does', () => {
    const subjects = ['ab', 'xab', ' ab ', 'a', '_a b', 'ab1 cd', '', '-'].map((text) => ({ text }));
    const patterns = ['[[:<:]]ab', 'ab[[:>:]]', '[[:<:]]\\w+[[:>:]]', '[[:<:]]+a', '[[:<:]]{2}a', 'x[[:>:]]?', 'b[[:>:]]?', '[[:<:]]?a', '(?:[[:<:]])*b', '[[:<:]]', '[[:>:]]'];
    const cases = patterns.flatMap((pattern) => [{ pattern, options: {}, subjects }, { pattern, options: { caseless: true }, subjects }]);
    cases.push(...['[^[:<:]]', '[a[:<:]]', '[[:<:]a]'].map((pattern) => ({ pattern, options: {}, subjects })));
    const report = runDifferential(cases);
    expect(report.mismatches).toEqual([]);
    expect(report.messageDiffs).toEqual([]);
    expect(report.compiled).toBe(patterns.length * 2);
  });
});

describe('Unicode properties without pcre2test', () => {
  it('are bytes as Latin-1 code points, unaffected by caseless matching', () => {
    const lu = compileRegex('^\\p{Lu}+$', { flavor: 'pcre', caseless: true });
    if (!lu.ok) throw new Error(lu.error.message);
    expect(lu.regex.exec('AÀÞ', 0, {})).not.toBeNull();
    expect(lu.regex.exec('a', 0, {})).toBeNull();
    const xb = compileRegex('\\p{Xyz}', { flavor: 'pcre' });
    expect(xb.ok ? null : [xb.error.code, xb.error.message]).toEqual(['syntax', 'unknown property after \\P or \\p']);
    const x = compileRegex('\\X', { flavor: 'pcre' });
    expect(x.ok ? null : x.error.code).toBe('unsupported');
  });
});
