/**
 * One directive at a time, into model pieces: `proxy_cookie_*` entries, header operations,
 * backends, Lua facts. Each function checks what nginx's handler checks (in its words) and
 * returns null for a directive nginx would refuse: the configuration would not load, so the
 * directive is reported (`directive-invalid`) and not simulated.
 */
import { posix } from 'node:path';
import type { BackendKind, BackendRef } from '../../model/backends.js';
import type { LuaHeaderFilterFact } from '../../model/facts.js';
import type { Problem } from '../../model/header-rewrite.js';
import { nginxAddHeaderOp, type NginxAddHeaderOp } from '../../model/ops/nginx-add-header.js';
import type { NginxRewriteEntry } from '../../model/ops/nginx-cookie-rewrite.js';
import { nginxHideHeaderOp, type NginxHideHeaderOp } from '../../model/ops/nginx-hide-header.js';
import { nginxMoreHeadersOp, reachesSetCookie, type MoreHeaderSpec, type NginxMoreHeadersOp } from '../../model/ops/nginx-more-headers.js';
import type { NginxFlagsEntry } from '../../model/ops/nginx-proxy-cookie.js';
import { compileNginxRegex } from '../../model/ops/nginx-regex.js';
import { compileScript, type Script } from '../../model/ops/nginx-script.js';
import type { SentHeaders } from '../../model/ops/nginx-response-vars.js';
import { SET_COOKIE_FLAGS, type SetCookieFlag, type SetCookieFlagEntry } from '../../model/ops/nginx-set-cookie-flag.js';
import { type Span, isIoError, type ConfigIO } from '../../source.js';
import { luaFact } from './lua.js';
import { sampleFromRegex } from './regex-sample.js';
import { directiveLabel } from './parser.js';
import { atLeast, parseVersion, SENT_HEADERS_JOINED_SINCE, type Version } from './version.js';
import { DEFAULT_NGINX_VERSION } from '../dialect.js';
import type { Directive, Word } from './syntax.js';

export interface DeclContext {
  readonly problems: Problem[];
  readonly io: ConfigIO;
  readonly prefix: string;
  /** The nginx version checked against (default: the current stable branch). */
  readonly version?: Version;
}

function invalid(ctx: DeclContext, span: Span, message: string): null {
  ctx.problems.push({ span, message, kind: 'refused' });
  return null;
}

function script(ctx: DeclContext, w: Pick<Word, 'value' | 'span'>): Script | null {
  const r = compileScript(w.value);
  return r.ok ? r.script : invalid(ctx, w.span, r.message);
}

export type Off = 'off';

function isDomain(directive: NginxRewriteEntry['directive']): boolean {
  return directive === 'proxy_cookie_domain';
}

/** `proxy_cookie_path` / `proxy_cookie_domain` (`ngx_http_proxy_cookie_path`, `_domain`). */
export function lowerCookieRewrite(d: Directive, ctx: DeclContext): NginxRewriteEntry | Off | null {
  const directive = d.name.value as NginxRewriteEntry['directive'];
  const [first, second] = d.args;
  if (!second) {
    if (first!.value === 'off') return 'off';
    return invalid(ctx, first!.span, `invalid parameter "${first!.value}"`);
  }
  // Whole literals, not `{ ...base, pattern }`: a spread before other properties is V8's slow path.
  const entry = (pattern: NginxRewriteEntry['pattern'], replacement: NginxRewriteEntry['replacement'], samples: string[]): NginxRewriteEntry => ({
    directive,
    span: d.span,
    label: directiveLabel(d),
    focus: second.span,
    patternSpan: first!.span,
    replacementSpan: second.span,
    pattern,
    replacement,
    samples,
  });
  let raw = first!.value;
  if (raw.startsWith('~')) {
    raw = raw.slice(1);
    let caseless = isDomain(directive);
    if (directive === 'proxy_cookie_path' && raw.startsWith('*')) {
      raw = raw.slice(1);
      caseless = true;
    }
    const compiled = compileNginxRegex(raw, caseless);
    if (!compiled.ok) return invalid(ctx, first!.span, compiled.message);
    const replacement = script(ctx, second);
    const sample = sampleFromRegex(raw);
    const samples = [...(sample !== null && sample !== '' ? [sample] : []), isDomain(directive) ? 'example.com' : '/app'];
    return replacement ? entry({ kind: 'regex', source: raw, regex: compiled.regex, caseless }, replacement, samples) : null;
  }
  const domain = isDomain(directive);
  const literal = domain && raw.startsWith('.') ? raw.slice(1) : raw;
  const pattern = compileScript(literal);
  if (!pattern.ok) return invalid(ctx, first!.span, pattern.message);
  const replacement = compileScript(domain && second.value.startsWith('.') ? second.value.slice(1) : second.value);
  if (!replacement.ok) return invalid(ctx, second.span, replacement.message);
  // Values the literal matches: itself and, for a path prefix, something longer.
  const samples = domain ? [literal, `.${literal}`] : [literal, literal.endsWith('/') ? `${literal}app` : `${literal}/app`];
  return entry({ kind: 'literal', script: pattern.script }, replacement.script, samples);
}

/** `proxy_cookie_flags` (`ngx_http_proxy_cookie_flags`). */
export function lowerCookieFlags(d: Directive, ctx: DeclContext): NginxFlagsEntry | Off | null {
  const [selector, ...words] = d.args;
  if (words.length === 0) {
    if (selector!.value === 'off') return 'off';
    return invalid(ctx, selector!.span, `invalid parameter "${selector!.value}"`);
  }
  const flags: NginxFlagsEntry['flags'][number][] = [];
  for (const w of words) {
    const s = script(ctx, w);
    if (!s) return null;
    flags.push({ span: w.span, script: s });
  }
  const entry = (sel: NginxFlagsEntry['selector']): NginxFlagsEntry => ({ directive: 'proxy_cookie_flags', span: d.span, label: directiveLabel(d), focus: selector!.span, flags, selector: sel });
  if (selector!.value.startsWith('~')) {
    const source = selector!.value.slice(1);
    // Always NGX_REGEX_CASELESS; there is no `~*` form (`*` is then a quantifier with nothing to repeat).
    const compiled = compileNginxRegex(source, true);
    if (!compiled.ok) return invalid(ctx, selector!.span, compiled.message);
    return entry({ kind: 'regex', source, regex: compiled.regex });
  }
  const s = script(ctx, selector!);
  return s ? entry({ kind: 'literal', script: s }) : null;
}

export interface AddHeaderDecl {
  /** The operation when the header is Set-Cookie. */
  readonly op: NginxAddHeaderOp | null;
}

/** How `$sent_http_*` and `$upstream_http_*` read a repeated header in the version checked against. */
function sentHeaders(ctx: DeclContext): SentHeaders {
  return atLeast(ctx.version ?? parseVersion(DEFAULT_NGINX_VERSION)!, SENT_HEADERS_JOINED_SINCE) ? 'joined' : 'first';
}

/** `add_header name value [always]` (`ngx_http_headers_add`). */
export function lowerAddHeader(d: Directive, ctx: DeclContext): AddHeaderDecl | null {
  const [name, value, flag] = d.args;
  if (flag && flag.value !== 'always') return invalid(ctx, flag.span, `invalid parameter "${flag.value}"`);
  const s = script(ctx, value!);
  if (!s) return null;
  if (name!.value.toLowerCase() !== 'set-cookie') return { op: null };
  return { op: nginxAddHeaderOp({ span: d.span, label: directiveLabel(d), focus: value!.span, value: s, always: flag !== undefined, sentHeaders: sentHeaders(ctx) }) };
}

/** `*_hide_header` / `*_pass_header`: whether the directive names Set-Cookie. */
export function namesSetCookie(d: Directive): boolean {
  return d.args[0]!.value.toLowerCase() === 'set-cookie';
}

export function hideOp(d: Directive, kind: BackendKind): NginxHideHeaderOp {
  return nginxHideHeaderOp(d.span, directiveLabel(d), d.args[0]!.span, kind);
}

/** `ngx_http_headers_more_parse_header`, including its habit of starting the key at the argument's first byte. */
function parseMoreHeader(raw: string): { key: string; value: string } | null {
  let keyLen = 0;
  let seenEnd = false;
  let valueStart = -1;
  let valueLen = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    const space = /\s/.test(c);
    if (keyLen === 0) {
      if (space) continue;
      keyLen = 1;
      continue;
    }
    if (!seenEnd) {
      if (c === ':' || space) {
        seenEnd = true;
        continue;
      }
      keyLen++;
      continue;
    }
    if (valueLen === 0) {
      if (c === ':' || space) continue;
      valueStart = i;
      valueLen = 1;
      continue;
    }
    valueLen++;
  }
  if (keyLen === 0) return null;
  return { key: raw.slice(0, keyLen), value: valueStart < 0 ? '' : raw.slice(valueStart, valueStart + valueLen) };
}

/** `more_set_headers` / `more_clear_headers` (`ngx_http_headers_more_parse_directive`); undefined when Set-Cookie is not touched. */
export function lowerMoreHeaders(d: Directive, ctx: DeclContext): NginxMoreHeadersOp | null | undefined {
  const directive = d.name.value as 'more_set_headers' | 'more_clear_headers';
  const headers: MoreHeaderSpec[] = [];
  const statuses: number[] = [];
  const types: string[] = [];
  let append = false;
  for (let i = 0; i < d.args.length; i++) {
    const w = d.args[i]!;
    if (w.value === '') continue;
    if (!w.value.startsWith('-')) {
      const h = parseMoreHeader(w.value);
      if (!h) return invalid(ctx, w.span, `${directive}: no key found in the header argument: ${w.value}`);
      const wildcard = h.key.endsWith('*');
      if (wildcard && h.key.length < 2) return invalid(ctx, w.span, `${directive}: wildcard key too short: ${w.value}`);
      let value: Script | null = null;
      if (directive === 'more_set_headers' && h.value !== '') {
        value = script(ctx, { span: w.span, value: h.value });
        if (!value) return null;
      }
      if (reachesSetCookie(h.key, wildcard)) headers.push({ key: h.key, wildcard, value, span: w.span });
      continue;
    }
    const opt = w.value.length === 2 ? w.value[1] : '';
    if (opt === 't' || opt === 's') {
      const next = d.args[i + 1];
      if (!next) return invalid(ctx, w.span, `${directive}: option -${opt} takes an argument.`);
      i++;
      if (opt === 't') types.push(...next.value.split(/[\s;]+/).filter(Boolean));
      else {
        for (const s of next.value.split(/\s+/).filter(Boolean)) {
          const bad = /[^0-9]/.exec(s);
          if (bad) return invalid(ctx, next.span, `${directive}: invalid digit "${bad[0]}" found in the status code list "${next.value}"`);
          statuses.push(Number(s));
        }
      }
      continue;
    }
    if (opt === 'a' && directive === 'more_set_headers') {
      append = true;
      continue;
    }
    return invalid(ctx, w.span, `${directive}: invalid option name: "${w.value}"`);
  }
  if (headers.length === 0) return undefined;
  const text = `-t '${types.join(' ')}'`;
  // One test of the response (its Content-Type), spelled out so that variable tests can join it (lower.ts).
  const condition = types.length > 0 ? { text, value: 'unknown' as const, literals: [{ key: `cond:${text}`, holds: true, text }] } : null;
  return nginxMoreHeadersOp({ directive, span: d.span, label: directiveLabel(d), focus: headers[0]!.span, headers, statuses, condition, append, sentHeaders: sentHeaders(ctx) });
}

const PASS_KINDS: Readonly<Record<string, BackendKind>> = {
  proxy_pass: 'http',
  fastcgi_pass: 'fastcgi',
  uwsgi_pass: 'uwsgi',
  scgi_pass: 'scgi',
  grpc_pass: 'grpc',
};

export function passKind(name: string): BackendKind | undefined {
  return PASS_KINDS[name];
}

export function lowerPass(d: Directive): BackendRef {
  return { kind: PASS_KINDS[d.name.value]!, target: d.args[0]!.value, span: d.span };
}

/** `header_filter_by_lua_block`, `header_filter_by_lua 'code'`, `header_filter_by_lua_file path`. */
export function lowerLua(d: Directive, ctx: DeclContext): LuaHeaderFilterFact | null {
  if (d.lua) return luaFact(d.span, d.lua.code, d.lua.span);
  const arg = d.args[0]!;
  if (d.name.value === 'header_filter_by_lua') {
    // Offsets map back into the file only when nothing was unescaped.
    return luaFact(d.span, arg.value, arg.value === arg.raw ? arg.inner : null);
  }
  // lua-nginx-module resolves relative paths against nginx's prefix; the conf prefix is the best guess here.
  const path = arg.value.startsWith('/') ? arg.value : posix.join(ctx.prefix, arg.value);
  const source = ctx.io.read(path);
  if (isIoError(source)) return null;
  return luaFact(d.span, source.text, null);
}

const COOKIE_FLAG_WORDS: ReadonlyMap<string, SetCookieFlag> = new Map(SET_COOKIE_FLAGS.map((f) => [f.toLowerCase(), f]));

/**
 * `set_cookie_flag <name|*> <flag>...` (`ngx_http_cookie_flag_filter_cmd`), added to the entries of
 * its level in the filter's order: the `*` entry is kept last. The checks and messages are the
 * module's, in its order: 1 to 3 flags; no flag twice (compared up to `=`, so `SameSite` and
 * `SameSite=Lax` are the same flag); no name that an earlier entry's name starts with
 * (case-insensitively: after `sid_token`, `sid` is refused); only the five flag words.
 */
export function lowerSetCookieFlag(d: Directive, entries: SetCookieFlagEntry[], ctx: DeclContext): void {
  const [nameWord, ...flagWords] = d.args;
  if (!nameWord || flagWords.length < 1 || flagWords.length > 3) {
    invalid(ctx, d.name.span, 'The number of arguments is incorrect');
    return;
  }
  const flagName = (w: Word) => w.value.split('=')[0]!.toLowerCase();
  for (let i = 1; i < flagWords.length; i++) {
    const w = flagWords[i]!;
    if (flagWords.slice(0, i).some((p) => flagName(p) === flagName(w))) {
      invalid(ctx, w.span, `Duplicate flag "${w.value.split('=')[0]}" (${w.value}) detected`);
      return;
    }
  }
  const name = nameWord.value;
  if (entries.some((e) => e.name.toLowerCase().startsWith(name.toLowerCase()))) {
    invalid(ctx, nameWord.span, `"set_cookie_flag" directive The cookie value has already set in previous directives`);
    return;
  }
  const flags = new Set<SetCookieFlag>();
  for (const w of flagWords) {
    const flag = COOKIE_FLAG_WORDS.get(w.value.toLowerCase());
    if (!flag) {
      invalid(ctx, w.span, `The parameter value "${w.value}" is incorrect`);
      return;
    }
    flags.add(flag);
  }
  const entry: SetCookieFlagEntry = { name, flags, span: d.span, focus: flagWords[0]!.span, label: directiveLabel(d) };
  // The default entry stays last, whatever the order of the directives.
  const last = entries[entries.length - 1];
  if (last && last.name.startsWith('*')) entries.splice(entries.length - 1, 0, entry);
  else entries.push(entry);
}
