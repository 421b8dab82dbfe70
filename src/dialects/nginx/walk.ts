/**
 * Walks the syntax tree as nginx's configuration parser does: included files inline at the
 * `include`, blocks opening levels, each directive checked against its command table entry
 * (`ngx_conf_handler`: unknown directive, not allowed here, not terminated by ";", has no opening
 * "{", invalid number of arguments) and handed to its lowering.
 */
import type { BackendKind } from '../../model/backends.js';
import type { LuaHeaderFilterFact } from '../../model/facts.js';
import type { Problem, ScopeName } from '../../model/header-rewrite.js';
import type { Span } from '../../source.js';
import {
  hideOp,
  lowerAddHeader,
  lowerCookieFlags,
  lowerCookieRewrite,
  lowerLua,
  lowerMoreHeaders,
  lowerSetCookieFlag,
  lowerPass,
  namesSetCookie,
  passKind,
  type DeclContext,
} from './decls.js';
import { DIRECTIVES, type ConfContext } from './directives.js';
import { lowerErrorPage } from './intercept.js';
import { nestingProblem, parseLocation } from './locations.js';
import { newLevel, type Level } from './levels.js';
import type { Directive } from './syntax.js';
import { lowerStop, type RewriteStep } from './rewrite-code.js';
import { lowerMap, lowerSet, type VariableDecls } from './variables.js';
import { atLeast, type Version } from './version.js';

export interface WalkContext extends DeclContext {
  /** The text spans of a file point into. */
  readonly textOf: (file: string) => string | undefined;
  readonly version: Version;
  readonly unresolved: ReadonlySet<Directive>;
  /** Directives nginx does not know (reported by unknown-directives.ts). */
  readonly unknown: ReadonlySet<Directive>;
  readonly facts: LuaHeaderFilterFact[];
  /** `set` and `map` declarations (variables proxy_cookie_* arguments may read). */
  readonly variables: VariableDecls;
}

/**
 * Whether a `proxy_pass` URL without variables has a URI part (`ngx_parse_url` with `uri_part`):
 * anything from the `/` after the host, or after the socket path of `unix:/path:`.
 */
function hasUriPart(url: string): boolean {
  if (url.includes('$')) return false;
  const rest = url.replace(/^https?:\/\//i, '');
  if (rest === url) return false;
  if (/^unix:/i.test(rest)) return /^unix:[^:]*:./i.test(rest);
  return rest.includes('/');
}

/** `ngx_methods_names`: what `limit_except` accepts (without case). */
const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'MKCOL', 'COPY', 'MOVE', 'OPTIONS', 'PROPFIND', 'PROPPATCH', 'LOCK', 'UNLOCK', 'PATCH']);

const HIDE_KINDS: Readonly<Record<string, BackendKind>> = { proxy: 'http', fastcgi: 'fastcgi', uwsgi: 'uwsgi', scgi: 'scgi', grpc: 'grpc' };

function problem(ctx: WalkContext, span: Span, message: string): void {
  ctx.problems.push({ span, message, kind: 'refused' } satisfies Problem);
}

/** `ngx_conf_handler`'s checks; true when the directive may be lowered. */
function accepted(d: Directive, where: ConfContext, ctx: WalkContext): boolean {
  const name = d.name.value;
  if (ctx.unknown.has(d)) return false;
  const spec = DIRECTIVES[name];
  if (!spec) return true;
  if (d.terminator === 'none') return false;
  if (spec.since && !atLeast(ctx.version, spec.since)) {
    problem(ctx, d.name.span, `unknown directive "${name}" (nginx ${ctx.version.join('.')} has no such directive; it appeared in ${spec.since.join('.')})`);
    return false;
  }
  if (!spec.contexts.includes(where)) {
    problem(ctx, d.name.span, `"${name}" directive is not allowed here`);
    return false;
  }
  if (!spec.block && d.terminator === 'block') {
    const glued = d.terminatorSpan && d.args.length > 0 && d.args[d.args.length - 1]!.span.end === d.terminatorSpan.start;
    problem(ctx, d.name.span, `directive "${name}" is not terminated by ";"${glued ? ': the "{" inside the unquoted argument opens a block (quote regexes such as "~^a{2}$")' : ''}`);
    return false;
  }
  if (spec.block && d.terminator !== 'block') {
    problem(ctx, d.name.span, `directive "${name}" has no opening "{"`);
    return false;
  }
  if (d.args.length < spec.min || d.args.length > spec.max) {
    problem(ctx, d.name.span, `invalid number of arguments in "${name}" directive`);
    return false;
  }
  // `proxy_cookie_flags ~^a;b$ httponly;` is two statements for nginx: a regex cut by an unquoted ";".
  const last = d.args[d.args.length - 1];
  const before = d.args[d.args.length - 2]?.value;
  const regexArg = last && (last.value.startsWith('~') || before === '~' || before === '~*');
  // Only for regex arguments: the terminator's span is made on demand.
  const after = regexArg && d.terminator === 'semicolon' && d.terminatorSpan ? ctx.textOf(d.terminatorSpan.file)?.[d.terminatorSpan.end] : undefined;
  if (regexArg && last.quote === null && after !== undefined && !/[\s;}#]/.test(after) && last.span.end === d.terminatorSpan!.start) {
    problem(ctx, d.terminatorSpan!, `this ";" ends the "${name}" directive in the middle of its regex: quote regexes that contain ";"`);
  }
  return true;
}

function serverLabel(block: readonly Directive[]): { label: string; names: string[]; words: ScopeName[] } {
  const names: string[] = [];
  const words: ScopeName[] = [];
  let port = '';
  const scan = (ds: readonly Directive[]) => {
    for (const d of ds) {
      if (d.included) for (const f of d.included) scan(f.directives);
      if (d.name.value === 'server_name') {
        names.push(...d.args.map((a) => a.value));
        words.push(...d.args.map((a): ScopeName => ({ kind: 'host', value: a.value, span: a.span })));
      }
      if (d.name.value === 'listen' && port === '' && d.args[0]) {
        const m = /(?::|^)(\d+)$/.exec(d.args[0].value);
        port = m ? m[1]! : d.args[0].value;
      }
    }
  };
  scan(block);
  const name = names.find((n) => n !== '') ?? '';
  const where = port ? `${name}:${port}` : name;
  const label = where ? `server ${where}` : 'server';
  return { label, names, words };
}

type ArrayKey = 'paths' | 'domains' | 'flags';

/** `ngx_http_proxy_cookie_*`: nothing may follow `off`, and `off` may not follow entries. */
function settable(current: readonly unknown[] | null | undefined, off: boolean): boolean {
  return current !== null && !(off && current !== undefined);
}

function duplicate(d: Directive, ctx: WalkContext): void {
  problem(ctx, d.name.span, `"${d.name.value}" directive is duplicate`);
}

function pushEntry<K extends ArrayKey>(level: Level, key: K, d: Directive, entry: NonNullable<Level[K]>[number] | 'off', ctx: WalkContext): void {
  const current = level[key];
  if (!settable(current, entry === 'off')) {
    duplicate(d, ctx);
    return;
  }
  if (entry === 'off') {
    level[key] = null;
    return;
  }
  const list = (current ?? []) as NonNullable<Level[K]>[number][];
  list.push(entry);
  (level as Record<ArrayKey, unknown>)[key] = list;
}

/**
 * Walks `directives` at `level`. `into`: where the rewrite module's directives go, in order (the
 * body of a server `if`); by default the level's own code.
 */
export function walk(directives: readonly Directive[], level: Level, where: ConfContext, ctx: WalkContext, into?: RewriteStep[]): void {
  const code = () => into ?? (level.code ??= []);
  for (const d of directives) {
    if (ctx.unresolved.has(d)) level.unresolvedInclude = true;
    if (d.included) {
      if (accepted(d, where, ctx)) for (const f of d.included) walk(f.directives, level, where, ctx, into);
      continue;
    }
    if (!accepted(d, where, ctx)) continue;
    const name = d.name.value;
    const children = d.block?.children ?? [];
    switch (name) {
      case 'http':
        // The http level adds nothing to a label: `server a.example.com:443 › location /`.
        walk(children, newLevel('http', level, d, ''), 'http', ctx);
        continue;
      case 'server': {
        const { label, names, words } = serverLabel(children);
        walk(children, newLevel('server', level, d, label, { serverNames: names, names: words }), 'server', ctx);
        continue;
      }
      case 'location': {
        const parsed = parseLocation(d.args);
        if (!parsed.ok) {
          problem(ctx, parsed.word.span, parsed.message);
          continue;
        }
        const info = parsed.info;
        const nesting = level.location && nestingProblem(level.location, info);
        if (nesting) {
          problem(ctx, d.args[d.args.length - 1]!.span, nesting);
          continue;
        }
        // `ngx_http_join_exact_locations`: two exact, or two prefix (plain and `^~` alike)
        // locations of one level with the same name stop nginx [LAB 1.22.1: duplicate location].
        const exactness = (m: string) => (m === '=' ? 'exact' : m === '' || m === '^~' ? 'prefix' : null);
        const kindOf = exactness(info.modifier);
        if (kindOf && level.children.some((c) => c.kind === 'location' && c.location?.name === info.name && exactness(c.location.modifier) === kindOf)) {
          problem(ctx, d.args[d.args.length - 1]!.span, `duplicate location "${info.name}"`);
        }
        const label = ['location', info.modifier === '@' ? '' : info.modifier, info.name].filter(Boolean).join(' ');
        const where = d.args[d.args.length - 1];
        const names: ScopeName[] = where ? [{ kind: 'path', value: info.name, span: where.span }] : [];
        walk(children, newLevel('location', level, d, label, { location: info, names }), 'location', ctx);
        continue;
      }
      case 'if': {
        // Its directives are compiled into the enclosing level's code, behind the test (`ngx_http_rewrite_if`).
        const body: RewriteStep[] = [];
        if (where === 'server') {
          code().push({ kind: 'if', level: null, body, directive: d });
          walk(children, level, 'sif', ctx, body);
          continue;
        }
        const inner = newLevel('if', level, d, `if ${d.args.map((a) => a.raw).join(' ')}`);
        inner.code = body;
        code().push({ kind: 'if', level: inner, body });
        walk(children, inner, 'if', ctx);
        continue;
      }
      case 'limit_except': {
        // `ngx_http_core_limit_except`: its block is a configuration of its own, for the methods
        // it does not list (GET lists HEAD too). The linter's requests are GETs: a block that
        // lists GET never applies to them (its directives are checked, not applied); one that
        // does not is their configuration, inheriting the location's (a *_pass included).
        const bad = d.args.find((a) => !HTTP_METHODS.has(a.value.toUpperCase()));
        if (bad) {
          problem(ctx, bad.span, `invalid method "${bad.value}"`);
          continue;
        }
        if (level.limitExcept) {
          problem(ctx, d.name.span, '"limit_except" directive is duplicate');
          continue;
        }
        level.limitExcept = d;
        const forGet = !d.args.some((a) => a.value.toUpperCase() === 'GET');
        if (forGet) level.getsLimitExcept = true;
        walk(children, forGet ? level : newLevel('location', null, d, ''), 'lmt', ctx);
        continue;
      }
      case 'allow':
      case 'deny':
        // The first access rule decides for every client when it names all (`ngx_http_access_handler`).
        if (where === 'lmt') level.lmtAccess ??= d;
        else level.access ??= d;
        continue;
      case 'satisfy':
        level.satisfy = d.args[0]?.value;
        continue;
      case 'internal':
        level.internal = true;
        continue;
      case 'error_page': {
        const page = lowerErrorPage(d);
        if (page) (level.errorPages ??= []).push(page);
        continue;
      }
      case 'proxy_cookie_path':
      case 'proxy_cookie_domain': {
        const entry = lowerCookieRewrite(d, ctx);
        if (entry) pushEntry(level, name === 'proxy_cookie_path' ? 'paths' : 'domains', d, entry, ctx);
        continue;
      }
      case 'proxy_cookie_flags': {
        const entry = lowerCookieFlags(d, ctx);
        if (entry) pushEntry(level, 'flags', d, entry, ctx);
        continue;
      }
      case 'add_header': {
        const decl = lowerAddHeader(d, ctx);
        if (!decl) continue;
        level.addHeaderAny = true;
        if (decl.op) level.addHeaderOps.push(decl.op);
        continue;
      }
      case 'add_header_inherit': {
        const v = d.args[0]!.value;
        if (v !== 'on' && v !== 'off' && v !== 'merge') problem(ctx, d.args[0]!.span, `invalid value "${v}" in "${name}" directive, it must be "on", "off" or "merge"`);
        else if (level.addHeaderInherit !== undefined) problem(ctx, d.name.span, `"${name}" directive is duplicate`);
        else level.addHeaderInherit = v;
        continue;
      }
      case 'set':
        lowerSet(d, code(), ctx.variables, ctx.problems);
        continue;
      case 'break':
      case 'return':
      case 'rewrite': {
        const step = lowerStop(d, where === 'server' || where === 'sif', ctx.problems);
        if (step) code().push(step);
        else if (name === 'rewrite' && d.args.length === 2 && (where === 'server' || where === 'sif') && d.args[1]!.value !== '') {
          level.flaglessRewrite = true;
          code().push({ kind: 'uri', directive: d });
        }
        continue;
      }
      case 'try_files': {
        // `ngx_http_core_try_files` (NGX_CONF_2MORE, server and location): not merged into nested
        // locations; the last argument is the fallback the try-files phase redirects to.
        if (d.args.length >= 2 && where === 'location') level.tryFiles = d.args.map((a) => a.value);
        continue;
      }
      case 'map':
        lowerMap(d, ctx.variables, ctx.problems);
        continue;
      case 'set_cookie_flag':
        lowerSetCookieFlag(d, (level.cookieFlags ??= []), ctx);
        continue;
      case 'more_set_headers':
      case 'more_clear_headers': {
        const op = lowerMoreHeaders(d, ctx);
        if (op) level.more.push(op);
        continue;
      }
      case 'header_filter_by_lua_block':
      case 'header_filter_by_lua':
      case 'header_filter_by_lua_file': {
        const fact = lowerLua(d, ctx);
        if (fact) ctx.facts.push(fact);
        continue;
      }
    }
    const pass = passKind(name);
    if (pass) {
      // `ngx_http_proxy_pass`: where no location prefix can be replaced, the URL may not have one.
      const uriless = where === 'if' || where === 'lmt' || ['~', '~*', '@'].includes(level.location?.modifier ?? '');
      if (name === 'proxy_pass' && uriless && hasUriPart(d.args[0]!.value)) {
        problem(ctx, d.args[0]!.span, '"proxy_pass" cannot have URI part in location given by regular expression, or inside named location, or inside "if" statement, or inside "limit_except" block');
        continue;
      }
      level.backends.push(lowerPass(d));
      continue;
    }
    const intercept = /^(proxy|fastcgi|uwsgi|scgi|grpc)_intercept_errors$/.exec(name);
    if (intercept && (d.args[0]?.value === 'on' || d.args[0]?.value === 'off')) {
      // A flag (`ngx_conf_set_flag_slot`) set twice at one level is refused.
      const kind = HIDE_KINDS[intercept[1]!]!;
      if (level.intercept?.has(kind)) duplicate(d, ctx);
      else (level.intercept ??= new Map()).set(kind, d.args[0].value === 'on');
      continue;
    }
    const m = /^(proxy|fastcgi|uwsgi|scgi|grpc)_(hide|pass)_header$/.exec(name);
    if (m) {
      const kind = HIDE_KINDS[m[1]!]!;
      if (m[2] === 'hide') {
        const hide = (level.hide ??= new Map());
        if (!hide.has(kind)) hide.set(kind, null);
        if (namesSetCookie(d)) hide.set(kind, hideOp(d, kind));
      } else {
        const passed = (level.passHeader ??= new Map());
        passed.set(kind, (passed.get(kind) ?? false) || namesSetCookie(d));
      }
    }
  }
}
