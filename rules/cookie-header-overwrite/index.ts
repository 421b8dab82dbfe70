/**
 * cookie-header-overwrite: a directive that SETS the Set-Cookie header replaces the backend's
 * cookies with its own line — headers-more's `more_set_headers 'Set-Cookie: ...'` gives its value
 * to the first Set-Cookie line and clears every other one (proxy-semantics.md §2.5); Apache's
 * `Header set Set-Cookie` replaces the whole table (§1.5); an IIS outbound rule rewriting
 * RESPONSE_Set_Cookie to a constant turns every cookie into the same one (§3.1). Sessions and
 * CSRF tokens then never reach the browser.
 *
 * Found by simulation, the same way for every dialect: two different sets of backend cookies go
 * through the pipeline step by step; a step that makes backend cookies disappear (removed, or
 * renamed) and leaves lines of its own that are the same whatever the backend sent is an
 * overwrite, and so is a step that drops backend lines and writes a line of its own derived from
 * them (headers-more with `$sent_http_set_cookie`: one line where there were several). Deliberate
 * removal (`proxy_hide_header`, `more_clear_headers`, `Header unset`) leaves nothing of its own;
 * edits that keep or derive from each cookie (`Header edit`, flags) remove no line.
 */
import { contrastingResponses } from '../../src/cookies/samples.js';
import { defineRule } from '../../src/engine/rule.js';
import type { BackendKind } from '../../src/model/backends.js';
import { VALUE_CHOICE_KEY, type CookieOp, type Dialect, type SetCookieLine } from '../../src/model/header-rewrite.js';
import { cookieName } from '../../src/model/set-cookie.js';
import { applyOp, initialLines } from '../../src/model/simulate.js';
import { clip, directiveName, someOf } from '../../src/engine/message-text.js';

const STATUSES = [200, 302, 404, 500];

const ADVICE: Readonly<Record<Dialect, string>> = {
  nginx: 'To add a cookie use add_header Set-Cookie "..." (it appends a line); to change flags of backend cookies use proxy_cookie_flags.',
  apache: 'To add a cookie use Header add Set-Cookie "..."; to change backend cookies use Header edit Set-Cookie.',
  iis: 'To change backend cookies keep {R:0} in the rewritten value; to add a cookie let the application set it.',
  haproxy: 'To add a cookie use http-response add-header Set-Cookie "..."; to change backend cookies use http-response replace-header Set-Cookie.',
  caddy: 'To add a cookie use header +Set-Cookie "..."; to change backend cookies use a replacement: header >Set-Cookie <regex> <replacement>.',
};

interface StepResult {
  /** Backend cookie names gone after the step (line removed, or its cookie renamed). */
  readonly lost: string[];
  /** Values of the lines the step wrote (added or last changed by it), sorted. */
  readonly written: string[];
  /** Whether a backend line disappeared altogether (not renamed). */
  readonly removed: boolean;
}

/** Runs the pipeline op by op; `undefined` entries: the op did not run or the run stopped. */
function steps(dialect: Dialect, pipeline: readonly CookieOp[], kind: BackendKind, values: readonly string[], status: number): (StepResult | undefined)[] {
  const lines: SetCookieLine[] = initialLines(dialect, kind, values);
  const out: (StepResult | undefined)[] = [];
  for (const op of pipeline) {
    if (op.condition?.value === false) {
      out.push(undefined);
      continue;
    }
    // A response the proxy makes itself on some requests only (`http-request return ... if
    // { path /health }`, a conditional `use-service`): the other requests still reach the server
    // and the steps after it, which are the ones this run follows.
    if (op.kind === 'haproxy-final' && op.condition?.value === 'unknown') {
      out.push(undefined);
      continue;
    }
    const before = new Map(lines.map((l) => [l, cookieName(l.value)]));
    if (applyOp(op, lines, { backend: kind, status, upstream: values })) break;
    // A response the proxy answers itself (HAProxy `return`/`deny`/`redirect`) is a new response
    // by design: its cookies replace nothing a directive was meant to pass through.
    if (op.kind === 'haproxy-final') {
      out.push(undefined);
      continue;
    }
    const after = new Set(lines);
    const lost = [...before]
      .filter(([l, name]) => l.origin !== undefined && (!after.has(l) || cookieName(l.value) !== name))
      .map(([l]) => cookieName(l.origin!));
    const written = lines.filter((l) => l.history[l.history.length - 1]?.op === op).map((l) => l.value).sort();
    const removed = [...before.keys()].some((l) => l.origin !== undefined && !after.has(l));
    // A cookie the step writes again (headers-more re-emitting the first line) is not lost.
    const rewritten = new Set(written.map(cookieName));
    out.push({ lost: lost.filter((n) => !rewritten.has(n)), written, removed });
  }
  return out;
}

export default defineRule({
  meta: {
    id: 'cookie-header-overwrite',
    severity: 'error',
    fixable: false,
    dialects: ['apache', 'nginx', 'iis', 'haproxy', 'caddy'],
    description: 'A directive sets the Set-Cookie header and thereby replaces every cookie the backend sends.',
    securitySeverity: 5.3,
  },
  check(ctx) {
    const token = ctx.catalog.xsrf[0]?.name ?? 'XSRF-TOKEN';
    const [a, b] = contrastingResponses(token);
    const hits = new Map<CookieOp, { lost: Set<string>; statuses: Set<number> }>();
    for (const group of ctx.sim.groups(ctx.model.endpoints)) {
      for (const kind of group.backends) {
        for (const status of STATUSES) {
          // Names and values only: the same for every pipeline that behaves alike.
          const [ra, rb] = ctx.sim.derived(group.pipeline, `cookie-header-overwrite\u0000${kind}\u0000${status}\u0000${token}`, () => [
            steps(ctx.model.dialect, group.pipeline, kind, a, status),
            steps(ctx.model.dialect, group.pipeline, kind, b, status),
          ]);
          group.pipeline.forEach((_, i) => {
            const sa = ra[i];
            const sb = rb[i];
            if (!sa || !sb || sa.lost.length === 0 || sa.written.length === 0) return;
            // The same lines whatever the backend sent: the step writes its own cookie. Or it
            // drops backend lines and writes one of its own from them (`more_set_headers
            // 'Set-Cookie: $sent_http_set_cookie; HttpOnly'` keeps one line for all cookies).
            if (sa.written.join('\n') !== sb.written.join('\n') && !(sa.removed && sb.removed)) return;
            // Every pipeline of the group has the same step at i: blame each one's directive.
            for (const pipeline of group.pipelines) {
              const op = pipeline[i]!;
              let hit = hits.get(op);
              if (!hit) hits.set(op, (hit = { lost: new Set(), statuses: new Set() }));
              for (const n of sa.lost) hit.lost.add(n);
              hit.statuses.add(status);
            }
          });
        }
      }
    }
    for (const [op, hit] of hits) {
      // A condition that only chooses the value a variable gives (nginx `map`) does not guard the
      // directive: whichever value it writes, it writes it in place of the backend's lines.
      const guard = op.condition?.literals?.every((l) => l.key.startsWith(VALUE_CHOICE_KEY)) ? null : op.condition;
      const when = guard && guard.value === 'unknown' ? ` when ${clip(guard.text, 39)}` : '';
      const statuses = hit.statuses.size < STATUSES.length ? ` (on ${[...hit.statuses].join(', ')} responses)` : '';
      const lost = [...hit.lost].filter((n) => !n.startsWith('lpc_'));
      ctx.report({
        span: op.focus ?? op.span,
        message: `${directiveName(op.label)} replaces the backend's Set-Cookie headers${when}${statuses}: ${someOf(lost, 2).replace(/ and (\d+) more$/, ', …')} and every other cookie are lost, so logins and forms break.`,
        data: { directive: op.label, lost, statuses: [...hit.statuses], suggestion: ADVICE[ctx.model.dialect] },
      });
    }
  },
});
