/**
 * PCRE flavor compile errors: PCRE2 10.42's message and offset (checked with pcre2test), and our
 * error code. Apache and nginx print these messages when they refuse a configuration.
 */
import { describe, expect, it } from 'vitest';
import { APACHE, PCRE, errorOf } from './helpers.js';

describe('PCRE2 syntax errors', () => {
  it.each([
    ['a)', 1, 'unmatched closing parenthesis'],
    ['(', 1, 'missing closing parenthesis'],
    ['(?i:a', 5, 'missing closing parenthesis'],
    ['[a', 2, 'missing terminating ] for character class'],
    ['[]', 2, 'missing terminating ] for character class'],
    // nginx: `proxy_cookie_flags ~*x ...` compiles the regex "*x"
    ['*x', 0, 'quantifier does not follow a repeatable item'],
    ['a**', 2, 'quantifier does not follow a repeatable item'],
    ['^*', 1, 'quantifier does not follow a repeatable item'],
    ['\\b*', 2, 'quantifier does not follow a repeatable item'],
    ['a{2}{3}', 6, 'quantifier does not follow a repeatable item'],
    ['(?i)*', 4, 'quantifier does not follow a repeatable item'],
    ['(*)', 1, 'quantifier does not follow a repeatable item'],
    ['x{2,1}', 5, 'numbers out of order in {} quantifier'],
    ['x{65536}', 7, 'number too big in {} quantifier'],
    ['\\', 1, '\\ at end of pattern'],
    ['\\c', 2, '\\c at end of pattern'],
    ['\\q', 1, 'unrecognized character follows \\'],
    ['\\u', 2, 'PCRE2 does not support \\F, \\L, \\l, \\N{name}, \\U, or \\u'],
    ['\\x{100}', 6, 'character code point value in \\x{} or \\o{} is too large'],
    ['\\x{}', 3, 'digits missing in \\x{} or \\o{} or \\N{U+}'],
    ['\\x{41', 4, 'non-hex character in \\x{} (closing brace missing?)'],
    ['\\o', 1, 'missing opening brace after \\o'],
    ['\\400', 4, 'octal value is greater than \\377 in 8-bit non-UTF-8 mode'],
    ['\\g', 2, '\\g is not followed by a braced, angle-bracketed, or quoted name/number or by a plain number'],
    ['\\k', 2, '\\k is not followed by a braced, angle-bracketed, or quoted name'],
    ['(a)\\2', 4, 'reference to non-existent subpattern'],
    ['(a)\\g{-2}', 5, 'reference to non-existent subpattern'],
    ['x\\k{zz}', 4, 'reference to non-existent subpattern'],
    ['(?P<a>x)(?P=b)', 12, 'reference to non-existent subpattern'],
    ['(?<a>x)(?<a>y)', 12, 'two named subpatterns have the same name (PCRE2_DUPNAMES not set)'],
    ['(?<1a>x)', 3, 'subpattern name must start with a non-digit'],
    ['(?<>x)', 3, 'subpattern name expected'],
    ['(?<a-b>x)', 4, 'syntax error in subpattern name (missing terminator?)'],
    ['(?z)', 2, 'unrecognized character after (? or (?-'],
    ['(?^-i)', 3, 'invalid hyphen in option setting'],
    ['(?#abc', 6, 'missing ) after (?# comment'],
    ['[z-a]', 3, 'range out of order in character class'],
    ['[\\d-a]', 3, 'invalid range in character class'],
    ['[[:foo:]]', 3, 'unknown POSIX class name'],
    ['[:alpha:]', 0, 'POSIX named classes are supported only within a class'],
    ['[[.a.]]', 1, 'POSIX collating elements are not supported'],
    ['[\\R]', 2, 'escape sequence is invalid in character class'],
    ['[\\N]', 3, '\\N is not supported in a class'],
    ['(?=\\K)', 6, '\\K is not allowed in lookarounds (but see PCRE2_EXTRA_ALLOW_LOOKAROUND_BSK)'],
    ['(*FOO)', 5, '(*VERB) not recognized or malformed'],
    ['(*plax:a)', 6, '(*alpha_assertion) not recognized'],
    ['(?+x)', 2, 'digit expected after (?+ or (?-'],
  ])('%j at %i: %s', (pattern, offset, message) => {
    expect(errorOf(pattern, PCRE)).toEqual({ message, offset, code: 'syntax' });
  });

  it('offsets index the pattern string, not its UTF-8 bytes', () => {
    // PCRE2 reports byte offset 3 for "é)" ... here: the offset of ")" in the string
    expect(errorOf('é)', PCRE)).toMatchObject({ message: 'unmatched closing parenthesis', offset: 1 });
  });

  it('too deep nesting is refused like PCRE2 (limit 250)', () => {
    expect(errorOf('('.repeat(300) + ')'.repeat(300), PCRE).message).toBe('parentheses are too deeply nested');
  });
});

describe('lookbehind must be fixed length per top-level alternative', () => {
  it.each([
    ['(?<=a+)x', 0],
    ['ab(?<=a+)x', 2],
    ['(?<=(a|bc))x', 0],
    ['(?<=a(b|cd))x', 0],
    ['(?<=\\R)', 0],
    ['(a|bc)(?<=\\1)x', 6],
    ['(?|a)(?<!\\1)', 5], // with a branch reset group no back-reference counts as fixed
  ])('%j is refused at %i', (pattern, offset) => {
    expect(errorOf(pattern, APACHE)).toEqual({ message: 'lookbehind assertion is not fixed length', offset, code: 'lookbehind-not-fixed-length' });
  });

  it.each(['(?<=a|bc)x', '(?<=(?:ab|cd))x', '(?<=\\d{2})x', '(?<=a(?=b)b)x', '(a)(?<=\\1)x', '(?<=\\C)x', '(?<=^|;)x'])('%j is accepted', (pattern) => {
    expect(() => errorOf(pattern, APACHE)).toThrow(/compiled/);
  });
});
