/**
 * Whole configurations from a small grammar per dialect: the cookie directives the linter
 * models (Apache `Header`, nginx `proxy_cookie_*` / `add_header`, IIS outbound rules and
 * `<httpCookies>`), placed in realistic scopes, with random regexes (well-formed, broken and
 * catastrophic ones such as `(a+)+$`) and random replacement strings.
 */
import fc from 'fast-check';
import { CORPUS_PATTERNS } from '../regex/corpus.js';
import { ecmaPattern, pcrePattern } from '../regex/generate.js';

/** Patterns whose naive backtracking is exponential or polynomial on cookie-like subjects. */
const CATASTROPHIC_PATTERNS: readonly string[] = [
  '(a+)+$', '^(a+)+$', '(.*)*x', '(.*a){20}', '^(a|aa)+$', '(\\w+\\s?)+$', '((a*)*)*b', '^(([a-z])+.)+[A-Z]([a-z])+$', '(x+x+)+y', '^(.*?,){11}P',
  '(.*)*(.*)*(.*)*$', '(?:a|a)*$', '^(.*=.*)*;$', '(\\w|\\w)*;', '^([^;]*;?)*HttpOnly$', '(.+)+\\1z',
];

const COOKIE_PATTERNS: readonly string[] = [
  '^(XSRF-TOKEN=.*)$', '^(?!XSRF-TOKEN)(.*)$', '(?i)^(atl\\.xsrf\\.token|JSESSIONID)=(.*)$', 'JSESSIONID', '^JSESSIONID=', '^(JSESSIONID=.*)$', '.', '^', '$', 'xsrf', '(?i)xsrf',
  '^((?!httponly).)*$', '^(?!.*HttpOnly)(.*)$', '^([^=]+)=(.*)$', '(.*)(;\\s*[Pp]ath=/)(.*)', '^(?!(?:atl\\.xsrf\\.token|csrftoken)=)(.*)$', '(?i)^(?!.*;\\s*httponly)(.+)$',
];

/** The blanket patterns of hardening guides: they reach the XSRF cookies, so fixes get exercised. */
const BLANKET_PATTERNS: readonly string[] = ['^(.*)$', '(.*)', '.*', '^(.+)$', '^(.*?)$', '(?i)^(.*)$', '^([^;]*)(.*)$', '^(?!JSESSIONID)(.*)$'];

/** A regex for the PCRE (Apache, nginx) or ECMAScript (IIS) flavor. */
function regexArb(flavor: 'pcre' | 'ecma'): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...BLANKET_PATTERNS) },
    { weight: 3, arbitrary: fc.constantFrom(...CORPUS_PATTERNS, ...COOKIE_PATTERNS) },
    { weight: 2, arbitrary: fc.constantFrom(...CATASTROPHIC_PATTERNS) },
    { weight: 3, arbitrary: flavor === 'pcre' ? pcrePattern() : ecmaPattern() },
    // A cookie-name prefix in front of a random tail, so that patterns meet real cookie names.
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('^XSRF-TOKEN', '^JSESSIONID=', '^(?i)xsrf', '^atl\\.'), flavor === 'pcre' ? pcrePattern() : ecmaPattern()).map(([a, b]) => a + b) },
  );
}

/** Half the time the classic "append HttpOnly" replacement, otherwise a random mix of pieces. */
function replacementArb(classic: readonly string[], pieces: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(fc.constantFrom(...classic), fc.array(fc.constantFrom(...pieces), { minLength: 0, maxLength: 4 }).map((p) => p.join('')));
}

const FLAG_PIECES = ['; HttpOnly', ';HttpOnly', '; httponly', '; Secure', '; SameSite=Strict', '; Path=/', ' HttpOnly', 'HttpOnly;', ';', ' ', 'x'];
const APACHE_REPLACEMENT = replacementArb(['$1; HttpOnly', '$0; HttpOnly', '$1;HttpOnly;Secure', '$1; HttpOnly; Secure'], ['$1', '$0', '$2', '$9', '\\1', '${X}', '%{HTTP_HOST}e', '%%', ...FLAG_PIECES]);
const NGINX_PATH_REPLACEMENT = replacementArb(['/; HttpOnly', '$1; HttpOnly', '/; HTTPOnly; Secure'], ['/', '$1', '$2', '${1}', '$uri', '$arg_x', ...FLAG_PIECES]);
const IIS_REPLACEMENT = replacementArb(['{R:0}; HttpOnly', '{R:1}; HttpOnly', '{R:0}; HttpOnly; Secure'], ['{R:0}', '{R:1}', '{R:2}', '{R:9}', '{C:1}', '{HTTP_HOST}', '{ToLower:{R:0}}', '{', '}', ...FLAG_PIECES]);

const COOKIE_VALUES = ['XSRF-TOKEN=x; Path=/; HttpOnly', 'JSESSIONID=1; HttpOnly', 'atl.xsrf.token=t', 'a=b; Secure', ''];

// ---------------------------------------------------------------------------------------------
// Apache httpd

/** A double-quoted Apache argument (httpd unescapes only `\"` inside quotes). */
function apacheQuote(s: string): string {
  return `"${s.replace(/"/g, '\\"')}"`;
}

const APACHE_CONDITION = fc.constantFrom('', '', 'always ', 'onsuccess ');
const APACHE_TAIL = fc.constantFrom('', '', ' env=!no_cookie_fix', ' "expr=%{REQUEST_URI} =~ m#^/app#"', ' early');

const apacheHeaderLine: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .tuple(APACHE_CONDITION, fc.constantFrom('edit', 'edit*'), fc.constantFrom('Set-Cookie', 'set-cookie'), regexArb('pcre'), APACHE_REPLACEMENT, fc.boolean(), APACHE_TAIL)
      .map(([cond, action, header, re, repl, quoteRe, tail]) => `Header ${cond}${action} ${header} ${quoteRe ? apacheQuote(re) : re.replace(/\s/g, '') || '.'} ${apacheQuote(repl)}${tail}`),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(APACHE_CONDITION, fc.constantFrom('set', 'append', 'add', 'merge', 'setifempty'), fc.constantFrom(...COOKIE_VALUES), APACHE_TAIL)
      .map(([cond, action, value, tail]) => `Header ${cond}${action} Set-Cookie ${apacheQuote(value)}${tail}`),
  },
  { weight: 1, arbitrary: fc.constantFrom('Header unset Set-Cookie', 'Header always unset Set-Cookie', 'RequestHeader edit Cookie ^(.*)$ "$1; x=1"') },
  { weight: 1, arbitrary: fc.constantFrom('ProxyPassReverseCookiePath / "/; HttpOnly"', 'ProxyPassReverseCookieDomain backend example.com', 'ProxyPassReverseCookiePath /app /') },
);

const apacheBackend = fc.constantFrom(
  'ProxyPass / http://127.0.0.1:8080/',
  'ProxyPass / ajp://127.0.0.1:8009/',
  'SetHandler "proxy:fcgi://127.0.0.1:9000"',
  'ProxyPass /app http://127.0.0.1:8080/app',
  '',
);

const indentLines = (lines: readonly string[], indent: string) => lines.map((l) => `${indent}${l}\n`).join('');

export const apacheConfig: fc.Arbitrary<{ basename: string; text: string }> = fc
  .record({
    server: fc.array(apacheHeaderLine, { maxLength: 2 }),
    backend: apacheBackend,
    vhost: fc.array(apacheHeaderLine, { minLength: 1, maxLength: 4 }),
    location: fc.option(fc.tuple(fc.constantFrom('<Location /app>', '<LocationMatch "^/(api|app)">', '<IfModule mod_headers.c>', '<If "%{HTTP_HOST} == \'a\'">'), fc.array(apacheHeaderLine, { minLength: 1, maxLength: 3 }))),
    eol: fc.constantFrom('\n', '\n', '\r\n'),
  })
  .map(({ server, backend, vhost, location, eol }) => {
    let text = indentLines(server, '');
    text += `<VirtualHost *:80>\n    ServerName app.example.com\n`;
    if (backend) text += `    ${backend}\n`;
    text += indentLines(vhost, '    ');
    if (location) {
      const [open, lines] = location;
      const close = `</${/^<(\w+)/.exec(open)![1]}>`;
      text += `    ${open}\n${indentLines(lines, '        ')}    ${close}\n`;
    }
    text += '</VirtualHost>\n';
    return { basename: 'site.conf', text: text.replace(/\n/g, eol) };
  });

// ---------------------------------------------------------------------------------------------
// nginx

/** A double-quoted nginx argument: nginx unescapes `\\` and `\"` (proxy-semantics.md §2.7). */
function nginxQuote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const NGINX_FLAGS = ['httponly', 'nohttponly', 'secure', 'nosecure', 'samesite=strict', 'samesite=lax', 'samesite=none', 'nosamesite', 'HttpOnly', 'bogus'];

const nginxCookieMatcher = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom('XSRF-TOKEN', 'JSESSIONID', 'atl.xsrf.token', '~', '~*', 'off', 'csrftoken') },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('~', '~*'), regexArb('pcre')).map(([op, re]) => nginxQuote(op + re)) },
);

const nginxCookieLine: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(nginxCookieMatcher, fc.uniqueArray(fc.constantFrom(...NGINX_FLAGS), { minLength: 1, maxLength: 3 }))
      .map(([m, flags]) => (m === 'off' ? 'proxy_cookie_flags off;' : `proxy_cookie_flags ${m} ${flags.join(' ')};`)),
  },
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.oneof(fc.constantFrom('/', '/app', 'off'), fc.tuple(fc.constantFrom('~', '~*'), regexArb('pcre')).map(([op, re]) => op + re)), NGINX_PATH_REPLACEMENT)
      .map(([from, to]) => (from === 'off' ? 'proxy_cookie_path off;' : `proxy_cookie_path ${nginxQuote(from)} ${nginxQuote(to)};`)),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.oneof(fc.constant('backend'), regexArb('pcre').map((re) => `~${re}`)), fc.constantFrom('example.com', '$1', '.example.com; HttpOnly')).map(([from, to]) => `proxy_cookie_domain ${nginxQuote(from)} ${nginxQuote(to)};`),
  },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...COOKIE_VALUES), fc.constantFrom('', ' always')).map(([v, always]) => `add_header Set-Cookie ${nginxQuote(v)}${always};`) },
  { weight: 1, arbitrary: fc.constantFrom(...COOKIE_VALUES).map((v) => `more_set_headers ${nginxQuote(`Set-Cookie: ${v}`)};`) },
  { weight: 1, arbitrary: fc.constantFrom('proxy_hide_header Set-Cookie;', 'add_header X-Frame-Options DENY;', 'proxy_pass_header Set-Cookie;') },
);

const nginxBackend = fc.constantFrom('proxy_pass http://127.0.0.1:8080;', 'fastcgi_pass 127.0.0.1:9000;', 'uwsgi_pass 127.0.0.1:3031;', 'proxy_pass http://backend;', 'return 200;');

const nginxLocation = fc
  .record({
    path: fc.oneof(fc.constantFrom('/', '/app/', '= /login', '^~ /static/', '@named'), regexArb('pcre').map((re) => `~ ${nginxQuote(re)}`)),
    backend: nginxBackend,
    lines: fc.array(nginxCookieLine, { maxLength: 4 }),
    // A nested block in one location out of three.
    inner: fc.oneof(
      { weight: 2, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom('if ($arg_x) {', 'location /app/inner/ {', 'limit_except GET {'), fc.array(nginxCookieLine, { maxLength: 2 })) },
    ),
  })
  .map(({ path, backend, lines, inner }) => {
    let text = `        location ${path} {\n            ${backend}\n${indentLines(lines, '            ')}`;
    if (inner) text += `            ${inner[0]}\n${indentLines(inner[1], '                ')}            }\n`;
    return `${text}        }\n`;
  });

export const nginxConfig: fc.Arbitrary<{ basename: string; text: string }> = fc
  .record({
    http: fc.array(nginxCookieLine, { maxLength: 2 }),
    server: fc.array(nginxCookieLine, { maxLength: 2 }),
    locations: fc.array(nginxLocation, { minLength: 1, maxLength: 3 }),
    eol: fc.constantFrom('\n', '\n', '\r\n'),
  })
  .map(({ http, server, locations, eol }) => {
    const text =
      `events {}\nhttp {\n${indentLines(http, '    ')}    server {\n        listen 80;\n${indentLines(server, '        ')}` +
      `${locations.join('')}    }\n}\n`;
    return { basename: 'nginx.conf', text: text.replace(/\n/g, eol) };
  });

// ---------------------------------------------------------------------------------------------
// IIS

/** An XML attribute value, escaped the way an editor would write it. */
function xmlAttr(s: string): string {
  return `"${s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}"`;
}

type IisRule = typeof iisRule extends fc.Arbitrary<infer T> ? T : never;

const iisRule = fc.record({
  // The match pattern leans to the blanket ones: with conditions and preconditions on top, a
  // random pattern rarely reaches a CSRF cookie, and the fix path would go untested.
  pattern: fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...BLANKET_PATTERNS.filter((p) => !p.startsWith('(?i)'))) }, { weight: 1, arbitrary: regexArb('ecma') }),
  replacement: IIS_REPLACEMENT,
  variable: fc.constantFrom('RESPONSE_Set_Cookie', 'RESPONSE_Set_Cookie', 'RESPONSE_Set_Cookie', 'RESPONSE_SET_COOKIE', 'RESPONSE_X_Other'),
  ruleAttrs: fc.tuple(
    fc.constantFrom('', ' preCondition="p"'),
    fc.constantFrom('', ' stopProcessing="true"'),
    fc.oneof({ weight: 5, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constant(' enabled="false"') }),
    fc.oneof({ weight: 6, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(' patternSyntax="ECMAScript"', ' patternSyntax="Wildcard"', ' patternSyntax="ExactMatch"') }),
  ),
  matchAttrs: fc.tuple(fc.constantFrom('', '', ' ignoreCase="false"', ' ignoreCase="true"'), fc.constantFrom('', '', '', ' negate="true"')),
  // Conditions in one rule out of three (each one makes the rule fire less often).
  conditions: fc.oneof(
    { weight: 2, arbitrary: fc.constant(null) },
    {
      weight: 1,
      arbitrary: fc.tuple(
        fc.constantFrom('', ' logicalGrouping="MatchAny"', ' logicalGrouping="MatchAll"'),
        fc.array(fc.tuple(fc.constantFrom('{R:0}', '{R:1}', '{RESPONSE_Set_Cookie}', '{HTTP_COOKIE}', '{REQUEST_URI}'), regexArb('ecma'), fc.boolean()), { minLength: 1, maxLength: 2 }),
      ),
    },
  ),
  action: fc.constantFrom('Rewrite', 'Rewrite', 'Rewrite', 'None'),
});

function renderIisRule(r: IisRule, i: number): string {
  let text = `        <rule name="r${i}"${r.ruleAttrs.join('')}>\n          <match serverVariable="${r.variable}" pattern=${xmlAttr(r.pattern)}${r.matchAttrs.join('')} />\n`;
  if (r.conditions) {
    const [grouping, adds] = r.conditions;
    text += `          <conditions${grouping}>\n`;
    for (const [input, pattern, negate] of adds) text += `            <add input="${input}" pattern=${xmlAttr(pattern)}${negate ? ' negate="true"' : ''} />\n`;
    text += '          </conditions>\n';
  }
  return `${text}          <action type="${r.action}" value=${xmlAttr(r.replacement)} />\n        </rule>\n`;
}

export const iisConfig: fc.Arbitrary<{ basename: string; text: string }> = fc
  .record({
    clear: fc.boolean(),
    rules: fc.array(iisRule, { minLength: 1, maxLength: 3 }),
    preCondition: fc.option(fc.tuple(regexArb('ecma'), fc.boolean())),
    httpCookies: fc.option(fc.constantFrom('<httpCookies httpOnlyCookies="true" />', '<httpCookies httpOnlyCookies="true" requireSSL="true" />', '<httpCookies httpOnlyCookies="false" />')),
    declaration: fc.boolean(),
    eol: fc.constantFrom('\n', '\r\n'),
  })
  .map(({ clear, rules, preCondition, httpCookies, declaration, eol }) => {
    let outbound = (clear ? '        <clear />\n' : '') + rules.map(renderIisRule).join('');
    if (preCondition) {
      const [pattern, negate] = preCondition;
      outbound += `        <preConditions>\n          <preCondition name="p">\n            <add input="{RESPONSE_Set_Cookie}" pattern=${xmlAttr(pattern)}${negate ? ' negate="true"' : ''} />\n          </preCondition>\n        </preConditions>\n`;
    }
    const text =
      (declaration ? '<?xml version="1.0" encoding="utf-8"?>\n' : '') +
      `<configuration>\n  <system.webServer>\n    <rewrite>\n      <outboundRules>\n${outbound}      </outboundRules>\n    </rewrite>\n  </system.webServer>\n` +
      (httpCookies ? `  <system.web>\n    ${httpCookies}\n  </system.web>\n` : '') +
      '</configuration>\n';
    return { basename: 'web.config', text: text.replace(/\n/g, eol) };
  });

// ---------------------------------------------------------------------------------------------
// HAProxy

/** A regex word as an operator would quote it: bare (spaces escaped), in single or double quotes. */
function haproxyWord(s: string, style: 'bare' | 'single' | 'double'): string {
  if (style === 'single') return `'${s.replace(/'/g, "'\\''")}'`;
  if (style === 'double') return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '\\$')}"`;
  return s.replace(/\\/g, '\\\\').replace(/([ #"'])/g, '\\$1') || '""';
}

const HAPROXY_FORMAT = replacementArb(['\\1; HttpOnly', '\\1; HttpOnly; Secure', '\\0; HttpOnly', '\\1\\2; HttpOnly'], ['\\1', '\\0', '\\2', '\\9', '\\x41', '%%', '%[res.hdr(x)]', ...FLAG_PIECES]);
const HAPROXY_CONDITION = fc.constantFrom('', '', '', ' if { status 200 }', ' unless { res.hdr(set-cookie) -m beg XSRF-TOKEN= }', ' if { path_beg /x }', ' if TRUE', ' if { ssl_fc }', ' if missing_acl');

const haproxyRule: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(fc.constantFrom('replace-header', 'replace-header', 'replace-value'), regexArb('pcre'), HAPROXY_FORMAT, fc.constantFrom('bare', 'single', 'double') as fc.Arbitrary<'bare' | 'single' | 'double'>, HAPROXY_CONDITION)
    .map(([action, re, fmt, style, cond]) => `http-response ${action} Set-Cookie ${haproxyWord(re, style)} ${haproxyWord(fmt, 'double')}${cond}`),
  fc.tuple(fc.constantFrom('set-header', 'add-header'), fc.constantFrom(...COOKIE_VALUES), HAPROXY_CONDITION).map(([a, v, c]) => `http-response ${a} Set-Cookie ${haproxyWord(v, 'double')}${c}`),
  fc.constantFrom('http-response del-header Set-Cookie', 'cookie SRV insert httponly secure', 'rspirep ^Set-Cookie:\\ (.*) Set-Cookie:\\ \\1;\\ HttpOnly', 'acl ok status 200', 'mode tcp'),
);

export const haproxyConfig: fc.Arbitrary<{ basename: string; text: string }> = fc
  .record({
    frontend: fc.array(haproxyRule, { maxLength: 2 }),
    backend: fc.array(haproxyRule, { minLength: 1, maxLength: 3 }),
    guarded: fc.boolean(),
    eol: fc.constantFrom('\n', '\n', '\r\n'),
  })
  .map(({ frontend, backend, guarded, eol }) => {
    const text =
      `defaults\n    mode http\n\nfrontend www\n    bind :8000\n${indentLines(frontend, '    ')}    default_backend app\n\nbackend app\n` +
      `${guarded ? '.if defined(HARDEN)\n' : ''}${indentLines(backend, '    ')}${guarded ? '.endif\n' : ''}    server a1 127.0.0.1:8080 cookie a1\n`;
    return { basename: 'haproxy.cfg', text: text.replace(/\n/g, eol) };
  });


// Caddy

/** A Caddyfile token: double-quoted (`\"` is the only escape), backquoted when that cannot hold it. */
function caddyQuote(s: string): string {
  if (!s.includes('`') && (s.includes('\\"') || s.endsWith('\\'))) return `\`${s}\``;
  return `"${s.replace(/"/g, '\\"')}"`;
}

const CADDY_REPLACEMENT = replacementArb(['$1; HttpOnly', '${1}; HttpOnly', '$1; HttpOnly; Secure', '$0;HttpOnly'], ['$1', '$0', '${1}', '$1x', '$$', '${name}', '{http.request.host}', ...FLAG_PIECES]);
const CADDY_FIELD = fc.constantFrom('Set-Cookie', 'Set-Cookie', 'set-cookie', '>Set-Cookie', '+Set-Cookie', '-Set-Cookie', '?Set-Cookie', 'Set-Cookie:', 'X-Other', '*');

const caddyHeaderLine: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(CADDY_FIELD, regexArb('pcre'), CADDY_REPLACEMENT).map(([f, re, r]) => `${f} ${caddyQuote(re)} ${caddyQuote(r)}`) },
  { weight: 1, arbitrary: fc.tuple(CADDY_FIELD, fc.constantFrom(...COOKIE_VALUES)).map(([f, v]) => `${f} ${caddyQuote(v)}`) },
  { weight: 1, arbitrary: fc.constantFrom('-Set-Cookie', '-Set-*', 'defer') },
);

const caddyHeader: fc.Arbitrary<string> = fc.oneof(
  caddyHeaderLine.map((l) => `header ${l}`),
  fc.tuple(fc.constantFrom('', '/api/* ', '@m '), fc.array(caddyHeaderLine, { minLength: 1, maxLength: 3 })).map(([m, ls]) => `header ${m}{\n${ls.map((l) => `\t${l}`).join('\n')}\n}`),
);

const caddyProxy: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('reverse_proxy', 'reverse_proxy', 'php_fastcgi'), fc.array(caddyHeaderLine.filter((l) => !l.startsWith('?') && l !== 'defer'), { maxLength: 2 }))
  .map(([d, ls]) => (ls.length === 0 ? `${d} 127.0.0.1:8080` : `${d} 127.0.0.1:8080 {\n${ls.map((l) => `\theader_down ${l}`).join('\n')}\n}`));

const indentCaddy = (block: string) => block.split('\n').map((l) => `\t${l}`).join('\n');

export const caddyConfig: fc.Arbitrary<{ basename: string; text: string }> = fc
  .record({
    snippet: fc.option(caddyHeader, { nil: undefined }),
    headers: fc.array(caddyHeader, { maxLength: 3 }),
    handle: fc.boolean(),
    route: fc.boolean(),
    proxy: caddyProxy,
    eol: fc.constantFrom('\n', '\n', '\r\n'),
  })
  .map(({ snippet, headers, handle, route, proxy, eol }) => {
    let body = [...headers, proxy].join('\n');
    if (route) body = `route {\n${indentCaddy(body)}\n}`;
    if (handle) body = `handle /app/* {\n${indentCaddy(body)}\n}\nhandle {\n\trespond "static"\n}`;
    const text =
      (snippet ? `(s) {\n${indentCaddy(snippet)}\n}\n\n` : '') +
      `example.com {\n\t@m header X-A 1\n${snippet ? '\timport s\n' : ''}${indentCaddy(body)}\n}\n`;
    return { basename: 'Caddyfile', text: text.replace(/\n/g, eol) };
  });
