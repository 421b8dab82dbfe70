/**
 * A Set-Cookie value as nginx ≥ 1.19.3 takes it apart and puts it back together
 * (src/http/modules/ngx_http_proxy_module.c `ngx_http_proxy_parse_cookie` and the end of
 * `ngx_http_proxy_rewrite_cookie`): `;`-separated `name[=value]` pairs, spaces (not tabs) around
 * names and values trimmed; re-serialized as `k=v; k=v; Flag` only when a rewrite happened.
 * Empty segments survive (`a=1;` becomes `a=1; `).
 */

export interface NginxCookieAttr {
  /** `null` once a flag edit deleted the attribute. */
  key: string | null;
  /** `null` when the pair has no `=`. */
  value: string | null;
}

function trimSpaces(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s[a] === ' ') a++;
  while (b > a && s[b - 1] === ' ') b--;
  return s.slice(a, b);
}

export function parseNginxCookie(header: string): NginxCookieAttr[] {
  return header.split(';').map((segment) => {
    const eq = segment.indexOf('=');
    if (eq < 0) return { key: trimSpaces(segment), value: null };
    return { key: trimSpaces(segment.slice(0, eq)), value: trimSpaces(segment.slice(eq + 1)) };
  });
}

export function serializeNginxCookie(attrs: readonly NginxCookieAttr[]): string {
  const out: string[] = [];
  for (const a of attrs) {
    if (a.key === null) continue;
    out.push(a.value === null ? a.key : `${a.key}=${a.value}`);
  }
  return out.join('; ');
}
