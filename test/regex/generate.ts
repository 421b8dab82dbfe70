/**
 * Random patterns and subjects for the differential tests: small alphabets so that patterns and
 * subjects actually interact, every construct of each flavor, and a sprinkling of stray
 * metacharacters so that syntax errors are compared too.
 */
import fc from 'fast-check';

/** Characters subjects are made of (the PCRE flavor also gets non-ASCII and NEL/NBSP bytes). */
const SUBJECT_CHARS = ['a', 'b', 'c', 'A', 'B', '-', '=', ';', ' ', '\n', '_', '1', '.'];

function seqOf(atom: fc.Arbitrary<string>, maxLength: number): fc.Arbitrary<string> {
  return fc.array(atom, { minLength: 0, maxLength }).map((parts) => parts.join(''));
}

function withQuantifier(atom: fc.Arbitrary<string>, quantifiers: readonly string[], suffixes: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(atom, fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 2, arbitrary: fc.constantFrom(...quantifiers) }), fc.constantFrom(...suffixes))
    .map(([a, q, s]) => (q ? a + q + s : a));
}

const PCRE_LITERALS = ['a', 'b', 'c', 'A', '-', '=', ';', ' ', '\\n', '\\.', '\\-', '_', '1', '\\x41', '\\101', '\\cA', '\\e', '\\t', '\\$', '\\Q.*\\E', 'é', '\\xe9', '\\x{85}'];
const PCRE_TYPES = ['.', '\\d', '\\D', '\\w', '\\W', '\\s', '\\S', '\\h', '\\H', '\\v', '\\V', '\\R', '\\N', '\\C'];
const PCRE_ASSERTS = ['^', '$', '\\b', '\\B', '\\A', '\\z', '\\Z', '\\G', '\\K'];
const PCRE_CLASSES = ['[abc]', '[^a]', '[a-c]', '[^-=]', '[]a]', '[\\d;]', '[[:alpha:]]', '[[:^upper:]-]', '[\\w-]', '[A-Z]', '[\\x00-\\x40]', '[^\\n]', '[\\s\\S]', '[é]', '[.]', '[a-]', '[\\Q]\\E]'];
const PCRE_SETTINGS = ['(?i)', '(?-i)', '(?s)', '(?m)', '(?x)', '(?-s)', '(?U)', '(?n)', '(?^)', '(?xx)'];
const PCRE_STRAY = ['(', ')', '[', '*', '+', '?', '{', '}', '\\', '|', '{2,1}', '\\q', '\\8', '(?<=a+)', '[z-a]', '\\k<zz>', '(?P=zz)', '\\g{-9}', '(?#c)'];
const PCRE_QUANTIFIERS = ['*', '+', '?', '{2}', '{1,3}', '{2,}', '{0}', '{0,1}', '{,2}'];
const PCRE_BACKREFS = ['\\1', '\\2', '\\g{-1}', '\\g1', '\\k<n>', '(?P=n)', '\\k{n}'];

/** PCRE patterns (as typed in a config file; non-ASCII characters are UTF-8 encoded by the engine). */
export function pcrePattern(): fc.Arbitrary<string> {
  const { regex } = fc.letrec<{ regex: string; atom: string; fixed: string }>((tie) => ({
    regex: fc
      .array(seqOf(tie('atom'), 4), { minLength: 1, maxLength: 3 })
      .map((alts) => alts.join('|')),
    fixed: fc.array(fc.constantFrom('a', 'b', '\\d', '.', '[ab]', 'ab', '(?:a|b)', '(a)', '\\b', '(?:ab|cd)', 'a{2}', 'a|bc', 'a+'), { minLength: 1, maxLength: 2 }).map((p) => p.join('')),
    atom: fc.oneof(
      { weight: 8, arbitrary: withQuantifier(fc.constantFrom(...PCRE_LITERALS, ...PCRE_TYPES, ...PCRE_CLASSES), PCRE_QUANTIFIERS, ['', '', '?', '+']) },
      { weight: 2, arbitrary: fc.constantFrom(...PCRE_ASSERTS) },
      { weight: 1, arbitrary: fc.constantFrom(...PCRE_SETTINGS) },
      { weight: 1, arbitrary: fc.constantFrom(...PCRE_BACKREFS) },
      {
        weight: 4,
        arbitrary: withQuantifier(
          fc.tuple(fc.constantFrom('(', '(?:', '(?>', '(?=', '(?!', '(?<n>', '(?i:', '(?-i:', '(?|', "(?'n'", '(?s:', '(*pla:', '(?m:'), tie('regex')).map(([open, body]) => `${open}${body})`),
          PCRE_QUANTIFIERS,
          ['', '', '?', '+'],
        ),
      },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom('(?<=', '(?<!'), tie('fixed')).map(([open, body]) => `${open}${body})`) },
    ),
  }));
  return withStray(regex, PCRE_STRAY);
}

/** Mostly well-formed patterns; one in five gets a stray metacharacter (or other mistake) inserted somewhere. */
function withStray(regex: fc.Arbitrary<string>, stray: readonly string[]): fc.Arbitrary<string> {
  const spoiled = fc
    .tuple(regex, fc.constantFrom(...stray), fc.nat())
    .map(([r, s, at]) => {
      const i = at % (r.length + 1);
      return r.slice(0, i) + s + r.slice(i);
    });
  return fc.oneof({ weight: 4, arbitrary: regex }, { weight: 1, arbitrary: spoiled });
}

/** Byte-string subjects for the PCRE flavor. */
export function pcreSubject(maxLength = 12): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom(...SUBJECT_CHARS, '\xe9', '\xc3', '\x85', '\xa0', '\x0b'), { maxLength }).map((c) => c.join(''));
}

const ES_LITERALS = ['a', 'b', 'c', 'A', '-', '=', ';', ' ', '\\n', '\\.', '\\-', '_', '1', '\\x41', '\\u0061', '\\cA', '\\0', '\\t', '\\$', ']', '}', '{', '\\k', '\\c', '\\8', '\\x4', 'é', '\\u00e9', '\\/', '\\a'];
const ES_TYPES = ['.', '\\d', '\\D', '\\w', '\\W', '\\s', '\\S'];
const ES_ASSERTS = ['^', '$', '\\b', '\\B'];
const ES_CLASSES = ['[abc]', '[^a]', '[a-c]', '[^-=]', '[]', '[^]', '[\\d;]', '[\\w-]', '[A-Z]', '[\\x00-\\x40]', '[^\\n]', '[\\s\\S]', '[é]', '[.]', '[a-]', '[\\b]', '[\\c1]', '[\\d-z]', '[\\1]', '[\\-]'];
const ES_STRAY = ['(', ')', '[', '*', '+', '?', '{2,1}', '\\', '|', '(?i)', '(?<=a)', '(?<n>a)', '[z-a]', '{1}', 'a**'];
const ES_QUANTIFIERS = ['*', '+', '?', '{2}', '{1,3}', '{2,}', '{0}', '{0,1}', '{,2}'];

/** ECMAScript patterns (Annex B, non-unicode). */
export function ecmaPattern(): fc.Arbitrary<string> {
  const { regex } = fc.letrec<{ regex: string; atom: string }>((tie) => ({
    regex: fc.array(seqOf(tie('atom'), 4), { minLength: 1, maxLength: 3 }).map((alts) => alts.join('|')),
    atom: fc.oneof(
      { weight: 8, arbitrary: withQuantifier(fc.constantFrom(...ES_LITERALS, ...ES_TYPES, ...ES_CLASSES), ES_QUANTIFIERS, ['', '', '?']) },
      { weight: 2, arbitrary: fc.constantFrom(...ES_ASSERTS) },
      { weight: 1, arbitrary: fc.constantFrom('\\1', '\\2', '\\3', '\\10') },
      {
        weight: 4,
        arbitrary: withQuantifier(
          fc.tuple(fc.constantFrom('(', '(?:', '(?=', '(?!'), tie('regex')).map(([open, body]) => `${open}${body})`),
          ES_QUANTIFIERS,
          ['', '', '?'],
        ),
      },
    ),
  }));
  return withStray(regex, ES_STRAY);
}

/** Subjects for the ECMAScript flavor (UTF-16 strings, with some non-ASCII and line terminators). */
export function ecmaSubject(maxLength = 12): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom(...SUBJECT_CHARS, 'é', 'É', '\r', '\u2028', '\u00a0', '\u212a', 'k', 'K', 'ſ', 's'), { maxLength }).map((c) => c.join(''));
}
