/**
 * The response statuses a verdict or `simulate` explores for a pipeline: 200; each status a
 * directive singles out (`more_set_headers -s 404`, HAProxy `if { status 404 }`, and for a test
 * such as `status 200`, a status where it decides otherwise); and, when there are such
 * directives, one status none of them names, where every directive limited to named statuses
 * stays out: with `unless { status 200 }` and `del-header Set-Cookie if { status 404 }`, a 302
 * response is the one that shows the first directive acting alone. (`simulate` shows the named
 * ones only, unless asked for another with `--status`.)
 */
import type { CookieOp } from './header-rewrite.js';

/** Statuses tried, in order, for the one no directive names. */
const UNNAMED_CANDIDATES = [302, 404, 500, 301, 304, 201, 204, 403, 400, 502, 503];

/** What a directive says about statuses: those it singles out (op kinds that have some). */
function statusesNamed(op: CookieOp): readonly number[] {
  return (op as { readonly statuses?: readonly number[] }).statuses ?? [];
}

export function exploredStatuses(pipeline: readonly CookieOp[], options: { readonly unnamed?: boolean } = {}): number[] {
  const out = [200];
  for (const op of pipeline) for (const s of statusesNamed(op)) if (!out.includes(s)) out.push(s);
  if (out.length > 1 && options.unnamed !== false) {
    const unnamed = UNNAMED_CANDIDATES.find((s) => !out.includes(s));
    if (unnamed !== undefined) out.push(unnamed);
  }
  return out;
}

/** How a message names an explored status: "404", or what the directive that names it says it stands for ("4xx or 5xx"). */
export function statusLabel(status: number, pipeline: readonly CookieOp[]): string {
  const op = statusSource(status, pipeline) as { statusLabel?(status: number): string } | undefined;
  return op?.statusLabel && statusesNamed(op as CookieOp).includes(status) ? op.statusLabel(status) : String(status);
}

/** The directive that made a status worth exploring (the first that names it, else the first that names any). */
export function statusSource(status: number, pipeline: readonly CookieOp[]): CookieOp | undefined {
  return pipeline.find((o) => statusesNamed(o).includes(status)) ?? pipeline.find((o) => statusesNamed(o).length > 0);
}
