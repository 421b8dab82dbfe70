/**
 * nginx-cookie-flags-order: nginx applies only the FIRST `proxy_cookie_flags` directive whose
 * cookie selector matches (`ngx_http_proxy_rewrite_cookie_flags` breaks out of its loop; doc:
 * "the first matching directive wins"). An exclusion — a directive for named cookies, or one that
 * removes a flag (`nohttponly`) — written after a directive that already matches those cookies
 * never runs. The verdict asks the model which entry nginx picks for each cookie name.
 * proxy-semantics.md §2.2 [LAB /order/].
 */
import { nonXsrfProbeNames } from '../../src/cookies/samples.js';
import { defineRule } from '../../src/engine/rule.js';
import { removesHttpOnly } from '../../src/model/ops/nginx-cookie-flags.js';
import { opOfKind } from '../../src/model/ops/index.js';
import { entryBits, flagsEntryFor, flagsEntryMatches, type NginxFlagsEntry } from '../../src/model/ops/nginx-proxy-cookie.js';
import { runScript } from '../../src/model/ops/nginx-script.js';
import { clip, someOf } from '../../src/engine/message-text.js';

/** A directive meant for some cookies only: named, anchored on both ends, or removing a flag. */
function isExclusion(entry: NginxFlagsEntry): boolean {
  if (entry.selector.kind === 'literal') return !entry.selector.script.dynamic;
  const s = entry.selector.source;
  return removesHttpOnly(entryBits(entry)) || (s.startsWith('^') && s.endsWith('$'));
}

function matchingNames(entry: NginxFlagsEntry, probes: readonly string[]): string[] {
  if (entry.selector.kind === 'literal') return [runScript(entry.selector.script)];
  return probes.filter((n) => {
    try {
      return flagsEntryMatches(entry, n);
    } catch {
      return false;
    }
  });
}

export default defineRule({
  meta: {
    id: 'nginx-cookie-flags-order',
    severity: 'error',
    fixable: false,
    dialects: ['nginx'],
    description: 'A proxy_cookie_flags exclusion placed after a directive that already matches the same cookies never takes effect.',
  },
  check(ctx) {
    const probes = [...ctx.catalog.xsrf.map((c) => c.name), ...nonXsrfProbeNames(ctx.catalog)];
    const seen = new Set<readonly NginxFlagsEntry[]>();
    const reported = new Set<NginxFlagsEntry>();
    for (const op of ctx.model.ops) {
      if (!opOfKind(op, 'nginx-proxy-cookie') || !op.flags || seen.has(op.flags)) continue;
      seen.add(op.flags);
      op.flags.forEach((entry, index) => {
        if (index === 0 || reported.has(entry) || !isExclusion(entry)) return;
        const shadowed = new Map<string, NginxFlagsEntry>();
        for (const name of matchingNames(entry, probes)) {
          let winner: NginxFlagsEntry | undefined;
          try {
            winner = flagsEntryFor(op, name);
          } catch {
            continue;
          }
          if (winner && winner !== entry) shadowed.set(name, winner);
        }
        if (shadowed.size === 0) return;
        reported.add(entry);
        const names = [...shadowed.keys()];
        const first = [...new Set(shadowed.values())][0]!;
        const listed = names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
        ctx.report({
          span: entry.focus,
          message: `This proxy_cookie_flags never applies to ${clip(someOf(names, 2), 60)}: an earlier one matches them first (${clip(first.label, 40)}). Move it above.`,
          related: [{ span: first.span, message: 'this directive matches first' }],
          data: {
            directive: entry.label,
            cookies: names,
            earlier: first.label,
            detail:
              `${entry.label} never applies to ${listed}: nginx uses only the first proxy_cookie_flags directive that matches a cookie, ` +
              `and ${first.label} comes earlier and matches ${names.length > 1 ? 'them' : 'it'}.`,
          },
        });
      });
    }
  },
});
