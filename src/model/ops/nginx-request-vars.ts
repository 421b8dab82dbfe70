/**
 * nginx variables the request decides (src/http/ngx_http_variables.c): its Host, URI, query
 * arguments, header fields and cookies, as the directives that build Set-Cookie values read them
 * (`add_header`, `more_set_headers`, `proxy_cookie_*` arguments).
 *
 * An op is built for the probe request the simulation models (a GET of the endpoint's path with
 * the server's first name as Host, no query, header or cookie the configuration names): `$host`,
 * `$request_uri`, `$uri` take its values, `$arg_*`, `$cookie_*`, `$http_*` are empty (nginx's
 * "not found" is an empty string in a complex value). A variable whose value the linter does not
 * know stays as written. The values of other requests must not change what the op makes of a
 * cookie's name or attribute names (tried with two other values for every such variable, and
 * with patterns reading them matching every cookie):
 * `h=$host` keeps its shape, `$cookie_a; HttpOnly` does not (a request names the cookie), and
 * then the verdict is unknown. A caller that knows the request it sent (a test) gives it in
 * {@link SimEnv.request}: the op then reads that request's values.
 */
import { RegexBudgetError } from '../../regex/index.js';
import type { SetCookieLine, SimEnv, SimRequest } from '../header-rewrite.js';
import { parseSetCookie } from '../set-cookie.js';
import { runScript, scriptVariables, type Script, type VariableLookup } from './nginx-script.js';
import { readsCookies } from './nginx-response-vars.js';

/** The request an op answers, as its variables read it. */
export interface NginxRequest {
  readonly method: string;
  /** The request line's target (path and query as sent); null: not known. */
  readonly target: string | null;
  /** `$uri` where the op runs; null: not known (a rewrite or an internal redirect may change it). */
  readonly uri: string | null;
  /** Header fields by lower-cased name, Host among them; null: not known beyond the Host. */
  readonly headers: Readonly<Record<string, string>> | null;
  /** The Host header; null: not known. */
  readonly host: string | null;
  /** The server's first name (`$server_name`); null: not known. */
  readonly serverName: string | null;
}

/** What an op needs to read request variables: its probe request, and the names the configuration declares. */
export interface RequestVariables {
  readonly probe: NginxRequest | null;
  /** `map` and `set` names: the configuration's values, never the request's. */
  readonly declared: ReadonlySet<string>;
  /**
   * `set` names whose only `set` in the configuration reads request variables alone
   * (`set $v "$host"`): where no binding gives such a name a value, it is that value's.
   */
  readonly derived?: ReadonlyMap<string, Script>;
}

/**
 * Values of other requests, tried for every variable no binding gives: one that matches nothing,
 * and `httponly` (a flag word), with every literal pattern reading such variables matching.
 */
const OTHER_REQUESTS: readonly { readonly value: string; readonly matchesAll: boolean }[] = [
  { value: 'lpc-x', matchesAll: false },
  { value: 'httponly', matchesAll: true },
];

/** `$arg_NAME` (`ngx_http_arg`): the first argument of that name (caseless), as sent; "" when none. */
function arg(query: string, name: string): string {
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    if (eq >= 0 && pair.slice(0, eq).toLowerCase() === name) return pair.slice(eq + 1);
  }
  return '';
}

/** `$cookie_NAME` (`ngx_http_parse_multi_header_lines`): the first cookie of that name (caseless); "" when none. */
function cookie(header: string, name: string): string {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq >= 0 && part.slice(0, eq).trim().toLowerCase() === name) return part.slice(eq + 1).trim();
  }
  return '';
}

/** `$host` (`ngx_http_validate_host`): the Host header lower-cased, without its port and trailing dot. */
function hostOf(host: string): string {
  const m = /^(\[[^\]]*\]|[^:]*)(?::\d*)?$/.exec(host);
  return (m ? m[1]! : host).toLowerCase().replace(/\.$/, '');
}

/** The value of a request variable (lower-cased name) for `r`; undefined when the linter does not know it. */
export function requestValue(name: string, r: NginxRequest): string | undefined {
  if (name === 'request_method') return r.method;
  if (name === 'server_name') return r.serverName ?? undefined;
  if (name === 'host') return r.host !== null ? hostOf(r.host) : (r.serverName ?? undefined);
  if (name === 'http_host') return r.host ?? undefined;
  if (r.headers !== null) {
    if (name.startsWith('http_')) return r.headers[name.slice(5).replaceAll('_', '-')] ?? '';
    if (name.startsWith('cookie_')) return cookie(r.headers.cookie ?? '', name.slice(7));
    if (name === 'content_length' || name === 'content_type') return r.headers[name.replace('_', '-')] ?? '';
  }
  if (name === 'uri' || name === 'document_uri') return r.uri ?? undefined;
  if (r.target === null) return undefined;
  const q = r.target.indexOf('?');
  const query = q < 0 ? '' : r.target.slice(q + 1);
  if (name === 'request_uri') return r.target;
  if (name === 'args' || name === 'query_string') return query;
  if (name === 'is_args') return query === '' ? '' : '?';
  if (name.startsWith('arg_')) return arg(query, name.slice(4));
  return undefined;
}

/** The request a caller sent (a test), read where the op's probe request knows the server. */
function sentRequest(sent: SimRequest, probe: NginxRequest | null): NginxRequest {
  const headers = Object.fromEntries(Object.entries(sent.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const path = sent.target.split('?')[0]!;
  return {
    method: sent.method ?? 'GET',
    target: sent.target,
    // `$uri` is the normalized path: known when the probe knew it, and the path needs no normalizing.
    uri: probe?.uri != null && !/%|\/\/|\/\.\.?(?:\/|$)/.test(path) ? path : null,
    headers,
    host: headers.host ?? null,
    serverName: probe?.serverName ?? null,
  };
}

const shape = (lines: readonly SetCookieLine[]) =>
  lines
    .map((l) => {
      // The first pair up to `=` (all of it without one: a browser's nameless cookie, nginx's name).
      const first = l.value.split(';')[0]!;
      const c = parseSetCookie(l.value);
      return [first.includes('=') ? c.name : first.trim(), ...c.attributes.map((a) => a.name.toLowerCase())].join(';');
    })
    .join('\n');

const copy = (lines: readonly SetCookieLine[]) => lines.map((l) => ({ ...l, history: [...l.history] }));

/**
 * Runs an op (`run`, given the values of the request's variables) on `lines`: for the request
 * the caller sent, or for the op's probe request when it makes the same cookie names and
 * attribute names as other requests would (`free`: the op reads variables not bound otherwise).
 * `matchesAll` asks a literal pattern (a cookie name, path or domain) that reads such variables
 * to match whatever it is compared with.
 */
export function withRequest(
  vars: RequestVariables | undefined,
  free: boolean,
  lines: SetCookieLine[],
  env: SimEnv,
  source: string,
  run: (lines: SetCookieLine[], request: VariableLookup, matchesAll: boolean) => void,
): void {
  const probe = vars?.probe ?? null;
  const request = env.request ? sentRequest(env.request, probe) : probe;
  const declared = vars?.declared ?? new Set<string>();
  const derived = vars?.derived;
  const lookup: VariableLookup = (name) => {
    if (!request) return undefined;
    if (!declared.has(name)) return requestValue(name, request);
    const script = derived?.get(name);
    if (!script) return undefined;
    // Every variable it reads is the request's: a value each, or the whole stays unknown.
    const values = scriptVariables(script).map((n) => requestValue(n, request));
    return values.some((v) => v === undefined) ? undefined : runScript(script, '', [], (n) => requestValue(n, request));
  };
  if (free && !env.request) {
    const mine = copy(lines);
    run(mine, lookup, false);
    const expected = shape(mine);
    for (const other of OTHER_REQUESTS) {
      const theirs = copy(lines);
      run(theirs, () => other.value, other.matchesAll);
      if (shape(theirs) !== expected) {
        throw new RegexBudgetError(source, 'a value the request decides (a variable the configuration does not set) changes the cookie names or attributes it makes', { unsupported: true });
      }
    }
  }
  run(lines, lookup, false);
}

/** Whether scripts read variables neither `bindings` nor the response give a value: the request's, or unknown ones. */
export function freeVariables(scripts: readonly Script[], bindings: ReadonlyMap<string, string>): boolean {
  return scripts.some((s) => scriptVariables(s).some((name) => !bindings.has(name) && !readsCookies(name)));
}

/** The part of an op's signature its probe request makes (when it reads request variables). */
export function requestKey(vars: RequestVariables | undefined, free: boolean): string {
  return free && vars ? JSON.stringify([vars.probe, [...vars.declared].sort(), [...(vars.derived ?? new Map<string, Script>())].map(([k, v]) => [k, v.source])]) : '';
}
