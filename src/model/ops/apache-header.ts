/**
 * mod_headers' `Header` directive as a cookie operation, with httpd 2.4's exact semantics
 * (modules/metadata/mod_headers.c `do_headers_fixup`, `process_regexp`, `edit_header`;
 * proxy-semantics.md §1.1–1.5):
 *
 * - only the table the directive targets is touched: `Header [onsuccess]` works on
 *   `headers_out`, `Header always` on `err_headers_out`; a line's table comes from its producer;
 * - `edit`/`edit*` edit each Set-Cookie line separately; `edit` replaces the first match;
 *   `edit*` (2.4.x) replaces the first match and recurses on the rest of the value as a fresh
 *   subject (so `^` matches again there) — a match that is empty at the start of that rest
 *   recurses forever and the worker segfaults;
 * - `set` replaces every line of the table by one; `unset` removes them all; `add` adds one;
 *   `setifempty` adds one only when the table has none; `append` joins the new value to the FIRST
 *   line with ", " (`apr_table_mergen`); `merge` does the same unless the first line already holds
 *   the value as one of its comma-separated tokens (quotes respected);
 * - `echo` copies request headers and `note` writes a request note: no response cookie changes;
 * - `early` directives run in `post_read_request`, before any producer: they only see lines other
 *   early directives added, and what they add precedes the producer's lines in its table
 *   (verified on httpd 2.4.71: `Header add Set-Cookie x early` is sent before the backend's).
 *   Pipelines put them first (src/dialects/apache/endpoints.ts).
 */
import { fromByteString, RegexBudgetError, toByteString, type CompiledRegex } from '../../regex/index.js';
import type { Span } from '../../source.js';
import type { BackendKind } from '../backends.js';
import type { CookieOp, OpOutcome, OpPart, SetCookieLine, SimEnv } from '../header-rewrite.js';
import { addedLine, changeLine } from '../set-cookie.js';
import { isApacheErrorResponse } from './apache-error-override.js';
import { CONTROL_CHARACTER, markInvalidHeader, sendableValue } from './apache-header-check.js';
import { regexKey, semanticKey } from '../signature.js';
import { applyPregsub, compilePregsub, expandFormat, type FormatEnv, type FormatString, type PregsubParts } from './apache-format.js';

export type ApacheHeaderAction = 'add' | 'append' | 'echo' | 'edit' | 'edit*' | 'merge' | 'set' | 'setifempty' | 'unset' | 'note';

export const APACHE_HEADER_ACTIONS: readonly ApacheHeaderAction[] = ['add', 'append', 'echo', 'edit', 'edit*', 'merge', 'set', 'setifempty', 'unset', 'note'];

export interface ApacheHeaderOp extends CookieOp {
  readonly kind: 'apache-header';
  /** Other Set-Cookie lines that change what the op does to a token's line (see the rule's companions). */
  readonly companions?: readonly (readonly string[])[];
  readonly action: ApacheHeaderAction;
  readonly table: 'onsuccess' | 'always';
  readonly early: boolean;
  /** Header name, `:` and what follows stripped (`Set-Cookie:` → `Set-Cookie`). */
  readonly header: string;
  /** The action word (`edit`, `append`...). */
  readonly actionSpan: Span;
  /** The condition word (`always`, `onsuccess`), when written. */
  readonly conditionSpan?: Span;
  readonly pattern?: {
    /** The regex after config unescaping. */
    readonly source: string;
    /** The argument as written, quotes included. */
    readonly span: Span;
    readonly regex: CompiledRegex | null;
    readonly error?: string;
  };
  readonly replacement?: { readonly text: string; readonly span: Span };
  readonly value?: { readonly text: string; readonly span: Span };
  /**
   * Its value or replacement holds a control character (`\n`, `\r`...): httpd may refuse the
   * response (apache-header-check.ts). Directives on other headers are ops only then.
   */
  readonly writesControl: boolean;
}

/** This module's own op, told by its kind (the module cannot use ops/index.ts's guard: that imports it). */
function isApacheHeaderOp(op: CookieOp): op is ApacheHeaderOp {
  return op.kind === 'apache-header';
}

/** Backend kinds whose Set-Cookie lines live in each table (src/model/simulate.ts apacheTableFor). */
const TABLE_KINDS: Readonly<Record<'onsuccess' | 'always', readonly BackendKind[]>> = {
  onsuccess: ['http', 'ajp', 'uwsgi', 'grpc', 'module'],
  always: ['fastcgi', 'scgi', 'cgi'],
};

/** What a dialect knows about one directive; the op adds the server's semantics. */
export type ApacheHeaderInit = Pick<
  ApacheHeaderOp,
  'span' | 'label' | 'condition' | 'action' | 'table' | 'early' | 'header' | 'actionSpan' | 'conditionSpan' | 'pattern' | 'replacement' | 'value'
> & {
  /** Parsed replacement (edit) or value (set, add...) format string. */
  readonly format?: FormatString;
  readonly formatEnv: FormatEnv;
};

export const EDIT_STAR_CRASH =
  'Header edit* matched the empty string at the start of what was left of the value: httpd 2.4 recurses forever, the worker segfaults and the client gets an empty reply';

/** `process_regexp` of 2.4.x on one value, in PCRE's byte mode. */
function processRegexp(regex: CompiledRegex, star: boolean, replacement: string, value: string, subs: PregsubParts = compilePregsub(toByteString(replacement))): string | { crash: string } {
  const subject = toByteString(value);
  if (!star) {
    const m = regex.exec(subject, 0);
    if (!m) return value;
    return fromByteString(subject.slice(0, m.start) + applyPregsub(subs, subject, m.captures) + subject.slice(m.end));
  }
  let out = '';
  let rest = subject;
  for (;;) {
    const m = regex.exec(rest, 0);
    if (!m) return fromByteString(out + rest);
    if (m.end === 0) return { crash: EDIT_STAR_CRASH };
    out += rest.slice(0, m.start) + applyPregsub(subs, rest, m.captures);
    rest = rest.slice(m.end);
  }
}

/**
 * {@link processRegexp} remembering its results for one op. Rules run many samples through the
 * same pipeline, and an op before an edit (a `set`) hands it the same value every time: a long
 * replacement was rebuilt thousands of times (found by test/fuzz: a 95 KB replacement, 2,790
 * identical edits, seconds for one file). Bounded in the text kept.
 */
function memoizedEdit(): typeof processRegexp {
  const results = new Map<string, string | { crash: string }>();
  let forReplacement: string | undefined;
  // The replacement as PCRE bytes, converted and split once (a 100,000-character one took seconds per file).
  let subs: PregsubParts = [];
  let chars = 0;
  return (regex, star, replacement, value) => {
    if (replacement !== forReplacement) {
      results.clear();
      chars = 0;
      forReplacement = replacement;
      subs = compilePregsub(toByteString(replacement));
    }
    const known = results.get(value);
    if (known !== undefined) return known;
    const after = processRegexp(regex, star, replacement, value, subs);
    chars += value.length + (typeof after === 'string' ? after.length : 0);
    if (chars <= 1_000_000) results.set(value, after);
    return after;
  };
}

/** The `ap_get_token`-like scan of `hdr_merge`: is `wanted` one of the comma-separated tokens? */
function hasMergeToken(val: string, wanted: string): boolean {
  let i = 0;
  while (i < val.length) {
    while (i < val.length && /[ \t\n\r\v\f]/.test(val[i]!)) i++;
    const tokStart = i;
    while (i < val.length && val[i] !== ',') {
      if (val[i++] === '"') {
        while (i < val.length) if (val[i++] === '"') break;
      }
    }
    if (i - tokStart === wanted.length && val.slice(tokStart, i) === wanted) return true;
    if (i < val.length) i++;
  }
  return false;
}

/** A line an `early` directive added (it exists before the producer's lines). */
function isEarlyLine(line: SetCookieLine): boolean {
  const first = line.history[0]?.op;
  return line.producer === 'proxy' && first !== undefined && isApacheHeaderOp(first) && first.early === true;
}

export function isSetCookie(header: string): boolean {
  return header.toLowerCase() === 'set-cookie';
}

/** Whether a format string writes a control character (its text, not a variable's value: mod_headers unwraps those). */
export function writesControl(format: FormatString | undefined): boolean {
  return format?.parts.some((p) => p.kind === 'text' && CONTROL_CHARACTER.test(p.text)) ?? false;
}

export function createApacheHeaderOp(init: ApacheHeaderInit): ApacheHeaderOp {
  const touchesCookies = isSetCookie(init.header) && init.action !== 'echo' && init.action !== 'note';
  const control = init.action !== 'echo' && init.action !== 'note' && init.action !== 'unset' && writesControl(init.format);
  const edit = memoizedEdit();
  const focus = init.pattern?.span ?? init.value?.span ?? init.actionSpan;
  const op: ApacheHeaderOp = {
    kind: 'apache-header',
    dialect: 'apache',
    span: init.span,
    label: init.label,
    focus,
    condition: init.condition,
    reaches: touchesCookies && !init.early ? TABLE_KINDS[init.table] : [],
    parts: [] as readonly OpPart[],
    action: init.action,
    table: init.table,
    early: init.early,
    header: init.header,
    actionSpan: init.actionSpan,
    ...(init.conditionSpan ? { conditionSpan: init.conditionSpan } : {}),
    ...(init.pattern ? { pattern: init.pattern } : {}),
    ...(init.replacement ? { replacement: init.replacement } : {}),
    ...(init.value ? { value: init.value } : {}),
    writesControl: control,
    // httpd runs an edit on each value of the table with the header's name (apr_table_do), one
    // at a time; an `early` one sees only the lines other early directives added.
    ...(touchesCookies && !init.early && (init.action === 'edit' || init.action === 'edit*') ? { linewise: true as const } : {}),
    // append and merge join onto the first line of the table: which line that is depends on the
    // other cookies of the response (alone, a token line is the one they corrupt, which hides what
    // an earlier directive did to it). Verdicts also judge the token behind another cookie.
    ...(touchesCookies && (init.action === 'append' || init.action === 'merge') ? { companions: [['lpc_companion=1']] } : {}),
    // The replacement's expansion depends on the scope's environment (%{VAR}e), held in a closure.
    signature: semanticKey([
      init.action,
      init.table,
      init.early,
      init.header.toLowerCase(),
      init.pattern ? [init.pattern.source, regexKey(init.pattern.regex), init.pattern.error ?? null] : null,
      init.format ? expandFormat(init.format, init.formatEnv) : null,
      // An expression's own text: two that read different request values expand alike without a request.
      init.format?.expr ?? null,
    ]),
    apply(lines: SetCookieLine[], env: SimEnv): OpOutcome | void {
      if (!touchesCookies) {
        if (!control || (init.table === 'onsuccess' && !init.early && isApacheErrorResponse(lines))) return;
        // Another header: set, add, append and merge always write the value; edit and setifempty
        // depend on headers the linter does not see.
        if (init.action === 'edit' || init.action === 'edit*' || init.action === 'setifempty') {
          throw new RegexBudgetError(init.label, `whether it writes a control character into ${init.header} (which makes httpd answer 500) depends on response headers the linter does not see`, { unsupported: true });
        }
        if (sendableValue(init.format ? expandFormat(init.format, init.formatEnv, env.request) : '') === null) markInvalidHeader(lines);
        return;
      }
      // httpd answers with its own error page (ProxyErrorOverride): only `Header always` runs.
      if (init.table === 'onsuccess' && !init.early && isApacheErrorResponse(lines)) return;
      const visible = init.early ? lines.filter(isEarlyLine) : lines;
      const mine = visible.filter((l) => (l.table ?? 'onsuccess') === init.table);
      const text = () => (init.format ? expandFormat(init.format, init.formatEnv, env.request) : '');
      const remove = (line: SetCookieLine) => lines.splice(lines.indexOf(line), 1);
      /** apr_table_addn appends to the table; early lines go before every producer's line. */
      const append = (line: SetCookieLine) => {
        if (!init.early) lines.push(line);
        else lines.splice(lines.findLastIndex(isEarlyLine) + 1, 0, line);
      };
      switch (init.action) {
        case 'edit':
        case 'edit*': {
          const regex = init.pattern?.regex;
          if (!regex) throw new RegexBudgetError(init.pattern?.source ?? '', init.pattern?.error ?? 'the pattern cannot be simulated', { unsupported: true });
          const replacement = text();
          for (const line of mine) {
            const after = edit(regex, init.action === 'edit*', replacement, line.value);
            if (typeof after !== 'string') return after;
            changeLine(line, op, init.span, after);
          }
          return;
        }
        case 'set': {
          const added = addedLine(text(), op, init.span, init.table);
          if (mine.length === 0) return append(added);
          const at = lines.indexOf(mine[0]!);
          for (const line of mine) remove(line);
          lines.splice(at, 0, added);
          return;
        }
        case 'setifempty':
          if (mine.length === 0) append(addedLine(text(), op, init.span, init.table));
          return;
        case 'unset':
          for (const line of mine) remove(line);
          return;
        case 'add':
          return append(addedLine(text(), op, init.span, init.table));
        case 'append':
        case 'merge': {
          const value = text();
          const first = mine[0];
          if (!first) append(addedLine(value, op, init.span, init.table));
          else if (init.action === 'append' || !hasMergeToken(first.value, value)) changeLine(first, op, init.span, `${first.value}, ${value}`);
          return;
        }
        default:
          return;
      }
    },
  };
  return op;
}
