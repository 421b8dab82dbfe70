/**
 * The nginx syntax tree: what `ngx_conf_parse` sees, with a span on every token so that fixes can
 * edit the text and findings can point at one argument. Lossless in the sense that every token
 * keeps its raw text (quotes, escapes) next to the value nginx hands to the directive handler.
 */
import type { Span } from '../../source.js';

/** One argument (or directive name) as `ngx_conf_read_token` produces it. */
export interface Word {
  /** The token as written, quotes included. */
  readonly span: Span;
  /** The token between its quotes (the whole token when unquoted). */
  readonly inner: Span;
  /** The raw text of {@link inner}. */
  readonly raw: string;
  /** The value after nginx's unescaping (`\"` → `"`, `\n` → LF, other `\x` kept). */
  readonly value: string;
  readonly quote: '"' | "'" | null;
}

export type NodeTerminator = 'semicolon' | 'block' | 'none';

/** A directive: `name args... ;` or `name args... { children }`. */
export interface Directive {
  readonly name: Word;
  readonly args: readonly Word[];
  /** From the name to the `;` or the closing `}` (or the last token when unterminated). */
  readonly span: Span;
  readonly terminator: NodeTerminator;
  /** The `;` or the `{`. */
  readonly terminatorSpan?: Span;
  /** Children of a block directive. */
  readonly block?: Block;
  /** `*_by_lua_block { code }`: the Lua code, read by lua-nginx-module's own lexer. */
  readonly lua?: { readonly code: string; readonly span: Span };
  /** Filled for `include` directives by the include resolver: the files' top-level directives. */
  included?: IncludedFile[];
}

export interface Block {
  readonly open: Span;
  /** Undefined when the file ends before the block is closed. */
  readonly close?: Span;
  readonly children: readonly Directive[];
}

export interface IncludedFile {
  /** The path nginx would open (absolute). */
  readonly path: string;
  /** The file whose text holds the spans (the path itself, or an `nginx -T` dump). */
  readonly textFile: string;
  readonly directives: readonly Directive[];
}

/** A syntax error, in nginx's words, at the offending character. */
export interface SyntaxError {
  readonly message: string;
  readonly span: Span;
}
