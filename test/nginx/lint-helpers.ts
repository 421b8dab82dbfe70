/** Linting and fixing in-memory nginx configurations with the registered rules. */
import { applyEdits } from '../../src/source.js';
import { RULES } from '../../rules/index.js';
import { createCatalog } from '../../src/cookies/catalog.js';
import { DEFAULT_NGINX_VERSION, type DialectOptions } from '../../src/dialects/dialect.js';
import { nginxDialect } from '../../src/dialects/nginx/index.js';
import { fixProject } from '../../src/engine/fix.js';
import type { LintMessage, LintSettings } from '../../src/engine/lint.js';
import { lintProject } from '../../src/engine/project.js';
import type { Rule } from '../../src/engine/rule.js';
import { memoryIO } from './memory-io.js';

export function settings(options: Partial<DialectOptions> = {}, wantFixes = true, rules: readonly Rule[] = allRules()): LintSettings {
  return { rules, catalog: createCatalog(), options: { nginxVersion: DEFAULT_NGINX_VERSION, ...options }, wantFixes };
}

export function allRules(): readonly Rule[] {
  return RULES;
}

export interface Linted {
  readonly messages: readonly LintMessage[];
  /** `ruleId@line:col` for quick assertions. */
  readonly brief: string[];
}

function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset).split(/\r\n|\r|\n/);
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

export function lintText(text: string, options: Partial<DialectOptions> = {}, path = '/etc/nginx/nginx.conf', extra: Record<string, string> = {}): Linted {
  const io = memoryIO({ [path]: text, ...extra });
  const lint = lintProject([{ path, dialect: 'nginx' }], io, () => nginxDialect, settings(options));
  const messages = lint.results.flatMap((r) => r.messages);
  return { messages, brief: messages.map((m) => `${m.ruleId ?? 'fatal'}@${lineCol(io.read(m.span.file) && text, m.span.start)}`) };
}

/** The text after the fix loop (the input itself when nothing changed). */
export function fixText(text: string, options: Partial<DialectOptions> = {}, path = '/etc/nginx/nginx.conf'): string {
  const io = memoryIO({ [path]: text });
  const out = fixProject([{ path, dialect: 'nginx' }], io, () => nginxDialect, settings(options));
  return out.fixed.get(path)?.text ?? text;
}

/** Applies one message's fix. */
export function applyFix(text: string, m: LintMessage): string {
  return applyEdits(text, m.fix?.edits ?? []);
}
