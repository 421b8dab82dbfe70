/**
 * Bugs the fuzz suite found, one test each, named after what went wrong; each also replays the
 * shrunk counterexample through every invariant (test/fuzz/invariants.ts).
 */
import { describe, expect, it } from 'vitest';
import { buildApacheModel } from '../../src/dialects/apache/lower.js';
import { buildNginxModel } from '../../src/dialects/nginx/index.js';
import { caddyDialect } from '../../src/dialects/caddy/index.js';
import { evalCondition } from '../../src/dialects/haproxy/parser.js';
import { parseXml } from '../../src/dialects/iis/xml.js';
import { compileRegex, fromByteString, RegexBudgetError, toByteString } from '../../src/regex/index.js';
import { createSourceFile, decode, encode } from '../../src/source.js';
import { memoryIO } from '../harness/memory-io.js';
import { pregsub } from '../../src/model/ops/apache-format.js';
import { patternToBytes } from '../../src/regex/bytes.js';
import { fnmatch } from '../../src/dialects/apache/fnmatch.js';
import { matchSegment } from '../../src/dialects/nginx/glob.js';
import { checkProject } from './invariants.js';
import { fuzzProject } from './projects.js';
import { applyMutations } from './mutate.js';
import { seedsFor } from './corpus.js';

function seed(name: string): Uint8Array {
  return seedsFor(name.split('/')[1] as 'apache' | 'nginx' | 'iis' | 'caddy' | 'haproxy').find((s) => s.name === name)!.bytes;
}

describe('UTF-16 that is not valid UTF-16 was decoded lossily, so --fix rewrote bytes it never edited', () => {
  it.each([
    ['an odd number of bytes', [0xff, 0xfe, 0x3c, 0x00, 0x61]],
    ['a lone surrogate', [0xff, 0xfe, 0x00, 0xd8, 0x61, 0x00]],
    ['a second BOM', [0xff, 0xfe, 0xff, 0xfe, 0x61, 0x00]],
    ['big endian with an odd number of bytes', [0xfe, 0xff, 0x00, 0x61, 0x00]],
  ])('%s round-trips byte for byte', (_name, raw) => {
    const bytes = Buffer.from(raw);
    const d = decode(bytes);
    expect(encode(d.text, d.encoding, d.bom).equals(bytes)).toBe(true);
  });

  it('valid UTF-16 is still decoded as UTF-16', () => {
    expect(decode(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<a/>', 'utf16le')]))).toEqual({ text: '<a/>', encoding: 'utf16le', bom: true });
  });

  it('the fuzz case: a CRLF vhost saved as UTF-16 with one stray byte appended', () => {
    const bytes = applyMutations(seed('xsrf-cookie-httponly/apache/invalid-crlf.conf'), [{ kind: 'utf16', bigEndian: false }, { kind: 'insert', at: 1_000_000, token: { text: '\t' } }], 'apache');
    checkProject({ files: { '/etc/apache2/sites-enabled/site.conf': bytes }, targets: ['/etc/apache2/sites-enabled/site.conf'], dialect: 'apache' });
  });
});

describe('a web.config truncated inside an end tag got a fatal message past the end of the file', () => {
  it('the span ends at the end of the file', () => {
    const text = '<configuration>\n  <system.webServer>\n  </';
    const doc = parseXml(createSourceFile('/site/web.config', text));
    expect(doc.fatal?.message).toMatch(/The file ends inside/);
    expect(doc.fatal!.span.end).toBeLessThanOrEqual(text.length);
    expect(doc.fatal!.span.start).toBeLessThanOrEqual(doc.fatal!.span.end);
  });

  it('the fuzz case: the IIS example cut after its last "/"', () => {
    const bytes = seed('examples/iis/web.config');
    const cut = bytes.subarray(0, bytes.lastIndexOf(0x2f) + 1);
    checkProject({ files: { '/inetpub/wwwroot/app/web.config': cut }, targets: ['/inetpub/wwwroot/app/web.config'], dialect: 'iis' });
  });
});

describe('thousands of nested Caddy blocks, or JSON brackets, overflowed the stack', () => {
  const build = (path: string, text: string) => caddyDialect.build(path, memoryIO({ [path]: text }), { nginxVersion: '1.30.1' }).model;

  it('a Caddyfile nested deeper than 256 blocks is one positioned error, not a RangeError', () => {
    const text = `example.com {\n${'handle /n* {\n'.repeat(1400)}respond "x"\n${'}\n'.repeat(1400)}}\n`;
    const errors = build('/etc/caddy/Caddyfile', text).problems.filter((p) => p.kind === 'syntax');
    expect(errors.map((p) => p.message)).toEqual(['blocks are nested more than 256 deep; lint-proxy-config stops reading here']);
    expect(text.slice(errors[0]!.span.start, errors[0]!.span.end)).toBe('{');
  });

  it('the fuzz case: 1312 unclosed `handle /n* {` lines before a site (also through the CLI)', () => {
    const bytes = applyMutations(seed('cookie-header-overwrite/caddy/invalid-deferred-set.caddy'), [{ kind: 'nest', at: 0, depth: 1312, closed: false }], 'caddy');
    checkProject({ files: { '/etc/caddy/Caddyfile': bytes }, targets: ['/etc/caddy/Caddyfile'], dialect: 'caddy' });
  });

  it('a Caddy JSON configuration with thousands of nested subroutes is refused as JSON nested too deeply', () => {
    const open = '{"handler":"subroute","routes":[{"handle":['.repeat(3000);
    const close = ']}]}'.repeat(3000);
    const text = `{"apps":{"http":{"servers":{"s":{"listen":[":80"],"routes":[{"handle":[${open}{"handler":"static_response"}${close}]}]}}}}}`;
    const errors = build('/etc/caddy/caddy.json', text).problems.filter((p) => p.kind === 'syntax');
    expect(errors.map((p) => p.message)).toEqual(['invalid JSON: nested too deeply']);
    // Brackets inside strings and comments do not count.
    const quoted = `// ${'['.repeat(200)}\n{"apps":{"http":{"servers":{"s":{"listen":[":80"],"routes":[{"handle":[{"handler":"static_response","body":"${'{'.repeat(200)}"}]}]}}}}}`;
    expect(build('/etc/caddy/caddy.json', quoted).problems.filter((p) => p.kind === 'syntax')).toEqual([]);
  });
});

describe('finding a request path for a location 300 levels deep tried every candidate under every enclosing prefix (cubic in the depth)', () => {
  it('the fuzz case: a catastrophic regex in a value and 300 unclosed nested locations lint within the hang detector', () => {
    const bytes = applyMutations(seed('xsrf-cookie-httponly/nginx/invalid-add-header-map-value.conf'), [{ kind: 'in-value', nth: 161, text: '(a+)+$' }, { kind: 'nest', at: 1724945192, depth: 300, closed: false }], 'nginx');
    checkProject({ files: { '/etc/nginx/conf.d/site.conf': bytes }, targets: ['/etc/nginx/conf.d/site.conf'], dialect: 'nginx' });
  });
});

describe("thousands of '(' in an HAProxy .if condition overflowed the stack", () => {
  it('a condition nested deeper than 250 is unknown (both branches read), one nested less is evaluated', () => {
    const words = (text: string) => [{ value: text }] as unknown as Parameters<typeof evalCondition>[0];
    expect(evalCondition(words(`${'('.repeat(3000)}1${')'.repeat(3000)}`), () => undefined)).toBe('unknown');
    expect(evalCondition(words(`${'!'.repeat(3001)}1`), () => undefined)).toBe('unknown');
    expect(evalCondition(words(`${'('.repeat(200)}1${')'.repeat(200)}`), () => undefined)).toBe(true);
    expect(evalCondition(words(`${'! '.repeat(201)}1`), () => undefined)).toBe(false);
  });

  it('the fuzz case: 3,447 "(" on a line of a configuration', () => {
    const bytes = applyMutations(seed('directive-invalid/haproxy/invalid-dollar-in-double-quotes.cfg'), [{ kind: 'long-line', at: 1151012157, length: 3447, unit: '(' }, { kind: 'in-value', nth: 294, text: '?' }, { kind: 'duplicate', at: 1696727573, length: 7 }], 'haproxy');
    checkProject({ files: { '/etc/haproxy/haproxy.cfg': bytes }, targets: ['/etc/haproxy/haproxy.cfg'], dialect: 'haproxy' });
  });
});

describe('thousands of nested nginx blocks overflowed the stack', () => {
  it('nesting deeper than 256 blocks is one positioned error, not a RangeError', () => {
    const text = `http {\n${'location /a {\n'.repeat(5000)}${'}\n'.repeat(5000)}}\n`;
    const model = buildNginxModel('/etc/nginx/nginx.conf', memoryIO({ '/etc/nginx/nginx.conf': text }), { nginxVersion: '1.30.1' });
    const errors = model.problems.filter((p) => p.kind === 'syntax');
    expect(errors.map((p) => p.message)).toEqual(['blocks are nested more than 256 deep; lint-proxy-config stops reading here']);
    expect(text.slice(errors[0]!.span.start, errors[0]!.span.end)).toBe('{');
  });

  it('the fuzz case: 4225 "{" before a location', () => {
    const bytes = applyMutations(seed('cookie-header-overwrite/nginx/invalid-more-set-headers-inherited.conf'), [{ kind: 'long-line', at: 0, length: 4225, unit: '{' }, { kind: 'eol', to: 'crlf' }], 'nginx');
    checkProject({ files: { '/etc/nginx/conf.d/site.conf': bytes }, targets: ['/etc/nginx/conf.d/site.conf'], dialect: 'nginx' });
  });
});

describe('a regex with a very long run of literal characters overflowed the stack when compiled', () => {
  it('a 200,000-character literal compiles and matches', () => {
    const c = compileRegex(`^${'a'.repeat(200_000)}$`, { flavor: 'pcre' });
    expect(c.ok).toBe(true);
    if (c.ok) expect(c.regex.test('a'.repeat(200_000))).toBe(true);
  });
});

describe('a 76 KB case-insensitive pattern was compiled again for every fix proof and pass, taking seconds', () => {
  it('compiling the same pattern with the same options returns the compiled regex already built', () => {
    const pattern = `(?i)^(?!(?:${'a'.repeat(76_000)}|XSRF-TOKEN)=)(.*)$`;
    const first = compileRegex(pattern, { flavor: 'pcre', dotAll: true, dollarEndOnly: true });
    expect(compileRegex(pattern, { flavor: 'pcre', dotAll: true, dollarEndOnly: true })).toBe(first);
    // Different options are a different regex.
    expect(compileRegex(pattern, { flavor: 'pcre', dotAll: false, dollarEndOnly: true })).not.toBe(first);
  });

  it('the fuzz case lints and fixes within the invariants', () => {
    const bytes = applyMutations(
      seed('xsrf-cookie-httponly/apache/invalid-fragment.fixed.conf'),
      [
        { kind: 'long-line', at: 562672740, length: 76170, unit: 'a' },
        { kind: 'eol', to: 'mixed' },
        { kind: 'in-value', nth: 160, text: '[' },
        { kind: 'insert-near', cls: 'space', nth: 0, after: false, token: { text: 'Header edit Set-Cookie "^(a+)+$" "$0; HttpOnly"\n' } },
      ],
      'apache',
    );
    checkProject({ files: { '/etc/apache2/sites-enabled/site.conf': bytes }, targets: ['/etc/apache2/sites-enabled/site.conf'], dialect: 'apache' });
  });
});

describe('a catastrophic pattern spent its step budget again on every sample, rule and fix proof: seconds for a 6-line file', () => {
  it('a call that exhausted the budget fails at once the next time, with the same error', () => {
    const c = compileRegex('(.*)*x', { flavor: 'pcre', stepLimit: 50_000 });
    if (!c.ok) throw new Error(c.error.message);
    const subject = 'XSRF-TOKEN=x; Path=/; HttpOnly';
    const thrown = () => {
      try {
        c.regex.exec(subject);
      } catch (e) {
        return e;
      }
      throw new Error('finished within the budget');
    };
    const first = thrown();
    expect(first).toBeInstanceOf(RegexBudgetError);
    expect(thrown()).toBe(first);
    // Another subject is matched afresh.
    expect(c.regex.exec('no match here')).toBeNull();
  });

  it('the fuzz case lints and fixes within the invariants', () => {
    const text = '<VirtualHost *:80>\n    ServerName app.example.com\n    Header set Set-Cookie "XSRF-TOKEN=x; Path=/; HttpOnly"\n    Header edit Set-Cookie (.*)*x ""\n    Header unset Set-Cookie\n</VirtualHost>\n';
    checkProject({ files: { '/etc/apache2/sites-enabled/site.conf': text }, targets: ['/etc/apache2/sites-enabled/site.conf'], dialect: 'apache' });
  });

  it('a costly match (more than a thousand steps) is answered from memory the next time', () => {
    const pattern = '^(?:(x+x+)+yz|x)';
    const subject = 'xxxxxxxxxxxxxxy';
    const tight = compileRegex(pattern, { flavor: 'pcre', stepLimit: 1_000 });
    if (!tight.ok) throw new Error(tight.error.message);
    expect(() => tight.regex.exec(subject)).toThrow(RegexBudgetError);
    const c = compileRegex(pattern, { flavor: 'pcre' });
    if (!c.ok) throw new Error(c.error.message);
    const first = c.regex.exec(subject);
    expect(first).toMatchObject({ start: 0, end: 1 });
    expect(c.regex.exec(subject)).toBe(first);
  });

  it('the second fuzz case (15,000 near-budget matches of 414 values) lints and fixes within the invariants', () => {
    const text =
      'Header edit Set-Cookie ^(XSRF-TOKEN=.*)$ ""\n<VirtualHost *:80>\n    ServerName app.example.com\n    ProxyPass / http://127.0.0.1:8080/\n' +
      '    Header edit Set-Cookie ^(([a-z])+.)+[A-Z]([a-z])+$ ""\n    <Location /app>\n        Header edit Set-Cookie (?i) "$1; HttpOnly"\n    </Location>\n</VirtualHost>\n';
    checkProject({ files: { '/etc/apache2/sites-enabled/site.conf': text }, targets: ['/etc/apache2/sites-enabled/site.conf'], dialect: 'apache' });
  });
});

describe('an edit with a 95 KB replacement was recomputed for every sample of every rule: seconds for one file', () => {
  it('the fuzz case lints and fixes within the invariants (and under the hang detector)', () => {
    const bytes = applyMutations(
      seed('directive-invalid/apache/valid-well-formed.conf'),
      [
        { kind: 'insert-near', cls: 'nul', nth: 0, after: false, token: { text: 'Header set Set-Cookie "XSRF-TOKEN=x; HttpOnly"\n' } },
        { kind: 'long-line', at: 865572927, length: 94846, unit: 'a' },
      ],
      'apache',
    );
    checkProject({ files: { '/etc/apache2/sites-enabled/site.conf': bytes }, targets: ['/etc/apache2/sites-enabled/site.conf'], dialect: 'apache' });
  });
});

describe('a 36 KB replacement was copied a character at a time for every sample: seconds for two files', () => {
  it('pregsub copies the text between references whole, with the same result', () => {
    const value = 'XSRF-TOKEN=abc';
    const captures = [[0, 14], [0, 10]] as const;
    expect(pregsub(`${'a'.repeat(40_000)}$1\\$2\\\\$9$x\\`, value, captures)).toBe(`${'a'.repeat(40_000)}XSRF-TOKEN$2\\$x\\`);
  });

  it('the fuzz case (included from a main configuration that edits every cookie) lints and fixes within the invariants', () => {
    const bytes = applyMutations(
      seed('xsrf-cookie-httponly/apache/invalid-location-jira.conf'),
      [
        { kind: 'insert-near', cls: 'slash', nth: 997, after: false, token: { text: 'Define X "(.*)"\n' } },
        { kind: 'insert', at: 565851238, token: { text: '%{' } },
        { kind: 'long-line', at: 941249732, length: 36413, unit: 'a' },
      ],
      'apache',
    );
    checkProject(fuzzProject('apache', 'invalid-location-jira.conf', bytes, true));
  });
});

describe('byte strings of long non-ASCII values were built by spreading bytes into fromCharCode: seconds per file', () => {
  it('toByteString and fromByteString round-trip UTF-8, surrogates and 200,000 characters', () => {
    const text = `é😀${'a'.repeat(200_000)}\u00ff`;
    const bytes = toByteString(text);
    expect(bytes).toBe(Buffer.from(text, 'utf8').toString('latin1'));
    expect(fromByteString(bytes)).toBe(text);
    // A lone surrogate becomes U+FFFD, as with TextEncoder.
    expect(toByteString('\ud800')).toBe('\u00ef\u00bf\u00bd');
  });

  it('the fuzz case: a 13 KB replacement in a file that is not UTF-8, under a main config editing every cookie', () => {
    const bytes = applyMutations(
      seed('xsrf-cookie-httponly/apache/invalid-crlf.conf'),
      [
        { kind: 'long-line', at: 124530068, length: 13666, unit: 'a' },
        { kind: 'insert', at: 1502987876, token: { raw: [237, 160, 128] } },
        { kind: 'insert', at: 470037443, token: { text: 'env=!x' } },
      ],
      'apache',
    );
    checkProject(fuzzProject('apache', 'invalid-crlf.conf', bytes, true));
  });
});

describe('a pattern of 120,000 "é" was converted to bytes with one TextEncoder call per character: seconds', () => {
  it('patternToBytes maps every byte back to its character, surrogates included', () => {
    const p = patternToBytes('aé😀\ud800b');
    expect(p.bytes).toBe(`a${Buffer.from('é😀', 'utf8').toString('latin1')}\u00ef\u00bf\u00bdb`);
    expect([...Array(p.bytes.length + 1).keys()].map((i) => p.toSource(i))).toEqual([0, 1, 1, 2, 2, 2, 2, 4, 4, 4, 5, 6]);
  });

  it('the fuzz case: the long pattern in a truncated, fixed Jira vhost', () => {
    const bytes = applyMutations(
      seed('xsrf-cookie-httponly/apache/invalid-location-jira.fixed.conf'),
      [
        { kind: 'long-line', at: 67057551, length: 119972, unit: 'é' },
        { kind: 'insert', at: 1217404055, token: { text: '<' } },
        { kind: 'truncate', cls: 'space', nth: 961, after: true },
      ],
      'apache',
    );
    checkProject(fuzzProject('apache', 'invalid-location-jira.fixed.conf', bytes, false));
  });
});

describe('wildcards from configuration files became native RegExps: too large, reversed ranges and unbounded backtracking crashed or hung', () => {
  it('Apache fnmatch and nginx glob match without a RegExp', () => {
    expect(fnmatch('*a*a*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(5_000))).toBe(false);
    expect(fnmatch('/app/*/x', '/app/a/b/x', true)).toBe(false);
    expect(fnmatch('/app/*/x', '/app/ab/x', true)).toBe(true);
    expect(fnmatch('[z-a]*', 'zed')).toBe(false);
    expect(fnmatch('[!a-c]?', 'dx')).toBe(true);
    expect(matchSegment('[z-a]*.conf', 'z.conf')).toBe(false);
    expect(matchSegment('[]a]*.conf', ']x.conf')).toBe(true);
    expect(matchSegment(`${'x'.repeat(40_000)}*`, `${'x'.repeat(40_000)}y`)).toBe(true);
  });

  it('nginx: include with a reversed range is an include that matches nothing, not an internal error', () => {
    const files = { '/etc/nginx/nginx.conf': 'events {}\nhttp {\n    include conf.d/[z-a]*.conf;\n}\n', '/etc/nginx/conf.d/a.conf': 'server { listen 80; }\n' };
    checkProject({ files, targets: ['/etc/nginx/nginx.conf'], dialect: 'nginx' });
  });

  it('the fuzz case: a 32 KB Include wildcard', () => {
    const bytes = applyMutations(
      seed('include-unresolved/apache/invalid-wildcard-no-match.conf'),
      [
        { kind: 'long-line', at: 1551557996, length: 32762, unit: 'a' },
        { kind: 'in-value', nth: 0, text: '(a+)+$' },
      ],
      'apache',
    );
    checkProject({ files: { '/etc/apache2/sites-enabled/site.conf': bytes }, targets: ['/etc/apache2/sites-enabled/site.conf'], dialect: 'apache' });
  });
});

describe('deep nesting overflowed the stack: 1,855 "(" in an IIS pattern, 20,000 nested Apache sections', () => {
  it('an ECMAScript pattern with groups nested deeper than 250 is one "cannot evaluate" error', () => {
    const c = compileRegex(`${'('.repeat(1_855)}a`, { flavor: 'ecmascript' });
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.error).toMatchObject({ code: 'unsupported', message: 'groups are nested more than 250 deep' });
    expect(compileRegex(`${'('.repeat(250)}a${')'.repeat(250)}`, { flavor: 'ecmascript' }).ok).toBe(true);
  });

  it('the fuzz case: the IIS ECMAScript fixture with 1,855 "(" in a row', () => {
    const bytes = applyMutations(seed('iis-regex-unsupported/iis/valid-ecmascript.config'), [{ kind: 'long-line', at: 466834228, length: 1855, unit: '(' }], 'iis');
    checkProject({ files: { '/inetpub/wwwroot/app/web.config': bytes }, targets: ['/inetpub/wwwroot/app/web.config'], dialect: 'iis' });
  });

  it('Apache sections nested deeper than 256 (across includes) stop the file with one positioned error', () => {
    const deep = `<VirtualHost *:80>\n${'<If "true">\n'.repeat(20_000)}Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n${'</If>\n'.repeat(20_000)}</VirtualHost>\n`;
    const model = buildApacheModel('/etc/apache2/sites-enabled/site.conf', memoryIO({ '/etc/apache2/sites-enabled/site.conf': deep }), { nginxVersion: '1.30.1' });
    const errors = model.problems.filter((p) => p.kind === 'syntax');
    expect(errors.map((p) => p.message)).toEqual(['sections are nested more than 256 deep; lint-proxy-config stops reading this file here']);
    expect(deep.slice(errors[0]!.span.start, errors[0]!.span.end)).toBe('<If');
    const outer = `<VirtualHost *:80>\n${'<If "true">\n'.repeat(200)}Include inner.conf\n${'</If>\n'.repeat(200)}</VirtualHost>\n`;
    const inner = `${'<If "true">\n'.repeat(100)}${'</If>\n'.repeat(100)}`;
    const across = buildApacheModel('/etc/apache2/site.conf', memoryIO({ '/etc/apache2/site.conf': outer, '/etc/apache2/inner.conf': inner }), { nginxVersion: '1.30.1', serverRoot: '/etc/apache2' });
    expect(across.problems.filter((p) => p.kind === 'syntax').map((p) => [p.span.file, p.message])).toEqual([
      ['/etc/apache2/inner.conf', 'sections are nested more than 256 deep; lint-proxy-config stops reading this file here'],
    ]);
  });
});

describe('the costly-call memo stopped taking entries once full: late files of a long run paid the budget again', () => {
  it('after more costly subjects than the memo holds, a new one is still remembered', () => {
    const c = compileRegex('(.*)*x', { flavor: 'pcre', stepLimit: 50_000 });
    if (!c.ok) throw new Error(c.error.message);
    const fail = (subject: string) => {
      try {
        c.regex.exec(subject);
      } catch (e) {
        return e;
      }
      throw new Error('finished within the budget');
    };
    for (let i = 0; i < 300; i++) fail(`XSRF-TOKEN=x; Path=/${i}; HttpOnly`);
    const late = fail('XSRF-TOKEN=x; Path=/late; HttpOnly');
    expect(late).toBeInstanceOf(RegexBudgetError);
    expect(fail('XSRF-TOKEN=x; Path=/late; HttpOnly')).toBe(late);
  });

  it('the fuzz case: a set and a catastrophic edit of Set-Cookie', () => {
    const text = '<VirtualHost *:80>\n    ServerName app.example.com\n    Header set Set-Cookie "XSRF-TOKEN=x; Path=/; HttpOnly"\n    Header edit Set-Cookie (.*)*x "$1; HttpOnly"\n</VirtualHost>\n';
    checkProject({ files: { '/etc/apache2/sites-enabled/site.conf': text }, targets: ['/etc/apache2/sites-enabled/site.conf'], dialect: 'apache' });
  });
});
