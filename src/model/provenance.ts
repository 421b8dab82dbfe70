/**
 * Which directive is responsible for a cookie's final HttpOnly flag. Rules report at that
 * directive, so a finding points at the line to change even when the pipeline has several steps.
 */
import type { LineChange, SetCookieLine } from './header-rewrite.js';
import { hasHttpOnly } from './set-cookie.js';

/**
 * The change after which the line has carried HttpOnly ever since, when the backend did not
 * send it; undefined when the line ends without HttpOnly or came with it.
 */
export function httpOnlyGain(line: SetCookieLine): LineChange | undefined {
  if (!hasHttpOnly(line.value)) return undefined;
  if (line.origin !== undefined && hasHttpOnly(line.origin)) return undefined;
  for (let i = line.history.length - 1; i >= 0; i--) {
    const change = line.history[i]!;
    if (!hasHttpOnly(change.before)) return change;
  }
  return undefined;
}

/** Every change in the line's history that turned HttpOnly on (it may be removed and re-added). */
export function httpOnlyGains(line: SetCookieLine): LineChange[] {
  return line.history.filter((c) => !hasHttpOnly(c.before) && hasHttpOnly(c.after));
}
