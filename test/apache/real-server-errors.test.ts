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
  ['<Location /a>\n<Limit POST>\nHeader set X y\n</Limit>\n</Location>', null],
  ['<Location /a>\n</Directory>', 'Expected </Location> but saw </Directory>'],
  ['</Location>', '</Location> without matching <Location> section'],
  ['</Location >', '</Location without matching <Location section'],
  ['<Location /a>', '<Location> was not closed.'],
  ['<Location /a\n</Location>', "<Location> directive missing closing '>'"],
  ['<Location /a>\n</Location junk>', "</Location> directive missing closing '>'"],
  ['<Location>\n</Location>', '<Location> directive requires additional arguments'],
  ['<IfModule>\n</IfModule>', '<IfModule> directive requires additional arguments'],
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
