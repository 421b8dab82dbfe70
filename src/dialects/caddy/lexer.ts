/**
 * The Caddyfile tokenizer, following Caddy 2.6's `caddyconfig/caddyfile/lexer.go` as verified
 * with `caddy adapt` (2.6.2):
 *
 * - tokens are separated by white space; a newline ends a directive's line;
 * - `"..."` quotes: `\"` is a quote, `\` before a newline is that newline, every other backslash
 *   is kept (`"a\\b"` stays `a\\b`, which matters for regexes);
 * - `` `...` `` backquotes are raw;
 * - unquoted words keep their backslashes; a `\` right before a newline continues the line;
 * - `#` starts a comment only at the start of a token (`a#b` is one word);
 * - `{$VAR}` / `{$VAR:default}` are replaced by the environment variable (or the default)
 *   (`replaceEnvVars`); the linter does not know the deployment's environment, so it uses the
 *   default, or leaves the variable empty as Caddy does for an unset one. Caddy substitutes before
 *   lexing; here it happens inside each token, so a variable holding several words stays one.
 */
import type { CommentToken } from '../../model/header-rewrite.js';
import type { Span } from '../../source.js';

export interface Token {
  /** The token as written, quotes included. */
  readonly span: Span;
  /** The value Caddy hands to the directive. */
  readonly value: string;
  readonly quote: '"' | '`' | null;
  /** 1-based line where the token starts / ends (a quoted token may span lines). */
  readonly line: number;
  readonly endLine: number;
}

export interface LexResult {
  readonly tokens: Token[];
  readonly comments: CommentToken[];
  readonly errors: { readonly message: string; readonly span: Span }[];
}

function substituteEnv(value: string, env: Readonly<Record<string, string>>): string {
  if (!value.includes('{$')) return value;
  return value.replace(/\{\$([^{}:]+)(?::([^{}]*))?\}/g, (_m, name: string, def: string | undefined) => env[name] ?? def ?? '');
}

export function lexCaddyfile(file: string, text: string, env: Readonly<Record<string, string>> = {}): LexResult {
  const tokens: Token[] = [];
  const comments: CommentToken[] = [];
  const errors: LexResult['errors'] = [];
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      const start = i;
      while (i < n && text[i] !== '\n') i++;
      comments.push({ span: { file, start, end: i }, text: text.slice(start + 1, i).replace(/\r$/, '') });
      continue;
    }
    const start = i;
    const startLine = line;
    if (c === '"' || c === '`') {
      i++;
      let value = '';
      let closed = false;
      while (i < n) {
        const ch = text[i]!;
        if (c === '"' && ch === '\\' && i + 1 < n) {
          const next = text[i + 1]!;
          if (next === '"') {
            value += '"';
            i += 2;
            continue;
          }
          if (next === '\n') {
            value += '\n';
            line++;
            i += 2;
            continue;
          }
          value += '\\';
          i++;
          // The next character is taken as it is, even a backslash (`\\` stays `\\`).
          if (next === '\\') {
            value += '\\';
            i++;
          }
          continue;
        }
        if (ch === c) {
          closed = true;
          i++;
          break;
        }
        if (ch === '\n') line++;
        value += ch;
        i++;
      }
      if (!closed) errors.push({ message: `unterminated ${c === '"' ? 'quoted string' : 'backquoted string'}`, span: { file, start, end: i } });
      tokens.push({ span: { file, start, end: i }, value: substituteEnv(value, env), quote: c, line: startLine, endLine: line });
      continue;
    }
    let value = '';
    while (i < n) {
      const ch = text[i]!;
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') break;
      if (ch === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) break;
      value += ch;
      i++;
    }
    if (value === '' && text[i] === '\\') {
      // A line continuation: the next line belongs to the current directive.
      i += text[i + 1] === '\r' ? 3 : 2;
      line++;
      const prev = tokens[tokens.length - 1];
      if (prev) tokens[tokens.length - 1] = { ...prev, endLine: line };
      continue;
    }
    tokens.push({ span: { file, start, end: i }, value: substituteEnv(value, env), quote: null, line: startLine, endLine: line });
    if (text[i] === '\\') {
      i += text[i + 1] === '\r' ? 3 : 2;
      line++;
      tokens[tokens.length - 1] = { ...tokens[tokens.length - 1]!, endLine: line };
    }
  }
  return { tokens, comments, errors };
}
