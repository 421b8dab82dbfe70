/**
 * Linting a set of files that include each other. Each file is linted once, in the context that
 * gives it meaning: a vhost file included from apache2.conf is linted as part of apache2.conf's
 * tree (with the server-level directives that run before its own), not again on its own.
 */
import type { DialectModule } from '../dialects/dialect.js';
import type { Dialect, HeaderRewriteModel } from '../model/header-rewrite.js';
import { isIoError, type ConfigIO, type SourceFile } from '../source.js';
import { applyDirectives, UNUSED_DIRECTIVE_RULE } from './directives.js';
import { compareMessages, effectiveSeverity, lintModel, type LintMessage, type LintSettings } from './lint.js';
import type { CommentToken } from '../model/header-rewrite.js';
import type { Simulator } from './rule.js';
import { createSimulator } from './simulator.js';

export interface LintTarget {
  readonly path: string;
  readonly dialect: Dialect;
}

export interface FileResult {
  readonly path: string;
  readonly dialect?: Dialect;
  /** Undefined when the file could not be read. */
  readonly source?: SourceFile;
  readonly messages: readonly LintMessage[];
  /** Messages an inline directive suppressed (ESLint's `suppressedMessages`). */
  readonly suppressed?: readonly LintMessage[];
  /** The file could not be read (missing, permission): exit code 2. */
  readonly unreadable?: true;
  /** The file was not linted (binary, too large): reported, and exit code 2 — never a silent pass. */
  readonly skipped?: string;
}

export type DialectRegistry = (dialect: Dialect) => DialectModule;

export interface ProjectLint {
  /** One result per target, plus included files that have messages; sorted by path. */
  readonly results: readonly FileResult[];
  /** What each model linted (models themselves are not kept). */
  readonly models: readonly ModelLint[];
}

const MAIN_CONFIG_NAMES = new Set(['apache2.conf', 'httpd.conf', 'nginx.conf', 'applicationhost.config']);

function basename(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return path.slice(i + 1);
}

/**
 * Main configurations first, then shallower paths: the files most likely to include the others
 * are built first, so the files they include are linted in context and skipped as roots.
 */
function rootOrder(a: LintTarget, b: LintTarget): number {
  const am = MAIN_CONFIG_NAMES.has(basename(a.path).toLowerCase()) ? 0 : 1;
  const bm = MAIN_CONFIG_NAMES.has(basename(b.path).toLowerCase()) ? 0 : 1;
  if (am !== bm) return am - bm;
  const ad = a.path.split('/').length;
  const bd = b.path.split('/').length;
  if (ad !== bd) return ad - bd;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

function coveredBy(model: HeaderRewriteModel): readonly string[] {
  return model.covers ?? [...model.files.keys()];
}

function messageKey(m: LintMessage): string {
  return `${m.ruleId}\u0000${m.span.file}\u0000${m.span.start}\u0000${m.span.end}\u0000${m.message}`;
}

/**
 * What linting one model produced, as plain data: it crosses worker-thread boundaries
 * (src/run/parallel.ts) and is assembled into per-file results by {@link assemble}.
 */
export interface ModelLint {
  readonly root: string;
  readonly rootReal: string;
  readonly dialect: Dialect;
  /** Real paths of the files it lints in context besides its root. */
  readonly includes: readonly string[];
  /** Every file it read. */
  readonly files: readonly string[];
  readonly messages: readonly LintMessage[];
  readonly comments: readonly CommentToken[];
}

/**
 * Builds and lints the models of some targets (one thread's share of a project), one at a time:
 * a model is dropped once linted, so memory holds one configuration tree, not all of them.
 * Main configurations come first and a target already linted in another's context is skipped;
 * a root that a later model turns out to include is filtered by {@link assemble}.
 */
export function lintModels(
  targets: readonly LintTarget[],
  io: ConfigIO,
  registry: DialectRegistry,
  settings: LintSettings,
  // One simulator per dialect for the whole project: its cache is keyed by what ops do, so
  // thousands of similar files share their simulations (pass the same map for every chunk).
  simulators = new Map<Dialect, Simulator>(),
): ModelLint[] {
  const covered = new Set<string>();
  const lints: ModelLint[] = [];
  const ordered = [...targets].sort(rootOrder);
  let done = 0;
  for (const target of ordered) {
    settings.onProgress?.(done++, ordered.length);
    const rootReal = io.realpath(target.path);
    if (covered.has(rootReal) || isIoError(io.read(target.path))) continue;
    const built = registry(target.dialect).build(target.path, io, settings.options);
    const { model } = built;
    const includes = coveredBy(model).map((f) => io.realpath(f));
    for (const f of includes) covered.add(f);
    let sim = simulators.get(model.dialect);
    if (!sim) simulators.set(model.dialect, (sim = createSimulator(model.dialect)));
    lints.push({
      root: model.root,
      rootReal,
      dialect: model.dialect,
      includes: includes.filter((f) => f !== rootReal),
      files: [...model.files.keys()],
      messages: lintModel(built, registry(model.dialect), io, settings, sim),
      comments: model.comments,
    });
    sim.endModel();
  }
  return lints;
}

/**
 * Per-file results from model lints: a root that another model includes is reported only there;
 * messages are grouped by the file they point into, deduplicated, and inline directives applied.
 */
/**
 * One result per target and per file with messages. `readable`: files known to have been read
 * without error (by another thread): one with neither messages nor comments is not read again.
 */
export function assemble(targets: readonly LintTarget[], lints: readonly ModelLint[], io: ConfigIO, settings: LintSettings, readable?: ReadonlySet<string>): FileResult[] {
  const includedBy = new Map<string, ModelLint>();
  for (const l of lints) for (const f of l.includes) includedBy.set(f, l);
  const kept = lints.filter((l) => (includedBy.get(l.rootReal) ?? l) === l);
  const byFile = new Map<string, Map<string, LintMessage>>();
  const comments = new Map<string, Map<number, CommentToken>>();
  const dialectOf = new Map<string, Dialect>();
  for (const t of targets) dialectOf.set(t.path, t.dialect);
  for (const l of kept) {
    for (const path of l.files) if (!dialectOf.has(path)) dialectOf.set(path, l.dialect);
    for (const c of l.comments) {
      let list = comments.get(c.span.file);
      if (!list) comments.set(c.span.file, (list = new Map()));
      list.set(c.span.start, c);
    }
    for (const m of l.messages) {
      let list = byFile.get(m.span.file);
      if (!list) byFile.set(m.span.file, (list = new Map()));
      const key = messageKey(m);
      if (!list.has(key)) list.set(key, m);
    }
  }
  const paths = new Set<string>([...targets.map((t) => t.path), ...byFile.keys()]);
  const knownRules = new Set(settings.rules.map((r) => r.meta.id));
  const results: FileResult[] = [];
  for (const path of [...paths].sort()) {
    const dialect = dialectOf.get(path);
    if (readable?.has(path) && !byFile.has(path) && !comments.has(path)) {
      results.push(dialect ? { path, dialect, messages: [] } : { path, messages: [] });
      continue;
    }
    const read = io.read(path);
    if (isIoError(read)) {
      const span = { file: path, start: 0, end: 0 };
      if (read.skipped) {
        const message: LintMessage = { ruleId: null, severity: 1, message: `File ${read.error}.`, span, notLinted: true };
        results.push(dialect ? { path, dialect, messages: [message], skipped: read.error } : { path, messages: [message], skipped: read.error });
        continue;
      }
      const message: LintMessage = { ruleId: null, severity: 2, fatal: true, message: `Cannot read file: ${read.error}`, span, notLinted: true };
      results.push(dialect ? { path, dialect, messages: [message], unreadable: true } : { path, messages: [message], unreadable: true });
      continue;
    }
    const raw = [...(byFile.get(path)?.values() ?? [])];
    const { messages, suppressed } = applyDirectives(read, [...(comments.get(path)?.values() ?? [])], raw, {
      requireReason: settings.directives?.requireReason ?? true,
      disabled: settings.directives?.disabled ?? false,
      knownRules,
      unusedSeverity: effectiveSeverity(settings, UNUSED_DIRECTIVE_RULE, 'warning'),
    });
    const base = { path, source: read, messages: messages.sort(compareMessages), ...(suppressed.length > 0 ? { suppressed } : {}) };
    results.push(dialect ? { ...base, dialect } : base);
  }
  return results;
}

export function lintProject(targets: readonly LintTarget[], io: ConfigIO, registry: DialectRegistry, settings: LintSettings): ProjectLint {
  const models = lintModels(targets, io, registry, settings);
  return { results: assemble(targets, models, io, settings), models };
}
