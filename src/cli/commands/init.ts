/** `init`: writes a starter configuration file in the current directory. */
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { RULES } from '../../../rules/index.js';
import { CONFIG_FILE_NAMES } from '../../config/config.js';
import { DEFAULT_XSRF_COOKIES } from '../../cookies/catalog.js';
import { RAW_BASE, TOOL_NAME, TOOL_VERSION } from '../../meta.js';
import { packageRoot } from '../../run/package-root.js';
import { UsageError } from '../../usage-error.js';
import { pathTaken, WriteRefused, writeOwnFile } from '../../run/node-io.js';

/** Whether `dir` is `base` or inside it. */
function within(dir: string, base: string): boolean {
  const rel = relative(base, dir);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * A `$schema` editors can open from `cwd`: the installed package's schema when the package sits
 * in a node_modules directory Node would resolve from there (or `cwd` is inside the package), by
 * a relative path; otherwise (npx's cache, a global install) the schema of this version online.
 */
export function schemaReference(cwd: string): string {
  let root: string | undefined;
  try {
    root = packageRoot();
  } catch {
    root = undefined;
  }
  if (root !== undefined) {
    let local = within(cwd, root);
    for (let dir = cwd; !local; dir = dirname(dir)) {
      if (join(dir, 'node_modules', TOOL_NAME) === root) local = true;
      if (dirname(dir) === dir) break;
    }
    if (local) {
      const rel = relative(cwd, join(root, 'schema', 'config.schema.json')).split(sep).join('/');
      return rel.startsWith('.') ? rel : `./${rel}`;
    }
  }
  return `${RAW_BASE}/v${TOOL_VERSION}/schema/config.schema.json`;
}

export function starterConfig(cwd: string): string {
  const rules = Object.fromEntries(
    [...RULES].sort((a, b) => a.meta.id.localeCompare(b.meta.id)).map((r) => [r.meta.id, r.meta.severity === 'error' ? 'error' : 'warn']),
  );
  const config = {
    $schema: schemaReference(cwd),
    $comment: `Always protected (JavaScript reads them, so they must never get HttpOnly): ${DEFAULT_XSRF_COOKIES.map((c) => c.name).join(', ')}. Add your application's CSRF cookies to xsrfCookies.`,
    rules,
    xsrfCookies: [],
    sessionCookies: [],
    ignores: [],
    overrides: [],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export function initCommand(cwd: string, force: boolean): string {
  const path = join(cwd, CONFIG_FILE_NAMES[0]);
  // A dangling link counts as existing: it is never followed to create its target.
  if (pathTaken(path) && !force) throw new UsageError(`${path} already exists (use --force to overwrite it)`);
  try {
    writeOwnFile(path, starterConfig(cwd), !force);
  } catch (e) {
    if (e instanceof WriteRefused) throw new UsageError(e.message);
    throw e;
  }
  return path;
}
