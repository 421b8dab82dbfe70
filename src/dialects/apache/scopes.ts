/**
 * The configuration as httpd sees it after reading: the main server and each `<VirtualHost>`,
 * each with its per-directory sections ("blocks"), and the directives of each block in reading
 * order. Conditional sections that are active, `Include`d files, `<Limit>` and unknown wrappers
 * are transparent (their directives belong to the enclosing block); inactive conditionals and
 * `<Macro>` definitions contribute nothing.
 */
import type { Problem } from '../../model/header-rewrite.js';
import type { Span } from '../../source.js';
import { exprRefusal } from './expr-check.js';
import { CONDITIONAL_SECTIONS, type DirectiveNode, type Node, type SectionNode } from './syntax.js';

export type BlockKind = 'server' | 'directory' | 'files' | 'location' | 'proxy' | 'if';

export interface Block {
  readonly kind: BlockKind;
  readonly section: SectionNode | null;
  /** The section's path or pattern (`/jira`, `^/api`, `*.php`). */
  readonly arg: string;
  /** `<LocationMatch>`, `<Location ~ re>`, `<DirectoryMatch>`, `<FilesMatch>`, `<ProxyMatch>`... */
  readonly regex: boolean;
  /** `<If>`, `<ElseIf>`, `<Else>`: which one. */
  readonly ifKind?: 'if' | 'elseif' | 'else';
  /**
   * The whole `<If>`/`<ElseIf>`/`<Else>` chain the block belongs to, in order (one array shared
   * by its blocks: a chain of n costs n, not n²), and the block's place in it.
   */
  readonly chain?: readonly Block[];
  readonly chainIndex?: number;
  readonly parent: Block | null;
  readonly server: ServerScope;
  /** `<Location /jira>` as written (without the `>` noise). */
  readonly label: string;
  readonly directives: DirectiveNode[];
  readonly children: Block[];
  /** Reading order of the section among all blocks. */
  readonly order: number;
}

export interface ServerScope {
  readonly vhost: SectionNode | null;
  /** `main server`, `<VirtualHost *:443>` or, with a ServerName, `<VirtualHost *:443> (jira.example.com)`. */
  readonly label: string;
  readonly span: Span;
  readonly root: Block;
  /** Every non-server block of this server, in reading order. */
  readonly blocks: Block[];
}

export interface PlacedDirective {
  readonly node: DirectiveNode;
  readonly block: Block;
  /** Reading order, comparable with {@link Block.order}. */
  readonly order: number;
}

export interface ScopeTree {
  readonly main: ServerScope;
  readonly vhosts: readonly ServerScope[];
  /** Every directive in reading order, with the block it belongs to and its place among blocks. */
  readonly directives: readonly PlacedDirective[];
  /** Sections in a place httpd refuses. */
  readonly problems: readonly Problem[];
}

const SECTION_KINDS: Readonly<Record<string, { kind: BlockKind; regex: boolean }>> = {
  directory: { kind: 'directory', regex: false },
  directorymatch: { kind: 'directory', regex: true },
  files: { kind: 'files', regex: false },
  filesmatch: { kind: 'files', regex: true },
  location: { kind: 'location', regex: false },
  locationmatch: { kind: 'location', regex: true },
  proxy: { kind: 'proxy', regex: false },
  proxymatch: { kind: 'proxy', regex: true },
};

/** Sections whose contents are not configuration of the enclosing scope. */
const OPAQUE = new Set(['macro']);

/** Section names as httpd registers them (its messages use these spellings). */
const CANONICAL: Readonly<Record<string, string>> = {
  directory: 'Directory', directorymatch: 'DirectoryMatch', files: 'Files', filesmatch: 'FilesMatch', location: 'Location',
  locationmatch: 'LocationMatch', proxy: 'Proxy', proxymatch: 'ProxyMatch', if: 'If', elseif: 'ElseIf', else: 'Else', virtualhost: 'VirtualHost',
  limit: 'Limit', limitexcept: 'LimitExcept',
};

/** Sections httpd takes in per-directory context only (`<Location>`, `<Directory>`...), never in the server's. */
const PER_DIRECTORY_ONLY = new Set(['limit', 'limitexcept']);

function canonical(s: SectionNode): string {
  return CANONICAL[s.lname] ?? s.name;
}

export function sectionLabel(s: SectionNode): string {
  const args = s.args.map((a) => a.raw).join(' ');
  return args === '' ? `<${s.name}>` : `<${s.name} ${args}>`;
}

class Builder {
  order = 0;
  readonly vhosts: ServerScope[] = [];
  readonly directives: PlacedDirective[] = [];

  server(vhost: SectionNode | null, label: string, span: Span): ServerScope {
    const scope = { vhost, label, span, blocks: [] } as { root?: Block } & Omit<ServerScope, 'root'>;
    scope.root = {
      kind: 'server',
      section: vhost,
      arg: '',
      regex: false,
      parent: null,
      server: scope as ServerScope,
      label,
      directives: [],
      children: [],
      order: this.order++,
    };
    return scope as ServerScope;
  }

  block(section: SectionNode, parent: Block, kind: BlockKind, regex: boolean, arg: string, extra: Partial<Block> = {}): Block {
    const b: Block = {
      kind,
      section,
      arg,
      regex,
      parent,
      server: parent.server,
      label: sectionLabel(section),
      directives: [],
      children: [],
      order: this.order++,
      ...extra,
    };
    parent.children.push(b);
    parent.server.blocks.push(b);
    return b;
  }

  /** Depth-first over the tree with an explicit stack (sections may nest thousands deep). */
  walk(nodes: readonly Node[], root: Block): void {
    interface Frame {
      readonly nodes: readonly Node[];
      index: number;
      readonly block: Block;
      ifChain: Block[];
    }
    const stack: Frame[] = [{ nodes, index: 0, block: root, ifChain: [] }];
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const node = frame.nodes[frame.index++];
      if (!node) {
        stack.pop();
        continue;
      }
      const block = frame.block;
      const enter = (children: readonly Node[], b: Block) => stack.push({ nodes: children, index: 0, block: b, ifChain: [] });
      if (node.type === 'directive') {
        block.directives.push(node);
        this.directives.push({ node, block, order: this.order++ });
        if (node.included) enter(node.included, block);
        continue;
      }
      const l = node.lname;
      if (l === 'if' || l === 'elseif' || l === 'else') {
        const ifKind = l as 'if' | 'elseif' | 'else';
        // core.c `ifsection` parses the first word (quote the expression), then refuses any other.
        const first = node.args[0];
        const refused = ifKind === 'else' || !first ? undefined : (exprRefusal('Cannot parse condition clause', first.value) ?? (node.args.length > 1 ? `Multiple <${canonical(node)}> arguments not supported.` : undefined));
        if (refused) this.problem(node, refused);
        if (ifKind === 'if') frame.ifChain = [];
        const b = this.block(node, block, 'if', false, node.args.map((a) => a.value).join(' '), { ifKind, chain: frame.ifChain, chainIndex: frame.ifChain.length });
        frame.ifChain.push(b);
        enter(node.children, b);
        continue;
      }
      frame.ifChain = [];
      if (CONDITIONAL_SECTIONS.has(l)) {
        if (node.active) enter(node.children, block);
        continue;
      }
      if (l === 'virtualhost') {
        if (block.kind !== 'server') this.notAllowed(node, block);
        else if (block.server.vhost !== null) this.problem(node, '<VirtualHost> cannot occur within <VirtualHost> section');
        else {
          const scope = this.server(node, sectionLabel(node), node.span);
          this.vhosts.push(scope);
          this.pendingNames.push(scope);
          enter(node.children, scope.root);
        }
        continue;
      }
      const kind = SECTION_KINDS[l];
      if (kind) {
        if ((kind.kind === 'directory' || kind.kind === 'location') && block.kind !== 'server') {
          this.notAllowed(node, block);
          continue;
        }
        const inLocation = kind.kind === 'files' ? ancestry(block).find((b) => b.kind === 'location') : undefined;
        if (inLocation?.section) {
          this.problem(node, `<${canonical(node)}> cannot occur within <${canonical(inLocation.section)}> section`);
          continue;
        }
        const first = node.args[0]?.value ?? '';
        const tilde = !kind.regex && first === '~';
        const arg = tilde ? (node.args[1]?.value ?? '') : first;
        enter(node.children, this.block(node, block, kind.kind, kind.regex || tilde, arg));
        continue;
      }
      if (OPAQUE.has(l)) continue;
      if (PER_DIRECTORY_ONLY.has(l) && block.kind === 'server') {
        // Checked on 2.4.71: "<Limit not allowed here" (main server), "... in <VirtualHost> context".
        this.problem(node, block.server.vhost ? `<${canonical(node)} not allowed in <VirtualHost> context` : `<${canonical(node)} not allowed here`);
        continue;
      }
      enter(node.children, block);
    }
  }

  readonly problems: Problem[] = [];
  readonly pendingNames: ServerScope[] = [];

  private problem(node: SectionNode, message: string): void {
    this.problems.push({ span: node.nameWord.span, message, kind: 'syntax' });
  }

  /** httpd's override check (`invoke_cmd`): server-level sections inside per-directory ones. */
  private notAllowed(node: SectionNode, parent: Block): void {
    this.problem(node, `<${canonical(node)} not allowed in <${parent.section ? canonical(parent.section) : 'VirtualHost'}> context`);
  }

  /** Name-based virtual hosts share their address: the ServerName tells them apart. */
  nameVhosts(): void {
    for (const scope of this.pendingNames) {
      const name = scope.root.directives.filter((d) => d.lname === 'servername').pop()?.args[0]?.value;
      if (name) (scope as { label: string }).label = (scope.root as { label: string }).label = `${scope.label} (${name})`;
    }
  }
}

export function buildScopes(nodes: readonly Node[], rootFile: string): ScopeTree {
  const b = new Builder();
  const main = b.server(null, 'main server', { file: rootFile, start: 0, end: 0 });
  b.walk(nodes, main.root);
  b.nameVhosts();
  return { main, vhosts: b.vhosts, directives: b.directives, problems: b.problems };
}

/** The chain of blocks from the server root down to `block`. */
export function ancestry(block: Block): Block[] {
  const out: Block[] = [];
  for (let b: Block | null = block; b; b = b.parent) out.unshift(b);
  return out;
}
