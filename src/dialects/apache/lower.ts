/**
 * Apache syntax tree → the common header-rewrite model: parse (with includes), group directives
 * by server and section, turn cookie directives into operations, and build every endpoint's
 * pipeline in httpd's merge order.
 */
import type { ConfigIO, Span } from '../../source.js';
import type { DialectOptions, Lowering } from '../dialect.js';
import type { BackendKind } from '../../model/backends.js';
import type { CookieOp, HeaderRewriteModel } from '../../model/header-rewrite.js';
import { collectBalancers } from './backends.js';
import { collectEnvFacts } from './conditions.js';
import { buildEndpoints } from './endpoints.js';
import type { HeaderDirective } from './header-directive.js';
import { buildOps } from './ops.js';
import { parseApache } from './parser.js';
import { buildScopes } from './scopes.js';

export const APACHE_DEFAULT_BACKENDS: readonly BackendKind[] = ['http', 'ajp', 'fastcgi', 'cgi', 'module'];

/** The syntax handle of an Apache model: what the fix builder rewrites. */
export interface ApacheSyntax {
  /** The `Header` directive each `Header ... Set-Cookie` op was read from. */
  readonly headers: ReadonlyMap<CookieOp, HeaderDirective>;
  /** Every closed `<VirtualHost>` of the root file, from its opening tag to its closing one. */
  readonly vhosts: readonly Span[];
}

export function buildApacheModel(rootPath: string, io: ConfigIO, options: DialectOptions): HeaderRewriteModel {
  return lowerApache(rootPath, io, options).model;
}

export function lowerApache(rootPath: string, io: ConfigIO, options: DialectOptions): Lowering<ApacheSyntax> {
  const parsed = parseApache(rootPath, io, {
    ...(options.serverRoot === undefined ? {} : { serverRoot: options.serverRoot }),
    ...(options.defines === undefined ? {} : { defines: options.defines }),
    ...(options.pathMap === undefined ? {} : { pathMap: options.pathMap }),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.apacheModules === undefined ? {} : { modules: options.apacheModules }),
  });
  const tree = buildScopes(parsed.nodes, rootPath);
  const facts = collectEnvFacts(tree.directives);
  const ops = buildOps(tree, facts);
  const { endpoints, reverseOps } = buildEndpoints({
    tree,
    ops,
    routing: { main: tree.main, balancers: collectBalancers(tree.directives), flagsAt: ops.flagsAt, orderOf: ops.orderOf },
    defaultBackends: APACHE_DEFAULT_BACKENDS,
  });
  const model: HeaderRewriteModel = {
    dialect: 'apache',
    root: rootPath,
    files: parsed.files,
    endpoints,
    ops: [...ops.ops, ...ops.rebuilt, ...reverseOps],
    problems: [...parsed.problems, ...tree.problems, ...ops.problems],
    comments: parsed.comments,
    facts: [],
    ...(parsed.macroUses.length > 0 ? { expansions: parsed.macroUses } : {}),
  };
  const vhosts = tree.vhosts.flatMap(({ vhost }) =>
    vhost?.close && vhost.span.file === rootPath && vhost.close.file === rootPath ? [{ file: rootPath, start: vhost.span.start, end: vhost.close.end }] : [],
  );
  return { model, syntax: { headers: ops.headers, vhosts } };
}
