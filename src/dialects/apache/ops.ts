/**
 * Turns the directives that touch response cookies into operations, in reading order:
 * `Header ... Set-Cookie ...` (mod_headers) and `ProxyPassReverseCookiePath|Domain` (mod_proxy);
 * validates every `Header`/`RequestHeader` and `RegexDefaultOptions` the way httpd does at
 * startup (problems with `directive-invalid`).
 */
import type { Condition, CookieOp, Problem } from '../../model/header-rewrite.js';
import { createApacheHeaderOp, isSetCookie, type ApacheHeaderOp } from '../../model/ops/apache-header.js';
import type { CookieMapping } from '../../model/ops/apache-cookie-reverse.js';
import { combineConditions, envClauseCondition, ifConditions, type EnvFacts } from './conditions.js';
import { readHeaderDirective, type HeaderDirective } from './header-directive.js';
import type { FlagsAt } from './matching.js';
import { APACHE_DEFAULT_REGEX_FLAGS, applyRegexDefaultOptions, type ApacheRegexFlags } from './regex-options.js';
import type { Block, PlacedDirective, ScopeTree } from './scopes.js';
import type { DirectiveNode } from './syntax.js';

export interface BlockMappings {
  readonly paths: CookieMapping[];
  readonly domains: CookieMapping[];
}

export interface OpsResult {
  /** Cookie ops of each block, in reading order. */
  readonly byBlock: ReadonlyMap<Block, readonly CookieOp[]>;
  readonly mappings: ReadonlyMap<Block, BlockMappings>;
  /** Every `Header ... Set-Cookie` op, in reading order. */
  readonly ops: readonly CookieOp[];
  /** The directive each of those ops was read from (for the fix builder). */
  readonly headers: ReadonlyMap<CookieOp, HeaderDirective>;
  readonly problems: readonly Problem[];
  readonly flagsAt: FlagsAt;
  readonly orderOf: (node: DirectiveNode) => number;
}

/** The directive as written on one line (continuations joined), for messages. */
export function directiveLabel(node: DirectiveNode): string {
  return node.line.line.text.replace(/\s+/g, ' ');
}

function headerOp(h: HeaderDirective, block: Block, facts: EnvFacts): ApacheHeaderOp {
  const env = h.envWord && !h.early ? envClauseCondition(h.envWord.value, h.envWord.span, facts, block.server) : null;
  const condition: Condition | null = combineConditions([...ifConditions(block), env]);
  const edit = h.action === 'edit' || h.action === 'edit*';
  return createApacheHeaderOp({
    span: h.node.span,
    label: directiveLabel(h.node),
    condition,
    action: h.action,
    table: h.table,
    early: h.early,
    header: h.header,
    actionSpan: h.actionWord.span,
    ...(h.conditionWord ? { conditionSpan: h.conditionWord.span } : {}),
    ...(edit && h.valueWord
      ? {
          pattern: {
            source: h.valueWord.value,
            span: h.valueWord.span,
            regex: h.regex?.compiled ?? null,
            ...(h.regex?.error ? { error: h.regex.error } : {}),
          },
        }
      : {}),
    ...(edit && h.subsWord ? { replacement: { text: h.subsWord.value, span: h.subsWord.span } } : {}),
    ...(!edit && h.valueWord ? { value: { text: h.valueWord.value, span: h.valueWord.span } } : {}),
    ...(h.format ? { format: h.format } : {}),
    formatEnv: { env: (name) => facts.alwaysSet(name, block.server)?.value },
  });
}

function mapping(node: DirectiveNode): CookieMapping | null {
  const [fake, real] = node.args;
  if (!fake || !real) return null;
  return { fake: fake.value, real: real.value, span: node.span, focus: real.span, label: directiveLabel(node) };
}

export function buildOps(tree: ScopeTree, facts: EnvFacts): OpsResult {
  const byBlock = new Map<Block, CookieOp[]>();
  const mappings = new Map<Block, BlockMappings>();
  const ops: CookieOp[] = [];
  const headers = new Map<CookieOp, HeaderDirective>();
  const problems: Problem[] = [];
  const flagChanges: { order: number; flags: ApacheRegexFlags }[] = [];
  const orders = new Map<DirectiveNode, number>();
  let flags = APACHE_DEFAULT_REGEX_FLAGS;
  const add = (block: Block, op: CookieOp) => {
    const list = byBlock.get(block) ?? [];
    list.push(op);
    byBlock.set(block, list);
    ops.push(op);
  };
  for (const placed of tree.directives) {
    const { node, block, order }: PlacedDirective = placed;
    orders.set(node, order);
    switch (node.lname) {
      case 'regexdefaultoptions': {
        if (block.server.vhost !== null) {
          problems.push({ span: node.nameWord.span, message: 'Apache refuses to start: "RegexDefaultOptions cannot occur within <VirtualHost> section".', kind: 'refused' });
          break;
        }
        const next = applyRegexDefaultOptions(flags, node.args.map((w) => w.value));
        if ('error' in next) problems.push({ span: node.args[next.index]!.span, message: `Apache refuses to start: "${next.error}".`, kind: 'refused' });
        else {
          flags = next;
          flagChanges.push({ order, flags });
        }
        break;
      }
      case 'header':
      case 'requestheader': {
        const h = readHeaderDirective(node, flags);
        if ('message' in h) {
          problems.push({ span: h.span, message: h.message, kind: 'refused' });
          break;
        }
        if (node.lname === 'header' && isSetCookie(h.header)) {
          const op = headerOp(h, block, facts);
          headers.set(op, h);
          add(block, op);
        }
        break;
      }
      case 'proxypassreversecookiepath':
      case 'proxypassreversecookiedomain': {
        const m = node.args.length <= 3 ? mapping(node) : null;
        if (!m) {
          problems.push({ span: node.nameWord.span, message: `Apache refuses to start: "${node.name} takes two or three arguments".`, kind: 'refused' });
          break;
        }
        const entry = mappings.get(block) ?? { paths: [], domains: [] };
        (node.lname === 'proxypassreversecookiepath' ? entry.paths : entry.domains).push(m);
        mappings.set(block, entry);
        break;
      }
      default:
        break;
    }
  }
  const flagsAt: FlagsAt = (order) => {
    let current = APACHE_DEFAULT_REGEX_FLAGS;
    for (const c of flagChanges) {
      if (c.order > order) break;
      current = c.flags;
    }
    return current;
  };
  return { byBlock, mappings, ops, headers, problems, flagsAt, orderOf: (node) => orders.get(node) ?? 0 };
}
