/**
 * mod_macro as httpd 2.4 runs it (modules/core/mod_macro.c), at configuration-read time:
 *
 * - `<Macro name par1 .. parN>` stores the body's lines as read (continuations joined, trimmed,
 *   comment lines dropped, no `${NAME}` substitution) up to the `</Macro>` that closes it
 *   (`<Macro>` inside counts as nesting); names are case-insensitive (stored lower-cased, and
 *   httpd's messages use the lower-cased name); a second definition replaces the first;
 * - `Use name v1 .. vN` substitutes the values for the parameters in every body line
 *   (`substitute_macro_args`): the earliest occurrence of any parameter first, the longest on a
 *   tie, scanning on after the value's length; a parameter starting with `@` is replaced by its
 *   value in double quotes with `"` and `\` escaped; a line may not grow to 8192 bytes. The lines
 *   are then read in place of the `Use` line, like an included file (`${NAME}`, sections,
 *   nested `Use`s);
 * - `UndefMacro name` forgets a definition.
 *
 * Every character of an expanded line keeps its place in the file: body text points into the
 * `<Macro>` body, a value at the parameter reference it replaced (see {@link PreExpanded}).
 */
import type { Span } from '../../source.js';
import { lineOffset, type LogicalLine } from './lexer.js';
import type { SectionNode } from './syntax.js';
import type { PreExpanded } from './words.js';

/** One line of a macro body: the file's line, and its text when it came from another expansion. */
export interface MacroLine {
  readonly line: LogicalLine;
  readonly pre?: PreExpanded;
}

export interface MacroDefinition {
  /** Lower-cased, as httpd stores and names it. */
  readonly name: string;
  readonly params: readonly string[];
  readonly body: readonly MacroLine[];
  /** httpd's `defined on line N of "file"`. */
  readonly location: string;
  readonly section: SectionNode;
}

/** One `Use` expanded: where it is, and the `<Macro>` … `</Macro>` whose body it read. */
export interface MacroUse {
  readonly name: string;
  readonly use: Span;
  /** The `Use` line as written (for messages). */
  readonly label: string;
  /** The whole definition, from `<Macro` to the end of `</Macro>`. */
  readonly body: Span;
}

/** MAX_STRING_LEN: `process_content` substitutes into a buffer of this size. */
const LINE_BUFFER = 8192;

/** `<Macro>` parameter checks (`check_macro_arguments`): httpd's error, or undefined. */
export function checkParams(name: string, location: string, params: readonly string[]): string | undefined {
  for (let i = 0; i < params.length; i++) {
    if (params[i] === '') return `macro '${name}' (${location}): empty argument #${i + 1} name`;
    for (let j = i + 1; j < params.length; j++) {
      if (params[i] === params[j]) {
        return `argument name conflict in macro '${name}' (${location}): argument '${params[i]}': #${i + 1} and #${j + 1}, change argument names!`;
      }
    }
  }
  return undefined;
}

/** `substitute_macro_args` on one body line: the substituted text with its file ranges, or httpd's error. */
export function substituteLine(src: MacroLine, params: readonly string[], values: readonly string[]): PreExpanded | { readonly error: string } {
  let text = src.pre ? src.pre.text : src.line.text;
  const from: number[] = [];
  const to: number[] = [];
  const subst: number[] = [];
  for (let i = 0; i < text.length; i++) {
    from.push(src.pre ? src.pre.from[i]! : lineOffset(src.line, i));
    to.push(src.pre ? src.pre.to[i]! : lineOffset(src.line, i) + 1);
    subst.push(src.pre ? src.pre.subst[i]! : 0);
  }
  let ptr = 0;
  for (;;) {
    let at = -1;
    let which = -1;
    for (let k = 0; k < params.length; k++) {
      const found = text.indexOf(params[k]!, ptr);
      if (found !== -1 && (at === -1 || found < at || (found === at && params[k]!.length > params[which]!.length))) {
        at = found;
        which = k;
      }
    }
    if (at === -1) break;
    const param = params[which]!;
    const value = values[which]!;
    const replacement = param.startsWith('@') ? `"${value.replace(/["\\]/g, '\\$&')}"` : value;
    // The body line is stored with its end of line: the buffer holds text, "\n" and NUL.
    if (text.length - param.length + replacement.length + 1 >= LINE_BUFFER) return { error: 'cannot substitute, buffer size too small' };
    let a = from[at]!;
    let b = to[at]!;
    for (let k = at; k < at + param.length; k++) {
      a = Math.min(a, from[k]!);
      b = Math.max(b, to[k]!);
    }
    text = text.slice(0, at) + replacement + text.slice(at + param.length);
    const n = replacement.length;
    from.splice(at, param.length, ...new Array<number>(n).fill(a));
    to.splice(at, param.length, ...new Array<number>(n).fill(b));
    subst.splice(at, param.length, ...new Array<number>(n).fill(2));
    // httpd moves on by the value's length, even when the quoted replacement is longer.
    ptr = at + value.length;
  }
  return { text, from: Int32Array.from(from), to: Int32Array.from(to), subst: Uint8Array.from(subst) };
}
