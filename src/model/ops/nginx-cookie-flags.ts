/**
 * `proxy_cookie_flags` flag words and their effect, from ngx_http_proxy_module.c
 * (`ngx_http_proxy_cookie_flags_masks`, `ngx_http_proxy_rewrite_cookie_flags`,
 * `ngx_http_proxy_edit_cookie_flags`): words are compared case-insensitively at request time;
 * an unknown word is ignored (debug log only); a directive whose words are all unknown still
 * "matches" the cookie (later directives are not consulted) but changes nothing. Existing
 * attributes are kept or deleted; missing flags are appended as `Secure`, `HttpOnly`,
 * `SameSite=...` in that order; a `SameSite` with another value is rewritten.
 */
import { asciiCaseEqual } from '../../ascii.js';
import type { NginxCookieAttr } from './nginx-cookie-attrs.js';

const SECURE = 0x0001;
const SECURE_ON = 0x0002;
const SECURE_OFF = 0x0004;
const HTTPONLY = 0x0008;
const HTTPONLY_ON = 0x0010;
const HTTPONLY_OFF = 0x0020;
const SAMESITE = 0x0040;
const SAMESITE_STRICT = 0x0080;
const SAMESITE_LAX = 0x0100;
const SAMESITE_NONE = 0x0200;
const SAMESITE_OFF = 0x0400;

const MASKS: ReadonlyMap<string, number> = new Map([
  ['secure', SECURE | SECURE_ON],
  ['nosecure', SECURE | SECURE_OFF],
  ['httponly', HTTPONLY | HTTPONLY_ON],
  ['nohttponly', HTTPONLY | HTTPONLY_OFF],
  ['samesite=strict', SAMESITE | SAMESITE_STRICT],
  ['samesite=lax', SAMESITE | SAMESITE_LAX],
  ['samesite=none', SAMESITE | SAMESITE_NONE],
  ['nosamesite', SAMESITE | SAMESITE_OFF],
]);

/** The flag words nginx knows, in its documentation's order. */
export const NGINX_COOKIE_FLAGS: readonly string[] = [...MASKS.keys()];

/** The bits of one flag word, or null when nginx ignores it. */
export function flagBits(word: string): number | null {
  return MASKS.get(word.toLowerCase()) ?? null;
}

export function addsHttpOnly(bits: number): boolean {
  return (bits & HTTPONLY_ON) !== 0;
}

export function removesHttpOnly(bits: number): boolean {
  return (bits & HTTPONLY_OFF) !== 0 && (bits & HTTPONLY_ON) === 0;
}

function is(s: string | null, word: string): boolean {
  return s !== null && asciiCaseEqual(s, word);
}

/** `ngx_http_proxy_edit_cookie_flags`, in place. */
export function editCookieFlags(attrs: NginxCookieAttr[], bits: number): void {
  let flags = bits;
  for (let i = 1; i < attrs.length; i++) {
    const a = attrs[i]!;
    if (is(a.key, 'secure')) {
      if (flags & SECURE_ON) flags &= ~SECURE_ON;
      else if (flags & SECURE_OFF) a.key = null;
      continue;
    }
    if (is(a.key, 'httponly')) {
      if (flags & HTTPONLY_ON) flags &= ~HTTPONLY_ON;
      else if (flags & HTTPONLY_OFF) a.key = null;
      continue;
    }
    if (is(a.key, 'samesite')) {
      const rewrite = (bit: number, word: string, canonical: string) => {
        flags &= ~bit;
        if (!is(a.value ?? '', word)) {
          a.key = 'SameSite';
          a.value = canonical;
        }
      };
      if (flags & SAMESITE_STRICT) rewrite(SAMESITE_STRICT, 'strict', 'Strict');
      else if (flags & SAMESITE_LAX) rewrite(SAMESITE_LAX, 'lax', 'Lax');
      else if (flags & SAMESITE_NONE) rewrite(SAMESITE_NONE, 'none', 'None');
      else if (flags & SAMESITE_OFF) a.key = null;
    }
  }
  if (flags & SECURE_ON) attrs.push({ key: 'Secure', value: null });
  if (flags & HTTPONLY_ON) attrs.push({ key: 'HttpOnly', value: null });
  if (flags & (SAMESITE_STRICT | SAMESITE_LAX | SAMESITE_NONE)) {
    const value = flags & SAMESITE_STRICT ? 'Strict' : flags & SAMESITE_LAX ? 'Lax' : 'None';
    attrs.push({ key: 'SameSite', value });
  }
}

/** The flag words that stand for `bits`, for fix builders (`secure samesite=lax`). */
export function flagWords(bits: number): string[] {
  const out: string[] = [];
  for (const [word, mask] of MASKS) {
    const on = mask & ~(SECURE | HTTPONLY | SAMESITE);
    if (bits & on) out.push(word);
  }
  return out;
}
