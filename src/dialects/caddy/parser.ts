/**
 * Caddyfile structure (Caddy 2.6 `caddyconfig/caddyfile/parse.go`): an optional global options
 * block `{ ... }` first, then server blocks — keys (site addresses, or `(name)` for a snippet)
 * followed by a `{ ... }` body, or a single site whose directives follow its address without
 * braces. A directive is the tokens of one line; a `{` ending the line opens its block.
 *
 * `import` is expanded on the token stream before the structure is read, as Caddy does: a
 * snippet's tokens (with `{args[i]}` / `{args.i}` replaced by the import's arguments), or the
 * tokens of the files a path or glob names, resolved against the importing file's directory.
 * Tokens keep the spans of the text they came from, so a fix inside a snippet edits the snippet.
 */
import { dirname, isAbsolute, join } from 'node:path';
import type { CommentToken, Problem } from '../../model/header-rewrite.js';
import { type SourceFile, type Span, type ConfigIO, isIoError } from '../../source.js';
import { goPathMatch } from './glob.js';
import { lexCaddyfile, type Token } from './lexer.js';

/** A token after import expansion: `seg` tells apart lines of different origins. */
export interface PToken extends Token {
  readonly seg: number;
}

export interface Node {
  readonly name: PToken;
  readonly args: readonly PToken[];
  readonly block?: readonly Node[];
  /** From the name to the closing `}` or the last argument. */
  readonly span: Span;
}

export interface ServerBlock {
  readonly keys: readonly PToken[];
  readonly body: readonly Node[];
  readonly span: Span;
  /** The options block at the top of the file. */
  readonly global: boolean;
  /**
   * Directives without a site around them: a file meant to be imported into a site block, or a
   * snippet that nothing in this file imports (`snippet` is then its name).
   */
  readonly fragment?: boolean;
  readonly snippet?: string;
}

export interface ParsedCaddyfile {
  readonly blocks: readonly ServerBlock[];
  readonly files: Map<string, SourceFile>;
  readonly comments: CommentToken[];
  readonly problems: Problem[];
}

const MAX_IMPORT_DEPTH = 64;

/**
 * Deeper block nesting is refused. Caddy has no such limit, but each level is a recursion here
 * and in the route walk after parsing: a thousand nested `handle` blocks exhausted the stack.
 * Real Caddyfiles nest a handful of levels; the nginx and IIS readers stop at the same depth.
 */
export const MAX_BLOCK_DEPTH = 256;

interface Ctx {
  readonly io: ConfigIO;
  readonly files: Map<string, SourceFile>;
  readonly comments: CommentToken[];
  readonly problems: Problem[];
  readonly snippets: Map<string, PToken[]>;
  readonly imported: Set<string>;
  readonly env: Readonly<Record<string, string>>;
  readonly argsBrackets: boolean;
  seg: number;
  /** Reading stopped at a block nested too deep: blocks left open are not reported again. */
  stopped?: boolean;
}

const isBrace = (t: Token | undefined, b: '{' | '}') => t !== undefined && t.quote === null && t.value === b;
const sameLine = (a: PToken, b: PToken) => a.seg === b.seg && b.line === a.endLine;

function lexFile(ctx: Ctx, path: string, source: SourceFile): PToken[] {
  const lexed = lexCaddyfile(path, source.text, ctx.env);
  for (const c of lexed.comments) ctx.comments.push(c);
  for (const e of lexed.errors) ctx.problems.push({ span: e.span, message: e.message, kind: 'syntax' });
  const seg = ctx.seg++;
  return lexed.tokens.map((t) => ({ ...t, seg }));
}

/** Tokens of one line starting at `i` (line continuations included). */
function lineEnd(tokens: readonly PToken[], i: number): number {
  let j = i + 1;
  while (j < tokens.length && sameLine(tokens[j - 1]!, tokens[j]!)) j++;
  return j;
}

/** The index after the `}` matching the `{` at `open`, or tokens.length. */
function blockEnd(tokens: readonly PToken[], open: number): number {
  let depth = 0;
  for (let j = open; j < tokens.length; j++) {
    if (isBrace(tokens[j], '{')) depth++;
    else if (isBrace(tokens[j], '}') && --depth === 0) return j + 1;
  }
  return tokens.length;
}

/** `{args.N}` (every version) and `{args[N]}` (Caddy ≥ 2.7; 2.6 leaves it as written). */
function replaceArgs(value: string, args: readonly string[], brackets: boolean): string {
  if (!value.includes('{args')) return value;
  return value.replace(/\{args(?:\[(\d+)\]|\.(\d+))\}/g, (m, a: string | undefined, b: string | undefined) => (a !== undefined && !brackets ? m : (args[Number(a ?? b)] ?? '')));
}

function globFiles(ctx: Ctx, pattern: string): string[] | null {
  if (!/[*?[]/.test(pattern)) return ctx.io.stat(pattern) === 'file' ? [pattern] : null;
  const dir = dirname(pattern);
  const base = pattern.slice(dir.length + 1);
  const entries = ctx.io.readDir(dir);
  if (isIoError(entries)) return [];
  return entries
    .filter((e) => !e.startsWith('.') && goPathMatch(base, e))
    .sort()
    .map((e) => join(dir, e))
    .filter((p) => ctx.io.stat(p) === 'file');
}

/** Expands snippet definitions and imports; returns the tokens that remain. */
function expand(ctx: Ctx, tokens: readonly PToken[], file: string, depth: number, chain: readonly string[]): PToken[] {
  const out: PToken[] = [];
  let i = 0;
  let nesting = 0;
  while (i < tokens.length) {
    const t = tokens[i]!;
    const lineStart = i === 0 || !sameLine(tokens[i - 1]!, t);
    // `(name) {` at the top level defines a snippet.
    if (nesting === 0 && lineStart && t.quote === null && /^\(.+\)$/.test(t.value) && isBrace(tokens[i + 1], '{') && sameLine(t, tokens[i + 1]!)) {
      const end = blockEnd(tokens, i + 1);
      const body = tokens.slice(i + 2, isBrace(tokens[end - 1], '}') ? end - 1 : end);
      ctx.snippets.set(t.value.slice(1, -1), body);
      i = end;
      continue;
    }
    if (lineStart && t.quote === null && t.value === 'import') {
      const end = lineEnd(tokens, i);
      const args = tokens.slice(i + 1, end);
      i = end;
      if (args.length === 0) {
        ctx.problems.push({ span: t.span, message: 'import: wrong argument count or unexpected line ending after import', kind: 'refused' });
        continue;
      }
      if (depth >= MAX_IMPORT_DEPTH) {
        ctx.problems.push({ span: t.span, message: `import nested more than ${MAX_IMPORT_DEPTH} levels deep (a cycle?)`, kind: 'include-unresolved' });
        continue;
      }
      const values = args.slice(1).map((a) => a.value);
      const snippet = ctx.snippets.get(args[0]!.value);
      if (snippet) ctx.imported.add(args[0]!.value);
      if (snippet) {
        if (chain.includes(`(${args[0]!.value})`)) {
          ctx.problems.push({ span: args[0]!.span, message: `import cycle: snippet ${args[0]!.value} imports itself`, kind: 'include-unresolved' });
          continue;
        }
        const seg = ctx.seg++;
        const copied = snippet.map((s) => ({ ...s, seg, value: replaceArgs(s.value, values, ctx.argsBrackets) }));
        out.push(...expand(ctx, copied, file, depth + 1, [...chain, `(${args[0]!.value})`]));
        continue;
      }
      const pattern = isAbsolute(args[0]!.value) ? args[0]!.value : join(dirname(file), args[0]!.value);
      const matched = globFiles(ctx, pattern);
      if (matched === null) {
        ctx.problems.push({ span: args[0]!.span, message: `File to import not found: ${args[0]!.value}`, kind: 'include-unresolved' });
        continue;
      }
      for (const path of matched) {
        if (chain.includes(path)) {
          ctx.problems.push({ span: args[0]!.span, message: `import cycle: ${path} imports itself`, kind: 'include-unresolved' });
          continue;
        }
        const source = ctx.io.read(path);
        if (isIoError(source)) {
          ctx.problems.push({ span: args[0]!.span, message: `could not read ${path}: ${source.error}`, kind: 'include-unresolved' });
          continue;
        }
        ctx.files.set(path, source);
        const seg = ctx.seg++;
        const imported = lexFile(ctx, path, source).map((x) => ({ ...x, seg, value: replaceArgs(x.value, values, ctx.argsBrackets) }));
        out.push(...expand(ctx, imported, path, depth + 1, [...chain, path]));
      }
      continue;
    }
    if (isBrace(t, '{')) nesting++;
    else if (isBrace(t, '}')) nesting = Math.max(0, nesting - 1);
    out.push(t);
    i++;
  }
  return out;
}

function spanOf(from: PToken, to: PToken): Span {
  return from.span.file === to.span.file && to.span.end >= from.span.start ? { file: from.span.file, start: from.span.start, end: to.span.end } : from.span;
}

/** Directives of a block body, from `i` up to the closing `}` (returned index is after it). */
function parseBody(ctx: Ctx, tokens: readonly PToken[], i: number, closedBy: PToken | null, depth = 0): { nodes: Node[]; next: number; close?: PToken } {
  const nodes: Node[] = [];
  /** A block opened at `brace` may be read, unless it is nested too deep: then reading stops. */
  const tooDeep = (brace: PToken) => {
    if (depth < MAX_BLOCK_DEPTH) return false;
    ctx.problems.push({ span: brace.span, message: `blocks are nested more than ${MAX_BLOCK_DEPTH} deep; lint-proxy-config stops reading here`, kind: 'syntax' });
    ctx.stopped = true;
    return true;
  };
  while (i < tokens.length) {
    const t = tokens[i]!;
    if (isBrace(t, '}')) return { nodes, next: i + 1, close: t };
    const end = lineEnd(tokens, i);
    const line = tokens.slice(i, end);
    const last = line[line.length - 1]!;
    if (line.length > 1 && isBrace(last, '{')) {
      if (tooDeep(last)) return { nodes, next: tokens.length };
      const inner = parseBody(ctx, tokens, end, last, depth + 1);
      const node: Node = { name: t, args: line.slice(1, -1), block: inner.nodes, span: spanOf(t, inner.close ?? last) };
      if (!inner.close && !ctx.stopped) ctx.problems.push({ span: last.span, message: 'unexpected EOF: the block opened here is never closed', kind: 'syntax' });
      nodes.push(node);
      i = inner.next;
      continue;
    }
    if (isBrace(t, '{')) {
      ctx.problems.push({ span: t.span, message: "unexpected '{': a block must follow a directive on the same line", kind: 'syntax' });
      if (tooDeep(t)) return { nodes, next: tokens.length };
      const inner = parseBody(ctx, tokens, i + 1, t, depth + 1);
      i = inner.next;
      continue;
    }
    // A `}` on the same line as other tokens closes the block (`respond "x" }` is accepted by Caddy 2.6).
    const brace = line.findIndex((x) => isBrace(x, '}'));
    if (brace > 0) {
      nodes.push({ name: t, args: line.slice(1, brace), span: spanOf(t, line[brace - 1]!) });
      return { nodes, next: i + brace + 1, close: line[brace]! };
    }
    nodes.push({ name: t, args: line.slice(1), span: spanOf(t, last) });
    i = end;
  }
  if (closedBy) return { nodes, next: i };
  return { nodes, next: i };
}

export function parseCaddyfile(rootPath: string, io: ConfigIO, env: Readonly<Record<string, string>> = {}, argsBrackets = true): ParsedCaddyfile {
  const ctx: Ctx = { io, files: new Map(), comments: [], problems: [], snippets: new Map(), imported: new Set(), env, argsBrackets, seg: 0 };
  const root = io.read(rootPath);
  if (isIoError(root)) {
    ctx.problems.push({ span: { file: rootPath, start: 0, end: 0 }, message: `could not read ${rootPath}: ${root.error}`, kind: 'include-unresolved' });
    return { blocks: [], files: ctx.files, comments: ctx.comments, problems: ctx.problems };
  }
  ctx.files.set(rootPath, root);
  const tokens = expand(ctx, lexFile(ctx, rootPath, root), rootPath, 0, [rootPath]);
  const blocks: ServerBlock[] = [];
  let i = 0;
  if (isBrace(tokens[0], '{') && (tokens.length === 1 || !sameLine(tokens[0]!, tokens[1]!))) {
    const inner = parseBody(ctx, tokens, 1, tokens[0]!);
    blocks.push({ keys: [], body: inner.nodes, span: spanOf(tokens[0]!, inner.close ?? tokens[0]!), global: true });
    if (!inner.close && !ctx.stopped) ctx.problems.push({ span: tokens[0]!.span, message: 'unexpected EOF: the global options block is never closed', kind: 'syntax' });
    i = inner.next;
  }
  // A file of directives only (meant to be imported into a site block) is one site fragment.
  if (i < tokens.length && isDirectiveName(tokens[i]!)) {
    const rest = parseBody(ctx, tokens, i, null);
    blocks.push({ keys: [], body: rest.nodes, span: spanOf(tokens[i]!, tokens[tokens.length - 1]!), global: false, fragment: true });
    if (rest.close) ctx.problems.push({ span: rest.close.span, message: "unexpected '}'", kind: 'syntax' });
    i = tokens.length;
  }
  while (i < tokens.length) {
    const first = tokens[i]!;
    // Keys run to a `{` at the end of a line; a line ending with `,` continues the key list.
    const keys: PToken[] = [];
    let j = i;
    let open: PToken | undefined;
    while (j < tokens.length) {
      const end = lineEnd(tokens, j);
      const line = tokens.slice(j, end);
      const last = line[line.length - 1]!;
      if (isBrace(last, '{')) {
        keys.push(...line.slice(0, -1));
        open = last;
        j = end;
        break;
      }
      keys.push(...line);
      j = end;
      if (!last.value.endsWith(',')) break;
    }
    if (open) {
      const inner = parseBody(ctx, tokens, j, open);
      if (!inner.close && !ctx.stopped) ctx.problems.push({ span: open.span, message: 'unexpected EOF: the site block opened here is never closed', kind: 'syntax' });
      blocks.push({ keys, body: inner.nodes, span: spanOf(first, inner.close ?? open), global: false });
      i = inner.next;
      continue;
    }
    // A single site without braces: every following line is one of its directives.
    if (blocks.some((b) => !b.global)) {
      ctx.problems.push({ span: first.span, message: 'Site addresses must be followed by a block: a Caddyfile with several sites needs braces around each', kind: 'syntax' });
    }
    const rest = parseBody(ctx, tokens, j, null);
    blocks.push({ keys, body: rest.nodes, span: spanOf(first, tokens[tokens.length - 1]!), global: false });
    if (rest.close) ctx.problems.push({ span: rest.close.span, message: "unexpected '}'", kind: 'syntax' });
    i = rest.next;
  }
  // Snippets nothing here imports are linted as fragments of the sites that will import them.
  for (const [name, body] of ctx.snippets) {
    if (ctx.imported.has(name) || body.length === 0) continue;
    const nodes = parseBody(ctx, body, 0, null).nodes;
    blocks.push({ keys: [], body: nodes, span: spanOf(body[0]!, body[body.length - 1]!), global: false, fragment: true, snippet: name });
  }
  return { blocks, files: ctx.files, comments: ctx.comments, problems: ctx.problems };
}

/** Directive names that can open a site fragment (not a site address). */
const FRAGMENT_START = new Set([
  'header', 'reverse_proxy', 'php_fastcgi', 'handle', 'handle_path', 'route', 'respond', 'file_server', 'redir', 'rewrite', 'uri',
  'encode', 'tls', 'log', 'root', 'basicauth', 'forward_auth', 'request_header', 'try_files', 'templates', 'vars', 'map', 'abort', 'error',
  'handle_errors', 'bind', 'request_body', 'push', 'metrics', 'copy_response', 'copy_response_headers', 'method', 'tracing', 'skip_log',
]);

function isDirectiveName(t: PToken): boolean {
  return t.quote === null && (FRAGMENT_START.has(t.value) || /^@[\w-]+$/.test(t.value));
}
