/**
 * Caddy's `headers` handler and `reverse_proxy`'s response header operations on Set-Cookie, with
 * Caddy 2.6's semantics (modules/caddyhttp/headers/headers.go `HeaderOps.ApplyTo`,
 * `responseWriterWrapper.WriteHeader`; reverseproxy.go `finalizeResponse`), each verified
 * against the real Caddy 2.6.2 in test/caddy/real-server.test.ts:
 *
 * - one op is one `HeaderOps`: it applies, whatever order they were written in, first a delete
 *   of `*`, then `add` (one more line per value), `set` (every line replaced by ONE line, the values
 *   joined with `,`), the
 *   other deletes (exact names, `prefix*`, `*suffix`, `*infix*`, case-insensitive), and last the
 *   replacements (in order under one field key, the keys in Go's map order, which changes from
 *   request to request: an order that matters makes the verdict unknown) — a literal `search`
 *   with `strings.ReplaceAll`, a `search_regexp`
 *   with Go's `ReplaceAllString` (every non-overlapping match, `$1` / `${name}` expanded by
 *   `regexp.Expand`: `$1x` is the group named `1x`, empty);
 * - `phase` says which lines it sees. `immediate`: a `headers` handler without `defer` runs
 *   before the next handler writes the response, so it sees only the lines earlier immediate
 *   handlers made, and the backend's lines are added after them (`copyHeader` appends);
 *   `upstream`: `reverse_proxy`'s `header_down` acts on the backend's response before it is
 *   copied, so it sees only the backend's lines; `deferred`: a deferred handler (`defer`, `-`
 *   in the Caddyfile, `>` since Caddy 2.7, or any `?` default) acts when the response header is
 *   written, on every line — the innermost handler, the last in the route, first;
 * - `requireNoSetCookie`: a `?Set-Cookie` default (a response matcher requiring the field to be
 *   absent) acts only when no Set-Cookie line exists at that moment;
 * - `copyUpstream`: `copy_response` after `copy_response_headers` in `handle_response` sends
 *   the backend's lines twice [LAB 2.6.2]: those `copy_response_headers` copied as they came,
 *   after the immediate handlers' lines, then those `copy_response` copies (after `header_down`).
 *   The op (immediate) puts the first copy in; the immediate handlers after it see it, and
 *   `header_down` does not.
 */
import { fromByteString, RegexBudgetError, toByteString, type CompiledRegex } from '../../regex/index.js';
import type { Span } from '../../source.js';
import { BACKEND_LABELS, type BackendKind } from '../backends.js';
import type { Condition, CookieOp, OpPart, SetCookieLine, SimEnv, SimRequest } from '../header-rewrite.js';
import { addedLine, backendLine, changeLine, parseSetCookie } from '../set-cookie.js';
import { semanticKey } from '../signature.js';

export type CaddyPhase = 'immediate' | 'upstream' | 'deferred';

/** One header operation as written (a Caddyfile line or a JSON entry). */
export interface CaddyFieldOp {
  readonly span: Span;
  readonly label: string;
  /** Where a finding points: the regex of a replacement, the value of a set. */
  readonly focus?: Span;
}

export interface CaddyValueOp extends CaddyFieldOp {
  readonly field: string;
  readonly value: string;
}

export interface CaddyDeleteOp extends CaddyFieldOp {
  readonly field: string;
}

export interface CaddyReplacement extends CaddyFieldOp {
  readonly field: string;
  /** Literal search text (`search`), used when there is no regex. */
  readonly search?: string;
  readonly searchRegexp?: {
    readonly source: string;
    readonly span: Span;
    readonly regex: CompiledRegex | null;
    readonly error?: string;
    /** Go refuses the pattern (Caddy does not start); otherwise only the linter cannot run it. */
    readonly refused?: boolean;
  };
  readonly replace: string;
  /** The replacement as written, quotes included. */
  readonly replaceSpan?: Span;
}

export interface CaddyHeaderOpsInit {
  readonly span: Span;
  readonly label: string;
  readonly phase: CaddyPhase;
  readonly condition: Condition | null;
  readonly add: readonly CaddyValueOp[];
  /** Only the values of the last `set` of a field count (`http.Header.Set` in the adapter). */
  readonly set: readonly CaddyValueOp[];
  readonly delete: readonly CaddyDeleteOp[];
  readonly replace: readonly CaddyReplacement[];
  readonly requireNoSetCookie: boolean;
  /** Puts the backend's lines in again as they came, after the immediate lines (see above). */
  readonly copyUpstream?: boolean;
  /** Placeholders of the configuration's own (`map` destinations): filled in at run time. */
  readonly runtimeKeys?: readonly string[];
  /** The request the op answers, for the placeholders that read it (`{path}`, `{host}`...). */
  readonly request?: CaddyRequest;
  /** Caddyfile (or JSON) syntax the fix builders need; not part of the op's behaviour. */
  readonly syntax?: unknown;
}

export interface CaddyHeadersOp extends CookieOp, CaddyHeaderOpsInit {
  readonly kind: 'caddy-headers';
}

/** This module's own op, told by its kind (the module cannot use ops/index.ts's guard: that imports it). */
function isCaddyHeadersOp(op: CookieOp): op is CaddyHeadersOp {
  return op.kind === 'caddy-headers';
}

const canonical = (field: string) => field.toLowerCase();

/** Whether a header operation's field name designates Set-Cookie (`http.CanonicalHeaderKey` comparison). */
export function namesSetCookie(field: string): boolean {
  return canonical(field) === 'set-cookie';
}

/** `-Field` deletions: exact, or with `*` at the start, the end, or both (headers.go). */
export function deletesSetCookie(field: string): boolean {
  const f = field.toLowerCase();
  if (f === '*') return true;
  if (f.startsWith('*') && f.endsWith('*') && f.length >= 2) return 'set-cookie'.includes(f.slice(1, -1));
  if (f.startsWith('*')) return 'set-cookie'.endsWith(f.slice(1));
  if (f.endsWith('*')) return 'set-cookie'.startsWith(f.slice(0, -1));
  return f === 'set-cookie';
}

/** `regexp.Expand`'s `extract`: a group reference after `$`. */
function extractRef(t: string, i: number): { name: string; next: number } | null {
  let j = i;
  const brace = t[j] === '{';
  if (brace) j++;
  const start = j;
  while (j < t.length && /[A-Za-z0-9_]/.test(t[j]!)) j++;
  if (j === start) return null;
  const name = t.slice(start, j);
  if (brace) {
    if (t[j] !== '}') return null;
    j++;
  }
  return { name, next: j };
}

/** `Regexp.Expand` of Go on a byte-string subject. */
export function goExpand(template: string, subject: string, captures: ReadonlyArray<readonly [number, number] | undefined>, names: ReadonlyMap<string, number>): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf('$', i);
    if (dollar === -1) break;
    out += template.slice(i, dollar);
    i = dollar + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    const ref = extractRef(template, i);
    if (!ref) {
      out += '$';
      continue;
    }
    i = ref.next;
    const num = /^[0-9]+$/.test(ref.name) && ref.name.length < 9 ? Number(ref.name) : -1;
    const group = num >= 0 ? num : (names.get(ref.name) ?? -1);
    const cap = group >= 0 ? captures[group] : undefined;
    if (cap) out += subject.slice(cap[0], cap[1]);
  }
  return out + template.slice(i);
}

/** Go's `Regexp.ReplaceAllString` (regexp.go `replaceAll`), on bytes. */
export function goReplaceAll(regex: CompiledRegex, value: string, template: string): string {
  const src = toByteString(value);
  const tpl = toByteString(template);
  let out = '';
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= src.length) {
    const m = regex.exec(src, searchPos);
    if (!m) break;
    out += src.slice(lastMatchEnd, m.start);
    // No replacement for an empty match right after another match.
    if (m.end > lastMatchEnd || m.start === 0) out += goExpand(tpl, src, m.captures, regex.groupNames);
    lastMatchEnd = m.end;
    searchPos = Math.max(searchPos + 1 , m.end);
  }
  out += src.slice(lastMatchEnd);
  return fromByteString(out);
}

/**
 * Caddy's `Replacer.ReplaceKnown` (replacer.go, 2.6.2) as the header handler runs it on values,
 * replacements and literal searches: `{key}` is replaced when `value(key)` gives a string, kept as
 * written when Caddy does not know the key (undefined), and `\{` `\}` lose their backslash.
 */
export function replaceKnown(input: string, value: (key: string) => string | undefined): string {
  if (!input.includes('{')) return input;
  let out = '';
  let last = 0;
  for (let i = 0; i < input.length; i++) {
    if (i > 0 && input[i - 1] === '\\' && (input[i] === '{' || input[i] === '}')) {
      out += input.slice(last, i - 1);
      last = i;
      continue;
    }
    if (input[i] !== '{') continue;
    let end = input.indexOf('}', i);
    if (end < 0) continue;
    while (end < input.length - 1 && input[end - 1] === '\\') {
      const next = input.indexOf('}', end + 1);
      if (next < 0) break;
      end = next;
    }
    out += input.slice(last, i);
    const v = value(input.slice(i + 1, end));
    if (v === undefined) {
      last = i;
      continue;
    }
    out += v;
    i = end;
    last = end + 1;
  }
  return out + input.slice(last);
}

/**
 * What the linter gives a placeholder Caddy knows in a header handler. The request's own values
 * (`http.request.*`, regex captures of its path) are those of the probe request (`fill` null): a
 * GET of the endpoint's path ({@link requestValue}: `{path}`, `{host}` when the site names it...),
 * which carries no header, cookie or query argument the configuration names: a header or query
 * argument (or a request value the linter does not know) expands to nothing, an absent cookie,
 * TLS field (plain HTTP) or capture stays as written [LAB 2.6.2]; or `fill`, another request's value: a line whose cookie name or attribute
 * names differ between the two makes {@link probeValue} give up. What the configuration or the
 * host decides at run time (`http.vars.*` set by `vars`/`map`, `env.*`, `system.*`, `time.*`, the
 * proxy's upstream...) could be anything, `HttpOnly` included: the verdict is unknown. Other keys
 * are unknown to Caddy and stay as written (`{nope}`).
 */
function placeholderValue(key: string, fill: string | null, template: string, runtimeKeys: readonly string[], request?: CaddyRequest): string | undefined {
  if (runtimeKeys.includes(key)) throw new RegexBudgetError(template, `a map fills in {${key}} at run time, with a value the linter cannot know`, { unsupported: true });
  if (key.startsWith('http.request.') || key.startsWith('http.regexp.')) {
    if (fill !== null) return fill;
    const known = request ? requestValue(key, request) : undefined;
    if (known !== undefined) return known;
    return /^http\.(?:request\.(?:cookie|tls)\.|regexp\.)/.test(key) ? undefined : '';
  }
  if (/^(?:http|env|system|time)\./.test(key)) throw new RegexBudgetError(template, `Caddy fills in {${key}} at run time, with a value the linter cannot know`, { unsupported: true });
  return undefined;
}

/** What the placeholders of an op's values are filled with: its map destinations, and its request. */
interface Fills {
  readonly runtimeKeys: readonly string[];
  readonly request?: CaddyRequest;
}

/**
 * The request the linter simulates for an endpoint (a GET of its probe path, without query,
 * header or cookie), as Caddy's request placeholders read it.
 */
export interface CaddyRequest {
  /** The path when the placeholder is read (after the rewrites before it); null: unknown. */
  readonly path: string | null;
  /** The path the request came with. */
  readonly origPath: string;
  /** The Host header (`example.com`, `127.0.0.1:8080`), when the site names its host. */
  readonly hostport?: string;
  readonly scheme: 'http' | 'https';
  /**
   * The query string and header fields (names lower-cased) of a request the simulation was given
   * (SimEnv.request: a test that sent it, `simulate --location`); absent for the probe request.
   */
  readonly sent?: { readonly query: string; readonly headers: Readonly<Record<string, string>> };
}

/** The probe request with the query and headers of the request sent (its Host too); the path stays the probe's (the rewrites before the op are the model's). */
function withSent(probe: CaddyRequest | undefined, request: SimRequest | undefined): CaddyRequest | undefined {
  if (!probe || !request) return probe;
  const q = request.target.indexOf('?');
  const host = request.headers.host;
  return { ...probe, ...(host !== undefined ? { hostport: host } : {}), sent: { query: q < 0 ? '' : request.target.slice(q + 1), headers: request.headers } };
}

/** Go's `url.ParseQuery(q).Get(name)`: the first value of the parameter, unescaped (`+` is a space). */
function queryValue(query: string, name: string): string {
  const decoded = (x: string) => {
    try {
      return decodeURIComponent(x.replace(/\+/g, ' '));
    } catch {
      return undefined;
    }
  };
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    if (decoded(eq < 0 ? pair : pair.slice(0, eq)) === name) return decoded(eq < 0 ? '' : pair.slice(eq + 1)) ?? '';
  }
  return '';
}

/**
 * Caddy 2.6.2's value of a request placeholder (modules/caddyhttp/replacer.go) for that request,
 * undefined where the linter does not know it [LAB 2.6.2: `{host}` → 127.0.0.1, `{port}` → the
 * port of the Host header, `{path}` after `uri strip_prefix`, `{path.0}`, `{labels.3}`, `{dir}`].
 */
export function requestValue(key: string, r: CaddyRequest): string | undefined {
  const k = key.slice('http.request.'.length);
  if (k === 'method' || k === 'orig_method') return 'GET';
  if (k === 'scheme') return r.scheme;
  if (k === 'proto') return 'HTTP/1.1';
  if (r.sent) {
    // The request sent: its query arguments, header fields (the lines of one, joined with ",") and
    // cookies (the first of that name, without case; an absent one stays as written).
    if (k === 'uri.query') return r.sent.query;
    const arg = /^uri\.query\.(.+)$/.exec(k);
    if (arg) return queryValue(r.sent.query, arg[1]!);
    const field = /^header\.(.+)$/.exec(k);
    if (field) return r.sent.headers[field[1]!.toLowerCase()] ?? '';
    const cookie = /^cookie\.(.+)$/.exec(k);
    if (cookie) {
      const found = (r.sent.headers.cookie ?? '').split(';').map((c) => c.trim().split('=')).find(([n]) => n?.toLowerCase() === cookie[1]!.toLowerCase());
      if (found) return found.slice(1).join('=');
    }
    if (r.path !== null && (k === 'uri' || k === 'orig_uri')) return `${k === 'uri' ? r.path || '/' : r.origPath}${r.sent.query ? `?${r.sent.query}` : ''}`;
  }
  if (k === 'orig_uri' || k === 'orig_uri.path') return r.origPath;
  if (r.hostport !== undefined) {
    // net.SplitHostPort: a Host without a port is the host itself, with an empty port.
    const m = /^(.*):(\d*)$/.exec(r.hostport);
    const host = m ? m[1]! : r.hostport;
    if (k === 'hostport') return r.hostport;
    if (k === 'host') return host;
    if (k === 'port') return m ? String(Number(m[2]!)) : '';
    const label = /^host\.labels\.(\d+)$/.exec(k);
    if (label) return host.split('.').reverse()[Number(label[1])] ?? '';
  }
  if (r.path === null) return undefined;
  // URL.RequestURI: the escaped path, `/` when empty (the probe request has no query).
  if (k === 'uri') return r.path === '' ? '/' : r.path;
  if (k === 'uri.path') return r.path;
  const slash = r.path.lastIndexOf('/') + 1;
  if (k === 'uri.path.dir') return r.path.slice(0, slash);
  if (k === 'uri.path.file') return r.path.slice(slash);
  const segment = /^uri\.path\.(\d+)$/.exec(k);
  if (segment) return (r.path.startsWith('/') ? r.path.slice(1) : r.path).split('/')[Number(segment[1])] ?? '';
  return undefined;
}

/** Whether Caddy replaces some placeholder of `text` for some request. */
function fillsIn(text: string, runtimeKeys: readonly string[]): boolean {
  try {
    return replaceKnown(text, (key) => placeholderValue(key, 'x', text, runtimeKeys)) !== text;
  } catch {
    return true;
  }
}

/** The cookie's shape: its name and attribute names. */
const shape = (v: string) => {
  const c = parseSetCookie(v);
  return [c.name, ...c.attributes.map((a) => a.name.toLowerCase())].join(';');
};

/**
 * The value an op writes for the probe request, `write` making it from the expanded templates.
 * It must keep its shape whatever the request's values are (tried with two): `Domain={host}` does,
 * `HttpOnly{header.X}` does not (then the verdict is unknown).
 */
function probeValue(templates: readonly string[], fills: Fills, write: (expand: (t: string) => string) => string): string {
  const withFill = (fill: string | null) => write((t) => replaceKnown(t, (key) => placeholderValue(key, fill, t, fills.runtimeKeys, fills.request)));
  const value = withFill(null);
  if (!templates.some((t) => t.includes('{'))) return value;
  const other = withFill('x');
  if (shape(other) !== shape(value)) throw new RegexBudgetError(templates.join(' '), 'its Set-Cookie line takes a different form with the values of each request', { unsupported: true });
  return value;
}

/**
 * Lines an immediate handler made (or `copyUpstream` copied): they exist before the backend's.
 * Immediate handlers see only these, so no other line's first change is theirs.
 */
function isImmediateLine(line: SetCookieLine): boolean {
  const first = line.history[0]?.op;
  return first !== undefined && isCaddyHeadersOp(first) && first.phase === 'immediate';
}

const ALL_KINDS = Object.keys(BACKEND_LABELS) as BackendKind[];

export function caddyHeadersOp(init: CaddyHeaderOpsInit): CaddyHeadersOp {
  const adds = init.add.filter((a) => namesSetCookie(a.field));
  const lastSet = init.set.filter((s) => namesSetCookie(s.field));
  const setField = lastSet.length > 0 ? lastSet[lastSet.length - 1]!.field : undefined;
  const sets = lastSet.filter((s) => s.field === setField);
  const deleteAll = init.delete.filter((d) => d.field === '*');
  const deletes = init.delete.filter((d) => d.field !== '*' && deletesSetCookie(d.field));
  const replaces = init.replace.filter((r) => r.field === '*' || namesSetCookie(r.field));
  // A field name Caddy fills in (`{vars.f}` holding Set-Cookie [LAB 2.6.2]) may name Set-Cookie.
  const dynamic = [...init.add, ...init.set, ...init.delete, ...init.replace].find((p) => fillsIn(p.field, init.runtimeKeys ?? []));
  const touches = adds.length + sets.length + deleteAll.length + deletes.length + replaces.length > 0 || dynamic !== undefined || init.copyUpstream === true;
  const parts: OpPart[] = [...init.add, ...init.set, ...init.delete, ...init.replace]
    .filter((p) => adds.includes(p as CaddyValueOp) || sets.includes(p as CaddyValueOp) || deleteAll.includes(p) || deletes.includes(p) || replaces.includes(p as CaddyReplacement))
    .sort((a, b) => a.span.start - b.span.start)
    .map((p) => ({ span: p.span, label: p.label, ...(p.focus ? { focus: p.focus } : {}) }));
  const { syntax: _syntax, ...data } = init;
  const op: CaddyHeadersOp = {
    kind: 'caddy-headers',
    dialect: 'caddy',
    ...init,
    parts,
    focus: parts.length === 1 ? (parts[0]!.focus ?? parts[0]!.span) : init.span,
    reaches: touches && init.phase !== 'immediate' ? ALL_KINDS : [],
    signature: semanticKey([
      'caddy-headers',
      data.phase,
      data.condition ? [data.condition.text, data.condition.value] : null,
      data.requireNoSetCookie,
      adds.map((a) => a.value),
      sets.map((s) => s.value),
      deleteAll.length,
      deletes.map((d) => d.field.toLowerCase()),
      // RE2 patterns are always compiled with the same options (src/regex/re2.ts).
      replaces.map((r) => [r.field, r.search ?? null, r.searchRegexp ? [r.searchRegexp.source, r.searchRegexp.error ?? null, !!r.searchRegexp.refused] : null, r.replace]),
      [...(data.runtimeKeys ?? [])].sort(),
      dynamic?.field ?? null,
      data.copyUpstream === true,
    ]),
    apply(lines: SetCookieLine[], env: SimEnv): void {
      if (!touches) return;
      if (dynamic) throw new RegexBudgetError(dynamic.field, 'Caddy fills in the header name at run time: it may be Set-Cookie', { unsupported: true });
      const request = withSent(init.request, env.request);
      const runtimeKeys: Fills = { runtimeKeys: init.runtimeKeys ?? [], ...(request ? { request } : {}) };
      if (init.copyUpstream) {
        // Backend lines, marked as immediate ones by a change that changes nothing.
        const copies = (env.upstream ?? []).map((v) => ({ ...backendLine(v, env.backend), history: [{ op, cause: init.span, before: v, after: v }] }));
        lines.splice(lines.filter(isImmediateLine).length, 0, ...copies);
        return;
      }
      const visible = () => (init.phase === 'immediate' ? lines.filter(isImmediateLine) : init.phase === 'upstream' ? lines.filter((l) => !isImmediateLine(l)) : lines.slice());
      if (init.requireNoSetCookie && visible().length > 0) return;
      const remove = (ls: SetCookieLine[]) => {
        for (const l of ls) lines.splice(lines.indexOf(l), 1);
      };
      /** Where the field's new lines go: after the visible ones (immediate lines precede the backend's). */
      const append = (line: SetCookieLine) => {
        const mine = visible();
        if (mine.length > 0) lines.splice(lines.indexOf(mine[mine.length - 1]!) + 1, 0, line);
        else if (init.phase === 'immediate') lines.unshift(line);
        else if (init.phase === 'upstream') lines.splice(lines.filter(isImmediateLine).length, 0, line);
        else lines.push(line);
      };
      if (deleteAll.length > 0) remove(visible());
      for (const a of adds) append(addedLine(probeValue([a.value], runtimeKeys, (x) => x(a.value)), op, a.span));
      if (sets.length > 0) {
        const mine = visible();
        const at = mine.length > 0 ? lines.indexOf(mine[0]!) : -1;
        remove(mine);
        // `hdr.Set(field, strings.Join(values, ","))`: the values become ONE line [LAB 2.6.2].
        const values = sets.map((s) => s.value);
        const fresh = [addedLine(probeValue(values, runtimeKeys, (x) => values.map(x).join(',')), op, sets[0]!.span)];
        if (at >= 0) lines.splice(at, 0, ...fresh);
        else for (const l of fresh) append(l);
      }
      if (deletes.length > 0) remove(visible());
      // The replacements live in a Go map keyed by the field as written (`*`, `Set-Cookie`,
      // `set-cookie`...): its iteration order changes from one request to the next [LAB 2.6.2].
      const keys = [...new Set(replaces.map((r) => r.field))];
      if (keys.length > 1) {
        const orders = keys.length > 3 ? [] : permutations(keys).map((ks) => ks.flatMap((k) => replaces.filter((r) => r.field === k)));
        for (const line of visible()) {
          const results = new Set(orders.map((rs) => rs.reduce((v, r) => replaced(r, v, runtimeKeys), line.value)));
          if (results.size !== 1) throw new RegexBudgetError(replaces[0]!.searchRegexp?.source ?? replaces[0]!.search ?? '', `Caddy runs the replacements of ${keys.join(', ')} in a random order, and the order changes the result`, { unsupported: true });
        }
      }
      for (const r of replaces) for (const line of visible()) changeLine(line, op, r.span, replaced(r, line.value, runtimeKeys));
    },
  };
  return op;
}

/** What one replacement makes of a value (for the probe request). */
function replaced(r: CaddyReplacement, value: string, runtimeKeys: Fills): string {
  if (r.searchRegexp) {
    const regex = r.searchRegexp.regex;
    // Caddy refuses the whole configuration (reported as directive-invalid): what the
    // replacement would do is unknown, the rest of the pipeline is still simulated. A
    // pattern Go accepts but the engine cannot run makes the verdict unknown.
    if (!regex && !r.searchRegexp.refused) throw new RegexBudgetError(r.searchRegexp.source, r.searchRegexp.error ?? 'the pattern cannot be simulated');
    if (!regex) return value;
    // A line the regex leaves alone does not depend on the replacement's placeholders.
    return regex.exec(toByteString(value)) === null ? value : probeValue([r.replace], runtimeKeys, (x) => goReplaceAll(regex, value, x(r.replace)));
  }
  const search = r.search ?? '';
  return probeValue([search, r.replace], runtimeKeys, (x) => goLiteralReplaceAll(value, x(search), x(r.replace)));
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((first, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [first, ...rest]));
}

/** `strings.ReplaceAll` (with an empty search: the replacement goes before every rune and at the end). */
function goLiteralReplaceAll(value: string, search: string, replace: string): string {
  if (search !== '') return value.split(search).join(replace);
  return replace + [...value].join(replace) + (value.length > 0 ? replace : '');
}
