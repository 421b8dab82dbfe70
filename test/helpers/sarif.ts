/** Microsoft's SARIF multitool, with the SARIF specification's and GitHub code scanning's rules. */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The validator's findings (errors and warnings) for a SARIF text; `[]` when it passes. */
export function validateSarif(text: string, workDir: string): string[] {
  const file = join(workDir, 'out.sarif');
  const report = join(workDir, 'validation.sarif');
  writeFileSync(file, text);
  // The package's bin.js goes through a shell; call the native binary it points at directly.
  const multitool = createRequire(import.meta.url)('@microsoft/sarif-multitool') as string;
  const run = spawnSync(multitool, ['validate', file, '--output', report, '--log', 'ForceOverwrite', '--rule-kind', 'Sarif;Gh', '--level', 'Error;Warning'], { encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`the SARIF multitool failed: ${run.stdout}${run.stderr}`);
  const validation = JSON.parse(readFileSync(report, 'utf8')) as { runs: { results?: { level?: string; ruleId: string; message: unknown }[] }[] };
  return (validation.runs[0]!.results ?? []).map((f) => `${f.level ?? 'warning'} ${f.ruleId} ${JSON.stringify(f.message)}`);
}
