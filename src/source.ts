/**
 * A configuration file as text, plus the facts needed to write it back byte for byte.
 *
 * Offsets everywhere in the linter are indices into {@link SourceFile.text} (UTF-16 code
 * units of the decoded text), half-open `[start, end)`. Only formatters turn them into
 * 1-based lines and columns, through {@link positionAt}.
 */
export type Encoding = 'utf8' | 'utf16le' | 'utf16be' | 'latin1';

export interface SourceFile {
  /** Absolute path (or a pseudo path such as `<stdin>`). */
  readonly path: string;
  /** Decoded text without the BOM. */
  readonly text: string;
  /** How the bytes were decoded; `latin1` is used for bytes that are not valid UTF-8 so that every byte survives a round trip. */
  readonly encoding: Encoding;
  /** Whether the file started with a byte order mark (kept when writing). */
  readonly bom: boolean;
  /** Offsets where each line starts; `lineStarts[0] === 0`. */
  readonly lineStarts: readonly number[];
}

/** A half-open range in one file. */
export interface Span {
  readonly file: string;
  readonly start: number;
  readonly end: number;
}

/** A 1-based line and column (column counted in UTF-16 code units, like ESLint). */
export interface Position {
  readonly line: number;
  readonly column: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
// Fatal and BOM-keeping like utf8: the default decoders turn an odd final byte or a lone
// surrogate into U+FFFD and drop a second BOM, so writing a fix back changed bytes it never edited.
const utf16le = new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true });
const utf16be = new TextDecoder('utf-16be', { fatal: true, ignoreBOM: true });

function strictDecode(decoder: { decode(bytes: Uint8Array): string }, bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Decodes raw bytes, detecting BOMs, UTF-16 and invalid UTF-8. Never throws. */
export function decode(bytes: Uint8Array): { text: string; encoding: Encoding; bom: boolean } {
  // A UTF-16 BOM before bytes that are not valid UTF-16 falls through to latin1 below.
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    const text = strictDecode(utf16le, bytes.subarray(2));
    if (text !== undefined) return { text, encoding: 'utf16le', bom: true };
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    const text = strictDecode(utf16be, bytes.subarray(2));
    if (text !== undefined) return { text, encoding: 'utf16be', bom: true };
  }
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  try {
    return { text: utf8.decode(body), encoding: 'utf8', bom };
  } catch {
    // Not UTF-8: keep one char per byte so untouched bytes are written back unchanged.
    return { text: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1'), encoding: 'latin1', bom };
  }
}

/** Encodes text back with the file's original encoding and BOM. */
export function encode(text: string, encoding: Encoding, bom: boolean): Buffer {
  switch (encoding) {
    case 'utf8':
      return Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text, 'utf8')]);
    case 'latin1':
      return Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text, 'latin1')]);
    case 'utf16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf16be': {
      const le = Buffer.from(text, 'utf16le');
      for (let i = 0; i + 1 < le.length; i += 2) {
        const a = le[i]!;
        le[i] = le[i + 1]!;
        le[i + 1] = a;
      }
      return Buffer.concat([Buffer.from([0xfe, 0xff]), le]);
    }
  }
}

/** Where each line starts: after LF, CRLF or a lone CR. */
export function computeLineStarts(text: string): number[] {
  const starts = [0];
  // indexOf scans natively, several times faster than a loop over a large file.
  if (!text.includes('\r')) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    return starts;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
  }
  return starts;
}

export function createSourceFile(path: string, text: string, encoding: Encoding = 'utf8', bom = false): SourceFile {
  return { path, text, encoding, bom, lineStarts: computeLineStarts(text) };
}

export function sourceFromBytes(path: string, bytes: Uint8Array): SourceFile {
  const { text, encoding, bom } = decode(bytes);
  return createSourceFile(path, text, encoding, bom);
}

/** Offset → 1-based line and column. Offsets past the end clamp to the end. */
export function positionAt(file: SourceFile, offset: number): Position {
  const o = Math.max(0, Math.min(offset, file.text.length));
  const starts = file.lineStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= o) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: o - starts[lo]! + 1 };
}

/** The text of the 1-based line `line`, without its line terminator. */
export function lineText(file: SourceFile, line: number): string {
  const start = file.lineStarts[line - 1];
  if (start === undefined) return '';
  const next = file.lineStarts[line];
  let end = next === undefined ? file.text.length : next;
  while (end > start && (file.text.charCodeAt(end - 1) === 10 || file.text.charCodeAt(end - 1) === 13)) end--;
  return file.text.slice(start, end);
}

let lastEolText: string | undefined;
let lastEol: '\n' | '\r\n' | '\r' = '\n';

/** The line terminator used by most lines (`\n` when the file has none). Remembers the last file. */
export function dominantEol(text: string): '\n' | '\r\n' | '\r' {
  if (text === lastEolText) return lastEol;
  lastEol = countEol(text);
  lastEolText = text;
  return lastEol;
}

function countEol(text: string): '\n' | '\r\n' | '\r' {
  if (!text.includes('\r')) return '\n';
  let crlf = 0;
  let lf = 0;
  let cr = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) {
        crlf++;
        i++;
      } else cr++;
    } else if (c === 10) lf++;
  }
  if (crlf >= lf && crlf >= cr && crlf > 0) return '\r\n';
  if (cr > lf) return '\r';
  return '\n';
}

/** The whitespace that starts the line containing `offset`. */
export function indentationAt(file: SourceFile, offset: number): string {
  const { line } = positionAt(file, offset);
  const start = file.lineStarts[line - 1] ?? 0;
  let end = start;
  while (end < file.text.length && (file.text[end] === ' ' || file.text[end] === '\t')) end++;
  return file.text.slice(start, end);
}
