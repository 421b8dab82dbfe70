/**
 * The fixes as a unified diff (ShellCheck's `-f diff`), ready for `git apply` or `patch -p1`.
 * Only files whose fixes changed them appear. Paths are relative to `root` (the git work tree the
 * linter runs in, else the current directory) and never climb out of it: a file outside gets a
 * note instead of a hunk `git apply` would refuse. UTF-8 files (a BOM kept) get text hunks; other
 * encodings (UTF-16, Latin-1) a `GIT binary patch` hunk with their exact bytes.
 */
import { isAbsolute, relative, sep } from 'node:path';
import type { LintResult } from '../engine/result.js';
import { encode } from '../source.js';
import { binaryPatch } from './git-binary.js';
import { diffLines, splitLines, type DiffOp } from './line-diff.js';

const CONTEXT = 3;

/** A diff line: its own terminator kept (CRLF stays CRLF); git's marker when there is none. */
function body(line: string): string {
  return line.endsWith('\n') ? line : `${line}\n\\ No newline at end of file\n`;
}

function hunks(ops: readonly DiffOp[]): string[] {
  const out: string[] = [];
  const changed = ops.map((o, i) => (o.kind === 'same' ? -1 : i)).filter((i) => i >= 0);
  let i = 0;
  while (i < changed.length) {
    let start = Math.max(0, changed[i]! - CONTEXT);
    let end = Math.min(ops.length, changed[i]! + CONTEXT + 1);
    while (i + 1 < changed.length && changed[i + 1]! - CONTEXT <= end) {
      i++;
      end = Math.min(ops.length, changed[i]! + CONTEXT + 1);
    }
    i++;
    let oldLine = 1;
    let newLine = 1;
    for (let j = 0; j < start; j++) {
      if (ops[j]!.kind !== 'add') oldLine++;
      if (ops[j]!.kind !== 'del') newLine++;
    }
    const slice = ops.slice(start, end);
    const oldCount = slice.filter((o) => o.kind !== 'add').length;
    const newCount = slice.filter((o) => o.kind !== 'del').length;
    const range = (line: number, count: number) => `${count === 0 ? line - 1 : line}${count === 1 ? '' : `,${count}`}`;
    out.push(`@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@\n`);
    for (const o of slice) out.push((o.kind === 'same' ? ' ' : o.kind === 'del' ? '-' : '+') + body(o.line));
    start = end;
  }
  return out;
}

export function formatDiff(results: readonly LintResult[], root: string): string {
  const out: string[] = [];
  for (const r of results) {
    if (r.output === undefined || r.input === undefined || r.output === r.input) continue;
    const rel = relative(root, r.filePath);
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      // Text before a `diff --git` header is ignored by git apply and patch.
      out.push(`# ${r.filePath} is outside ${root}: its fixes are not in this patch (run with --fix, or from a directory above it).\n`);
      continue;
    }
    const path = rel.split(sep).join('/');
    const encoding = r.source?.encoding ?? 'utf8';
    const bom = r.source?.bom ?? false;
    out.push(`diff --git a/${path} b/${path}\n`);
    if (encoding !== 'utf8') {
      out.push(binaryPatch(encode(r.input, encoding, bom), encode(r.output, encoding, bom)));
      continue;
    }
    const mark = bom ? '\uFEFF' : '';
    const ops = diffLines(splitLines(mark + r.input), splitLines(mark + r.output));
    out.push(`--- a/${path}\n`, `+++ b/${path}\n`, ...hunks(ops));
  }
  return out.join('');
}
