/**
 * HAProxy 2.6's `http-response` header actions on Set-Cookie, and the persistence cookie of
 * `cookie <name> insert` (src/http_act.c, src/http_htx.c, src/http_ana.c), each verified against
 * haproxy 2.6.12 [LAB]:
 *
 * - `replace-header <name> <regex> <fmt>`: every header line of that name whose value the regex
 *   matches (a PCRE2 search, case-sensitive) is REPLACED AS A WHOLE by the format, not only the
 *   matched part; in the format `\0`–`\9` insert groups (an unset group inserts nothing), `\xHH`
 *   a byte, `\c` the character c (`exp_replace`);
 * - `replace-value`: the same per comma-separated value (haproxy-values.ts), which splits every
 *   Expires date;
 * - `set-header` deletes every line of the name and adds one; `add-header` adds one;
 *   `del-header <name> [-m str|beg|end|sub|reg]` deletes every line whose name matches (a regex
 *   sees the lower-cased name);
 * - the format is a log-format string: `%%` is `%`, `%[expr]` and `%var` are computed per
 *   request: those that read only the response (`%[res.hdr(set-cookie)]`, `%[str(x)]`) are
 *   computed here, the others kept as written (the linter cannot know them);
 * - the rules of the backend run first, then those of the frontend, each section's rules in
 *   order, those of its `defaults` section before its own;
 * - `cookie NAME insert [preserve] [httponly] [secure] [domain D]* [attr A]*` adds
 *   `NAME=<server>; path=/; domain=D; HttpOnly; Secure; A` (`NAME=<server>|<date>[|<date>]`
 *   with `maxidle`/`maxlife`; with `postonly`, only to the
 *   responses to POST requests) after every http-response rule (the
 *   rules never see it; a server without a cookie value gets `NAME=; Expires=Thu, 01-Jan-1970
 *   00:00:01 GMT; path=/...`) and, just before, drops every cookie NAME the response then holds
 *   (the rules' own too), unless `preserve`: then those are kept and nothing is added;
 * - `cookie NAME rewrite|prefix` changes the cookies NAME the same way, after the rules; with any
 *   `cookie` directive (or a frontend's `capture cookie`) every line loses the spaces around its
 *   first `=`.
 */
import { fromByteString, RegexBudgetError, toByteString, type CompiledRegex } from '../../regex/index.js';
import type { Span } from '../../source.js';
import type { Condition, CookieOp, OpPart, SetCookieLine, SimEnv } from '../header-rewrite.js';
import { addedLine, changeLine, parseSetCookie, responseState } from '../set-cookie.js';
import { conditionCompanions, conditionStatuses, responseSample, runsOn, SENT_STATUS, valueOn, type ParsedCondition } from './haproxy-acl.js';
import { commaSlots } from './haproxy-values.js';

export type HaproxyAction = 'replace-header' | 'replace-value' | 'set-header' | 'add-header' | 'del-header';

/** A log-format string split into literal text and per-request parts. */
export interface LogFormat {
  /** The text with `%%` → `%` and per-request parts kept as written. */
  readonly text: string;
  /** Whether some part is computed per request. */
  readonly dynamic: boolean;
  /** Whether some such part is not a plain `%[expr]` ({@link samples}): `%ci`, `%{+Q}[expr]`. */
  readonly opaque: boolean;
  /** The `%[expr]` parts (no `%{...}` flags): where they stand in {@link text}, and the expression. */
  readonly samples: readonly { readonly start: number; readonly end: number; readonly expr: string }[];
}

/** `%%` → `%`; `%[...]`, `%{...}x`, `%xx` are per-request values (kept as written). */
export function parseLogFormat(fmt: string): LogFormat {
  let text = '';
  let dynamic = false;
  let opaque = false;
  const samples: { start: number; end: number; expr: string }[] = [];
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i]!;
    if (c !== '%') {
      text += c;
      continue;
    }
    if (fmt[i + 1] === '%') {
      text += '%';
      i++;
      continue;
    }
    dynamic = true;
    let j = i + 1;
    if (fmt[j] === '{') j = Math.max(fmt.indexOf('}', j), j) + 1;
    if (fmt[j] === '[') {
      let depth = 0;
      for (; j < fmt.length; j++) {
        if (fmt[j] === '[') depth++;
        else if (fmt[j] === ']' && --depth === 0) break;
      }
      j++;
    } else while (j < fmt.length && /[A-Za-z]/.test(fmt[j]!)) j++;
    const part = fmt.slice(i, j);
    if (part.startsWith('%[') && part.endsWith(']')) samples.push({ start: text.length, end: text.length + part.length, expr: part.slice(2, -1).trim() });
    else opaque = true;
    text += part;
    i = j - 1;
  }
  return { text, dynamic, opaque, samples };
}

/** The format's text with the `%[expr]` parts that read only the response computed on these lines ({@link responseSample}). */
export function expandLogFormat(format: LogFormat, lines: readonly SetCookieLine[], env: SimEnv): string {
  let out = '';
  let pos = 0;
  for (const s of format.samples) {
    const value = responseSample(s.expr, lines, env);
    if (value === undefined) continue;
    out += format.text.slice(pos, s.start) + value;
    pos = s.end;
  }
  return out + format.text.slice(pos);
}

/** A format after `exp_replace`'s parsing: literal bytes and group references. */
export type ExpTemplate = readonly (string | number)[];

/** Splits a byte-string template once: `\N` groups, `\xHH`, `\c` → c; null when it fails (a trailing `\`). */
export function compileExpTemplate(template: string): ExpTemplate | null {
  const parts: (string | number)[] = [];
  let text = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '\\') {
      text += c;
      continue;
    }
    const n = template[++i];
    if (n === undefined) return null;
    if (n >= '0' && n <= '9') {
      if (text !== '') parts.push(text);
      text = '';
      parts.push(Number(n));
    } else if (n === 'x') {
      const hex = template.slice(i + 1, i + 3);
      if (hex.length < 2) return null;
      text += String.fromCharCode(((hexDigit(hex[0]!) << 4) + hexDigit(hex[1]!)) & 0xff);
      i += 2;
    } else text += n;
  }
  if (text !== '') parts.push(text);
  return parts;
}

/** `exp_replace` on a byte-string subject with a compiled template (an unset group inserts nothing). */
export function expReplace(template: ExpTemplate, subject: string, captures: ReadonlyArray<readonly [number, number] | undefined>): string {
  let out = '';
  for (const part of template) {
    if (typeof part === 'string') out += part;
    else {
      const g = captures[part];
      if (g) out += subject.slice(g[0], g[1]);
    }
  }
  return out;
}

/** HAProxy's `hex2i`-like arithmetic on an upper-cased character (no validation, as in exp_replace). */
function hexDigit(c: string): number {
  let v = c.toUpperCase().charCodeAt(0) - 48;
  if (v > 9) v -= 65 - 57 - 1;
  return v & 0xff;
}

export interface HaproxyRuleSyntax {
  /** The action word (`replace-header`). */
  readonly actionSpan: Span;
  /** The regex word, as written. */
  readonly patternSpan?: Span;
  /** The format word, as written. */
  readonly formatSpan?: Span;
}

export interface HaproxyHttpResponseInit extends HaproxyRuleSyntax {
  readonly span: Span;
  readonly label: string;
  readonly action: HaproxyAction;
  /** Header name as configured (compared case-insensitively). */
  readonly header: string;
  /** `del-header -m <method>`. */
  readonly nameMatch?: 'str' | 'beg' | 'end' | 'sub' | 'reg';
  readonly nameRegex?: CompiledRegex;
  readonly regex?: CompiledRegex;
  /** The regex after config unquoting, also when it does not compile. */
  readonly patternSource?: string;
  readonly format?: LogFormat;
  readonly condition: Condition | null;
  readonly parsedCondition?: ParsedCondition;
  /** The `acl` lines of the named ACLs its condition uses ({@link CookieOp.related}). */
  readonly related?: readonly Span[];
  /** The rule set it belongs to (one proxy's http-response rules), for `allow`. */
  readonly ruleSet?: string;
}

/**
 * `http-response allow` stops the evaluation of the rest of its rule set (the frontend's rules
 * still run after the backend's) [LAB haproxy 2.6.12]. Which rule sets an allow stopped, per
 * simulated response: the simulator hands the same line array to every op of a pipeline.
 */
const STOPPED = 'haproxy-allow';

/** Recorded with the stopped rule sets when a final action replaced the response ({@link createHaproxyFinalOp}). */
const REPLACED = '';

/** The key of one rule set: its keyword (`http-response`, `http-after-response`) and the section holding it. */
export const ruleSetKey = (keyword: string, section: string): string => `${keyword}\u0000${section}`;

/** Whether the rule set no longer runs: an `allow` stopped it, or a final action replaced the response (no http-request or http-response rule runs then). */
export function stopped(lines: SetCookieLine[], ruleSet: string | undefined): boolean {
  const set = responseState.get(lines)?.get(STOPPED);
  const phase = (k: string) => ruleSet!.startsWith(ruleSetKey(k, ''));
  return ruleSet !== undefined && set !== undefined && (set.has(ruleSet) || (set.has(REPLACED) && (phase('http-response') || phase('http-request'))));
}

/** Whether a final action replaced the response: no http-response rule and no `cookie` directive acts on it any more. */
const replaced = (lines: SetCookieLine[]): boolean => responseState.get(lines)?.get(STOPPED)?.has(REPLACED) ?? false;

function stop(lines: SetCookieLine[], key: string): void {
  let state = responseState.get(lines);
  if (!state) responseState.set(lines, (state = new Map()));
  state.set(STOPPED, new Set([...(state.get(STOPPED) ?? []), key]));
}

export interface HaproxyAllowInit {
  readonly span: Span;
  readonly label: string;
  readonly ruleSet: string;
  readonly condition: Condition | null;
  readonly parsedCondition?: ParsedCondition;
  /** The `acl` lines of the named ACLs its condition uses ({@link CookieOp.related}). */
  readonly related?: readonly Span[];
}

export interface HaproxyAllowOp extends CookieOp {
  readonly kind: 'haproxy-allow';
  /** Statuses besides 200 on which its condition decides otherwise (`if { status 404 }`): rules explore them. */
  readonly statuses: readonly number[];
  /** Other Set-Cookie lines on which its condition decides otherwise (`if { res.cook(JSESSIONID) -m found }`): rules explore them. */
  readonly companions: readonly (readonly string[])[];
}

/**
 * An `allow` rule. It stops its rule set only when its condition is decided true on the response
 * (a request-side condition the linter cannot decide is taken as not stopping, so the rules after
 * it are simulated: the worst case for cookies).
 */
export function createHaproxyAllowOp(init: HaproxyAllowInit): HaproxyAllowOp {
  return {
    kind: 'haproxy-allow',
    dialect: 'haproxy',
    span: init.span,
    label: init.label,
    condition: init.condition,
    reaches: [],
    parts: [],
    ...(init.related ? { related: init.related } : {}),
    statuses: conditionStatuses(init.parsedCondition),
    companions: conditionCompanions(init.parsedCondition),
    signature: JSON.stringify(['haproxy-allow', init.ruleSet, init.condition ? [init.condition.text, init.condition.value] : null, init.parsedCondition?.key ?? null]),
    apply(lines: SetCookieLine[], env: SimEnv): void {
      if (stopped(lines, init.ruleSet)) return;
      if (init.parsedCondition && valueOn(init.parsedCondition, lines, env) !== true) return;
      stop(lines, init.ruleSet);
    },
  };
}

export interface HaproxyFinalInit extends HaproxyAllowInit {
  /** `unavailable`: no server can take the request, HAProxy answers 503 itself (see {@link createHaproxyFinalOp}). */
  readonly action: 'return' | 'deny' | 'redirect' | 'auth' | 'tarpit' | 'unavailable';
  /** The Set-Cookie lines of the response it sends instead (`hdr Set-Cookie <fmt>`, redirect's `set-cookie`). */
  readonly setCookies: readonly string[];
  /** That response's status, which the http-after-response rules see. */
  readonly status: number;
  /** Other rule sets it keeps from running (a frontend's `http-request deny`: the backend's http-after-response rules). */
  readonly alsoStops?: readonly string[];
}

export interface HaproxyFinalOp extends CookieOp {
  readonly kind: 'haproxy-final';
  readonly statuses: readonly number[];
  readonly companions: readonly (readonly string[])[];
}

/**
 * `http-response return|deny|redirect` (and `http-request`'s, before the server is asked: no
 * backend cookie either; a frontend's also keeps the backend's http-after-response rules from
 * running [LAB haproxy 2.6.12]): HAProxy sends its own response instead, with only the
 * Set-Cookie lines the rule names; no later http-response rule (the frontend's included), no
 * `cookie` directive and no persistence cookie acts on it, the http-after-response rules do [LAB
 * haproxy 2.6.12]. A condition the linter cannot decide is explored both ways by the simulator.
 * The same op, first in the pipeline, stands for the 503 HAProxy sends when its backend has no
 * server: no Set-Cookie line, no http-response rule, only the http-after-response rules, which
 * see status 503 [LAB haproxy 2.6.12].
 */
export function createHaproxyFinalOp(init: HaproxyFinalInit): HaproxyFinalOp {
  const op: HaproxyFinalOp = {
    kind: 'haproxy-final',
    dialect: 'haproxy',
    span: init.span,
    label: init.label,
    condition: init.condition,
    reaches: ['http', 'fastcgi'],
    parts: [],
    ...(init.related ? { related: init.related } : {}),
    statuses: conditionStatuses(init.parsedCondition),
    companions: conditionCompanions(init.parsedCondition),
    signature: JSON.stringify(['haproxy-final', init.action, init.setCookies, init.status, init.ruleSet, init.condition ? [init.condition.text, init.condition.value] : null, init.parsedCondition?.key ?? null, init.alsoStops ?? []]),
    apply(lines: SetCookieLine[], env: SimEnv): void {
      if (stopped(lines, init.ruleSet)) return;
      if (init.parsedCondition && !runsOn(init.parsedCondition, lines, env)) return;
      lines.splice(0, lines.length, ...init.setCookies.map((v) => addedLine(v, op, init.span)));
      stop(lines, REPLACED);
      for (const key of init.alsoStops ?? []) stop(lines, key);
      responseState.get(lines)!.set(SENT_STATUS, new Set([String(init.status)]));
    },
  };
  return op;
}

export interface HaproxyHttpResponseOp extends CookieOp, HaproxyRuleSyntax {
  readonly kind: 'haproxy-http-response';
  /** Statuses besides 200 on which its condition decides otherwise (`if !{ status 200 }`): rules explore them. */
  readonly statuses: readonly number[];
  /** Other Set-Cookie lines on which its condition decides otherwise (`if { res.cook(JSESSIONID) -m found }`): rules explore them. */
  readonly companions: readonly (readonly string[])[];
  readonly action: HaproxyAction;
  readonly header: string;
  readonly regex?: CompiledRegex;
  readonly format?: LogFormat;
}

/** Whether the rule acts on Set-Cookie. */
export function touchesSetCookie(init: Pick<HaproxyHttpResponseInit, 'header' | 'nameMatch' | 'nameRegex'>): boolean {
  const h = init.header.toLowerCase();
  switch (init.nameMatch ?? 'str') {
    case 'str':
      return h === 'set-cookie';
    case 'beg':
      return 'set-cookie'.startsWith(h);
    case 'end':
      return 'set-cookie'.endsWith(h);
    case 'sub':
      return 'set-cookie'.includes(h);
    case 'reg':
      // The regex sees the name as HTX stores it, lower-cased: `-m reg ^Set-Cookie$` deletes
      // nothing [LAB haproxy 2.6.12], while the other methods compare without case.
      return init.nameRegex?.test('set-cookie') ?? false;
  }
}

/**
 * The replacement of one value, remembered per op: verdicts run the same samples through the
 * same rule again and again, and a long format (found by test/fuzz: 7 KB) made each run costly.
 * Bounded in the text kept.
 */
function memoizedReplace(regex: CompiledRegex, format: string): (value: string) => string | undefined {
  const template = compileExpTemplate(toByteString(format));
  const results = new Map<string, string | null>();
  let chars = 0;
  return (value) => {
    const known = results.get(value);
    if (known !== undefined) return known ?? undefined;
    const subject = toByteString(value);
    const m = regex.exec(subject, 0);
    // A template exp_replace cannot expand makes the rewrite fail: the value stays as it was.
    const after = m && template ? fromByteString(expReplace(template, subject, m.captures)) : null;
    chars += value.length + (after?.length ?? 0);
    if (chars <= 1_000_000) results.set(value, after);
    return after ?? undefined;
  };
}

export function createHaproxyHttpResponseOp(init: HaproxyHttpResponseInit): HaproxyHttpResponseOp {
  const setCookie = touchesSetCookie(init);
  const focus = init.patternSpan ?? init.formatSpan ?? init.actionSpan;
  // One replacement per format text the response makes of the format (one, unless it reads the response).
  const replacers = new Map<string, (value: string) => string | undefined>();
  const replacer = (format: string) => {
    let r = replacers.get(format);
    if (!r && init.regex) replacers.set(format, (r = memoizedReplace(init.regex, format)));
    if (replacers.size > 64) replacers.clear();
    return r;
  };
  const op: HaproxyHttpResponseOp = {
    kind: 'haproxy-http-response',
    dialect: 'haproxy',
    span: init.span,
    label: init.label,
    focus,
    condition: init.condition,
    reaches: setCookie ? ['http', 'fastcgi'] : [],
    parts: [] as readonly OpPart[],
    ...(init.related ? { related: init.related } : {}),
    statuses: conditionStatuses(init.parsedCondition),
    companions: conditionCompanions(init.parsedCondition),
    action: init.action,
    header: init.header,
    actionSpan: init.actionSpan,
    ...(init.patternSpan ? { patternSpan: init.patternSpan } : {}),
    ...(init.formatSpan ? { formatSpan: init.formatSpan } : {}),
    ...(init.regex ? { regex: init.regex } : {}),
    ...(init.format ? { format: init.format } : {}),
    signature: JSON.stringify([
      'haproxy-http-response',
      init.action,
      init.header.toLowerCase(),
      init.nameMatch ?? null,
      init.nameRegex?.source ?? null,
      init.patternSource ?? null,
      init.format?.text ?? null,
      // What the lowering made of its `%[var(...)]` parts (the variables of the file decide them).
      init.format?.samples.map((x) => x.expr) ?? null,
      init.condition ? [init.condition.text, init.condition.value] : null,
      init.parsedCondition?.key ?? null,
      init.ruleSet ?? null,
    ]),
    apply(lines: SetCookieLine[], env: SimEnv): void {
      if (!setCookie || stopped(lines, init.ruleSet)) return;
      if (init.parsedCondition && !runsOn(init.parsedCondition, lines, env)) return;
      // The format is computed once, on the lines as they are before the action.
      const value = init.format ? expandLogFormat(init.format, lines, env) : '';
      switch (init.action) {
        case 'replace-header':
        case 'replace-value': {
          const replace = replacer(value);
          if (!replace) throw new RegexBudgetError(init.patternSource ?? '', 'the pattern cannot be simulated');
          for (const line of lines) {
            if (init.action === 'replace-header') {
              const after = replace(line.value);
              if (after !== undefined) changeLine(line, op, init.span, after);
              continue;
            }
            let out = '';
            let pos = 0;
            for (const slot of commaSlots(line.value)) {
              const after = replace(slot.value);
              if (after === undefined) continue;
              out += line.value.slice(pos, slot.start) + after;
              pos = slot.end;
            }
            changeLine(line, op, init.span, out + line.value.slice(pos));
          }
          return;
        }
        case 'set-header':
          lines.splice(0, lines.length, addedLine(value, op, init.span));
          return;
        case 'add-header':
          lines.push(addedLine(value, op, init.span));
          return;
        case 'del-header':
          lines.splice(0, lines.length);
          return;
      }
    },
  };
  return op;
}

export interface PersistenceCookieInit {
  readonly span: Span;
  readonly label: string;
  /** The cookie name. */
  readonly name: string;
  /** The first server's `cookie` value (the one a first request gets); none: the cookie deletes itself. */
  readonly server?: string;
  readonly preserve: boolean;
  /** `; path=/; domain=...; HttpOnly; Secure; attr...` as HAProxy appends it. */
  readonly attributes: string;
  /** `postonly`: inserted only on responses to POST requests ({@link METHOD_POST}). */
  readonly condition: Condition | null;
  /** `maxidle` (1: the last-seen date) and `maxlife` (2: and the first-seen date) stamp the value. */
  readonly dateStamps: 0 | 1 | 2;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** `s30tob64`: the low 30 bits of a number as 5 base64 characters, most significant first. */
function s30tob64(n: number): string {
  let out = '';
  for (let i = 0; i < 5; i++) out += BASE64[(n >> (24 - 6 * i)) & 0x3f];
  return out;
}

/**
 * The date stamp `maxidle`/`maxlife` append (`|` and `s30tob64((now + 3) >> 2)`, [LAB haproxy
 * 2.6.12]: `SRV=s1|axXQR|axXQR`). It changes every 4 seconds; the linter writes the one of
 * 2026-01-01T00:00:00Z, so that its output does not depend on when it runs.
 */
export const DATE_STAMP = `|${s30tob64((Date.UTC(2026, 0, 1) / 1000 + 3) >> 2)}`;

/** The key of the request fact "the method is POST" (`cookie ... postonly`). */
export const METHOD_POST = 'haproxy-method:POST';

export interface HaproxyPersistenceCookieOp extends CookieOp {
  readonly kind: 'haproxy-cookie-insert';
  readonly name: string;
}

export function createPersistenceCookieOp(init: PersistenceCookieInit): HaproxyPersistenceCookieOp {
  const value = init.server === undefined ? `${init.name}=; Expires=Thu, 01-Jan-1970 00:00:01 GMT${init.attributes}` : `${init.name}=${init.server}${DATE_STAMP.repeat(init.dateStamps)}${init.attributes}`;
  const op: HaproxyPersistenceCookieOp = {
    kind: 'haproxy-cookie-insert',
    dialect: 'haproxy',
    span: init.span,
    label: init.label,
    condition: init.condition,
    reaches: ['http', 'fastcgi'],
    parts: [],
    name: init.name,
    signature: JSON.stringify(['haproxy-cookie-insert', value, init.preserve, init.condition?.text ?? null]),
    apply(lines: SetCookieLine[]): void {
      if (replaced(lines)) return;
      // Every cookie of that name was dropped just before (createServerCookieOp) unless
      // `preserve`; a preserved one, the server's or a rule's, means no cookie is added.
      if (init.preserve && lines.some((l) => parseSetCookie(l.value).name === init.name)) return;
      lines.push(addedLine(value, op, init.span));
    },
  };
  return op;
}

export interface ServerCookieInit {
  readonly span: Span;
  readonly label: string;
  /** The backend's cookie name (none: only the frontend's `capture cookie` makes HAProxy parse the lines). */
  readonly name?: string;
  readonly mode: 'rewrite' | 'prefix' | 'insert' | 'passive';
  /** The server's `cookie` value (rewrite and prefix need one). */
  readonly server?: string;
  readonly preserve: boolean;
}

const isSpht = (c: string | undefined) => c === ' ' || c === '\t';

/** `http_find_cookie_value_end`: the first `,` or `;` outside double quotes (a backslash escapes in them). */
function cookieValueEnd(s: string, from: number): number {
  let quoted = false;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',' || c === ';') return i;
  }
  return s.length;
}

/**
 * One Set-Cookie line as `http_manage_server_side_cookies` parses it: the name (white space
 * around it skipped), and the value (up to {@link cookieValueEnd}, trimmed), in the line as it
 * leaves it: the spaces and tabs around the first `=` are removed [LAB haproxy 2.6.12:
 * `JSESSIONID = s1` becomes `JSESSIONID=s1`]. Null for a line whose name ends at `;` or the end
 * (no `=`), which it leaves alone.
 */
function serverSideCookie(header: string): { readonly header: string; readonly name: string; readonly start: number; readonly end: number } | null {
  let attBeg = 0;
  while (isSpht(header[attBeg])) attBeg++;
  let equal = attBeg;
  let attEnd = attBeg;
  while (equal < header.length && header[equal] !== '=' && header[equal] !== ';') if (!isSpht(header[equal++])) attEnd = equal;
  if (header[equal] !== '=') return null;
  let valBeg = equal + 1;
  while (isSpht(header[valBeg])) valBeg++;
  let valEnd = cookieValueEnd(header, valBeg);
  while (valEnd > valBeg && isSpht(header[valEnd - 1])) valEnd--;
  const shift = valBeg - (attEnd + 1);
  return { header: `${header.slice(0, attEnd)}=${header.slice(valBeg)}`, name: header.slice(attBeg, attEnd), start: attEnd + 1, end: valEnd - shift };
}

export interface HaproxyServerCookieOp extends CookieOp {
  readonly kind: 'haproxy-server-cookie';
}

/**
 * What `http_manage_server_side_cookies` does after every http-response rule ran, to the lines
 * the rules added too [LAB haproxy 2.6.12]: every line loses the spaces around its first `=`;
 * of the cookies NAME, `rewrite` puts the server's cookie value in place of theirs, `prefix` puts
 * it in front (`s1~value`), `insert` drops them (HAProxy adds its own right after) unless
 * `preserve`; a server without a cookie value changes nothing.
 */
export function createServerCookieOp(init: ServerCookieInit): HaproxyServerCookieOp {
  const op: HaproxyServerCookieOp = {
    kind: 'haproxy-server-cookie',
    dialect: 'haproxy',
    span: init.span,
    label: init.label,
    condition: null,
    reaches: ['http', 'fastcgi'],
    parts: [],
    signature: JSON.stringify(['haproxy-server-cookie', init.name ?? null, init.mode, init.server ?? null, init.preserve]),
    apply(lines: SetCookieLine[]): void {
      if (replaced(lines)) return;
      for (const line of [...lines]) {
        const r = serverSideCookie(line.value);
        if (!r) continue;
        changeLine(line, op, init.span, r.header);
        if (init.name === undefined || r.name !== init.name || init.preserve) continue;
        if (init.mode === 'insert') lines.splice(lines.indexOf(line), 1);
        else if (init.server !== undefined && (init.mode === 'rewrite' || init.mode === 'prefix')) {
          const value = init.mode === 'rewrite' ? init.server : `${init.server}~${r.header.slice(r.start, r.end)}`;
          changeLine(line, op, init.span, r.header.slice(0, r.start) + value + r.header.slice(r.end));
        }
      }
    },
  };
  return op;
}
