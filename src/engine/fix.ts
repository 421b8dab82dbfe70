/**
 * The fix loop (after ESLint's source-code-fixer): take every proven fix, apply the ones that do
 * not overlap, re-parse and re-lint the whole project in memory, and repeat — at most 10 passes,
 * stopping early when nothing is left to fix or a state repeats. The pass that finds nothing left
 * to fix is the lint of the result (not linted once more). A file whose fixed text parses
 * worse than the original is restored. Nothing is written here: run.ts writes the result.
 */
import { applyEdits, createSourceFile, dominantEol, withFileEol, withOverrides, type ConfigIO, type SourceFile, type TextEdit } from '../source.js';
import { EditSet } from './edits.js';
import type { LintMessage, LintSettings } from './lint.js';
import { lintProject, type DialectRegistry, type LintTarget, type ProjectLint } from './project.js';
import { provenIn, type ProofGroup, type ProvenIn } from './proof.js';

export const MAX_FIX_PASSES = 10;

export interface FixOutcome {
  /** Fixed texts of the files that changed, keyed by path (encoding and BOM of the original). */
  readonly fixed: ReadonlyMap<string, SourceFile>;
  /** The lint of the fixed project: what is left. */
  readonly lint: ProjectLint;
  readonly passes: number;
  /** Files whose fixes were dropped because the fixed text no longer parsed as well as before. */
  readonly reverted: readonly string[];
}

function fatalCounts(lint: ProjectLint, refusing: ReadonlySet<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of lint.results) counts.set(r.path, r.messages.filter((m) => m.fatal || (m.ruleId !== null && refusing.has(m.ruleId))).length);
  return counts;
}

/** The proofs of the fixes chosen in one file: their groups, which group each unit's fixes come from, whether one ran on the whole file. */
interface ChosenProofs {
  readonly groups: Set<ProofGroup>;
  readonly owners: Map<string, ProofGroup>;
  whole: boolean;
}

/**
 * Whether a fix proven as `proven` says holds with the chosen ones (proof.ts `ProvenIn`): in each
 * of its units, the chosen fixes come from its proof; a proof on the whole file holds only with
 * its own fixes.
 */
function holdsWith(chosen: ChosenProofs, proven: ProvenIn): boolean {
  if (!proven.units) return chosen.groups.size === 0 || (chosen.groups.size === 1 && chosen.groups.has(proven.group));
  if (chosen.whole) return false;
  for (const u of proven.units) {
    const owner = chosen.owners.get(u);
    if (owner !== undefined && owner !== proven.group) return false;
  }
  return true;
}

function add(chosen: ChosenProofs, proven: ProvenIn): void {
  chosen.groups.add(proven.group);
  if (!proven.units) chosen.whole = true;
  else for (const u of proven.units) chosen.owners.set(u, proven.group);
}

/**
 * Picks non-overlapping fixes, file by file, in source order: in each file, only fixes that hold
 * together (src/engine/proof.ts `ProvenIn`: in each block of the file, fixes of one proof); the
 * others are linted and proven again on the text the chosen ones give, in the next pass (two
 * fixes each proven alone need not hold together: nginx's proxy_cookie_flags is first-match, so
 * an exclusion's entry can shadow one another fix appends). Exported for the fuzz invariants,
 * which replay the loop pass by pass.
 */
export function chooseEdits(lint: ProjectLint): Map<string, TextEdit[]> {
  const chosen = new Map<string, TextEdit[]>();
  const proofs = new Map<string, ChosenProofs>();
  const taken = new EditSet();
  for (const result of lint.results) {
    for (const message of result.messages) {
      if (!message.fix) continue;
      const edits = message.fix.edits;
      const file = edits[0]?.file;
      if (file === undefined || edits.some((e) => e.file !== file)) continue;
      // A fix no proof names (an inline directive's) holds with nothing else: a group of its own.
      const proven = provenIn(edits) ?? { group: {} };
      let mine = proofs.get(file);
      if (mine && !holdsWith(mine, proven)) continue;
      if (!taken.tryAdd(edits)) continue;
      if (!mine) proofs.set(file, (mine = { groups: new Set(), owners: new Map(), whole: false }));
      add(mine, proven);
      const list = chosen.get(file) ?? [];
      list.push(...edits);
      chosen.set(file, list);
    }
  }
  return chosen;
}

/**
 * A state of the loop: the fixed texts by path. Paths are only ever added to the overrides, in the
 * order the loop first changed them, so two states with the same files list them in one order.
 */
function signature(files: ReadonlyMap<string, SourceFile>): string {
  return JSON.stringify([...files].map(([path, file]) => [path, file.text]));
}

/** A lint with fixes attached, as a run that does not want them reports it: `fixable` instead. */
function asLinted(lint: ProjectLint, settings: LintSettings): ProjectLint {
  if (settings.wantFixes) return lint;
  const strip = (messages: readonly LintMessage[]) =>
    messages.map((m) => {
      if (!m.fix) return m;
      const { fix: _, ...rest } = m;
      return { ...rest, fixable: true as const };
    });
  return {
    results: lint.results.map((r) => ({ ...r, messages: strip(r.messages), ...(r.suppressed ? { suppressed: strip(r.suppressed) } : {}) })),
    models: lint.models.map((m) => ({ ...m, messages: strip(m.messages) })),
  };
}

export function fixProject(targets: readonly LintTarget[], io: ConfigIO, registry: DialectRegistry, settings: LintSettings): FixOutcome {
  const fixSettings: LintSettings = { ...settings, wantFixes: true, applyingFixes: true };
  let overrides = new Map<string, SourceFile>();
  /** The text each changed file had before the loop's first edit (read once, as it was linted). */
  const originals = new Map<string, string>();
  const seen = new Set<string>();
  let initialFatal: Map<string, number> | undefined;
  // What breaks a file: syntax errors, and what the server refuses to start with (fixes proven
  // one by one can do that together: a `proxy_cookie_flags off` one adds where another adds entries).
  const refusing = new Set(settings.rules.filter((r) => r.meta.claims?.includes('refused')).map((r) => r.meta.id));
  let passes = 0;
  /** The last pass's lint when it found nothing to apply: the lint of the fixed project already. */
  let settled: ProjectLint | undefined;
  for (; passes < MAX_FIX_PASSES; passes++) {
    const current = withOverrides(io, overrides);
    const lint = lintProject(targets, current, registry, fixSettings);
    initialFatal ??= fatalCounts(lint, refusing);
    const chosen = chooseEdits(lint);
    if (chosen.size === 0) {
      settled = lint;
      break;
    }
    const next = new Map(overrides);
    for (const [path, edits] of chosen) {
      const source = current.read(path);
      // A file that can no longer be read (removed while its fixes were proven) is left alone.
      if ('error' in source) continue;
      if (!overrides.has(path)) originals.set(path, source.text);
      const eol = dominantEol(source.text);
      const text = applyEdits(source.text, edits.map((e) => withFileEol(e, eol)));
      next.set(path, createSourceFile(path, text, source.encoding, source.bom));
    }
    const sig = signature(next);
    if (seen.has(sig)) break;
    seen.add(sig);
    overrides = next;
  }
  let lint = settled ? asLinted(settled, settings) : lintProject(targets, withOverrides(io, overrides), registry, settings);
  const reverted: string[] = [];
  const after = fatalCounts(lint, refusing);
  for (const path of overrides.keys()) {
    if ((after.get(path) ?? 0) > (initialFatal?.get(path) ?? 0)) reverted.push(path);
  }
  if (reverted.length > 0) {
    for (const path of reverted) overrides.delete(path);
    lint = lintProject(targets, withOverrides(io, overrides), registry, settings);
  }
  // A fix may have been undone by a later pass: only files whose text really changed count.
  for (const [path, file] of overrides) if (originals.get(path) === file.text) overrides.delete(path);
  return { fixed: overrides, lint, passes, reverted };
}
