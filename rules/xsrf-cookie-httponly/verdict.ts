/**
 * Which of the CSRF cookies a directive adds HttpOnly to are errors, and how to say so.
 *
 * Per scope the directive acts in (src/cookies/scope.ts):
 *   - a blanket rule (the scope names no CSRF cookie, nothing configured) breaks every one of
 *     them: all are reported, the evident products' cookies named first, then "and N other
 *     known CSRF cookies";
 *   - a rule whose exclusion names CSRF cookies: the named ones it fails to exclude (unanchored
 *     lookahead, case, missing `=`), and the cookies of products evident for the scope that it
 *     leaves out. Other products' cookies are not errors;
 *   - `products` settings replace the evidence: only the selected products' cookies count
 *     (`"all"`: every cookie, as a blanket rule).
 * The fix exempts the cookies relevant to the scope — evident, configured, or every hit cookie
 * when nothing is known — and keeps HttpOnly on all others.
 */
import { describeRequests } from '../../src/model/requests.js';
import { decidedByFacts, type Assumption } from '../../src/model/simulate.js';
import type { CookieCatalog } from '../../src/cookies/catalog.js';
import { findProduct, productsOfCookie } from '../../src/cookies/products.js';
import { fixExemption, type Evidence, type ScopeProducts, type ScopeResolver } from '../../src/cookies/scope.js';
import { describeBackends, type BackendKind } from '../../src/model/backends.js';
import type { CookieOp, Endpoint } from '../../src/model/header-rewrite.js';
import type { Span } from '../../src/source.js';
import { clip, directiveName } from '../../src/engine/message-text.js';

/** What the simulation found for one directive. */
export interface Hits {
  readonly op: CookieOp;
  /** The directive as written (the entry of an array op that caused the gain). */
  readonly label?: string;
  readonly cookies: ReadonlySet<string>;
  /** The scopes where each cookie gained HttpOnly from this directive. */
  readonly scopes: ReadonlyMap<string, ReadonlySet<Endpoint>>;
  readonly hitBackends: ReadonlySet<BackendKind>;
  readonly reachable: ReadonlySet<BackendKind>;
  /** One request that breaks: the scope, backend kind, what the backend sent and what the browser gets. */
  readonly example?: { readonly endpoint: Endpoint; readonly backend: BackendKind; readonly sent: string; readonly received: string };
  /** The request outcomes under which the cookies break (empty or absent: every request). */
  readonly assumptions?: readonly Assumption[];
  /** The same, cookie by cookie, where known. */
  readonly cookieAssumptions?: ReadonlyMap<string, readonly Assumption[]>;
  /** Cookies the directive writes itself with HttpOnly: named in it because it makes them, not to exclude them. */
  readonly created?: ReadonlySet<string>;
}

export interface Verdict {
  /** Cookies that are errors, evident products' first. */
  readonly reported: readonly string[];
  /** Names the fix exempts (catalog order). */
  readonly exempt: readonly string[];
  /** The one sentence, without a fix note. */
  readonly message: string;
  /** The sentence without its consequence. */
  readonly brief: string;
  readonly data: Record<string, unknown>;
  readonly related: readonly { readonly span: Span; readonly message: string }[];
}

const MAX_NAMED = 2;
/** Named when a blanket rule hits every cookie and nothing says which product is behind it. */
const COMMON = ['XSRF-TOKEN', 'csrftoken'];

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]!}`;
}

/** `atlassian.xsrf.token (Jira)`: the products evident for the scopes, else the catalog's first one. */
function named(cookie: string, catalog: CookieCatalog, evidentProducts: readonly string[]): string {
  const entry = catalog.xsrf.find((c) => c.name === cookie);
  if (!entry || entry.products[0] === 'configured') return cookie;
  const evident = productsOfCookie(cookie).filter((p) => evidentProducts.includes(p.id)).map((p) => p.name);
  return `${cookie} (${(evident.length > 0 ? evident : entry.products.slice(0, 1)).slice(0, 2).join(', ')})`;
}

/** Stylish output shows at most this many characters of a finding (the fixture harness checks 200). */
const MAX_SENTENCE = 196;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Whether some member of a set passes `test` (no array made). */
function someOf<T>(set: ReadonlySet<T>, test: (x: T) => boolean): boolean {
  for (const x of set) if (test(x)) return true;
  return false;
}

export function judge(hits: Hits, catalog: CookieCatalog, resolver: ScopeResolver): Verdict | undefined {
  const order = catalog.xsrf.map((c) => c.name);
  const reported = new Set<string>();
  const evident = new Set<string>();
  const failed = new Set<string>();
  const exempt = new Set<string>();
  const ignored = new Set<string>();
  let blanket = false;
  /** Some scope's directives name CSRF cookies: the rule has an exclusion. */
  let excluding = false;
  const scopes = new Map<Endpoint, ScopeProducts>();
  const hitIn = new Map<Endpoint, Set<string>>();
  /** The scopes where a reported cookie breaks. */
  const breaking = new Set<Endpoint>();
  for (const cookie of hits.cookies) {
    for (const endpoint of hits.scopes.get(cookie) ?? []) {
      let set = hitIn.get(endpoint);
      if (!set) hitIn.set(endpoint, (set = new Set()));
      set.add(cookie);
    }
  }
  for (const [endpoint, cookies] of hitIn) {
    const s = resolver.forEndpoint(endpoint);
    scopes.set(endpoint, s);
    // A rule that names no CSRF cookie yet spares every cookie of the products evident here
    // (`^((?!atl).*)$` in front of Fisheye) protects what the scope fronts: nothing to report.
    const unnamed = s.mode === 'evident' && s.mentioned.size === 0;
    if (unnamed && s.evident.size > 0 && !someOf(cookies, (c) => s.evident.has(c))) continue;
    if (unnamed) blanket = true;
    const made = (c: string) => hits.created?.has(c) === true;
    if (someOf(s.mentioned, (c) => !made(c))) excluding = true;
    // Worked out once per scope (a blanket scope's is a new set of every name).
    let exemption: ReadonlySet<string> | undefined;
    for (const cookie of cookies) {
      if (!s.relevant.has(cookie)) continue;
      breaking.add(endpoint);
      reported.add(cookie);
      if (s.evident.has(cookie)) evident.add(cookie);
      if (s.mentioned.has(cookie) && !made(cookie)) failed.add(cookie);
      if ((exemption ??= fixExemption(s, order)).has(cookie)) exempt.add(cookie);
    }
  }
  for (const cookie of hits.cookies) if (!reported.has(cookie)) ignored.add(cookie);
  if (reported.size === 0) return undefined;

  const products = [...new Set([...scopes.values()].flatMap((s) => s.products))];
  const first = order.filter((n) => reported.has(n) && evident.has(n));
  const rest = order.filter((n) => reported.has(n) && !evident.has(n));
  const ordered = [...first, ...rest];
  const fullLabel = hits.label ?? hits.op.label;
  const label = directiveName(fullLabel);
  const backends = describeBackends([...hits.hitBackends], [...hits.reachable], hits.op.dialect);
  // The requests of the cookies reported: one description when they break on the same requests,
  // else the first cookie's, said to be its own (a `map` choosing the cookie name); the data give
  // each cookie's.
  const perCookie = ordered.map((n) => hits.cookieAssumptions?.get(n) ?? hits.assumptions ?? []);
  const described = perCookie.map((a) => (a.length > 0 ? describeRequests(a) : ''));
  const varies = new Set(described).size > 1;
  const firstNamed = described.findIndex((d) => d !== '');
  const requests = varies ? described[firstNamed]! : (described[0] ?? '');
  const whose = varies ? ` (${ordered[firstNamed]}; others differ)` : '';
  // No request test named by the simulation: the directive's own condition, unless what selects
  // each breaking scope decides it (the `<Else>` of a path test the scope's path rules out).
  const decided = (e: Endpoint) => decidedByFacts(e.pipeline).get(hits.op) === true;
  const condition = requests
    ? ` ${clip(requests, 64)}${whose}`
    : hits.op.condition && hits.op.condition.value === 'unknown' && ![...breaking].every(decided)
      ? ` (when ${clip(hits.op.condition.text, 60)})`
      : '';
  const hosts = hitIn.size > breaking.size ? scopeNames(breaking, [...hitIn.keys()].filter((e) => !breaking.has(e))) : '';
  const where = `${backends ? ` ${backends}` : ''}${condition}`;
  const consequence = 'scripts cannot read the token, so forms fail.';

  let message: string;
  const show = (names: readonly string[]) => names.map((n) => named(n, catalog, products));
  if (ordered.every((n) => hits.created?.has(n))) {
    // The directive writes the cookie itself, HttpOnly included.
    const shown = ordered.slice(0, MAX_NAMED);
    const more = ordered.length - shown.length;
    message = `${label} sets ${list([...show(shown), ...(more > 0 ? [plural(more, 'other CSRF cookie', 'other CSRF cookies')] : [])])} with HttpOnly${hosts}${where}: ${consequence}`;
  } else if (failed.size > 0 && !blanket) {
    const missed = ordered.filter((n) => failed.has(n));
    const left = ordered.filter((n) => !failed.has(n));
    const shown = [...missed, ...left].slice(0, ordered.length > MAX_NAMED ? 1 : MAX_NAMED);
    const more = ordered.length - shown.length;
    const what = left.length === 0 ? `, which its exclusion misses` : missed.length === 0 ? `, which it does not exclude` : '';
    message = `${label} adds HttpOnly to ${list([...show(shown), ...(more > 0 ? [plural(more, 'other CSRF cookie', 'other CSRF cookies')] : [])])}${hosts}${what}${where}: ${consequence}`;
  } else if (failed.size === 0 && !blanket) {
    const shown = ordered.slice(0, ordered.length > MAX_NAMED ? 1 : MAX_NAMED);
    const more = ordered.length - shown.length;
    const what = excluding ? ', which it does not exclude' : '';
    message = `${label} adds HttpOnly to ${list([...show(shown), ...(more > 0 ? [plural(more, 'other CSRF cookie', 'other CSRF cookies')] : [])])}${hosts}${what}${where}: ${consequence}`;
  } else {
    // Blanket: the evident products' cookies by name, then how many others it breaks.
    if (first.length === 0 && ordered.length === order.length && order.length > 2) {
      message = `${label} adds HttpOnly to all ${order.length} known CSRF cookies (${COMMON.filter((n) => order.includes(n)).join(', ')}, …)${hosts}${where}: ${consequence}`;
    } else {
      const shown = (first.length > 0 ? first : ordered).slice(0, MAX_NAMED);
      const more = ordered.length - shown.length;
      const tail = more > 0 ? [plural(more, 'other known CSRF cookie', 'other known CSRF cookies')] : [];
      message = `${label} adds HttpOnly to ${list([...show(shown), ...tail])}${hosts}${where}: ${consequence}`;
    }
  }

  // One sentence a person reads: a long directive name leaves less room for the requests. The
  // count of other cookies says only "others" first (the data list them), then the requests lose their end.
  if (requests && message.length > MAX_SENTENCE) message = message.replace(/ other known CSRF cookie(s?)\b/, (_, s: string) => ` other${s}`);
  if (requests && message.length > MAX_SENTENCE) {
    const over = message.length - MAX_SENTENCE;
    const fits = (part: string) => message.length - condition.length + part.length <= MAX_SENTENCE;
    const shorter = ` ${clip(requests, Math.max(24, 64 - over))}${whose}`;
    // Requests shorter than 64 characters were not clipped: take the excess off them, at a word's end.
    const room = Math.max(24, requests.length - over);
    const cut = clip(requests, room);
    const space = cut.lastIndexOf(' ');
    const shortest = ` ${cut === requests || space <= room / 2 ? cut : `${cut.slice(0, space)}…`}${whose}`;
    // Cookies breaking on different requests: no room to name one's, say so.
    message = message.replace(condition, fits(shorter) ? shorter : varies ? ' depending on the request' : shortest);
  }
  const evidence = [...new Map([...scopes.values()].flatMap((s) => s.evidence).map((e) => [evidenceKey(e), e])).values()];
  const related = evidence.flatMap((e) => (e.span ? [{ span: e.span, message: evidenceMessage(e) }] : []));
  const data: Record<string, unknown> = {
    directive: fullLabel,
    cookies: ordered.map((name) => ({
      name,
      products: catalog.xsrf.find((c) => c.name === name)?.products ?? [],
      reason: failed.has(name) ? 'exclusion-fails' : blanket ? 'blanket' : 'not-excluded',
      ...(described[ordered.indexOf(name)] ? { requests: described[ordered.indexOf(name)] } : {}),
      evident: evident.has(name),
    })),
    otherCookies: order.filter((n) => ignored.has(n)),
    products: products.map((id) => findProduct(id)?.name ?? id),
    blanket,
    exempt: order.filter((n) => exempt.has(n)),
    backends: [...hits.hitBackends],
    scopes: [...scopes.entries()].map(([endpoint, s]) => ({
      scope: endpoint.label,
      mode: s.mode,
      ...(s.setting ? { setting: { from: s.setting.from, products: s.setting.selection } } : {}),
      mentioned: [...s.mentioned],
      evident: [...s.evident],
    })),
    evidence: evidence.map((e) => ({ kind: e.kind, text: e.text, products: e.products, cookies: e.cookies })),
    ...(hits.example
      ? {
          request: {
            scope: hits.example.endpoint.label,
            ...(hits.example.endpoint.requestPath ? { path: hits.example.endpoint.requestPath } : {}),
            backend: hits.example.backend,
            setCookie: hits.example.sent,
            browserGets: hits.example.received,
          },
        }
      : {}),
  };
  const brief = `${message.slice(0, message.length - consequence.length - 2)}.`;
  return { reported: ordered, exempt: order.filter((n) => exempt.has(n)), message, brief, data, related };
}

/** The innermost name of `kind` a scope answers to (its host, or the path of its section). */
const nameOf = (e: Endpoint, kind: 'host' | 'path') => e.names?.findLast((n) => n.kind === kind)?.value;

/**
 * ` for sentry.example.com` / ` for /sentry`: where a directive acts in several scopes and only
 * some of them break, the host names (`ServerName`, `server_name`) of those that do, or else the
 * paths of their sections; empty when a breaking scope has no such name or shares it with a
 * scope that does not break (the name would not tell them apart).
 */
function scopeNames(breaking: ReadonlySet<Endpoint>, fine: readonly Endpoint[]): string {
  for (const kind of ['host', 'path'] as const) {
    const names: string[] = [];
    const fineNames = new Set(fine.map((e) => nameOf(e, kind)));
    for (const e of breaking) {
      const name = nameOf(e, kind);
      if (name === undefined || fineNames.has(name)) {
        names.length = 0;
        break;
      }
      if (!names.includes(name)) names.push(name);
    }
    if (names.length === 0) continue;
    const shown = names.slice(0, MAX_NAMED);
    const more = names.length - shown.length;
    return ` for ${list([...shown, ...(more > 0 ? [plural(more, kind === 'host' ? 'other host' : 'other path', kind === 'host' ? 'other hosts' : 'other paths')] : [])])}`;
  }
  return '';
}

function evidenceKey(e: Evidence): string {
  return `${e.kind}\u0000${e.text}\u0000${e.span ? `${e.span.file}:${e.span.start}` : ''}`;
}

function evidenceMessage(e: Evidence): string {
  const products = e.products.map((id) => findProduct(id)?.name ?? id);
  switch (e.kind) {
    case 'cookie':
      return `names ${e.text}${products.length > 0 ? ` (${products.join(', ')})` : ''}`;
    case 'host':
      return `host name ${e.text} suggests ${list(products)}`;
    case 'path':
      return `path ${e.text} suggests ${list(products)}`;
    case 'section':
      return `${e.text} suggests ${list(products)}`;
    case 'backend':
      return `backend ${e.text} suggests ${list(products)}`;
    case 'setting':
      return `products setting: ${e.text}`;
  }
}
