/**
 * Command-line options and the configuration file, merged into the settings a run uses:
 * the command line wins over the file, the file over the defaults.
 */
import { resolve } from 'node:path';
import { compileGlobList } from '../path-glob.js';
import { RULES } from '../../rules/index.js';
import { DEFAULT_CONFIG, isConfigErrors, type Config, type ConfigError } from './config.js';
import { overlappingNames } from '../cookies/catalog.js';
import type { ProductSettings } from '../cookies/selection.js';
import { findConfig, loadConfigFile } from './find.js';
import { DEFAULT_NGINX_VERSION } from '../dialects/dialect.js';
import type { Dialect } from '../model/header-rewrite.js';
import type { RunOptions } from '../run/run.js';
import type { PathMapping } from '../dialects/path-map.js';
import { closest } from '../closest.js';
import type { RuleSetting } from '../engine/lint.js';
import { UsageError } from '../usage-error.js';

export interface SharedCliOptions {
  type?: Dialect;
  config?: string | false;
  xsrfCookie?: string[];
  allProducts?: boolean;
  serverRoot?: string;
  prefix?: string;
  context?: 'main' | 'http' | 'server' | 'location';
  nginxVersion?: string;
  caddyVersion?: string;
  ignorePattern?: string[];
  includePattern?: string[];
  root?: string;
  /** `--rule <id>[:severity]`, repeatable. */
  rule?: string[];
  inlineConfig?: boolean;
  maxFileSize?: number;
}


export function formatConfigErrors(errors: readonly ConfigError[]): string {
  return errors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.message}`).join('\n');
}

/** The configuration to use: `--config <path>`, `--no-config`, or the nearest file found upward. */
export function resolveConfig(options: SharedCliOptions, cwd: string): Config {
  if (options.config === false) return DEFAULT_CONFIG;
  const loaded = typeof options.config === 'string' ? loadConfigFile(resolve(cwd, options.config), RULES.map((r) => r.meta)) : findConfig(cwd, RULES.map((r) => r.meta));
  if (loaded === undefined) return DEFAULT_CONFIG;
  if (isConfigErrors(loaded)) throw new UsageError(`invalid configuration:\n${formatConfigErrors(loaded)}`);
  return loaded;
}

const compiledOverrides = new WeakMap<object, (path: string) => boolean>();

/** The dialect the configuration's `overrides` give a file, if any (the last matching entry wins). */
export function overrideDialect(config: Config, path: string): Dialect | undefined {
  let dialect: Dialect | undefined;
  for (const o of config.overrides) {
    if (!o.type) continue;
    let match = compiledOverrides.get(o);
    if (!match) compiledOverrides.set(o, (match = compileGlobList(o.files)));
    if (match(path)) dialect = o.type;
  }
  return dialect;
}

/** What `products` settings say, for the catalog (src/cookies/selection.ts). */
export function productSettingsFrom(options: SharedCliOptions, config: Config): ProductSettings {
  const overrides = config.overrides.flatMap((o) => (o.products ? [{ files: o.files, products: o.products }] : []));
  return {
    ...(options.allProducts ? { allProducts: true } : {}),
    ...(config.products ? { products: config.products } : {}),
    ...(overrides.length > 0 ? { overrides } : {}),
    inline: !(options.inlineConfig === false || config.noInlineConfig),
  };
}

/**
 * CSRF cookie names a run accepts (the built-in ones, the configuration's and --xsrf-cookie's
 * together): each name is a sample simulated through every directive and every fix proof, and
 * 10,000 names took minutes and gigabytes. Applications have a handful.
 */
export const MAX_XSRF_COOKIES = 256;

const SEVERITY_WORDS: Readonly<Record<string, RuleSetting>> = { off: 'off', '0': 'off', warn: 'warn', warning: 'warn', '1': 'warn', error: 'error', '2': 'error' };

/**
 * The rule severities of a run: the configuration file's, then `--rule <id>[:severity]` (as
 * ESLint's `--rule`; without a severity the rule is on at its default severity).
 */
export function ruleSettingsFrom(options: SharedCliOptions, config: Config): ReadonlyMap<string, RuleSetting> {
  if (!options.rule || options.rule.length === 0) return config.rules;
  const settings = new Map(config.rules);
  const ids = RULES.map((r) => r.meta.id);
  for (const arg of options.rule) {
    const m = /^([^:\s]+)(?::\s*(\S+))?$/.exec(arg.trim());
    const rule = m ? RULES.find((r) => r.meta.id === m[1]) : undefined;
    if (!m || !rule) {
      const hint = m ? closest(m[1]!, ids) : undefined;
      throw new UsageError(`--rule ${arg}: unknown rule${hint ? ` (did you mean "${hint}"?)` : ''}; expected <id>[:off|warn|error]`);
    }
    const severity = m[2] === undefined ? (rule.meta.severity === 'error' ? 'error' : 'warn') : SEVERITY_WORDS[m[2].toLowerCase()];
    if (severity === undefined) throw new UsageError(`--rule ${arg}: unknown severity "${m[2]}"; expected off, warn or error`);
    settings.set(rule.meta.id, severity);
  }
  return settings;
}

/** `--root`/`root` maps every absolute path; `pathMap` entries (longer prefixes) win over it. */
function pathMapFrom(root: string | undefined, pathMap: readonly PathMapping[]): PathMapping[] {
  return [...(root === undefined ? [] : [{ from: '/', to: root }]), ...pathMap];
}

export function runOptionsFrom(options: SharedCliOptions, config: Config, cwd: string): Omit<RunOptions, 'paths'> {
  const extra = new Set([...config.xsrfCookies, ...(options.xsrfCookie ?? [])]);
  if (extra.size > MAX_XSRF_COOKIES) {
    throw new UsageError(`${extra.size} CSRF cookie names (xsrfCookies, --xsrf-cookie) are more than the ${MAX_XSRF_COOKIES} lint-proxy-config simulates; list the names your applications set`);
  }
  const serverRoot = options.serverRoot ?? config.serverRoot;
  const prefix = options.prefix ?? config.prefix;
  const overlap = overlappingNames(options.xsrfCookie ?? [], config.sessionCookies);
  if (overlap.length > 0) {
    const o = overlap[0]!;
    throw new UsageError(`--xsrf-cookie ${o.xsrf}: "${o.session}" is a session cookie in ${config.path ?? 'the configuration'} (sessionCookies); a cookie cannot be both`);
  }
  return {
    cwd,
    ...(options.type ? { type: options.type } : {}),
    xsrfCookies: [...config.xsrfCookies, ...(options.xsrfCookie ?? [])],
    sessionCookies: config.sessionCookies,
    productSettings: productSettingsFrom(options, config),
    ...(serverRoot ? { serverRoot: resolve(cwd, serverRoot) } : {}),
    ...(config.apacheModules ? { apacheModules: config.apacheModules } : {}),
    ...(prefix ? { prefix: resolve(cwd, prefix) } : {}),
    ...(options.context ? { context: options.context } : {}),
    nginxVersion: options.nginxVersion ?? config.nginxVersion ?? DEFAULT_NGINX_VERSION,
    ...(config.nginxDirectives.length > 0 ? { nginxDirectives: config.nginxDirectives } : {}),
    ...((options.caddyVersion ?? config.caddyVersion) ? { caddyVersion: (options.caddyVersion ?? config.caddyVersion)! } : {}),
    ruleSettings: ruleSettingsFrom(options, config),
    ignorePatterns: [...config.ignores, ...(options.ignorePattern ?? []).map((p) => resolve(cwd, p))],
    dialectOf: (path: string) => overrideDialect(config, path),
    include: [...config.include, ...(options.includePattern ?? [])],
    pathMap: pathMapFrom(options.root === undefined ? config.root : resolve(cwd, options.root), config.pathMap),
    ...(options.maxFileSize ?? config.maxFileSize ? { maxFileMb: (options.maxFileSize ?? config.maxFileSize)! } : {}),
    directives: { requireReason: config.requireReason, disabled: options.inlineConfig === false || config.noInlineConfig },
  };
}
