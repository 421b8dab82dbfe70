/**
 * `ProxyErrorOverride` (mod_proxy): at a 4xx/5xx status it overrides (every one with `On`, or
 * those listed), httpd answers with its own error page instead of the backend's response
 * (`ap_proxy_should_override`, then `ap_die` → http_protocol.c `ap_send_error_response`):
 *
 * - `headers_out` is dropped and `err_headers_out` takes its place: the cookies of HTTP, uwsgi
 *   and AJP backends (and `Header early` lines of the `onsuccess` table) are gone, those of
 *   FastCGI (and early `always` lines) are kept, sent after what `Header always` adds, which no
 *   longer sees them;
 * - the output filters are reset to the protocol ones: `Header [onsuccess]` directives do not run
 *   ({@link isApacheErrorResponse}); `Header always` runs on the new, empty `err_headers_out`;
 * - mod_proxy_http, mod_proxy_uwsgi and mod_proxy_fcgi (initial requests) override; mod_proxy_ajp
 *   only when the backend ends the response keeping its connection (END_RESPONSE reuse, as Tomcat
 *   does), a fact of the backend the op's condition names; mod_proxy_scgi and CGI never do;
 * - an `ErrorDocument` with a local URL for that status serves the page as a request of its own,
 *   with its own sections' directives: not simulated, the result is unknown.
 *
 * Verified on httpd 2.4.71 (test/apache/real-server-cases.ts).
 */
import { RegexBudgetError } from '../../regex/index.js';
import type { BackendKind } from '../backends.js';
import type { CookieOp, SetCookieLine, SimEnv } from '../header-rewrite.js';
import { responseState } from '../set-cookie.js';
import { semanticKey } from '../signature.js';

export interface ApacheErrorOverrideOp extends CookieOp {
  readonly kind: 'apache-error-override';
  /** The statuses overridden; empty: every 4xx and 5xx. */
  readonly codes: readonly number[];
  /** The backend kinds whose errors it overrides. */
  readonly kinds: readonly BackendKind[];
  /** Statuses whose `ErrorDocument` is a local URL (a request of its own, not simulated). */
  readonly localDocuments: readonly number[];
  /**
   * The statuses a verdict explores for it (src/model/statuses.ts): those it overrides, or for
   * `On` alone one error status standing for all 4xx and 5xx; not those served from a local
   * `ErrorDocument` nor any when `<If>` sections leave it undecided, whose result is unknown.
   */
  readonly statuses: readonly number[];
  /** How a message names an explored status: "4xx or 5xx" for `On` alone. */
  statusLabel(status: number): string;
}

/** The error status that stands for every 4xx and 5xx (`ProxyErrorOverride On` with no codes): the first not served locally. */
const ANY_ERROR = [500, 404, 502, 503, 403, 400];

/** The {@link responseState} key of a response httpd replaced by its own error page. */
const ERROR_RESPONSE = 'apache-error-response';

/** Whether httpd answers with its own error page here: `Header [onsuccess]` directives no longer run. */
export function isApacheErrorResponse(lines: SetCookieLine[]): boolean {
  return responseState.get(lines)?.has(ERROR_RESPONSE) ?? false;
}

/** Backend kinds whose 4xx/5xx responses `ProxyErrorOverride` replaces (AJP: only when the backend keeps its connection). */
export const ERROR_OVERRIDE_KINDS: readonly BackendKind[] = ['http', 'uwsgi', 'fastcgi', 'ajp'];

/** What the lowering knows: `parts` are the `ProxyErrorOverride` directives that decide it. */
export type ApacheErrorOverrideInit = Pick<ApacheErrorOverrideOp, 'span' | 'label' | 'condition' | 'codes' | 'kinds' | 'localDocuments' | 'parts'> & {
  /** Why whether it runs is not known (too many `<If>` sections decide it): the result at a status it may override is unknown. */
  readonly undecided?: string;
};

export function createApacheErrorOverrideOp(init: ApacheErrorOverrideInit): ApacheErrorOverrideOp {
  const overrides = (status: number) => (init.codes.length === 0 ? status >= 400 && status < 600 : init.codes.includes(status));
  return {
    kind: 'apache-error-override',
    dialect: 'apache',
    span: init.span,
    label: init.label,
    condition: init.condition,
    reaches: init.kinds,
    parts: init.parts,
    codes: init.codes,
    kinds: init.kinds,
    localDocuments: init.localDocuments,
    statuses: init.undecided !== undefined ? [] : init.codes.length > 0 ? init.codes.filter((s) => !init.localDocuments.includes(s)) : ANY_ERROR.filter((s) => !init.localDocuments.includes(s)).slice(0, 1),
    statusLabel: (status: number) => (init.codes.length === 0 ? '4xx or 5xx' : String(status)),
    signature: semanticKey([[...init.codes].sort((a, b) => a - b), [...init.kinds].sort(), [...init.localDocuments].sort((a, b) => a - b), init.undecided ?? null]),
    apply(lines: SetCookieLine[], env: SimEnv): void {
      if (!init.kinds.includes(env.backend) || !overrides(env.status)) return;
      if (init.undecided !== undefined) throw new RegexBudgetError('ProxyErrorOverride', init.undecided, { unsupported: true });
      if (init.localDocuments.includes(env.status)) {
        throw new RegexBudgetError(`ErrorDocument ${env.status}`, `httpd serves its error page for ${env.status} from a local URL, a request of its own with its own Header directives, which the linter does not simulate`, { unsupported: true });
      }
      // ap_send_error_response: headers_out = err_headers_out, the old headers_out cleared.
      for (let i = lines.length - 1; i >= 0; i--) {
        const line = lines[i]!;
        if ((line.table ?? 'onsuccess') === 'onsuccess') lines.splice(i, 1);
        else line.table = 'onsuccess';
      }
      let state = responseState.get(lines);
      if (!state) responseState.set(lines, (state = new Map()));
      state.set(ERROR_RESPONSE, new Set(['1']));
    },
  };
}
