/**
 * The configuration file: reading, validating against the JSON Schema, and the resulting settings.
 * Relative paths and globs in it are relative to the file's directory.
 */
import { dirname, isAbsolute, posix, resolve } from 'node:path';
import type { PathMapping } from '../dialects/path-map.js';
import type { RuleMeta } from '../engine/rule.js';
import type { RuleSetting } from '../engine/lint.js';
import { overlappingNames } from '../cookies/catalog.js';
import type { ProductSelection } from '../cookies/selection.js';
import type { Dialect } from '../model/header-rewrite.js';
import { positionAt, createSourceFile } from '../source.js';
import { parseJsonc, type JsonValue } from '../jsonc.js';
import { configSchema } from './schema.js';
import { schemaIssues } from './schema-issues.js';
import { configValidator } from './validator.js';

export const CONFIG_FILE_NAMES = ['lint-proxy-config.config.json', '.lint-proxy-configrc.json'] as const;
export const PACKAGE_JSON_KEY = 'lint-proxy-config';

export interface ConfigOverride {
  /** Absolute globs. */
  readonly files: readonly string[];
  readonly type?: Dialect;
  /** Products behind the scopes of these files (`"all"` or product ids). */
  readonly products?: ProductSelection;
}

export interface Config {
  /** The file it was read from (undefined for the built-in defaults). */
  readonly path?: string;
  readonly rules: ReadonlyMap<string, RuleSetting>;
  readonly xsrfCookies: readonly string[];
  readonly sessionCookies: readonly string[];
  /** Products behind the configurations (`"all"` or product ids); absent: inferred per scope. */
  readonly products?: ProductSelection;
  readonly overrides: readonly ConfigOverride[];
  /** Absolute globs. */
  readonly ignores: readonly string[];
  /** Globs a directory walk also picks up, relative to the walked directory (templates opt-in). */
  readonly include: readonly string[];
  /** Absolute: the directory absolute include paths are read under (`root`). */
  readonly root?: string;
  /** Absolute include prefixes → absolute directories (`pathMap`). */
  readonly pathMap: readonly PathMapping[];
  readonly serverRoot?: string;
  /** Apache modules the server loads, for files without `LoadModule` (`apacheModules`). */
  readonly apacheModules?: readonly string[];
  readonly prefix?: string;
  readonly nginxVersion?: string;
  /** Directives of third-party nginx modules (`nginxDirectives`). */
  readonly nginxDirectives: readonly string[];
  readonly caddyVersion?: string;
  readonly requireReason: boolean;
  readonly noInlineConfig: boolean;
  readonly maxFileSize?: number;
  /** Absolute path of the baseline file whose findings are not reported (src/baseline/). */
  readonly baseline?: string;
}

export const DEFAULT_CONFIG: Config = {
  rules: new Map(),
  xsrfCookies: [],
  sessionCookies: [],
  overrides: [],
  ignores: [],
  include: [],
  pathMap: [],
  nginxDirectives: [],
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

/** False when `text` is JSON whose top level has no "lint-proxy-config" key (escapes included). */
function mayHaveOwnKey(text: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return true;
  }
  return typeof value !== 'object' || value === null || Array.isArray(value) || Object.hasOwn(value, PACKAGE_JSON_KEY);
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
  // A package.json without the key is not ours: strict JSON (as npm requires) is checked natively,
  // without building the JSONC tree and offsets every run in a package's folder would pay for.
  if (fromPackageJson && !mayHaveOwnKey(text)) return undefined;
  const parsed = parseJsonc(text);
  if ('problems' in parsed) {
    return parsed.problems.map((p) => {
      const first = p.firstOffset === undefined ? undefined : positionAt(source, p.firstOffset);
      return at(p.offset, first ? `${p.message} (first written at ${first.line}:${first.column})` : p.message);
    });
  }
  let value: JsonValue = parsed.value;
  let prefix = '';
  if (fromPackageJson) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, PACKAGE_JSON_KEY)) return undefined;
    value = value[PACKAGE_JSON_KEY]!;
    prefix = PACKAGE_JSON_KEY;
  }
  const schema = configSchema(rules);
  const validate = configValidator(schema);
  if (!validate(value)) {
    // In the order of the file, whatever order the validator found them in.
    return schemaIssues(validate.errors ?? [], value, schema)
      .map((issue) => {
        const full = issue.path === '' ? prefix : prefix === '' ? issue.path : `${prefix}.${issue.path}`;
        const offset = (issue.atKey ? parsed.offsets.get(`${full}#key`) : undefined) ?? parsed.offsets.get(full) ?? 0;
        return { offset, message: `${full || '(root)'}: ${issue.message}` };
      })
      .sort((a, b) => a.offset - b.offset)
      .map((e) => at(e.offset, e.message));
  }
  const obj = value as Record<string, JsonValue>;
  const dir = dirname(path);
  const strings = (v: JsonValue | undefined) => (Array.isArray(v) ? (v as string[]) : []);
  const key = (k: string) => (prefix === '' ? k : `${prefix}.${k}`);
  const overlaps = overlappingNames(strings(obj.xsrfCookies), strings(obj.sessionCookies));
  if (overlaps.length > 0) {
    const session = strings(obj.sessionCookies);
    return overlaps.map((o) => {
      const i = session.indexOf(o.session);
      return at(
        parsed.offsets.get(key(`sessionCookies[${i}]`)) ?? parsed.offsets.get(key('sessionCookies')) ?? 0,
        `${key('sessionCookies')}[${i}]: "${o.session}" is also a CSRF cookie${o.session === o.xsrf ? '' : ` ("${o.xsrf}")`}, which must stay readable by JavaScript; list it in one of sessionCookies and xsrfCookies only`,
      );
    });
  }
  const selection = (v: JsonValue | undefined): ProductSelection | undefined => {
    if (v === 'all') return 'all';
    if (!Array.isArray(v)) return undefined;
    const ids = v as string[];
    return ids.includes('all') ? 'all' : ids;
  };
  const products = selection(obj.products);
  const config: Config = {
    path,
    rules: new Map(Object.entries((obj.rules as Record<string, RuleSetting> | undefined) ?? {})),
    xsrfCookies: strings(obj.xsrfCookies),
    sessionCookies: strings(obj.sessionCookies),
    ...(products ? { products } : {}),
    overrides: ((obj.overrides as { files: string[]; type?: Dialect; products?: JsonValue }[] | undefined) ?? []).map((o) => {
      const p = selection(o.products);
      return {
        files: o.files.map((f) => absoluteGlob(dir, f)),
        ...(o.type ? { type: o.type } : {}),
        ...(p ? { products: p } : {}),
      };
    }),
    ignores: strings(obj.ignores).map((g) => absoluteGlob(dir, g)),
    include: strings(obj.include),
    ...(typeof obj.root === 'string' ? { root: absolute(dir, obj.root) } : {}),
    pathMap: Object.entries((obj.pathMap as Record<string, string> | undefined) ?? {}).map(([from, to]) => ({ from: posix.normalize(from), to: absolute(dir, to) })),
    ...(typeof obj.serverRoot === 'string' ? { serverRoot: absolute(dir, obj.serverRoot) } : {}),
    ...(Array.isArray(obj.apacheModules) ? { apacheModules: strings(obj.apacheModules) } : {}),
    ...(typeof obj.prefix === 'string' ? { prefix: absolute(dir, obj.prefix) } : {}),
    ...(typeof obj.nginxVersion === 'string' ? { nginxVersion: obj.nginxVersion.split('.').length === 2 ? `${obj.nginxVersion}.0` : obj.nginxVersion } : {}),
    nginxDirectives: strings(obj.nginxDirectives),
    ...(typeof obj.caddyVersion === 'string' ? { caddyVersion: obj.caddyVersion } : {}),
    ...(typeof obj.maxFileSize === 'number' ? { maxFileSize: obj.maxFileSize } : {}),
    ...(typeof obj.baseline === 'string' ? { baseline: absolute(dir, obj.baseline) } : {}),
    requireReason: obj.requireReason !== false,
    noInlineConfig: obj.noInlineConfig === true,
  };
  return config;
}

export function isConfigErrors(x: Config | ConfigError[] | undefined): x is ConfigError[] {
  return Array.isArray(x);
}
