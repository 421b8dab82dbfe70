import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectDialect } from '../../src/dialects/detect.js';
import { editsOverlap, mergeEdits } from '../../src/engine/edits.js';
import { diffLines, splitLines } from '../../src/formatters/line-diff.js';
import { canonicalCookie, cookieName, hasAttribute, hasHttpOnly, parseSetCookie } from '../../src/model/set-cookie.js';
import { createSourceFile, decode, dominantEol, encode, positionAt, sourceFromBytes, applyEdits, withFileEol } from '../../src/source.js';

describe('source files', () => {
  it.each([
    ['UTF-8', Buffer.from('a=é\r\n', 'utf8'), 'utf8', false],
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a=é\n', 'utf8')]), 'utf8', true],
    ['UTF-16 LE', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<a/>\r\n', 'utf16le')]), 'utf16le', true],
    ['UTF-16 BE', Buffer.from([0xfe, 0xff, 0, 0x3c, 0, 0x61, 0, 0x2f, 0, 0x3e]), 'utf16be', true],
    ['invalid UTF-8 (latin1)', Buffer.from([0x61, 0x3d, 0xe9, 0x0a, 0xff]), 'latin1', false],
  ])('round-trips %s byte for byte', (_name, bytes, encoding, bom) => {
    const decoded = decode(bytes);
    expect(decoded.encoding).toBe(encoding);
    expect(decoded.bom).toBe(bom);
    expect(encode(decoded.text, decoded.encoding, decoded.bom).equals(bytes)).toBe(true);
  });

  it('maps offsets to 1-based lines and columns across LF, CRLF and CR', () => {
    const f = createSourceFile('/x', 'ab\r\ncd\ref\ngh');
    expect([0, 2, 4, 7, 10].map((o) => positionAt(f, o))).toEqual([
      { line: 1, column: 1 },
      { line: 1, column: 3 },
      { line: 2, column: 1 },
      { line: 3, column: 1 },
      { line: 4, column: 1 },
    ]);
    expect(positionAt(f, 999)).toEqual({ line: 4, column: 3 });
    expect(dominantEol('a\r\nb\r\nc\n')).toBe('\r\n');
    expect(sourceFromBytes('/y', Buffer.from('')).lineStarts).toEqual([0]);
  });
});

describe('edits', () => {
  it('applies non-overlapping edits in any order and refuses overlaps', () => {
    expect(applyEdits('abcdef', [{ file: 'f', start: 4, end: 5, text: 'E' }, { file: 'f', start: 0, end: 1, text: 'A' }])).toBe('AbcdEf');
    expect(() => applyEdits('abc', [{ file: 'f', start: 0, end: 2, text: '' }, { file: 'f', start: 1, end: 3, text: '' }])).toThrow();
    expect(editsOverlap([{ file: 'f', start: 1, end: 1, text: 'x' }], [{ file: 'f', start: 1, end: 1, text: 'y' }])).toBe(true);
    expect(editsOverlap([{ file: 'f', start: 0, end: 1, text: '' }], [{ file: 'f', start: 1, end: 2, text: '' }])).toBe(false);
  });

  it('merges a multi-edit fix into ESLint’s single range and follows the file’s line endings', () => {
    const f = createSourceFile('/f', 'one two three');
    expect(mergeEdits(f, [{ file: '/f', start: 0, end: 3, text: '1' }, { file: '/f', start: 8, end: 13, text: '3' }])).toEqual({ range: [0, 13], text: '1 two 3' });
    expect(withFileEol({ file: '/f', start: 0, end: 0, text: 'a\nb\r\n' }, '\r\n').text).toBe('a\r\nb\r\n');
  });
});

describe('line diff', () => {
  it('keeps line terminators and finds the minimal change', () => {
    const ops = diffLines(splitLines('a\nb\nc\n'), splitLines('a\nB\nc\nd'));
    expect(ops.map((o) => `${o.kind}:${JSON.stringify(o.line)}`)).toEqual(['same:"a\\n"', 'del:"b\\n"', 'add:"B\\n"', 'same:"c\\n"', 'add:"d"']);
  });
});

describe('Set-Cookie parsing (RFC 6265 §5.2)', () => {
  it('reads names, attributes and HttpOnly like a browser', () => {
    expect(cookieName(' XSRF-TOKEN = v ; Path=/')).toBe('XSRF-TOKEN');
    expect(cookieName('novalue')).toBe('');
    expect(hasHttpOnly('a=1; HTTPOnly; Secureapp')).toBe(true);
    expect(hasHttpOnly('a=1; HttpOnly=false')).toBe(true);
    expect(hasHttpOnly('a=1; HttpOnly.')).toBe(false);
    expect(hasHttpOnly('a=1, b=2; httponly')).toBe(true);
    expect(parseSetCookie('a=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT').attributes).toEqual([{ name: 'Expires', value: 'Wed, 21 Oct 2037 07:28:00 GMT' }]);
    expect(canonicalCookie('a=1;Secure; path=/x; HttpOnly', ['httponly'])).toBe(canonicalCookie('a=1; Path=/x; secure'));
  });

  it('hasAttribute, which reads in place, agrees with the parsed attributes', () => {
    const parts = ['a=1', ' HttpOnly', 'httponly=false', ' ', '', 'Secure', '\tsecure ', ' x = y ', '\tHTTPONLY\t', 'pa=th=x', '=', '=HttpOnly', 'İ', 'HttpOnly.', ';'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...parts), { maxLength: 8 }), fc.constantFrom('httponly', 'HttpOnly', 'secure', 'x', 'pa', 'İ'), (picked, attr) => {
        const header = picked.join(';');
        expect(hasAttribute(header, attr)).toBe(parseSetCookie(header).attributes.some((a) => a.name.toLowerCase() === attr.toLowerCase()));
      }),
      { seed: 18, numRuns: 2000 },
    );
  });
});

describe('dialect detection', () => {
  it.each([
    ['/etc/x/.htaccess', 'whatever', 'apache'],
    ['/a/web.config', '', 'iis'],
    ['/a/nginx.conf', '', 'nginx'],
    ['/a/site.conf', 'Header edit Set-Cookie ^(.*)$ $1;HttpOnly', 'apache'],
    ['/a/site.conf', 'proxy_cookie_path / "/; HTTPOnly; Secure";', 'nginx'],
    ['/a/site.conf', '<VirtualHost *:80>\n  ServerName x\n</VirtualHost>', 'apache'],
    ['/a/site.conf', 'server {\n  listen 80;\n  location / { proxy_pass http://b; }\n}', 'nginx'],
    ['/a/rules.config', '<?xml version="1.0"?><configuration/>', 'iis'],
    ['/a/empty.conf', '', null],
    ['/etc/nginx/conf.d/empty.conf', '# nothing', 'nginx'],
  ])('%s %j → %s', (path, text, expected) => {
    expect(detectDialect(path, text)).toBe(expected);
  });
});
