/** The Apache syntax tree: directives and sections with a file span on every token. */
import type { Span } from '../../source.js';
import type { ExpandedLine, Word } from './words.js';

interface NodeBase {
  /** Name as written: `Header`, or for sections without `<`: `Location`. */
  readonly name: string;
  /** Lower-cased name: httpd looks directives up case-insensitively. */
  readonly lname: string;
  /** The first word (`Header`, `<Location`). */
  readonly nameWord: Word;
  /** The logical line after `${NAME}` substitution. */
  readonly line: ExpandedLine;
  /** The whole directive (all its physical lines), or a section's opening tag. */
  readonly span: Span;
}

export interface DirectiveNode extends NodeBase {
  readonly type: 'directive';
  readonly args: readonly Word[];
  /** `Include`/`IncludeOptional`: what the included files contain, as if inlined here. */
  included?: Node[];
}

export interface SectionNode extends NodeBase {
  readonly type: 'section';
  /** The arguments before the last `>` of the opening tag. */
  readonly args: readonly Word[];
  /** The closing tag, or null when the section is not closed. */
  close: Span | null;
  readonly children: Node[];
  /**
   * Config-time conditionals (`<IfModule>`, `<IfDefine>`, `<IfFile>`, `<IfDirective>`,
   * `<IfSection>`, `<IfVersion>`): whether httpd reads the contents. An inactive section's
   * contents are skipped like httpd's `ap_soak_end_container` does (never parsed).
   */
  readonly active?: boolean;
}

export type Node = DirectiveNode | SectionNode;

/** Sections httpd evaluates while reading the configuration. */
export const CONDITIONAL_SECTIONS: ReadonlySet<string> = new Set(['ifmodule', 'ifdefine', 'iffile', 'ifdirective', 'ifsection', 'ifversion']);
