/**
 * httpd's HTTP header filter refuses a response with a header value it cannot send
 * (modules/http/http_filters.c `check_header`, AH02430): a control character other than HTAB,
 * except CR LF followed by SP or HTAB, an obsolete line folding it sends as one space. mod_headers
 * turns `\n` and `\r` of a value or replacement into those characters, so
 * `Header edit Set-Cookie "^(csrftoken=.*)$" "$1\n; HttpOnly"` (or a `Header set X-Other "a\nb"`)
 * makes the check fail once every directive has run. httpd then clears both header tables and
 * answers 500 with its own page (`ap_die`), where only `Header always` directives run again, on
 * an empty table; if what they add fails the check too, the 500 goes out with no header at all.
 * Verified on httpd 2.4.71 with HTTP, AJP, uwsgi and FastCGI backends; with SCGI and CGI ones it
 * had not answered after seconds: unknown.
 *
 * Added by the Apache lowering at the end of a pipeline holding a directive that writes such a
 * character (src/dialects/apache/endpoints.ts). An `ErrorDocument 500` with a local URL (a request
 * of its own) and a conditional `Header always` that adds a line make the outcome unknown.
 */
import { RegexBudgetError } from '../../regex/index.js';
import type { Span } from '../../source.js';
import type { BackendKind } from '../backends.js';
import type { CookieOp, SetCookieLine, SimEnv } from '../header-rewrite.js';
import { changeLine, responseState } from '../set-cookie.js';
import { opSignature, semanticKey } from '../signature.js';

export interface ApacheHeaderCheckOp extends CookieOp {
  readonly kind: 'apache-header-check';
  /** The `Header always` directives that run again in httpd's 500 page (those that can add a line). */
  readonly rerun: readonly CookieOp[];
  /** `ErrorDocument 500` is a local URL: the 500 page is a request of its own. */
  readonly localDocument: boolean;
}

/** The {@link responseState} key of a response with a header (other than Set-Cookie) httpd refuses to send. */
const INVALID_HEADER = 'apache-invalid-header';

/** Records that a directive wrote a header value httpd refuses to send (`Header set X-Other "a\nb"`). */
export function markInvalidHeader(lines: SetCookieLine[]): void {
  let state = responseState.get(lines);
  if (!state) responseState.set(lines, (state = new Map()));
  state.set(INVALID_HEADER, new Set(['1']));
}

/** A control character `check_header` may refuse (CR LF + SP/HTAB excepted, see {@link sendableValue}). */
export const CONTROL_CHARACTER = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/** The value as httpd sends it (folding replaced by one space), or null when `check_header` refuses it. */
export function sendableValue(value: string): string | null {
  if (!CONTROL_CHARACTER.test(value)) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (!CONTROL_CHARACTER.test(c)) {
      out += c;
      continue;
    }
    if (c !== '\r' || value[i + 1] !== '\n' || (value[i + 2] !== ' ' && value[i + 2] !== '\t')) return null;
    i += 2;
    while (value[i + 1] === ' ' || value[i + 1] === '\t') i++;
    out += ' ';
  }
  return out;
}

/** Backends whose refused response httpd replaces by its 500 page at once. */
const PROMPT_KINDS: readonly BackendKind[] = ['http', 'ajp', 'uwsgi', 'fastcgi'];

const ALL_KINDS: readonly BackendKind[] = ['http', 'ajp', 'fastcgi', 'scgi', 'uwsgi', 'grpc', 'cgi', 'module'];

export function createApacheHeaderCheckOp(init: { readonly span: Span; readonly label: string; readonly rerun: readonly CookieOp[]; readonly localDocument: boolean }): ApacheHeaderCheckOp {
  /** Folds the lines httpd can send; false when one of them (or another header) is refused. */
  const check = (lines: SetCookieLine[]): boolean => {
    if (responseState.get(lines)?.has(INVALID_HEADER)) return false;
    const sendable = lines.map((l) => sendableValue(l.value));
    if (sendable.some((v) => v === null)) return false;
    for (let i = 0; i < lines.length; i++) changeLine(lines[i]!, op, init.span, sendable[i]!);
    return true;
  };
  const op: ApacheHeaderCheckOp = {
    kind: 'apache-header-check',
    dialect: 'apache',
    rerun: init.rerun,
    localDocument: init.localDocument,
    // It may drop or fold any line, and runs whatever the request.
    reaches: ALL_KINDS,
    condition: null,
    parts: [],
    span: init.span,
    label: init.label,
    signature: semanticKey([init.rerun.map(opSignature), init.localDocument]),
    apply(lines: SetCookieLine[], env: SimEnv): void {
      if (check(lines)) return;
      // Verified for these; with SCGI and CGI httpd 2.4.71 had not answered after seconds.
      if (!PROMPT_KINDS.includes(env.backend)) throw new RegexBudgetError(init.label, `httpd refuses a header value; what it then sends for a ${env.backend} response is not known`, { unsupported: true });
      if (init.localDocument) throw new RegexBudgetError('ErrorDocument 500', 'httpd refuses a header value and serves its 500 page from a local URL, a request of its own, which the linter does not simulate', { unsupported: true });
      const undecided = init.rerun.find((o) => o.condition?.value === 'unknown');
      if (undecided) throw new RegexBudgetError(undecided.label, "httpd refuses a header value and answers 500, where this conditional Header always directive runs again: which requests it runs for there is not simulated", { unsupported: true });
      const page: SetCookieLine[] = [];
      for (const o of init.rerun) if (o.condition?.value !== false) o.apply(page, env);
      lines.splice(0, lines.length);
      // Refused again: the 500 goes out with minimal headers (check_headers_recursion).
      if (check(page)) lines.push(...page);
    },
  };
  return op;
}
