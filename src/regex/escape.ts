/**
 * Escaping literal text (cookie names) for use inside a pattern: only metacharacters are
 * escaped, so `atl.xsrf.token` becomes `atl\.xsrf\.token` and `XSRF-TOKEN` stays as it is.
 */
import { toByteString } from './bytes.js';
import type { RegexFlavor } from './types.js';

/** Characters with a meaning outside classes in both flavors (`]` and `}` only for symmetry and readability). */
const META = new Set('\\^$.|?*+()[]{}');

export interface EscapeOptions {
  /** PCRE extended mode (`x`): white space and `#` must be escaped too. */
  readonly extended?: boolean;
}

function hex2(c: number): string {
  return c.toString(16).padStart(2, '0');
}

/** Text that matches `text` literally inside a pattern of `flavor`. */
export function escapeRegexLiteral(text: string, flavor: RegexFlavor, options: EscapeOptions = {}): string {
  const extended = flavor === 'pcre' && (options.extended ?? false);
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (META.has(ch)) out += `\\${ch}`;
    else if (c < 0x20 || c === 0x7f) out += `\\x${hex2(c)}`;
    else if (extended && (ch === ' ' || ch === '#')) out += `\\${ch}`;
    else if (extended && c > 0x7f) {
      // In non-UTF extended mode PCRE2 skips byte 0x85 (NEL) as white space, even inside a UTF-8 sequence.
      for (const b of toByteString(ch)) out += `\\x${hex2(b.charCodeAt(0))}`;
    } else out += ch;
  }
  return out;
}
