/** patternShape: what fix builders need to insert an exclusion without renumbering groups. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RegexBudgetError, compileRegex, patternShape, type PatternShape } from '../../src/regex/index.js';
import { ecmaPattern, ecmaSubject, pcrePattern, pcreSubject } from './generate.js';
import { APACHE, ECMA, NGINX, PCRE } from './helpers.js';

describe('patternShape', () => {
  it.each<[string, Partial<PatternShape>]>([
    ['^(.*)$', { leadingFlagsEnd: 0, startAnchor: { start: 0, end: 1 }, topLevelAlternation: false, canMatchEmpty: true, alwaysMatchesAtStartIfAnywhere: true, groupCount: 1 }],
    ['(.*)', { leadingFlagsEnd: 0, startAnchor: null, topLevelAlternation: false, canMatchEmpty: true, alwaysMatchesAtStartIfAnywhere: true, groupCount: 1 }],
    ['$', { startAnchor: null, canMatchEmpty: true, alwaysMatchesAtStartIfAnywhere: false, groupCount: 0 }],
    ['(?i)^(.*)$', { leadingFlagsEnd: 4, startAnchor: { start: 4, end: 5 }, alwaysMatchesAtStartIfAnywhere: true }],
    ['^a|b', { startAnchor: null, topLevelAlternation: true, canMatchEmpty: false, alwaysMatchesAtStartIfAnywhere: false }],
    ['(?:^a|^b)', { startAnchor: null, topLevelAlternation: false, canMatchEmpty: false, alwaysMatchesAtStartIfAnywhere: true }],
    ['(.*)$', { alwaysMatchesAtStartIfAnywhere: true }],
    ['\\A(x)', { startAnchor: { start: 0, end: 2 }, canMatchEmpty: false }],
    ['(?i)(?s)^x', { leadingFlagsEnd: 8, startAnchor: { start: 8, end: 9 } }],
    ['(;|$)', { canMatchEmpty: true, alwaysMatchesAtStartIfAnywhere: false }],
    ['x*', { canMatchEmpty: true, alwaysMatchesAtStartIfAnywhere: true }],
    ['a\\K.*', { alwaysMatchesAtStartIfAnywhere: false }],
    ['(?=a)', { canMatchEmpty: true, alwaysMatchesAtStartIfAnywhere: false }],
    ['é(.)', { groupCount: 1, canMatchEmpty: false }],
  ])('%s under Apache defaults', (pattern, expected) => {
    expect(patternShape(pattern, APACHE)).toMatchObject(expected);
  });

  it('without DOTALL `(.*)$` may match later in the subject (after a newline)', () => {
    expect(patternShape('(.*)$', PCRE)?.alwaysMatchesAtStartIfAnywhere).toBe(false);
    expect(patternShape('[\\s\\S]*$', PCRE)?.alwaysMatchesAtStartIfAnywhere).toBe(true);
  });

  it('a multiline ^ does not anchor at the subject start', () => {
    expect(patternShape('(?m)^x', PCRE)?.startAnchor).toBeNull();
    expect(patternShape('^x', { ...NGINX, multiline: true })?.startAnchor).toBeNull();
  });

  it('offsets are into the pattern string even with non-ASCII characters', () => {
    expect(patternShape('(?i)^é', APACHE)).toMatchObject({ leadingFlagsEnd: 4, startAnchor: { start: 4, end: 5 } });
  });

  it('ECMAScript has no inline flags; ^ anchors', () => {
    expect(patternShape('^(?!(?:XSRF-TOKEN)=).*', ECMA)).toMatchObject({ leadingFlagsEnd: 0, startAnchor: { start: 0, end: 1 }, alwaysMatchesAtStartIfAnywhere: true });
    expect(patternShape('.*', ECMA)?.alwaysMatchesAtStartIfAnywhere).toBe(true);
  });

  it('returns null when the pattern does not compile', () => {
    expect(patternShape('(', APACHE)).toBeNull();
    expect(patternShape('(?i)x', ECMA)).toBeNull();
  });
});

describe('patternShape is conservative', () => {
  const flavors = [
    ['PCRE (Apache defaults)', pcrePattern(), pcreSubject(), APACHE],
    ['PCRE (no options)', pcrePattern(), pcreSubject(), PCRE],
    ['ECMAScript', ecmaPattern(), ecmaSubject(), ECMA],
  ] as const;

  it.each(flavors)('%s: never claims "cannot match empty" or "matches at the start" wrongly', (_name, patterns, subjectArb, options) => {
    const cases = fc.sample(fc.tuple(patterns, fc.array(subjectArb, { minLength: 3, maxLength: 6 })), { seed: 7, numRuns: 600 });
    let checked = 0;
    for (const [pattern, subjects] of cases) {
      const compiled = compileRegex(pattern, options);
      const shape = patternShape(pattern, options);
      if (!compiled.ok) {
        expect(shape).toBeNull();
        continue;
      }
      expect(shape?.groupCount).toBe(compiled.regex.groupCount);
      for (const subject of subjects) {
        let m: ReturnType<typeof compiled.regex.exec>;
        try {
          m = compiled.regex.exec(subject);
        } catch (e) {
          if (e instanceof RegexBudgetError) continue;
          throw e;
        }
        if (!m) continue;
        checked++;
        if (m.start === m.end) expect(shape?.canMatchEmpty, pattern).toBe(true);
        if (shape?.alwaysMatchesAtStartIfAnywhere) expect(m.start, pattern).toBe(0);
      }
    }
    expect(checked).toBeGreaterThan(500);
  });
});
