/**
 * The config reader against httpd's rules (server/util.c `ap_cfg_getline_core`, `cfg_trim_line`,
 * `ap_getword_conf`, `substring_conf`; server/core.c `ap_resolve_env`). Cases marked [LAB] are
 * also checked on the real server in real-server-errors.test.ts / real-server-cases.ts.
 */
import { describe, expect, it } from 'vitest';
import { lineOffset, readLogicalLines } from '../../src/dialects/apache/lexer.js';
import { expandLine, splitWords } from '../../src/dialects/apache/words.js';
import { createSourceFile } from '../../src/source.js';

function lines(text: string) {
  return readLogicalLines(createSourceFile('/t.conf', text));
}

function words(text: string, vars: Record<string, string> = {}) {
  const [line] = lines(text);
  return splitWords(expandLine(line!, (n) => vars[n]));
}

describe('logical lines', () => {
  it('joins a line ending in a backslash with the next one, removing both', () => {
    const [l] = lines('Header edit \\\nSet-Cookie x y\n');
    expect(l!.text).toBe('Header edit Set-Cookie x y');
    // every character maps back to the file
    const text = 'Header edit \\\nSet-Cookie x y\n';
    expect([...l!.text].every((c, i) => text[lineOffset(l!, i)] === c)).toBe(true);
  });

  it('accepts CR LF after the backslash and strips CR LF line ends', () => {
    expect(lines('A \\\r\nB\r\nC\r\n').map((l) => l.text)).toEqual(['A B', 'C']);
  });

  it('does not continue when white space follows the backslash', () => {
    expect(lines('A \\ \nB\n').map((l) => l.text)).toEqual(['A \\', 'B']);
  });

  it('resolves continuation before comments: a # line ending in \\ swallows the next line [LAB]', () => {
    const ls = lines('# note \\\nHeader set X y\nB\n');
    expect(ls.map((l) => [l.text, l.isComment])).toEqual([
      ['# note Header set X y', true],
      ['B', false],
    ]);
  });

  it('does not continue the last line when it has no line feed', () => {
    expect(lines('A \\').map((l) => l.text)).toEqual(['A \\']);
  });

  it('trims leading and trailing white space, including vertical tab and form feed', () => {
    expect(lines(' \t\v\fA b \f\n').map((l) => l.text)).toEqual(['A b']);
  });

  it('ends a line at NUL like a C string, without continuation', () => {
    expect(lines('A b\0c \\\nD\n').map((l) => l.text)).toEqual(['A b', 'D']);
  });

  it('treats a lone CR as white space inside a line (lines end at LF only)', () => {
    expect(lines('A\rB\nC').map((l) => l.text)).toEqual(['A\rB', 'C']);
  });

  it('skips blank lines and keeps full-line comments only', () => {
    const ls = lines('\n   \n  # c1\nHeader set X "#" # not a comment\n');
    expect(ls.map((l) => l.isComment)).toEqual([true, false]);
    expect(ls[1]!.text).toBe('Header set X "#" # not a comment');
  });

  it('records where the first physical line starts and the last one ends', () => {
    const text = '  A \\\n  B\r\nC';
    const [l] = lines(text);
    expect(l!.lineStart).toBe(0);
    expect(text.slice(l!.lineEnd)).toBe('\r\nC');
  });
});

describe('words', () => {
  it('splits on white space; a trailing "#" and text are arguments, not a comment', () => {
    expect(words('Header edit Set-Cookie ^(.*)$ $1;HttpOnly # x').map((w) => w.value)).toEqual(['Header', 'edit', 'Set-Cookie', '^(.*)$', '$1;HttpOnly', '#', 'x']);
  });

  it('unescapes only \\\\ and \\<quote> inside quotes', () => {
    const [, a, b] = words(String.raw`X "a\"b\\c\d\'" 'e\'f\"'`);
    expect(a!.value).toBe(String.raw`a"b\c\d\'`);
    expect(b!.value).toBe(String.raw`e'f\"`);
    expect(a!.quote).toBe('"');
    expect(a!.raw).toBe(String.raw`"a\"b\\c\d\'"`);
  });

  it('unescapes only \\\\ in unquoted words', () => {
    expect(words(String.raw`X a\\b\.c\"d`)[1]!.value).toBe(String.raw`a\b\.c\"d`);
  });

  it('runs an unterminated quote to the end of the line', () => {
    const w = words('X "a b c');
    expect(w.map((x) => x.value)).toEqual(['X', 'a b c']);
  });

  it('starts the next word right after a closing quote [LAB]', () => {
    expect(words('X "a"b \'c\'"d"').map((w) => w.value)).toEqual(['X', 'a', 'b', 'c', 'd']);
  });

  it('keeps quotes in the middle of a word literally', () => {
    expect(words('X a"b c"d').map((w) => w.value)).toEqual(['X', 'a"b', 'c"d']);
  });

  it('gives every word its file span, quotes included', () => {
    const text = 'Header  edit "a b"';
    const w = words(text);
    expect(w.map((x) => text.slice(x.span.start, x.span.end))).toEqual(['Header', 'edit', '"a b"']);
  });

  it('substitutes ${VAR} on the whole line before splitting: a value with spaces makes several words', () => {
    const w = words('Header edit Set-Cookie ^(.*)$ ${REPL} ${NOPE} ${a:b}', { REPL: '"$1; HttpOnly" env=x' });
    expect(w.map((x) => x.value)).toEqual(['Header', 'edit', 'Set-Cookie', '^(.*)$', '$1; HttpOnly', 'env=x', '${NOPE}', '${a:b}']);
    expect(w.map((x) => x.substituted)).toEqual([false, false, false, false, true, true, false, false]);
  });

  it('points substituted words at the ${VAR} reference in the file', () => {
    const text = 'A x${V}y';
    const w = words(text, { V: '1 2' });
    expect(w.map((x) => [x.value, text.slice(x.span.start, x.span.end)])).toEqual([
      ['A', 'A'],
      ['x1', 'x${V}'],
      ['2y', '${V}y'],
    ]);
  });

  it('does not rescan substituted values and leaves $1 and a lone $ alone', () => {
    expect(words('A ${V} $1 $ ${', { V: '${W}', W: 'no' }).map((w) => w.value)).toEqual(['A', '${W}', '$1', '$', '${']);
  });
});
