/**
 * The XML reader: exact spans, XML 1.0 escapes and attribute-value normalization, encodings, and
 * positioned fatal errors (XML 1.0 Fifth Edition, https://www.w3.org/TR/xml/).
 */
import { describe, expect, it } from 'vitest';
import { parseXml, type XmlElement } from '../../src/dialects/iis/xml.js';
import { decodeAttributeValue, escapeAttribute } from '../../src/dialects/iis/xml-text.js';
import { createSourceFile, encode, sourceFromBytes, type SourceFile } from '../../src/source.js';

const file = (text: string) => createSourceFile('/t/web.config', text);
const slice = (f: SourceFile, s: { start: number; end: number }) => f.text.slice(s.start, s.end);

function fatalOf(f: SourceFile) {
  const doc = parseXml(f);
  expect(doc.root).toBeNull();
  return { ...doc.fatal!, text: slice(f, doc.fatal!.span) };
}

describe('spans', () => {
  const text = `<?xml version="1.0"?>\n<configuration a='1'>\n  <rule name="x &amp; y" enabled = "true"/>\n  <b>t</b>\n</configuration>\n`;
  const f = file(text);
  const doc = parseXml(f);
  const root = doc.root!;
  const rule = root.children[0]!;
  const b = root.children[1]!;

  it('gives every element its start tag, name, content and whole span', () => {
    expect(root.name).toBe('configuration');
    expect(slice(f, root.startTag)).toBe(`<configuration a='1'>`);
    expect(slice(f, root.span)).toBe(text.slice(text.indexOf('<configuration'), text.lastIndexOf('>') + 1));
    expect(slice(f, rule.span)).toBe('<rule name="x &amp; y" enabled = "true"/>');
    expect(rule.selfClosing).toBe(true);
    expect(rule.content).toBeUndefined();
    expect(slice(f, b.content!)).toBe('t');
    expect(slice(f, b.nameSpan)).toBe('b');
    expect(b.parent).toBe(root);
  });

  it('gives every attribute its name span and raw value span, and the decoded value', () => {
    const [name, enabled] = rule.attributes;
    expect(slice(f, name!.nameSpan)).toBe('name');
    expect(slice(f, name!.valueSpan)).toBe('x &amp; y');
    expect(name!.value).toBe('x & y');
    expect(slice(f, enabled!.valueSpan)).toBe('true');
    expect(root.attributes[0]!.quote).toBe("'");
  });
});

describe('attribute values (XML 1.0 §4.1 references, §3.3.3 normalization)', () => {
  it('decodes the five predefined entities and character references', () => {
    const doc = parseXml(file(`<a v="&amp;&lt;&gt;&quot;&apos;&#65;&#x42;&#x1F600;"/>`));
    expect(doc.root!.attributes[0]!.value).toBe(`&<>"'AB😀`);
  });

  it('turns literal tabs and line breaks into spaces (CR LF counts once) but keeps &#10;', () => {
    const doc = parseXml(file(`<a v="a\tb\r\nc\nd&#10;e"/>`));
    expect(doc.root!.attributes[0]!.value).toBe('a b c d\ne');
  });

  it('maps every decoded character back to its raw offset', () => {
    const raw = 'x&amp;y';
    const { value, offsets } = decodeAttributeValue(raw, 100);
    expect(value).toBe('x&y');
    expect(offsets).toEqual([100, 101, 106, 107]);
  });

  it('escapes what a fix writes so that it decodes back to the same text', () => {
    const text = `^(?!a&b<"c'>)\t\n`;
    const escaped = escapeAttribute(text);
    expect(escaped).toBe('^(?!a&amp;b&lt;&quot;c\'&gt;)&#9;&#10;');
    expect(parseXml(file(`<a v="${escaped}"/>`)).root!.attributes[0]!.value).toBe(text);
    expect(escapeAttribute(`"'`, "'")).toBe(`"&apos;`);
  });
});

describe('comments', () => {
  it('are collected with their body for inline directives', () => {
    const f = file(`<!-- lead -->\n<c><!-- lint-proxy-config-disable-next-line x --></c>`);
    const doc = parseXml(f);
    expect(doc.comments.map((c) => c.text)).toEqual([' lead ', ' lint-proxy-config-disable-next-line x ']);
    expect(slice(f, doc.comments[1]!.span)).toBe('<!-- lint-proxy-config-disable-next-line x -->');
  });
});

describe('well-formedness errors are fatal, positioned, and belong to no rule', () => {
  // [what, text, the text the error span starts with, its offset, message]
  const cases: [string, string, string, number, RegExp][] = [
    ['mismatched end tag', '<a><b></a>', '</a>', 6, /does not match the open element <b>/],
    ['truncated file', '<configuration>\n  <rule name="x">\n', '<rule', 18, /never closed: the file ends first/],
    ['truncated attribute value', '<a b="unterminated', '"', 5, /never closed/],
    ['file ending in an attribute name', '<a bc', '<a', 0, /The file ends inside the start tag <a>/],
    ["'<' in an attribute value", '<a b="x<y"/>', '<', 7, /'<' is not allowed in an attribute value/],
    ['bare ampersand', '<a b="x & y"/>', '&', 8, /write it as &amp;/],
    ['undefined entity', '<a b="&nbsp;"/>', '&nbsp;', 6, /Entity &nbsp; is not defined/],
    ['bad character reference', '<a b="&#0;"/>', '&#0;', 6, /not a legal XML character/],
    ['bad reference in text', '<a>x &bogus y</a>', '&', 5, /write it as &amp;/],
    ['duplicate attribute', '<a b="1" b="2"/>', 'b', 9, /appears twice/],
    ['missing white space between attributes', '<a b="1"c="2"/>', 'c', 8, /Expected white space/],
    ['unquoted value', '<a b=1/>', '1', 5, /must be in quotes/],
    ['text before the root', 'hello <a/>', 'h', 0, /before the root element/],
    ['second root', '<a/><b/>', '<', 4, /Only one root element/],
    ['-- in a comment', '<a><!-- x -- y --></a>', '--', 10, /'--' is not allowed/],
    ['comment ending in ---&gt;', '<a><!-- x ---></a>', '--', 10, /'--' is not allowed/],
    ['unclosed comment', '<a><!-- x </a>', '<!--', 3, /never closed/],
    ['late XML declaration', ' <?xml version="1.0"?><a/>', '<?xml', 1, /only allowed at the very start/],
    ['stray end tag', '<a/></b>', '</b>', 4, /never opened/],
    ['mismatched case', '<Rule></rule>', '</rule>', 6, /case-sensitive/],
    [']]> in text', '<a>x ]]> y</a>', ']]>', 5, /not allowed in text/],
    ['control character', '<a>\u0007</a>', '\u0007', 3, /U\+0007 is not allowed in XML/],
  ];
  for (const [what, text, at, offset, message] of cases) {
    it(what, () => {
      const fatal = fatalOf(file(text));
      expect(fatal.kind).toBe('syntax');
      expect(fatal.message).toMatch(message);
      expect(fatal.span.start).toBe(offset);
      expect(text.slice(offset).startsWith(at)).toBe(true);
    });
  }

  it('an empty file has no root element', () => {
    expect(fatalOf(file('')).message).toMatch(/no root element/);
    expect(fatalOf(file('<?xml version="1.0"?>\n<!-- only a comment -->\n')).message).toMatch(/no root element/);
  });
});

describe('encodings (XML 1.0 §4.3.3, Appendix F; proxy-semantics.md §3.4)', () => {
  const body = '<configuration><a v="é"/></configuration>';
  const bytesOf = (text: string, encoding: 'utf8' | 'utf16le' | 'utf16be', bom: boolean) => sourceFromBytes('/t/web.config', encode(text, encoding, bom));

  it('reads UTF-16 LE and BE with a byte order mark, whatever the declaration says', () => {
    for (const enc of ['utf16le', 'utf16be'] as const) {
      const f = bytesOf(`<?xml version="1.0" encoding="utf-16"?>\r\n${body}`, enc, true);
      expect(f.encoding).toBe(enc);
      expect(parseXml(f).root!.children[0]!.attributes[0]!.value).toBe('é');
    }
  });

  it('reads UTF-8 with a BOM', () => {
    const f = bytesOf(`<?xml version="1.0" encoding="utf-8"?>\r\n${body}`, 'utf8', true);
    expect(f.bom).toBe(true);
    expect(parseXml(f).root).not.toBeNull();
  });

  it('refuses encoding="utf-16" without a byte order mark, at the declaration', () => {
    const text = `<?xml version="1.0" encoding="utf-16"?>${body}`;
    const fatal = fatalOf(file(text));
    expect(fatal.text).toBe('utf-16');
    expect(fatal.message).toMatch(/no UTF-16 byte order mark/);
  });

  it('refuses windows-1252 text it cannot decode, at the first non-ASCII character', () => {
    const text = `<?xml version="1.0" encoding="windows-1252"?>${body}`;
    const fatal = fatalOf(file(text));
    expect(fatal.span.start).toBe(text.indexOf('é'));
    expect(fatal.message).toMatch(/windows-1252/);
  });

  it('accepts a windows-1252 or us-ascii declaration on plain ASCII text', () => {
    expect(parseXml(file('<?xml version="1.0" encoding="windows-1252"?><configuration/>')).root).not.toBeNull();
    expect(parseXml(file('<?xml version="1.0" encoding="us-ascii"?><configuration/>')).root).not.toBeNull();
  });

  it('accepts ISO-8859-1 bytes declared as such (one character per byte is exact)', () => {
    const bytes = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><c v="'), Buffer.from([0xe9]), Buffer.from('"/>')]);
    const f = sourceFromBytes('/t/web.config', bytes);
    expect(f.encoding).toBe('latin1');
    expect(parseXml(f).root!.attributes[0]!.value).toBe('é');
  });

  it('refuses bytes that are not UTF-8 when nothing else is declared, at the first bad byte', () => {
    const bytes = Buffer.concat([Buffer.from('<c v="ok'), Buffer.from([0xe9, 0x41]), Buffer.from('"/>')]);
    const fatal = fatalOf(sourceFromBytes('/t/web.config', bytes));
    expect(fatal.span.start).toBe(8);
    expect(fatal.message).toMatch(/not valid UTF-8 \(byte 0xE9\)/);
  });

  it('reports the declared encoding it does not know, when the text is not ASCII', () => {
    const fatal = fatalOf(file(`<?xml version="1.0" encoding="shift_jis"?><c v="日本"/>`));
    expect(fatal.text).toBe('日');
    expect(fatal.message).toMatch(/shift_jis/);
  });

  it('refuses a malformed declaration', () => {
    expect(fatalOf(file('<?xml encoding="utf-8"?><c/>')).message).toMatch(/Malformed XML declaration/);
  });
});

describe('deep but legal nesting', () => {
  it('reads 200 nested elements', () => {
    const text = '<e>'.repeat(200) + '</e>'.repeat(200);
    let el: XmlElement | undefined = parseXml(file(text)).root!;
    let depth = 0;
    while (el) {
      depth++;
      el = el.children[0];
    }
    expect(depth).toBe(200);
  });
});
