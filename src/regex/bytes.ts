/**
 * PCRE runs in non-UTF 8-bit mode in Apache and nginx: subjects and patterns are byte strings.
 * Here a byte string is a JS string whose code units are 0-255, one per byte.
 */

/** Made on first use: most runs never decode a pattern's bytes. */
let decoder: InstanceType<typeof TextDecoder> | undefined;

/** UTF-8 bytes of `s`, one code unit (0-255) each. Lone surrogates become U+FFFD first. */
export function toByteString(s: string): string {
  if (isAscii(s)) return s;
  // Node's UTF-8 encoder also writes U+FFFD for a lone surrogate, like TextEncoder.
  return Buffer.from(s, 'utf8').toString('latin1');
}

/** Inverse of {@link toByteString}; invalid UTF-8 sequences decode to U+FFFD. */
export function fromByteString(s: string): string {
  if (isAscii(s)) return s;
  // latin1 keeps the low byte of each code unit, as a byte string's units are 0-255.
  decoder ??= new TextDecoder('utf-8');
  return decoder.decode(Buffer.from(s, 'latin1'));
}

/** A pattern converted to bytes, with the way back to offsets in the pattern as given. */
export interface BytePattern {
  readonly bytes: string;
  /** `toSource(i)`: offset in the original pattern of byte offset `i` (0..bytes.length). */
  toSource(byteOffset: number): number;
}

/** Converts a pattern's non-ASCII characters to their UTF-8 bytes, as PCRE non-UTF mode sees them. */
export function patternToBytes(pattern: string): BytePattern {
  if (isAscii(pattern)) return { bytes: pattern, toSource: (i) => i };
  // UTF-8 by hand, one pass: a TextEncoder call per character took seconds on long patterns.
  const out = new Uint8Array(pattern.length * 3);
  const map: number[] = [];
  let n = 0;
  for (let i = 0; i < pattern.length; ) {
    let cp = pattern.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd; // a lone surrogate, as TextEncoder writes it
    if (cp < 0x80) out[n++] = cp;
    else if (cp < 0x800) {
      out[n++] = 0xc0 | (cp >> 6);
      out[n++] = 0x80 | (cp & 0x3f);
    } else if (cp < 0x10000) {
      out[n++] = 0xe0 | (cp >> 12);
      out[n++] = 0x80 | ((cp >> 6) & 0x3f);
      out[n++] = 0x80 | (cp & 0x3f);
    } else {
      out[n++] = 0xf0 | (cp >> 18);
      out[n++] = 0x80 | ((cp >> 12) & 0x3f);
      out[n++] = 0x80 | ((cp >> 6) & 0x3f);
      out[n++] = 0x80 | (cp & 0x3f);
    }
    while (map.length < n) map.push(i);
    i += width;
  }
  map.push(pattern.length);
  return { bytes: bytesToString(out.subarray(0, n)), toSource: (i) => map[Math.min(Math.max(i, 0), map.length - 1)]! };
}

/**
 * Every code unit below 0x80 exactly when the UTF-8 length is the string's length (anything else
 * takes 2 or more bytes). Node's native count is ~25× faster than a charCodeAt loop, and values
 * can be long: this runs on every subject and replacement.
 */
function isAscii(s: string): boolean {
  return Buffer.byteLength(s, 'utf8') === s.length;
}

/** One code unit (0-255) per byte; natively, where spreading bytes into fromCharCode took seconds on long values. */
function bytesToString(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
