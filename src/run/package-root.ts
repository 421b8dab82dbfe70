/** The installed package's root (where rules/<id>/README.md and schema/ ship), from dist/ or src/. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOOL_NAME } from '../meta.js';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === TOOL_NAME) return (cached = dir);
      } catch {
        // keep looking upward
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the lint-proxy-config package directory');
    dir = parent;
  }
}
