/**
 * nginx-cookie-flags-unknown-flag: `proxy_cookie_flags` compares its flag words at request time and
 * silently ignores any it does not know (`ngx_http_proxy_rewrite_cookie_flags` logs them at debug
 * level only; `nginx -t` passes). `http-only`, `HttpOnly;`, `samesite=strict;`... therefore do
 * nothing, and a directive whose flags are all unknown still matches its cookies, so later
 * directives are skipped for them. proxy-semantics.md §2.2.
 */
import { defineRule } from '../../src/engine/rule.js';
import { NGINX_COOKIE_FLAGS, flagBits } from '../../src/model/ops/nginx-cookie-flags.js';
import { entryBits, nginxCookieEntries } from '../../src/model/ops/nginx-proxy-cookie.js';
import { clip } from '../../src/engine/message-text.js';

const normalize = (s: string) => s.toLowerCase().replace(/[^a-z=]/g, '');

function suggestion(word: string): string | undefined {
  const n = normalize(word);
  return NGINX_COOKIE_FLAGS.find((f) => normalize(f) === n || normalize(f).replace('=', '') === n.replace('=', ''));
}

export default defineRule({
  meta: {
    id: 'nginx-cookie-flags-unknown-flag',
    severity: 'warning',
    fixable: false,
    dialects: ['nginx'],
    description: 'A proxy_cookie_flags flag that nginx does not know, and silently ignores.',
  },
  check(ctx) {
    for (const entry of nginxCookieEntries(ctx.model.ops).keys()) {
      if (entry.directive !== 'proxy_cookie_flags') continue;
      const allUnknown = entryBits(entry) === 0;
      for (const w of entry.flags) {
        if (w.script.dynamic || flagBits(w.script.source) !== null) continue;
        const hint = suggestion(w.script.source);
        ctx.report({
          span: w.span,
          message:
            `nginx silently ignores the unknown proxy_cookie_flags flag "${clip(w.script.source, 30)}"${allUnknown ? ', yet the directive still matches and hides later ones' : ''}.` +
            (hint ? ` Did you mean "${hint}"?` : ''),
          data: {
            directive: entry.label,
            known: NGINX_COOKIE_FLAGS,
            detail:
              `${entry.label}: nginx silently ignores the unknown flag "${w.script.source}" (it knows ${NGINX_COOKIE_FLAGS.join(', ')}), ` +
              `so no cookie gets it${allUnknown ? '; and since the directive still matches, later proxy_cookie_flags directives are skipped for those cookies' : ''}.`,
          },
        });
      }
    }
  },
});
