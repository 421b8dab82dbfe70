/**
 * Caddy configuration → the common model. A Caddyfile (the default) is lexed and parsed with its
 * imports (parser.ts), each site block becomes routes (caddyfile.ts), JSON configuration
 * (`*.json`, or text starting with `{"`) is read as Caddy's native config (json.ts); then every
 * site is walked for `/` and a sample path of each path matcher (routes.ts) to find the
 * endpoints and their pipelines.
 */
import type { CookieOp, HeaderRewriteModel, Problem, ScopeName } from '../../model/header-rewrite.js';
import { type SourceFile, type Span, type ConfigIO, isIoError } from '../../source.js';
import type { DialectOptions, Lowering } from '../dialect.js';
import { orderChanges, siteScopeRoutes, type LowerContext } from './caddyfile.js';
import { lowerCaddyJson } from './json.js';
import { parseCaddyfile, type ParsedCaddyfile } from './parser.js';
import { probePaths, siteEndpoints, siteHost, type CaddyEndpoint, type ErrorRoutes, type IrRoute } from './routes.js';
import { atLeast, DEFAULT_CADDY_VERSION, parseCaddyVersion } from './version.js';

/** The syntax handle of a Caddy model: what the fix builder and the real-server tests read. */
export interface CaddySyntax {
  readonly format: 'caddyfile' | 'json';
  readonly parsed?: ParsedCaddyfile;
  readonly endpoints: readonly CaddyEndpoint[];
  /** Site labels, by index (CaddyEndpoint.site). */
  readonly sites: readonly { readonly label: string; readonly span: Span; readonly keys: readonly Span[] }[];
}

/** Caddy's native JSON, by name or by content. */
export function isCaddyJson(path: string, text: string): boolean {
  return /\.json$/i.test(path) || /^\s*\{\s*"/.test(text);
}

export function buildCaddyModel(rootPath: string, io: ConfigIO, options: DialectOptions): HeaderRewriteModel {
  return lowerCaddy(rootPath, io, options).model;
}

export function lowerCaddy(rootPath: string, io: ConfigIO, options: DialectOptions): Lowering<CaddySyntax> {
  const version = parseCaddyVersion(options.caddyVersion) ?? parseCaddyVersion(DEFAULT_CADDY_VERSION)!;
  const root = io.read(rootPath);
  const problems: Problem[] = [];
  const files = new Map<string, SourceFile>();
  const endpoints: CaddyEndpoint[] = [];
  const sites: CaddySyntax['sites'][number][] = [];
  let comments: HeaderRewriteModel['comments'] = [];
  let format: CaddySyntax['format'] = 'caddyfile';
  let parsed: ParsedCaddyfile | undefined;
  const addSite = (label: string, span: Span, keys: readonly Span[], routes: readonly IrRoute[], address?: string, errors?: ErrorRoutes, names: readonly ScopeName[] = []) => {
    const index = sites.length;
    sites.push({ label, span, keys });
    // The paths the error routes test are probed too: a request that fails there reaches them.
    endpoints.push(...siteEndpoints(routes, probePaths([...routes, ...(errors?.routes ?? [])]), label, index, span, address, errors, names));
  };
  if (!isIoError(root) && isCaddyJson(rootPath, root.text)) {
    format = 'json';
    files.set(rootPath, root);
    const lowered = lowerCaddyJson(root);
    problems.push(...lowered.problems);
    for (const site of lowered.sites) addSite(site.label, site.span, [], site.routes, undefined, site.errors, site.hosts ?? []);
  } else {
    parsed = parseCaddyfile(rootPath, io, options.defines ?? {}, atLeast(version, [2, 7, 0]));
    for (const [p, f] of parsed.files) files.set(p, f);
    problems.push(...parsed.problems);
    comments = parsed.comments;
    const ctx: LowerContext = {
      problems,
      version,
      text: (s) => {
        const f = files.get(s.file);
        return f ? f.text.slice(s.start, s.end) : '';
      },
    };
    const global = parsed.blocks.find((b) => b.global);
    const changes = orderChanges(global);
    for (const block of parsed.blocks) {
      if (block.global) continue;
      const name = rootPath.slice(rootPath.lastIndexOf('/') + 1);
      const label = block.snippet !== undefined ? `(${block.snippet})` : block.fragment ? `${name} (site fragment)` : block.keys.map((k) => k.value).join(' ');
      const { routes, errors } = siteScopeRoutes(ctx, block, changes);
      // A fragment is imported into sites the linter does not see: assume they proxy over HTTP.
      if (block.fragment) routes.push({ match: [], handle: [{ kind: 'proxy', label: 'the site\'s reverse_proxy', span: block.span, backend: 'http', upstreams: [], headerDown: null }], terminal: false });
      // The host names of its addresses (`jira.example.com, jira.internal:8080`): evidence of the products behind it.
      const names = block.snippet !== undefined || block.fragment ? [] : block.keys.flatMap((k): ScopeName[] => {
        const host = siteHost(k.value);
        return host === undefined ? [] : [{ kind: 'host', value: host, span: k.span }];
      });
      addSite(label, block.span, block.keys.map((k) => k.span), routes, block.keys[0]?.value, errors, names);
    }
  }
  const ops = new Set<CookieOp>(endpoints.flatMap((e) => e.pipeline));
  const model: HeaderRewriteModel = {
    dialect: 'caddy',
    root: rootPath,
    files,
    endpoints,
    ops: [...ops].sort((a, b) => (a.span.file < b.span.file ? -1 : a.span.file > b.span.file ? 1 : a.span.start - b.span.start)),
    problems,
    comments,
    facts: [],
  };
  return { model, syntax: { format, ...(parsed ? { parsed } : {}), endpoints, sites } };
}
