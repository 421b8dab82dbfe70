/**
 * Whether the text src/source.ts decoded is what an XML processor reads (XML 1.0 §4.3.3 and
 * Appendix F): the byte order mark decides UTF-16, otherwise the `encoding` declaration, otherwise
 * UTF-8. src/source.ts only knows BOMs and UTF-8 (falling back to one character per byte); when
 * the declaration names something else and the bytes are not plain ASCII, the linter cannot
 * know what IIS reads, so it says so at the first character in doubt instead of guessing.
 * proxy-semantics.md §3.4.
 */
import type { SourceFile } from '../../source.js';

export interface EncodingIssue {
  /** Offset in the text of the first character in doubt (or of the declaration). */
  readonly at: number;
  readonly end: number;
  readonly message: string;
}

/** The declared name, as written, and the span of its value. */
export interface DeclaredEncoding {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

const UTF8 = new Set(['utf-8', 'utf8']);
const UTF16 = new Set(['utf-16', 'utf16', 'utf-16le', 'utf-16be', 'unicode', 'ucs-2', 'iso-10646-ucs-2']);
const LATIN1 = new Set(['iso-8859-1', 'iso8859-1', 'iso_8859-1', 'latin1', 'latin-1', 'l1', 'cp819', 'ibm819']);
const CP1252 = new Set(['windows-1252', 'cp1252', 'x-cp1252']);
const ASCII = new Set(['us-ascii', 'ascii', 'iso646-us', 'ansi_x3.4-1968']);

function firstNonAscii(text: string): number {
  const m = /[^\u0000-\u007f]/.exec(text);
  return m ? m.index : -1;
}

/**
 * Text decoded as `latin1` holds one character per original byte: the offset of the first byte
 * that does not continue a valid UTF-8 sequence (RFC 3629 §4), or -1.
 */
export function firstInvalidUtf8(text: string): number {
  for (let i = 0; i < text.length; ) {
    const b = text.charCodeAt(i);
    if (b < 0x80) {
      i++;
      continue;
    }
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = text.charCodeAt(i + k);
      if (!(c >= 0x80 && c <= 0xbf)) return i;
    }
    const b1 = text.charCodeAt(i + 1);
    if ((b === 0xe0 && b1 < 0xa0) || (b === 0xed && b1 > 0x9f) || (b === 0xf0 && b1 < 0x90) || (b === 0xf4 && b1 > 0x8f)) return i;
    i += need + 1;
  }
  return -1;
}

function hex(text: string, at: number): string {
  return `0x${text.charCodeAt(at).toString(16).toUpperCase().padStart(2, '0')}`;
}

/** Checks the decoded text against the declaration; `undefined` when the reading is certain. */
export function checkEncoding(file: SourceFile, declared: DeclaredEncoding | undefined): EncodingIssue | undefined {
  const text = file.text;
  const utf16 = file.encoding === 'utf16le' || file.encoding === 'utf16be';
  if (!declared) {
    if (file.encoding !== 'latin1') return undefined;
    const at = Math.max(0, firstInvalidUtf8(text));
    return { at, end: at + 1, message: `The file is not valid UTF-8 (byte ${hex(text, at)}) and declares no encoding: IIS reads configuration files as UTF-8 unless told otherwise. Save it as UTF-8` };
  }
  const name = declared.name.trim().toLowerCase();
  // With a UTF-16 byte order mark the mark decides (XML 1.0 Appendix F); IIS and .NET read such
  // files as UTF-16 whatever the declaration says [UNCERTAIN for non-UTF-16 declarations].
  if (utf16) return undefined;
  if (UTF16.has(name)) {
    return {
      at: declared.start,
      end: declared.end,
      message: `The file declares encoding="${declared.name}" but has no UTF-16 byte order mark: .NET and IIS refuse it ("There is no Unicode byte order mark. Cannot switch to Unicode."). Save it as UTF-16 with a BOM or declare utf-8`,
    };
  }
  if (UTF8.has(name)) {
    if (file.encoding !== 'latin1') return undefined;
    const at = Math.max(0, firstInvalidUtf8(text));
    return { at, end: at + 1, message: `The file declares encoding="${declared.name}" but is not valid UTF-8 (byte ${hex(text, at)}). Save it as UTF-8` };
  }
  if (LATIN1.has(name)) {
    // One character per byte is exactly ISO-8859-1; UTF-8 text is the same only where it is ASCII.
    if (file.encoding === 'latin1') return undefined;
    const at = firstNonAscii(text);
    return at === -1 ? undefined : cannotRead(declared, at);
  }
  if (CP1252.has(name)) {
    if (file.encoding === 'latin1') {
      // windows-1252 differs from ISO-8859-1 only in bytes 0x80-0x9F.
      const m = /[\u0080-\u009f]/.exec(text);
      return m ? cannotRead(declared, m.index) : undefined;
    }
    const at = firstNonAscii(text);
    return at === -1 ? undefined : cannotRead(declared, at);
  }
  // US-ASCII and every other declared encoding: readable only while the text is plain ASCII
  // (the ASCII-compatible encodings IIS accepts agree there).
  const at = firstNonAscii(text);
  if (at === -1) return undefined;
  if (ASCII.has(name)) {
    return { at, end: at + 1, message: `The file declares encoding="${declared.name}" but contains a non-ASCII character` };
  }
  return cannotRead(declared, at);
}

function cannotRead(declared: DeclaredEncoding, at: number): EncodingIssue {
  return {
    at,
    end: at + 1,
    message:
      `The file declares encoding="${declared.name}", which lint-proxy-config does not decode, and this character is not ASCII: ` +
      'its meaning for IIS is unknown. Save the file as UTF-8 (or UTF-16 with a byte order mark)',
  };
}
