/**
 * Flavor dispatch: pattern string + options → syntax tree, or a {@link RegexError} with an offset
 * into the pattern as given (PCRE reads the pattern as UTF-8 bytes; offsets are mapped back).
 */
import type { ParsedPattern } from './ast.js';
import { patternToBytes } from './bytes.js';
import { parseEcma } from './parse-ecma.js';
import { parsePcre } from './parse-pcre.js';
import { PatternError } from './scanner.js';
import type { RegexError, RegexOptions } from './types.js';

export interface Parsed {
  readonly parsed: ParsedPattern;
  /** Maps an offset of the parsed text (AST spans) to an offset into the pattern string. */
  readonly toSource: (offset: number) => number;
}

export function parsePattern(pattern: string, options: RegexOptions): { ok: true; value: Parsed } | { ok: false; error: RegexError } {
  let toSource = (i: number): number => i;
  try {
    if (options.flavor === 'pcre') {
      const bytes = patternToBytes(pattern);
      toSource = bytes.toSource;
      return { ok: true, value: { parsed: parsePcre(bytes.bytes, options), toSource } };
    }
    return { ok: true, value: { parsed: parseEcma(pattern, options), toSource } };
  } catch (e) {
    if (!(e instanceof PatternError)) throw e;
    return { ok: false, error: { message: e.message, offset: toSource(e.offset), code: e.code } };
  }
}
