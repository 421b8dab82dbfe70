/**
 * Linting one model: run every enabled rule for the model's dialect, turn parser and server
 * problems into messages. Pure: no file system, no output.
 */
import type { CookieCatalog } from '../cookies/catalog.js';
import { isFixRefusal, type BuiltModel, type DialectModule, type DialectOptions, type FixCandidate } from '../dialects/dialect.js';
import type { Expansion, HeaderRewriteModel } from '../model/header-rewrite.js';
import { applyEdits, createSourceFile, positionAt, withOverrides, type ConfigIO, type SourceFile, type Span, type TextEdit } from '../source.js';
import type { Fix } from './edits.js';
import { createNarrowing } from './narrow.js';
import { proveJobs, type FixJob } from './proof.js';
import type { ReportDescriptor, Rule, Simulator } from './rule.js';
import { createSimulator } from './simulator.js';
import { createWhere, type FindingWhere } from './where.js';

export interface LintMessage {
  /** `null` for syntax errors and internal problems (ESLint convention). */
  readonly ruleId: string | null;
  /** 1 = warning, 2 = error. */
  readonly severity: 1 | 2;
  readonly message: string;
  readonly span: Span;
  /** The file could not be (fully) parsed. */
  readonly fatal?: true;
  /**
   * The message says a file was not linted (unreadable; skipped: too large, binary, empty, of no
   * dialect the linter can tell, a link out of the linted tree). Formats that need a rule id give
   * such messages `file-not-linted`, and syntax errors `syntax-error`.
   */
  readonly notLinted?: true;
  readonly fix?: Fix;
  /** A fix candidate exists but was not proven (fixes were not wanted in this run). */
  readonly fixable?: true;
  /** Scope and directive text of the finding, when {@link LintSettings.where} asks for them. */
  readonly where?: FindingWhere;
  /** Set on a suppressed message: the inline directive that suppressed it (ESLint's shape). */
  readonly suppressions?: readonly Suppression[];
  /** Details beyond the message, plain JSON (see `ReportDescriptor.data`). */
  readonly data?: Readonly<Record<string, unknown>>;
  /**
   * Other places that explain the finding: evidence lines (product-aware verdicts), the line of an
   * `nginx -T` dump it was found at.
   */
  readonly related?: readonly RelatedLocation[];
}

/** ESLint's `suppressions` entry: an inline directive and its reason. */
export interface Suppression {
  readonly kind: 'directive';
  readonly justification: string;
}

/** A position in another file, already turned into a line and column (the file may be a dump). */
export interface RelatedLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine?: number;
  readonly endColumn?: number;
  readonly message: string;
}

export type RuleSetting = 'off' | 'warn' | 'error';

export interface LintSettings {
  readonly rules: readonly Rule[];
  /** Per-rule overrides from the configuration file; absent = the rule's default severity. */
  readonly ruleSettings?: ReadonlyMap<string, RuleSetting>;
  readonly catalog: CookieCatalog;
  readonly options: DialectOptions;
  /**
   * Attach the proven fixes to messages (--fix, fix output). Fixes are proven either way, so the
   * fixable count is the same; without it, messages only say `fixable`.
   */
  readonly wantFixes: boolean;
  /** The fix loop, which applies the fixes it is given together: prove those of different batches together too (proof.ts). */
  readonly applyingFixes?: boolean;
  /** Inline `lint-proxy-config-disable` comments: required reason, or ignored altogether. */
  readonly directives?: { readonly requireReason: boolean; readonly disabled: boolean };
  /** Progress of a long run (models linted so far, out of how many). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Give rule findings their scope and directive text (baselines, the language server). */
  readonly where?: boolean;
}

/** Severity of a rule under the settings, or `null` when it is off. */
export function effectiveSeverity(settings: LintSettings, ruleId: string, fallback: 'error' | 'warning'): 1 | 2 | null {
  const s = settings.ruleSettings?.get(ruleId);
  if (s === 'off') return null;
  if (s === 'warn') return 1;
  if (s === 'error') return 2;
  return fallback === 'error' ? 2 : 1;
}

/** Re-parses the model's project with `edits` applied in memory. */
export function rebuildWithEdits(
  model: HeaderRewriteModel,
  dialect: DialectModule,
  io: ConfigIO,
  options: DialectOptions,
  edits: readonly TextEdit[],
): BuiltModel | { error: string } {
  const byFile = new Map<string, TextEdit[]>();
  for (const e of edits) {
    const list = byFile.get(e.file) ?? [];
    list.push(e);
    byFile.set(e.file, list);
  }
  const overrides = new Map<string, SourceFile>();
  for (const [path, list] of byFile) {
    const original = model.files.get(path);
    if (!original) return { error: `edit outside the configuration: ${path}` };
    let text: string;
    try {
      text = applyEdits(original.text, list);
    } catch (e) {
      return { error: (e as Error).message };
    }
    overrides.set(path, createSourceFile(path, text, original.encoding, original.bom));
  }
  return dialect.build(model.root, withOverrides(io, overrides), options);
}

/** Runs one rule over a model, handing every report to `report`. */
function runRule(rule: Rule, { model, fixers }: BuiltModel, settings: LintSettings, sim: Simulator, report: (d: ReportDescriptor) => void): void {
  rule.check!({ model, catalog: settings.catalog, options: settings.options, sim, fixers, report });
}

interface Pending {
  readonly rule: Rule;
  readonly severity: 1 | 2;
  readonly descriptor: ReportDescriptor;
}

export function lintModel(
  built: BuiltModel,
  dialect: DialectModule,
  io: ConfigIO,
  settings: LintSettings,
  sim: Simulator = createSimulator(built.model.dialect),
): LintMessage[] {
  const { model } = built;
  const messages: LintMessage[] = [];
  // Syntax errors belong to no rule; every other problem is reported by the rule that owns it.
  for (const p of model.problems) {
    if (p.kind === 'syntax') messages.push({ ruleId: null, severity: 2, message: p.message, span: p.span, fatal: true });
  }
  const pending: Pending[] = [];
  for (const rule of settings.rules) {
    if ((!rule.check && !rule.meta.claims) || !rule.meta.dialects.includes(model.dialect)) continue;
    const severity = effectiveSeverity(settings, rule.meta.id, rule.meta.severity);
    if (severity === null) continue;
    const report = (descriptor: ReportDescriptor): void => void pending.push({ rule, severity, descriptor });
    const claims = rule.meta.claims;
    if (claims) for (const p of model.problems) if (claims.includes(p.kind)) report({ span: p.span, message: p.message });
    if (rule.check) runRule(rule, built, settings, sim, report);
  }
  const fixes = resolveFixes(built, dialect, io, settings, sim, pending);
  const where = settings.where ? createWhere(model) : undefined;
  for (const [i, { rule, severity, descriptor }] of pending.entries()) {
    const outcome = fixes[i];
    const uses = expansionsOf(model, descriptor.span);
    const related = [...relatedLocations(model, descriptor), ...relatedLocations(model, { span: descriptor.span, message: "", related: uses.map(useRelated) })];
    const data = uses.length > 0 ? { ...descriptor.data, macroUses: uses.map((u) => ({ macro: u.name, use: u.label, ...lineOf(model, u.use) })) } : descriptor.data;
    const base = {
      ruleId: rule.meta.id,
      severity,
      span: descriptor.span,
      ...(where ? { where: where(descriptor.span) } : {}),
      ...(data ? { data } : {}),
      ...(related.length > 0 ? { related } : {}),
    };
    const note = (message: string) => withUseNote(model, message, uses);
    if (outcome === undefined) messages.push({ ...base, message: note(descriptor.message) });
    else if (typeof outcome === 'string') {
      messages.push({ ...base, message: note(withNoFixNote(descriptor, outcome)), data: { ...data, noFix: outcome } });
    } else if (settings.wantFixes) messages.push({ ...base, message: note(descriptor.message), fix: { edits: outcome.edits, description: outcome.description } });
    else messages.push({ ...base, message: note(descriptor.message), fixable: true });
  }
  return messages;
}

const within = (inner: Span, outer: Span) => inner.file === outer.file && outer.start <= inner.start && inner.end <= outer.end;

/**
 * The expansions a finding inside a definition came from (Apache `Use` lines of the `<Macro>` it
 * sits in), and for a `Use` inside another definition, the expansions of that one too; each
 * `Use` line once, in reading order.
 */
function expansionsOf(model: HeaderRewriteModel, span: Span): Expansion[] {
  const all = model.expansions;
  if (!all || all.length === 0) return [];
  const seen = new Set<string>();
  const out: Expansion[] = [];
  const visit = (s: Span) => {
    for (const e of all) {
      if (!within(s, e.body)) continue;
      const key = `${e.use.file}\u0000${e.use.start}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(e);
      visit(e.use);
    }
  };
  visit(span);
  return out.sort((a, b) => (a.use.file === b.use.file ? a.use.start - b.use.start : a.use.file < b.use.file ? -1 : 1));
}

function lineOf(model: HeaderRewriteModel, span: Span): { file: string; line: number } {
  const file = model.files.get(span.file);
  return { file: span.file, line: file ? positionAt(file, span.start).line : 0 };
}

function useRelated(u: Expansion): { span: Span; message: string } {
  return { span: u.use, message: `macro '${u.name}' expanded here: ${u.label}` };
}

/** Names the `Use` lines in the message, as long as it stays one short sentence (JSON data and related locations always have them). */
function withUseNote(model: HeaderRewriteModel, message: string, uses: readonly Expansion[]): string {
  if (uses.length === 0) return message;
  const where = (u: Expansion) => {
    const at = lineOf(model, u.use);
    return at.file === model.root ? `${at.line}` : `${at.file.split('/').pop()}:${at.line}`;
  };
  const names = [...new Set(uses.map((u) => u.name))].map((n) => `'${n}'`).join(', ');
  const note = ` (macro ${names}, Use on line${uses.length > 1 ? 's' : ''} ${uses.map(where).join(', ')})`;
  const dot = message.endsWith('.') ? '.' : '';
  const body = dot ? message.slice(0, -1) : message;
  return message.length + note.length <= MAX_MESSAGE ? `${body}${note}${dot}` : message;
}

/** The longest message a stylish line carries (the fixture suite checks every message). */
export const MAX_MESSAGE = 200;

/**
 * Why there is no fix, in the message as long as it stays one short sentence: the full sentence
 * and the reason, else the report's `brief` and the reason, else the sentence (or, when that
 * leaves no room, the brief) with a pointer to the JSON data, which always has the reason and
 * what to write instead.
 */
function withNoFixNote(d: ReportDescriptor, outcome: string): string {
  const note = ` No automatic fix: ${outcome.split('. Instead: ')[0]!.replace(/\.$/, '')}.`;
  for (const text of [d.message, d.brief]) if (text !== undefined && text.length + note.length <= MAX_MESSAGE) return text + note;
  const pointer = ' No automatic fix; --format json says why.';
  const text = d.message.length + pointer.length > MAX_MESSAGE && d.brief !== undefined ? d.brief : d.message;
  return `${text}${pointer}`;
}

/** A report's related places with 1-based positions, resolved while the model's files are at hand. */
function relatedLocations(model: HeaderRewriteModel, d: ReportDescriptor): RelatedLocation[] {
  return (d.related ?? []).flatMap((r) => {
    const file = model.files.get(r.span.file);
    if (!file) return [];
    const a = positionAt(file, r.span.start);
    const b = positionAt(file, Math.max(r.span.start, r.span.end));
    return [{ file: r.span.file, message: r.message, line: a.line, column: a.column, endLine: b.line, endColumn: b.column }];
  });
}

/**
 * The engine's half of the fix protocol: ask each fixable report for its candidates, prove them
 * (src/engine/proof.ts) and return, per pending report, the proven candidate, why there is none,
 * or undefined when the report offers no fix. Proofs run whether or not this run writes fixes, so
 * the fixable count always equals what `--fix` repairs.
 */
function resolveFixes(
  built: BuiltModel,
  dialect: DialectModule,
  io: ConfigIO,
  settings: LintSettings,
  sim: Simulator,
  pending: readonly Pending[],
): (FixCandidate | string | undefined)[] {
  const { model } = built;
  const out: (FixCandidate | string | undefined)[] = pending.map(() => undefined);
  const jobs: FixJob[] = [];
  const jobOf: number[] = [];
  const byKey = new Map<string, number>();
  for (const [i, p] of pending.entries()) {
    const request = p.rule.meta.fixable ? p.descriptor.fix : undefined;
    if (!request) continue;
    const built = request.candidates();
    if (isFixRefusal(built)) {
      out[i] = built.suggestion ? `${built.reason}. Instead: ${built.suggestion.replace(/\.$/, '')}` : built.reason;
      continue;
    }
    if (built.length === 0) {
      out[i] = 'no candidate edit';
      continue;
    }
    // Two reports asking for the same edits with the same exemptions share one proof.
    const exempt = [...new Set(request.exempt)].sort();
    const key = JSON.stringify([built.map((c) => c.edits), exempt]);
    let job = byKey.get(key);
    if (job === undefined) {
      byKey.set(key, (job = jobs.length));
      jobs.push({ options: built, exempt });
    }
    jobOf[i] = job;
  }
  // Every candidate edit is made: the proofs need the model and its units, not the syntax it was lowered from.
  if (jobs.length > 0) built.units?.();
  built.release?.();
  if (jobs.length === 0) return out;
  const fixingRules = [...new Set(pending.filter((_, i) => jobOf[i] !== undefined).map((p) => p.rule))];
  const narrowing = createNarrowing(built, dialect, io, settings.options);
  const proven = proveJobs(
    {
      before: model,
      sim,
      catalog: settings.catalog,
      rebuild: (edits) => rebuildWithEdits(model, dialect, io, settings.options, edits),
      ...(narrowing
        ? {
            unitsOf: (edits: readonly TextEdit[]) => narrowing.unitsOf(edits),
            narrow: (edits: readonly TextEdit[]) => {
              const scope = narrowing.scope(edits);
              if (!scope) return undefined;
              const blanked = scope.before;
              const blankedIo = scope.io;
              return { before: blanked, rebuild: (e: readonly TextEdit[]) => rebuildWithEdits(blanked, dialect, blankedIo, settings.options, e), units: scope.units };
            },
          }
        : {}),
      reportedSpans: (after) => {
        const spans: Span[] = [];
        for (const rule of fixingRules) runRule(rule, after, settings, sim, (d) => spans.push(d.span));
        return spans;
      },
    },
    jobs,
    settings.applyingFixes === true,
  );
  for (const [i, job] of jobOf.entries()) if (job !== undefined) out[i] = proven[job];
  return out;
}

/** Sort key: file, then position, then rule. */
export function compareMessages(a: LintMessage, b: LintMessage): number {
  if (a.span.file !== b.span.file) return a.span.file < b.span.file ? -1 : 1;
  return a.span.start - b.span.start || a.span.end - b.span.end || (a.ruleId ?? '').localeCompare(b.ruleId ?? '') || a.message.localeCompare(b.message);
}
