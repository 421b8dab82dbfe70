/**
 * mod_headers' value and replacement strings (modules/metadata/mod_headers.c
 * `parse_format_string`, `parse_misc_string`, `parse_format_tag`, `process_tags`) and httpd's
 * regex substitution (server/util.c `regsub_core`, used through `ap_pregsub`).
 *
 * The three unescaping layers of a replacement, in order (proxy-semantics.md §1.4):
 * 1. the config tokenizer (done by the parser: `\\` and `\<quote>`);
 * 2. the format string, here: `%%` → `%` (a lone `%` at the end stays), `%{ARG}X` / `%X` tags for
 *    X in `D t e s l i b`, any other `%X` is a configuration error "Unrecognized header format %X";
 *    `\\` → `\`, `\n` `\r` `\t` → control characters, any other `\c` keeps its backslash;
 * 3. `ap_pregsub`, on the tag-expanded string: `$0`–`$9` insert groups (a group that did not
 *    match, or matched empty, inserts nothing); `\c` inserts `c` literally (so `\1` is `1`,
 *    `\$1` is `$1`); every other character is literal.
 * A string starting with `expr=` (case-sensitive) is an ap_expr string expression instead.
 */

export type FormatPart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'tag'; readonly tag: string; readonly arg: string };

export interface FormatString {
  readonly parts: readonly FormatPart[];
  /** The ap_expr source after `expr=`, when the string is an expression. */
  readonly expr?: string;
}

/** mod_headers' registered tags (`header_pre_config`). */
const TAGS = new Set(['D', 't', 'e', 's', 'l', 'i', 'b']);

/** Parses a format string; returns httpd's error text for an unknown `%X`. */
export function parseFormat(s: string): FormatString | { error: string } {
  if (s.startsWith('expr=')) return { parts: [], expr: s.slice(5) };
  const parts: FormatPart[] = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] !== '%') {
      let text = '';
      while (i < s.length && s[i] !== '%') {
        if (s[i] !== '\\') {
          text += s[i++];
          continue;
        }
        i++;
        const c = s[i];
        if (c === '\\') text += '\\';
        else if (c === 'r') text += '\r';
        else if (c === 'n') text += '\n';
        else if (c === 't') text += '\t';
        else {
          // Copied verbatim; the next character is handled by the loop (it may be a '%').
          text += '\\';
          continue;
        }
        i++;
      }
      parts.push({ kind: 'text', text });
      continue;
    }
    i++;
    if (i >= s.length || s[i] === '%') {
      parts.push({ kind: 'text', text: '%' });
      if (i < s.length) i++;
      continue;
    }
    let arg = '';
    if (s[i] === '{') {
      const close = s.indexOf('}', i + 1);
      arg = close === -1 ? s.slice(i + 1) : s.slice(i + 1, close);
      i = close === -1 ? s.length : close + 1;
    }
    const tag = s[i] ?? '';
    if (!TAGS.has(tag)) return { error: `Unrecognized header format %${tag}` };
    parts.push({ kind: 'tag', tag, arg });
    i++;
  }
  return { parts };
}

/** What the linter knows about the request when it expands tags. */
export interface FormatEnv {
  /** `%{NAME}e`: the value of an environment variable, or undefined when unset. */
  env(name: string): string | undefined;
}

/** newlines in env values are turned into spaces (`unwrap_header`). */
function unwrap(s: string): string {
  return s.replace(/[\r\n]/g, ' ');
}

/** The request an `expr=` string reads (SimEnv.request: header names lower-cased). */
export interface ExprRequest {
  readonly method?: string;
  readonly target: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** ap_expr's request-header variables (server/util_expr_eval.c `request_var_names`, the HTTP_* ones). */
const HEADER_VARIABLES: Readonly<Record<string, string>> = {
  HTTP_ACCEPT: 'accept',
  HTTP_COOKIE: 'cookie',
  HTTP_FORWARDED: 'forwarded',
  HTTP_HOST: 'host',
  HTTP_PROXY_CONNECTION: 'proxy-connection',
  HTTP_REFERER: 'referer',
  HTTP_USER_AGENT: 'user-agent',
};

/** `%XX` decoded, as httpd's `ap_unescape_url` leaves r->uri (an invalid escape stays as written). */
function unescapeUri(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
}

/**
 * One `%{NAME}` or `%{func:arg}` of an `expr=` string for a known request (util_expr_eval.c
 * `request_var_fn`, `req_table_func`, `env_func`, `tolower_func`...); undefined for what the
 * linter does not know (the reference then reads as empty).
 */
function exprReference(ref: string, env: FormatEnv, request: ExprRequest | undefined): string | undefined {
  const colon = ref.indexOf(':');
  if (colon > 0) {
    const fn = ref.slice(0, colon).toLowerCase();
    const arg = ref.slice(colon + 1);
    if (fn === 'reqenv' || fn === 'env') return env.env(arg) ?? '';
    if (fn === 'tolower') return arg.toLowerCase();
    if (fn === 'toupper') return arg.toUpperCase();
    if (request && (fn === 'req' || fn === 'http' || fn === 'req_novary')) return request.headers[arg.toLowerCase()] ?? '';
    return undefined;
  }
  if (!request) return undefined;
  const name = ref.toUpperCase();
  const header = HEADER_VARIABLES[name];
  if (header) return request.headers[header] ?? '';
  const q = request.target.indexOf('?');
  const path = q < 0 ? request.target : request.target.slice(0, q);
  const method = request.method ?? 'GET';
  switch (name) {
    case 'REQUEST_URI':
    case 'DOCUMENT_URI':
      return unescapeUri(path);
    case 'QUERY_STRING':
      return q < 0 ? '' : request.target.slice(q + 1);
    case 'REQUEST_METHOD':
      return method;
    case 'THE_REQUEST':
      return `${method} ${request.target} HTTP/1.1`;
    case 'REQUEST_SCHEME':
      return 'http';
    case 'HTTPS':
      return 'off';
    case 'SERVER_PROTOCOL':
      return 'HTTP/1.1';
    case 'IS_SUBREQ':
      return 'false';
    default:
      return undefined;
  }
}

/** The `%{...}` references of an `expr=` string (as {@link expandFormat} reads them). */
const EXPR_REFERENCE = /%\{([^}]*)\}/g;

/**
 * The environment variables {@link expandFormat} may read from `f`: the `%{NAME}e` tags, and an
 * `expr=` string's `%{env:NAME}` and `%{reqenv:NAME}`. Names are written in the text, never
 * computed, so a {@link FormatEnv} that knows these knows all the format can ask.
 */
export function envNamesRead(f: FormatString): string[] {
  if (f.expr !== undefined) {
    return [...f.expr.matchAll(EXPR_REFERENCE)].flatMap(([, ref]) => {
      const colon = ref!.indexOf(':');
      const fn = colon > 0 ? ref!.slice(0, colon).toLowerCase() : '';
      return fn === 'env' || fn === 'reqenv' ? [ref!.slice(colon + 1)] : [];
    });
  }
  return f.parts.flatMap((p) => (p.kind === 'tag' && p.tag === 'e' ? [p.arg] : []));
}

/**
 * `process_tags`. Request-dependent tags get representative values: `%D` `D=0`, `%t` `t=0`,
 * `%l` `l=0.00/0.00/0.00`, `%i` `i=0`, `%b` `b=0`; an unset variable prints `(null)` as httpd does;
 * SSL variables are unknown to the linter and print `(null)` too. An `expr=` string reads the
 * environment as `%{VAR}e` does, and the request's values when the simulation has the request (a
 * test that sent it, `simulate --location`); otherwise, and for what the linter does not know,
 * its `%{...}` references read as empty.
 */
export function expandFormat(f: FormatString, env: FormatEnv, request?: ExprRequest): string {
  if (f.expr !== undefined) {
    return f.expr.replace(/^"(.*)"$/s, '$1').replace(EXPR_REFERENCE, (_, ref: string) => exprReference(ref, env, request) ?? '');
  }
  let out = '';
  for (const p of f.parts) {
    if (p.kind === 'text') {
      out += p.text;
      continue;
    }
    switch (p.tag) {
      case 'e': {
        const v = env.env(p.arg);
        out += v === undefined ? '(null)' : unwrap(v);
        break;
      }
      case 's':
        out += '(null)';
        break;
      case 'D':
        out += 'D=0';
        break;
      case 't':
        out += 't=0';
        break;
      case 'l':
        out += 'l=0.00/0.00/0.00';
        break;
      case 'i':
        out += 'i=0';
        break;
      case 'b':
        out += 'b=0';
        break;
    }
  }
  return out;
}

/** Group offsets of one match: `[start, end]` or undefined when the group did not take part. */
export type Captures = ReadonlyArray<readonly [number, number] | undefined>;

/** AP_MAX_REG_MATCH: `$0`–`$9`. */
const MAX_REG_MATCH = 10;

/** `regsub_core`: expands `$0`–`$9` and backslash escapes in `input` against `source`. */
/** A replacement split once into literal runs and group numbers (`$0`–`$9`, escapes resolved). */
export type PregsubParts = readonly (string | number)[];

export function compilePregsub(input: string): PregsubParts {
  const parts: (string | number)[] = [];
  let lit = '';
  // Runs without `$` or `\\` are copied whole: replacements can be long (a cookie value).
  let run = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c !== 0x24 && c !== 0x5c) continue;
    const d = input.charCodeAt(i + 1);
    if (c === 0x24 && d >= 0x30 && d <= 0x39) {
      lit += input.slice(run, i);
      if (lit !== '') parts.push(lit);
      lit = '';
      parts.push(d - 0x30);
      i++;
      run = i + 1;
    } else if (c === 0x5c && i + 1 < input.length) {
      lit += input.slice(run, i);
      run = i + 1;
      i++;
    }
  }
  lit += input.slice(run);
  if (lit !== '') parts.push(lit);
  return parts;
}

/** {@link pregsub} with the replacement already split by {@link compilePregsub}. */
export function applyPregsub(parts: PregsubParts, source: string, captures: Captures): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'string') out += p;
    else {
      const g = p < MAX_REG_MATCH ? captures[p] : undefined;
      if (g && g[0] < g[1]) out += source.slice(g[0], g[1]);
    }
  }
  return out;
}

export function pregsub(input: string, source: string, captures: Captures): string {
  return applyPregsub(compilePregsub(input), source, captures);
}
