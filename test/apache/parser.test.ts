/**
 * Sections, conditionals and EXEC_ON_READ directives (server/config.c `ap_build_config_sub`,
 * `ap_soak_end_container`; server/core.c `start_cond_section`, `set_define`). Syntax errors are
 * problems of kind `syntax` at the offending token, in httpd's wording; nothing throws.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseApache } from '../../src/dialects/apache/parser.js';
import type { Node } from '../../src/dialects/apache/syntax.js';
import { memoryIO, modelOf } from './helpers.js';

const FILE = '/etc/apache2/t.conf';

function parse(text: string, defines?: Record<string, string>) {
  return parseApache(FILE, memoryIO({ [FILE]: text }), defines ? { defines } : {});
}

function names(nodes: readonly Node[]): string[] {
  return nodes.flatMap((n) => (n.type === 'directive' ? [n.name] : [`<${n.name}${n.active === false ? ' inactive' : ''}>`, ...names(n.children), `</${n.name}>`]));
}

function problemAt(text: string, message: string) {
  const p = parse(text).problems.find((x) => x.message === message);
  if (!p) throw new Error(`no problem "${message}" in ${JSON.stringify(parse(text).problems)}`);
  return { kind: p.kind, at: text.slice(p.span.start, p.span.end) };
}

describe('sections', () => {
  it('nests sections and keeps names case-insensitive', () => {
    const r = parse('<VirtualHost *:80>\n  <location /a>\n    Header set X y\n  </LOCATION>\n</virtualhost>\n');
    expect(r.problems).toEqual([]);
    expect(names(r.nodes)).toEqual(['<VirtualHost>', '<location>', 'Header', '</location>', '</VirtualHost>']);
  });

  it('reports a mismatched closing tag at the tag', () => {
    expect(problemAt('<Location /a>\n  </Directory>\n</Location>\n', 'Expected </Location> but saw </Directory>')).toEqual({ kind: 'syntax', at: '</Directory>' });
  });

  it('reports a closing tag without an opening one', () => {
    expect(problemAt('Header set X y\n  </Location>\n', '</Location> without matching <Location> section').at).toBe('</Location>');
  });

  it('reports unclosed sections at their opening tag', () => {
    expect(problemAt('<VirtualHost *:80>\n  <Location /x>\n', '<Location> was not closed.').at).toBe('<Location');
    expect(problemAt('<VirtualHost *:80>\n  <Location /x>\n', '<VirtualHost> was not closed.').at).toBe('<VirtualHost');
  });

  it("reports a missing '>' and a missing argument", () => {
    expect(problemAt('<Location /x\n</Location>\n', "<Location> directive missing closing '>'").kind).toBe('syntax');
    expect(problemAt('<Location>\n</Location>\n', '<Location> directive requires additional arguments').kind).toBe('syntax');
  });

  it('recovers from a stray close by closing up to the matching section', () => {
    const r = parse('<VirtualHost *:80>\n<Location /a>\n</VirtualHost>\nHeader set A b\n');
    expect(r.problems.map((p) => p.message)).toEqual(['Expected </Location> but saw </VirtualHost>']);
    expect(names(r.nodes)).toEqual(['<VirtualHost>', '<Location>', '</Location>', '</VirtualHost>', 'Header']);
  });

  it('survives 10 000 nested sections and binary junk', () => {
    // Nesting stops at 256 levels with one error (every level is a recursion in later walks).
    const deep = `${'<Location /x>\n'.repeat(10_000)}Header set A b\n${'</Location>\n'.repeat(10_000)}`;
    expect(parse(deep).problems.map((p) => p.message)).toEqual(['sections are nested more than 256 deep; lint-proxy-config stops reading this file here']);
    expect(() => modelOf(deep)).not.toThrow();
    const fine = `${'<Location /x>\n'.repeat(256)}Header set A b\n${'</Location>\n'.repeat(256)}`;
    expect(parse(fine).problems).toEqual([]);
    const junk = Array.from({ length: 5000 }, (_, i) => String.fromCharCode((i * 7919) % 256)).join('');
    expect(() => modelOf(`${junk}\n<\n</\n<<>>\n"'\\\n\${\n`)).not.toThrow();
    expect(() => modelOf('<Location /x>\n'.repeat(5000))).not.toThrow();
  });
});

describe('robustness', () => {
  const token = fc.constantFrom('<Location /a>', '</Location>', '<VirtualHost *:80>', '</VirtualHost>', '<IfDefine X>', '</IfDefine>', '<If "true">', '</If>',
    'Header edit Set-Cookie ', '^(.*)$ ', '"$1; HttpOnly"', "'", '"', '\\', '\n', '\r\n', '#', '${X}', 'Define X "a b"\n', 'Include x\n', '%', '$1', '(', ' ', '\0');
  it('never throws on any input, and every problem points into a file it read', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(token, fc.string()), { maxLength: 40 }), (parts) => {
        const model = modelOf(parts.join(''));
        for (const p of model.problems) expect(model.files.has(p.span.file)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('conditional sections', () => {
  it('without LoadModule, assumes Debian\'s default modules plus those the tree uses outside <IfModule>', () => {
    const guarded = '<IfModule mod_headers.c>\nA\n</IfModule>\n<IfModule !mod_headers.c>\nB\n</IfModule>\n<IfModule setenvif_module>\nC\n</IfModule>\n<IfModule mod_rewrite.c>\nD\n</IfModule>\n';
    // Debian enables mod_setenvif, not mod_headers or mod_rewrite.
    const r = parse(guarded);
    expect(names(r.nodes).filter((n) => /^[A-D]$/.test(n))).toEqual(['B', 'C']);
    expect(r.modules.from).toBe('Debian defaults');
    // A Header line outside <IfModule> proves mod_headers loaded (httpd refuses it otherwise);
    // one inside an <IfModule> proves nothing.
    const used = parse(`Header set X y\n${guarded}`);
    expect(names(used.nodes).filter((n) => /^[A-D]$/.test(n))).toEqual(['A', 'C']);
    expect(used.modules.loaded).toContain('headers_module');
    const nested = parse(`<IfModule mod_rewrite.c>\nHeader set X y\n</IfModule>\n${guarded}`);
    expect(names(nested.nodes).filter((n) => /^[A-D]$/.test(n))).toEqual(['B', 'C']);
    // The apacheModules setting replaces Debian's defaults.
    const configured = parseApache(FILE, memoryIO({ [FILE]: guarded }), { modules: ['mod_rewrite.c'] });
    expect(names(configured.nodes).filter((n) => /^[A-D]$/.test(n))).toEqual(['B', 'D']);
    expect(configured.modules).toEqual({ from: 'apacheModules', loaded: expect.arrayContaining(['rewrite_module']) });
  });

  it('evaluates <IfModule> from LoadModule lines read so far when the tree loads modules', () => {
    const r = parse(
      '<IfModule headers_module>\nBefore\n</IfModule>\nLoadModule headers_module /m/mod_headers.so\n<IfModule mod_headers.c>\nA\n</IfModule>\n<IfModule headers_module>\nB\n</IfModule>\n<IfModule mod_rewrite.c>\nC\n</IfModule>\n<IfModule mod_log_config.c>\nStatic\n</IfModule>\n',
    );
    expect(names(r.nodes).filter((n) => !n.startsWith('<') && !n.startsWith('</'))).toEqual(['LoadModule', 'A', 'B', 'Static']);
  });

  it('evaluates <IfVersion> regexes (~ and /.../) as PCRE against httpd 2.4, and reports a bad one', () => {
    const r = parse('<IfVersion ~ ^2\\.4>\nA\n</IfVersion>\n<IfVersion /^3\\./>\nB\n</IfVersion>\n<IfVersion !~ ^2\\.2>\nC\n</IfVersion>\n<IfVersion ~ ([)>\n</IfVersion>\n');
    expect(names(r.nodes).filter((n) => !n.startsWith('<') && !n.startsWith('</'))).toEqual(['A', 'C']);
    expect(r.problems.map((p) => p.message)).toEqual(['Unrecognized regex in <IfVersion>']);
  });

  it('evaluates <IfDirective> and <IfSection> of core and of tracked modules as httpd 2.4.71 does, negated too; assumes others exist', () => {
    const r = parse(
      'LoadModule headers_module /m/mod_headers.so\n<IfDirective header>\nA\n</IfDirective>\n<IfDirective !Header>\nB\n</IfDirective>\n<IfDirective RewriteRule>\nC\n</IfDirective>\n<IfDirective !RewriteRule>\nD\n</IfDirective>\n<IfSection VirtualHost>\nE\n</IfSection>\n<IfSection !Location>\nF\n</IfSection>\n<IfSection !Proxy>\nG\n</IfSection>\n<IfDirective FooBar>\nH\n</IfDirective>\n<IfDirective !FooBar>\nI\n</IfDirective>\n',
    );
    expect(r.problems).toEqual([]);
    expect(names(r.nodes).filter((n) => /^[A-I]$/.test(n))).toEqual(['A', 'D', 'E', 'G', 'H', 'I']);
  });

  it('evaluates <IfDefine> from Define and UnDefine in reading order, and from -D', () => {
    const r = parse('<IfDefine X>\nA\n</IfDefine>\nDefine X\n<IfDefine X>\nB\n</IfDefine>\nUnDefine X\n<IfDefine !X>\nC\n</IfDefine>\n<IfDefine CLI>\nD\n</IfDefine>\n', { CLI: '' });
    expect(names(r.nodes).filter((n) => /^[A-D]$/.test(n))).toEqual(['B', 'C', 'D']);
  });

  it('handles "! name" with a space and nested conditionals', () => {
    const r = parse('<IfDefine ! NOPE>\n<IfDefine !NOPE2>\nA\n</IfDefine>\n</IfDefine>\n');
    expect(names(r.nodes)).toContain('A');
  });

  it('does not parse the contents of a false section, only tracks its tags', () => {
    const r = parse('<IfDefine NOPE>\nHeader bogus\n${X}\n<Location /a>\n</Location>\n</IfDefine>\nDefine Y\n');
    expect(r.problems).toEqual([]);
    const model = modelOf('<IfDefine NOPE>\n  Header edit Set-Cookie "(" x\n</IfDefine>\n');
    expect(model.problems).toEqual([]);
  });

  it('reports a mismatched tag inside a false section like ap_soak_end_container', () => {
    expect(problemAt('<IfDefine NOPE>\n<Location /a>\n</IfDefine>\n', 'Expected </Location> but saw </IfDefine>').kind).toBe('syntax');
    expect(problemAt('<IfDefine NOPE>\nA\n', 'Expected </IfDefine> before end of configuration').at).toBe('<IfDefine');
  });
});

describe('Define and ${VAR}', () => {
  it('substitutes Define values in later lines; a value with spaces splits into several arguments', () => {
    const r = parse('Define FLAGS "HttpOnly; Secure"\nHeader edit Set-Cookie ^(.*)$ ${FLAGS}\n');
    const h = r.nodes[1]!;
    expect(h.type === 'directive' && h.args.map((a) => a.value)).toEqual(['edit', 'Set-Cookie', '^(.*)$', 'HttpOnly;', 'Secure']);
  });

  it('is global: a Define inside a virtual host is visible after it', () => {
    const r = parse('<VirtualHost *:80>\nDefine V 1\n</VirtualHost>\nA ${V}\n');
    const a = r.nodes[1]!;
    expect(a.type === 'directive' && a.args[0]!.value).toBe('1');
  });

  it("refuses a variable name with ':'", () => {
    expect(problemAt("Define a:b 1\n", "Variable name must not contain ':'").at).toBe('a:b');
  });
});
