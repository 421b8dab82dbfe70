/**
 * Proofs that cost what their edits touch (issue: scale with findings). A fix edits directives in
 * a few `server` blocks or `<VirtualHost>`s of a file that may hold twenty thousand; re-building
 * the whole file to prove it costs the whole file per proof. Instead the engine proves it on the
 * same file with every other such block (the dialect's "units") blanked out: spaces in place of
 * every character but line breaks, so offsets, lines and columns stay those of the real file and
 * the edits apply unchanged.
 *
 * Blanking is only trusted where it is checked: the blanked configuration must give every scope
 * it keeps exactly the endpoint it has in the real configuration (label, backends, names and the
 * sound signature of every operation of its pipeline). Anything the blanked blocks contributed to
 * the rest (an Apache `Define` or `<Macro>`, a backend that makes nginx assume HTTP elsewhere)
 * shows there, and the proof then runs on the whole file as before.
 */
import type { BuiltModel, DialectModule, DialectOptions } from '../dialects/dialect.js';
import type { Endpoint, HeaderRewriteModel } from '../model/header-rewrite.js';
import { opSignature } from '../model/signature.js';
import { createSourceFile, withOverrides, type ConfigIO, type Span, type TextEdit } from '../source.js';

/** The configuration a proof runs on: the model before the edits, and how to build it after them. */
export interface ProofScope {
  /** The model only: the syntax tree need not stay alive while the edited copy is built. */
  readonly before: HeaderRewriteModel;
  readonly io: ConfigIO;
  /** The units kept, as `file:start`: the only part of the configuration the edits can change. */
  readonly units: readonly string[];
}

/**
 * Blanking pays when it leaves out most of the file: two builds of the kept part (before and
 * after) against one build of the whole.
 */
const MAX_KEPT_SHARE = 0.5;

/** Units sorted by start, the outermost of nested ones only. */
function outermost(units: readonly Span[], root: string): Span[] {
  const sorted = units.filter((u) => u.file === root && u.end > u.start).sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  for (const u of sorted) if (out.length === 0 || u.start >= out[out.length - 1]!.end) out.push(u);
  return out;
}

/** Index of the unit (sorted, disjoint) that holds `[start, end]`, or -1. */
function unitHolding(units: readonly Span[], start: number, end: number): number {
  let lo = 0;
  let hi = units.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (units[mid]!.end < start) lo = mid + 1;
    else hi = mid;
  }
  const u = units[lo];
  return u && u.start <= start && end <= u.end ? lo : -1;
}

const SPACES = ' '.repeat(256);
const spaces = (run: string) => (run.length <= SPACES.length ? SPACES.slice(0, run.length) : ' '.repeat(run.length));

/** `text` with every character of `spans` (sorted, disjoint) but line breaks turned into a space. */
export function blankOut(text: string, spans: readonly Span[]): string {
  if (!/[^\x00-\xff]/.test(text)) {
    // One byte per character: blank in place, several times faster than a replace per line.
    const bytes = Buffer.from(text, 'latin1');
    for (const s of spans) {
      for (let i = s.start; i < s.end; i++) {
        const c = bytes[i];
        if (c !== 10 && c !== 13) bytes[i] = 32;
      }
    }
    return bytes.toString('latin1');
  }
  const parts: string[] = [];
  let at = 0;
  for (const s of spans) {
    parts.push(text.slice(at, s.start), text.slice(s.start, s.end).replace(/[^\r\n]+/g, spaces));
    at = s.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

function endpointKey(e: Endpoint): string {
  return [
    e.label,
    e.possibleBackends.join(','),
    e.backends.map((b) => `${b.kind} ${b.target}`).join(','),
    (e.names ?? []).map((n) => `${n.kind} ${n.value} ${n.span.start}`).join(','),
    e.pipeline.map(opSignature).join('\u0002'),
  ].join('\u0001');
}

/** Whether the blanked model keeps every endpoint outside the blanked units exactly as it was. */
function keepsScopes(full: HeaderRewriteModel, narrow: HeaderRewriteModel, blanked: readonly Span[]): boolean {
  const inBlanked = (s: Span) => {
    if (s.file !== full.root) return false;
    const i = unitHolding(blanked, s.start, s.end);
    if (i < 0) return false;
    // A scope named by no text (Apache's main server, at offset 0) is not in the unit the file starts with.
    return s.end > s.start || (blanked[i]!.start < s.start && s.start < blanked[i]!.end);
  };
  const kept = full.endpoints.filter((e) => !inBlanked(e.span) && !(e.blocks ?? []).some(inBlanked));
  return kept.length === narrow.endpoints.length && kept.every((e, i) => endpointKey(e) === endpointKey(narrow.endpoints[i]!));
}

/** How a file's proofs are narrowed (see {@link createNarrowing}). */
export interface Narrowing {
  /**
   * The blanked configuration to prove `edits` on, or `undefined` when the whole configuration
   * must be used (edits outside every unit or in another file, most units touched, or a blanked
   * configuration that does not keep the scopes as they are).
   */
  scope(edits: readonly TextEdit[]): ProofScope | undefined;
  /** The units (`file:start`) that hold the edits, or `undefined` when one is in none. */
  unitsOf(edits: readonly TextEdit[]): readonly string[] | undefined;
}

export function createNarrowing(full: BuiltModel, dialect: DialectModule, io: ConfigIO, options: DialectOptions): Narrowing | undefined {
  const unitsOf = full.units;
  const root = full.model.root;
  const file = full.model.files.get(root);
  if (!unitsOf || !file) return undefined;
  let units: Span[] | undefined;
  /** Indices of the units holding the edits, or undefined. */
  const holding = (edits: readonly TextEdit[]): Set<number> | undefined => {
    units ??= outermost(unitsOf(), root);
    const kept = new Set<number>();
    for (const e of edits) {
      const i = e.file === root ? unitHolding(units, e.start, e.end) : -1;
      if (i < 0) return undefined;
      kept.add(i);
    }
    return kept;
  };
  const keyOf = (i: number) => `${root}:${units![i]!.start}`;
  // The last blanked configuration, by the units it keeps: the batches of one file's fixes
  // (different exemptions: a path hack's fix and a blanket flag's in the same servers) and their
  // joint proof often keep the same units, and need not build the same part twice. Only the
  // last is kept, so that a failing batch split in halves holds one blanked model at a time.
  let last: { key: string; scope: ProofScope | undefined } | undefined;
  const scope = (edits: readonly TextEdit[]): ProofScope | undefined => {
    units ??= outermost(unitsOf(), root);
    if (edits.length === 0 || units.length < 2) return undefined;
    const kept = holding(edits);
    if (!kept) return undefined;
    if (kept.size > units.length * MAX_KEPT_SHARE) return undefined;
    const key = [...kept].sort((a, b) => a - b).join(',');
    if (last?.key === key) return last.scope;
    last = undefined;
    const blanked = units.filter((_, i) => !kept.has(i));
    const narrowIo = withOverrides(io, new Map([[root, createSourceFile(root, blankOut(file.text, blanked), file.encoding, file.bom)]]));
    // Kept while the file's batches use it: its model only (see BuiltModel.release).
    const blankedBuild = dialect.build(root, narrowIo, options);
    blankedBuild.release?.();
    const before = blankedBuild.model;
    const found = keepsScopes(full.model, before, blanked) ? { before, io: narrowIo, units: [...kept].map(keyOf) } : undefined;
    last = { key, scope: found };
    return found;
  };
  return {
    scope,
    unitsOf: (edits) => {
      const kept = holding(edits);
      return kept ? [...kept].map(keyOf) : undefined;
    },
  };
}
