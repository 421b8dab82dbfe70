/**
 * Findings in an `nginx -T` dump, reported where they are written: the dump's
 * `# configuration file <path>:` markers (src/dialects/nginx/dump.ts) say which original file
 * each stretch of the dump is, so a finding at dump line 412 becomes `sites-enabled/jira:28`,
 * with the dump position kept as a related location. The original file's text is the dump's copy
 * of it (the file need not exist on this machine); `--fix` writes an original file only when it
 * is here and still equal to its copy in the dump.
 */
import { splitDump, type DumpSection } from '../dialects/nginx/dump.js';
import type { LintMessage } from '../engine/lint.js';
import type { FileResult } from '../engine/project.js';
import { createSourceFile, positionAt, type SourceFile, type TextEdit, isIoError, type ConfigIO } from '../source.js';

function sectionAt(sections: readonly DumpSection[], offset: number): DumpSection | undefined {
  return sections.find((s) => offset >= s.start && offset <= s.end);
}

/** The original file's text as the dump holds it, as a source of its own. */
function sectionSource(dump: SourceFile, section: DumpSection): SourceFile {
  return createSourceFile(section.path, dump.text.slice(section.start, section.end));
}

function shift(span: { file: string; start: number; end: number }, section: DumpSection) {
  return { file: section.path, start: span.start - section.start, end: span.end - section.start };
}

/** Results of dumps split into the original files they hold; other results unchanged. */
export function mapDumpResults(results: readonly FileResult[]): FileResult[] {
  const out: FileResult[] = [];
  for (const r of results) {
    const dump = r.source;
    const sections = dump && r.dialect === 'nginx' ? splitDump(dump.text) : null;
    if (!dump || !sections) {
      out.push(r);
      continue;
    }
    const byPath = new Map<string, { source: SourceFile; messages: LintMessage[]; suppressed: LintMessage[] }>();
    const kept: LintMessage[] = [];
    const keptSuppressed: LintMessage[] = [];
    const place = (m: LintMessage, suppressed: boolean) => {
      const section = m.span.file === dump.path ? sectionAt(sections, m.span.start) : undefined;
      if (!section || m.span.end > section.end) {
        (suppressed ? keptSuppressed : kept).push(m);
        return;
      }
      let entry = byPath.get(section.path);
      if (!entry) byPath.set(section.path, (entry = { source: sectionSource(dump, section), messages: [], suppressed: [] }));
      const at = positionAt(dump, m.span.start);
      const edits = m.fix?.edits.every((e) => e.file === dump.path && e.start >= section.start && e.end <= section.end)
        ? m.fix.edits.map((e): TextEdit => ({ ...e, ...shift(e, section) }))
        : undefined;
      const { fix: _fix, ...rest } = m;
      const mapped: LintMessage = {
        ...rest,
        span: shift(m.span, section),
        ...(m.fix && edits ? { fix: { ...m.fix, edits } } : {}),
        related: [...(m.related ?? []), { file: dump.path, line: at.line, column: at.column, message: 'where the nginx -T dump shows it' }],
      };
      (suppressed ? entry.suppressed : entry.messages).push(mapped);
    };
    for (const m of r.messages) place(m, false);
    for (const m of r.suppressed ?? []) place(m, true);
    out.push({ ...r, messages: kept, ...(keptSuppressed.length > 0 ? { suppressed: keptSuppressed } : { suppressed: [] }) });
    for (const [path, e] of byPath) {
      out.push({ path, dialect: 'nginx', source: e.source, messages: e.messages, ...(e.suppressed.length > 0 ? { suppressed: e.suppressed } : {}) });
    }
  }
  return out;
}

/** What `--fix` can do with a fixed dump: the original files to write, and those it cannot. */
export interface DumpWrites {
  readonly writes: { readonly path: string; readonly text: string; readonly original: SourceFile }[];
  readonly refused: { readonly path: string; readonly reason: string }[];
}

/**
 * The original files a fixed dump changes. Each is written only when it is on this machine with
 * exactly the text the dump holds (otherwise the fix was proven against another version).
 */
export function dumpWrites(before: SourceFile, after: SourceFile, io: ConfigIO): DumpWrites | undefined {
  const old = splitDump(before.text);
  const now = splitDump(after.text);
  if (!old || !now || old.length !== now.length) return undefined;
  const writes: DumpWrites['writes'][number][] = [];
  const refused: DumpWrites['refused'][number][] = [];
  old.forEach((section, i) => {
    const was = before.text.slice(section.start, section.end);
    const fixed = after.text.slice(now[i]!.start, now[i]!.end);
    if (was === fixed) return;
    const file = io.read(section.path);
    if (isIoError(file)) refused.push({ path: section.path, reason: `it is not on this machine (${file.error})` });
    else if (file.text !== was && file.text !== `${was}\n`) refused.push({ path: section.path, reason: 'it differs from its copy in the dump' });
    else writes.push({ path: section.path, text: file.text === was ? fixed : `${fixed}\n`, original: file });
  });
  return { writes, refused };
}
