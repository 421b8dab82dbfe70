/**
 * The tokenizer against nginx's `ngx_conf_read_token` rules (proxy-semantics.md §2.7). The same
 * inputs are checked against the real nginx in real-server.test.ts ("lexer oracle").
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenReader, unescapeNginx } from '../../src/dialects/nginx/lexer.js';
import { parseRegion } from '../../src/dialects/nginx/parser.js';
import type { Directive } from '../../src/dialects/nginx/syntax.js';

const F = '/t.conf';

function statements(text: string): { words: string[]; end: string }[] {
  const r = new TokenReader(text, F, 0, text.length);
  const out: { words: string[]; end: string }[] = [];
  for (let i = 0; i < 100; i++) {
    const st = r.readStatement();
    out.push({ words: st.words.map((w) => w.value), end: st.end });
    if (st.end === 'eof') break;
  }
  return out;
}

function errorsOf(text: string): { message: string; at: string }[] {
  return parseRegion(text, F).errors.map((e) => ({ message: e.message, at: `${e.span.start}-${e.span.end}` }));
}

function firstArgs(text: string): string[] {
  const d = parseRegion(text, F).directives[0] as Directive;
  return [d.name.value, ...d.args.map((a) => a.value)];
}

describe('nginx lexer', () => {
  it('ends statements at ";" and opens and closes blocks', () => {
    expect(statements('a b;\nc {\n d;\n}\n')).toEqual([
      { words: ['a', 'b'], end: 'semicolon' },
      { words: ['c'], end: 'block-start' },
      { words: ['d'], end: 'semicolon' },
      { words: [], end: 'block-end' },
      { words: [], end: 'eof' },
    ]);
  });

  it('keeps a span on every token, raw and unescaped, with its quote kind', () => {
    const text = `add_header X "a\\"b" 'c';`;
    const d = parseRegion(text, F).directives[0]!;
    const x = d.args[1]!;
    expect([x.quote, x.raw, x.value, text.slice(x.span.start, x.span.end), text.slice(x.inner.start, x.inner.end)]).toEqual(['"', 'a\\"b', 'a"b', '"a\\"b"', 'a\\"b']);
    expect(d.args[2]!.quote).toBe("'");
    expect(text.slice(d.span.start, d.span.end)).toBe(text);
  });

  it('starts a comment only at the start of a token', () => {
    expect(firstArgs('return 200 foo#bar;')).toEqual(['return', '200', 'foo#bar']);
    expect(statements('a #c;\n b;')).toEqual([{ words: ['a', 'b'], end: 'semicolon' }, { words: [], end: 'eof' }]);
    const r = parseRegion('# one\r\nx; # two', F);
    expect(r.comments.map((c) => c.text)).toEqual([' one', ' two']);
  });

  it('recognizes quotes only at the start of a token', () => {
    expect(firstArgs(`x foo"bar" it's;`)).toEqual(['x', 'foo"bar"', "it's"]);
  });

  it('allows only white space, ";", "{" or ")" after a closing quote', () => {
    expect(firstArgs(`if ($a = "x") ;`)).toEqual(['if', '($a', '=', 'x', ')']);
    expect(statements(`x "a"{`)[0]!.end).toBe('block-start');
    expect(errorsOf(`x "a"b;`)).toEqual([{ message: 'unexpected "b"', at: '5-6' }]);
    expect(errorsOf(`x "a"#c\n;`)).toEqual([{ message: 'unexpected "#"', at: '5-6' }]);
  });

  it('lets quoted strings span lines', () => {
    expect(firstArgs('x "a\nb";')).toEqual(['x', 'a\nb']);
  });

  it('unescapes like nginx: \\" \\\' \\\\ \\t \\r \\n, any other backslash kept', () => {
    expect(unescapeNginx('\\"\\\'\\\\\\t\\r\\n')).toBe('"\'\\\t\r\n');
    expect(unescapeNginx('\\d\\.\\;\\ ')).toBe('\\d\\.\\;\\ ');
    expect(firstArgs('x a\\;b c\\ d "\\d+";')).toEqual(['x', 'a\\;b', 'c\\ d', '\\d+']);
    expect(firstArgs('x \\"a;')).toEqual(['x', '"a']);
  });

  it('does not open a block at "${"', () => {
    expect(firstArgs('set $a ${b}c;')).toEqual(['set', '$a', '${b}c']);
    expect(statements('x a{b;')[0]).toEqual({ words: ['x', 'a'], end: 'block-start' });
  });

  it('ends an unquoted token at "{" or ";", keeps "}" inside it', () => {
    expect(statements('x ^/a{2}$;')[0]).toEqual({ words: ['x', '^/a'], end: 'block-start' });
    expect(firstArgs('x a}b;')).toEqual(['x', 'a}b']);
    expect(statements('x a;b;').slice(0, 2)).toEqual([
      { words: ['x', 'a'], end: 'semicolon' },
      { words: ['b'], end: 'semicolon' },
    ]);
  });

  it('reports stray terminators where they are', () => {
    expect(errorsOf('a;\n;')).toEqual([{ message: 'unexpected ";"', at: '3-4' }]);
    expect(errorsOf('{ }')).toEqual([{ message: 'unexpected "{"', at: '0-1' }]);
    expect(errorsOf('a b }')).toEqual([{ message: 'unexpected "}"', at: '4-5' }]);
    expect(errorsOf('a;\n}')).toEqual([{ message: 'unexpected "}"', at: '3-4' }]);
  });

  it('reports unbalanced braces and unterminated statements and strings at their position', () => {
    expect(errorsOf('http {\n server {\n }\n')).toEqual([{ message: 'unexpected end of file, expecting "}": the block opened here is never closed', at: '5-6' }]);
    expect(errorsOf('a b')).toEqual([{ message: 'unexpected end of file, expecting ";" or "}"', at: '3-3' }]);
    expect(errorsOf('a "b;\n')).toEqual([{ message: 'unexpected end of file, expecting ";" or "}": the quoted string that starts here is never closed', at: '2-3' }]);
  });

  it('refuses a token that does not end within 4096 bytes', () => {
    const long = 'x'.repeat(5000);
    expect(errorsOf(`a ${long};`)[0]!.message).toBe('too long parameter "xxxxxxxxxx..." started');
    expect(errorsOf(`a "${long}";`)[0]!.message).toBe('too long parameter, probably missing terminating """ character');
    expect(errorsOf(`a ${'x'.repeat(4000)};`)).toEqual([]);
  });

  it('reads *_by_lua_block bodies with the Lua lexer', () => {
    const lua = `header_filter_by_lua_block {\n  local s = "}" .. '{' -- } comment\n  --[[ } ]] local t = [==[ } ]==]\n  if x then y = {} end\n}\nnext;`;
    const r = parseRegion(lua, F);
    expect(r.errors).toEqual([]);
    expect(r.directives.map((d) => d.name.value)).toEqual(['header_filter_by_lua_block', 'next']);
    expect(r.directives[0]!.lua!.code).toContain('if x then y = {} end');
    expect(parseRegion('header_filter_by_lua_block { a = "x', F).errors[0]!.message).toBe('unexpected end of file, expecting terminating characters for lua code block');
  });

  it('never throws or hangs, and keeps spans inside the text', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', ' ', '\n', '\r', ';', '{', '}', '"', "'", '\\', '#', '$', ')', '(', '_by_lua_block', 'x', '[[', ']]', '--'), { maxLength: 60 }), (parts) => {
        const text = parts.join('');
        const r = parseRegion(text, F);
        const spans = [...r.errors.map((e) => e.span), ...r.comments.map((c) => c.span)];
        for (const s of spans) expect(s.start >= 0 && s.end <= text.length && s.start <= s.end).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
