/** `init`: writes a starter configuration file in the current directory. */
import { join } from 'node:path';
import { RULES } from '../../rules/index.js';
import { CONFIG_FILE_NAMES } from '../config/config.js';
import { DEFAULT_XSRF_COOKIES } from '../cookies/catalog.js';
import { UsageError } from './settings.js';
import { pathTaken, WriteRefused, writeOwnFile } from '../node-io.js';

export function starterConfig(): string {
  const rules = Object.fromEntries(
    [...RULES].sort((a, b) => a.meta.id.localeCompare(b.meta.id)).map((r) => [r.meta.id, r.meta.severity === 'error' ? 'error' : 'warn']),
  );
  const config = {
    $schema: './node_modules/lint-proxy-config/schema/config.schema.json',
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
    writeOwnFile(path, starterConfig(), !force);
  } catch (e) {
    if (e instanceof WriteRefused) throw new UsageError(e.message);
    throw e;
  }
  return path;
}
