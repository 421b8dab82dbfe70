/** `--print-config <file>`: the settings that apply to one file, as JSON. */
import { RULES } from '../../../rules/index.js';
import type { Config } from '../../config/config.js';
import { createCatalog } from '../../cookies/catalog.js';
import { fileSelection } from '../../cookies/selection.js';
import { detectDialect } from '../../dialects/detect.js';
import { parseApache } from '../../dialects/apache/parser.js';
import { effectiveSeverity } from '../../engine/lint.js';
import type { Dialect } from '../../model/header-rewrite.js';
import { resolve } from 'node:path';
import { createNodeIO } from '../../run/node-io.js';
import { isIoError } from '../../source.js';
import { overrideDialect, ruleSettingsFrom, runOptionsFrom, type SharedCliOptions } from '../../config/settings.js';

/**
 * The modules `<IfModule>` is evaluated against for `file`: its tree's `LoadModule` lines, or the
 * assumption (the `apacheModules` setting or Debian's defaults, plus modules used unguarded).
 */
function apacheModules(file: string, run: ReturnType<typeof runOptionsFrom>, cwd: string) {
  const parsed = parseApache(file, createNodeIO(cwd, run.maxFileMb), {
    cwd,
    ...(run.serverRoot ? { serverRoot: run.serverRoot } : {}),
    ...(run.apacheModules ? { modules: run.apacheModules } : {}),
  });
  return { from: parsed.modules.from, loaded: parsed.modules.loaded };
}

export function printConfig(file: string, options: SharedCliOptions, config: Config, cwd: string): string {
  const run = runOptionsFrom(options, config, cwd);
  let detected: Dialect | null = null;
  const source = createNodeIO(cwd, run.maxFileMb).read(resolve(cwd, file));
  if (!isIoError(source)) detected = detectDialect(file, source.text);
  const catalog = createCatalog(run.xsrfCookies, run.sessionCookies);
  const settings = { rules: RULES, ruleSettings: ruleSettingsFrom(options, config), catalog, options: { nginxVersion: run.nginxVersion ?? '' }, wantFixes: false };
  const dialect = options.type ?? overrideDialect(config, file) ?? detected;
  // Only what applies to the file's dialect: its rules, and the include settings of its server.
  const rules = Object.fromEntries(
    RULES.filter((r) => dialect === null || r.meta.dialects.includes(dialect)).map((r) => {
      const s = effectiveSeverity(settings, r.meta.id, r.meta.severity);
      return [r.meta.id, s === null ? 'off' : s === 2 ? 'error' : 'warn'];
    }),
  );
  return `${JSON.stringify(
    {
      file,
      configFile: config.path ?? null,
      dialect,
      rules,
      xsrfCookies: catalog.xsrf.map((c) => c.name),
      sessionCookies: catalog.session.map((c) => c.name),
      products: options.allProducts ? 'all' : (fileSelection(run.productSettings, file)?.selection ?? 'evident from each scope'),
      ...(dialect === null || dialect === 'apache' ? { serverRoot: run.serverRoot ?? null, apacheModules: apacheModules(resolve(cwd, file), run, cwd) } : {}),
      ...(dialect === null || dialect === 'nginx' ? { prefix: run.prefix ?? null, context: run.context ?? null, nginxVersion: run.nginxVersion, nginxDirectives: run.nginxDirectives ?? [] } : {}),
      ...(dialect !== 'iis' ? { pathMap: Object.fromEntries((run.pathMap ?? []).map((m) => [m.from, m.to])) } : {}),
      requireReason: config.requireReason,
      noInlineConfig: config.noInlineConfig,
      baseline: config.baseline ?? null,
    },
    null,
    2,
  )}\n`;
}
