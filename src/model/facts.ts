/**
 * Observations about a configuration that rules need but that are not operations one can
 * simulate on a Set-Cookie header (application-side cookie defaults, code the linter cannot run).
 */
import type { Span } from '../source.js';

/**
 * `<system.web><httpCookies httpOnlyCookies="true">`: ASP.NET gives HttpOnly to every cookie the
 * application creates through `System.Web.HttpCookie` unless code sets `HttpOnly = false`; it never
 * touches cookies of proxied (ARR) backends. proxy-semantics.md §3.2.
 */
export interface AspNetHttpCookiesFact {
  readonly kind: 'aspnet-httpcookies';
  readonly span: Span;
  /** The attribute value span, for messages and fixes. */
  readonly attributeSpan: Span;
  readonly httpOnlyCookies: boolean;
  readonly requireSSL: boolean;
  /** Whether the same configuration proxies requests (ARR rewrite to http/https). */
  readonly proxies: boolean;
}

/**
 * A Lua header filter (`header_filter_by_lua*`) that appends HttpOnly to Set-Cookie values.
 * Lua cannot be simulated; the rule is a heuristic. proxy-semantics.md §2.5.
 */
export interface LuaHeaderFilterFact {
  readonly kind: 'nginx-lua-header-filter';
  readonly span: Span;
  /** The directive's Lua code (inline block or file contents, when readable). */
  readonly code: string;
  /** Where the append of HttpOnly was seen. */
  readonly appendSpan: Span;
  /** A cookie-name test (e.g. `v:find("^XSRF%-TOKEN=")`) guards the append. */
  readonly hasNameGuard: boolean;
  /**
   * The code's other string literals, Lua pattern escapes (`%-`) undone: where a guard names the
   * cookies it spares (`^XSRF-TOKEN=`).
   */
  readonly guardTexts: readonly string[];
}

/**
 * An nginx location no request can select (src/dialects/nginx/reachability.ts), holding a backend
 * or cookie directives: those never run. It is not an endpoint of the model.
 */
export interface UnreachableLocationFact {
  readonly kind: 'nginx-unreachable-location';
  /** The `location` directive's arguments. */
  readonly span: Span;
  /** `location ~ ^api/` */
  readonly label: string;
  /** Why no request selects it, as a clause: `request paths always start with "/", and "api/" does not`. */
  readonly reason: string;
  /** What it holds that never runs: `proxy_pass`, `proxy_cookie_flags`... */
  readonly holds: readonly string[];
}

export type Fact = AspNetHttpCookiesFact | LuaHeaderFilterFact | UnreachableLocationFact;
