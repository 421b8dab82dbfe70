/**
 * mod_headers semantics, each case citing the httpd 2.4.x source it follows
 * (modules/metadata/mod_headers.c, server/util.c, apr tables). The same behaviours are checked
 * against the running server in real-server-cases.ts.
 */
import { describe, expect, it } from 'vitest';
import { expandFormat, parseFormat, pregsub } from '../../src/model/ops/apache-format.js';
import { reverseMapCookie } from '../../src/model/ops/apache-cookie-reverse.js';
import { branchesOf, simulate } from '../../src/model/simulate.js';
import { endpoint, modelOf, run } from './helpers.js';

const COOKIES = ['JSESSIONID=abc; Path=/; Secure', 'XSRF-TOKEN=x1; path=/app; Expires=Wed, 21 Oct 2037 07:28:00 GMT'];

function proxied(directives: string, values: readonly string[] = COOKIES, kind: 'http' | 'cgi' = 'http') {
  const model = modelOf(`<VirtualHost *:80>\n    ProxyPass /h/ http://app/\n    ScriptAlias /cgi/ /usr/lib/cgi-bin/\n${directives}\n</VirtualHost>\n`);
  expect(model.problems).toEqual([]);
  return run(endpoint(model, kind === 'http' ? 'ProxyPass /h/' : 'ScriptAlias /cgi/'), kind, values);
}

describe('edit and edit*', () => {
  it('edits every Set-Cookie line separately (edit_header via apr_table_do)', () => {
    expect(proxied('Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"')).toEqual(COOKIES.map((c) => `${c}; HttpOnly`));
  });

  it('edit replaces the first match only (process_regexp without recursion)', () => {
    expect(proxied('Header edit Set-Cookie "t" "T"', ['at=t; Path=/'])).toEqual(['aT=t; Path=/']);
  });

  it('edit* recurses on the rest of the value as a fresh subject: ^ matches again there', () => {
    expect(proxied('Header edit* Set-Cookie "^[a-z]" "<>"', ['abc'])).toEqual(['<><><>']);
    expect(proxied('Header edit* Set-Cookie "a" "A"', ['banana'])).toEqual(['bAnAnA']);
  });

  it('edit* crashes the worker when a match is empty at the start of the rest (2.4.x recursion)', () => {
    expect(proxied('Header edit* Set-Cookie "(.*)" "$1; HttpOnly"')).toBe('crash');
    expect(proxied('Header edit* Set-Cookie "(;|$)" "!$1"')).toBe('crash');
    expect(proxied('Header edit Set-Cookie "(.*)" "$1; Once"', ['a=1'])).toEqual(['a=1; Once']);
  });

  it('compiles with DOTALL|DOLLAR_ENDONLY, case-sensitive unless (?i) (ap_regcomp, AP_REG_DEFAULT)', () => {
    expect(proxied('Header edit Set-Cookie "path" "PATH"', ['a=1; Path=/'])).toEqual(['a=1; Path=/']);
    expect(proxied('Header edit Set-Cookie "(?i)path" "PATH"', ['a=1; Path=/'])).toEqual(['a=1; PATH=/']);
  });

  it('honours RegexDefaultOptions for regexes compiled after it', () => {
    const model = modelOf('Header edit Set-Cookie "path" "A"\nRegexDefaultOptions +ICASE\nHeader edit Set-Cookie "path" "B"\n');
    expect(run(model.endpoints[0]!, 'http', ['x=1; Path=/; path=/'])).toEqual(['x=1; B=/; A=/']);
  });
});

describe('replacement layers', () => {
  it('unescapes %% and keeps \\c; ap_pregsub turns \\1 into a literal 1 and \\$1 into $1', () => {
    expect(proxied('Header edit Set-Cookie "^([^=]+)=" "\\1=$1|\\$1|%%|"', ['JSESSIONID=abc'])).toEqual(['1=JSESSIONID|$1|%|abc']);
  });

  it('expands $0 to the whole match and groups that did not take part to nothing', () => {
    expect(pregsub('[$0][$2][$7]', 'ab', [[0, 2], [0, 1], undefined])).toBe('[ab][][]');
  });

  it('prints (null) for an unset variable and turns \\t into a tab', () => {
    const f = parseFormat('a%{NOPE}e\\tb');
    expect('parts' in f && expandFormat(f, { env: () => undefined })).toBe('a(null)\tb');
  });

  it('expr= strings read the request simulated (ap_expr variables and functions), the environment always, and nothing they do not know', () => {
    const f = parseFormat('expr=u=%{REQUEST_URI}; q=%{QUERY_STRING}; h=%{HTTP_HOST}; r=%{req:X-Lpc}; e=%{reqenv:lpc}; m=%{REQUEST_METHOD}; l=%{tolower:AbC}; n=%{SERVER_ADDR}');
    expect('parts' in f).toBe(true);
    if (!('parts' in f)) return;
    const env = { env: (name: string) => (name === 'lpc' ? 'v' : undefined) };
    const request = { target: '/a%20b/?x=1&y', headers: { host: 'app.test', 'x-lpc': 'on' } };
    expect(expandFormat(f, env, request)).toBe('u=/a b/; q=x=1&y; h=app.test; r=on; e=v; m=GET; l=abc; n=');
    expect(expandFormat(f, env)).toBe('u=; q=; h=; r=; e=v; m=; l=abc; n=');
  });

  it('refuses an unknown format tag like httpd ("Unrecognized header format %o")', () => {
    expect(parseFormat('50%off')).toEqual({ error: 'Unrecognized header format %o' });
    expect(parseFormat('%{X}')).toEqual({ error: 'Unrecognized header format %' });
    expect('parts' in parseFormat('100%')).toBe(true);
  });
});

describe('tables and actions', () => {
  it('Header [onsuccess] only sees proxied cookies, Header always only CGI cookies (§1.5)', () => {
    expect(proxied('Header always edit Set-Cookie ^(.*)$ "$1; A"')).toEqual(COOKIES);
    expect(proxied('Header edit Set-Cookie ^(.*)$ "$1; S"', ['a=1'], 'cgi')).toEqual(['a=1']);
    expect(proxied('Header always edit Set-Cookie ^(.*)$ "$1; A"', ['a=1'], 'cgi')).toEqual(['a=1; A']);
  });

  it('set replaces every line of its table, unset removes them (apr_table_setn/unset)', () => {
    expect(proxied('Header set Set-Cookie "n=1"')).toEqual(['n=1']);
    expect(proxied('Header always set Set-Cookie "n=1"')).toEqual(['n=1', ...COOKIES]);
    expect(proxied('Header unset Set-Cookie')).toEqual([]);
    expect(proxied('Header always unset Set-Cookie')).toEqual(COOKIES);
  });

  it('append joins to the FIRST line with ", " (apr_table_mergen)', () => {
    expect(proxied('Header append Set-Cookie "HttpOnly"')).toEqual([`${COOKIES[0]}, HttpOnly`, COOKIES[1]]);
  });

  it('merge skips a value that is already a comma-separated token of the first line', () => {
    expect(proxied('Header merge Set-Cookie "m=1"\nHeader merge Set-Cookie "m=1"', ['a=1'])).toEqual(['a=1, m=1']);
    expect(proxied('Header merge Set-Cookie " b=2"', ['a=1, b=2'])).toEqual(['a=1, b=2,  b=2']);
    expect(proxied('Header merge Set-Cookie "b"', ['a="x,b", c'])).toEqual(['a="x,b", c, b']);
    // A quoted string is one token, commas inside it included (ap_get_token).
    expect(proxied('Header merge Set-Cookie "b"', ['a="x,b,y"'])).toEqual(['a="x,b,y", b']);
    expect(proxied('Header merge Set-Cookie "b"', ['a="x,y", b'])).toEqual(['a="x,y", b']);
    expect(proxied('Header merge Set-Cookie "b"', ['a="x, b'])).toEqual(['a="x, b, b']);
    // Blanks before a token are skipped; the token runs to the comma, blanks after it included.
    expect(proxied('Header merge Set-Cookie "b=2"\nHeader merge Set-Cookie "c"', ['a=1,   b=2, c ,d'])).toEqual(['a=1,   b=2, c ,d, c']);
  });

  it('append joins even a value the first line already holds; merge does not', () => {
    expect(proxied('Header append Set-Cookie "a=1"', ['a=1', 'b=2'])).toEqual(['a=1, a=1', 'b=2']);
    expect(proxied('Header merge Set-Cookie "a=1"', ['a=1', 'b=2'])).toEqual(['a=1', 'b=2']);
    expect(proxied('Header merge Set-Cookie "b=2"', ['a=1', 'b=2'])).toEqual(['a=1, b=2', 'b=2']);
  });

  it('setifempty and add add lines; echo, note and early touch no response cookie', () => {
    expect(proxied('Header setifempty Set-Cookie "f=1"')).toEqual(COOKIES);
    expect(proxied('Header always setifempty Set-Cookie "f=1"')).toEqual(['f=1', ...COOKIES]);
    expect(proxied('Header add Set-Cookie "n=1"')).toEqual([...COOKIES, 'n=1']);
    expect(proxied('Header echo ^X\nHeader note Set-Cookie n\nHeader edit Set-Cookie ^(.*)$ "$1; E" early')).toEqual(COOKIES);
  });

  it('matches the header name case-insensitively and strips a trailing colon', () => {
    expect(proxied('Header EDIT set-cookie: "$" "; L"', ['a=1'])).toEqual(['a=1; L']);
  });
});

describe('conditions', () => {
  it('env= on a variable nothing sets is false; env=! is true', () => {
    const model = modelOf('Header edit Set-Cookie $ "; A" env=NOPE\nHeader edit Set-Cookie $ "; B" env=!NOPE\nHeader edit Set-Cookie $ "; C" env=HTTPS\n');
    expect(model.ops.map((o) => o.condition?.value)).toEqual([false, true, 'unknown']);
  });

  it('is unknown when something may set the variable, true for an unconditional server SetEnv', () => {
    const model = modelOf('SetEnvIf Request_URI x MAYBE\nSetEnv ALWAYS 1\nHeader edit Set-Cookie $ "; A" env=MAYBE\nHeader edit Set-Cookie $ "; B" env=ALWAYS\n');
    expect(model.ops.map((o) => o.condition?.value)).toEqual(['unknown', true]);
  });

  it('combines <If> sections with env clauses; <Else> after a true <If> is false', () => {
    const model = modelOf('<If "true">\n  Header edit Set-Cookie $ "; A" env=!NOPE\n</If>\n<Else>\n  Header edit Set-Cookie $ "; B"\n</Else>\n<If "%{HTTPS} == \'on\'">\n  Header edit Set-Cookie $ "; C"\n</If>\n');
    expect(model.ops.map((o) => [o.condition?.text, o.condition?.value])).toEqual([
      ['<If "true"> and env=!NOPE', true],
      ['<Else>', false],
      [`<If "%{HTTPS} == 'on'">`, 'unknown'],
    ]);
  });

  it('merges <If> sections one nesting level at a time (ap_if_walk_sub, checked on 2.4.71)', () => {
    const mark = (tag: string) => `Header edit Set-Cookie $ "; ${tag}"`;
    const text = `<Location /h/x>\n<If "true">\n${mark('Outer')}\n<If "true">\n${mark('Nested')}\n</If>\n</If>\n</Location>\n<Location />\n<If "true">\n${mark('Root')}\n</If>\n</Location>\n`;
    const model = modelOf(`<VirtualHost *:80>\n    ProxyPass /h/ http://app/\n${text}</VirtualHost>\n`);
    expect(run(endpoint(model, '<Location /h/x>'), 'http', ['a=1'])).toEqual(['a=1; Outer; Root; Nested']);
  });
});

describe('ProxyPassReverseCookiePath / Domain (ap_proxy_cookie_reverse_map)', () => {
  const m = (fake: string, real: string) => ({ fake, real, span: { file: 'f', start: 0, end: 0 }, label: '' });

  it('replaces the whole attribute value when it starts with the internal string; first directive wins', () => {
    expect(reverseMapCookie('a=1; Path=/app/x; HttpOnly', [m('/ap', '/first'), m('/app', '/second')], []).value).toBe('a=1; Path=/first; HttpOnly');
    expect(reverseMapCookie('a=1; path=/x', [m('/', '/; HttpOnly')], []).value).toBe('a=1; path=/; HttpOnly');
  });

  it('reads only the last path= / domain= piece, the cookie\'s own name included (httpd 2.4.71)', () => {
    const paths = [m('/app', '/pub')];
    expect(reverseMapCookie('a=1; Path=/app; Path=/other', paths, []).value).toBe('a=1; Path=/app; Path=/other');
    expect(reverseMapCookie('a=1; Path=/other; Path=/app', paths, []).value).toBe('a=1; Path=/other; Path=/pub');
    expect(reverseMapCookie('path=/app; x=1', paths, []).value).toBe('path=/pub; x=1');
    expect(reverseMapCookie('a=1; Domain=example.com; Domain=other.org', [], [m('example.com', 'proxy.org')]).value).toBe('a=1; Domain=example.com; Domain=other.org');
  });

  it('counts entries of an <If> section only where it runs: never for a false one, per outcome for an open one', () => {
    const model = modelOf(`<VirtualHost *:80>\n    ProxyPass /h/ http://app/\n    <If "false">\n        ProxyPassReverseCookiePath / /never\n    </If>\n    <If "%{HTTPS} == 'on'">\n        ProxyPassReverseCookiePath / /tls\n    </If>\n    ProxyPassReverseCookiePath /a /a2\n</VirtualHost>\n`);
    const e = endpoint(model, 'ProxyPass /h/');
    const outcomes = branchesOf(simulate('apache', e.pipeline, { backend: 'http', status: 200 }, ['x=1; Path=/a', 'y=1; Path=/b']));
    expect(outcomes.map((b) => b.lines.map((l) => l.value))).toEqual([
      ['x=1; Path=/a2', 'y=1; Path=/b'],
      ['x=1; Path=/a2', 'y=1; Path=/tls'],
    ]);
  });

  it('compares domains case-insensitively and leaves cookies without the attribute alone', () => {
    expect(reverseMapCookie('a=1; Domain=Example.com; Path=/', [m('/', '/p/')], [m('example', 'proxy.org')]).value).toBe('a=1; Domain=proxy.org; Path=/p/');
    expect(reverseMapCookie('a=1', [m('/', '/p/')], []).value).toBe('a=1');
  });

  it('runs before any Header directive, for proxied cookies only', () => {
    expect(proxied('ProxyPassReverseCookiePath / "/; HttpOnly"\nHeader edit Set-Cookie "HttpOnly" "X"', ['a=1; Path=/'])).toEqual(['a=1; Path=/; X']);
    expect(proxied('ProxyPassReverseCookiePath / "/; HttpOnly"', ['a=1; Path=/'], 'cgi')).toEqual(['a=1; Path=/']);
  });
});
