/**
 * Statements into a tree, as `ngx_conf_parse` does with the results of `ngx_conf_read_token`:
 * a statement ending in `;` is a directive, one ending in `{` opens a block closed by `}`.
 * `*_by_lua_block` bodies are handed to lua-nginx-module's own scanner (lua-block.ts).
 *
 * nginx stops at the first error. The parser records it in nginx's words at the offending
 * character and recovers, so the rest of the file still lowers; callers report only the first
 * error of each file, as nginx would.
 */
import type { CommentToken } from '../../model/header-rewrite.js';
import type { Encoding, Span } from '../../source.js';
import { TokenReader, wordRange } from './lexer.js';
import { readLuaBlock } from './lua-block.js';
import type { Block, Directive, IncludedFile, NodeTerminator, SyntaxError as NginxSyntaxError, Word } from './syntax.js';

export interface ParsedRegion {
  readonly directives: Directive[];
  readonly comments: CommentToken[];
  /** In source order. */
  readonly errors: NginxSyntaxError[];
}

/**
 * A directive whose spans are made on first use: a large configuration has hundreds of thousands
 * of directives, and eager span objects for each (and for each name) kept the garbage collector
 * busy. Same span object every time once made.
 */
class ParsedDirective implements Directive {
  included?: IncludedFile[];
  #span: Span | undefined;

  constructor(
    readonly name: Word,
    readonly args: readonly Word[],
    readonly terminator: NodeTerminator,
    private readonly file: string,
    /** The `;` or `{` (-1 for `none`); its span is made on first use, or given (a block's `open`). */
    private readonly termStart: number,
    private termSpan: Span | undefined,
    private readonly start: number,
    private readonly end: number,
    readonly block?: Block,
    readonly lua?: { readonly code: string; readonly span: Span },
  ) {}

  get span(): Span {
    return (this.#span ??= { file: this.file, start: this.start, end: this.end });
  }

  get terminatorSpan(): Span | undefined {
    if (this.termStart < 0) return undefined;
    return (this.termSpan ??= { file: this.file, start: this.termStart, end: this.termStart + 1 });
  }
}

function isLuaBlockDirective(name: string): boolean {
  return /_by_lua_block$/.test(name);
}

/**
 * Deeper block nesting is refused. nginx has no such limit, but each level is a recursion here
 * (and in the walks after parsing): thousands of `{` exhausted the stack. Real configurations
 * nest a handful of levels; the IIS reader stops at the same depth (iis/xml.ts MAX_DEPTH).
 */
export const MAX_BLOCK_DEPTH = 256;

/** Parses `text[start, end)` of `file` (the whole text unless it is a section of an `nginx -T` dump). */
export function parseRegion(text: string, file: string, start = 0, end = text.length, encoding: Encoding = 'utf8'): ParsedRegion {
  const reader = new TokenReader(text, file, start, end, encoding);
  const errors: NginxSyntaxError[] = [];

  const parseBlock = (open: Span | null, depth: number): { children: Directive[]; close?: Span } => {
    const children: Directive[] = [];
    for (;;) {
      const st = reader.readStatement();
      const name = st.words[0];
      const args = st.words.slice(1);
      const start = name ? wordRange(name).start : 0;
      switch (st.end) {
        case 'semicolon':
          if (name) children.push(new ParsedDirective(name, args, 'semicolon', file, st.endStart, undefined, start, st.endEnd));
          break;
        case 'block-start': {
          if (name && isLuaBlockDirective(name.value)) {
            const lua = readLuaBlock(reader, st.endSpan);
            const block: Block = lua.close ? { open: st.endSpan, close: lua.close, children: [] } : { open: st.endSpan, children: [] };
            children.push(new ParsedDirective(name, args, 'block', file, st.endStart, st.endSpan, start, (lua.close ?? lua.codeSpan).end, block, { code: lua.code, span: lua.codeSpan }));
            if (!lua.close) return { children };
            break;
          }
          if (depth >= MAX_BLOCK_DEPTH) {
            errors.push({ message: `blocks are nested more than ${MAX_BLOCK_DEPTH} deep; lint-proxy-config stops reading here`, span: st.endSpan });
            reader.pos = reader.end;
            return { children };
          }
          const inner = parseBlock(st.endSpan, depth + 1);
          if (!name) {
            // `{` with no directive: nginx refuses it (reported by the reader); keep the contents.
            children.push(...inner.children);
          } else {
            const block: Block = inner.close ? { open: st.endSpan, close: inner.close, children: inner.children } : { open: st.endSpan, children: inner.children };
            const end = inner.close?.end ?? inner.children[inner.children.length - 1]?.span.end ?? st.endEnd;
            children.push(new ParsedDirective(name, args, 'block', file, st.endStart, st.endSpan, start, end, block));
          }
          if (!inner.close) return { children };
          break;
        }
        case 'block-end':
          // Words before the `}` were reported as `unexpected "}"`; keep them as an unterminated directive.
          if (name) children.push(new ParsedDirective(name, args, 'none', file, -1, undefined, start, wordRange(args[args.length - 1] ?? name).end));
          if (open === null) {
            // With words before it, the reader has already reported this `}`.
            if (!name) errors.push({ message: 'unexpected "}"', span: st.endSpan });
            break;
          }
          return { children, close: st.endSpan };
        case 'eof':
          if (name) children.push(new ParsedDirective(name, args, 'none', file, -1, undefined, start, wordRange(args[args.length - 1] ?? name).end));
          if (open !== null && reader.errors.length === 0 && errors.length === 0) {
            errors.push({ message: 'unexpected end of file, expecting "}": the block opened here is never closed', span: open });
          }
          return { children };
      }
    }
  };

  const { children } = parseBlock(null, 0);
  const all = [...reader.errors, ...errors].sort((a, b) => a.span.start - b.span.start);
  return { directives: children, comments: reader.comments, errors: all };
}

/**
 * Every directive of a tree, depth first, in source order (included files not followed). An
 * array, not a generator: `yield*` re-yields each directive once per enclosing block, which made
 * millions of short-lived iterator results on a large dump.
 */
export function walkDirectives(directives: readonly Directive[], out: Directive[] = []): Directive[] {
  for (const d of directives) {
    out.push(d);
    if (d.block) walkDirectives(d.block.children, out);
  }
  return out;
}

/** The text of a directive for messages: name and raw arguments, single-spaced. */
export function directiveLabel(d: Directive): string {
  return [d.name, ...d.args].map(wordText).join(' ');
}

/** A word as written (quotes included). */
export function wordText(w: Word): string {
  return w.quote ? `${w.quote}${w.raw}${w.quote}` : w.raw;
}
