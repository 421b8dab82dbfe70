/**
 * Builds the syntax tree of an Apache configuration the way httpd reads it
 * (server/config.c `ap_build_config`, `ap_build_config_sub`, `ap_soak_end_container`):
 * one logical line at a time, `${NAME}` substituted first, directive names case-insensitive,
 * `<Section args>` … `</Section>` nested and balanced within each file. Directives httpd executes
 * while reading (`EXEC_ON_READ`) are executed here too, in reading order: `Define`, `UnDefine`,
 * `ServerRoot`, `LoadModule`, `Include`, `IncludeOptional`, and the conditional sections.
 *
 * Never throws: what httpd would refuse is returned as positioned problems (syntax errors have
 * `kind: 'syntax'`, unresolvable includes `include-unresolved`) and parsing goes on.
 */
import { posix } from 'node:path';
import type { CommentToken, Problem } from '../../model/header-rewrite.js';
import { type SourceFile, type Span, isIoError, positionAt, type ConfigIO } from '../../source.js';
import { evaluateConditional, moduleOfDirective, ModuleSet } from './conditionals.js';
import { DEFAULT_SERVER_ROOT, pathExists, resolveInclude } from './includes.js';
import { isInside, lintedTree, mapPath, type PathMapping } from '../path-map.js';
import { lineOffset, readLogicalLines, type LogicalLine } from './lexer.js';
import { checkParams, substituteLine, type MacroDefinition, type MacroLine, type MacroUse } from './macros.js';
import { CONDITIONAL_SECTIONS, type DirectiveNode, type Node, type SectionNode } from './syntax.js';
import { expandLine, nextWord, splitWords, textSpan, type ExpandedLine, type PreExpanded, type Word } from './words.js';


/**
 * Deeper section nesting (across includes) is refused: httpd has no such limit, but every level
 * is a recursion in the walks after parsing, and 20,000 nested <If> exhausted the stack. Real
 * configurations nest a handful; nginx blocks and IIS elements stop at the same depth.
 */
export const MAX_SECTION_DEPTH = 256;

/** Sections httpd opens without an argument. */
const NO_ARGUMENT_SECTIONS: ReadonlySet<string> = new Set(['else', 'requireall', 'requireany', 'requirenone']);

/**
 * Bounds on `${NAME}` substitution. httpd builds whatever the `Define`s produce (40 quoted
 * `Define`s, each the previous one twice, ask for a terabyte and it runs out of memory); no real
 * configuration line is longer than a few kilobytes. A line longer than this after substitution,
 * or a parse whose substitutions add up to more than the total, is refused with a message and
 * the file is not read further.
 */
export const MAX_EXPANDED_LINE = 1024 * 1024;
export const MAX_EXPANDED_TOTAL = 16 * 1024 * 1024;

/** Directives {@link Parser.execute} runs while reading; the others' arguments are split only if needed. */
const READ_TIME: ReadonlySet<string> = new Set(['define', 'undefine', 'serverroot', 'loadmodule', 'include', 'includeoptional']);

/**
 * A directive whose arguments and span are made on first use: lowering looks at the arguments of
 * a few directives (Header, ProxyPass, SetEnv...), and words and spans for every other line of a
 * large configuration were most of the garbage collector's work.
 */
class ParsedDirective implements DirectiveNode {
  declare included?: Node[];
  #span: Span | undefined;

  constructor(
    readonly name: string,
    readonly lname: string,
    readonly line: ExpandedLine,
  ) {}

  get type(): 'directive' {
    return 'directive';
  }

  /** The line's first word, made on each use (the parse read it already; keeping it was most of a directive's memory). */
  get nameWord(): Word {
    return nextWord(this.line, 0)!;
  }

  get args(): readonly Word[] {
    return splitWords(this.line, this.nameWord.end);
  }

  get span(): Span {
    return (this.#span ??= textSpan(this.line, 0, this.line.text.length));
  }
}

export interface ParseOptions {
  readonly serverRoot?: string;
  /** `-D` defines and environment variables. */
  readonly defines?: Readonly<Record<string, string>>;
  /** Where absolute include paths are read from (`--root`, `pathMap`). */
  readonly pathMap?: readonly PathMapping[];
  /** The directory the linter runs in (for the linted tree absolute includes may leave). */
  readonly cwd?: string;
  /** The modules the server loads, for a tree without `LoadModule` (default: Debian's). */
  readonly modules?: readonly string[];
}

export interface ParsedConfig {
  readonly root: string;
  readonly nodes: readonly Node[];
  readonly files: ReadonlyMap<string, SourceFile>;
  readonly problems: readonly Problem[];
  readonly comments: readonly CommentToken[];
  /** Whether an active `LoadModule` line was read anywhere. */
  readonly loadsModules: boolean;
  /**
   * The modules `<IfModule>` was evaluated against: those of the tree's `LoadModule` lines, or,
   * without any, the ones assumed (the `apacheModules` setting or Debian's defaults, plus the
   * modules whose directives the tree uses outside `<IfModule>`).
   */
  readonly modules: { readonly from: 'LoadModule' | 'apacheModules' | 'Debian defaults'; readonly loaded: readonly string[] };
  /** Every `Use` expanded, in reading order (nested ones too). */
  readonly macroUses: readonly MacroUse[];
}

/**
 * The lines still to read: the file's, and on top the lines of the `Use`s being expanded (httpd
 * reads a `Use`'s lines in place of the config file, then returns to it).
 */
class Feed {
  private readonly frames: { lines: readonly MacroLine[] | readonly LogicalLine[]; i: number; macro?: string; where?: string }[];
  /** The text of the line {@link next} returned, when a macro substituted it. */
  pre: PreExpanded | undefined;

  constructor(lines: readonly LogicalLine[]) {
    this.frames = [{ lines, i: 0 }];
  }

  next(): LogicalLine | undefined {
    for (;;) {
      const f = this.frames[this.frames.length - 1]!;
      if (f.i < f.lines.length) {
        const item = f.lines[f.i++]!;
        if ('line' in item) {
          this.pre = item.pre;
          return item.line;
        }
        this.pre = undefined;
        return item;
      }
      if (this.frames.length === 1) return undefined;
      this.frames.pop();
    }
  }

  /** Reads `lines` (a `Use`'s expansion) before the rest. */
  push(lines: readonly MacroLine[], macro: string, where: string): void {
    this.frames.push({ lines, i: 0, macro, where });
  }

  /** The expansions being read (innermost last): `Use` inside one of them must not name it again. */
  expanding(name: string): boolean {
    return this.frames.some((f) => f.macro === name);
  }

  /** httpd's name of the "file" being read, for its messages: `macro 'x' (...) used on line N of "f"`. */
  where(): string | undefined {
    return this.frames[this.frames.length - 1]!.where;
  }

  /** The line number httpd counts in the current expansion (1-based). */
  lineInExpansion(): number {
    return this.frames[this.frames.length - 1]!.i;
  }
}

function isCommentLine(line: LogicalLine, pre: PreExpanded | undefined): boolean {
  return pre ? pre.text.startsWith('#') : line.isComment;
}

/** AP_MAX_INCLUDE_DEPTH in include/http_config.h. */
const MAX_INCLUDE_DEPTH = 128;

class Parser {
  readonly files = new Map<string, SourceFile>();
  readonly problems: Problem[] = [];
  readonly comments: CommentToken[] = [];
  loadsModules = false;
  /** Whether an `<IfModule>` section was read (its value may depend on the assumed modules). */
  readsIfModule = false;
  private readonly defines = new Map<string, string | undefined>();
  private serverRoot: string;
  private readonly rootDir: string;
  private readonly rootPath: string;
  /** The linted tree, looked up on the first absolute include. */
  private tree: { dir: string | undefined } | undefined;
  /** `<Macro>` definitions by lower-cased name; null before the first (httpd's messages differ). */
  private macros: Map<string, MacroDefinition> | null = null;
  readonly macroUses: MacroUse[] = [];
  /** Real paths of the files being read, outermost first (include cycle detection). */
  private readonly chain: { real: string; path: string }[] = [];

  constructor(
    private readonly io: ConfigIO,
    private readonly options: ParseOptions,
    rootPath: string,
    /** undefined = no LoadModule anywhere: every module is assumed loaded. */
    private readonly modules: ModuleSet | undefined,
  ) {
    this.serverRoot = options.serverRoot ?? DEFAULT_SERVER_ROOT;
    this.rootDir = posix.dirname(rootPath);
    this.rootPath = rootPath;
  }

  private lookup = (name: string): string | undefined => {
    const d = this.defines.get(name);
    if (d !== undefined) return d;
    return this.options.defines?.[name];
  };

  private isDefined(name: string): boolean {
    return this.defines.has(name) || (this.options.defines !== undefined && Object.hasOwn(this.options.defines, name));
  }

  private syntax(span: Span, message: string): void {
    this.problems.push({ span, message, kind: 'syntax' });
  }

  /** Reads one file; returns its top-level nodes. `via` is the include path word, for problems. */
  parseFile(path: string, via?: { span: Span }): Node[] {
    const source = this.io.read(path);
    if (isIoError(source)) {
      if (via) this.problems.push({ span: via.span, message: `Apache refuses to start: "Could not open configuration file ${path}: ${source.error}".`, kind: 'include-unresolved' });
      return [];
    }
    const real = this.io.realpath(path);
    const cycleAt = this.chain.findIndex((c) => c.real === real);
    if (cycleAt !== -1 && via) {
      const loop = [...this.chain.slice(cycleAt).map((c) => c.path), path].join(' → ');
      this.problems.push({
        span: via.span,
        message: `Include cycle: ${loop}. httpd stops with "Exceeded maximum include depth of ${MAX_INCLUDE_DEPTH}".`,
        kind: 'include-unresolved',
      });
      return [];
    }
    if (this.chain.length >= MAX_INCLUDE_DEPTH && via) {
      this.problems.push({ span: via.span, message: `Exceeded maximum include depth of ${MAX_INCLUDE_DEPTH}, There appears to be a recursion.`, kind: 'include-unresolved' });
      return [];
    }
    if (!this.files.has(path)) this.files.set(path, source);
    this.chain.push({ real, path });
    try {
      return this.parseLines(new Feed(readLogicalLines(source)));
    } finally {
      this.chain.pop();
    }
  }

  private parseLines(feed: Feed): Node[] {
    let stopped = false;
    const top: Node[] = [];
    const stack: { readonly section: SectionNode }[] = [];
    const children = (): Node[] => (stack.length > 0 ? stack[stack.length - 1]!.section.children : top);
    for (let line = feed.next(); line; line = feed.next()) {
      const pre = feed.pre;
      if (isCommentLine(line, pre)) {
        if (!pre) this.comment(line);
        continue;
      }
      if (pre) {
        this.expanded += pre.text.length;
        if (this.expanded > MAX_EXPANDED_TOTAL) {
          this.syntax(textSpan({ line, text: pre.text, ranges: { from: pre.from, to: pre.to, subst: pre.subst } }, 0, pre.text.length), `Use expansion refused: the lines expanded so far exceed ${MAX_EXPANDED_TOTAL / 1024 / 1024} MiB in total (macros that use each other many times); lint-proxy-config stops reading this file here`);
          stopped = true;
          break;
        }
      }
      const x = expandLine(line, this.lookup, Math.min(MAX_EXPANDED_LINE, MAX_EXPANDED_TOTAL - this.expanded), pre);
      if (x.overflow) {
        const what = this.expanded + MAX_EXPANDED_LINE > MAX_EXPANDED_TOTAL ? `the lines expanded so far exceed ${MAX_EXPANDED_TOTAL / 1024 / 1024} MiB in total` : `this line would exceed ${MAX_EXPANDED_LINE / 1024 / 1024} MiB`;
        this.syntax(textSpan(x, 0, line.text.length), `\${...} substitution refused: ${what} (Define values that repeat each other); lint-proxy-config stops reading this file here`);
        stopped = true;
        break;
      }
      if (x.ranges !== null) this.expanded += x.text.length;
      const first = nextWord(x, 0);
      if (!first) continue;
      const name = first.value;
      if (name.startsWith('</')) {
        this.closeSection(x, name, first.span, stack);
        continue;
      }
      if (name.startsWith('<')) {
        if (this.outerDepth + stack.length >= MAX_SECTION_DEPTH) {
          this.syntax(first.span, `sections are nested more than ${MAX_SECTION_DEPTH} deep; lint-proxy-config stops reading this file here`);
          stopped = true;
          break;
        }
        const section = this.openSection(x, name, first);
        children().push(section);
        if (section.lname === 'macro') this.defineMacro(section, feed);
        else if (section.active === false) this.soak(feed, section);
        else stack.push({ section });
        continue;
      }
      // An Include reads its files inside the sections open here.
      const outer = this.outerDepth;
      this.outerDepth = outer + stack.length;
      const directive = this.directive(x, name);
      this.outerDepth = outer;
      children().push(directive);
      if (directive.lname === 'use') this.useMacro(directive, feed);
      else if (directive.lname === 'undefmacro') this.undefMacro(directive);
    }
    if (stopped) return top;
    for (let k = stack.length - 1; k >= 0; k--) {
      const s = stack[k]!.section;
      this.syntax(s.nameWord.span, `<${s.name}> was not closed.`);
    }
    return top;
  }

  /** Sections open in the files that include the one being read. */
  private outerDepth = 0;

  /** Characters produced by `${NAME}` substitution so far (bounded by {@link MAX_EXPANDED_TOTAL}). */
  private expanded = 0;

  private readonly commentKeys = new Set<string>();

  /** Comments are kept once even when their file is included several times. */
  private comment(line: LogicalLine): void {
    const start = lineOffset(line, 0);
    const end = lineOffset(line, line.text.length - 1) + 1;
    const key = `${line.file}\u0000${start}`;
    if (this.commentKeys.has(key)) return;
    this.commentKeys.add(key);
    this.comments.push({ span: { file: line.file, start, end }, text: line.text.slice(1) });
  }

  /** Each spelling of a directive name once, with its lower case: a large configuration repeats a few dozen. */
  private readonly names = new Map<string, readonly [string, string]>();

  private directive(x: ExpandedLine, written: string): DirectiveNode {
    let known = this.names.get(written);
    if (!known) {
      // ap_build_config_sub strips one trailing '>' from a directive name.
      const name = written.endsWith('>') ? written.slice(0, -1) : written;
      this.names.set(written, (known = [name, name.toLowerCase()]));
    }
    const node = new ParsedDirective(known[0], known[1], x);
    this.execute(node);
    return node;
  }

  /** Directives httpd runs while reading (EXEC_ON_READ). */
  private execute(node: DirectiveNode): void {
    if (!READ_TIME.has(node.lname)) return;
    const a = node.args;
    switch (node.lname) {
      case 'define':
        if (a[0] && !a[0].value.includes(':')) this.defines.set(a[0].value, a[1]?.value);
        else if (a[0]) this.problems.push({ span: a[0].span, message: "Variable name must not contain ':'", kind: 'syntax' });
        break;
      case 'undefine':
        if (a[0]) this.defines.delete(a[0].value);
        break;
      case 'serverroot':
        if (a[0] && this.options.serverRoot === undefined) this.serverRoot = a[0].value;
        break;
      case 'loadmodule':
        this.loadsModules = true;
        if (a[0] && a[1]) this.modules?.load(a[0].value, a[1].value);
        break;
      case 'include':
      case 'includeoptional':
        this.include(node, node.lname === 'includeoptional');
        break;
      default:
        break;
    }
  }

  private includeContext(includingDir: string) {
    return { io: this.io, serverRoot: this.serverRoot, serverRootGiven: this.options.serverRoot !== undefined, rootDir: this.rootDir, includingDir, pathMap: this.options.pathMap ?? [] };
  }

  private include(node: DirectiveNode, optional: boolean): void {
    const arg = node.args[0];
    node.included = [];
    if (!arg) return;
    const includingDir = posix.dirname(node.span.file);
    const resolution = resolveInclude(arg.value, optional, this.includeContext(includingDir));
    this.checkTree(arg, resolution.candidate);
    if (resolution.error) {
      this.problems.push({ span: arg.span, message: `${node.name} ${arg.value}: Apache refuses to start: "${resolution.error}".`, kind: 'include-unresolved' });
      return;
    }
    for (const file of resolution.files) node.included.push(...this.parseFile(file, arg));
  }

  /**
   * An absolute include in a repository copy that leaves the linted tree (see path-map.ts): read
   * from a re-rooted copy with the same layout, or from this machine's files. Not reported when
   * `--root`/`pathMap` say where the path is.
   */
  private checkTree(arg: { value: string; span: Span }, candidate: string | undefined): void {
    if (!posix.isAbsolute(arg.value)) return;
    const written = posix.normalize(arg.value);
    if (mapPath(written, this.options.pathMap ?? []) !== undefined) return;
    const tree = (this.tree ??= { dir: lintedTree(this.rootPath, this.io, this.options.cwd) }).dir;
    if (tree === undefined || !isInside(this.rootPath, tree) || isInside(written, tree)) return;
    const message =
      candidate !== undefined && candidate !== written && isInside(candidate, tree)
        ? `Include ${arg.value} leaves the linted tree; read from ${candidate}, which has the same layout (say so with --root or "pathMap").`
        : `Include ${arg.value} leaves the linted tree ${tree} and reads this machine's files, not the repository's (map it with --root or "pathMap").`;
    this.problems.push({ span: arg.span, message, kind: 'include-outside-tree' });
  }

  private openSection(x: ExpandedLine, written: string, first: NonNullable<ReturnType<typeof nextWord>>): SectionNode {
    // `<VirtualHost>` alone: the name loses its '>' and the handler sees the argument ">".
    const bare = written.endsWith('>') && x.text.slice(first.end).trim() === '';
    const name = (bare ? written.slice(1, -1) : written.slice(1)) || written.slice(1);
    const lname = name.toLowerCase();
    const rest = bare ? '' : x.text.slice(first.end);
    const gt = bare ? 0 : rest.lastIndexOf('>');
    const span = textSpan(x, 0, x.text.length);
    if (!bare && gt === -1) this.syntax(span, `<${name}> directive missing closing '>'`);
    const argsEnd = gt === -1 ? x.text.length : first.end + gt;
    const args = bare ? [] : splitWords(x, first.end, argsEnd);
    let active: boolean | undefined;
    if (CONDITIONAL_SECTIONS.has(lname)) {
      if (lname === 'ifmodule') this.readsIfModule = true;
      const argText = bare ? '' : x.text.slice(first.end, argsEnd);
      const value = evaluateConditional(
        lname,
        argText,
        args.map((w) => w.value),
        {
          modules: this.modules,
          isDefined: (n) => this.isDefined(n),
          fileExists: (p) => pathExists(p, this.includeContext(posix.dirname(x.line.file))),
        },
      );
      if (typeof value === 'object') {
        this.syntax(first.span, value.error);
        active = false;
      } else active = value;
    } else if (NO_ARGUMENT_SECTIONS.has(lname)) {
      // mod_authz_core's `add_authz_section`: <RequireAll>/<RequireAny>/<RequireNone> take none (<Else> is read by its own code).
      if (args.length > 0 && lname !== 'else') this.syntax(span, `<${name}> directive doesn't take additional arguments`);
    } else if (args.length === 0) {
      this.syntax(span, `<${name}> directive requires additional arguments`);
    }
    const section: SectionNode = { type: 'section', name, lname, nameWord: first, args, line: x, span, close: null, children: [] };
    return active === undefined ? section : { ...section, active };
  }

  private closeSection(x: ExpandedLine, written: string, span: Span, stack: { readonly section: SectionNode }[]): void {
    const name = written.endsWith('>') ? written.slice(2, -1) : written.slice(2);
    const top = stack[stack.length - 1];
    if (!top) {
      this.syntax(span, `${written} without matching <${written.slice(2)} section`);
      return;
    }
    if (!written.endsWith('>')) {
      this.syntax(span, `${written}> directive missing closing '>'`);
    }
    if (name.toLowerCase() === top.section.lname) {
      top.section.close = textSpan(x, 0, x.text.length);
      stack.pop();
      return;
    }
    this.syntax(span, `Expected </${top.section.name}> but saw </${name}>`);
    // Recover: close up to the matching open section when there is one, else ignore the line.
    const at = stack.map((f) => f.section.lname).lastIndexOf(name.toLowerCase());
    if (at === -1) return;
    stack[at]!.section.close = textSpan(x, 0, x.text.length);
    stack.length = at;
  }

  /**
   * Skips an inactive conditional section like `ap_soak_end_container`: lines are not
   * substituted or executed, only section tags are tracked to find the matching close.
   * Returns the index of the closing line (or the last line).
   */
  private soak(feed: Feed, section: SectionNode): void {
    // Names as written: httpd's messages quote the tag as it appears in the file.
    const open: string[] = [section.name];
    for (let line = feed.next(); line; line = feed.next()) {
      if (isCommentLine(line, feed.pre)) {
        if (!feed.pre) this.comment(line);
        continue;
      }
      const x = expandLine(line, () => undefined, undefined, feed.pre);
      const first = nextWord(x, 0);
      if (!first?.value.startsWith('<')) continue;
      if (first.value.startsWith('</')) {
        const name = first.value.slice(2, first.value.endsWith('>') ? -1 : undefined);
        const expected = open[open.length - 1]!;
        if (name.toLowerCase() === expected.toLowerCase()) open.pop();
        else {
          this.syntax(first.span, `Expected </${expected}> but saw </${name}>`);
          const at = open.map((n) => n.toLowerCase()).lastIndexOf(name.toLowerCase());
          if (at !== -1) open.length = at;
        }
        if (open.length === 0) {
          section.close = textSpan(x, 0, x.text.length);
          return;
        }
        continue;
      }
      const bare = x.text.slice(first.end).trim() === '' && first.value.endsWith('>');
      open.push(bare ? first.value.slice(1, -1) : first.value.slice(1));
    }
    this.syntax(section.nameWord.span, `Expected </${section.name}> before end of configuration`);
  }

  /** A mod_macro error httpd stops on (returns nothing, so callers can `return` it). */
  private refused(span: Span, message: string): undefined {
    this.problems.push({ span, message: `Apache refuses to start: "${message}".`, kind: 'refused' });
  }

  /** httpd's `line N of "file"` for a line: the last physical line it was read from. */
  private lineNumber(line: LogicalLine): number {
    const file = this.files.get(line.file);
    return file ? positionAt(file, line.lineEnd).line : 0;
  }

  /** What httpd calls the place being read: a file, or the expansion of a `Use`. */
  private place(x: ExpandedLine, feed: Feed): { line: number; name: string } {
    const where = feed.where();
    return where === undefined ? { line: this.lineNumber(x.line), name: x.line.file } : { line: feed.lineInExpansion(), name: where };
  }

  /** `macro_section`: stores the body up to the matching `</Macro>` (`get_lines_till_end_token`). */
  private defineMacro(section: SectionNode, feed: Feed): void {
    if (this.modules && !this.modules.has('macro_module')) {
      this.refused(section.nameWord.span, `Invalid command '<${section.name}', perhaps misspelled or defined by a module not included in the server configuration`);
    }
    const at = this.place(section.line, feed);
    const name = (section.args[0]?.value ?? '').toLowerCase();
    const location = `defined on line ${at.line} of "${at.name}"`;
    const body: MacroLine[] = [];
    let depth = 1;
    for (let line = feed.next(); line; line = feed.next()) {
      const pre = feed.pre;
      if (isCommentLine(line, pre)) {
        if (!pre) this.comment(line);
        continue;
      }
      const x: ExpandedLine = pre ? { line, text: pre.text, ranges: { from: pre.from, to: pre.to, subst: pre.subst } } : { line, text: line.text, ranges: null };
      const first = nextWord(x, 0)?.value.toLowerCase();
      if (first === '</macro>') depth--;
      else if (first === '<macro') depth++;
      if (depth === 0) {
        section.close = textSpan(x, 0, x.text.length);
        break;
      }
      body.push(pre ? { line, pre } : { line });
    }
    if (depth > 0) {
      this.syntax(section.nameWord.span, `macro '${name}' (${location}) contents error: expected token not found: </Macro>`);
      return;
    }
    if (name === '') return;
    const params = section.args.slice(1).map((w) => w.value);
    const error = checkParams(name, location, params);
    if (error) {
      this.refused(section.args[0]!.span, error);
      return;
    }
    (this.macros ??= new Map()).set(name, { name, params, body, location, section });
  }

  /** `use_macro`: reads the macro's body, its parameters substituted, in place of the `Use` line. */
  private useMacro(node: DirectiveNode, feed: Feed): undefined {
    if (this.macros === null) return this.refused(node.nameWord.span, 'no macro defined before Use');
    const args = node.args;
    if (!args[0] || args[0].value === '') return this.refused(node.nameWord.span, 'no macro name specified with Use');
    const name = args[0].value.toLowerCase();
    const macro = this.macros.get(name);
    if (!macro) return this.refused(args[0].span, `macro '${name}' undefined`);
    if (feed.expanding(name)) return this.refused(args[0].span, `recursive use of macro '${name}' is invalid`);
    const values = args.slice(1).map((w) => w.value);
    if (values.length !== macro.params.length) {
      return this.refused(args[0].span, `macro '${name}' (${macro.location}) used with ${values.length} arguments instead of ${macro.params.length}`);
    }
    const at = this.place(node.line, feed);
    const where = `macro '${name}' (${macro.location}) used on line ${at.line} of "${at.name}"`;
    const lines: MacroLine[] = [];
    for (const src of macro.body) {
      const pre = substituteLine(src, macro.params, values);
      if ('error' in pre) return this.refused(node.span, `${where} error while substituting: ${pre.error}`);
      lines.push({ line: src.line, pre });
    }
    const def = macro.section;
    this.macroUses.push({ name, use: node.span, label: node.line.text, body: { file: def.span.file, start: def.span.start, end: def.close?.end ?? def.span.end } });
    feed.push(lines, name, where);
  }

  /** `undef_macro`. */
  private undefMacro(node: DirectiveNode): undefined {
    if (this.macros === null) return this.refused(node.nameWord.span, 'no macro defined before UndefMacro');
    const name = (node.args[0]?.value ?? '').toLowerCase();
    if (name === '') return this.refused(node.nameWord.span, 'no macro name specified with UndefMacro');
    if (!this.macros.delete(name)) this.refused(node.args[0]!.span, `cannot remove undefined macro '${name}'`);
  }
}

/** The modules whose directives `nodes` use outside any `<IfModule>`: httpd would not start without them. */
function modulesUsedOutsideIfModule(nodes: readonly Node[]): Set<string> {
  const used = new Set<string>();
  const walk = (list: readonly Node[]) => {
    for (const node of list) {
      if (node.type === 'directive') {
        const m = moduleOfDirective(node.lname);
        if (m) used.add(m);
        if (node.included) walk(node.included);
        continue;
      }
      if (node.lname === 'ifmodule' || node.active === false) continue;
      const m = moduleOfDirective(`<${node.lname}`);
      if (m) used.add(m);
      walk(node.children);
    }
  };
  walk(nodes);
  return used;
}

function run(rootPath: string, io: ConfigIO, options: ParseOptions, modules: ModuleSet | undefined): { parser: Parser; nodes: Node[] } {
  const parser = new Parser(io, options, rootPath, modules);
  const nodes = parser.parseFile(rootPath);
  return { parser, nodes };
}

/**
 * Parses `rootPath` and what it includes. `<IfModule>` is first evaluated assuming every module
 * is loaded; when the tree turns out to load modules itself, it is parsed again with the modules
 * its `LoadModule` lines load, in reading order, as httpd evaluates them.
 */
export function parseApache(rootPath: string, io: ConfigIO, options: ParseOptions = {}): ParsedConfig {
  let { parser, nodes } = run(rootPath, io, options, undefined);
  let modules: ModuleSet;
  if (parser.loadsModules) ({ parser, nodes } = run(rootPath, io, options, (modules = new ModuleSet())));
  else {
    modules = ModuleSet.assumed(options.modules, modulesUsedOutsideIfModule(nodes));
    if (parser.readsIfModule) ({ parser, nodes } = run(rootPath, io, options, modules));
  }
  const root = io.read(rootPath);
  const problems = [...parser.problems];
  if (isIoError(root)) problems.push({ span: { file: rootPath, start: 0, end: 0 }, message: `Could not open configuration file ${rootPath}: ${root.error}`, kind: 'syntax' });
  const from = parser.loadsModules ? 'LoadModule' : options.modules ? 'apacheModules' : 'Debian defaults';
  return { root: rootPath, nodes, files: parser.files, problems, comments: parser.comments, loadsModules: parser.loadsModules, modules: { from, loaded: modules.list() }, macroUses: parser.macroUses };
}
