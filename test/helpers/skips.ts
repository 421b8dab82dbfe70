/**
 * Real-server tests never pass vacuously. A test that cannot run (the server is not installed,
 * or nothing in its configuration can be served by the test backends) is marked skipped with its
 * reason, and the reason is printed. CI installs every server (.ci/run) and sets CI=true: there a
 * skipped real-server test is a failure, so a missing package or a fixture the harness cannot
 * serve turns the run red instead of silently shrinking the oracle.
 */
import { describe, it, type TestContext } from 'vitest';

export const IN_CI = process.env.CI === 'true';

/** Skips the running test with `reason` (printed); under CI=true, fails it instead. */
export function skipRealServer(ctx: TestContext, reason: string): never {
  if (IN_CI) throw new Error(`a real-server test cannot run under CI=true: ${reason}`);
  console.warn(`[real-server] skipped "${ctx.task.name}": ${reason}`);
  return ctx.skip(reason);
}

/**
 * `describe` for a suite that needs a server. `missing` is why it cannot run here (e.g. "apache2
 * is not installed"), or null when it can. Without the server, the suite is one test that is
 * skipped with that reason locally and fails under CI; its hooks (which would start the server)
 * are not registered.
 */
export function describeRealServer(title: string, missing: string | null, body: () => void): void {
  if (missing === null) {
    describe(title, body);
    return;
  }
  console.warn(`[real-server] "${title}" skipped: ${missing}`);
  describe(title, () => {
    it('runs against the real server', (ctx) => skipRealServer(ctx, missing));
  });
}

/**
 * A test that rewrites a checked-in file from its source (UPDATE_SCHEMA=1, LPC_WRITE_FIXTURES=1)
 * compares nothing: after writing, it is marked skipped, and under CI the variable is an error.
 */
export function skipAfterRewrite(ctx: TestContext, variable: string, path: string): never {
  if (IN_CI) throw new Error(`${variable} is set under CI=true: ${path} would be compared with itself`);
  return ctx.skip(`${variable} is set: rewrote ${path}, compared nothing`);
}
