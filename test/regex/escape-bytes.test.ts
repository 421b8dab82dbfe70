import { describe, expect, it } from 'vitest';
import { compileRegex, escapeRegexLiteral, fromByteString, toByteString, type RegexFlavor } from '../../src/regex/index.js';

describe('escapeRegexLiteral', () => {
  it('escapes only metacharacters, so the result stays readable', () => {
    expect(escapeRegexLiteral('atl.xsrf.token', 'pcre')).toBe('atl\\.xsrf\\.token');
    expect(escapeRegexLiteral('XSRF-TOKEN', 'pcre')).toBe('XSRF-TOKEN');
    expect(escapeRegexLiteral('csrf_token', 'ecmascript')).toBe('csrf_token');
    expect(escapeRegexLiteral('a+b(c)[d]{e}|f^g$h?i*j\\k', 'pcre')).toBe('a\\+b\\(c\\)\\[d\\]\\{e\\}\\|f\\^g\\$h\\?i\\*j\\\\k');
    expect(escapeRegexLiteral('tab\there', 'ecmascript')).toBe('tab\\x09here');
  });

  it('escapes white space, # and NEL bytes for PCRE extended mode', () => {
    expect(escapeRegexLiteral('a b#c', 'pcre', { extended: true })).toBe('a\\ b\\#c');
    expect(escapeRegexLiteral('Å', 'pcre', { extended: true })).toBe('\\xc3\\x85');
    expect(escapeRegexLiteral('a b', 'pcre')).toBe('a b');
  });

  it.each<[RegexFlavor, boolean]>([
    ['pcre', false],
    ['pcre', true],
    ['ecmascript', false],
  ])('the escaped text matches itself literally (%s, extended %s)', (flavor, extended) => {
    const texts = ['atl.xsrf.token', 'XSRF-TOKEN', 'a+b(c)[d]{e}|f^g$h?i*j\\k', 'naïve Å cookie#1', '\n\t\x7f', '(?i)x'];
    for (const text of texts) {
      const r = compileRegex(`^${escapeRegexLiteral(text, flavor, { extended })}$`, { flavor, extended });
      if (!r.ok) throw new Error(r.error.message);
      const subject = flavor === 'pcre' ? toByteString(text) : text;
      expect(r.regex.test(subject)).toBe(true);
      expect(r.regex.test(`${subject}x`)).toBe(false);
    }
  });
});

describe('byte strings', () => {
  it('toByteString gives one code unit per UTF-8 byte and fromByteString reverses it', () => {
    expect(toByteString('é')).toBe('\xc3\xa9');
    expect(toByteString('ascii')).toBe('ascii');
    expect(toByteString('😀')).toBe('\xf0\x9f\x98\x80');
    for (const s of ['', 'abc', 'naïve', 'Ω≈ç√', '😀 ok']) expect(fromByteString(toByteString(s))).toBe(s);
  });

  it('invalid UTF-8 decodes to U+FFFD', () => {
    expect(fromByteString('\xff')).toBe('\ufffd');
  });
});
