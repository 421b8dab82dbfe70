/**
 * Inheritance, as each module's merge function applies it (proxy-semantics.md §2.4–2.5):
 *
 * - `proxy_cookie_path/domain/flags`: `ngx_conf_merge_ptr_value(conf, prev, NULL)` — a level
 *   that sets the array (or `off`) replaces the inherited one entirely;
 * - `add_header`: inherited only when the level has no `add_header` at all;
 *   `add_header_inherit off|merge` (1.29.3, itself inherited) drops or appends the parent's list
 *   (`ngx_http_headers_merge_conf`: own entries first, then the parent's);
 * - `*_hide_header` / `*_pass_header`: each list inherited when the level defines none
 *   (`ngx_http_upstream_hide_headers_hash`);
 * - headers-more commands accumulate: the parent's run first (`ngx_http_headers_more_merge_loc_conf`).
 */
import type { BackendKind } from '../../model/backends.js';
import type { NginxAddHeaderOp } from '../../model/ops/nginx-add-header.js';
import type { NginxHideHeaderOp } from '../../model/ops/nginx-hide-header.js';
import type { NginxMoreHeadersOp } from '../../model/ops/nginx-more-headers.js';
import type { Level } from './levels.js';

type ArrayKey = 'paths' | 'domains' | 'flags';

/** The level whose array applies (the nearest that sets it), or null when none does. */
export function arraySource(level: Level, key: ArrayKey): Level | null {
  for (let l: Level | null = level; l; l = l.parent) if (l[key] !== undefined) return l;
  return null;
}

export function effectiveArray<K extends ArrayKey>(level: Level, key: K): NonNullable<Level[K]> | null {
  return (arraySource(level, key)?.[key] ?? null) as NonNullable<Level[K]> | null;
}

function inheritMode(level: Level): 'on' | 'off' | 'merge' {
  for (let l: Level | null = level; l; l = l.parent) if (l.addHeaderInherit) return l.addHeaderInherit;
  return 'on';
}

export function effectiveAddHeaders(level: Level): NginxAddHeaderOp[] {
  const parent = level.parent ? effectiveAddHeaders(level.parent) : [];
  const mode = inheritMode(level);
  if (!level.addHeaderAny) return mode === 'off' ? [] : parent;
  return mode === 'merge' ? [...level.addHeaderOps, ...parent] : level.addHeaderOps;
}

/** The hide operation for Set-Cookie from one upstream kind, when the effective lists hide it. */
export function effectiveHide(level: Level, kind: BackendKind): NginxHideHeaderOp | null {
  let hide: NginxHideHeaderOp | null = null;
  for (let l: Level | null = level; l; l = l.parent) {
    if (l.hide?.has(kind)) {
      hide = l.hide.get(kind)!;
      break;
    }
  }
  if (!hide) return null;
  for (let l: Level | null = level; l; l = l.parent) {
    if (l.passHeader?.has(kind)) return l.passHeader.get(kind) ? null : hide;
  }
  return hide;
}

export function effectiveMore(level: Level): NginxMoreHeadersOp[] {
  return [...(level.parent ? effectiveMore(level.parent) : []), ...level.more];
}
