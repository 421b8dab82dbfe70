/**
 * mod_macro (modules/core/mod_macro.c): `<Macro>` bodies are expanded at each `Use`, with
 * parameters substituted textually (earliest occurrence first, the longest on a tie, `@`
 * parameters quoted), nested `Use`s expanded, `UndefMacro` honoured; every character of an
 * expanded line keeps its place in the file. Errors are `refused` problems in httpd's words, and
 * the same configurations make the real `apache2 -t` fail with those words.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseApache } from '../../src/dialects/apache/parser.js';
import type { DirectiveNode, Node } from '../../src/dialects/apache/syntax.js';
import { apacheBinary, checkConfig, makeRoot } from '../servers/apache.js';
import { memoryIO, modelOf } from './helpers.js';
import { describeRealServer } from '../helpers/skips.js';

const FILE = '/etc/apache2/t.conf';

function parse(text: string) {
  return parseApache(FILE, memoryIO({ [FILE]: text }));
}

function directives(nodes: readonly Node[]): DirectiveNode[] {
  return nodes.flatMap((n) => (n.type === 'directive' ? [n] : directives(n.children)));
}

/** Each directive as httpd reads it: name and argument values. */
function lines(text: string): string[] {
  return directives(parse(text).nodes)
    .filter((d) => d.lname !== 'use' && d.lname !== 'undefmacro')
    .map((d) => [d.name, ...d.args.map((a) => a.value)].join(' '));
}

describe('expansion', () => {
  it('substitutes the values of each Use, macro names case-insensitive', () => {
    const text = '<Macro App $host $port>\n  ServerName $host\n  ProxyPass / http://127.0.0.1:$port/\n</Macro>\nUse App a.example 8080\nUse APP b.example 8090\n';
    expect(parse(text).problems).toEqual([]);
    expect(lines(text)).toEqual(['ServerName a.example', 'ProxyPass / http://127.0.0.1:8080/', 'ServerName b.example', 'ProxyPass / http://127.0.0.1:8090/']);
  });

  it('prefers the earliest occurrence, then the longest parameter, and quotes @ parameters', () => {
    const text = '<Macro M $a $ab @q>\n  Header set X "$ab-$a"\n  Header set Y @q\n</Macro>\nUse M 1 2 "a b\\"c"\n';
    expect(lines(text)).toEqual(['Header set X 2-1', 'Header set Y a b"c']);
  });

  it('resolves ${NAME} after the parameters, with the Defines in force at the Use', () => {
    const text = 'Define one first\n<Macro M $v>\n  Header set X ${$v}\n</Macro>\nUse M one\n';
    expect(lines(text)).toEqual(['Define one first', 'Header set X first']);
  });

  it('expands a Use inside a macro at each use, and reads nothing of an undefined macro', () => {
    const text = '<Macro Inner $x>\n  Header set X $x\n</Macro>\n<Macro Outer $y>\n  Use Inner $y-in\n</Macro>\nUse Outer a\nUndefMacro Outer\n';
    expect(lines(text)).toEqual(['Header set X a-in']);
    expect(parse(text).problems).toEqual([]);
  });

  it('keeps spans in the macro body: body text as written, a value at its parameter', () => {
    const text = '<Macro M $re>\n  Header edit Set-Cookie $re "$1; HttpOnly"\n</Macro>\nUse M ^(.*)$\n';
    const h = directives(parse(text).nodes).find((d) => d.lname === 'header')!;
    const [, , pattern, repl] = h.args;
    expect(text.slice(pattern!.span.start, pattern!.span.end)).toBe('$re');
    expect(pattern!.value).toBe('^(.*)$');
    expect(pattern!.macroParameter).toBe(true);
    expect(text.slice(repl!.span.start, repl!.span.end)).toBe('"$1; HttpOnly"');
    expect(repl!.macroParameter).toBe(false);
    expect(text.slice(h.span.start, h.span.end)).toBe('Header edit Set-Cookie $re "$1; HttpOnly"');
  });

  it('records every Use, nested ones too, for the findings to name', () => {
    const text = '<Macro Inner>\n  Header set X y\n</Macro>\n<Macro Outer>\n  Use Inner\n</Macro>\nUse Outer\nUse Outer\n';
    const uses = parse(text).macroUses.map((u) => `${u.name}@${text.slice(u.use.start, u.use.end)}`);
    expect(uses).toEqual(['outer@Use Outer', 'inner@Use Inner', 'outer@Use Outer', 'inner@Use Inner']);
  });

  it('gives every vhost a macro makes its own endpoint', () => {
    const m = modelOf('<Macro V $h>\n<VirtualHost *:80>\n  ServerName $h\n  ProxyPass / http://127.0.0.1:8080/\n</VirtualHost>\n</Macro>\nUse V a.example\nUse V b.example\n');
    expect(m.endpoints.map((e) => e.label).filter((l) => l !== 'main server')).toEqual(['<VirtualHost *:80> (a.example)', '<VirtualHost *:80> (b.example)']);
    expect(m.expansions?.length).toBe(2);
  });
});

/** Configurations httpd refuses, the problem we report, and where. */
const ERRORS: readonly { text: string; message: string; at: string }[] = [
  { text: 'Use M 1\n', message: 'no macro defined before Use', at: 'Use' },
  { text: '<Macro M $a>\n  Header set X $a\n</Macro>\nUse M 1 2\n', message: `macro 'm' (defined on line 1 of "${FILE}") used with 2 arguments instead of 1`, at: 'M' },
  { text: '<Macro M $a>\n  Header set X $a\n  Use M 2\n</Macro>\nUse M 1\n', message: "recursive use of macro 'm' is invalid", at: 'M' },
  { text: '<Macro M $a>\n  Header set X $a\n</Macro>\nUndefMacro M\nUse M 1\n', message: "macro 'm' undefined", at: 'M' },
  { text: '<Macro M $a>\n  Header set X $a\n</Macro>\nUndefMacro N\n', message: "cannot remove undefined macro 'n'", at: 'N' },
  { text: 'UndefMacro N\n', message: 'no macro defined before UndefMacro', at: 'UndefMacro' },
  { text: '<Macro M $a $a>\n  Header set X $a\n</Macro>\n', message: `argument name conflict in macro 'm' (defined on line 1 of "${FILE}"): argument '$a': #1 and #2, change argument names!`, at: 'M' },
  { text: 'Use Later 1\n<Macro Later $a>\n  Header set X $a\n</Macro>\n', message: 'no macro defined before Use', at: 'Use' },
];

describe('errors', () => {
  for (const e of ERRORS) {
    it(`refuses: ${e.message}`, () => {
      const p = parse(e.text).problems.find((x) => x.message === `Apache refuses to start: "${e.message}".`);
      expect(p, JSON.stringify(parse(e.text).problems)).toBeDefined();
      expect(p!.kind).toBe('refused');
      expect(e.text.slice(p!.span.start, p!.span.end)).toBe(e.at);
    });
  }

  it('reports an unclosed <Macro> as a syntax error', () => {
    expect(parse('<Macro M $a>\n  Header set X $a\n').problems.map((p) => p.kind)).toEqual(['syntax']);
  });
});

describeRealServer('the same configurations under apache2 -t', apacheBinary() === null ? 'apache2 is not installed' : null, () => {
  const root = makeRoot('lpc-macro-');
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  for (const e of ERRORS) {
    it(`fails with: ${e.message}`, () => {
      const r = checkConfig(root, e.text);
      expect(r.ok).toBe(false);
      // httpd names the file it read; our message names the linted one.
      const words = e.message.replace(/ \(defined on line \d+ of "[^"]+"\)/, '');
      expect(r.output.replace(/ \(defined on line \d+ of "[^"]+"\)/g, '')).toContain(words);
    });
  }
  it('accepts the expansions above', () => {
    const r = checkConfig(root, '<Macro Inner $x>\n  Header set X $x\n</Macro>\n<Macro Outer $y>\n  Use Inner $y-in\n</Macro>\nUse Outer a\nUndefMacro Outer\n');
    expect(r.output).not.toContain('Syntax error');
    expect(r.ok).toBe(true);
  });
});
