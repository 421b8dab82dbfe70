/**
 * Caddy's native JSON configuration (`caddy run --config caddy.json`) → routes (routes.ts):
 * `apps.http.servers.<name>.routes`, each `{ match, handle, terminal, group }`; the handlers that
 * matter are `headers` (`response.{add,set,delete,replace,deferred,require}`), `reverse_proxy`
 * (`headers.response`, `transport.protocol`, `upstreams[].dial`), `subroute` (`routes`) and the
 * ones that answer themselves (`static_response`, `file_server`...). A top-level route with a
 * `host` matcher is a site of its own (what the Caddyfile adapter produces for each site block).
 */
import { childPath, parseJsonc, type JsonValue } from '../../jsonc.js';
import type { Condition, Problem, ScopeName } from '../../model/header-rewrite.js';
import { caddyHeadersOp, type CaddyDeleteOp, type CaddyHeadersOp, type CaddyReplacement, type CaddyRequest, type CaddyValueOp } from '../../model/ops/caddy-headers.js';
import { compileRe2 } from '../../regex/re2.js';
import type { SourceFile, Span } from '../../source.js';
import { replaceRegexp, replaceSubstring, rewriteUri, stripPathPrefix, stripPathSuffix, type PathRewrite } from './rewrite.js';
import { answering, copiesSetCookie, pathRegexp, requestKey, type ErrorRoutes, type HeaderOpBuilder, type IrHandler, type IrMatch, type IrRoute, type ProxyHandler, type ResponseScope } from './routes.js';

type Obj = { [k: string]: JsonValue };
const isObj = (v: JsonValue | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: JsonValue | undefined): JsonValue[] => (Array.isArray(v) ? v : []);
const strings = (v: JsonValue | undefined): string[] => arr(v).filter((x): x is string => typeof x === 'string');

/** Offset after the JSON value starting at `i`. */
export function jsonValueEnd(text: string, i: number): number {
  let depth = 0;
  let j = i;
  do {
    const c = text[j];
    if (c === '"') {
      j++;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      j++;
    } else if (c === '{' || c === '[') {
      depth++;
      j++;
    } else if (c === '}' || c === ']') {
      depth--;
      j++;
    } else if (depth === 0) {
      while (j < text.length && /[^\s,}\]]/.test(text[j]!)) j++;
    } else j++;
  } while (depth > 0 && j < text.length);
  return j;
}

export interface JsonSite {
  readonly label: string;
  readonly routes: IrRoute[];
  readonly span: Span;
  /** The server's `errors.routes`. */
  readonly errors?: ErrorRoutes;
  /** The hosts of its `host` matchers (evidence of the products behind it). */
  readonly hosts?: readonly ScopeName[];
}

export interface JsonLowered {
  readonly sites: JsonSite[];
  readonly problems: Problem[];
}

/** Where a fix edits a JSON `search_regexp`. */
export interface JsonReplaceSyntax {
  readonly json: true;
  /** The `search_regexp` string (quotes included), or the entry object when it has none. */
  readonly searchSpan: Span;
  readonly hasRegexp: boolean;
}

export function lowerCaddyJson(file: SourceFile): JsonLowered {
  const problems: Problem[] = [];
  // Caddy's own reader is strict JSON; comments and trailing commas are accepted here (the
  // linter's one JSON reader) and left to Caddy to refuse.
  const parsed = parseJsonc(file.text);
  if ('problems' in parsed) {
    for (const p of parsed.problems) problems.push({ span: { file: file.path, start: p.offset, end: Math.min(p.offset + 1, file.text.length) }, message: p.message, kind: 'syntax' });
    return { sites: [], problems };
  }
  const spanAt = (path: string): Span => {
    const start = parsed.offsets.get(path) ?? 0;
    return { file: file.path, start, end: jsonValueEnd(file.text, start) };
  };
  const text = (s: Span) => file.text.slice(s.start, s.end);
  // Placeholders the `map` handlers fill in at run time (anywhere in the configuration).
  const runtimeKeys: string[] = [];
  const findMaps = (v: JsonValue | undefined): void => {
    if (Array.isArray(v)) v.forEach(findMaps);
    else if (isObj(v)) {
      if (v.handler === 'map') runtimeKeys.push(...strings(v.destinations).map((d) => d.replace(/^\{(.*)\}$/, '$1')));
      Object.values(v).forEach(findMaps);
    }
  };
  findMaps(parsed.value);

  const headerOps = (ops: Obj, path: string, label: string): { add: CaddyValueOp[]; set: CaddyValueOp[]; delete: CaddyDeleteOp[]; replace: CaddyReplacement[] } => {
    const values = (kind: 'add' | 'set'): CaddyValueOp[] => {
      const out: CaddyValueOp[] = [];
      const o = ops[kind];
      if (!isObj(o)) return out;
      for (const [field, vals] of Object.entries(o)) {
        arr(vals).forEach((v, i) => {
          const p = childPath(childPath(childPath(path, kind), field), i);
          if (typeof v === 'string') out.push({ field, value: v, span: spanAt(p), label: `${label}: ${kind} ${field} ${JSON.stringify(v)}` });
        });
      }
      return out;
    };
    const deletes: CaddyDeleteOp[] = arr(ops.delete).flatMap((f, i) => (typeof f === 'string' ? [{ field: f, span: spanAt(childPath(childPath(path, 'delete'), i)), label: `${label}: delete ${f}` }] : []));
    const replace: CaddyReplacement[] = [];
    if (isObj(ops.replace)) {
      for (const [field, list] of Object.entries(ops.replace)) {
        arr(list).forEach((r, i) => {
          if (!isObj(r)) return;
          const p = childPath(childPath(childPath(path, 'replace'), field), i);
          const entry = spanAt(p);
          const search = typeof r.search === 'string' ? r.search : undefined;
          const re = typeof r.search_regexp === 'string' && r.search_regexp !== '' ? r.search_regexp : undefined;
          const replaceText = typeof r.replace === 'string' ? r.replace : '';
          const reSpan = re !== undefined ? spanAt(childPath(p, 'search_regexp')) : entry;
          if (re !== undefined && search) problems.push({ span: reSpan, message: `cannot specify both a substring search and a regular expression search for field '${field}'`, kind: 'refused' });
          let searchRegexp: CaddyReplacement['searchRegexp'];
          if (re !== undefined) {
            const compiled = compileRe2(re);
            if (!compiled.ok) {
              if (compiled.refused) problems.push({ span: reSpan, message: `Caddy refuses this regex: ${compiled.error.message}`, kind: 'refused' });
              searchRegexp = { source: re, span: reSpan, regex: null, error: compiled.error.message, refused: compiled.refused };
            } else searchRegexp = { source: re, span: reSpan, regex: compiled.regex };
          }
          replace.push({
            field,
            ...(search !== undefined ? { search } : {}),
            ...(searchRegexp ? { searchRegexp } : {}),
            replace: replaceText,
            span: entry,
            label: `${label}: replace ${field} ${JSON.stringify(re ?? search ?? '')} ${JSON.stringify(replaceText)}`,
            focus: reSpan,
          });
        });
      }
    }
    return { add: values('add'), set: values('set'), delete: deletes, replace };
  };

  /** `require`: an undecidable response test (`requireText`) joins the walk's condition. */
  const builder = (ops: Obj, path: string, span: Span, label: string, phase: 'immediate' | 'deferred' | 'upstream', requireNoSetCookie: boolean, requireText: string | null = null): HeaderOpBuilder => {
    const data = headerOps(ops, path, label);
    const cache = new Map<string, CaddyHeadersOp>();
    const texts = [...data.add, ...data.set].map((v) => v.value).concat(data.replace.flatMap((r) => [r.search ?? '', r.replace]));
    return (walked: Condition | null, afterCopy = false, request?: CaddyRequest) => {
      const condition: Condition | null = requireText ? { text: [walked?.text, requireText].filter(Boolean).join(' and '), value: 'unknown' } : walked;
      const at = afterCopy && phase === 'immediate' ? 'deferred' : phase;
      const key = `${at}:${condition?.text ?? ''}${requestKey(texts, request)}`;
      let op = cache.get(key);
      if (!op) cache.set(key, (op = caddyHeadersOp({ span, label, phase: at, condition, ...data, requireNoSetCookie, runtimeKeys, ...(request ? { request } : {}), syntax: { json: true } })));
      return op;
    };
  };

  const handler = (h: JsonValue, path: string, response: ResponseScope | undefined): IrHandler | null => {
    if (!isObj(h)) return null;
    const span = spanAt(path);
    const kind = h.handler;
    if (kind === 'headers') {
      const resp = h.response;
      if (!isObj(resp)) return null;
      const require = isObj(resp.require) ? resp.require : null;
      const reqHeaders = require && isObj(require.headers) ? require.headers : null;
      const absentSetCookie = ([k, v]: [string, JsonValue]) => k.toLowerCase() === 'set-cookie' && v === null;
      const requireNoSetCookie = reqHeaders !== null && Object.entries(reqHeaders).some(absentSetCookie);
      // Any other test (a status, another header, a present Set-Cookie) depends on the backend's response.
      const undecided = require !== null && (Object.keys(require).some((k) => k !== 'headers') || (reqHeaders !== null && !Object.entries(reqHeaders).every(absentSetCookie)));
      const phase = resp.deferred === true || require !== null ? 'deferred' : 'immediate';
      const requireText = undecided ? `require ${text(spanAt(childPath(childPath(path, 'response'), 'require')))}` : null;
      return { kind: 'headers', build: builder(resp, childPath(path, 'response'), span, 'headers handler', phase, requireNoSetCookie, requireText) };
    }
    if (kind === 'reverse_proxy') {
      const transport = isObj(h.transport) ? h.transport : null;
      const backend = transport?.protocol === 'fastcgi' ? 'fastcgi' : 'http';
      const upstreams = arr(h.upstreams).flatMap((u, i) => (isObj(u) && typeof u.dial === 'string' ? [{ text: u.dial, span: spanAt(childPath(childPath(childPath(path, 'upstreams'), i), 'dial')) }] : []));
      const headers = isObj(h.headers) ? h.headers : null;
      const resp = headers && isObj(headers.response) ? headers.response : null;
      const label = `reverse_proxy ${upstreams.map((u) => u.text).join(' ')}`.trim();
      const proxy: ProxyHandler = {
        kind: 'proxy',
        label,
        span,
        backend,
        upstreams,
        headerDown: resp ? builder(resp, childPath(childPath(path, 'headers'), 'response'), span, `${label} headers.response`, 'upstream', false) : null,
      };
      // `handle_response`: its routes answer instead (see caddyfile.ts `responseRoutes`); a
      // response matcher depends on the backend's answer, so it is undecided.
      const handlers = arr(h.handle_response).flatMap((r, i) => {
        if (!isObj(r)) return [];
        const p = childPath(childPath(path, 'handle_response'), i);
        const copies = (v: JsonValue | undefined): boolean =>
          Array.isArray(v) ? v.some(copies) : isObj(v) && (v.handler === 'copy_response_headers' ? copiesSetCookie(strings(v.include), strings(v.exclude)) : Object.values(v).some(copies));
        const match = isObj(r.match) ? `handle_response match ${text(spanAt(childPath(p, 'match')))}` : null;
        return [{ match, routes: routes(r.routes, childPath(p, 'routes'), false, { proxy, copiesHeaders: copies(r.routes) }) }];
      });
      return handlers.length > 0 ? { ...proxy, responses: handlers } : proxy;
    }
    if (kind === 'rewrite') {
      const steps: PathRewrite[] = [];
      let stripPrefix: string | undefined;
      if (typeof h.uri === 'string' && h.uri !== '') steps.push(rewriteUri(h.uri));
      if (typeof h.strip_path_prefix === 'string' && h.strip_path_prefix !== '') {
        stripPrefix = h.strip_path_prefix.startsWith('/') ? h.strip_path_prefix : `/${h.strip_path_prefix}`;
        steps.push(stripPathPrefix(stripPrefix));
      }
      if (typeof h.strip_path_suffix === 'string' && h.strip_path_suffix !== '') steps.push(stripPathSuffix(h.strip_path_suffix));
      for (const r of arr(h.uri_substring)) {
        if (isObj(r) && typeof r.find === 'string') steps.push(replaceSubstring(r.find, typeof r.replace === 'string' ? r.replace : '', typeof r.limit === 'number' ? r.limit : 0));
      }
      arr(h.path_regexp).forEach((r, i) => {
        if (!isObj(r) || typeof r.find !== 'string') return;
        const compiled = r.find === '' ? null : compileRe2(r.find);
        if (compiled && !compiled.ok && compiled.refused) problems.push({ span: spanAt(childPath(childPath(childPath(path, 'path_regexp'), i), 'find')), message: `Caddy refuses this regex: ${compiled.error.message}`, kind: 'refused' });
        steps.push(replaceRegexp(r.find, typeof r.replace === 'string' ? r.replace : ''));
      });
      // A method or query rewrite leaves the path as it is.
      if (steps.length === 0) return null;
      return { kind: 'rewrite', apply: (p) => steps.reduce<string | null>((acc, step) => step(acc), p), ...(stripPrefix !== undefined && steps.length === 1 ? { stripPrefix } : {}) };
    }
    if (kind === 'copy_response_headers') return response && copiesSetCookie(strings(h.include), strings(h.exclude)) ? { kind: 'copy-headers' } : null;
    if (kind === 'subroute') return { kind: 'subroute', routes: routes(h.routes, childPath(path, 'routes'), false, response) };
    if (typeof kind === 'string' && ['static_response', 'file_server', 'error', 'acme_server', 'metrics', 'copy_response'].includes(kind)) return answering(response, kind === 'static_response' && h.abort === true ? 'abort' : kind, kind, span);
    return null;
  };

  const matchOf = (m: JsonValue, path: string, dropHost: boolean): IrMatch[] => {
    if (!isObj(m)) return [];
    const out: IrMatch[] = [];
    for (const [k, v] of Object.entries(m)) {
      if (k === 'host' && dropHost) continue;
      const span = spanAt(childPath(path, k));
      const t = `${k} ${text(span)}`;
      const paths = k === 'path' ? arr(v).filter((p): p is string => typeof p === 'string') : null;
      const regexp = k === 'path_regexp' && isObj(v) && typeof v.pattern === 'string' ? pathRegexp(v.pattern) : null;
      // `not`: none of its matcher sets may match.
      if (k === 'not') out.push({ text: t, span, paths: null, all: arr(v).map((set, j) => ({ text: t, span, paths: null, negate: true, all: matchOf(set, childPath(childPath(path, k), j), false) })) });
      else out.push({ text: t, span, paths, ...(regexp ? { regexp } : {}) });
    }
    return out;
  };

  const routes = (list: JsonValue | undefined, path: string, dropHost = false, response?: ResponseScope): IrRoute[] =>
    arr(list).flatMap((r, i): IrRoute[] => {
      if (!isObj(r)) return [{ match: [], handle: [], terminal: false }];
      const p = childPath(path, i);
      const handle = arr(r.handle).flatMap((h, j) => {
        const x = handler(h, childPath(childPath(p, 'handle'), j), response);
        return x ? [x] : [];
      });
      const match = arr(r.match).map((m, j) => matchOf(m, childPath(childPath(p, 'match'), j), dropHost));
      return [{ match: match.some((s) => s.length === 0) ? [] : match, handle, terminal: r.terminal === true, ...(typeof r.group === 'string' ? { group: r.group } : {}) }];
    });

  const sites: JsonSite[] = [];
  const root = parsed.value;
  const servers = isObj(root) && isObj(root.apps) && isObj(root.apps.http) && isObj(root.apps.http.servers) ? root.apps.http.servers : null;
  if (!servers) return { sites, problems };
  for (const [name, server] of Object.entries(servers)) {
    if (!isObj(server)) continue;
    const path = childPath(childPath(childPath(childPath('', 'apps'), 'http'), 'servers'), name);
    const list = arr(server.routes);
    const routesPath = childPath(path, 'routes');
    const all = routes(list, routesPath, true);
    const hostOf = (r: JsonValue) => (isObj(r) ? arr(r.match).flatMap((m) => (isObj(m) ? arr(m.host) : [])) : []);
    /** The host strings of route `i`'s matchers, each with its own span. */
    const hostNames = (r: JsonValue, i: number): ScopeName[] =>
      isObj(r)
        ? arr(r.match).flatMap((m, j) =>
            isObj(m)
              ? arr(m.host).flatMap((h, k): ScopeName[] => (typeof h === 'string' && h !== '' && !h.includes('{') ? [{ kind: 'host', value: h, span: spanAt(childPath(childPath(childPath(childPath(childPath(routesPath, i), 'match'), j), 'host'), k)) }] : []))
              : [],
          )
        : [];
    const hostless: IrRoute[] = [];
    const errorsPath = childPath(path, 'errors');
    const errors = isObj(server.errors) ? { errors: { routes: routes(server.errors.routes, childPath(errorsPath, 'routes'), true), span: spanAt(errorsPath) } } : {};
    list.forEach((r, i) => {
      const hosts = hostOf(r);
      if (hosts.length === 0) hostless.push(all[i]!);
      else sites.push({ label: `${name} › ${hosts.join(', ')}`, routes: [all[i]!], span: spanAt(childPath(routesPath, i)), hosts: hostNames(r, i), ...errors });
    });
    if (hostless.length > 0) sites.push({ label: name, routes: hostless, span: spanAt(path), ...errors });
  }
  return { sites, problems };
}
