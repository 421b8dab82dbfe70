/**
 * Lints one open document: its text from the editor, the files it includes from disk (the CLI's
 * `--stdin --stdin-filename <file>` path), then the baseline, if the configuration names one.
 */
import { dirname } from 'node:path';
import { applyBaseline } from '../baseline/baseline.js';
import type { LintResult } from '../engine/result.js';
import { run } from '../run/run.js';
import type { DocumentSettings } from './settings.js';

/** The proven fixes come with the messages: the engine proves them in every run, and code actions offer them. */
export async function lintDocument(path: string, text: string, settings: DocumentSettings): Promise<LintResult | undefined> {
  const outcome = await run({ ...settings.run, wantFixes: true, paths: [path], stdin: { text, filename: path } });
  let results = outcome.results;
  if (settings.baseline) results = applyBaseline(results, settings.baseline.baseline, dirname(settings.baseline.path)).results;
  // Undefined: the file is ignored (configuration ignores, .lint-proxy-configignore).
  return results.find((r) => r.filePath === path);
}
