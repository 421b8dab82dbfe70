/**
 * Variables nginx does not know: every `$name` a complex value, an `if` condition or a log format
 * reads is looked up when the configuration is read (`ngx_http_get_variable_index`), and after the
 * whole http block `ngx_http_variables_init_vars` stops with `unknown "name" variable` for a name
 * that no module provides, no prefix family (`$http_*`, `$cookie_*`, `$arg_*`...) covers and no
 * directive declares (`set`, `map`, `geo`, `split_clients`, `perl_set`, `js_set`,
 * `auth_request_set`, `set_by_lua*`, a named group of a regex). Names are case-insensitive.
 *
 * Checked only where the linter sees the whole configuration (the main context, every include
 * read, no third-party directives declared in `nginxDirectives`): a fragment's variables may be
 * declared by a `map` in a file that includes it. Declarations are gathered generously (any
 * `$name` word outside a script position counts, the variables of every module nginx.org ships
 * are known whatever the build), so a refusal here is one nginx makes; a variable read by a
 * directive outside the table below is not checked.
 */
import type { Problem } from '../../model/header-rewrite.js';
import { compileScript, scriptVariables } from '../../model/ops/nginx-script.js';
import type { Span } from '../../source.js';
import type { RootContext } from './context.js';
import type { SourceTree } from './includes.js';
import { mayInclude } from './lexer.js';
import type { Directive, Word } from './syntax.js';

/** The variables of nginx's http modules (src/http/**: `ngx_http_variable_t` tables and names added one by one), any version. */
const BUILT_IN = new Set(
  (
    'ancient_browser args binary_remote_addr body_bytes_sent bytes_sent connection connection_requests connection_time ' +
    'connections_active connections_reading connections_waiting connections_writing content_length content_type date_gmt ' +
    'date_local document_root document_uri fastcgi_path_info fastcgi_script_name geoip_area_code geoip_city ' +
    'geoip_city_continent_code geoip_city_country_code geoip_city_country_code3 geoip_city_country_name geoip_country_code ' +
    'geoip_country_code3 geoip_country_name geoip_dma_code geoip_latitude geoip_longitude geoip_org geoip_postal_code ' +
    'geoip_region geoip_region_name grpc_internal_trailers gzip_ratio host hostname http2 http3 https invalid_referer ' +
    'is_args is_request_port limit_conn_status limit_rate limit_req_status modern_browser msec msie nginx_version pid pipe ' +
    'proxy_add_via proxy_add_x_forwarded_for proxy_host proxy_internal_body_length proxy_internal_chunked proxy_port ' +
    'proxy_protocol_addr proxy_protocol_port proxy_protocol_server_addr proxy_protocol_server_port query_string ' +
    'realip_remote_addr realip_remote_port realpath_root remote_addr remote_port remote_user request request_body ' +
    'request_body_file request_completion request_filename request_id request_length request_method request_port ' +
    'request_time request_uri scheme secure_link secure_link_expires server_addr server_name server_port server_protocol ' +
    'slice_range spdy spdy_request_priority ssl_alpn_protocol ssl_cipher ssl_ciphers ssl_client_cert ssl_client_escaped_cert ' +
    'ssl_client_fingerprint ssl_client_i_dn ssl_client_i_dn_legacy ssl_client_raw_cert ssl_client_s_dn ' +
    'ssl_client_s_dn_legacy ssl_client_serial ssl_client_sigalg ssl_client_v_end ssl_client_v_remain ssl_client_v_start ' +
    'ssl_client_verify ssl_curve ssl_curves ssl_early_data ssl_ech_outer_server_name ssl_ech_status ssl_protocol ' +
    'ssl_server_name ssl_session_id ssl_session_reused ssl_sigalg ssl_sigalgs status tcpinfo_rcv_space tcpinfo_rtt ' +
    'tcpinfo_rttvar tcpinfo_snd_cwnd time_iso8601 time_local uid_got uid_reset uid_set upstream_addr ' +
    'upstream_bytes_received upstream_bytes_sent upstream_cache_etag upstream_cache_last_modified upstream_cache_status ' +
    'upstream_connect_time upstream_header_time upstream_response_length upstream_response_time upstream_status uri ' +
    // ngx_otel_module (a dynamic module of nginx.org's packages), the acme module, and the
    // commercial subscription's (nginx.org's variable index): the linter knows their directives too.
    'otel_trace_id otel_span_id otel_parent_id otel_parent_sampled acme_certificate acme_certificate_key ' +
    'memcached_key jwt_payload upstream_queue_time upstream_last_server_name session_log_binary_id session_log_id'
  ).split(' '),
);

/** Families `ngx_http_get_variable` serves by prefix. */
const PREFIXES = ['http_', 'sent_http_', 'sent_trailer_', 'cookie_', 'arg_', 'upstream_http_', 'upstream_trailer_', 'upstream_cookie_', 'proxy_protocol_tlv_', 'jwt_claim_', 'jwt_header_'];

type Positions = (args: readonly Word[]) => readonly number[];

const all: Positions = (args) => args.map((_, i) => i);
const from =
  (n: number): Positions =>
  (args) =>
    args.map((_, i) => i).filter((i) => i >= n);
const at =
  (...n: number[]): Positions =>
  (args) =>
    n.filter((i) => i < args.length);
/** A pattern (the first argument) is a complex value unless it is a regex (`~`) or a keyword. */
const literalPatternAnd = (keywords: readonly string[]): Positions => (args) =>
  args.length === 1 ? [] : [...(args[0]!.value.startsWith('~') || keywords.includes(args[0]!.value) ? [] : [0]), ...from(1)(args)];

/**
 * The arguments nginx compiles as complex values (or looks up as variables), by directive: the
 * common ones, and every one the linter simulates. Words at other positions that are a whole
 * `$name` declare it (`set $x`, `map $src $x`, `js_set $x`, third-party modules alike).
 */
const SCRIPTS: Readonly<Record<string, Positions>> = {
  add_header: at(1),
  add_trailer: at(1),
  set: at(1),
  map: at(0),
  split_clients: at(0),
  auth_request_set: at(1),
  return: (args) => (args.length === 2 || !/^\d+$/.test(args[0]?.value ?? '') ? [args.length - 1] : []),
  rewrite: at(1),
  proxy_cookie_path: literalPatternAnd(['off']),
  proxy_cookie_domain: literalPatternAnd(['off']),
  proxy_cookie_flags: (args) => (args.length === 1 ? [] : [...(args[0]!.value.startsWith('~') ? [] : [0]), ...from(1)(args)]),
  proxy_redirect: literalPatternAnd(['default', 'off']),
  proxy_set_header: at(1),
  grpc_set_header: at(1),
  fastcgi_param: at(1),
  uwsgi_param: at(1),
  scgi_param: at(1),
  proxy_pass: at(0),
  fastcgi_pass: at(0),
  uwsgi_pass: at(0),
  scgi_pass: at(0),
  grpc_pass: at(0),
  root: at(0),
  alias: at(0),
  try_files: all,
  error_page: (args) => [args.length - 1],
  proxy_cache_key: at(0),
  fastcgi_cache_key: at(0),
  limit_req_zone: at(0),
  limit_conn_zone: at(0),
  sub_filter: at(0, 1),
  // Read by moreHeadersUses: no argument declares.
  more_set_headers: all,
  more_set_input_headers: all,
};

/** Blocks whose contents are directives nginx reads in the http variable namespace. */
const DIRECTIVE_BLOCKS = new Set(['http', 'server', 'location', 'if', 'limit_except', 'upstream']);

const NAMED_GROUP = /\(\?(?:P?<([A-Za-z_][A-Za-z0-9_]*)>|'([A-Za-z_][A-Za-z0-9_]*)')/g;
const WHOLE_VARIABLE = /^\$([A-Za-z0-9_]+)$/;

interface Use {
  readonly name: string;
  readonly span: Span;
}

/**
 * The variables of each complex value seen (a large configuration repeats the same few: `$host`,
 * `$document_root$fastcgi_script_name`...); `null` for one that does not compile. Emptied after
 * each configuration.
 */
const usesOfValue = new Map<string, readonly string[] | null>();

/** `$name` references of one word compiled as a complex value. */
function scriptUses(value: string, span: Span, out: Use[]): void {
  if (!value.includes('$')) return;
  let names = usesOfValue.get(value);
  if (names === undefined) {
    const compiled = compileScript(value);
    // One that does not compile is reported where the directive is lowered, or not simulated.
    usesOfValue.set(value, (names = compiled.ok ? scriptVariables(compiled.script) : null));
  }
  if (names) for (const name of names) out.push({ name, span });
}

/** `if (...)`: `ngx_http_rewrite_if_condition` (a `$variable`, `=`/`!=` a complex value, or a file test of one). */
function ifUses(d: Directive, out: Use[]): void {
  const words = d.args.map((w) => ({ w, value: w.value }));
  if (words.length === 0) return;
  words[0]!.value = words[0]!.value.replace(/^\(/, '');
  words[words.length - 1]!.value = words[words.length - 1]!.value.replace(/\)$/, '');
  const parts = words.filter((x) => x.value !== '');
  const first = parts[0];
  if (!first) return;
  const variable = WHOLE_VARIABLE.exec(first.value);
  if (variable) {
    out.push({ name: variable[1]!.toLowerCase(), span: first.w.span });
    const op = parts[1]?.value;
    if ((op === '=' || op === '!=') && parts[2]) scriptUses(parts[2].value, parts[2].w.span, out);
    return;
  }
  if (/^!?-[fdex]$/.test(first.value) && parts[1]) scriptUses(parts[1].value, parts[1].w.span, out);
}

/** `more_set_headers [-s codes] [-t types] "Name: value"...` (`ngx_http_headers_more_parse_directive`): each value after its colon. */
function moreHeadersUses(d: Directive, out: Use[]): void {
  for (let i = 0; i < d.args.length; i++) {
    const w = d.args[i]!;
    if (w.value === '-s' || w.value === '-t') i++;
    else if (!w.value.startsWith('-') && w.value.includes(':')) scriptUses(w.value.slice(w.value.indexOf(':') + 1), w.span, out);
  }
}

/** `log_format name [escape=...] string ...` (`ngx_http_log_compile`): every `$name` of the format strings. */
function logFormatUses(d: Directive, out: Use[]): void {
  for (const w of d.args.slice(1)) if (!w.value.startsWith('escape=')) scriptUses(w.value, w.span, out);
}

/** Every `http` block, wherever it is written (only the main level is valid; nginx refuses the others first). */
function httpBlocks(directives: readonly Directive[], out: Directive[]): Directive[] {
  for (const d of directives) {
    if (d.block) {
      if (d.name.value === 'http') out.push(d);
      httpBlocks(d.block.children, out);
    }
    if (d.included) for (const f of d.included) httpBlocks(f.directives, out);
  }
  return out;
}

/** Every map entry, in nested includes too. */
function mapEntries(directives: readonly Directive[], out: Use[]): void {
  for (const e of directives) {
    if (e.args.length === 1 && mayInclude(e.args[0]!, e.args[0]!, '$') && e.name.value !== 'include' && e.name.value !== 'hostnames' && e.name.value !== 'volatile') scriptUses(e.args[0]!.value, e.args[0]!.span, out);
    if (e.block) mapEntries(e.block.children, out);
    if (e.included) for (const f of e.included) mapEntries(f.directives, out);
  }
}

/** Names of regex groups (`(?<name>`, `(?P<name>`, `(?'name'`) written anywhere in a word. */
function declareGroups(value: string, declared: Set<string>): void {
  if (!value.includes('(?')) return;
  for (const m of value.matchAll(NAMED_GROUP)) declared.add((m[1] ?? m[2]!).toLowerCase());
}

const startsWithDollar = (w: Word) => w.value.charCodeAt(0) === 36; /* $ */
const hasDollar = (w: Word) => w.value.includes('$');

/** A word that is a whole `$name`. */
function declareWhole(value: string, declared: Set<string>): void {
  if (value.charCodeAt(0) !== 36 /* $ */) return;
  const m = WHOLE_VARIABLE.exec(value);
  if (m) declared.add(m[1]!.toLowerCase());
}

/** Every name some directive may declare, read generously (see the file comment). */
function declaredNames(directives: readonly Directive[], declared = new Set<string>(), inMap = false): Set<string> {
  for (const d of directives) {
    const name = d.name.value;
    const args = d.args;
    if (d.included) for (const f of d.included) declaredNames(f.directives, declared, inMap);
    if (d.block) declaredNames(d.block.children, declared, name === 'map');
    // Only a `$name` word or a regex's named group declares: most directives have neither.
    const last = args[args.length - 1] ?? d.name;
    if (!mayInclude(d.name, last, '$') && !mayInclude(d.name, last, '(?')) continue;
    declareGroups(name, declared);
    for (const w of args) declareGroups(w.value, declared);
    // A map's keys are strings and its values complex values: neither declares.
    if (name === 'if' || inMap) continue;
    declareWhole(name, declared);
    // Only a whole `$name` word declares: most directives have none (no position list to make).
    if (!args.some(startsWithDollar)) continue;
    const positions = SCRIPTS[name];
    const scripts = positions ? positions(args) : [];
    for (let i = 0; i < args.length; i++) if (!scripts.includes(i)) declareWhole(args[i]!.value, declared);
  }
  return declared;
}

/** Every variable use the table covers, in the http namespace (stream and mail have their own). */
function variableUses(directives: readonly Directive[], skip: ReadonlySet<Directive>, out: Use[]): void {
  for (const d of directives) {
    const name = d.name.value;
    if (d.included) for (const f of d.included) variableUses(f.directives, skip, out);
    // A directive nginx does not know is refused as such first.
    if (skip.has(d)) continue;
    // No `$` anywhere in its words: it reads no variable (most directives), but a map's entries may.
    if (d.args.length === 0 || !mayInclude(d.name, d.args[d.args.length - 1]!, '$')) {
      if (d.block && DIRECTIVE_BLOCKS.has(name)) variableUses(d.block.children, skip, out);
      continue;
    }
    if (name === 'if') ifUses(d, out);
    else if (name === 'log_format') logFormatUses(d, out);
    else if (name === 'more_set_headers' || name === 'more_set_input_headers') moreHeadersUses(d, out);
    else {
      const positions = SCRIPTS[name];
      // A word without `$` reads no variable: most directives have none (no position list to make).
      if (positions && d.args.some(hasDollar)) for (const i of positions(d.args)) scriptUses(d.args[i]!.value, d.args[i]!.span, out);
    }
    if (name === 'map' && d.block) mapEntries(d.block.children, out);
    if (d.block && DIRECTIVE_BLOCKS.has(name)) variableUses(d.block.children, skip, out);
  }
}

/** At most this many unknown variables are reported (nginx stops at the first). */
const MAX_REPORTED = 64;

/** Reports the variables nginx would not know, where the linter sees the whole configuration. */
export function unknownVariables(tree: SourceTree, context: RootContext, thirdParty: readonly string[], unknown: ReadonlySet<Directive>, problems: Problem[]): void {
  if (context !== 'main' || tree.unresolved.size > 0 || thirdParty.length > 0) return;
  const http = httpBlocks(tree.directives, []);
  if (http.length === 0) return;
  const declared = declaredNames(tree.directives);
  const known = (name: string) => BUILT_IN.has(name) || declared.has(name) || PREFIXES.some((p) => name.startsWith(p));
  const uses: Use[] = [];
  try {
    for (const h of http) variableUses(h.block!.children, unknown, uses);
  } finally {
    usesOfValue.clear();
  }
  let reported = 0;
  for (const use of uses) {
    if (known(use.name)) continue;
    if (reported++ === MAX_REPORTED) break;
    problems.push({ span: use.span, message: `unknown "${use.name}" variable`, kind: 'refused' });
  }
}
