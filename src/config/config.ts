/**
 * The configuration file: reading, validating against the JSON Schema, and the resulting settings.
 * Relative paths and globs in it are relative to the file's directory.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import type { RuleMeta } from '../engine/rule.js';
import type { RuleSetting } from '../engine/lint.js';
import type { Dialect } from '../model/header-rewrite.js';
import { positionAt, createSourceFile } from '../source.js';
import { JsonSyntaxError, parseJson, type JsonValue } from './json-positions.js';
import { configSchema } from './schema.js';
import { validateSchema } from './schema-validate.js';

export const CONFIG_FILE_NAMES = ['lint-proxy-config.config.json', '.lint-proxy-configrc.json'] as const;
export const PACKAGE_JSON_KEY = 'lint-proxy-config';

export interface ConfigOverride {
  /** Absolute globs. */
  readonly files: readonly string[];
  readonly type?: Dialect;
}

export interface Config {
  /** The file it was read from (undefined for the built-in defaults). */
  readonly path?: string;
  readonly rules: ReadonlyMap<string, RuleSetting>;
  readonly xsrfCookies: readonly string[];
  readonly sessionCookies: readonly string[];
  readonly overrides: readonly ConfigOverride[];
  /** Absolute globs. */
  readonly ignores: readonly string[];
  readonly serverRoot?: string;
  readonly prefix?: string;
  readonly nginxVersion?: string;
  readonly caddyVersion?: string;
  readonly requireReason: boolean;
  readonly noInlineConfig: boolean;
  readonly maxFileSize?: number;
}

export const DEFAULT_CONFIG: Config = {
  rules: new Map(),
  xsrfCookies: [],
  sessionCookies: [],
  overrides: [],
  ignores: [],
  requireReason: true,
  noInlineConfig: false,
};

export interface ConfigError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

function absolute(dir: string, p: string): string {
  return isAbsolute(p) ? p : resolve(dir, p);
}

/** A glob relative to `dir`, made absolute (keeping a leading `!`). */
function absoluteGlob(dir: string, glob: string): string {
  return glob.startsWith('!') ? `!${absolute(dir, glob.slice(1))}` : absolute(dir, glob);
}

/**
 * Reads a configuration from text. `fromPackageJson` reads the `"lint-proxy-config"` key (and
 * returns undefined when there is none).
 */
export function parseConfig(text: string, path: string, rules: readonly RuleMeta[], fromPackageJson = false): Config | ConfigError[] | undefined {
  const source = createSourceFile(path, text);
  const at = (offset: number, message: string): ConfigError => {
    const p = positionAt(source, offset);
    return { file: path, line: p.line, column: p.column, message };
  };
  let parsed;
  try {
    parsed = parseJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return [at(e.offset, `invalid JSON: ${e.message}`)];
    throw e;
  }
  let value: JsonValue = parsed.value;
  let prefix = '';
  if (fromPackageJson) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !(PACKAGE_JSON_KEY in value)) return undefined;
    value = value[PACKAGE_JSON_KEY]!;
    prefix = PACKAGE_JSON_KEY;
  }
  const issues = validateSchema(value, configSchema(rules));
  if (issues.length > 0) {
    return issues.map((issue) => {
      const full = issue.path === '' ? prefix : prefix === '' ? issue.path : `${prefix}.${issue.path}`;
      const offset = (issue.atKey ? parsed.offsets.get(`${full}#key`) : undefined) ?? parsed.offsets.get(full) ?? 0;
      return at(offset, `${full || '(root)'}: ${issue.message}`);
    });
  }
  const obj = value as Record<string, JsonValue>;
  const dir = dirname(path);
  const strings = (v: JsonValue | undefined) => (Array.isArray(v) ? (v as string[]) : []);
  const config: Config = {
    path,
    rules: new Map(Object.entries((obj.rules as Record<string, RuleSetting> | undefined) ?? {})),
    xsrfCookies: strings(obj.xsrfCookies),
    sessionCookies: strings(obj.sessionCookies),
    overrides: ((obj.overrides as { files: string[]; type?: Dialect }[] | undefined) ?? []).map((o) => ({
      files: o.files.map((f) => absoluteGlob(dir, f)),
      ...(o.type ? { type: o.type } : {}),
    })),
    ignores: strings(obj.ignores).map((g) => absoluteGlob(dir, g)),
    ...(typeof obj.serverRoot === 'string' ? { serverRoot: absolute(dir, obj.serverRoot) } : {}),
    ...(typeof obj.prefix === 'string' ? { prefix: absolute(dir, obj.prefix) } : {}),
    ...(typeof obj.nginxVersion === 'string' ? { nginxVersion: obj.nginxVersion.split('.').length === 2 ? `${obj.nginxVersion}.0` : obj.nginxVersion } : {}),
    ...(typeof obj.caddyVersion === 'string' ? { caddyVersion: obj.caddyVersion } : {}),
    ...(typeof obj.maxFileSize === 'number' ? { maxFileSize: obj.maxFileSize } : {}),
    requireReason: obj.requireReason !== false,
    noInlineConfig: obj.noInlineConfig === true,
  };
  return config;
}

export function isConfigErrors(x: Config | ConfigError[] | undefined): x is ConfigError[] {
  return Array.isArray(x);
}
