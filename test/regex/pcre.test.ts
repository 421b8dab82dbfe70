/**
 * PCRE flavor: behaviour of each construct as PCRE2 10.42 (Apache 2.4, nginx 1.22 on Debian
 * bookworm) has it. Expectations were checked with pcre2test 10.42.
 */
import { describe, expect, it } from 'vitest';
import { compileRegex, toByteString } from '../../src/regex/index.js';
import { APACHE, NGINX, PCRE, compile, groups, match } from './helpers.js';

const CASELESS = { flavor: 'pcre', caseless: true } as const;

describe('Apache defaults: DOTALL + DOLLAR_ENDONLY', () => {
  it('`.` matches a newline and `$` only matches at the very end', () => {
    expect(groups('^(.*)$', 'a=b\n', APACHE)).toEqual(['a=b\n', 'a=b\n']);
    expect(groups('^(.*)$', 'a=b\n', PCRE)).toEqual(['a=b', 'a=b']);
    expect(match('a$', 'a\n', APACHE)).toBeNull();
    expect(match('a$', 'a\n', PCRE)).toBe('a');
    expect(compile('$', APACHE).exec('x\n')?.start).toBe(2);
    expect(compile('$', PCRE).exec('x\n')?.start).toBe(1);
  });

  it('the recommended exclusion only spares the XSRF cookies (lab transcript §1.3)', () => {
    const re = compile('^(?!(?:atl\\.xsrf\\.token|XSRF-TOKEN)=)(.*)$', APACHE);
    expect(re.test('JSESSIONID=abc; Path=/; Secure')).toBe(true);
    expect(re.test('atl.xsrf.token=tok123; Path=/')).toBe(false);
    expect(re.test('XSRF-TOKEN=x1; path=/app; Expires=Wed, 21 Oct 2037 07:28:00 GMT')).toBe(false);
    expect(re.test('atlaxsrf.token=1')).toBe(true);
    expect(re.test('xsrf-token=1')).toBe(true); // case-sensitive in Apache
    expect(re.exec('JSESSIONID=abc')?.captures[1]).toEqual([0, 14]);
  });

  it('is case-sensitive unless (?i) says otherwise', () => {
    expect(match('path=/app', 'x; Path=/app', APACHE)).toBeNull();
    expect(match('(?i)path=/app', 'x; Path=/app', APACHE)).toBe('Path=/app');
  });
});

describe('exec flags for the edit* loop', () => {
  it('NOTEMPTY_ATSTART rejects only an empty match at the start offset', () => {
    const re = compile('x*', PCRE);
    expect(re.exec('ab', 0, { notEmptyAtStart: true })).toMatchObject({ start: 1, end: 1 });
    expect(re.exec('ab', 0, { notEmptyAtStart: true, anchored: true })).toBeNull();
    expect(re.exec('abc', 3)).toMatchObject({ start: 3, end: 3 });
    expect(re.exec('abc', 3, { notEmptyAtStart: true, anchored: true })).toBeNull();
  });

  it('ANCHORED matches only at the start offset', () => {
    const re = compile('b', PCRE);
    expect(re.exec('ab', 0, { anchored: true })).toBeNull();
    expect(re.exec('ab', 1, { anchored: true })).toMatchObject({ start: 1, end: 2 });
  });

  it('a start offset past the end gives no match', () => {
    expect(compile('', PCRE).exec('ab', 3)).toBeNull();
  });

  it('^ and \\A only match at offset 0, \\G at the start offset', () => {
    expect(compile('^b', PCRE).exec('ab', 1)).toBeNull();
    expect(compile('\\Ab', PCRE).exec('ab', 1)).toBeNull();
    expect(compile('\\Gb', PCRE).exec('ab', 1)).toMatchObject({ start: 1 });
    expect(compile('\\Gb', PCRE).exec('ab', 0)).toBeNull();
  });
});

describe('inline options', () => {
  it('(?i) lasts to the end of its group, including later alternatives', () => {
    expect(match('a(?i)b', 'aB')).toBe('aB');
    expect(match('a(?i)b', 'AB')).toBeNull();
    expect(match('(a(?i)b)c', 'aBc')).toBe('aBc');
    expect(match('(a(?i)b)c', 'aBC')).toBeNull();
    expect(match('(a(?i)b|c)', 'C')).toBe('C');
    expect(match('(?i:a)b', 'Ab')).toBe('Ab');
    expect(match('(?i:a)b', 'AB')).toBeNull();
    expect(match('(?i)(?-i:a)A', 'aa')).toBe('aa');
    expect(match('(?i)(?-i:a)A', 'Aa')).toBeNull();
    expect(match('(?^i)a', 'A')).toBe('A');
    expect(match('(?i)(?^)a', 'A')).toBeNull();
  });

  it('caseless folds ASCII letters only (non-UTF mode)', () => {
    expect(match('é', 'É', CASELESS)).toBeNull();
    expect(match('é', 'é', CASELESS)).toBe('é');
    expect(match('[[:upper:]]', 'a', CASELESS)).toBe('a'); // [:upper:] means [:alpha:] when caseless
    expect(match('[[:^lower:]]', 'a', CASELESS)).toBeNull();
    expect(match('[^a]', 'A', CASELESS)).toBeNull();
    expect(groups('(?i)(a)\\1', 'aA')).toEqual(['aA', 'a']);
  });

  it('nginx compiles cookie selectors caseless', () => {
    const re = compile('^(?!(?:atl\\.xsrf\\.token|XSRF-TOKEN)$)', NGINX);
    expect(re.test('JSESSIONID')).toBe(true);
    expect(re.test('xsrf-token')).toBe(false);
    expect(re.test('ATL.XSRF.TOKEN')).toBe(false);
  });

  it('(?s), (?m), (?x), (?xx), (?n), (?U)', () => {
    expect(match('(?s)a.b', 'a\nb')).toBe('a\nb');
    expect(match('a.b', 'a\nb')).toBeNull();
    expect(match('(?m)^b$', 'a\nb\nc')).toBe('b');
    expect(match('(?x) a b # comment\n c', 'abc')).toBe('abc');
    expect(match('(?x)a\\ b', 'a b')).toBe('a b');
    expect(match('(?x)[ ]', ' ')).toBe(' ');
    expect(match('(?xx)[a b]', ' ')).toBeNull();
    expect(groups('(?n)(a)(?<x>b)', 'ab')).toEqual(['ab', 'b']);
    expect(match('(?U)a+', 'aaa')).toBe('a');
    expect(match('(?U)a+?', 'aaa')).toBe('aaa');
  });
});

describe('lookaround, atomic, possessive', () => {
  it('lookahead keeps captures, negative lookahead does not', () => {
    expect(groups('(?=(a))a', 'a')).toEqual(['a', 'a']);
    expect(groups('(?!(b))a', 'a')).toEqual(['a', undefined]);
    expect(match('foo(?=bar)', 'foobaz foobar')).toBe('foo');
    expect(compile('foo(?=bar)', PCRE).exec('foobaz foobar')?.start).toBe(7);
  });

  it('lookbehind alternatives may differ in length', () => {
    expect(match('(?<=a|bc)x', 'bcx')).toBe('x');
    expect(match('(?<!a)x', 'ax')).toBeNull();
    expect(match('(?<!a)x', 'bx')).toBe('x');
    expect(groups('(a)(?<=\\1)x', 'aax')).toEqual(['ax', 'a']);
    expect(match('(?<=^|;)\\s*x', ' x')).toBe(' x');
  });

  it('atomic groups and possessive quantifiers never give back', () => {
    expect(match('(?>a+)b', 'aab')).toBe('aab');
    expect(match('(?>a+)a', 'aaa')).toBeNull();
    expect(match('a++a', 'aaa')).toBeNull();
    expect(match('a?+a', 'a')).toBeNull();
    expect(match('^(?:a|ab)*+c', 'abc')).toBeNull();
    expect(match('(*atomic:a+)a', 'aa')).toBeNull();
    expect(match('(*pla:a)a', 'a')).toBe('a');
  });

  it('quantified assertions follow PCRE2: {0} never, {0,n} optional, otherwise once', () => {
    expect(match('a(?=b){0}c', 'ac')).toBe('ac');
    expect(match('a(?=b)?c', 'ac')).toBe('ac');
    expect(match('a(?=c){2}c', 'ac')).toBe('ac');
  });
});

describe('quantifiers', () => {
  it.each([
    ['a{2}', 'aaa', 'aa'],
    ['a{2,}', 'aaaa', 'aaaa'],
    ['a{1,2}', 'aaa', 'aa'],
    ['a{,2}', 'a{,2}', 'a{,2}'], // literal in 10.42
    ['x{', 'x{', 'x{'],
    ['x{1,2', 'x{1,2', 'x{1,2'],
    ['ba{0}', 'ba', 'b'],
    ['a+?', 'aaa', 'a'],
    ['a*?b', 'aab', 'aab'],
    ['<.+?>', '<a><b>', '<a>'],
    ['(?:ab)+', 'ababa', 'abab'],
  ])('%s on %s', (pattern, subject, expected) => {
    expect(match(pattern, subject)).toBe(expected);
  });

  it('an unbounded group iteration that matches empty ends the loop (KETRMAX)', () => {
    expect(groups('(a*)*', 'b')).toEqual(['', '']);
    expect(groups('(a|)*b', 'b')).toEqual(['b', '']);
    expect(groups('(?:(a)|b)+', 'ab')).toEqual(['ab', 'a']);
  });
});

describe('groups and back-references', () => {
  it.each([
    ['(a)(b)\\2\\1', 'abba', ['abba', 'a', 'b']],
    ['(?<n>a)\\k<n>', 'aa', ['aa', 'a']],
    ["(?'n'a)\\k'n'", 'aa', ['aa', 'a']],
    ['(?P<n>a)(?P=n)', 'aa', ['aa', 'a']],
    ['(?<n>a)\\k{n}', 'aa', ['aa', 'a']],
    ['(?<n>a)\\g{n}', 'aa', ['aa', 'a']],
    ['(a)\\g1', 'aa', ['aa', 'a']],
    ['(a)\\g{-1}', 'aa', ['aa', 'a']],
    ['(a)(b)\\g-2', 'aba', ['aba', 'a', 'b']],
    ['\\g{+1}(a)', 'aa', null],
    ['(?|(a)|(b))', 'b', ['b', 'b']],
    ['(?|(a)|(b)(c))', 'bc', ['bc', 'b', 'c']],
  ] as const)('%s on %s', (pattern, subject, expected) => {
    expect(groups(pattern, subject)).toEqual(expected);
  });

  it('a back-reference to an unset group fails', () => {
    expect(groups('(a)?b\\1', 'b')).toBeNull();
    expect(groups('(a)|b\\1', 'b')).toBeNull();
  });

  it('\\10 is octal until ten groups have been opened', () => {
    expect(match('(a)\\10', 'a\x08')).toBe('a\x08');
    expect(groups('(a)(a)(a)(a)(a)(a)(a)(a)(a)(a)\\10', 'aaaaaaaaaaa')?.[0]).toBe('aaaaaaaaaaa');
  });

  it('reports group names and count', () => {
    const re = compile('(a)(?<name>b)(?:c)', PCRE);
    expect(re.groupCount).toBe(2);
    expect([...re.groupNames]).toEqual([['name', 2]]);
  });
});

describe('escapes and character types (non-UCP ASCII semantics)', () => {
  it.each([
    ['\\x41', 'A'],
    ['\\x{41}', 'A'],
    ['\\101', 'A'],
    ['\\o{101}', 'A'],
    ['\\cA', '\x01'],
    ['\\c1', 'q'],
    ['\\e', '\x1b'],
    ['\\a', '\x07'],
    ['\\0', '\0'],
    ['\\t\\n\\r\\f', '\t\n\r\f'],
    ['\\Q.*\\E', '.*'],
    ['a\\Q\\E+', 'aa'],
    ['\\x', '\0'],
    ['\\$', '$'],
  ])('%s', (pattern, subject) => {
    expect(match(pattern, subject)).toBe(subject);
  });

  it('\\s is [\\t\\n\\v\\f\\r ], \\h and \\v are horizontal/vertical white space', () => {
    for (const c of ['\t', '\n', '\v', '\f', '\r', ' ']) expect(match('\\s', c)).toBe(c);
    expect(match('\\s', '\xa0')).toBeNull();
    expect(compile('\\h', PCRE).test('\xa0')).toBe(true); // byte 0xa0 in a byte subject
    expect(compile('\\v', PCRE).test('\x85')).toBe(true);
    expect(match('\\v', '\n')).toBe('\n');
    expect(match('\\v', 'v')).toBeNull();
    expect(match('\\h', '\t')).toBe('\t');
    expect(match('\\R', '\r\n')).toBe('\r\n');
    expect(match('\\N', '\n')).toBeNull();
    expect(match('(?s)\\N', '\n')).toBeNull();
  });

  it('\\d and \\w are ASCII; bytes of UTF-8 characters are not word characters', () => {
    expect(match('\\w+', 'naïve')).toBe('na');
    expect(match('\\d', '٣')).toBeNull();
    expect(match('\\bé', ' é')).toBeNull();
    expect(match('\\Bé', ' é')).toBe('é');
    expect(match('\\Bé', 'aé')).toBeNull();
  });

  it('non-ASCII pattern characters are UTF-8 byte sequences', () => {
    expect(match('é+', 'éé')).toBe('é');
    expect(match('(?:é)+', 'éé')).toBe('éé');
    expect(match('[é]', 'é')).not.toBeNull();
    expect(compile('[é]{2}', PCRE).exec(toByteString('é'))).toMatchObject({ start: 0, end: 2 });
  });

  it('anchors', () => {
    expect(compile('\\z', PCRE).exec('a\n')?.start).toBe(2);
    expect(compile('\\Z', PCRE).exec('a\n')?.start).toBe(1);
    expect(compile('(?m)^', PCRE).exec('a\n', 1)).toBeNull(); // no ^ after a final newline
    expect(compile('(?m)$', PCRE).exec('a\nb')?.start).toBe(1);
    expect(match('\\bb', 'a b')).toBe('b');
  });

  it('\\K moves the reported start', () => {
    expect(compile('foo\\Kbar', PCRE).exec('foobar')).toMatchObject({ start: 3, end: 6 });
  });
});

describe('character classes', () => {
  it.each([
    ['[]a]', ']'],
    ['[^]a]', 'b'],
    ['[a-]', '-'],
    ['[\\d-]', '-'],
    ['[%--]', '+'],
    ['[a-z-0]', '0'],
    ['[[:alpha:][:digit:]]', '7'],
    ['[[:^alpha:]]', '7'],
    ['[[:punct:]]', '!'],
    ['[\\Q]\\E]', ']'],
    ['[\\b]', '\b'],
    ['[\\x{41}-\\x{43}]', 'B'],
    ['[\\g]', 'g'],
    ['[\\8]', '8'],
    ['[\\1]', '\x01'],
    ['[a\\E-c]', 'b'],
  ])('%s matches %j', (pattern, subject) => {
    expect(match(pattern, subject)).toBe(subject);
  });

  it('a negated class matches any byte, newline included', () => {
    expect(match('[^a]', '\n')).toBe('\n');
  });
});

describe('refused as unsupported (valid PCRE, not simulated)', () => {
  it.each(['(?R)', '(a)(?1)', '(?(1)a|b)', '(*ACCEPT)', '(*UTF)a', '\\X', '\\p{bc:L}', '(?C1)', '(?J)(?<a>x)', '\\g<1>(a)', '(?&n)(?<n>a)', '(*napla:a)', '(?*a)', '(?<*a)'])(
    '%s',
    (pattern) => {
      const r = compileRegex(pattern, PCRE);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('unsupported');
    },
  );
});

describe('comments', () => {
  it('(?#...) is ignored, even between an item and its quantifier', () => {
    expect(match('a(?#x)b', 'ab')).toBe('ab');
    expect(match('a(?#c)*', 'aaa')).toBe('aaa');
    expect(match('(?x)a#c\n+', 'aa')).toBe('aa');
  });
});
