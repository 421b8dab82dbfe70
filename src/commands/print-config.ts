/** `--print-config <file>`: the settings that apply to one file, as JSON. */
import { readFileSync } from 'node:fs';
import { RULES } from '../../rules/index.js';
import type { Config } from '../config/config.js';
import { createCatalog } from '../cookies/catalog.js';
import { detectDialect } from '../dialects/detect.js';
import { effectiveSeverity } from '../engine/lint.js';
import { decode } from '../source.js';
import { overrideDialect, runOptionsFrom, type SharedCliOptions } from './settings.js';

export function printConfig(file: string, options: SharedCliOptions, config: Config, cwd: string): string {
  const run = runOptionsFrom(options, config, cwd);
  let detected: string | null = null;
  try {
    detected = detectDialect(file, decode(readFileSync(file)).text);
  } catch {
    detected = null;
  }
  const catalog = createCatalog(run.xsrfCookies, run.sessionCookies);
  const settings = { rules: RULES, ruleSettings: config.rules, catalog, options: { nginxVersion: run.nginxVersion ?? '' }, wantFixes: false };
  const rules = Object.fromEntries(
    RULES.map((r) => {
      const s = effectiveSeverity(settings, r.meta.id, r.meta.severity);
      return [r.meta.id, s === null ? 'off' : s === 2 ? 'error' : 'warn'];
    }),
  );
  return `${JSON.stringify(
    {
      file,
      configFile: config.path ?? null,
      dialect: options.type ?? overrideDialect(config, file) ?? detected,
      rules,
      xsrfCookies: catalog.xsrf.map((c) => c.name),
      sessionCookies: catalog.session.map((c) => c.name),
      serverRoot: run.serverRoot ?? null,
      prefix: run.prefix ?? null,
      context: run.context ?? null,
      nginxVersion: run.nginxVersion,
      requireReason: config.requireReason,
      noInlineConfig: config.noInlineConfig,
      baseline: config.baseline ?? null,
    },
    null,
    2,
  )}\n`;
}
