/** Fixes are data: text edits on half-open ranges of one file's decoded text. */
import { applyEdits, type SourceFile, type TextEdit } from '../source.js';

/** A fix a rule offers: edits in one file, proven before it is offered. */
export interface Fix {
  readonly edits: readonly TextEdit[];
  /** What the fix does, one sentence ("exclude atl.xsrf.token, XSRF-TOKEN with a negative lookahead"). */
  readonly description: string;
}

/** ESLint's JSON shape: one `{ range, text }` covering every edit of the fix. */
export function mergeEdits(file: SourceFile, edits: readonly TextEdit[]): { range: [number, number]; text: string } {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  const start = sorted[0]?.start ?? 0;
  const end = Math.max(...sorted.map((e) => e.end), start);
  const local = sorted.map((e) => ({ ...e, start: e.start - start, end: e.end - start }));
  return { range: [start, end], text: applyEdits(file.text.slice(start, end), local) };
}

export function editsOverlap(a: readonly TextEdit[], b: readonly TextEdit[]): boolean {
  for (const x of a) {
    for (const y of b) {
      if (x.file !== y.file) continue;
      // Two insertions at the same point also conflict: their order would be arbitrary.
      if (x.start < y.end && y.start < x.end) return true;
      if (x.start === y.start && (x.start === x.end || y.start === y.end)) return true;
    }
  }
  return false;
}

/**
 * Edits taken so far, kept sorted per file so that checking a new fix against thousands of
 * taken ones is a binary search, not a scan (a fix loop over N findings stays N log N).
 */
export class EditSet {
  private readonly byFile = new Map<string, TextEdit[]>();

  /** Adds the edits when none overlaps a taken one (same rules as {@link editsOverlap}); reports whether it did. */
  tryAdd(edits: readonly TextEdit[]): boolean {
    if (edits.some((e, i) => this.clashes(e) || edits.some((x, j) => j < i && editsOverlap([x], [e])))) return false;
    for (const e of edits) {
      let list = this.byFile.get(e.file);
      if (!list) this.byFile.set(e.file, (list = []));
      list.splice(this.lowerBound(list, e.start), 0, e);
    }
    return true;
  }

  private lowerBound(list: readonly TextEdit[], start: number): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.start < start) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private clashes(e: TextEdit): boolean {
    const list = this.byFile.get(e.file);
    if (!list) return false;
    const i = this.lowerBound(list, e.start);
    // Taken edits are disjoint and sorted: only the neighbours can meet `e`.
    for (const j of [i - 1, i, i + 1]) {
      const x = list[j];
      if (x && editsOverlap([x], [e])) return true;
    }
    // Several taken edits may start at e.start (insertions): check the run.
    for (let j = i; j < list.length && list[j]!.start <= e.end; j++) if (editsOverlap([list[j]!], [e])) return true;
    return false;
  }
}
