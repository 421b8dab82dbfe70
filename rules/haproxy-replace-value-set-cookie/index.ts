/**
 * haproxy-replace-value-set-cookie: `http-response replace-value Set-Cookie` applies its regex to
 * every comma-separated value of the header, and Set-Cookie is not a comma-separated list: the
 * Expires date (`Expires=Wed, 21 Oct 2037 ...`) is cut at its comma and each half is rewritten
 * [LAB haproxy 2.6.12: `^(.*)$` → `\1; HttpOnly` gives `...; Expires=Wed; HttpOnly,21 Oct 2037
 * 07:28:00 GMT; HttpOnly`]. Browsers then read `Expires=Wed`, an invalid date: the persistent
 * cookie becomes a session cookie, and whatever the rule appended after the date is lost.
 * Judged by simulating the rule on cookies with an Expires date.
 */
import { clip } from '../../src/engine/message-text.js';
import { defineRule } from '../../src/engine/rule.js';
import type { CookieOp } from '../../src/model/header-rewrite.js';
import type { HaproxyHttpResponseOp } from '../../src/model/ops/haproxy-http-response.js';
import { opOfKind } from '../../src/model/ops/index.js';
import { parseSetCookie } from '../../src/model/set-cookie.js';

const EXPIRES = 'Expires=Wed, 21 Oct 2037 07:28:00 GMT';

function expiresOf(header: string): string | undefined {
  return parseSetCookie(header).attributes.find((a) => a.name.toLowerCase() === 'expires')?.value;
}

function isReplaceValue(op: CookieOp): op is HaproxyHttpResponseOp {
  return opOfKind(op, 'haproxy-http-response') && op.action === 'replace-value' && op.reaches.length > 0;
}

export default defineRule({
  meta: {
    id: 'haproxy-replace-value-set-cookie',
    severity: 'error',
    fixable: false,
    dialects: ['haproxy'],
    description: 'http-response replace-value on Set-Cookie cuts Expires dates at their comma and rewrites each half.',
  },
  check(ctx) {
    const names = [...ctx.catalog.xsrf.slice(0, 1).map((c) => c.name), 'JSESSIONID'];
    for (const op of ctx.model.ops) {
      if (!isReplaceValue(op)) continue;
      let example: { before: string; after: string } | undefined;
      for (const name of names) {
        for (const sample of [`${name}=v1; ${EXPIRES}; Path=/`, `${name}=v2; Path=/; ${EXPIRES}`]) {
          const result = ctx.sim.run([op], 'http', [sample]);
          if (result.tooComplex || result.crash) continue;
          const line = result.lines.find((l) => l.origin === sample);
          if (line && line.value !== sample && expiresOf(line.value) !== expiresOf(sample)) example = { before: sample, after: line.value };
          if (example) break;
        }
        if (example) break;
      }
      if (!example) continue;
      ctx.report({
        span: op.actionSpan,
        message: `replace-value cuts the Set-Cookie Expires date at its comma (${clip(JSON.stringify(example.after), 60)}): browsers keep the cookie for the session only; use replace-header.`,
        data: {
          directive: op.label,
          before: example.before,
          after: example.after,
          detail: 'replace-value rewrites each comma-separated part of Set-Cookie; replace-header matches the whole line.',
        },
      });
    }
  },
});
