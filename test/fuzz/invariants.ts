/**
 * The invariants every input must satisfy, checked on an in-memory project through the same
 * engine entry points the CLI uses (`lintProject`, `fixProject`):
 *
 * 1. a result for every target, no exception, every message (and every fix edit) inside its file;
 * 2. bounded work: model builds per lint are bounded by the findings (deterministic), and every
 *    step ends under {@link HANG_MS} of wall time (a hang detector only, generous on purpose);
 * 3. `--fix`: no new fatal message, nothing fixable left, nothing reverted, a second fix is a no-op;
 * 4. bytes outside the edit ranges are identical: one pass's edits applied to the original bytes
 *    change nothing else; `fixProject`'s output is its passes replayed, each changing only the
 *    lines its edits touch; the decoded text re-encodes to the original bytes, so equal lines are
 *    equal bytes.
 */
import { expect } from 'vitest';
import { RULES } from '../../rules/index.js';
import { createCatalog } from '../../src/cookies/catalog.js';
import { DEFAULT_NGINX_VERSION } from '../../src/dialects/dialect.js';
import { loadDialects } from '../../src/dialects/registry.js';
import { editsOverlap } from '../../src/engine/edits.js';
import { chooseEdits, fixProject, MAX_FIX_PASSES, type FixOutcome } from '../../src/engine/fix.js';
import type { LintMessage, LintSettings } from '../../src/engine/lint.js';
import { lintProject, type DialectRegistry, type LintTarget, type ProjectLint } from '../../src/engine/project.js';
import { diffLines, splitLines } from '../../src/formatters/line-diff.js';
import type { Dialect } from '../../src/model/header-rewrite.js';
import { createSourceFile, dominantEol, encode, positionAt, type SourceFile, applyEdits, withFileEol, type TextEdit, isIoError, withOverrides, type ConfigIO } from '../../src/source.js';
import { memoryIO } from '../harness/memory-io.js';

/** Wall time any single step may take before it counts as a hang (CI machines are slow and shared). */
const HANG_MS = 2_000;

/**
 * Deterministic work bound: model builds (parse + lower, the costly step) per project lint. One
 * per root, plus the re-parses that prove fixes: a finding tries a few candidate fixes (at most
 * 2 re-parses per finding seen when this was written). Regex matching is bounded on its own by
 * the engine's step budget per call.
 */
const MAX_BUILDS_PER_FINDING = 4;

const DIALECTS = await loadDialects(new Set<Dialect>(['apache', 'nginx', 'iis', 'haproxy', 'caddy']));

const SETTINGS: LintSettings = {
  rules: RULES,
  catalog: createCatalog(),
  options: { nginxVersion: DEFAULT_NGINX_VERSION },
  wantFixes: true,
};

/** A registry that counts model builds (the deterministic proxy for work done). */
function countingRegistry(counter: { builds: number }): DialectRegistry {
  return (d) => {
    const module = DIALECTS.get(d)!;
    return {
      ...module,
      buildModel: (root, io, options) => {
        counter.builds++;
        return module.buildModel(root, io, options);
      },
    };
  };
}

export interface FuzzProject {
  /** Absolute path → content (bytes are decoded like real files). */
  readonly files: Readonly<Record<string, string | Uint8Array>>;
  /** The files named on the command line (others are only reached through includes). */
  readonly targets: readonly string[];
  readonly dialect: Dialect;
}

function timed<T>(step: string, f: () => T): T {
  const started = performance.now();
  let value: T;
  try {
    value = f();
  } catch (e) {
    // Keep the original stack: it is the bug report.
    throw new Error(`${step} threw: ${(e as Error).stack ?? String(e)}`);
  }
  const ms = performance.now() - started;
  expect(ms, `${step} took ${ms.toFixed(0)} ms (hang detector: ${HANG_MS} ms)`).toBeLessThan(HANG_MS);
  return value;
}

function readable(io: ConfigIO, path: string): SourceFile | undefined {
  const f = io.read(path);
  return isIoError(f) ? undefined : f;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** An offset that falls between the two halves of a surrogate pair would cut a character in two. */
function splitsPair(text: string, offset: number): boolean {
  return offset > 0 && offset < text.length && isHighSurrogate(text.charCodeAt(offset - 1)) && isLowSurrogate(text.charCodeAt(offset));
}

function hasLoneSurrogate(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isHighSurrogate(c) && isLowSurrogate(text.charCodeAt(i + 1))) i++;
    else if (isHighSurrogate(c) || isLowSurrogate(c)) return true;
  }
  return false;
}

function describeMessage(m: LintMessage): string {
  return `${m.ruleId ?? 'fatal'} [${m.span.start},${m.span.end}) ${m.message}`;
}

function checkEdit(io: ConfigIO, m: LintMessage, e: TextEdit): void {
  const file = readable(io, e.file);
  const where = `fix of ${describeMessage(m)}: edit [${e.start},${e.end}) in ${e.file}`;
  expect(file, `${where}: the file does not exist`).toBeDefined();
  const text = file!.text;
  expect(Number.isInteger(e.start) && Number.isInteger(e.end) && e.start >= 0 && e.start <= e.end && e.end <= text.length, `${where}: outside the file (length ${text.length})`).toBe(true);
  expect(splitsPair(text, e.start) || splitsPair(text, e.end), `${where}: cuts a surrogate pair`).toBe(false);
  // The inserted text must survive being written in the file's own encoding.
  if (file!.encoding === 'latin1') expect(/[^\u0000-\u00ff]/.test(e.text), `${where}: inserts characters a latin1 file cannot hold`).toBe(false);
  else expect(hasLoneSurrogate(e.text), `${where}: inserts a lone surrogate`).toBe(false);
}

/** Invariant 1: a result per target, spans and edits inside their files, sensible texts. */
function checkLint(lint: ProjectLint, io: ConfigIO, targets: readonly LintTarget[]): void {
  for (const t of targets) expect(lint.results.filter((r) => r.path === t.path), `one result for ${t.path}`).toHaveLength(1);
  for (const result of lint.results) {
    const file = readable(io, result.path);
    for (const m of result.messages) {
      const what = describeMessage(m);
      expect(m.span.file, `${what}: listed under ${result.path}`).toBe(result.path);
      const length = file?.text.length ?? 0;
      expect(Number.isInteger(m.span.start) && Number.isInteger(m.span.end) && m.span.start >= 0 && m.span.start <= m.span.end && m.span.end <= length, `${what}: span outside the file (length ${length})`).toBe(true);
      expect(m.message.trim().length, `${what}: empty message`).toBeGreaterThan(0);
      // A server's own refusal is quoted verbatim and may say "undefined" (mod_macro: "macro 'x' undefined").
      const ownWords = m.message.replace(/refuses to start: ".*"/, 'refuses to start: ""');
      expect(ownWords, `${what}: a value leaked into the message`).not.toMatch(/\bundefined\b|\bNaN\b|\[object Object\]/);
      if (m.fix) {
        expect(m.fix.edits.length, `${what}: a fix without edits`).toBeGreaterThan(0);
        for (const e of m.fix.edits) checkEdit(io, m, e);
        for (let i = 0; i < m.fix.edits.length; i++) {
          expect(editsOverlap(m.fix.edits.slice(0, i), [m.fix.edits[i]!]), `${what}: its own edits overlap`).toBe(false);
        }
      }
    }
    if (file) positionAt(file, file.text.length); // formatters' conversion must accept every offset
  }
}

function fatalCount(lint: ProjectLint, path: string): number {
  return lint.results.find((r) => r.path === path)?.messages.filter((m) => m.fatal).length ?? 0;
}

/** The edits one fix pass applies (the engine's own choice: first fix of each message, no overlap). */
function onePass(lint: ProjectLint): Map<string, TextEdit[]> {
  const chosen = new Map<string, TextEdit[]>();
  for (const m of lint.results.flatMap((r) => r.messages)) {
    const edits = m.fix?.edits;
    const file = edits?.[0]?.file;
    if (!edits || file === undefined || edits.some((e) => e.file !== file)) continue;
    const taken = chosen.get(file) ?? [];
    if (editsOverlap(taken, edits)) continue;
    chosen.set(file, [...taken, ...edits]);
  }
  return chosen;
}

/** The bytes the writer produces for `text` in `file`'s encoding, without any BOM (UTF-16 always gets one). */
function bytesIn(file: SourceFile, text: string): Buffer {
  const b = encode(text, file.encoding, false);
  return file.encoding === 'utf16le' || file.encoding === 'utf16be' ? b.subarray(2) : b;
}

function bytesOf(file: SourceFile, start: number, end: number): Buffer {
  return bytesIn(file, file.text.slice(start, end));
}

/**
 * Invariant 4a: applying one pass of fixes to the original bytes changes only the edited ranges:
 * the written file is exactly original bytes between edits + encoded edit texts.
 */
function checkOnePassBytes(io: ConfigIO, original: ReadonlyMap<string, Uint8Array>, lint: ProjectLint): void {
  for (const [path, edits] of onePass(lint)) {
    const file = readable(io, path)!;
    const before = original.get(path);
    if (!before) continue;
    const applied = edits.map((e) => withFileEol(e, dominantEol(file.text))).sort((a, b) => a.start - b.start);
    const written = encode(applyEdits(file.text, applied), file.encoding, file.bom);
    // Expected: the original bytes of every gap, the edits' own bytes in between.
    const head = file.bom ? Buffer.from(before.subarray(0, file.encoding === 'utf8' || file.encoding === 'latin1' ? 3 : 2)) : Buffer.alloc(0);
    const parts: Buffer[] = [head];
    let pos = 0;
    let byte = head.length;
    for (const e of applied) {
      const gap = bytesOf(file, pos, e.start);
      const originalGap = Buffer.from(before.subarray(byte, byte + gap.length));
      expect(originalGap.equals(gap), `${path}: bytes before offset ${e.start} do not re-encode to the original bytes`).toBe(true);
      parts.push(originalGap, bytesIn(file, e.text));
      byte += gap.length + bytesOf(file, e.start, e.end).length;
      pos = e.end;
    }
    parts.push(Buffer.from(before.subarray(byte)));
    const tail = bytesOf(file, pos, file.text.length);
    expect(Buffer.from(before.subarray(byte)).equals(tail), `${path}: bytes after offset ${pos} do not re-encode to the original bytes`).toBe(true);
    expect(Buffer.concat(parts).equals(written), `${path}: the written bytes differ outside the edits`).toBe(true);
  }
}

/** 0-based lines an edit touches (an insertion at a line start also touches the line before). */
function touchedLines(file: SourceFile, e: TextEdit, into: Set<number>): void {
  const first = positionAt(file, e.start).line - 1;
  const last = positionAt(file, Math.max(e.start, e.end - 1)).line - 1;
  const atLineStart = file.lineStarts[first] === e.start;
  for (let l = atLineStart ? Math.max(0, first - 1) : first; l <= last; l++) into.add(l);
}

/** Invariant 4b: a pass changes only the lines its edits touch (a line diff, independent of applyEdits). */
function checkPassLines(file: SourceFile, edits: readonly TextEdit[], out: string, pass: number): void {
  const touched = new Set<number>();
  for (const e of edits) touchedLines(file, e, touched);
  let line = 0;
  for (const op of diffLines(splitLines(file.text), splitLines(out))) {
    if (op.kind === 'same') line++;
    else if (op.kind === 'del') {
      expect(touched.has(line), `${file.path}, pass ${pass}: line ${line + 1} changed but no edit touches it: ${JSON.stringify(op.line)}`).toBe(true);
      line++;
    } else {
      expect(touched.has(line) || touched.has(line - 1), `${file.path}, pass ${pass}: a line was added near line ${line + 1} where no edit applies: ${JSON.stringify(op.line)}`).toBe(true);
    }
  }
}

function signature(files: ReadonlyMap<string, SourceFile>): string {
  return [...files].map(([p, f]) => `${p}\u0000${f.text}`).sort().join('\u0001');
}

/**
 * The fix loop again, pass by pass, so that each pass's edits can be seen (src/engine/fix.ts
 * keeps them to itself): later passes fix what an earlier fix made provable, at places the
 * first lint did not offer, and fixes proven apart wait for a pass of their own. Returns the
 * fixed texts of the files that changed.
 */
function replayFix(io: ConfigIO, targets: readonly LintTarget[], registry: DialectRegistry): Map<string, string> {
  let overrides = new Map<string, SourceFile>();
  const seen = new Set<string>([signature(overrides)]);
  for (let pass = 1; pass <= MAX_FIX_PASSES; pass++) {
    const current = withOverrides(io, overrides);
    // As the loop lints (fixes proven for being applied together) and chooses (src/engine/fix.ts).
    const chosen = chooseEdits(lintProject(targets, current, registry, { ...SETTINGS, wantFixes: true, applyingFixes: true }));
    if (chosen.size === 0) break;
    const next = new Map(overrides);
    for (const [path, edits] of chosen) {
      const file = readable(current, path)!;
      const applied = edits.map((e) => withFileEol(e, dominantEol(file.text)));
      const text = applyEdits(file.text, applied);
      checkPassLines(file, applied, text, pass);
      next.set(path, createSourceFile(path, text, file.encoding, file.bom));
    }
    const sig = signature(next);
    if (seen.has(sig)) break;
    seen.add(sig);
    overrides = next;
  }
  const changed = new Map<string, string>();
  for (const [path, f] of overrides) if (readable(io, path)?.text !== f.text) changed.set(path, f.text);
  return changed;
}

/**
 * Invariant 4: what `fixProject` returns is exactly the passes replayed (each of which changes
 * only the lines its edits touch), and the decoded text re-encodes to the original bytes, so
 * the lines it leaves alone are written back byte for byte.
 */
function checkFixedBytes(io: ConfigIO, original: ReadonlyMap<string, Uint8Array>, targets: readonly LintTarget[], registry: DialectRegistry, outcome: FixOutcome): void {
  const replayed = replayFix(io, targets, registry);
  const engine = new Map([...outcome.fixed].map(([p, f]) => [p, f.text]));
  expect([...engine.keys()].sort(), 'files fixProject changed vs. the replayed passes').toEqual([...replayed.keys()].sort());
  for (const [path, text] of engine) {
    expect(text === replayed.get(path), `${path}: fixProject's output differs from its passes replayed`).toBe(true);
    const file = readable(io, path)!;
    const bytes = original.get(path);
    if (bytes) expect(encode(file.text, file.encoding, file.bom).equals(Buffer.from(bytes)), `${path}: decoding and re-encoding changes bytes`).toBe(true);
  }
}

/** Invariant 3: the fixed project parses as well as the input, has nothing fixable left, and is stable. */
function checkFixOutcome(io: ConfigIO, targets: readonly LintTarget[], registry: DialectRegistry, lint: ProjectLint, outcome: FixOutcome): void {
  expect(outcome.reverted, 'a proven fix was reverted because the fixed file parsed worse').toEqual([]);
  checkLint(outcome.lint, withOverrides(io, outcome.fixed), targets);
  for (const result of outcome.lint.results) {
    expect(fatalCount(outcome.lint, result.path), `${result.path}: the fix added a fatal message`).toBeLessThanOrEqual(fatalCount(lint, result.path));
  }
  const leftover = outcome.lint.results.flatMap((r) => r.messages.filter((m) => m.fix).map(describeMessage));
  expect(leftover, `fixable messages left after ${outcome.passes} passes`).toEqual([]);
  const again = timed('second fixProject', () => fixProject(targets, withOverrides(io, outcome.fixed), registry, SETTINGS));
  expect(
    [...again.fixed].map(([p, f]) => `${p}: ${JSON.stringify(f.text.slice(0, 200))}`),
    'a second fix changed the fixed text',
  ).toEqual([]);
}

/** Lints and fixes `project`, asserting every invariant. */
export function checkProject(project: FuzzProject): void {
  const io = memoryIO(project.files);
  const targets: LintTarget[] = project.targets.map((path) => ({ path, dialect: project.dialect }));
  const counter = { builds: 0 };
  const registry = countingRegistry(counter);

  const lint = timed('lintProject', () => lintProject(targets, io, registry, SETTINGS));
  // Suppressed findings were proven too: they count.
  const findings = lint.results.reduce((n, r) => n + r.messages.filter((m) => m.ruleId !== null).length + (r.suppressed?.length ?? 0), 0);
  expect(counter.builds, `${counter.builds} model builds for ${findings} findings`).toBeLessThanOrEqual(lint.models.length + MAX_BUILDS_PER_FINDING * findings);
  checkLint(lint, io, targets);

  const original = new Map(Object.entries(project.files).map(([p, c]) => [p, typeof c === 'string' ? new Uint8Array(Buffer.from(c, 'utf8')) : c]));
  const outcome = timed('fixProject', () => fixProject(targets, io, registry, SETTINGS));
  checkFixOutcome(io, targets, registry, lint, outcome);
  if (outcome.fixed.size > 0) {
    checkOnePassBytes(io, original, lint);
    checkFixedBytes(io, original, targets, registry, outcome);
  }
}
