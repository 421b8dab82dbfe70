/**
 * ECMAScript flavor (IIS URL Rewrite): ES5 non-unicode semantics with Annex B leniencies, and
 * the constructs refused because IIS does not support them.
 */
import { describe, expect, it } from 'vitest';
import { compileRegex } from '../../src/regex/index.js';
import { ECMA, compile, errorOf, groups, match } from './helpers.js';

const IGNORE_CASE = { flavor: 'ecmascript', caseless: true } as const;
const MULTILINE = { flavor: 'ecmascript', multiline: true } as const;

describe('refused for IIS although modern JavaScript accepts them', () => {
  it.each([
    ['(?i)abc', 'ecma-inline-flags', 0],
    ['a(?i:b)', 'ecma-inline-flags', 1],
    ['(?<=a)b', 'ecma-lookbehind', 0],
    ['(?<!a)b', 'ecma-lookbehind', 0],
    ['x(?<n>a)', 'ecma-named-group', 1],
  ])('%j → %s', (pattern, code, offset) => {
    expect(errorOf(pattern, ECMA)).toMatchObject({ code, offset });
  });
});

describe('syntax errors (V8 wording)', () => {
  it.each([
    ['a**', 'Nothing to repeat'],
    ['a*+', 'Nothing to repeat'],
    ['^*', 'Nothing to repeat'],
    ['\\b+', 'Nothing to repeat'],
    ['{1}', 'Nothing to repeat'],
    ['a{2}{3}', 'Nothing to repeat'],
    ['(a', 'Unterminated group'],
    ['a)', "Unmatched ')'"],
    ['[a', 'Unterminated character class'],
    ['\\', '\\ at end of pattern'],
    ['x{2,1}', 'numbers out of order in {} quantifier'],
    ['[z-a]', 'Range out of order in character class'],
    ['(?', 'Invalid group'],
    ['(?x', 'Invalid group'],
  ])('%j: %s', (pattern, message) => {
    expect(errorOf(pattern, ECMA)).toMatchObject({ message, code: 'syntax' });
    expect(() => new RegExp(pattern)).toThrow(SyntaxError);
  });
});

describe('Annex B leniencies', () => {
  it.each([
    [']', 'a]', ']'],
    ['}', '}', '}'],
    ['a{', 'a{', 'a{'],
    ['a{,3}', 'a{,3}', 'a{,3}'],
    ['a{1,2', 'a{1,2', 'a{1,2'],
    ['\\c', '\\c', '\\c'],
    ['[\\c]', 'c', 'c'],
    ['[\\c1]', '\x11', '\x11'],
    ['\\8', '8', '8'],
    ['\\k', 'k', 'k'],
    ['\\a', 'a', 'a'],
    ['\\x4', 'x4', 'x4'],
    ['\\u{41}', 'u'.repeat(41), 'u'.repeat(41)],
    ['(a)\\12', 'a\n', 'a\n'],
    ['(a)\\18', 'a\x018', 'a\x018'],
    ['\\400', ' 0', ' 0'],
    ['[\\d-z]', '-', '-'],
    ['[\\1]', '\x01', '\x01'],
    ['[\\b]', '\b', '\b'],
    ['[\\B]', 'B', 'B'],
    ['[^]', '\n', '\n'],
  ])('%j on %j', (pattern, subject, expected) => {
    expect(match(pattern, subject, ECMA)).toBe(expected);
  });

  it('an empty class matches nothing; lookaheads may be quantified', () => {
    expect(match('[]', 'a', ECMA)).toBeNull();
    expect(groups('(?=(a))*', 'a', ECMA)).toEqual(['', undefined]);
    expect(groups('(?=(a))+', 'a', ECMA)).toEqual(['', 'a']);
  });
});

describe('matching semantics that differ from PCRE', () => {
  it('a back-reference to a group that did not participate matches empty', () => {
    expect(groups('(a)?b\\1', 'b', ECMA)).toEqual(['b', undefined]);
    expect(groups('\\1(a)', 'a', ECMA)).toEqual(['a', 'a']);
    expect(groups('(a\\1)', 'a', ECMA)).toEqual(['a', 'a']);
  });

  it('captures inside a quantified atom are reset each iteration', () => {
    expect(groups('(?:(a)|b)+', 'ab', ECMA)).toEqual(['ab', undefined]);
    expect(groups('(a|b\\1)+', 'abb', ECMA)).toEqual(['abb', 'b']);
  });

  it('an optional iteration that matches empty fails', () => {
    expect(groups('(a*)*', 'b', ECMA)).toEqual(['', undefined]);
    expect(groups('(a*)+', 'b', ECMA)).toEqual(['', '']);
    expect(groups('(a*)?', 'b', ECMA)).toEqual(['', undefined]);
  });

  it('\\s is the Unicode white space set; \\d and \\w are ASCII', () => {
    for (const c of ['\u00a0', '\ufeff', '\u2028', '\u3000', '\v']) expect(match('\\s', c, ECMA)).toBe(c);
    expect(match('\\w', 'é', ECMA)).toBeNull();
    expect(match('\\d', '٣', ECMA)).toBeNull();
  });

  it('`.` stops at every line terminator; `$` only at the very end unless multiline', () => {
    expect(match('.', '\r', ECMA)).toBeNull();
    expect(match('.', '\u2028', ECMA)).toBeNull();
    expect(match('a$', 'a\n', ECMA)).toBeNull();
    expect(match('^b', 'a\rb', MULTILINE)).toBe('b');
    expect(compile('^', MULTILINE).exec('a\n', 1)).toMatchObject({ start: 2 });
    expect(match('a$', 'a\u2029', MULTILINE)).toBe('a');
  });

  it('ignoreCase uses Canonicalize: upper case, never mapping non-ASCII to ASCII', () => {
    expect(match('s', 'ſ', IGNORE_CASE)).toBeNull();
    expect(match('k', '\u212a', IGNORE_CASE)).toBeNull();
    expect(match('é', 'É', IGNORE_CASE)).toBe('É');
    expect(match('[^x]', 'X', IGNORE_CASE)).toBeNull();
    expect(match('µ', 'Μ', IGNORE_CASE)).toBe('Μ');
    expect(groups('(a)\\1', 'aA', IGNORE_CASE)).toEqual(['aA', 'a']);
  });
});

describe('IIS rules', () => {
  it('the documented exclusion shape works with ignoreCase (the IIS default)', () => {
    const re = compile('^(?!(?:XSRF-TOKEN|atl\\.xsrf\\.token)=).*', IGNORE_CASE);
    expect(re.test('JSESSIONID=abc; Path=/')).toBe(true);
    expect(re.test('xsrf-token=abc')).toBe(false);
    expect(re.test('ATL.XSRF.TOKEN=1')).toBe(false);
  });

  it('`.*` matches the whole header value', () => {
    expect(match('.*', 'a=b; Path=/', IGNORE_CASE)).toBe('a=b; Path=/');
  });

  it('PCRE-only options are ignored', () => {
    const r = compileRegex('a.$', { flavor: 'ecmascript', dotAll: true, dollarEndOnly: false, extended: true });
    expect(r.ok && r.regex.test('a\n\n')).toBe(false);
  });
});
