/**
 * Writing an argument so that `ngx_conf_read_token` gives back exactly `value`: unquoted when
 * possible; a backslash is doubled only where nginx would otherwise unescape it (before `"`, `'`,
 * `\`, `t`, `r`, `n`, or at the end); double quotes when the value holds white space, `;`, `{`,
 * or starts with a character that would start a quote, a comment or close a block.
 */
import { unescapeNginx } from './lexer.js';

function escapeBackslashes(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && (i + 1 === value.length || '"\'\\trn'.includes(value[i + 1]!))) out += '\\\\';
    else out += c;
  }
  return out;
}

export function nginxArg(value: string, preferQuote: '"' | "'" | null = null): string {
  const needsQuote = value === '' || /[\s;{]/.test(value) || /^["'#}]/.test(value);
  const quote = needsQuote ? (preferQuote ?? '"') : preferQuote;
  if (!quote) return escapeBackslashes(value);
  let body = escapeBackslashes(value);
  body = body.split(quote).join(`\\${quote}`);
  return `${quote}${body}${quote}`;
}

/** Self-check used by tests: the written argument reads back as `value`. */
export function roundTrips(value: string, written: string): boolean {
  const inner = /^(["'])([\s\S]*)\1$/.exec(written);
  return unescapeNginx(inner ? inner[2]! : written) === value;
}
