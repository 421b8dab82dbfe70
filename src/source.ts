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
// Made for the first UTF-16 file (few configurations are).
const utf16 = new Map<'utf-16le' | 'utf-16be', { decode(bytes: Uint8Array): string }>();
const utf16Decoder = (label: 'utf-16le' | 'utf-16be') => {
  let d = utf16.get(label);
  if (!d) utf16.set(label, (d = new TextDecoder(label, { fatal: true, ignoreBOM: true })));
  return d;
};

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
    const text = strictDecode(utf16Decoder('utf-16le'), bytes.subarray(2));
    if (text !== undefined) return { text, encoding: 'utf16le', bom: true };
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    const text = strictDecode(utf16Decoder('utf-16be'), bytes.subarray(2));
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
  // Line starts only when a position is asked for: a proof's re-built copy of a large file never needs them.
  let lineStarts: number[] | undefined;
  return {
    path,
    text,
    encoding,
    bom,
    get lineStarts() {
      return (lineStarts ??= computeLineStarts(text));
    },
  };
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

// ---------------------------------------------------------------------------------------------
// Edits: fixes are data, text edits on half-open ranges of one file's decoded text.

export interface TextEdit {
  readonly file: string;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Applies non-overlapping edits (any order) to a text. Throws on overlap: callers filter first. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  // One join at the end: a string grown by `+=` is a rope that V8 flattens on first read, which
  // costs a copy of the whole file per proof on an 18 MB dump.
  const parts: string[] = [];
  let pos = 0;
  for (const e of sorted) {
    if (e.start < pos) throw new Error(`overlapping edits at ${e.start}`);
    parts.push(text.slice(pos, e.start), e.text);
    pos = e.end;
  }
  parts.push(text.slice(pos));
  return parts.join('');
}

/** Line breaks in inserted text follow the file's own convention (CRLF files stay CRLF). */
export function withFileEol(edit: TextEdit, eol: '\n' | '\r\n' | '\r'): TextEdit {
  if (!/[\r\n]/.test(edit.text)) return edit;
  return { ...edit, text: edit.text.replace(/\r\n|\r|\n/g, eol) };
}

// ---------------------------------------------------------------------------------------------
// Reading: how dialects read files (to follow includes) without touching the file system
// themselves. src/run/node-io.ts provides the real implementation; the fix engine layers edited texts
// on top of it to re-parse a fixed project in memory before anything is written.

export interface IoError {
  /** A sentence for the user: "no such file", "permission denied", "binary file"... */
  readonly error: string;
  /**
   * The file was read but deliberately not linted (binary, larger than the limit): a warning,
   * not a failure to read (exit code 2).
   */
  readonly skipped?: true;
}

export type FileKind = 'file' | 'dir' | 'missing' | 'other';

export interface ConfigIO {
  /** The directory relative paths on the command line are resolved against. */
  readonly cwd: string;
  /** Reads and decodes a file (cached: the same object for the same path). */
  read(path: string): SourceFile | IoError;
  stat(path: string): FileKind;
  /** Entry names of a directory, unsorted. */
  readDir(path: string): string[] | IoError;
  /** Resolves symbolic links (the path itself when it cannot). */
  realpath(path: string): string;
}

export function isIoError(x: unknown): x is IoError {
  return typeof x === 'object' && x !== null && 'error' in x;
}

/** `io` with some files replaced by new texts (the fix engine's view of a fixed project). */
export function withOverrides(io: ConfigIO, overrides: ReadonlyMap<string, SourceFile>): ConfigIO {
  if (overrides.size === 0) return io;
  return {
    cwd: io.cwd,
    read: (path) => overrides.get(path) ?? io.read(path),
    stat: (path) => (overrides.has(path) ? 'file' : io.stat(path)),
    readDir: (path) => io.readDir(path),
    realpath: (path) => io.realpath(path),
  };
}
