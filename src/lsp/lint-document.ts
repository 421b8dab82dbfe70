/**
 * Lints one open document: its text from the editor, the files it includes from disk (the CLI's
 * `--stdin --stdin-filename <file>` path), then the baseline, if the configuration names one.
 */
import { dirname } from 'node:path';
import { applyBaseline } from '../baseline/baseline.js';
import type { LintResult } from '../engine/result.js';
import { run } from '../run.js';
import type { DocumentSettings } from './settings.js';

/**
 * `withFixes`: prove each finding's fix (a re-parse and re-simulation per finding). Diagnostics
 * do without, so they appear sooner; code actions ask for the proofs when the user wants them.
 */
export async function lintDocument(path: string, text: string, settings: DocumentSettings, withFixes: boolean): Promise<LintResult | undefined> {
  const outcome = await run({ ...settings.run, wantFixes: withFixes, paths: [path], stdin: { text, filename: path } });
  let results = outcome.results;
  if (settings.baseline) results = applyBaseline(results, settings.baseline.baseline, dirname(settings.baseline.path)).results;
  // Undefined: the file is ignored (configuration ignores, .lint-proxy-configignore).
  return results.find((r) => r.filePath === path);
}
