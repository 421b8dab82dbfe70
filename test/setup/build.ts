/** Builds dist/ once before the suites, so tests that run bin/lint-proxy-config.js see current code. */
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
