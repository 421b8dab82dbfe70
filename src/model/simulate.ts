/**
 * Runs a response's Set-Cookie headers through an endpoint's pipeline, with each operation's own
 * server semantics, and records what every step did.
 */
import { RegexBudgetError } from '../regex/index.js';
import type { BackendKind } from './backends.js';
import type { CookieOp, Dialect, SetCookieLine, SimEnv } from './header-rewrite.js';
import { backendLine } from './set-cookie.js';

export interface SimStep {
  readonly op: CookieOp;
  /** Why the op did not run. */
  readonly skipped?: 'condition-false';
  readonly before: readonly string[];
  readonly after: readonly string[];
}

export interface SimResult {
  /** Final Set-Cookie lines in the order the server sends them. */
  readonly lines: readonly SetCookieLine[];
  readonly steps: readonly SimStep[];
  /** The server would not answer (e.g. a segfaulting worker): `lines` is then meaningless. */
  readonly crash?: { readonly op: CookieOp; readonly message: string };
  /** A pattern exhausted the regex step budget: the result after `op` is unknown. */
  readonly tooComplex?: { readonly op: CookieOp; readonly pattern: string };
}

/**
 * Apache keeps a response's cookies in one of two tables depending on who produced them
 * (proxy-semantics.md §1.5): mod_proxy_http/ajp/uwsgi/h2 and mod_php fill `headers_out`;
 * everything parsed by `ap_scan_script_header_err*` (CGI, mod_proxy_fcgi, mod_proxy_scgi) fills
 * `err_headers_out`.
 */
export function apacheTableFor(kind: BackendKind): 'onsuccess' | 'always' {
  return kind === 'cgi' || kind === 'fastcgi' || kind === 'scgi' ? 'always' : 'onsuccess';
}

/** The lines a backend of kind `env.backend` sends, as the dialect stores them. */
export function initialLines(dialect: Dialect, backend: BackendKind, values: readonly string[]): SetCookieLine[] {
  const table = dialect === 'apache' ? apacheTableFor(backend) : undefined;
  return values.map((v) => backendLine(v, backend, table));
}

/**
 * Wire order: httpd's header filter sends `err_headers_out` overlaid before `headers_out`
 * (`apr_table_overlay(err_headers_out, headers_out)` in `ap_http_header_filter`).
 */
function wireOrder(dialect: Dialect, lines: SetCookieLine[]): SetCookieLine[] {
  if (dialect !== 'apache') return lines;
  return [...lines.filter((l) => l.table === 'always'), ...lines.filter((l) => l.table !== 'always')];
}

export interface SimulateOptions {
  /** Keep per-step before/after snapshots (for `simulate` output); off for verdicts. */
  readonly trace?: boolean;
}

export function simulate(
  dialect: Dialect,
  pipeline: readonly CookieOp[],
  env: SimEnv,
  backendValues: readonly string[],
  options: SimulateOptions = {},
): SimResult {
  const lines = initialLines(dialect, env.backend, backendValues);
  const steps: SimStep[] = [];
  for (const op of pipeline) {
    const before = options.trace ? lines.map((l) => l.value) : [];
    if (op.condition?.value === false) {
      if (options.trace) steps.push({ op, skipped: 'condition-false', before, after: before });
      continue;
    }
    let outcome;
    try {
      outcome = op.apply(lines, env);
    } catch (e) {
      if (e instanceof RegexBudgetError) {
        return { lines: wireOrder(dialect, lines), steps, tooComplex: { op, pattern: e.pattern } };
      }
      throw e;
    }
    if (options.trace) steps.push({ op, before, after: lines.map((l) => l.value) });
    if (outcome?.crash) return { lines: wireOrder(dialect, lines), steps, crash: { op, message: outcome.crash } };
  }
  return { lines: wireOrder(dialect, lines), steps };
}
