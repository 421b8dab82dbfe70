/**
 * Where a finding is written, in words that survive edits elsewhere in the file: the scope that
 * contains the directive (vhost, server, location…) and the directive's own text. Baselines match
 * findings by these instead of line numbers (src/baseline/), and editors show them.
 *
 * The scope comes from the model, not the syntax: the endpoints whose pipelines run the directive
 * share a path of scope labels (`server a.example › location /`), and the longest common prefix
 * of those paths is where the directive is written — a server-level directive inherited by every
 * location is in the server, one inside a location only in that location.
 */
import type { CookieOp, HeaderRewriteModel } from '../model/header-rewrite.js';
import type { Span } from '../source.js';

/** What {@link FindingContext} says about a finding. */
export interface FindingWhere {
  /** Scope path, e.g. `<VirtualHost *:443> (jira.example.com)`; empty when not inside one scope. */
  readonly scope: string;
  /** The directive's text on one line, as the model labels it; undefined when no directive holds the finding. */
  readonly directive?: string;
}

const SEPARATOR = ' › ';

interface Entry {
  readonly start: number;
  readonly end: number;
  readonly label: string;
  readonly op: CookieOp;
}

function commonScope(labels: readonly string[]): string {
  if (labels.length === 0) return '';
  let common = labels[0]!.split(SEPARATOR);
  for (const label of labels.slice(1)) {
    const parts = label.split(SEPARATOR);
    let n = 0;
    while (n < common.length && n < parts.length && common[n] === parts[n]) n++;
    common = common.slice(0, n);
    if (common.length === 0) break;
  }
  return common.join(SEPARATOR);
}

/** Finds where spans of one model are written; indexes are built on first use only. */
export function createWhere(model: HeaderRewriteModel): (span: Span) => FindingWhere {
  let byFile: Map<string, Entry[]> | undefined;
  let labelsOf: Map<CookieOp, string[]> | undefined;
  const index = () => {
    byFile = new Map();
    for (const op of model.ops) {
      // An array op's directives may sit in different files (an include inside the block).
      for (const { span, label } of [op, ...op.parts]) {
        let list = byFile.get(span.file);
        if (!list) byFile.set(span.file, (list = []));
        list.push({ start: span.start, end: span.end, label, op });
      }
    }
    for (const list of byFile.values()) list.sort((a, b) => a.start - b.start || b.end - a.end);
    labelsOf = new Map();
    for (const endpoint of model.endpoints) {
      for (const op of endpoint.pipeline) {
        let labels = labelsOf.get(op);
        if (!labels) labelsOf.set(op, (labels = []));
        if (labels[labels.length - 1] !== endpoint.label) labels.push(endpoint.label);
      }
    }
  };
  return (span) => {
    if (!byFile) index();
    const list = byFile!.get(span.file) ?? [];
    // The narrowest entry (directive or array part) that contains the span.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.start <= span.start) lo = mid + 1;
      else hi = mid;
    }
    let best: Entry | undefined;
    for (let i = lo - 1, seen = 0; i >= 0 && seen < 64; i--, seen++) {
      const e = list[i]!;
      if (e.end < span.end) continue;
      if (!best || e.end - e.start < best.end - best.start) best = e;
    }
    if (!best) return { scope: '' };
    return { scope: commonScope(labelsOf!.get(best.op) ?? []), directive: best.label };
  };
}
