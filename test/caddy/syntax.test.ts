/**
 * The Caddyfile lexer and parser (quoting as Caddy 2.6 reads it, snippets, imports, fragments),
 * Go's regexp replacement semantics, the no-lookahead exclusion pattern, the directive order and
 * dialect detection.
 */
import { describe, expect, it } from 'vitest';
import { buildCaddyModel, lowerCaddy } from '../../src/dialects/caddy/index.js';
import { lexCaddyfile } from '../../src/dialects/caddy/lexer.js';
import { notCookiesPattern } from '../../src/dialects/caddy/exclusion.js';
import { directiveOrder, goStableSort, sortDirectives } from '../../src/dialects/caddy/order.js';
import { parseCaddyfile } from '../../src/dialects/caddy/parser.js';
import { pathMatches } from '../../src/dialects/caddy/routes.js';
import { detectDialect } from '../../src/dialects/detect.js';
import { selectEndpoints } from '../../src/formatters/simulation.js';
import { goReplaceAll } from '../../src/model/ops/caddy-headers.js';
import { cookieName } from '../../src/model/set-cookie.js';
import { compileRe2, re2Refusal } from '../../src/regex/re2.js';
import { createSourceFile, type ConfigIO } from '../../src/source.js';

function memIO(files: Record<string, string>): ConfigIO {
  return {
    cwd: '/',
    read: (p) => (p in files ? createSourceFile(p, files[p]!) : { error: 'no such file' }),
    stat: (p) => (p in files ? 'file' : Object.keys(files).some((f) => f.startsWith(`${p}/`)) ? 'dir' : 'missing'),
    readDir: (p) => Object.keys(files).filter((f) => f.startsWith(`${p}/`) && !f.slice(p.length + 1).includes('/')).map((f) => f.slice(p.length + 1)),
    realpath: (p) => p,
  };
}

describe('Caddyfile lexer', () => {
  const values = (text: string) => lexCaddyfile('/f', text).tokens.map((t) => t.value);

  it('keeps backslashes in quotes except before a quote (caddy adapt 2.6.2)', () => {
    expect(values('a "a\\"b\\\\c\\.d" `x"y\\z`')).toEqual(['a', 'a"b\\\\c\\.d', 'x"y\\z']);
  });

  it('keeps backslashes in unquoted words and # inside a word', () => {
    expect(values('a\\"b\\\\c#d e # comment')).toEqual(['a\\"b\\\\c#d', 'e']);
  });

  it('joins a line ending with a backslash to the next', () => {
    const { tokens } = lexCaddyfile('/f', 'header a \\\n b\nnext');
    expect(tokens.map((t) => t.value)).toEqual(['header', 'a', 'b', 'next']);
    expect(tokens[2]!.line).toBe(tokens[1]!.endLine);
    expect(tokens[3]!.line).not.toBe(tokens[2]!.endLine);
  });

  it('substitutes {$VAR:default} and leaves unset variables empty', () => {
    expect(values('a{$LPC_X}b "{$LPC_Y:def}"')).toEqual(['ab', 'def']);
    expect(lexCaddyfile('/f', '{$V}', { V: 'set' }).tokens[0]!.value).toBe('set');
  });

  it('reports an unterminated quote and keeps spans', () => {
    const r = lexCaddyfile('/f', 'x "abc');
    expect(r.errors[0]!.message).toContain('unterminated');
    expect(r.tokens[1]!.span).toEqual({ file: '/f', start: 2, end: 6 });
  });
});

describe('Caddyfile parser', () => {
  it('reads the global block, snippets with arguments, imports and site blocks', () => {
    const io = memIO({
      '/etc/caddy/Caddyfile': '{\n\tadmin off\n}\n(s) {\n\theader {args.0} {args[1]}\n}\nimport conf.d/*.caddy\na.example, b.example {\n\timport s X-A 1\n}\n',
      '/etc/caddy/conf.d/one.caddy': 'c.example {\n\trespond ok\n}\n',
    });
    const parsed = parseCaddyfile('/etc/caddy/Caddyfile', io);
    expect(parsed.problems).toEqual([]);
    expect(parsed.blocks.map((b) => (b.global ? 'global' : b.keys.map((k) => k.value).join(' ')))).toEqual(['global', 'c.example', 'a.example, b.example']);
    const header = parsed.blocks[2]!.body[0]!;
    expect([header.name.value, ...header.args.map((a) => a.value)]).toEqual(['header', 'X-A', '1']);
    // The snippet's tokens keep their place in the file (fixes edit the snippet).
    expect(header.name.span.start).toBe('{\n\tadmin off\n}\n(s) {\n\t'.length);
  });

  it('reports a missing import and an import cycle', () => {
    const io = memIO({ '/c/Caddyfile': 'import missing.caddy\nimport self.caddy\n', '/c/self.caddy': 'import self.caddy\n' });
    const problems = parseCaddyfile('/c/Caddyfile', io).problems;
    expect(problems.map((p) => [p.kind, p.message])).toEqual([
      ['include-unresolved', 'File to import not found: missing.caddy'],
      ['include-unresolved', 'import cycle: /c/self.caddy imports itself'],
    ]);
  });

  it('reads a file of directives as a site fragment, and unimported snippets too', () => {
    const parsed = parseCaddyfile('/f.caddy', memIO({ '/f.caddy': '(unused) {\n\theader -Server\n}\nheader >Set-Cookie (.*) "$1"\nreverse_proxy x\n' }));
    expect(parsed.blocks.map((b) => [b.fragment, b.snippet, b.body.map((n) => n.name.value)])).toEqual([
      [true, undefined, ['header', 'reverse_proxy']],
      [true, 'unused', ['header']],
    ]);
  });

  it('reports an unclosed block', () => {
    const parsed = parseCaddyfile('/f', memIO({ '/f': 'a.example {\n\theader {\n' }));
    expect(parsed.problems.filter((p) => p.kind === 'syntax').length).toBeGreaterThan(0);
  });
});

describe('Caddy model', () => {
  it('puts immediate handlers first, then header_down, then deferred ones innermost first', () => {
    const io = memIO({
      '/Caddyfile': 'a.example {\n\treverse_proxy x {\n\t\theader_down -X\n\t}\n\theader {\n\t\tSet-Cookie a b\n\t\tdefer\n\t}\n\theader +Set-Cookie c=1\n\theader -Set-Cookie\n}\n',
    });
    const model = buildCaddyModel('/Caddyfile', io, { nginxVersion: '1.0.0' });
    const [e] = model.endpoints;
    expect(e!.pipeline.map((op) => `${(op as unknown as { phase: string }).phase} ${op.label}`)).toEqual([
      'immediate header +Set-Cookie c=1',
      'upstream reverse_proxy x { header_down -X }',
      'deferred header -Set-Cookie',
      'deferred header { Set-Cookie a b }',
    ]);
  });

  it('walks handle blocks as exclusive branches and decides path matchers', () => {
    const io = memIO({ '/Caddyfile': 'a.example {\n\thandle /api/* {\n\t\treverse_proxy api\n\t}\n\thandle {\n\t\treverse_proxy web\n\t}\n}\n' });
    const info = lowerCaddy('/Caddyfile', io, { nginxVersion: '1.0.0' }).syntax;
    expect(info.endpoints.map((e) => [e.requestPath, e.backends.map((b) => b.target)])).toEqual([
      ['/', ['web']],
      ['/api/x', ['api']],
    ]);
  });

  it('models > as a prefix that defers since 2.7 and as part of the field name before', () => {
    const io = memIO({ '/Caddyfile': 'a.example {\n\theader >Set-Cookie (.*) "$1; HttpOnly"\n\treverse_proxy x\n}\n' });
    const phase = (v: string) => (buildCaddyModel('/Caddyfile', io, { nginxVersion: '1.0.0', caddyVersion: v }).endpoints[0]!.pipeline[0] as unknown as { phase: string; reaches: string[] });
    expect(phase('2.7.0').phase).toBe('deferred');
    expect(phase('2.6.2').reaches).toEqual([]);
  });

  it('refuses, before 2.10, a deferred header block left without operations of its own (caddy validate 2.6.2 panics)', () => {
    const refused = (block: string, v: string) => {
      const io = memIO({ '/Caddyfile': `a.example {\n\theader {\n${block}\n\t}\n\treverse_proxy x\n}\n` });
      return buildCaddyModel('/Caddyfile', io, { nginxVersion: '1.0.0', caddyVersion: v }).problems.filter((p) => p.kind === 'refused').map((p) => p.message);
    };
    expect(refused('\t\t?Set-Cookie "d=1"\n\t\tdefer', '2.6.2')).toEqual([expect.stringContaining('crashes Caddy before 2.10')]);
    expect(refused('\t\tdefer', '2.9.1')).toHaveLength(1);
    // An operation of its own keeps the deferred handler's HeaderOps; 2.10 provisions an empty one.
    expect(refused('\t\t?Set-Cookie "d=1"\n\t\t-X-Gone\n\t\tdefer', '2.6.2')).toEqual([]);
    expect(refused('\t\t?Set-Cookie "d=1"\n\t\tdefer', '2.10.0')).toEqual([]);
  });
});

describe('Go regexp semantics', () => {
  const re = (p: string) => {
    const c = compileRe2(p);
    if (!c.ok) throw new Error(c.error.message);
    return c.regex;
  };

  it('ReplaceAllString replaces every match and skips an empty match right after one', () => {
    expect(goReplaceAll(re('(.*)'), 'a=1', '$1; HttpOnly')).toBe('a=1; HttpOnly');
    expect(goReplaceAll(re('a*'), 'baaac', '-')).toBe('-b-c-');
    expect(goReplaceAll(re('o'), 'foo', '0')).toBe('f00');
  });

  it('expands $1x as the group named 1x, ${1}x as group 1, $$ as a dollar', () => {
    expect(goReplaceAll(re('(a)'), 'a', '$1x|${1}x|$$|$')).toBe('|ax|$|$');
    expect(goReplaceAll(re('(?P<n>a)'), 'a', '${n}$n')).toBe('aa');
  });

  it('$ matches only at the very end', () => {
    expect(re('a$').test('a\n')).toBe(false);
  });

  it.each([
    ['^(?!x)', '(?!'],
    ['(?=x)', '(?='],
    ['(?<=x)', '(?<='],
    ['(?<!x)', '(?<!'],
    ['(?>x)', '(?>'],
    ['(?<n>x)', '(?<'],
    ['(x)\\1', '\\1'],
    ['a*+', '*+'],
    ['a\\Z', '\\Z'],
    ['(?x)a', '(?x)'],
  ])('refuses %s like Go', (pattern, bit) => {
    const e = re2Refusal(pattern);
    expect(e?.message).toContain(bit);
    expect(e?.offset).toBe(pattern.indexOf(bit.replace(/^\(\?<$/, '(?<').slice(0, 1) === '\\' ? bit : bit));
  });

  it.each(['(?i)^(?P<name>x)', '[(?!]', '\\Q(?!\\E', '^a\\z', '(?s:.)', '[\\d\\w]+', 'x{2,3}?'])('accepts %s', (pattern) => {
    expect(re2Refusal(pattern)).toBeNull();
  });
});

describe('exclusion pattern without lookahead', () => {
  const names = ['atl.xsrf.token', 'atl.xsrf.token.slash', 'atlassian.xsrf.token', 'XSRF-TOKEN', 'csrftoken', 'sc', 'NX-ANTI-CSRF-TOKEN'];
  const compiled = compileRe2(notCookiesPattern(names));

  it('is RE2', () => {
    expect(compiled.ok).toBe(true);
  });

  it('matches exactly the values whose cookie is not excluded', () => {
    if (!compiled.ok) return;
    const values = [
      ...names.flatMap((n) => [`${n}=v`, `${n} =v; Path=/`, `${n}=`, `\t${n}\t=x`]),
      ...names.flatMap((n) => [`${n}x=v`, `${n.slice(0, -1)}=v`, `${n}`, `${n};a=b`, `x${n}=v`, `${n.toLowerCase()}=v`]),
      'JSESSIONID=1; HttpOnly', 'sc', 's=1', 'scx=1', '', ' ', '=v', 'noeq; Path=/', 'atl.xsrf=1', 'atl.xsrf.token.slas=1', 'sc x=1',
    ];
    for (const v of values) {
      const excluded = names.includes(cookieName(v)) && v.split(';')[0]!.includes('=');
      expect(compiled.regex.test(v), JSON.stringify(v)).toBe(!excluded);
    }
  });
});

describe('directive order and path matching', () => {
  it('sorts by the table, longer path matchers first, handle_path with handle', () => {
    const order = directiveOrder([]);
    const d = (directive: string, path?: string) => ({ directive, matcherSets: path ? 1 : 0, paths: path ? [path] : [] });
    const sorted = sortDirectives([d('reverse_proxy'), d('header'), d('handle'), d('handle_path', '/a*'), d('header', '/api/*')], order);
    expect(sorted.map((s) => `${s.directive}${s.paths[0] ?? ''}`)).toEqual(['header/api/*', 'header', 'handle_path/a*', 'handle', 'reverse_proxy']);
    expect(directiveOrder([{ directive: 'header', position: 'after', other: 'reverse_proxy' }]).get('header')).toBeGreaterThan(directiveOrder([]).get('reverse_proxy')! - 1);
  });

  // `caddy adapt` 2.6.2 of: header n1 / header /cc n2 / header @two(2 paths) n3 / header @meth n4 /
  // header /app n5 / header /app* n6: a matcher without a single path "equals" every path, so
  // only Go's own stable sort gives this order.
  it('reproduces Go\'s stable sort where the comparison is not a total order', () => {
    const items = [
      { directive: 'header', matcherSets: 0, paths: [], n: 'n1' },
      { directive: 'header', matcherSets: 1, paths: ['/cc'], n: 'n2' },
      { directive: 'header', matcherSets: 1, paths: ['/a', '/bbbbbbbbb'], n: 'n3' },
      { directive: 'header', matcherSets: 1, paths: [], n: 'n4' },
      { directive: 'header', matcherSets: 1, paths: ['/app'], n: 'n5' },
      { directive: 'header', matcherSets: 1, paths: ['/app*'], n: 'n6' },
      { directive: 'reverse_proxy', matcherSets: 0, paths: [], n: 'rp' },
    ];
    expect(sortDirectives(items, directiveOrder([]), [2, 6, 2]).map((x) => x.n)).toEqual(['n2', 'n3', 'n4', 'n6', 'n5', 'n1', 'rp']);
    // Since 2.7.0 a path that differs only by a trailing `*` sorts after the exact one.
    expect(sortDirectives(items, directiveOrder([]), [2, 7, 0]).map((x) => x.n)).toEqual(['n2', 'n3', 'n4', 'n5', 'n6', 'n1', 'rp']);
  });

  it('goStableSort is a stable sort for a total order, beyond one block of 20', () => {
    for (let n = 0; n < 90; n += 7) {
      const data = Array.from({ length: n }, (_, i) => ({ key: (i * 37) % 11, i }));
      const expected = [...data].sort((a, b) => a.key - b.key || a.i - b.i);
      expect(goStableSort([...data], (a, b) => a.key < b.key)).toEqual(expected);
    }
  });

  it('matches paths like MatchPath', () => {
    expect(pathMatches('/API/*', '/api/x')).toBe(true);
    expect(pathMatches('/api', '/api/x')).toBe(false);
    expect(pathMatches('*.php', '/index.php')).toBe(true);
    expect(pathMatches('*admin*', '/x/admin/y')).toBe(true);
    expect(pathMatches('/a/*/c', '/a/b/c')).toBe(true);
  });

  it('simulate --location picks the endpoints Caddy routes that path to, not a prefix of a sample path', () => {
    const io = memIO({
      '/Caddyfile': 'app.example.com {\n\thandle /api/* {\n\t\treverse_proxy spring:8080\n\t}\n\thandle {\n\t\treverse_proxy web:3000\n\t}\n}\n',
    });
    const model = buildCaddyModel('/Caddyfile', io, { nginxVersion: '1.0.0' });
    const at = (location: string) => selectEndpoints(model, location).map((e) => e.backends.map((b) => b.target).join());
    expect(at('/api/users')).toEqual(['spring:8080']);
    expect(at('/api/users?x=1')).toEqual(['spring:8080']);
    expect(at('/apix')).toEqual(['web:3000']);
    expect(at('/')).toEqual(['web:3000']);
  });
});

describe('detection', () => {
  it.each([
    ['/etc/caddy/Caddyfile', 'x'],
    ['/srv/site.caddy', 'x'],
    ['/srv/caddy.json', '{}'],
    ['/tmp/frag', 'reverse_proxy 127.0.0.1:8080 {\n\theader_down Set-Cookie (.*) "$1; HttpOnly"\n}\n'],
    ['/tmp/frag2', 'header >Set-Cookie (.*) "$1; HttpOnly"\n'],
    ['/tmp/json', '{"apps": {"http": {}}}'],
    ['/tmp/site', 'example.com {\n\t@api path /api/*\n\treverse_proxy @api 127.0.0.1:8080\n}\n'],
    ['/tmp/braces', 'example.com {\n\tencode gzip\n\thandle /a {\n\t\tfile_server\n\t}\n\troute {\n\t\theader {\n\t\t\tX-A a\n\t\t}\n\t}\n}\n'],
  ])('%s is Caddy', (path, text) => {
    expect(detectDialect(path, text)).toBe('caddy');
  });

  it.each([
    ['/tmp/a', 'Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n', 'apache'],
    ['/tmp/b', 'header set Set-Cookie "a=1"\n', 'apache'],
    ['/tmp/c', 'location / {\n    proxy_pass http://x;\n}\n', 'nginx'],
  ])('%s stays %s', (path, text, dialect) => {
    expect(detectDialect(path, text)).toBe(dialect);
  });
});

describe('regexes Caddy cannot compile', () => {
  const refused = (body: string, caddyVersion = '2.6.2') => {
    const text = `http://127.0.0.1:8080 {\n${body}\n\treverse_proxy 127.0.0.1:9000\n}\n`;
    const model = buildCaddyModel('/Caddyfile', memIO({ '/Caddyfile': text }), { nginxVersion: '1.0.0', caddyVersion });
    return model.problems.filter((p) => p.kind === 'refused').map((p) => p.message);
  };

  it('are refused in any field, a `>Field` of Caddy 2.6 included (caddy validate 2.6.2 stops there)', () => {
    expect(refused('\theader >Set-Cookie "(" "x"')).toEqual([expect.stringContaining('Caddy refuses this regex')]);
    expect(refused('\theader X-Other "^(?!a)" "x"')).toEqual([expect.stringContaining('Caddy refuses this regex')]);
    expect(refused('\theader X-Other "^(a)" "x"')).toEqual([]);
  });
});
