/**
 * Which CSRF cookies matter for one scope (a vhost, server, location, IIS site or location), and
 * the evidence for it. A scope fronts some application; a configuration rarely says which in so
 * many words, but it leaves traces:
 *
 *   - cookie names its own cookie directives mention: an exclusion naming `atlassian\.xsrf\.token`
 *     says Jira or Confluence (and nothing about Fisheye's `atl.xsrf.token.slash`);
 *   - host names and paths: `ServerName jira.example.com`, `location /confluence/`;
 *   - backends: the ports the products ship with (`http://127.0.0.1:8090` is Confluence) and the
 *     words of their URLs (`http://nexus.internal/nexus`);
 *   - what the user says: `--all-products`, `products` in the configuration file, or an inline
 *     `lint-proxy-config-products` comment in the scope.
 *
 * Every piece of evidence keeps the span it was read from, for SARIF related locations and JSON.
 */
import type { BackendRef } from '../model/backends.js';
import { opsNeverRun } from '../model/simulate.js';
import type { CommentToken, CookieOp, Endpoint, HeaderRewriteModel } from '../model/header-rewrite.js';
import type { Span } from '../source.js';
import type { CookieCatalog } from './catalog.js';
import { PORT_EVIDENCE_KINDS, PRODUCTS, findProduct, type ProductEntry } from './products.js';
import { fileSelection, parseInlineProducts, type InlineProducts, type ProductSelection, type SelectionSource } from './selection.js';

export type EvidenceKind = 'cookie' | 'host' | 'path' | 'section' | 'backend' | 'setting';

/** One reason to think a product (or a cookie) sits behind a scope. */
export interface Evidence {
  readonly kind: EvidenceKind;
  /** What was seen: `jira.example.com`, `/confluence`, `http://127.0.0.1:8090`, a cookie name. */
  readonly text: string;
  /** Product ids it points at (empty for a configured cookie that belongs to no catalog product). */
  readonly products: readonly string[];
  /** The CSRF cookies it makes relevant. */
  readonly cookies: readonly string[];
  readonly span?: Span;
}

/** How the cookies that count for a scope were decided. */
export type ScopeMode =
  /** From evidence in the configuration (the default). */
  | 'evident'
  /** A `products` setting names the products. */
  | 'configured'
  /** `--all-products`, or `"all"`: every catalog cookie counts. */
  | 'all';

export interface ScopeProducts {
  readonly mode: ScopeMode;
  readonly setting?: SelectionSource;
  /** CSRF cookies the scope's own cookie directives name (an attempted exclusion). */
  readonly mentioned: ReadonlySet<string>;
  /** CSRF cookies of the products with evidence (or configured): named first in messages. */
  readonly evident: ReadonlySet<string>;
  /**
   * CSRF cookies whose gaining HttpOnly is an error here: every catalog cookie for `all` and for
   * a blanket rule (nothing mentioned, nothing configured); otherwise the evident and mentioned
   * ones plus the user's own `xsrfCookies`.
   */
  readonly relevant: ReadonlySet<string>;
  /** Ids of the products with evidence, catalog order. */
  readonly products: readonly string[];
  readonly evidence: readonly Evidence[];
}

/** The catalog's names by their lower-case form, per name list (one list per catalog). */
const lowerNames = new WeakMap<readonly string[], ReadonlyMap<string, string>>();

/** Cookie names a piece of configuration text mentions, regex escapes undone, compared caselessly. */
export function mentionedCookies(text: string, names: readonly string[]): string[] {
  let lower = lowerNames.get(names);
  if (!lower) lowerNames.set(names, (lower = new Map(names.map((n) => [n.toLowerCase(), n]))));
  const found = new Set<string>();
  const plain = text.replace(/\\(.)/g, '$1');
  for (const m of plain.matchAll(/[A-Za-z0-9._-]+/g)) {
    const name = lower.get(m[0].replace(/\.+$/, '').toLowerCase());
    if (name) found.add(name);
  }
  return names.filter((n) => found.has(n));
}

const words = (text: string) => text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w !== '');

function byWords(text: string): ProductEntry[] {
  const ws = new Set(words(text));
  return PRODUCTS.filter((p) => p.words.some((w) => ws.has(w)));
}

/**
 * Port and words of a backend URL (`http://jira.internal:8080/jira`, `ajp://localhost:8009/`) or
 * of an address without a scheme (HAProxy's `server j1 10.0.0.5:8080` and `ipv4@10.0.0.5:8080`,
 * Caddy's `reverse_proxy localhost:8090`). A `unix:/path` socket has no port.
 */
function backendProducts(ref: BackendRef): { readonly named: ProductEntry[]; readonly byPort: ProductEntry[] } {
  const named = byWords(ref.target);
  const url = /^(?:[a-z][a-z0-9+.-]*:\/\/|[a-z0-9]+@)?(?:\[[^\]]*\]|[^/:?#@\s]*)(?::(\d+))?(?=[/?#]|$)/i.exec(ref.target);
  const port = url?.[1] ? Number(url[1]) : undefined;
  const byPort = port !== undefined && PORT_EVIDENCE_KINDS.includes(ref.kind) ? PRODUCTS.filter((p) => p.ports.includes(port) && !named.includes(p)) : [];
  return { named, byPort };
}

/**
 * The text of a directive with its comments blanked out (an XML rule element may hold some).
 * `comments` are one file's comments sorted by start.
 */
function textOf(model: HeaderRewriteModel, span: Span, comments: readonly CommentToken[]): string {
  let text = model.files.get(span.file)?.text.slice(span.start, span.end) ?? '';
  // The first comment that ends after the span starts (binary search), then those that overlap.
  let lo = 0;
  let hi = comments.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (comments[mid]!.span.end <= span.start) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < comments.length && comments[i]!.span.start < span.end; i++) {
    const c = comments[i]!;
    const from = Math.max(c.span.start, span.start) - span.start;
    const to = Math.min(c.span.end, span.end) - span.start;
    text = text.slice(0, from) + ' '.repeat(to - from) + text.slice(to);
  }
  return text;
}

const contains = (outer: Span, inner: Span) => outer.file === inner.file && outer.start <= inner.start && inner.end <= outer.end && outer.end > outer.start;

/** Scope evidence for every endpoint of a model, computed once per model and catalog. */
export interface ScopeResolver {
  forEndpoint(endpoint: Endpoint): ScopeProducts;
  /** The endpoints whose pipeline holds `op` (the scopes a directive acts in), model order. */
  endpointsOf(op: CookieOp): readonly Endpoint[];
  /** Inline products comments with ids the catalog does not know. */
  readonly unknownInline: readonly InlineProducts[];
}

const resolvers = new WeakMap<HeaderRewriteModel, WeakMap<CookieCatalog, ScopeResolver>>();

/** The resolver of a model and catalog, built once and shared by every rule (and finding) asking. */
export function scopeResolverFor(model: HeaderRewriteModel, catalog: CookieCatalog): ScopeResolver {
  let byCatalog = resolvers.get(model);
  if (!byCatalog) resolvers.set(model, (byCatalog = new WeakMap()));
  let r = byCatalog.get(catalog);
  if (!r) byCatalog.set(catalog, (r = createScopeResolver(model, catalog)));
  return r;
}

/**
 * Whether the cookies `op` names say something about the application behind `endpoint` (an op
 * no request of the scope runs says nothing: {@link opsNeverRun}): an op
 * that edits backend cookies counts only where it can see them. An Apache `Header edit`
 * (headers_out) never sees the cookies of a CGI or FastCGI backend (err_headers_out), nor a
 * `Header always edit` those of a proxied one: its exclusion is written for other scopes of the
 * same block. Counted anyway, a fix written for one scope (an exclusion of Jira's token where
 * Jira answers) made a blanket rule elsewhere look product-aware and silenced it there. An op
 * that reaches no backend (it makes its own cookies) and a scope whose backends are unknown keep
 * every mention.
 */
function actsOnBackendsOf(op: CookieOp, endpoint: Endpoint): boolean {
  if (op.reaches.length === 0 || endpoint.possibleBackends.length === 0) return true;
  return op.reaches.some((k) => endpoint.possibleBackends.includes(k));
}

export function createScopeResolver(model: HeaderRewriteModel, catalog: CookieCatalog): ScopeResolver {
  const all = catalog.xsrf.map((c) => c.name);
  const configured = catalog.xsrf.filter((c) => c.products[0] === 'configured').map((c) => c.name);
  const inline = catalog.productSettings?.inline === false ? [] : model.comments.map(parseInlineProducts).filter((x): x is InlineProducts => x !== undefined);
  const cache = new WeakMap<Endpoint, ScopeProducts>();
  // Ops are shared by many endpoints (inheritance): read each one's text once.
  const commentsByFile = new Map<string, CommentToken[]>();
  for (const c of model.comments) {
    let list = commentsByFile.get(c.span.file);
    if (!list) commentsByFile.set(c.span.file, (list = []));
    list.push(c);
  }
  for (const list of commentsByFile.values()) list.sort((a, b) => a.span.start - b.span.start);
  const mentions = new WeakMap<CookieOp, Evidence[]>();
  // A large configuration repeats the same directive text in thousands of scopes: read each text once.
  const namesIn = new Map<string, string[]>();
  const mentionedIn = (text: string) => {
    let names = namesIn.get(text);
    if (!names) namesIn.set(text, (names = mentionedCookies(text, all)));
    return names;
  };
  const mentionsOf = (op: CookieOp): Evidence[] => {
    let found = mentions.get(op);
    if (found) return found;
    found = [];
    for (const span of [...(op.parts.length > 0 ? op.parts.map((p) => p.span) : [op.span]), ...(op.related ?? [])]) {
      for (const n of mentionedIn(textOf(model, span, commentsByFile.get(span.file) ?? []))) {
        found.push({ kind: 'cookie', text: n, products: PRODUCTS.filter((p) => p.cookies.includes(n)).map((p) => p.id), cookies: [n], span });
      }
    }
    mentions.set(op, found);
    return found;
  };

  /**
   * The inline comment that governs `endpoint`: the later one of the innermost of its blocks that
   * holds one of its own (a comment in a sibling location is that location's), else the last one
   * of its file outside every block.
   */
  const blocksOf = (e: Endpoint): readonly Span[] => e.blocks ?? [];
  const blockKey = (b: Span) => `${b.file}\0${b.start}\0${b.end}`;
  const active = inline.filter((c) => c.selection === 'all' || c.selection.length > 0);
  // Each comment's own block: the smallest block of the model holding it. Per file the comments
  // are sorted by start, so each block finds those it holds by binary search.
  const own = new Map<string, InlineProducts>();
  const fileLevel = new Map<string, InlineProducts>();
  if (active.length > 0) {
    const byFile = new Map<string, InlineProducts[]>();
    for (const c of active) {
      let list = byFile.get(c.comment.span.file);
      if (!list) byFile.set(c.comment.span.file, (list = []));
      list.push(c);
    }
    for (const list of byFile.values()) list.sort((a, b) => a.comment.span.start - b.comment.span.start);
    const innermost = new Map<InlineProducts, Span>();
    const seen = new Set<string>();
    for (const e of model.endpoints) {
      for (const b of blocksOf(e)) {
        const key = blockKey(b);
        if (b.end <= b.start || seen.has(key)) continue;
        seen.add(key);
        const list = byFile.get(b.file) ?? [];
        let lo = 0;
        let hi = list.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (list[mid]!.comment.span.start < b.start) lo = mid + 1;
          else hi = mid;
        }
        for (let i = lo; i < list.length && list[i]!.comment.span.start < b.end; i++) {
          const c = list[i]!;
          if (!contains(b, c.comment.span)) continue;
          const was = innermost.get(c);
          if (!was || b.end - b.start < was.end - was.start) innermost.set(c, b);
        }
      }
    }
    // Sorted by start, so the later comment of a block (or of a file's top level) is kept.
    for (const list of byFile.values()) {
      for (const c of list) {
        const b = innermost.get(c);
        if (b) own.set(blockKey(b), c);
        else fileLevel.set(c.comment.span.file, c);
      }
    }
  }
  const inlineFor = (endpoint: Endpoint): InlineProducts | undefined => {
    if (active.length === 0) return undefined;
    let best: { c: InlineProducts; size: number } | undefined;
    for (const b of blocksOf(endpoint)) {
      const c = own.get(blockKey(b));
      if (c && (!best || b.end - b.start < best.size)) best = { c, size: b.end - b.start };
    }
    return best?.c ?? fileLevel.get(endpoint.span.file);
  };

  // Host names, paths and backend URLs repeat across scopes (every location of a server has its
  // names): the products each one names, worked out once. Evidence shares the arrays (read-only).
  const productsByName = new Map<string, ProductIds | null>();
  const namedProducts = (text: string): ProductIds | null => {
    let found = productsByName.get(text);
    if (found === undefined) productsByName.set(text, (found = productIds(byWords(text))));
    return found;
  };
  const productsByBackend = new Map<string, ReturnType<typeof backendProducts>>();
  const backendProductsOf = (ref: BackendRef) => {
    const key = `${ref.kind}\u0000${ref.target}`;
    let found = productsByBackend.get(key);
    if (found === undefined) productsByBackend.set(key, (found = backendProducts(ref)));
    return found;
  };
  const compute = (endpoint: Endpoint): ScopeProducts => {
    const evidence: Evidence[] = [];
    const mentioned = new Set<string>();
    const never = opsNeverRun(endpoint.pipeline);
    for (const op of endpoint.pipeline) {
      if (never.has(op) || !actsOnBackendsOf(op, endpoint)) continue;
      for (const e of mentionsOf(op)) {
        mentioned.add(e.text);
        evidence.push(e);
      }
    }
    for (const name of endpoint.names ?? []) {
      const products = namedProducts(name.value);
      if (products) evidence.push({ kind: name.kind, text: name.value, products: products.ids, cookies: products.cookies, span: name.span });
    }
    // A port is weak evidence: Tomcat, Spring Boot and many others listen on 8080, PHP-FPM and
    // SonarQube on 9000. Where the scope's directives name CSRF cookies (an exclusion: the operator
    // says what the application is), a product only a port suggests counts if they name one of its
    // cookies, or a name says the same; a rule that names none (blanket) takes the port's word.
    const refs = endpoint.backends.map((ref) => ({ ref, ...backendProductsOf(ref) }));
    const named = new Set([...evidence.filter((e) => e.kind !== 'cookie').flatMap((e) => e.products), ...refs.flatMap((r) => r.named.map((p) => p.id))]);
    const portCounts = (p: ProductEntry) => mentioned.size === 0 || named.has(p.id) || p.cookies.some((c) => mentioned.has(c));
    for (const { ref, named: byName, byPort } of refs) {
      const products = productIds(PRODUCTS.filter((p) => byName.includes(p) || (byPort.includes(p) && portCounts(p))));
      if (products) evidence.push({ kind: 'backend', text: ref.target, products: products.ids, cookies: products.cookies, ...(ref.span ? { span: ref.span } : {}) });
    }
    // A cookie name is evidence of that cookie, not of one of its products (atlassian.xsrf.token
    // is Jira's and Confluence's): products come from host names, paths and backends.
    const found = PRODUCTS.filter((p) => evidence.some((e) => e.kind !== 'cookie' && e.products.includes(p.id))).map((p) => p.id);
    const comment = inlineFor(endpoint);
    const setting: SelectionSource | undefined = catalog.productSettings?.allProducts
      ? { from: 'command line', selection: 'all' }
      : comment
        ? { from: 'inline comment', selection: comment.selection, span: comment.comment.span }
        : fileSelection(catalog.productSettings, endpoint.span.file);
    const order = (set: ReadonlySet<string>) => new Set(all.filter((n) => set.has(n)));
    if (setting) {
      const selected = selectionCookies(setting.selection, all);
      evidence.push({ kind: 'setting', text: selectionText(setting.selection), products: setting.selection === 'all' ? [] : [...setting.selection], cookies: [...selected], ...(setting.span ? { span: setting.span } : {}) });
      const relevant = setting.selection === 'all' ? new Set(all) : order(new Set([...selected, ...mentioned, ...configured]));
      const evident = setting.selection === 'all' ? order(new Set([...cookiesOfIds(found), ...mentioned, ...configured])) : relevant;
      return { mode: setting.selection === 'all' ? 'all' : 'configured', setting, mentioned: order(mentioned), evident, relevant, products: found, evidence };
    }
    const evident = order(new Set([...cookiesOfIds(found), ...mentioned, ...configured]));
    // A blanket rule (the scope names no CSRF cookie) breaks every one of them.
    const relevant = mentioned.size === 0 ? new Set(all) : evident;
    return { mode: 'evident', mentioned: order(mentioned), evident, relevant, products: found, evidence };
  };

  let byOp: Map<CookieOp, Endpoint[]> | undefined;
  return {
    forEndpoint(endpoint) {
      let s = cache.get(endpoint);
      if (!s) cache.set(endpoint, (s = compute(endpoint)));
      return s;
    },
    endpointsOf(op) {
      if (!byOp) {
        byOp = new Map();
        for (const e of model.endpoints) {
          for (const o of new Set(e.pipeline)) {
            let list = byOp.get(o);
            if (!list) byOp.set(o, (list = []));
            list.push(e);
          }
        }
      }
      return byOp.get(op) ?? [];
    },
    unknownInline: inline.filter((c) => c.unknown.length > 0),
  };
}

interface ProductIds {
  readonly ids: string[];
  readonly cookies: string[];
}

/** The ids and cookies of products, or null when there are none. */
function productIds(products: readonly ProductEntry[]): ProductIds | null {
  return products.length === 0 ? null : { ids: products.map((p) => p.id), cookies: cookiesOf(products) };
}

function cookiesOf(products: readonly ProductEntry[]): string[] {
  return [...new Set(products.flatMap((p) => p.cookies))];
}

function cookiesOfIds(ids: readonly string[]): string[] {
  return cookiesOf(ids.map((id) => findProduct(id)).filter((p): p is ProductEntry => p !== undefined));
}

function selectionCookies(selection: ProductSelection, all: readonly string[]): Set<string> {
  return selection === 'all' ? new Set(all) : new Set(cookiesOfIds(selection));
}

function selectionText(selection: ProductSelection): string {
  return selection === 'all' ? 'all' : selection.join(', ');
}

/**
 * The CSRF cookies a fix in this scope keeps readable: the products' behind it (evident or
 * configured), or every catalog cookie when nothing is known. Every other cookie keeps its
 * HttpOnly, also one the application set itself: an nginx `nohttponly` exemption would strip it.
 */
export function fixExemption(scope: ScopeProducts, all: readonly string[]): ReadonlySet<string> {
  if (scope.mode !== 'evident') return scope.relevant;
  return scope.evident.size > 0 ? scope.evident : new Set(all);
}
