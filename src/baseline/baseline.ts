/**
 * Baselines: the findings an estate already has, recorded so that CI fails only on new ones
 * (after ESLint's suppressions file and Semgrep's baseline). A finding is identified by its rule,
 * its file, the text of its directive and the scope it is written in — never by line number, so
 * edits elsewhere in the file keep it matched. Identical findings are counted. Pure: reading and
 * writing the file is src/baseline/file.ts.
 */
import { relative, sep } from 'node:path';
import { childPath, parseJsonc, type JsonValue } from '../jsonc.js';
import type { LintMessage } from '../engine/lint.js';
import { toLintResult, type LintResult } from '../engine/result.js';
import { createSourceFile, positionAt, type SourceFile } from '../source.js';
import { BASELINE_VERSION } from './schema.js';

export const BASELINE_SCHEMA_REF = './node_modules/lint-proxy-config/schema/baseline.schema.json';

/** One recorded finding (`count` identical ones). */
export interface BaselineEntry {
  readonly file: string;
  readonly rule: string;
  readonly scope: string;
  readonly directive: string;
  readonly count: number;
}

export interface Baseline {
  readonly entries: readonly BaselineEntry[];
}

export interface BaselineError {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** Whitespace runs collapse to one space: re-indenting or re-wrapping a directive keeps it matched. */
export function normalizeDirective(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function spanLines(source: SourceFile | undefined, message: LintMessage): string {
  if (!source) return '';
  const first = positionAt(source, message.span.start).line;
  const last = positionAt(source, Math.max(message.span.start, message.span.end - 1)).line;
  const start = source.lineStarts[first - 1] ?? 0;
  const end = source.lineStarts[last] ?? source.text.length;
  return source.text.slice(start, end);
}

/** The file as the baseline names it: relative to the baseline's directory, "/" separators. */
export function baselinePath(baseDir: string, filePath: string): string {
  const rel = relative(baseDir, filePath) || filePath;
  return sep === '/' ? rel : rel.split(sep).join('/');
}

/**
 * The identity of a finding, or undefined for messages that no baseline may hide (syntax errors,
 * unreadable files: they are about the input, not a rule's verdict).
 */
export function findingKey(baseDir: string, result: LintResult, message: LintMessage): Omit<BaselineEntry, 'count'> | undefined {
  if (message.ruleId === null) return undefined;
  return {
    file: baselinePath(baseDir, message.span.file || result.filePath),
    rule: message.ruleId,
    scope: message.where?.scope ?? '',
    directive: normalizeDirective(message.where?.directive ?? spanLines(result.source, message)),
  };
}

function keyString(e: Omit<BaselineEntry, 'count'>): string {
  return `${e.file}\u0000${e.rule}\u0000${e.scope}\u0000${e.directive}`;
}

function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  for (const k of ['file', 'rule', 'scope', 'directive'] as const) {
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  }
  return 0;
}

/** Today's findings, as a baseline. */
export function createBaseline(results: readonly LintResult[], baseDir: string): Baseline {
  const counts = new Map<string, BaselineEntry>();
  for (const r of results) {
    for (const m of r.messages) {
      const key = findingKey(baseDir, r, m);
      if (!key) continue;
      const k = keyString(key);
      counts.set(k, { ...key, count: (counts.get(k)?.count ?? 0) + 1 });
    }
  }
  return { entries: [...counts.values()].sort(compareEntries) };
}

/** The file's text: sorted entries, one key per line, for clean diffs. */
export function serializeBaseline(baseline: Baseline): string {
  const findings = [...baseline.entries].sort(compareEntries).map((e) => ({
    file: e.file,
    rule: e.rule,
    scope: e.scope,
    directive: e.directive,
    ...(e.count > 1 ? { count: e.count } : {}),
  }));
  return `${JSON.stringify({ $schema: BASELINE_SCHEMA_REF, version: BASELINE_VERSION, findings }, null, 2)}\n`;
}

interface Issue {
  readonly path: string;
  readonly message: string;
  readonly atKey?: boolean;
}

const ENTRY_KEYS = ['file', 'rule', 'scope', 'directive', 'count'];

function isObject(v: JsonValue | undefined): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The checks of schema/baseline.schema.json, written out: the CLI bundle carries no JSON Schema
 * compiler (test/baseline.test.ts checks that ajv with the schema file agrees on valid and invalid
 * files).
 */
function baselineIssues(value: JsonValue): Issue[] {
  if (!isObject(value)) return [{ path: '', message: 'must be an object' }];
  const issues: Issue[] = [];
  for (const key of Object.keys(value)) {
    if (!['$schema', 'version', 'findings'].includes(key)) issues.push({ path: key, message: 'unknown property', atKey: true });
  }
  if (value.$schema !== undefined && typeof value.$schema !== 'string') issues.push({ path: '$schema', message: 'must be a string' });
  if (value.version === undefined) issues.push({ path: '', message: 'missing property "version"' });
  else if (value.version !== BASELINE_VERSION) issues.push({ path: 'version', message: `must be ${BASELINE_VERSION}` });
  const findings = value.findings;
  if (findings === undefined) issues.push({ path: '', message: 'missing property "findings"' });
  else if (!Array.isArray(findings)) issues.push({ path: 'findings', message: 'must be an array' });
  else {
    findings.forEach((f, i) => {
      const at = childPath('findings', i);
      if (!isObject(f)) {
        issues.push({ path: at, message: 'must be an object' });
        return;
      }
      for (const key of Object.keys(f)) if (!ENTRY_KEYS.includes(key)) issues.push({ path: childPath(at, key), message: 'unknown property', atKey: true });
      for (const key of ['file', 'rule', 'scope', 'directive']) {
        const v = f[key];
        if (v === undefined) issues.push({ path: at, message: `missing property "${key}"` });
        else if (typeof v !== 'string') issues.push({ path: childPath(at, key), message: 'must be a string' });
        else if ((key === 'file' || key === 'rule') && v === '') issues.push({ path: childPath(at, key), message: 'must not be empty' });
      }
      if (f.count !== undefined && !(typeof f.count === 'number' && Number.isInteger(f.count) && f.count >= 2)) {
        issues.push({ path: childPath(at, 'count'), message: 'must be a whole number, at least 2' });
      }
    });
  }
  return issues;
}

/** Reads a baseline file's text; mistakes come with 1-based line and column. */
export function parseBaseline(text: string): Baseline | BaselineError[] {
  const source = createSourceFile('baseline', text);
  const at = (offset: number, message: string): BaselineError => {
    const p = positionAt(source, offset);
    return { line: p.line, column: p.column, message };
  };
  const parsed = parseJsonc(text);
  if ('problems' in parsed) return parsed.problems.map((p) => at(p.offset, `invalid JSON: ${p.message}`));
  const issues = baselineIssues(parsed.value);
  if (issues.length > 0) {
    return issues.map((issue) => {
      const offset = (issue.atKey ? parsed.offsets.get(`${issue.path}#key`) : undefined) ?? parsed.offsets.get(issue.path) ?? 0;
      return at(offset, `${issue.path || '(root)'}: ${issue.message}`);
    });
  }
  const findings = (parsed.value as { findings: Record<string, JsonValue>[] }).findings;
  return {
    entries: findings.map((f) => ({
      file: f.file as string,
      rule: f.rule as string,
      scope: f.scope as string,
      directive: normalizeDirective(f.directive as string),
      count: typeof f.count === 'number' ? f.count : 1,
    })),
  };
}

export interface BaselineOutcome {
  /** The results without the baselined findings (counts recomputed). */
  readonly results: LintResult[];
  /** Findings the baseline matched. */
  readonly baselined: number;
  /** Recorded findings that no longer occur (fixed or removed): `--baseline-write` prunes them. */
  readonly stale: number;
}

/** Drops the findings the baseline records (each entry matches at most `count` findings). */
export function applyBaseline(results: readonly LintResult[], baseline: Baseline, baseDir: string): BaselineOutcome {
  const remaining = new Map<string, number>();
  for (const e of baseline.entries) remaining.set(keyString(e), (remaining.get(keyString(e)) ?? 0) + e.count);
  let baselined = 0;
  const out = results.map((r) => {
    const kept = r.messages.filter((m) => {
      const key = findingKey(baseDir, r, m);
      if (!key) return true;
      const k = keyString(key);
      const left = remaining.get(k) ?? 0;
      if (left === 0) return true;
      remaining.set(k, left - 1);
      baselined++;
      return false;
    });
    if (kept.length === r.messages.length) return r;
    const file = { path: r.filePath, messages: kept, ...(r.source ? { source: r.source } : {}) };
    return toLintResult(file, kept, r.output !== undefined && r.input !== undefined ? { output: r.output, input: r.input } : undefined);
  });
  let stale = 0;
  for (const n of remaining.values()) stale += n;
  return { results: out, baselined, stale };
}
