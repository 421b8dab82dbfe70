/**
 * The HAProxy tokenizer and parser against `parse_line()`'s rules (src/tools.c, HAProxy 2.6),
 * and detection of HAProxy files by name and content.
 */
import { describe, expect, it } from 'vitest';
import { detectDialect } from '../../src/dialects/detect.js';
import { lexLine } from '../../src/dialects/haproxy/lexer.js';
import { evalCondition, parseConfig } from '../../src/dialects/haproxy/parser.js';

const env = (vars: Record<string, string> = {}) => (n: string) => vars[n];
const words = (line: string, vars: Record<string, string> = {}) => lexLine('f', line, 0, line.length, env(vars));

describe('haproxy lexer', () => {
  it('splits on unquoted white space and concatenates quoted parts', () => {
    expect(words(`  a "b c"d'e f'  g`).words.map((w) => w.value)).toEqual(['a', 'b cde f', 'g']);
  });

  it('unescapes like parse_line: \\<space> \\\\ \\# \\" \\t \\xHH, keeps other pairs', () => {
    expect(words(String.raw`a\ b c\\d \#e \"f\" \t \x41 \1 \.`).words.map((w) => w.value)).toEqual(['a b', 'c\\d', '#e', '"f"', '\t', 'A', '\\1', '\\.']);
  });

  it('keeps everything inside single quotes', () => {
    expect(words(String.raw`'\1 # $X \x41'`).words.map((w) => w.value)).toEqual([String.raw`\1 # $X \x41`]);
  });

  it('starts a comment at an unquoted # anywhere, even inside a word', () => {
    const line = words('a b#c "d#" e');
    expect(line.words.map((w) => w.value)).toEqual(['a', 'b']);
    expect(line.comment?.text).toBe('c "d#" e');
    expect(words('"x#y" # z').words.map((w) => w.value)).toEqual(['x#y']);
  });

  it('expands environment variables inside double quotes only, with defaults', () => {
    const line = words('"${A}-$B-${C-dflt}" ${A} \'${A}\' "\\$A"', { A: 'one', B: 'two' });
    expect(line.words.map((w) => w.value)).toEqual(['one-two-dflt', '${A}', '${A}', '$A']);
    expect(line.words.map((w) => w.substituted)).toEqual([true, false, false, false]);
  });

  it('reports errors at HAProxy\'s positions', () => {
    expect(words('x "abc').error).toEqual({ message: 'unmatched quote', offset: 2 });
    expect(words('x \\xZZ').error).toEqual({ message: 'truncated or invalid hexadecimal sequence', offset: 2 });
    // haproxy 2.6.12: `"^(.*)$"` → "forbidden first char in environment variable name" at the closing quote.
    expect(words('x "^(.*)$"').error).toEqual({ message: 'forbidden first char in environment variable name', offset: 9 });
  });

  it('maps every value character back to the raw text (for in-place fixes)', () => {
    const w = words(`x '^(a)'"b"`).words[1]!;
    expect(w.value).toBe('^(a)b');
    expect(w.rawAt).toEqual([3, 4, 5, 6, 9, 11]);
    expect(w.contextAt.slice(0, 5)).toEqual(['single', 'single', 'single', 'single', 'double']);
  });
});

describe('haproxy sections and .if blocks', () => {
  const text = `global
  log stdout local0
defaults base
  mode http
.if defined(HARDEN)
frontend a
.elif version_atleast(2.4)
frontend b
.else
frontend c
.endif
.if 0
backend dropped
.elif streq(x,x)
backend kept from base
.endif
`;
  it('evaluates what it can and keeps undecidable blocks as guarded', () => {
    const parsed = parseConfig('f', text, env(), () => undefined);
    expect(parsed.problems).toEqual([]);
    expect(parsed.sections.map((s) => `${s.keyword} ${s.name?.value ?? ''}`)).toEqual(['global ', 'defaults base', 'frontend a', 'frontend b', 'backend kept']);
    expect(parsed.sections[2]!.header.guards).toEqual(['.if defined(HARDEN)']);
    expect(parsed.sections[4]!.from?.value).toBe('base');
    const decided = parseConfig('f', text, env(), (n) => (n === 'HARDEN' ? true : undefined));
    expect(decided.sections.map((s) => s.name?.value ?? '')).toEqual(['', 'base', 'a', 'kept']);
  });

  it('decides conditions like cfg_eval_condition for HAProxy 2.6', () => {
    const w = (s: string) => words(s).words;
    expect(evalCondition(w('version_atleast(2.6) && !version_before(2.0)'), () => undefined)).toBe(true);
    expect(evalCondition(w('1 || defined(X)'), () => undefined)).toBe(true);
    expect(evalCondition(w('defined(X) && 0'), () => undefined)).toBe(false);
    expect(evalCondition(w('defined(X)'), () => undefined)).toBe('unknown');
  });

  it('reports unbalanced blocks and statements outside sections', () => {
    const parsed = parseConfig('f', '.endif\nmode http\n.if 1\n', env(), () => undefined);
    expect(parsed.problems.map((p) => p.message)).toEqual(["lone '.endif' with no matching '.if'.", "unknown keyword 'mode' out of section.", "unterminated '.if' block."]);
  });

  it('reports a broken line even in a block it drops, as HAProxy does', () => {
    const parsed = parseConfig('f', '.if 0\n  foo "unclosed\n.endif\n', env(), () => undefined);
    expect(parsed.problems.map((p) => p.message)).toEqual(['unmatched quote.']);
  });
});

describe('haproxy detection', () => {
  it('by file name', () => {
    expect(detectDialect('/etc/haproxy/haproxy.cfg', '')).toBe('haproxy');
    expect(detectDialect('edge.haproxy', '')).toBe('haproxy');
  });

  it('by content, one line being enough', () => {
    expect(detectDialect('x.conf', 'http-response replace-header Set-Cookie (.*) "\\1; HttpOnly"\n')).toBe('haproxy');
    expect(detectDialect('x.conf', 'frontend www\n    bind :80\n    default_backend app\n')).toBe('haproxy');
    expect(detectDialect('x.conf', 'server {\n    listen 80;\n}\n')).toBe('nginx');
    expect(detectDialect('x.conf', 'Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n')).toBe('apache');
  });
});
