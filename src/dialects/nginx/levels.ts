/**
 * Configuration levels (http, server, location, `if` in location), each with what its own
 * directives set — the analogue of nginx's per-level module configurations before merging
 * (`create_loc_conf` + directive handlers). Inheritance is applied later (effective.ts).
 */
import type { BackendKind, BackendRef } from '../../model/backends.js';
import type { ScopeName } from '../../model/header-rewrite.js';
import type { NginxAddHeaderOp } from '../../model/ops/nginx-add-header.js';
import type { NginxRewriteEntry } from '../../model/ops/nginx-cookie-rewrite.js';
import type { NginxHideHeaderOp } from '../../model/ops/nginx-hide-header.js';
import type { SetCookieFlagEntry } from '../../model/ops/nginx-set-cookie-flag.js';
import type { NginxMoreHeadersOp } from '../../model/ops/nginx-more-headers.js';
import type { NginxFlagsEntry } from '../../model/ops/nginx-proxy-cookie.js';
import type { ErrorPage } from './intercept.js';
import type { LocationInfo } from './locations.js';
import type { Directive } from './syntax.js';
import type { RewriteStep } from './rewrite-code.js';

export type LevelKind = 'main' | 'http' | 'server' | 'location' | 'if';

export interface Level {
  readonly id: number;
  readonly kind: LevelKind;
  readonly parent: Level | null;
  /**
   * The block directive that opens the level (none for the root of a file). Let go of when the
   * model's syntax is released ({@link detachLevels} in lower.ts): the model's endpoints keep
   * their levels, and through this every directive of the configuration.
   */
  directive: Directive | null;
  /** For an `if` level whose directive was let go of: the query string that makes it true (lower.ts `ifQuery`). */
  query?: string;
  /** Nested servers, locations and `if` blocks, in source order. */
  readonly children: Level[];
  /** One part of the endpoint label: `server example.com:443`, `location /app/`. */
  readonly label: string;
  readonly location?: LocationInfo;
  readonly serverNames?: string[];
  /** The host names (`server_name`) or path (`location`) this level answers to, where written. */
  readonly names?: ScopeName[];
  /** Arrays of `proxy_cookie_*` entries; `undefined` = not set at this level, `null` = `off`. */
  paths?: NginxRewriteEntry[] | null;
  domains?: NginxRewriteEntry[] | null;
  flags?: NginxFlagsEntry[] | null;
  /** Whether the level has any `add_header` (of any header: that alone stops inheritance). */
  addHeaderAny: boolean;
  readonly addHeaderOps: NginxAddHeaderOp[];
  addHeaderInherit?: 'on' | 'off' | 'merge';
  /**
   * `*_hide_header` per upstream kind: present when the level defines any, with the Set-Cookie one
   * if any. Made on first use (as `passHeader`): most levels have neither, and a large dump has
   * a hundred thousand levels.
   */
  hide?: Map<BackendKind, NginxHideHeaderOp | null>;
  /** `*_pass_header` per upstream kind: present when the level defines any; true when it names Set-Cookie. */
  passHeader?: Map<BackendKind, boolean>;
  readonly more: NginxMoreHeadersOp[];
  /** `set_cookie_flag` entries, in the order the filter tries them; `undefined` = none at this level. */
  cookieFlags?: SetCookieFlagEntry[];
  readonly backends: BackendRef[];
  /**
   * The rewrite module's code (`set`, `if`, `break`, `return`, `rewrite`) of a server or
   * location, in order; for a location `if`, the body of its step in the location's code.
   */
  code?: RewriteStep[];
  /** An `include` at this level could not be read: the level may hold directives the linter cannot see. */
  unresolvedInclude: boolean;
  /** `internal;`: the location answers internal redirects only (error_page, try_files, X-Accel-Redirect). */
  internal?: boolean;
  /** A server-level `rewrite` without a flag (not in {@link code}: it only changes the URI the location search uses). */
  flaglessRewrite?: boolean;
  /** A location's `try_files` arguments, as written (its last one is where a request goes when no file exists). */
  tryFiles?: readonly string[];
  /** `error_page` directives of the level, in order; `undefined` = none (inherited). */
  errorPages?: ErrorPage[];
  /** `*_intercept_errors on|off` per upstream kind, where the level sets it. */
  intercept?: Map<BackendKind, boolean>;
  /** The location's `limit_except` block. */
  limitExcept?: Directive;
  /**
   * The `limit_except` block does not list GET: the linter's requests take its configuration,
   * which inherits the location's but not its rewrite code (`ngx_http_rewrite_merge_loc_conf`
   * never copies it): the location's `set`, `if`, `return` and `rewrite` do not run for them.
   */
  getsLimitExcept?: boolean;
  /** The first `allow`/`deny` of the level, and of a `limit_except` block that applies to GET requests. */
  access?: Directive;
  lmtAccess?: Directive;
  /** `satisfy all|any`, where the level sets it. */
  satisfy?: string;
}

let nextId = 1;

export function newLevel(kind: LevelKind, parent: Level | null, directive: Directive | null, label: string, extra: Partial<Pick<Level, 'location' | 'serverNames' | 'names'>> = {}): Level {
  const level: Level = {
    id: nextId++,
    kind,
    parent,
    directive,
    children: [],
    label,
    addHeaderAny: false,
    addHeaderOps: [],
    more: [],
    backends: [],
    unresolvedInclude: false,
    ...extra,
  };
  parent?.children.push(level);
  return level;
}

/** The level and every level below it, in source order (each before its children). */
export function levelsUnder(root: Level): Level[] {
  const out: Level[] = [];
  const visit = (l: Level) => {
    out.push(l);
    l.children.forEach(visit);
  };
  visit(root);
  return out;
}

/** The level and its ancestors, outermost first. */
export function chainOf(level: Level): Level[] {
  const out: Level[] = [];
  for (let l: Level | null = level; l; l = l.parent) out.unshift(l);
  return out;
}
