/** Whether a change was a proxy_cookie_path/domain rewrite that added attributes (the path hack). */
import type { LineChange } from '../../src/model/header-rewrite.js';
import { opOfKind } from '../../src/model/ops/index.js';
import { entryAt } from '../../src/model/ops/nginx-proxy-cookie.js';
import { parseSetCookie } from '../../src/model/set-cookie.js';

export function injectsAttributes(change: LineChange): boolean {
  if (!opOfKind(change.op, 'nginx-proxy-cookie')) return false;
  const entry = entryAt(change.op, change.cause);
  if (!entry || entry.directive === 'proxy_cookie_flags') return false;
  return parseSetCookie(change.after).attributes.length > parseSetCookie(change.before).attributes.length;
}
