/**
 * Go's `regexp` (RE2 syntax), as Caddy compiles `search_regexp` with `regexp.Compile`.
 *
 * RE2 is a subset of PCRE without the constructs that need backtracking, and for the patterns it
 * accepts Go's leftmost-first matching finds the same match as PCRE's backtracking: so a pattern
 * is first checked against what Go refuses (with Go's error text and the offset), then matched by
 * the PCRE engine with Go's defaults — `$` only at the very end of the text (PCRE2_DOLLAR_ENDONLY),
 * `.` not matching `\n`. Go matches UTF-8 runes where PCRE non-UTF mode matches bytes; for the
 * ASCII of cookie headers the two agree.
 *
 * Refused (Go 1.19, the toolchain of Caddy 2.6): lookahead and lookbehind `(?=` `(?!` `(?<=`
 * `(?<!`, atomic groups `(?>`, `(?<name>` and `(?'name'` (only `(?P<name>` is known), `(?x)` and
 * other unknown flags, backreferences `\1`…`\9` and `\g`/`\k`, possessive quantifiers `*+ ++ ?+`,
 * and the escapes `\Z \G \K \R \h \H \V \e \c \X`.
 */
import { compileRegex } from './index.js';
import type { CompiledRegex, RegexError } from './types.js';

const BAD_ESCAPES = new Set(['Z', 'G', 'K', 'R', 'h', 'H', 'V', 'e', 'c', 'X', 'g', 'k', 'N', 'o', 'u', 'U', 'E']);

function perlSyntax(pattern: string, at: number, len: number): RegexError {
  return { message: `error parsing regexp: invalid or unsupported Perl syntax: \`${pattern.slice(at, at + len)}\``, offset: at, code: 'syntax' };
}

/** What Go's `regexp.Compile` refuses in `pattern` that PCRE would accept, or null. */
export function re2Refusal(pattern: string): RegexError | null {
  let inClass = false;
  let quoted = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (quoted) {
      if (c === '\\' && pattern[i + 1] === 'E') {
        quoted = false;
        i++;
      }
      continue;
    }
    if (c === '\\') {
      const e = pattern[i + 1] ?? '';
      if (e === 'Q') {
        quoted = true;
        i++;
        continue;
      }
      if (!inClass && /[1-9]/.test(e)) return { message: `error parsing regexp: invalid escape sequence: \`\\${e}\``, offset: i, code: 'syntax' };
      if (BAD_ESCAPES.has(e) && !(e === 'E')) return { message: `error parsing regexp: invalid escape sequence: \`\\${e}\``, offset: i, code: 'syntax' };
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      // `[]a]` and `[^]a]`: a `]` right after the opening is a literal.
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2);
      if (rest.startsWith('P<')) continue;
      if (rest.startsWith('=') || rest.startsWith('!') || rest.startsWith('>')) return perlSyntax(pattern, i, 3);
      if (rest.startsWith('<=') || rest.startsWith('<!')) return perlSyntax(pattern, i, 4);
      if (rest.startsWith('<') || rest.startsWith("'") || rest.startsWith('#') || rest.startsWith('|') || rest.startsWith('R') || /^[0-9+&-]/.test(rest)) return perlSyntax(pattern, i, 3);
      const flags = /^[A-Za-z-]*[:)]/.exec(rest)?.[0];
      if (flags && !/^[imsU]*(?:-[imsU]*)?[:)]$/.test(flags)) return perlSyntax(pattern, i, 2 + flags.length);
      continue;
    }
    if (c === '{') {
      const rep = /^\{(\d+)(?:,(\d*))?\}/.exec(pattern.slice(i));
      if (rep && (Number(rep[1]) > 1000 || Number(rep[2] || 0) > 1000)) return { message: `error parsing regexp: invalid repeat count: \`${rep[0]}\``, offset: i, code: 'syntax' };
    }
    if ((c === '*' || c === '+' || c === '?' || c === '}') && pattern[i + 1] === '+') {
      return { message: `error parsing regexp: invalid nested repetition operator: \`${c}+\``, offset: i, code: 'syntax' };
    }
  }
  return null;
}

/**
 * `refused`: Go refuses the pattern (Caddy does not start); otherwise Go accepts it but the shared
 * engine cannot simulate it (`\pL` and other constructs it does not implement).
 */
export type Re2Compiled = { ok: true; regex: CompiledRegex } | { ok: false; error: RegexError; refused: boolean };

/** Compiles a Go regexp: Go's refusals first, then the shared engine with Go's defaults. */
export function compileRe2(pattern: string): Re2Compiled {
  const refused = re2Refusal(pattern);
  if (refused) return { ok: false, error: refused, refused: true };
  const compiled = compileRegex(pattern, { flavor: 'pcre', dollarEndOnly: true });
  if (compiled.ok) return compiled;
  const refusedToo = compiled.error.code === 'syntax';
  return { ok: false, error: { ...compiled.error, message: refusedToo ? `error parsing regexp: ${compiled.error.message}` : compiled.error.message }, refused: refusedToo };
}
