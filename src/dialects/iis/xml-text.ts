/**
 * XML 1.0 (Fifth Edition) text rules the IIS reader needs, and nothing more: which characters may
 * appear at all (§2.2), names (§2.3), the five predefined entities and character references
 * (§4.1, §4.6), attribute-value normalization (§3.3.3) and the escaping a fix must apply when it
 * writes an attribute value. No DTD: a reference to any other entity is an error, never expanded.
 */

/** §2.2 `Char`: the first character that is not allowed anywhere in an XML document, or -1. */
export function firstInvalidChar(text: string): number {
  // Control characters other than TAB, LF, CR; U+FFFE/U+FFFF; unpaired surrogates.
  const bad = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
  const m = bad.exec(text);
  return m ? m.index : -1;
}

/** §2.2: whether a code point from a character reference is a legal `Char`. */
export function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

export function isXmlSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

/** §2.3 `NameStartChar` (BMP part; astral characters are accepted through their surrogates). */
export function isNameStart(c: string | undefined): boolean {
  if (c === undefined) return false;
  const x = c.charCodeAt(0);
  return (
    (x >= 0x61 && x <= 0x7a) || (x >= 0x41 && x <= 0x5a) || x === 0x5f || x === 0x3a ||
    (x >= 0xc0 && x <= 0xd6) || (x >= 0xd8 && x <= 0xf6) || (x >= 0xf8 && x <= 0x2ff) || (x >= 0x370 && x <= 0x37d) ||
    (x >= 0x37f && x <= 0x1fff) || (x >= 0x200c && x <= 0x200d) || (x >= 0x2070 && x <= 0x218f) ||
    (x >= 0x2c00 && x <= 0x2fef) || (x >= 0x3001 && x <= 0xd7ff) || (x >= 0xf900 && x <= 0xfdcf) ||
    (x >= 0xfdf0 && x <= 0xfffd) || (x >= 0xd800 && x <= 0xdfff)
  );
}

/** §2.3 `NameChar`. */
export function isNameChar(c: string | undefined): boolean {
  if (c === undefined) return false;
  if (isNameStart(c)) return true;
  const x = c.charCodeAt(0);
  return x === 0x2d || x === 0x2e || (x >= 0x30 && x <= 0x39) || x === 0xb7 || (x >= 0x300 && x <= 0x36f) || (x >= 0x203f && x <= 0x2040);
}

const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** A reference that starts at `&`: what it stands for, or why it is refused. */
export type Reference =
  | { readonly ok: true; readonly text: string; readonly end: number }
  | { readonly ok: false; readonly message: string; readonly end: number };

/**
 * Reads the reference starting at `text[at] === '&'` (§4.1). Only the predefined entities and
 * character references are accepted; a named entity from a DTD is refused, never expanded.
 */
export function readReference(text: string, at: number): Reference {
  const semi = text.indexOf(';', at + 1);
  // Names and numbers longer than this are not references anyone writes; do not scan on.
  if (semi === -1 || semi - at > 64) {
    return { ok: false, message: "A bare '&' is not allowed in XML: write it as &amp;", end: at + 1 };
  }
  const body = text.slice(at + 1, semi);
  if (body.startsWith('#')) {
    const hex = body.startsWith('#x');
    const digits = body.slice(hex ? 2 : 1);
    if (!(hex ? /^[0-9A-Fa-f]{1,8}$/ : /^[0-9]{1,8}$/).test(digits)) {
      return { ok: false, message: `Malformed character reference &${body};`, end: semi + 1 };
    }
    const cp = parseInt(digits, hex ? 16 : 10);
    if (!isXmlChar(cp)) return { ok: false, message: `Character reference &${body}; is not a legal XML character`, end: semi + 1 };
    return { ok: true, text: String.fromCodePoint(cp), end: semi + 1 };
  }
  const predefined = PREDEFINED[body];
  if (predefined !== undefined) return { ok: true, text: predefined, end: semi + 1 };
  if (!isNameStart(body[0]) || ![...body].every(isNameChar)) {
    return { ok: false, message: "A bare '&' is not allowed in XML: write it as &amp;", end: at + 1 };
  }
  return {
    ok: false,
    message: `Entity &${body}; is not defined: only &amp; &lt; &gt; &quot; &apos; and character references are allowed (DTD entities are never expanded)`,
    end: semi + 1,
  };
}

/** A decoded attribute value and, for every decoded character, the raw offset it came from. */
export interface DecodedValue {
  readonly value: string;
  /** `offsets[i]` = offset in the raw text of decoded character `i`; `offsets[value.length]` = end. */
  readonly offsets: readonly number[];
}

/**
 * §3.3.3 attribute-value normalization for CDATA attributes: references are replaced, each
 * literal white-space character (TAB, LF, CR, with CR LF counting as one) becomes a space.
 * Character references to white space are kept as the character they name. `raw` must already be
 * known to be well formed (the reader checked it); `base` is its offset in the file.
 */
export function decodeAttributeValue(raw: string, base = 0): DecodedValue {
  let value = '';
  const offsets: number[] = [];
  for (let i = 0; i < raw.length; ) {
    const c = raw[i]!;
    if (c === '&') {
      const ref = readReference(raw, i);
      const text = ref.ok ? ref.text : raw.slice(i, ref.end);
      for (let k = 0; k < text.length; k++) offsets.push(base + i);
      value += text;
      i = ref.end;
    } else if (c === '\r' || c === '\n' || c === '\t') {
      offsets.push(base + i);
      value += ' ';
      i += c === '\r' && raw[i + 1] === '\n' ? 2 : 1;
    } else {
      offsets.push(base + i);
      value += c;
      i++;
    }
  }
  offsets.push(base + raw.length);
  return { value, offsets };
}

/** Fast path: the decoded value without offsets. */
export function attributeValue(raw: string): string {
  if (!/[&\r\n\t]/.test(raw)) return raw;
  return decodeAttributeValue(raw).value;
}

/**
 * Escapes text for an attribute value delimited by `quote`: `&` and `<` always, the quote in use,
 * `>` for readability, and white space other than the space as character references so
 * normalization (§3.3.3) keeps it.
 */
export function escapeAttribute(text: string, quote: '"' | "'" = '"'): string {
  return text.replace(/[&<>"'\t\n\r]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return quote === '"' ? '&quot;' : c;
      case "'":
        return quote === "'" ? '&apos;' : c;
      default:
        return `&#${c.charCodeAt(0)};`;
    }
  });
}
