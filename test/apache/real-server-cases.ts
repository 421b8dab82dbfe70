/**
 * Adversarial cases run on the real Apache: each body goes into its own virtual host with the
 * standard mounts (HTTP at /h/, FastCGI at /f/, AJP at /a/, SCGI at /s/, uwsgi at /u/, CGI at
 * /cgi/lpc.cgi) unless `mounts` is false: every case checks which table each producer fills.
 * Placeholders: `@HTTP@`, `@FCGI@`, `@AJP@`, `@SCGI@`, `@UWSGI@`, `@CGIDIR@`. Every endpoint with a request path and a declared
 * backend is requested; `requests` adds paths for endpoints without one (matched by label).
 */

export interface RealCase {
  readonly name: string;
  readonly body: string;
  readonly mounts?: boolean;
  /** Extra requests: endpoint label substring → request path. */
  readonly requests?: Readonly<Record<string, string>>;
  readonly cookies?: readonly string[];
}

export const STANDARD_COOKIES: readonly string[] = [
  'JSESSIONID=abc; Path=/; Secure',
  'atl.xsrf.token=tok123; Path=/',
  'XSRF-TOKEN=x1; path=/app; Expires=Wed, 21 Oct 2037 07:28:00 GMT',
  'csrftoken=c1',
  'sc=s; Domain=example.com; Path=/; HttpOnly',
];

const blanket = 'Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"';

export const REAL_CASES: readonly RealCase[] = [
  { name: 'edit-blanket', body: `    ${blanket}` },
  { name: 'edit-blanket-unquoted', body: '    Header edit Set-Cookie ^(.*)$ $1;HttpOnly' },
  { name: 'always-edit', body: '    Header always edit Set-Cookie ^(.*)$ "$1; HttpOnly"' },
  { name: 'onsuccess-word', body: '    Header onsuccess edit Set-Cookie ^(.*)$ "$1; OnSuccess"' },
  { name: 'both-tables', body: `    ${blanket}\n    Header always edit Set-Cookie ^(.*)$ "$1; Always"` },
  { name: 'edit-first-match', body: '    Header edit Set-Cookie "t" "T"' },
  { name: 'edit-star-all', body: '    Header edit* Set-Cookie "a" "A"' },
  { name: 'edit-star-reanchor', body: '    Header edit* Set-Cookie "^[a-z]" "<>"' },
  { name: 'edit-star-crash-dotstar', body: '    Header edit* Set-Cookie "(.*)" "$1; HttpOnly"' },
  { name: 'edit-star-crash-caret', body: '    Header always edit* Set-Cookie "^" "X"' },
  { name: 'edit-star-crash-alt', body: '    Header edit* Set-Cookie "(;|$)" "!$1"' },
  { name: 'edit-dollar', body: '    Header edit Set-Cookie "$" "; HttpOnly"' },
  { name: 'edit-dotstar-once', body: '    Header edit Set-Cookie "(.*)" "$1; Once"' },
  { name: 'case-sensitive', body: '    Header edit Set-Cookie "path" "PATH"' },
  { name: 'inline-icase', body: '    Header edit Set-Cookie "(?i)path=/app" "Path=/moved"' },
  { name: 'lookahead', body: '    Header edit Set-Cookie "^(?!(?:atl\\.xsrf\\.token|XSRF-TOKEN)=)(.*)$" "$1; HttpOnly"' },
  { name: 'atlassian-kb', body: '    Header edit Set-Cookie ^((?!atl).*)$ $1;HttpOnly' },
  { name: 'replacement-escapes', body: '    Header edit Set-Cookie "^([^=]+)=" "\\1=$1|\\$1|%%|"' },
  { name: 'replacement-zero', body: '    Header edit Set-Cookie "^([^=]+)=" "[$0]$9"' },
  { name: 'replacement-tabs', body: "    Header edit Set-Cookie '^([^;]*)' '$1;\\tTab'" },
  { name: 'format-env-unset', body: '    Header edit Set-Cookie "^(.*)$" "$1; v=%{NOPE}e"' },
  { name: 'format-env-set', body: '    SetEnv LPCVAL hello\n    Header edit Set-Cookie "^(.*)$" "$1; v=%{LPCVAL}e"' },
  { name: 'header-colon-case', body: '    Header EDIT set-cookie: "^(.*)$" "$1; Lower"' },
  { name: 'set', body: '    Header set Set-Cookie "only=1; Path=/"' },
  { name: 'always-set', body: '    Header always set Set-Cookie "only=2"' },
  { name: 'unset', body: '    Header unset Set-Cookie' },
  { name: 'always-unset', body: '    Header always unset Set-Cookie' },
  { name: 'setifempty', body: '    Header setifempty Set-Cookie "fallback=1"\n    Header always setifempty Set-Cookie "fallback=2"' },
  { name: 'add', body: '    Header add Set-Cookie "added=1"\n    Header always add Set-Cookie "added=2"' },
  { name: 'append', body: '    Header append Set-Cookie "HttpOnly"' },
  { name: 'always-append', body: '    Header always append Set-Cookie "appended=1"' },
  { name: 'merge-twice', body: '    Header merge Set-Cookie "m=1"\n    Header merge Set-Cookie "m=1"\n    Header always merge Set-Cookie "csrftoken=c1"' },
  { name: 'merge-existing-token', body: '    Header merge Set-Cookie "JSESSIONID=abc; Path=/; Secure"' },
  // hdr_merge reads quoted strings as one token: "b" inside a="x,b,y" is not a token of its own.
  { name: 'merge-quoted-commas', body: '    Header merge Set-Cookie b\n    Header always merge Set-Cookie b', cookies: ['a="x,b,y"; Path=/', 'csrftoken=c1'] },
  { name: 'merge-token-after-quotes', body: '    Header merge Set-Cookie b\n    Header always merge Set-Cookie b', cookies: ['a="x,y", b', 'csrftoken=c1'] },
  { name: 'merge-unclosed-quote', body: '    Header merge Set-Cookie b', cookies: ['a="x, b', 'csrftoken=c1'] },
  // Blanks before a token are skipped; the token runs to the comma.
  { name: 'merge-after-blanks', body: '    Header merge Set-Cookie b=2\n    Header merge Set-Cookie c', cookies: ['a=1,   b=2, c ,d', 'csrftoken=c1'] },
  // append never looks: it joins even a value the first line already holds.
  { name: 'append-existing-token', body: '    Header append Set-Cookie "JSESSIONID=abc; Path=/; Secure"\n    Header always append Set-Cookie "csrftoken=c1"' },
  { name: 'echo-note-early', body: '    Header echo ^X-Nothing\n    Header note Set-Cookie lpcnote\n    Header edit Set-Cookie ^(.*)$ "$1; Early" early' },
  {
    name: 'early-adds-before-producer',
    body: [
      '    Header set Set-Cookie "early1=1" early',
      '    Header always set Set-Cookie "early2=2" early',
      '    Header add Set-Cookie "early3=3" early',
      '    Header always add Set-Cookie "early4=4" early',
      '    Header edit Set-Cookie "^early3=3$" "early3=edited" early',
      '    Header edit Set-Cookie "^(early.*)$" "$1; Late"',
      '    <Location /h/>',
      '        Header add Set-Cookie "never=1" early',
      '    </Location>',
    ].join('\n'),
  },
  { name: 'env-never-set', body: '    Header edit Set-Cookie ^(.*)$ "$1; Env" env=LPC_NEVER\n    Header edit Set-Cookie ^(.*)$ "$1; NotEnv" env=!LPC_NEVER' },
  { name: 'env-setenvif', body: '    SetEnvIf Request_URI "^/" LPC_SEEN\n    Header edit Set-Cookie ^(.*)$ "$1; Seen" env=LPC_SEEN' },
  {
    name: 'ifmodule-spellings',
    body: [
      '    <IfModule mod_headers.c>',
      '        Header edit Set-Cookie "$" "; SourceName"',
      '    </IfModule>',
      '    <IfModule headers_module>',
      '        Header edit Set-Cookie "$" "; Identifier"',
      '    </IfModule>',
      '    <IfModule mod_headers>',
      '        Header edit Set-Cookie "$" "; NoSuchModule"',
      '    </IfModule>',
      '    <IfModule !mod_headers>',
      '        Header edit Set-Cookie "$" "; NotNoSuchModule"',
      '    </IfModule>',
    ].join('\n'),
  },
  { name: 'env-setenvif-every-path', body: '    SetEnvIf Request_URI ".*" LPC_ALL\n    Header edit Set-Cookie ^(.*)$ "$1; All" env=!LPC_ALL\n    Header edit Set-Cookie ^(.*)$ "$1; Every" env=LPC_ALL' },
  { name: 'expr-literal', body: '    Header edit Set-Cookie ^(.*)$ "$1; T" "expr=true"\n    Header edit Set-Cookie ^(.*)$ "$1; F" "expr=false"' },
  {
    name: 'location-merge-order',
    body: [
      '    Header edit Set-Cookie ^(.*)$ "$1; Vhost"',
      '    <Location /h/>',
      '        Header edit Set-Cookie "Vhost" "VhostSeenByLoc"',
      '    </Location>',
      '    <Location /h>',
      '        Header edit Set-Cookie "$" "; Second"',
      '    </Location>',
      '    <LocationMatch "^/f/">',
      '        Header always edit Set-Cookie "$" "; Regex"',
      '    </LocationMatch>',
    ].join('\n'),
  },
  {
    name: 'directory-files-location',
    body: [
      '    <Directory @CGIDIR@>',
      '        Header always edit Set-Cookie "$" "; Dir"',
      '        <Files lpc.cgi>',
      '            Header always edit Set-Cookie "$" "; Files"',
      '        </Files>',
      '    </Directory>',
      '    <Location /cgi/>',
      '        Header always edit Set-Cookie "$" "; Loc"',
      '    </Location>',
      '    Header always edit Set-Cookie "$" "; Server"',
    ].join('\n'),
    requests: { '<Files lpc.cgi> via ScriptAlias /cgi/': '/cgi/lpc.cgi' },
  },
  {
    name: 'if-sections',
    body: [
      '    <If "true">',
      '        Header edit Set-Cookie "$" "; IfTrue"',
      '    </If>',
      '    <Else>',
      '        Header edit Set-Cookie "$" "; Else"',
      '    </Else>',
      '    <Location /h/>',
      '        Header edit Set-Cookie "$" "; Loc"',
      '    </Location>',
      '    <If "false">',
      '        Header always edit Set-Cookie "$" "; IfFalse"',
      '    </If>',
    ].join('\n'),
  },
  {
    name: 'location-proxypass',
    mounts: false,
    body: [
      '    <Location /app>',
      '        ProxyPass @HTTP@/app',
      '        Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"',
      '    </Location>',
      '    <Location /php/>',
      '        ProxyPass @FCGI@/',
      '        Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"',
      '    </Location>',
    ].join('\n'),
  },
  {
    name: 'cookie-path-domain',
    body: [
      '    ProxyPassReverseCookiePath / "/; HttpOnly"',
      '    ProxyPassReverseCookieDomain example.com proxy.example.org',
      '    <Location /h/>',
      '        ProxyPassReverseCookiePath /app /inner',
      '    </Location>',
    ].join('\n'),
  },
  { name: 'cookie-path-first-wins', body: '    ProxyPassReverseCookiePath /ap /first\n    ProxyPassReverseCookiePath /app /second' },
  {
    name: 'defines-and-conditionals',
    body: [
      '    Define LPC_FLAGS "HttpOnly; Secure"',
      '    <IfDefine LPC_FLAGS>',
      '        <IfModule !mod_headers.c>',
      '            Header edit Set-Cookie ^(.*)$ "$1; Never"',
      '        </IfModule>',
      '        Header edit Set-Cookie ^(.*)$ "$1; ${LPC_FLAGS}"',
      '    </IfDefine>',
      '    <IfDefine !LPC_FLAGS>',
      '        Header edit Set-Cookie ^(.*)$ "$1; NotDefined"',
      '    </IfDefine>',
    ].join('\n'),
  },
  { name: 'line-continuation', body: '    Header edit Set-Cookie \\\n        ^(.*)$ \\\n        "$1; Continued"\n    # comment ending in backslash \\\n    Header edit Set-Cookie ^(.*)$ "$1; Swallowed"' },
  { name: 'single-quotes', body: "    Header edit Set-Cookie '^(.*)$' '$1; \"Q\"'" },
  { name: 'adjacent-quoted-words', body: '    Header edit Set-Cookie "^(.*)$""$1; Adjacent"' },
  {
    name: 'files-match-cgi',
    body: '    <FilesMatch "\\.cgi$">\n        Header always edit Set-Cookie "$" "; CgiFile"\n    </FilesMatch>',
    requests: { '<FilesMatch "\\.cgi$"> via ScriptAlias /cgi/': '/cgi/lpc.cgi' },
  },
  { name: 'proxy-section', body: '    <Proxy "fcgi://127.0.0.1*">\n        Header always edit Set-Cookie "$" "; ProxySection"\n    </Proxy>\n    <Proxy *>\n        Header edit Set-Cookie "$" "; AnyProxy"\n    </Proxy>' },
  {
    name: 'rewrite-proxy',
    body: '    RewriteEngine On\n    RewriteRule ^/rp/(.*)$ @HTTP@/$1 [P]\n    Header edit Set-Cookie ^(.*)$ "$1; Rewritten"',
    requests: { 'RewriteRule ^/rp/(.*)$ [P]': '/rp/x' },
  },
  {
    name: 'proxypassmatch',
    mounts: false,
    body: '    ProxyPassMatch "^/pm/(.*)$" "@HTTP@/$1"\n    <LocationMatch "^/pm/">\n        Header edit Set-Cookie "$" "; PM"\n    </LocationMatch>',
    requests: { 'ProxyPassMatch "^/pm/(.*)$"': '/pm/x', '<LocationMatch "^/pm/">': '/pm/y' },
  },
  {
    name: 'php-fpm-sethandler',
    body: '    <FilesMatch "\\.php$">\n        SetHandler "proxy:@FCGI@"\n    </FilesMatch>\n    Header always edit Set-Cookie ^(.*)$ "$1; HttpOnly"',
    requests: { '<FilesMatch "\\.php$">': '/index.php' },
  },
  {
    name: 'php-fpm-locationmatch',
    mounts: false,
    body: '    <LocationMatch "^/(.*\\.php)$">\n        ProxyPassMatch @FCGI@/srv/$1\n    </LocationMatch>\n    Header always edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n    Header edit Set-Cookie ^(.*)$ "$1; OnSuccess"',
    requests: { '<LocationMatch "^/(.*\\.php)$">': '/app/index.php' },
  },
  {
    name: 'directory-vs-proxy',
    body: '    <Directory />\n        Header always edit Set-Cookie "$" "; Dir"\n        Header edit Set-Cookie "$" "; DirOnSuccess"\n    </Directory>',
  },
  { name: 'lookbehind-and-classes', body: '    Header edit* Set-Cookie "(?<=; )([Pp])ath" "$1ATH"' },
  { name: 'many-groups', body: '    Header edit Set-Cookie "^(.)(.)(.)(.)(.)(.)(.)(.)(.)(.)(.*)$" "$9$8$7$6$5$4$3$2$1$0"' },
];
