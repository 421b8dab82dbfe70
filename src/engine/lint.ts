/**
 * Linting one model: run every enabled rule for the model's dialect, turn parser and server
 * problems into messages. Pure: no file system, no output.
 */
import type { CookieCatalog } from '../cookies/catalog.js';
import type { DialectModule, DialectOptions } from '../dialects/dialect.js';
import type { HeaderRewriteModel } from '../model/header-rewrite.js';
import { createSourceFile, type SourceFile, type Span } from '../source.js';
import { applyEdits, type Fix, type TextEdit } from './edits.js';
import { withOverrides, type ConfigIO } from './io.js';
import type { Rule, RuleContext, Simulator } from './rule.js';
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
  readonly fix?: Fix;
  /** A fix candidate exists but was not proven (fixes were not wanted in this run). */
  readonly fixable?: true;
  /** Scope and directive text of the finding, when {@link LintSettings.where} asks for them. */
  readonly where?: FindingWhere;
}

export type RuleSetting = 'off' | 'warn' | 'error';

export interface LintSettings {
  readonly rules: readonly Rule[];
  /** Per-rule overrides from the configuration file; absent = the rule's default severity. */
  readonly ruleSettings?: ReadonlyMap<string, RuleSetting>;
  readonly catalog: CookieCatalog;
  readonly options: DialectOptions;
  /** Build and prove fixes (costly: a re-parse per finding), for --fix and fix output. */
  readonly wantFixes: boolean;
  /** Inline `lint-proxy-config-disable` comments: required reason, or ignored altogether. */
  readonly directives?: { readonly requireReason: boolean; readonly disabled: boolean };
  /** Progress of a long run (models linted so far, out of how many). */
  readonly onProgress?: (done: number, total: number) => void;
  /** When set, milliseconds spent per rule (and in building models) are added here (`LPC_TIMING=1`). */
  readonly timings?: Map<string, number>;
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
): HeaderRewriteModel | { error: string } {
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
  return dialect.buildModel(model.root, withOverrides(io, overrides), options);
}

export function lintModel(
  model: HeaderRewriteModel,
  dialect: DialectModule,
  io: ConfigIO,
  settings: LintSettings,
  sim: Simulator = createSimulator(model.dialect),
): LintMessage[] {
  const messages: LintMessage[] = [];
  const where = settings.where ? createWhere(model) : undefined;
  // Syntax errors belong to no rule; every other problem is reported by the rule that owns it.
  for (const p of model.problems) {
    if (p.ruleId === null) messages.push({ ruleId: null, severity: 2, message: p.message, span: p.span, fatal: true });
  }
  for (const rule of settings.rules) {
    if (!rule.check || !rule.meta.dialects.includes(model.dialect)) continue;
    const severity = effectiveSeverity(settings, rule.meta.id, rule.meta.severity);
    if (severity === null) continue;
    const context: RuleContext = {
      model,
      catalog: settings.catalog,
      options: settings.options,
      sim,
      fixers: dialect.fixers,
      wantFixes: settings.wantFixes,
      rebuild: (edits) => rebuildWithEdits(model, dialect, io, settings.options, edits),
      report: (d) => {
        const base: LintMessage = { ruleId: rule.meta.id, severity, message: d.message, span: d.span, ...(where ? { where: where(d.span) } : {}) };
        const fix = settings.wantFixes && rule.meta.fixable ? d.fix : undefined;
        if (fix) messages.push({ ...base, fix });
        else if (!settings.wantFixes && rule.meta.fixable && d.fixable) messages.push({ ...base, fixable: true });
        else messages.push(base);
      },
    };
    const started = settings.timings ? performance.now() : 0;
    rule.check(context);
    if (settings.timings) settings.timings.set(rule.meta.id, (settings.timings.get(rule.meta.id) ?? 0) + performance.now() - started);
  }
  return messages;
}

/** Sort key: file, then position, then rule. */
export function compareMessages(a: LintMessage, b: LintMessage): number {
  if (a.span.file !== b.span.file) return a.span.file < b.span.file ? -1 : 1;
  return a.span.start - b.span.start || a.span.end - b.span.end || (a.ruleId ?? '').localeCompare(b.ruleId ?? '') || a.message.localeCompare(b.message);
}
