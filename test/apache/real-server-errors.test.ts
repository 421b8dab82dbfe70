/**
 * What httpd refuses at startup, and what it accepts, checked with `apache2 -t`: for each
 * snippet the model reports a problem (syntax error or directive-invalid) exactly when httpd
 * refuses, in httpd's own words. Lexer rules that decide acceptance (continuations, comments,
 * quotes, inactive sections) are verified here on the real server.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { apacheDialect } from '../../src/dialects/apache/index.js';
import { createNodeIO } from '../../src/run/node-io.js';
import { SERVED_MODULES, apacheBinary, checkConfig, makeRoot } from '../servers/apache.js';
import { OPTIONS } from './helpers.js';
import { describeRealServer } from '../helpers/skips.js';

const available = apacheBinary() !== null;

/** [snippet, the message httpd prints, or null when it accepts the configuration]. */
const CASES: readonly [string, string | null][] = [
  ['<Location /a>\n<Location /b>\n</Location>\n</Location>', '<Location not allowed in <Location> context'],
  ['<Location /a>\n<Directory /b>\n</Directory>\n</Location>', '<Directory not allowed in <Location> context'],
  ['<Location /a>\n<VirtualHost *:81>\n</VirtualHost>\n</Location>', '<VirtualHost not allowed in <Location> context'],
  ['<Location /a>\n<Files x>\n</Files>\n</Location>', '<Files> cannot occur within <Location> section'],
  ['<VirtualHost *:80>\n<VirtualHost *:81>\n</VirtualHost>\n</VirtualHost>', '<VirtualHost> cannot occur within <VirtualHost> section'],
  ['<If "true">\n<Location /b>\n</Location>\n</If>', '<Location not allowed in <If> context'],
  ['<Limit POST>\nHeader set X y\n</Limit>', '<Limit not allowed here'],
  ['<If "%{REQUEST_URI} =~ /^\\/api\\//">\n</If>', 'Cannot parse condition clause: Failed to compile regular expression'],
  ['<If "true">\n</If>\n<ElseIf "%{REQUEST_URI} !~ m#(#">\n</ElseIf>', 'Cannot parse condition clause: Failed to compile regular expression'],
  ['Header set X y "expr=%{REQUEST_URI} =~ /^\\/api/"', "Can't parse envclause/expression: Failed to compile regular expression"],
  ['<If "%{REQUEST_URI} =~ m#^/api/# || %{QUERY_STRING} =~ /a\\.b/">\nHeader set X y "expr=%{REQUEST_URI} !~ m#\\.js$#"\n</If>', null],
  ['<VirtualHost *:80>\n<LimitExcept GET>\n</LimitExcept>\n</VirtualHost>', '<LimitExcept not allowed in <VirtualHost> context'],
  // ap_expr (expr-check.ts): variables, functions and operators httpd does not know, and its grammar.
  ['<If "%{HTTP_X_FORWARDED_FOR} =~ /^10\\./">\n</If>', "Cannot parse condition clause: Variable 'HTTP_X_FORWARDED_FOR' does not exist"],
  ['<If "%{HTTP:X-Forwarded-For} =~ /^10\\./ || %{req:Host} == \'a\' || %{HTTP_HOST} == \'b\'">\n</If>', null],
  ['<If "true">\n</If>\n<ElseIf "%{SERVER_ADDR} == \'10.0.0.1\'">\n</ElseIf>', "Cannot parse condition clause: Variable 'SERVER_ADDR' does not exist"],
  ['<If "%{request_uri} == \'/a\' && %{Remote_Addr} == \'::1\' && %{TIME_HOUR} -gt 12">\n</If>', null],
  ['<If "nosuch(%{REQUEST_URI}) == \'a\'">\n</If>', "Cannot parse condition clause: Function 'nosuch' does not exist"],
  ['<If "TOLOWER(%{REQUEST_URI}) == \'/a\' && md5(req(\'Host\')) != \'x\' && %{tolower:%{REQUEST_URI}} == \'/a\'">\n</If>', null],
  ['<If "%{REQUEST_URI} in tolower(\'a\')">\n</If>', "Cannot parse condition clause: List-returning function 'tolower' does not exist"],
  ['<If "tolower(\'a\', \'b\') == \'a\'">\n</If>', 'Cannot parse condition clause: syntax error'],
  ['<If "tolower() == \'a\'">\n</If>', 'Cannot parse condition clause: syntax error'],
  ['<If "-l \'/x\'">\n</If>', "Cannot parse condition clause: Unary operator '-l' does not exist"],
  ['<If "-f %{REQUEST_FILENAME} && !-d %{REQUEST_FILENAME} && -n %{QUERY_STRING}">\n</If>', null],
  ['<If "%{REQUEST_URI} -foo \'a\'">\n</If>', "Cannot parse condition clause: Binary operator '-foo' does not exist"],
  ['<If "%{REQUEST_URI} -STRMATCH \'/a*\' || %{REQUEST_URI} -fnmatch \'*.js\'">\n</If>', null],
  ['<If "%{REQUEST_URI} -EQ 1">\n</If>', "Cannot parse condition clause: Binary operator '-EQ' does not exist"],
  ['<If "%{REMOTE_ADDR} -ipmatch \'10.0.0.0/33\'">\n</If>', 'Cannot parse condition clause: parsing of subnet/netmask failed'],
  ['<If "-R %{QUERY_STRING}">\n</If>', 'Cannot parse condition clause: -R requires subnet/netmask as constant argument'],
  ['<If "-R \'10.1\' || %{REMOTE_ADDR} -ipmatch \'192.168.0.0/255.255.0.0\'">\n</If>', null],
  ['<If "%{REQUEST_URI} == \'/a">\n</If>', 'Cannot parse condition clause: Unterminated string or variable'],
  ['<If "%{REQUEST_URI} == \'/a\\\\9\'">\n</If>', 'Cannot parse condition clause: Bad escape sequence'],
  ['<If "%{REQUEST_URI} == \'/a\\\\101\\\\q\' && %{REQUEST_URI} == \\"/b\\"">\n</If>', null],
  ['<If "%{REQUEST_URI} == \'/a\' & true">\n</If>', 'Cannot parse condition clause: syntax error'],
  ['<If "%{REQUEST_URI} == \'/a\' and not %{QUERY_STRING} = \'\' or false">\n</If>', null],
  ['<If "%{REQUEST_URI} <> \'/a\'">\n</If>', 'Cannot parse condition clause: syntax error'],
  ['<If "%{REQUEST_URI} =~ m{^/a}">\n</If>', 'Cannot parse condition clause: syntax error'],
  ['<If "%{REQUEST_URI} =~ m#^/a#i && %{REQUEST_URI} !~ m!^/b! && %{QUERY_STRING} =~ m,x,">\n</If>', null],
  ['<If "%{REQUEST_URI} =~ m#^/a#x">\n</If>', 'Cannot parse condition clause: syntax error'],
  ['<If "%{REQUEST_METHOD} in {\'GET\' \'HEAD\'}">\n</If>', 'Cannot parse condition clause: syntax error'],
  ['<If "%{REQUEST_METHOD} in {\'GET\', \'HEAD\'} || %{REQUEST_METHOD} -in {\'POST\'}">\n</If>', null],
  ['<If "%{ REQUEST_URI} == \'/a\'">\n</If>', 'Cannot parse condition clause: syntax error'],
  ['<If "%{HTTP:a\'b} == \'a\'">\n</If>', 'flex scanner jammed'],
  ['<If "%{X} == \'a\' && %{Y} == \'b\'">\n</If>', "Cannot parse condition clause: Variable 'Y' does not exist"],
  ['<If "%{X} =~ /(/">\n</If>', "Cannot parse condition clause: Failed to compile regular expression: Variable 'X' does not exist"],
  ['<If "True">\n</If>', 'Cannot parse condition clause: syntax error'],
  // The expression is the first word: unquoted, `%{REQUEST_URI}` alone; another word is refused.
  ["<If %{REQUEST_URI} == 1>\n</If>", 'Cannot parse condition clause: syntax error'],
  ['<If true>\n</If>\n<ElseIf "false" x>\n</ElseIf>', 'Multiple <ElseIf> arguments not supported.'],
  [`<If '%{REQUEST_URI} == "/a"'>\n</If>`, null],
  ['<If "%{H2_PUSH} == \'on\'">\n</If>', "Cannot parse condition clause: Variable 'H2_PUSH' does not exist"],
  ['<If "%{REQUEST_URI} =~ /(/ & true">\n</If>', 'Cannot parse condition clause: Failed to compile regular expression'],
  ['Header set X y "expr=%{HTTP_X_FORWARDED_FOR} == \'a\'"', "Can't parse envclause/expression: Variable 'HTTP_X_FORWARDED_FOR' does not exist"],
  ['Header set X y "expr=%{REQUEST_URI} -strmatch \'/a*\' && -R \'127.0.0.1\'"', null],
  ['Header set X y "expr=-R \'bad\'"', "Can't parse envclause/expression: parsing of subnet/netmask failed"],
  // A value `expr=…` is a string expression: text, %{…} and $N, no operators.
  ['Header set X "expr=%{HTTP_X_FORWARDED_FOR}"', "Can't parse value expression : Variable 'HTTP_X_FORWARDED_FOR' does not exist"],
  ['Header always edit Set-Cookie ^(.*)$ "expr=%{REQUEST_URI}; %{nosuch:x}"', "Can't parse value expression : Function 'nosuch' does not exist"],
  ['Header set X "expr=abc\\\\9"', "Can't parse value expression : Bad escape sequence"],
  ['Header set X "expr=%{REQUEST_URI"', "Can't parse value expression : syntax error"],
  ['Header set X "expr=%{REQUEST_URI} == \'1\' && $1 %{tolower:%{HTTP:X}}"\nHeader set Y "expr="\nRequestHeader set Z "expr=%{REMOTE_ADDR}"', null],
  // httpd doubles a backslash when it prints the expression: none in this one.
  ['SetEnvIfExpr "%{HTTP_X_FORWARDED_FOR} =~ /^10[.]/" LPC_INTERNAL', 'Could not parse expression "%{HTTP_X_FORWARDED_FOR} =~ /^10[.]/": Variable \'HTTP_X_FORWARDED_FOR\' does not exist'],
  ['SetEnvIfExpr "%{HTTP:X-Forwarded-For} =~ /^10\\./ && tolower(%{REQUEST_URI}) -strmatch \'/a*\'" LPC_INTERNAL', null],
  ['SetEnvIfExpr "%{REQUEST_URI} =~ /(/" LPC_X', 'Could not parse expression "%{REQUEST_URI} =~ /(/": Failed to compile regular expression'],
  ['RewriteCond expr "%{HTTP_X_FORWARDED_FOR} == \'a\'"\nRewriteRule ^ - [E=LPC_X:1]', 'RewriteCond: cannot compile expression "%{HTTP_X_FORWARDED_FOR} == \'a\'" Variable \'HTTP_X_FORWARDED_FOR\' does not exist'],
  ['RewriteCond expr "%{HTTP:X-Forwarded-For} == \'a\'"\nRewriteCond %{HTTP_X_FORWARDED_FOR} ^10\nRewriteRule ^ - [E=LPC_X:1]', null],
  ['<Location /a>\nRequire expr "%{HTTP_X_FORWARDED_FOR} == \'a\'"\n</Location>', "Cannot parse expression in require line: Variable 'HTTP_X_FORWARDED_FOR' does not exist"],
  ["<Location /a>\nRequire expr %{REMOTE_ADDR} -ipmatch '10.0.0.0/33'\n</Location>", 'Cannot parse expression in require line: parsing of subnet/netmask failed'],
  ["<Location /a>\n<RequireAll>\nRequire not expr %{SERVER_ADDR} == '10.0.0.1'\n</RequireAll>\n</Location>", "Cannot parse expression in require line: Variable 'SERVER_ADDR' does not exist"],
  ["<Location /a>\n<RequireAny>\nRequire expr %{REMOTE_ADDR} -ipmatch '10.0.0.0/8'\nRequire expr \"%{HTTP:X-Real-IP} == '10.1.1.1' && %{REQUEST_METHOD} in {'GET', 'HEAD'}\"\n</RequireAny>\n</Location>", null],
  ['<Location /a>\n<Limit POST>\nHeader set X y\n</Limit>\n</Location>', null],
  ['<Location /a>\n</Directory>', 'Expected </Location> but saw </Directory>'],
  ['</Location>', '</Location> without matching <Location> section'],
  ['</Location >', '</Location without matching <Location section'],
  ['<Location /a>', '<Location> was not closed.'],
  ['<Location /a\n</Location>', "<Location> directive missing closing '>'"],
  ['<Location /a>\n</Location junk>', "</Location> directive missing closing '>'"],
  ['<Location>\n</Location>', '<Location> directive requires additional arguments'],
  ['<IfModule>\n</IfModule>', '<IfModule> directive requires additional arguments'],
  ['<Location /a>\n<RequireAny>\nRequire all granted\n</RequireAny>\n<RequireAll>\nRequire all granted\n<RequireNone>\nRequire all denied\n</RequireNone>\n</RequireAll>\n</Location>', null],
  ['<Location /a>\n<RequireAny x>\nRequire all granted\n</RequireAny>\n</Location>', "<RequireAny> directive doesn't take additional arguments"],
  ['<IfDefine NOPE>\nHeader bogus\n<Location>\n</Location>\n</IfDefine>', null],
  ['<IfDefine NOPE>\n<Location /a>\n</IfDefine>', 'Expected </Location> but saw </IfDefine>'],
  ['Define a:b 1', "Variable name must not contain ':'"],
  ['Header set X "a"b', 'Unknown parameter: b'],
  ['Header edit Set-Cookie x', 'Header edit requires a match and a substitution'],
  ['Header', "first argument must be 'add', 'set'"],
  ['Header always', "first argument must be 'add', 'set'"],
  ['RequestHeader always set X y', "first argument must be 'add', 'set'"],
  ['Header set X y env=', 'error: missing environment variable name.'],
  ['Header set X y env=!', 'error: missing environment variable name.'],
  ['Header merge Set-Cookie', 'Header requires three arguments'],
  ['Header unset X a b', 'header unset takes two arguments'],
  ['Header echo X a', 'Unknown parameter: a'],
  ['RequestHeader echo X', 'Header echo only valid on Header directives'],
  ['Header set X "%{FOO}"', 'Unrecognized header format %'],
  ['Header set X "50%off"', 'Unrecognized header format %o'],
  ['Header set X "100%"', null],
  ['Header edit Set-Cookie x y z w', 'Header has too many arguments'],
  ['Header edit Set-Cookie ^(.*)$ $1;HttpOnly # comment', 'Header has too many arguments'],
  ['Header edit Set-Cookie ^(.*)$ $1;HttpOnly #comment', 'Unknown parameter: #comment'],
  ['Header edit Set-Cookie "(" x', 'Header edit regex could not be compiled'],
  ['Header edit Set-Cookie "(?<=a+)b" x', 'Header edit regex could not be compiled'],
  ['Header edit Set-Cookie "(?<=ab|c)d" x', null],
  ['# a comment ending in a backslash \\\nHeader bogus', null],
  ['Header set X y \\\nearly', null],
  ['Header set X y \\ \nearly', 'Unknown parameter: \\'],
  ['  Header   ALWAYS   Edit*   set-cookie:   "; *[Ss]ecure"   "; Secure"   ENV=!x', null],
  ['ProxyPassReverseCookiePath /a', 'ProxyPassReverseCookiePath takes two or three arguments'],
  ['ProxyErrorOverride 404', 'ProxyErrorOverride first parameter must be one of: off | on'],
  ['ProxyErrorOverride Off 404', "ProxyErrorOverride: status codes must follow a value of 'on'"],
  ['ProxyErrorOverride On 302', 'ProxyErrorOverride: status codes to intercept must be valid HTTP Status Codes >=400 && <600'],
  ['ProxyErrorOverride on abc', 'ProxyErrorOverride: status codes to intercept must be numeric'],
  ['ProxyErrorOverride', 'ProxyErrorOverride requires at least one argument'],
  ['ProxyErrorOverride ON 404 500x\nProxyErrorOverride 502\n<Location /a>\nProxyErrorOverride Off\n</Location>', null],
  ['ProxyErrorOverride On\n<Location /a>\nProxyErrorOverride 404\n</Location>', 'ProxyErrorOverride first parameter must be one of: off | on'],
  ['ProxyPassInterpolateEnv maybe', 'ProxyPassInterpolateEnv must be On or Off'],
  ['ProxyPassInterpolateEnv', 'ProxyPassInterpolateEnv must be On or Off'],
  ['ProxyPassInterpolateEnv ON Off', null],
  ['RegexDefaultOptions +ICASE -DOTALL none DOLLAR_ENDONLY', null],
  ['RegexDefaultOptions +EXTENDED', "RegexDefaultOptions: option 'EXTENDED' unknown"],
  ['<VirtualHost *:80>\nRegexDefaultOptions ICASE\n</VirtualHost>', 'RegexDefaultOptions cannot occur within <VirtualHost> section'],
];

describeRealServer('what apache2 -t refuses', available ? null : 'apache2 is not installed', () => {
  const root = available ? makeRoot('lpc-apache-t-') : '';
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const includes: [string, string | null][] = [
    ['Include /nonexistent-lpc/x.conf', 'Could not open configuration file /nonexistent-lpc/x.conf: No such file or directory'],
    [`Include ${root}/nomatch-*.conf`, `No matches for the wildcard 'nomatch-*.conf' in '${root}', failing`],
    ['Include /nonexistent-lpc/*.conf', 'Could not open directory /nonexistent-lpc: No such file or directory'],
    [`IncludeOptional ${root}/nomatch-*.conf\nIncludeOptional /nonexistent-lpc/*.conf\nIncludeOptional /nonexistent-lpc/x.conf`, null],
  ];

  [...CASES, ...includes].forEach(([snippet, expected], i) => {
    it(`${JSON.stringify(snippet)} → ${expected ?? 'accepted'}`, () => {
      const file = join(root, `case-${i}.conf`);
      writeFileSync(file, `${snippet}\n`);
      const httpd = checkConfig(root, `Include "${file}"`);
      const model = apacheDialect.buildModel(file, createNodeIO(root), { ...OPTIONS, apacheModules: SERVED_MODULES });
      const reported = model.problems.map((p) => /^Apache refuses to start: "([^"]+)"/.exec(p.message)?.[1] ?? p.message);
      if (expected === null) {
        expect(httpd.output).toContain('Syntax OK');
        expect(reported).toEqual([]);
        return;
      }
      expect(httpd.ok, httpd.output).toBe(false);
      expect(httpd.output).toContain(expected);
      expect(reported.some((m) => m.includes(expected) || expected.includes(m)), JSON.stringify(reported)).toBe(true);
    });
  });
});
