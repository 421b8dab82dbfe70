/**
 * Which server a file configures, when `--type` does not say: the file name first, then the
 * content. Works on fragments: one `Header edit ...` line is Apache, one `proxy_cookie_path ...;`
 * line is nginx.
 */
import type { Dialect } from '../model/header-rewrite.js';

const APACHE_NAMES = /^(?:\.htaccess|.*\.htaccess|httpd\.conf|apache2?\.conf|httpd-.*\.conf)$/i;
const NGINX_NAMES = /^(?:nginx\.conf|.*\.nginx|.*\.nginxconf|(?:fastcgi|proxy|uwsgi|scgi)_params|fastcgi\.conf)$/i;
const IIS_NAMES = /^(?:web\.config|applicationhost\.config|.*\.web\.config)$/i;
const HAPROXY_NAMES = /^(?:haproxy\.cfg|.*\.haproxy)$/i;

/**
 * HAProxy: section keywords alone on the start of a line (`frontend fe`, `backend be`,
 * `defaults`), or the keywords only HAProxy has (`http-response ...`, `use_backend`, `rspirep`).
 */
const HAPROXY_LINE = /^(?:(?:frontend|backend|listen|userlist|peers|resolvers)\s+\S+(?:\s+from\s+\S+)?|global|defaults(?:\s+\S+)?(?:\s+from\s+\S+)?|(?:http-(?:response|request|after-response)|tcp-(?:request|response)|use_backend|default_backend|rsp(?:i?rep|add|i?del|i?deny)|req(?:i?rep|add|i?del))\s.*|\.(?:if|elif|else|endif)\b.*)$/;
const CADDY_NAMES = /^(?:caddyfile(?:\..*)?|.*\.caddyfile|.*\.caddy|caddy\.json)$/i;

/** Caddyfile directives that start a line (no `;` at the end, unlike nginx). */
const CADDY_DIRECTIVES = new Set([
  'reverse_proxy', 'php_fastcgi', 'file_server', 'handle', 'handle_path', 'handle_errors', 'route', 'header_down', 'header_up',
  'encode', 'tls', 'respond', 'redir', 'basicauth', 'forward_auth', 'request_header', 'uri', 'try_files', 'templates', 'import',
]);

/** Caddy: directives of its own, `@matchers`, `(snippets) {`, or JSON with `"apps"`. */
function caddyScore(lines: readonly string[]): number {
  let score = 0;
  for (const line of lines) {
    const first = /^\S+/.exec(line)?.[0] ?? '';
    if (line.endsWith(';')) continue;
    if (CADDY_DIRECTIVES.has(first) || /^@[\w-]+(\s|$)/.test(line) || /^\([\w.-]+\)\s*\{$/.test(line) || /^header\s+[+\-?>]?[\w-]+(\s|$)/i.test(line) && !/^Header\s+(always|onsuccess|set|add|edit\*?|unset|append|merge|setifempty|echo|note)\s/i.test(line)) score += 3;
  }
  return score;
}

/** Apache directives that start a line (names are case-insensitive in Apache). */
const APACHE_DIRECTIVES = new Set(
  [
    'header', 'requestheader', 'proxypass', 'proxypassreverse', 'proxypassmatch', 'proxypassreversecookiepath',
    'proxypassreversecookiedomain', 'proxypreservehost', 'proxyrequests', 'proxyerroroverride', 'proxyset',
    'balancermember', 'servername', 'serveralias', 'serveradmin', 'serverroot', 'documentroot', 'rewriteengine',
    'rewriterule', 'rewritecond', 'rewritebase', 'loadmodule', 'include', 'includeoptional', 'sslengine',
    'sslcertificatefile', 'sslcertificatekeyfile', 'sslproxyengine', 'alias', 'aliasmatch', 'scriptalias', 'scriptaliasmatch', 'setenv',
    'setenvif', 'setenvifnocase', 'unsetenv', 'options', 'allowoverride', 'require', 'errorlog', 'customlog',
    'loglevel', 'define', 'undefine', 'sethandler', 'addhandler', 'addtype', 'directoryindex', 'sessioncookiename',
    'keepalive', 'timeout', 'user', 'group', 'pidfile', 'mutex', 'regexdefaultoptions', 'redirect', 'redirectmatch',
    'servertokens', 'serversignature', 'traceenable', 'order', 'allow', 'deny', 'satisfy', 'authtype', 'authname',
  ],
);

/** nginx directives that start a statement (names are case-sensitive, lower-case). */
const NGINX_DIRECTIVES = new Set([
  'server', 'location', 'http', 'events', 'upstream', 'proxy_pass', 'proxy_cookie_path', 'proxy_cookie_domain',
  'proxy_cookie_flags', 'proxy_set_header', 'proxy_hide_header', 'proxy_redirect', 'proxy_http_version', 'listen',
  'server_name', 'root', 'index', 'add_header', 'more_set_headers', 'more_clear_headers', 'fastcgi_pass',
  'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'return', 'rewrite', 'try_files', 'ssl_certificate',
  'ssl_certificate_key', 'access_log', 'error_log', 'worker_processes', 'user', 'map', 'if', 'set',
  'header_filter_by_lua_block', 'header_filter_by_lua', 'client_max_body_size', 'keepalive_timeout', 'gzip',
  'include', 'proxy_cookie_flags', 'proxy_read_timeout', 'proxy_connect_timeout', 'proxy_buffering', 'ssl_protocols',
  'ssl_ciphers', 'resolver', 'sendfile', 'charset', 'default_type', 'expires', 'deny', 'allow', 'alias', 'auth_basic',
]);

const IIS_FRAGMENT_ROOT =
  /^<(?:(?:system\.webServer|system\.web|rewrite|outboundRules|globalRules|httpCookies|preConditions|rules)(?=[\s>/])|(?:rule|location)\s+(?:name|path|enabled|stopProcessing|inheritInChildApplications)="|xsl:stylesheet\b[^>]*\bhttp:\/\/www\.w3\.org\/1999\/XSL\/Transform)/;

/** Lines of content the signals read: the first ones only, so a large file costs no more than a small one. */
const DETECT_LINES = 2000;

/** The first {@link DETECT_LINES} lines that are neither blank nor comments, trimmed. */
function stripComments(text: string): string[] {
  const out: string[] = [];
  const eol = /\r\n|\r|\n/g;
  for (let at = 0; out.length < DETECT_LINES; ) {
    eol.lastIndex = at;
    const m = eol.exec(text);
    const line = text.slice(at, m ? m.index : text.length).trim();
    if (line !== '' && !line.startsWith('#')) out.push(line);
    if (!m) break;
    at = m.index + m[0].length;
  }
  return out;
}

/** nginx directives that open a block (`name ... {`). */
const NGINX_BLOCKS = new Set(['http', 'server', 'location', 'events', 'upstream', 'map', 'if', 'types', 'geo', 'limit_except', 'split_clients', 'stream', 'mail']);

/** How much of a file looks like each server, and how much of that is structure (sections, blocks). */
export interface ContentScore {
  readonly apache: number;
  readonly nginx: number;
  /** Lines with an Apache section tag (`<VirtualHost ...>`): nginx cannot parse them. */
  readonly apacheSections: number;
  /** Lines opening or closing an nginx block: Apache cannot parse them. */
  readonly nginxBlocks: number;
}

/**
 * Signals, strongest first: a section tag is Apache's alone; a known nginx block (`server {`) or a
 * closing brace is nginx's alone; a known directive name counts for its server (Apache names are
 * case-insensitive and never contain `_`, nginx names are lower-case). A line ending in `;` is no
 * signal by itself: Apache values end in `;` all the time (`Header edit ... "$1; HttpOnly;"`).
 */
export function scoreContent(text: string): ContentScore {
  let apache = 0;
  let nginx = 0;
  let apacheSections = 0;
  let nginxBlocks = 0;
  for (const line of stripComments(text)) {
    if (/^<\/?[A-Za-z][\w]*(\s[^>]*)?>$/.test(line)) {
      apache += 3;
      apacheSections++;
      continue;
    }
    const first = /^[A-Za-z_][\w.-]*/.exec(line)?.[0] ?? '';
    // A known block opened on the line (`server {`, or `server { listen 80; }` written on one line).
    if (line === '}' || (NGINX_BLOCKS.has(first) && /^[A-Za-z_][\w.-]*(?:\s[^{;]*)?\{/.test(line))) {
      nginx += 3;
      nginxBlocks++;
      continue;
    }
    const endsWithSemicolon = line.endsWith(';');
    if (NGINX_DIRECTIVES.has(first) && endsWithSemicolon) nginx += 2;
    else if (first.includes('_') && endsWithSemicolon) nginx += 1;
    else if (/\{$/.test(line) && /^[a-z_]+$/.test(first)) nginx += 1;
    else if (APACHE_DIRECTIVES.has(first.toLowerCase())) apache += first[0] === first[0]?.toUpperCase() ? 2 : 1;
  }
  return { apache, nginx, apacheSections, nginxBlocks };
}

/** A file whose content points to both servers: the result names the evidence for each. */
export interface Ambiguous {
  readonly ambiguous: true;
  readonly apache: number;
  readonly nginx: number;
}

/** One side wins when its evidence is at least this many times the other's. */
const DECISIVE_RATIO = 3;

export function detectByName(path: string): Dialect | null {
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  if (IIS_NAMES.test(name)) return 'iis';
  if (HAPROXY_NAMES.test(name)) return 'haproxy';
  if (CADDY_NAMES.test(name)) return 'caddy';
  if (APACHE_NAMES.test(name)) return 'apache';
  if (NGINX_NAMES.test(name)) return 'nginx';
  return null;
}

export function detectByContent(text: string): Dialect | Ambiguous | null {
  const head = text.replace(/^\uFEFF/, '').trimStart();
  if (/^<\?xml\b/.test(head) || /^<configuration\b/i.test(head) || /^<!--[\s\S]*?-->\s*<configuration\b/i.test(head)) return 'iis';
  // IIS fragments pasted as a whole file (src/dialects/iis/fragments.ts): element names Apache
  // does not have, with XML attribute syntax where Apache has a section of the same name.
  if (IIS_FRAGMENT_ROOT.test(head.replace(/^(?:<!--[\s\S]*?-->\s*)+/, ''))) return 'iis';
  if (isHaproxy(text)) return 'haproxy';
  if (/^\{\s*"/.test(head) && /"apps"\s*:/.test(head)) return 'caddy';
  const { apache, nginx, apacheSections } = scoreContent(text);
  // Caddy: its own directives and matchers; closing braces count for nginx too, so a file
  // without a single `;`-terminated statement or Apache section goes to Caddy when it has any.
  const lines = stripComments(text);
  const caddy = caddyScore(lines);
  const statements = lines.filter((l) => l.endsWith(';')).length;
  if (caddy > 0 && ((caddy > apache && caddy > nginx) || (statements === 0 && apacheSections === 0 && caddy >= apache))) return 'caddy';
  if (apache === 0 && nginx === 0) return null;
  if (nginx === 0 || apache >= DECISIVE_RATIO * nginx) return 'apache';
  if (apache === 0 || nginx >= DECISIVE_RATIO * apache) return 'nginx';
  return { ambiguous: true, apache, nginx };
}

/** At least one HAProxy-only line and no line ending like nginx's (`;`, `{`, `}`) or opening an Apache section. */
function isHaproxy(text: string): boolean {
  let hits = 0;
  for (const line of stripComments(text)) {
    if (/[;{]$/.test(line) && !/\{\s*\S.*\}\s*$/.test(line)) return false;
    if (line === '}' || /^<\/?[A-Za-z]/.test(line)) return false;
    if (HAPROXY_LINE.test(line)) hits++;
  }
  return hits > 0;
}

/** Path hints for ambiguous content: /etc/nginx/... vs /etc/apache2/... */
function detectByDirectory(path: string): Dialect | null {
  if (/(^|[/\\])(nginx|openresty)([/\\]|$)/i.test(path)) return 'nginx';
  if (/(^|[/\\])(apache2?|httpd)([/\\]|$)/i.test(path)) return 'apache';
  if (/(^|[/\\])haproxy([/\\]|$)/i.test(path)) return 'haproxy';
  return null;
}

/**
 * The dialect of a file, or the evidence when its content points to both servers: such a file is
 * reported instead of guessed, because a wrong guess lints a blanket HttpOnly rule as clean.
 */
export function detectDialectOrAmbiguity(path: string, text: string): Dialect | Ambiguous | null {
  return detectByName(path) ?? detectByContent(text) ?? detectByDirectory(path);
}

export function detectDialect(path: string, text: string): Dialect | null {
  const d = detectDialectOrAmbiguity(path, text);
  return typeof d === 'string' ? d : null;
}
