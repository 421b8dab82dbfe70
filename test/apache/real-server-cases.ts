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
  /**
   * Backend statuses to request (`''` is 200) instead of every one the harness asks for: a case
   * whose other statuses the simulator does not model says so here, with its reason.
   */
  readonly statuses?: readonly string[];
}

export const STANDARD_COOKIES: readonly string[] = [
  'JSESSIONID=abc; Path=/; Secure',
  'atl.xsrf.token=tok123; Path=/',
  'XSRF-TOKEN=x1; path=/app; Expires=Wed, 21 Oct 2037 07:28:00 GMT',
  'csrftoken=c1',
  'sc=s; Domain=example.com; Path=/; HttpOnly',
];

const blanket = 'Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"';

/** The standard mounts without SCGI and CGI (for cases where httpd does not answer those promptly). */
const NO_CGI_MOUNTS = ['    ProxyPass /h/ @HTTP@/', '    ProxyPass /f/ @FCGI@/', '    ProxyPass /a/ @AJP@/', '    ProxyPass /u/ @UWSGI@/'].join('\n');

/**
 * `Header edit` AND `Header always edit` appending `; <tag>`: a line shows every section that ran,
 * in order, whichever table its producer fills (CGI, FastCGI and SCGI fill `err_headers_out`).
 */
const mark = (tag: string, indent = '    ', cond = '') =>
  `${indent}Header edit Set-Cookie "$" "; ${tag}"${cond}\n${indent}Header always edit Set-Cookie "$" "; ${tag}"${cond}`;

/** {@link mark} under `env=<name>` and, tagged `Not<tag>`, under `env=!<negated>` (another spelling of the name). */
const envMarks = (tag: string, name: string, negated = name) => `${mark(tag, '    ', ` env=${name}`)}\n${mark(`Not${tag}`, '    ', ` env=!${negated}`)}`;

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

  // --- audit: env= names, SetEnv/SetEnvIf/UnsetEnv timing -------------------------------------
  {
    // subprocess_env is an apr table: names are looked up without regard to case (env= and %{}e).
    name: 'env-name-case',
    body: [
      '    SetEnv lpc_lower 1',
      '    SetEnvIf Request_URI "^/" lpc_seen=yes',
      '    SetEnv LPC_EMPTY',
      envMarks('Lower', 'LPC_LOWER'),
      envMarks('Seen', 'Lpc_Seen', 'LPC_SEEN'),
      mark('Empty', '    ', ' env=lpc_empty'),
      '    Header edit Set-Cookie "$" "; v=%{LPC_LOWER}e/%{LPC_SEEN}e"',
      '    Header always edit Set-Cookie "$" "; v=%{Lpc_Lower}e/%{lpc_SEEN}e"',
    ].join('\n'),
  },
  {
    // mod_env runs in fixups, after SetEnvIf (post_read_request / header_parser): SetEnv and
    // UnsetEnv have the last word, and SetEnvIf cannot test what SetEnv sets.
    name: 'env-setenv-after-setenvif',
    body: [
      '    SetEnv LPC_A 1',
      '    SetEnvIf Request_URI "^/" !LPC_A',
      '    SetEnvIf Request_URI "^/" LPC_B',
      '    UnsetEnv LPC_B',
      '    SetEnvIf LPC_A "^1$" LPC_C',
      envMarks('A', 'LPC_A'),
      envMarks('B', 'LPC_B'),
      envMarks('C', 'LPC_C'),
    ].join('\n'),
  },
  {
    // SetEnv (fixups, APR_HOOK_MIDDLE) wins over SetEnvIf in a section (header_parser) and over
    // RewriteRule E= in the server (translate_name) or a section (fixups, APR_HOOK_FIRST).
    name: 'env-setenv-wins',
    body: [
      '    RewriteEngine On',
      '    RewriteRule ^/ - [E=LPC_R:rewrite]',
      '    <Location />',
      '        SetEnvIf Request_URI "^/" LPC_V=setenvif',
      '        RewriteEngine On',
      '        RewriteRule ^ - [E=LPC_L:rewrite-dir]',
      '    </Location>',
      '    SetEnv LPC_V setenv',
      '    SetEnv LPC_R setenv',
      '    SetEnv LPC_L setenv',
      '    Header edit Set-Cookie "$" "; v=%{LPC_V}e r=%{LPC_R}e l=%{LPC_L}e"',
      '    Header always edit Set-Cookie "$" "; v=%{LPC_V}e r=%{LPC_R}e l=%{LPC_L}e"',
    ].join('\n'),
  },
  {
    name: 'env-in-location-case',
    body: [
      '    <Location /h/>',
      '        SetEnv Lpc_Loc on',
      '    </Location>',
      '    <Location /f/>',
      '        UnsetEnv LPC_SRV',
      '    </Location>',
      '    SetEnv lpc_srv 1',
      envMarks('Loc', 'LPC_LOC', 'lpc_loc'),
      envMarks('Srv', 'LPC_SRV', 'Lpc_Srv'),
    ].join('\n'),
  },
  // --- audit: <If>/<ElseIf>/<Else> merged after every section, in their sections' order --------
  {
    name: 'if-merge-levels',
    body: [
      '    <If "true">',
      mark('IfServer', '        '),
      '    </If>',
      '    <Location /h/>',
      '        <If "false">',
      mark('IfLocFalse', '            '),
      '        </If>',
      '        <ElseIf "true">',
      mark('ElseIfLoc', '            '),
      '            <If "true">',
      mark('NestedIf', '                '),
      '            </If>',
      '        </ElseIf>',
      '        <Else>',
      mark('ElseLoc', '            '),
      '        </Else>',
      mark('Loc', '        '),
      '    </Location>',
      '    <Proxy *>',
      '        <If "true">',
      mark('IfProxy', '            '),
      '        </If>',
      mark('Proxy', '        '),
      '    </Proxy>',
      '    <Directory @CGIDIR@>',
      '        <If "true">',
      mark('IfDir', '            '),
      '        </If>',
      mark('Dir', '        '),
      '    </Directory>',
      '    <Location />',
      '        <If "true">',
      mark('IfRoot', '            '),
      '        </If>',
      '    </Location>',
      mark('Server'),
      '    <If "false">',
      mark('IfServerFalse', '        '),
      '    </If>',
      '    <Else>',
      mark('ElseServer', '        '),
      '    </Else>',
    ].join('\n'),
  },
  // --- audit: <Files>/<FilesMatch> and <Directory> never see proxied requests -------------------
  {
    name: 'files-on-proxied',
    body: [
      '    <FilesMatch ".">',
      mark('FilesMatchAny', '        '),
      '    </FilesMatch>',
      '    <Files "*">',
      mark('FilesStar', '        '),
      '    </Files>',
      '    <Directory />',
      '        <FilesMatch "^">',
      mark('DirFiles', '            '),
      '        </FilesMatch>',
      '    </Directory>',
      '    <DirectoryMatch "^/">',
      mark('DirMatch', '        '),
      '    </DirectoryMatch>',
    ].join('\n'),
    requests: { '<FilesMatch "."> via ScriptAlias /cgi/': '/cgi/lpc.cgi', '<Files "*"> via ScriptAlias /cgi/': '/cgi/lpc.cgi' },
  },
  // --- audit: <Proxy> sections (on the backend URL) merge before <Location> ---------------------
  {
    name: 'proxy-vs-location-order',
    body: [
      '    ProxyPass /h2/ @HTTP@/app',
      '    ProxyPass /h3/ @HTTP@/application/',
      '    <Location /h>',
      mark('LocH', '        '),
      '    </Location>',
      '    <Location /h2/>',
      mark('LocH2', '        '),
      '    </Location>',
      '    <Proxy "@HTTP@/">',
      mark('ProxySlash', '        '),
      '    </Proxy>',
      '    <Proxy "@HTTP@">',
      mark('ProxyNoSlash', '        '),
      '    </Proxy>',
      '    <Proxy "@HTTP@/app">',
      mark('ProxyApp', '        '),
      '    </Proxy>',
      '    <ProxyMatch "^(fcgi|scgi):">',
      mark('ProxyMatchCgi', '        '),
      '    </ProxyMatch>',
      '    <Proxy "HTTP://127.0.0.1*">',
      mark('UpperScheme', '        '),
      '    </Proxy>',
      '    <Proxy "*:*/ap?">',
      mark('Wildcard', '        '),
      '    </Proxy>',
      '    <ProxyMatch "/APP">',
      mark('MatchUpper', '        '),
      '    </ProxyMatch>',
    ].join('\n'),
  },
  {
    // <Proxy> sections narrower than a ProxyPass target: requested where they match (/h/app, /f/x/).
    name: 'proxy-section-narrower',
    body: ['    <Proxy "@HTTP@/app">', mark('App', '        '), '    </Proxy>', '    <Proxy "@FCGI@/x/">', mark('FcgiX', '        '), '    </Proxy>'].join('\n'),
  },
  {
    // Regex and wildcard <Proxy> sections: an endpoint per ProxyPass they may reach, requested on a URL they select.
    name: 'proxy-pattern-sections',
    body: ['    <ProxyMatch "/app$">', mark('AppEnd', '        '), '    </ProxyMatch>', '    <Proxy "*/x/*">', mark('X', '        '), '    </Proxy>'].join('\n'),
    requests: {
      'ProxyPass /h/ › <ProxyMatch "/app$">': '/h/app',
      'ProxyPass /f/ › <ProxyMatch "/app$">': '/f/v/app',
      'ProxyPass /a/ › <ProxyMatch "/app$">': '/a/app',
      'ProxyPass /s/ › <Proxy "*/x/*">': '/s/x/y',
      'ProxyPass /u/ › <Proxy "*/x/*">': '/u/x/',
      'ProxyPass /h/ › <Proxy "*/x/*">': '/h/x/y',
    },
  },
  // --- audit: ProxyPassReverseCookiePath/Domain matching ---------------------------------------
  {
    name: 'cookie-mapping-matching',
    body: [
      '    ProxyPassReverseCookieDomain EXAMPLE.com first.example',
      '    ProxyPassReverseCookieDomain example.com second.example',
      '    ProxyPassReverseCookieDomain .example.com dotted.example',
      '    ProxyPassReverseCookiePath /app /pub',
      '    ProxyPassReverseCookiePath /APP /upper',
      '    ProxyPassReverseCookiePath /a /short',
    ].join('\n'),
    cookies: [
      'a=1; Domain=example.com; Path=/app/x',
      'b=2; domain=Example.COM.evil; path=/APP',
      'c=3; Domain=.example.com; Path=/b',
      'd=4; Path=/app; Path=/other',
      'path=/app; x=1',
      'e=5;Domain=example.com;Domain=other.org',
      'f=6; Path=; Domain=',
      'g=7;  PATH=/appx  ; DOMAIN=sub.example.com',
      'atl.xsrf.token=t; path=/a; domain=example.com',
      'h=8; Path=/other; Path=/app',
      'i=9; Domain=other.org; Domain=example.com',
      'j=10; Path=/app; Path=/a',
      'k=11; Path=/app; Domain=other.org; Path=/zzz; Domain=example.com',
    ],
  },
  {
    // Without the `interpolate` flag ${VAR} stays as written, ProxyPassInterpolateEnv On or not
    // (real-server-conditions.test.ts has the values the flag puts in).
    name: 'cookie-mapping-interpolate-off',
    body: ['    ProxyPassInterpolateEnv On', '    SetEnv LPC_P /interp', '    ProxyPassReverseCookiePath / /plain/${LPC_P}'].join('\n'),
  },
  {
    // With the flag and ProxyPassInterpolateEnv Off (the default), ${VAR} stays as written too;
    // On in a <Location> interpolates there only: SetEnv's value comes too late (`path=/in-loc/`).
    name: 'cookie-mapping-interpolate-env-off',
    body: [
      '    ProxyPassInterpolateEnv Off',
      '    SetEnv LPC_P /interp',
      '    ProxyPassReverseCookiePath / /plain/${LPC_P} interpolate',
      '    ProxyPassReverseCookieDomain example.com ${LPC_P}.example anything',
      '    <Location /a/>',
      '        ProxyPassInterpolateEnv On',
      '        ProxyPassReverseCookiePath / /in-loc/${LPC_P} interpolate',
      '    </Location>',
    ].join('\n'),
  },
  {
    // Mappings in <If>, <Proxy> and <Location>: base scopes first, <If> merged last.
    name: 'cookie-mapping-sections',
    body: [
      '    <If "false">',
      '        ProxyPassReverseCookiePath / /never',
      '    </If>',
      '    <If "true">',
      '        ProxyPassReverseCookiePath /b /from-if',
      '        ProxyPassReverseCookieDomain example.com from-if.example',
      '    </If>',
      '    <Proxy *>',
      '        ProxyPassReverseCookiePath /app /from-proxy',
      '    </Proxy>',
      '    <If "%{REQUEST_URI} =~ m#^/a/#">',
      '        ProxyPassReverseCookiePath /c /ajp-only',
      '    </If>',
      '    <Else>',
      '        ProxyPassReverseCookiePath /c /not-ajp',
      '    </Else>',
      '    <Location /h/>',
      '        ProxyPassReverseCookiePath /app /from-location',
      '        ProxyPassReverseCookiePath /b /b-location',
      '    </Location>',
    ].join('\n'),
    cookies: ['a=1; Domain=example.com; Path=/app/x', 'b=2; Path=/b', 'csrftoken=c1; Path=/c'],
  },
  // --- audit: Header edit replacements ---------------------------------------------------------
  {
    // <Limit>/<LimitExceptions> restrict access control only: a Header inside acts on every method.
    name: 'limit-sections',
    body: [
      '    <Location />',
      '        <Limit POST>',
      mark('LimitPost', '            '),
      '        </Limit>',
      '        <LimitExcept GET>',
      mark('LimitExceptGet', '            '),
      '        </LimitExcept>',
      '    </Location>',
    ].join('\n'),
  },
  // --- audit: statuses the proxy does not pass through as they are -----------------------------
  {
    // ProxyErrorOverride: on a 4xx/5xx from an HTTP or uwsgi backend (AJP: when it keeps its
    // connection; the test backend closes it) Apache answers itself (ap_die): the backend's cookies
    // and the onsuccess early lines are gone, only `Header always` runs; an always early line is
    // kept, after them. SCGI and CGI are never overridden; 2xx/3xx pass as they are. FastCGI and
    // keep-alive AJP backends: real-server-error-override.test.ts.
    name: 'proxy-error-override',
    body: [
      '    ProxyErrorOverride On',
      '    Header add Set-Cookie "early1=1" early',
      '    Header always add Set-Cookie "early2=1" early',
      mark('Edited'),
      '    Header always set Set-Cookie "err=1"',
      '    Header set Set-Cookie "ok=1"',
    ].join('\n'),
  },
  {
    // Listed codes only; a text ErrorDocument changes the page, not the headers.
    name: 'proxy-error-override-codes',
    body: ['    ProxyErrorOverride On 404', '    ErrorDocument 404 "Not here"', mark('Edited'), '    Header always add Set-Cookie "err=1"', '    Header add Set-Cookie "ok=1"'].join('\n'),
  },
  {
    // merge_proxy_dir_config: the codes of every section add up; On/Off is the last section's.
    name: 'proxy-error-override-sections',
    body: [
      '    ProxyErrorOverride On 404',
      '    <Location /u/>',
      '        ProxyErrorOverride On 500',
      '    </Location>',
      '    <Location /h/>',
      '        ProxyErrorOverride Off',
      '    </Location>',
      '    <Location /s/>',
      '        ProxyErrorOverride On',
      '    </Location>',
      mark('Edited'),
      '    Header always add Set-Cookie "err=1"',
    ].join('\n'),
  },
  {
    // In <If>: only the requests it selects are overridden (each branch adds its own line, so the
    // outcomes stay apart).
    name: 'proxy-error-override-if',
    body: [
      '    <If "%{REQUEST_URI} =~ m#^/h/#">',
      '        ProxyErrorOverride On',
      '        Header always add Set-Cookie "if=1"',
      '    </If>',
      '    <ElseIf "%{REQUEST_URI} =~ m#^/u/#">',
      '        ProxyErrorOverride On 500',
      '        Header always add Set-Cookie "elseif=1"',
      '    </ElseIf>',
      mark('Edited'),
      '    Header always add Set-Cookie "err=1"',
      '    Header add Set-Cookie "ok=1"',
    ].join('\n'),
  },
  {
    // mod_rewrite's CO cookie is in err_headers_out, which `Header always` edits on a normal
    // response; on the page httpd makes instead (a 4xx/5xx with ProxyErrorOverride) it has become
    // the response's headers_out and no `Header` line sees it: its own HttpOnly stays, and the
    // verdict has to say so (the edit that strips it on 200 does not on 404).
    name: 'proxy-error-override-rewrite-cookie',
    body: [
      '    ProxyErrorOverride On',
      '    RewriteEngine On',
      '    RewriteRule ^/ - [CO=atl.xsrf.token:nc:example.com:0:/:1:HttpOnly]',
      '    Header always edit* Set-Cookie "; *HttpOnly" ""',
      '    <Location /h/>',
      '        Header always edit Set-Cookie ^((?!atl\\.xsrf\\.token=).*)$ "$1; HttpOnly"',
      '    </Location>',
    ].join('\n'),
  },
  // --- audit: header values httpd refuses to send (AH02430: it answers 500 with its own page) --
  // SCGI and CGI are not mounted: with them httpd 2.4.71 had not answered after seconds (the
  // simulator says it does not know).
  {
    // The onsuccess edit writes a newline into HTTP-like backends' lines: 500, where only
    // `Header always` runs again (FastCGI lines are in the other table: untouched).
    name: 'header-newline-onsuccess',
    mounts: false,
    body: [NO_CGI_MOUNTS, '    Header edit Set-Cookie "^(csrftoken=.*)$" "$1\\n; HttpOnly"', '    Header always add Set-Cookie "err=1"', '    Header add Set-Cookie "ok=1"'].join('\n'),
  },
  {
    name: 'header-newline-always',
    mounts: false,
    body: [NO_CGI_MOUNTS, '    Header always edit Set-Cookie "^(csrftoken=.*)$" "$1\\r; HttpOnly"', '    Header always add Set-Cookie "err=1"', '    Header add Set-Cookie "ok=1"'].join('\n'),
  },
  {
    // Any header: a refused X-Lpc drops every cookie; an always one is refused again in the 500.
    name: 'header-newline-other-header',
    mounts: false,
    body: [NO_CGI_MOUNTS, '    Header set X-Lpc "a\\nb"', '    Header always add Set-Cookie "err=1"', '    Header add Set-Cookie "ok=1"'].join('\n'),
  },
  { name: 'header-newline-always-other-header', mounts: false, body: [NO_CGI_MOUNTS, '    Header always set X-Lpc "a\\nb"', '    Header always add Set-Cookie "err=1"'].join('\n') },
  {
    // CR LF + SP/HTAB is obsolete folding: sent as one space. A later edit can remove a newline.
    name: 'header-folding-and-undone',
    body: ['    Header edit Set-Cookie "^(csrftoken=.*)$" "$1\\r\\n\\t ; Folded"', '    Header always edit Set-Cookie "^(csrftoken=.*)$" "$1\\n; HttpOnly"', '    Header always edit Set-Cookie "\\n" ""'].join('\n'),
  },
  {
    // SetHandler proxy: in a <Location> is a file request: <Directory> and <Files> apply, <Proxy> does not.
    name: 'sethandler-proxy-location',
    mounts: false,
    body: [
      '    <Location /sh/>',
      '        SetHandler "proxy:@HTTP@"',
      '    </Location>',
      '    <Location /shf/>',
      '        SetHandler "proxy:@FCGI@"',
      '    </Location>',
      '    <Directory />',
      mark('Dir', '        '),
      '    </Directory>',
      '    <FilesMatch ".">',
      mark('Files', '        '),
      '    </FilesMatch>',
      '    <Proxy *>',
      mark('Proxy', '        '),
      '    </Proxy>',
      mark('Server'),
    ].join('\n'),
  },
  { name: 'replacement-ampersand', body: '    Header edit Set-Cookie "^([^=]+)=" "&$1&="' },
  { name: 'replacement-dollar-ten', body: '    Header edit Set-Cookie "^(.)(.)(.)(.)(.)(.)(.)(.)(.)(.)(.*)$" "$10|$11|$" ' },
  { name: 'replacement-double-backslash', body: '    Header edit Set-Cookie "^([^=]+)=" "$1\\\\\\\\$1=\\\\%{LPC_NOPE}e="' },
  { name: 'replacement-env-holds-group', body: '    SetEnv LPC_REPL "<$1>"\n    Header edit Set-Cookie "^([^=]+)=" "%{LPC_REPL}e="' },
  { name: 'replacement-percent-escapes', body: '    Header edit Set-Cookie "^([^=]+)=" "$1=%%{x}e%%%{LPC_NOPE}e%"' },
  {
    name: 'edit-expr-conditions',
    body: [
      `    Header edit Set-Cookie "$" "; OnH" "expr=%{REQUEST_URI} =~ m#^/h/#"`,
      `    Header always edit Set-Cookie "$" "; NotH" "expr=%{REQUEST_URI} !~ m#^/h/#"`,
      `    Header edit* Set-Cookie "=" "~" "expr=%{REQUEST_URI} =~ m#^/[fh]/#"`,
      `    Header always edit* Set-Cookie "=" "~" "expr=%{REQUEST_URI} =~ m#^/[fh]/#"`,
      `    Header edit Set-Cookie "^(csrftoken=.*)$" "$1; Exact" "expr=%{REQUEST_URI} == '/h/'"`,
    ].join('\n'),
  },
  {
    // mod_rewrite's CO flag: err_headers_out before every producer's line, seen by `Header always`
    // only; HttpOnly written only after secure; the `;` separator; a name set once per request.
    name: 'rewrite-cookie-flags',
    body: [
      '    RewriteEngine On',
      '    RewriteRule ^/ - [CO=XSRF-TOKEN:a1:example.com:0:/:secure:httponly,CO=csrftoken:c9:example.com:0:/:0:HttpOnly,CO=;sc;s9;example.com;0;/app;1;true;None]',
      '    RewriteRule ^/[fh]/ - [CO=XSRF-TOKEN:dup:example.com,CO=lpc_fh:1:example.com:0:/x:TRUE:1:false]',
      '    RewriteCond %{QUERY_STRING} never',
      '    RewriteRule ^ - [CO=lpc_never:1:example.com]',
      '    Header add Set-Cookie "early=1" early',
      '    Header always edit Set-Cookie ^(csrftoken=c9.*)$ "$1; Always"',
      '    Header edit Set-Cookie ^(csrftoken=c9.*)$ "$1; OnSuccess"',
    ].join('\n'),
  },
  {
    // A rule that proxies ([P], hence L) stops the rules after it; the ones before it still set their cookies.
    name: 'rewrite-cookie-stopped',
    body: [
      '    RewriteEngine On',
      '    RewriteRule ^/r/ - [CO=lpc_before:1:example.com:0:/:1:1]',
      '    RewriteRule ^/r/(.*)$ @HTTP@/$1 [P]',
      '    RewriteRule ^/ - [CO=lpc_after:1:example.com:0:/:1:1]',
    ].join('\n'),
    requests: { 'RewriteRule ^/r/(.*)$ [P]': '/r/x' },
  },
  {
    // Per-directory rules (fixups): a <Location>'s CO cookie goes to err_headers_out before every
    // producer's line, on proxied responses too (the pattern sees `proxy:` and the backend URL);
    // `Header always edit` in the section sees it, `Header edit` does not.
    name: 'rewrite-cookie-location',
    body: [
      '    <Location /h/>',
      '        RewriteEngine On',
      '        RewriteRule ^ - [CO=XSRF-TOKEN:l1:example.com:0:/:secure:httponly]',
      '        RewriteRule ^proxy:http:// - [CO=lpc_proxied:1:example.com]',
      '        RewriteRule ^/h/ - [CO=lpc_uri:1:example.com]',
      '        Header always edit Set-Cookie ^(XSRF-TOKEN=l1.*)$ "$1; Always"',
      '        Header edit Set-Cookie ^(XSRF-TOKEN=l1.*)$ "$1; OnSuccess"',
      '    </Location>',
      '    <Location /f/>',
      '        RewriteEngine On',
      '        RewriteRule ^ - [CO=csrftoken:f1:example.com:0:/:1:1]',
      '        Header always edit Set-Cookie ^(csrftoken=.*)$ "$1; Always"',
      '    </Location>',
    ].join('\n'),
  },
  {
    // How sections' rules merge: the engine state of the server (or of an earlier section) is
    // kept, a section with its own mod_rewrite directives replaces the rules before it (even with
    // no rule: RewriteEngine On alone), `RewriteOptions Inherit` runs them after its own,
    // `InheritBefore` before; `RewriteEngine Off` turns them all off.
    name: 'rewrite-cookie-perdir-merge',
    body: [
      '    RewriteEngine On',
      '    <Location />',
      '        RewriteRule ^ - [CO=XSRF-TOKEN:root:example.com:0:/:secure:httponly]',
      '    </Location>',
      '    <Location /h/>',
      '        RewriteRule ^ - [CO=lpc_h:1:example.com]',
      '    </Location>',
      '    <Location /f/>',
      '        RewriteOptions InheritBefore',
      '        RewriteRule ^ - [CO=lpc_f:1:example.com]',
      '    </Location>',
      '    <Location /s/>',
      '        RewriteOptions Inherit',
      '        RewriteRule ^ - [CO=lpc_s:1:example.com]',
      '    </Location>',
      '    <Location /u/>',
      '        RewriteEngine On',
      '    </Location>',
      '    <Location /a/>',
      '        RewriteEngine Off',
      '    </Location>',
    ].join('\n'),
  },
  {
    // A per-directory F, G, or R with a substitution: the backend is never asked, httpd answers
    // with its own page, and the cookies set so far go out after what `Header always` adds,
    // edited by no `Header edit`. R does not stop the rules after it.
    name: 'rewrite-cookie-perdir-answers',
    body: [
      '    <Location /h/>',
      '        RewriteEngine On',
      '        RewriteRule ^ - [CO=XSRF-TOKEN:f:example.com:0:/:secure:httponly]',
      '        RewriteRule ^ - [F]',
      '        Header always add Set-Cookie "added=1"',
      '        Header always edit Set-Cookie ^(XSRF.*)$ "$1; Always"',
      '        Header edit Set-Cookie ^(XSRF.*)$ "$1; OnSuccess"',
      '    </Location>',
      '    <Location /f/>',
      '        RewriteEngine On',
      '        RewriteRule ^ - [CO=csrftoken:g:example.com:0:/:1:1,G]',
      '        Header always add Set-Cookie "added=2"',
      '    </Location>',
      '    <Location /a/>',
      '        RewriteEngine On',
      '        RewriteRule ^ /elsewhere [CO=lpc_r:1:example.com,R=302]',
      '        RewriteRule ^ - [CO=lpc_after:1:example.com]',
      '        Header always add Set-Cookie "added=3"',
      '    </Location>',
      '    <Location /u/>',
      '        RewriteEngine On',
      '        RewriteRule ^ /elsewhere [CO=lpc_dash:1:example.com,R=302]',
      '        RewriteRule ^ - [CO=lpc_r2:1:example.com,R]',
      '    </Location>',
    ].join('\n'),
  },
  {
    // Without RewriteEngine On in the server's context or a section, per-directory rules do not run.
    name: 'rewrite-cookie-perdir-engine-off',
    body: ['    <Location /h/>', '        RewriteRule ^ - [CO=XSRF-TOKEN:off:example.com:0:/:secure:httponly]', '    </Location>'].join('\n'),
  },
  {
    // <Directory>: the pattern sees the file's path with the directory stripped (`lpc.cgi`).
    name: 'rewrite-cookie-directory',
    body: [
      '    <Directory @CGIDIR@>',
      '        RewriteEngine On',
      '        RewriteRule ^lpc - [CO=csrftoken:d1:example.com:0:/:1:1]',
      '        RewriteRule ^/ - [CO=lpc_abs:1:example.com]',
      '        RewriteRule ^ - [CO=lpc_dir:1:example.com]',
      '        Header always edit Set-Cookie ^(lpc_dir=.*)$ "$1; Always"',
      '    </Directory>',
    ].join('\n'),
  },
  {
    // <Files>, <LocationMatch>, <Proxy> and <If> sections' rules run as well (a later section
    // without Inherit replaces an earlier one's rules: each section has a mount). <If> sections
    // are merged among themselves first: at /u/, the nested one's Inherit keeps the outer <If>'s
    // rule and, through it, the <Location>'s (lpc_u, tested on 2.4.71).
    name: 'rewrite-cookie-file-sections',
    body: [
      '    <Files lpc.cgi>',
      '        RewriteEngine On',
      '        RewriteRule ^ - [CO=XSRF-TOKEN:files:example.com:0:/:secure:httponly]',
      '    </Files>',
      '    <LocationMatch "^/f/">',
      '        RewriteEngine On',
      '        RewriteRule ^ - [CO=csrftoken:lm:example.com:0:/:1:1]',
      '    </LocationMatch>',
      '    <Proxy "@HTTP@/*">',
      '        RewriteEngine On',
      '        RewriteRule ^proxy: - [CO=lpc_proxy:1:example.com]',
      '    </Proxy>',
      '    <If "%{REQUEST_URI} =~ m#^/[su]/#">',
      '        RewriteEngine On',
      '        RewriteRule ^ - [CO=lpc_if:1:example.com]',
      '    </If>',
      '    <Location /u/>',
      '        RewriteEngine On',
      '        RewriteRule ^ - [CO=lpc_u:1:example.com]',
      '        <If "%{REQUEST_URI} =~ m#^/u/#">',
      '            RewriteOptions Inherit',
      '            RewriteRule ^ - [CO=XSRF-TOKEN:nested:example.com:0:/:1:1]',
      '        </If>',
      '    </Location>',
    ].join('\n'),
    requests: { '<LocationMatch "^/f/">': '/f/', '<Files lpc.cgi> via ScriptAlias /cgi/': '/cgi/lpc.cgi' },
  },
  {
    // A regex section's named group sets MATCH_<NAME> (upper-cased) for the requests it matches,
    // also when the section holds no directive: env= reads it.
    name: 'section-named-group-env',
    body: [
      '    <LocationMatch "^/(?<secure>h)/">',
      '        Header edit Set-Cookie ^(.*)$ "$1; HttpOnly" env=MATCH_SECURE',
      '    </LocationMatch>',
      '    <Location ~ "^/(?\'other\'f)/">',
      '    </Location>',
      '    Header edit Set-Cookie "^(csrftoken=[^;]*)(.*)$" "$1$2; SameSite=Strict" env=MATCH_OTHER',
    ].join('\n'),
  },
  {
    // mod_proxy_balancer sets BALANCER_ROUTE_CHANGED when it picks a route the request did not
    // name (no ROUTEID cookie): its documented sticky-session recipe adds the cookie then.
    name: 'balancer-route-changed-env',
    body: [
      '    <Proxy "balancer://lpcroute">',
      '        BalancerMember "@HTTP@" route=1',
      '        ProxySet stickysession=ROUTEID',
      '    </Proxy>',
      '    ProxyPass /b/ balancer://lpcroute/',
      '    Header add Set-Cookie "ROUTEID=r1; path=/" env=BALANCER_ROUTE_CHANGED',
    ].join('\n'),
  },
];
