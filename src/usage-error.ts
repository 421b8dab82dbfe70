/**
 * A mistake in how the tool was called (a flag, a configuration or baseline file the user named):
 * the CLI prints its message without a stack trace and exits 2. Every layer that reads user input
 * may throw it, so it lives on the ground floor.
 */
export class UsageError extends Error {}
