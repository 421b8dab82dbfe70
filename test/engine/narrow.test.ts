/**
 * Narrowed proofs (src/engine/narrow.ts): a fix is proven on the file with every `server` block
 * or `<VirtualHost>` it does not touch blanked out. Metamorphic: every report — findings, proven
 * fixes and the reasons a fix was refused — is the same as with proofs on the whole file, over
 * generated files that mix offending, correct and unrelated blocks, and over every fixture; and
 * blanking is refused where the blanked blocks feed the kept ones (an nginx backend elsewhere, an
 * Apache `Define` or `<Macro>` in another virtual host).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../rules/index.js';
import { createCatalog } from '../../src/cookies/catalog.js';
import { apacheDialect } from '../../src/dialects/apache/index.js';
import { DEFAULT_NGINX_VERSION, type DialectModule } from '../../src/dialects/dialect.js';
import { nginxDialect } from '../../src/dialects/nginx/index.js';
import { lintModel, type LintMessage, type LintSettings } from '../../src/engine/lint.js';
import { blankOut, createNarrowing } from '../../src/engine/narrow.js';
import type { TextEdit } from '../../src/source.js';
import { listFixtures } from '../harness/fixtures.js';
import { memoryIO } from '../harness/memory-io.js';

const SETTINGS: LintSettings = { rules: RULES, catalog: createCatalog(), options: { nginxVersion: DEFAULT_NGINX_VERSION }, wantFixes: true };

/** The same dialect without units: every proof runs on the whole file. */
function whole(dialect: DialectModule): DialectModule {
  return {
    ...dialect,
    build: (root, io, options) => {
      const { model, fixers } = dialect.build(root, io, options);
      return { model, fixers };
    },
  };
}

const visible = (s: string) => s.replace(/\s/g, '').length;

/** Builds of a blanked file so far: the generated files must exercise narrowing, not only fall back. */
let narrowedBuilds = 0;

function counting(dialect: DialectModule, path: string, text: string): DialectModule {
  return {
    ...dialect,
    build: (root, io, options) => {
      const read = io.read(path);
      if (!('error' in read) && read.text.length === text.length && visible(read.text) < visible(text)) narrowedBuilds++;
      return dialect.build(root, io, options);
    },
  };
}

function report(dialect: DialectModule, path: string, text: string): LintMessage[] {
  const io = memoryIO({ [path]: text });
  const d = counting(dialect, path, text);
  return lintModel(d.build(path, io, SETTINGS.options), d, io, SETTINGS);
}

function expectSameReport(dialect: DialectModule, path: string, text: string): LintMessage[] {
  const narrowed = report(dialect, path, text);
  expect(narrowed).toEqual(report(whole(dialect), path, text));
  return narrowed;
}

const NGINX = '/etc/nginx/nginx.conf';
const APACHE = '/etc/apache2/apache2.conf';

/** One nginx server of a kind; `i` keeps names and ports apart. */
function nginxServer(kind: number, i: number): string {
  const head = `    server {\n        listen ${8000 + i};\n        server_name app${i}.example.com;\n`;
  const pass = `            proxy_pass http://127.0.0.1:${9000 + i};\n`;
  const bodies = [
    `        location / {\n${pass}            proxy_cookie_flags ~ httponly secure;\n        }\n`,
    `        proxy_cookie_path / "/; HTTPOnly; Secure";\n        location / {\n${pass}        }\n`,
    `        location / {\n${pass}            proxy_cookie_flags ~^(?!(atl\\.xsrf\\.token|XSRF-TOKEN|csrftoken)$) httponly;\n        }\n`,
    `        location /static/ {\n            root /var/www;\n        }\n`,
    `        location / {\n${pass}            proxy_cookie_flags JSESSIONID httponly;\n        }\n        location /api/ {\n${pass}            proxy_cookie_flags ~ httponly;\n        }\n`,
    `        if ($arg_x) {\n            set $f httponly;\n        }\n        location / {\n${pass}            proxy_cookie_flags ~ $f;\n        }\n`,
    `        location / {\n${pass}            add_header Set-Cookie "csrftoken=$upstream_cookie_csrftoken; Path=/; HttpOnly";\n        }\n`,
  ];
  return `${head}${bodies[kind % bodies.length]}    }\n`;
}

function nginxFile(kinds: readonly number[], httpLevel: boolean): string {
  return ['events {}', 'http {', ...(httpLevel ? ['    proxy_cookie_flags ~ secure;'] : []), ...kinds.map(nginxServer), '}', ''].join('\n');
}

function apacheVhost(kind: number, i: number): string {
  const head = `<VirtualHost *:80>\n    ServerName app${i}.example.com\n    ProxyPass / http://127.0.0.1:${9000 + i}/\n`;
  const bodies = [
    '    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n',
    '    Header edit Set-Cookie "^((?!atl\\.xsrf\\.token|XSRF-TOKEN|csrftoken)[^=]+=.*)$" "$1; HttpOnly"\n',
    '    Header edit Set-Cookie "^(JSESSIONID=.*)$" "$1; HttpOnly"\n',
    '    <Location /api/>\n        Header always edit Set-Cookie ^(.*)$ "$1; HttpOnly; Secure"\n    </Location>\n',
    '    SetEnvIf Request_URI ^/secure/ FLAGS=HttpOnly\n    Header edit Set-Cookie ^(.*)$ "$1; %{FLAGS}e"\n',
    '    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly" env=!NO_HTTPONLY\n    <Location /jira/>\n        SetEnv NO_HTTPONLY 1\n    </Location>\n',
    '    Header set X-Frame-Options DENY\n',
  ];
  return `${head}${bodies[kind % bodies.length]}</VirtualHost>\n`;
}

function apacheFile(kinds: readonly number[], mainLevel: boolean): string {
  return [
    'LoadModule headers_module /usr/lib/apache2/modules/mod_headers.so',
    ...(mainLevel ? ['Header always edit Set-Cookie ^(JSESSIONID=.*)$ "$1; Secure"'] : []),
    ...kinds.map(apacheVhost),
    '',
  ].join('\n');
}

describe('blankOut', () => {
  it('keeps length, line breaks and the text outside the spans', () => {
    const text = 'a {\r\n  b c;\n}\nd é;\n';
    const out = blankOut(text, [{ file: 'f', start: 0, end: 13 }]);
    expect(out).toHaveLength(text.length);
    expect(out).toBe('   \r\n      \n \nd é;\n');
    // Characters past Latin-1 (the other way of blanking) and a surrogate pair: one space per code unit.
    const wide = 'x → 😀\ny;\n';
    expect(blankOut(wide, [{ file: 'f', start: 0, end: 6 }])).toBe('      \ny;\n');
  });

  it('equals blanking character by character, on any text and spans', () => {
    const char = fc.constantFrom('a', ' ', '\n', '\r', ';', 'é', '→', '{');
    const oneByOne = (text: string, spans: readonly { start: number; end: number }[]) => {
      const out = [...text.split('')];
      for (const s of spans) for (let i = s.start; i < s.end; i++) if (out[i] !== '\n' && out[i] !== '\r') out[i] = ' ';
      return out.join('');
    };
    fc.assert(
      fc.property(fc.array(char, { maxLength: 60 }), fc.array(fc.nat(60), { maxLength: 8 }), (chars, cuts) => {
        const text = chars.join('');
        const points = [...new Set(cuts.map((c) => Math.min(c, text.length)))].sort((a, b) => a - b);
        const spans = [];
        for (let i = 0; i + 1 < points.length; i += 2) spans.push({ file: 'f', start: points[i]!, end: points[i + 1]! });
        expect(blankOut(text, spans)).toBe(oneByOne(text, spans));
      }),
      { numRuns: 300 },
    );
  });
});

describe('narrowed proofs give the same report as proofs on the whole file', () => {
  it('nginx: generated files of offending, correct and unrelated servers', () => {
    narrowedBuilds = 0;
    fc.assert(
      fc.property(fc.array(fc.nat(20), { minLength: 2, maxLength: 7 }), fc.boolean(), (kinds, httpLevel) => {
        expectSameReport(nginxDialect, NGINX, nginxFile(kinds, httpLevel));
      }),
      { numRuns: 40 },
    );
    expect(narrowedBuilds).toBeGreaterThan(10);
  });

  it('Apache: generated files of offending, correct and unrelated virtual hosts', () => {
    narrowedBuilds = 0;
    fc.assert(
      fc.property(fc.array(fc.nat(20), { minLength: 2, maxLength: 7 }), fc.boolean(), (kinds, mainLevel) => {
        expectSameReport(apacheDialect, APACHE, apacheFile(kinds, mainLevel));
      }),
      { numRuns: 40 },
    );
    expect(narrowedBuilds).toBeGreaterThan(10);
  });

  it('every nginx and Apache fixture', () => {
    let compared = 0;
    for (const f of listFixtures()) {
      const dialect = f.dialect === 'nginx' ? nginxDialect : f.dialect === 'apache' ? apacheDialect : undefined;
      if (!dialect) continue;
      expectSameReport(dialect, f.path, readFileSync(f.path, 'latin1'));
      compared++;
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('a file with many offending servers still gets every fix proven', () => {
    const kinds = Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? 0 : 3));
    const messages = expectSameReport(nginxDialect, NGINX, nginxFile(kinds, false));
    const findings = messages.filter((m) => m.ruleId === 'xsrf-cookie-httponly');
    expect(findings).toHaveLength(4);
    expect(findings.every((m) => m.fix !== undefined)).toBe(true);
  });
});

/** The edit a fix of the first offending directive would make: enough to ask for a narrowing. */
function editAt(text: string, path: string, needle: string): TextEdit {
  const start = text.indexOf(needle);
  expect(start).toBeGreaterThan(-1);
  return { file: path, start, end: start + needle.length, text: needle };
}

function narrowing(dialect: DialectModule, path: string, text: string) {
  const io = memoryIO({ [path]: text });
  const narrow = createNarrowing(dialect.build(path, io, SETTINGS.options), dialect, io, SETTINGS.options);
  expect(narrow).toBeDefined();
  return (edits: readonly TextEdit[]) => narrow!.scope(edits);
}

describe('when blanking is refused', () => {
  it('keeps the edited server and blanks the others', () => {
    const text = nginxFile([0, 3, 3, 3], false);
    const scope = narrowing(nginxDialect, NGINX, text)([editAt(text, NGINX, '~ httponly secure')]);
    expect(scope).toBeDefined();
    expect(scope!.before.endpoints.map((e) => e.label)).toEqual(['server app0.example.com:8000 › location /']);
  });

  it('apache: narrows a file that starts with a <VirtualHost> (the main server, at offset 0, is not in it)', () => {
    const text = [2, 0, 2, 2].map(apacheVhost).join('\n');
    const scope = narrowing(apacheDialect, APACHE, text)([editAt(text, APACHE, '^(.*)$')]);
    expect(scope).toBeDefined();
    expect(scope!.before.endpoints.map((e) => e.label)).toEqual(['main server', '<VirtualHost *:80> (app1.example.com)']);
  });

  it('builds the blanked configuration once for edits that keep the same units, and anew for others', () => {
    const text = nginxFile([0, 0, 0, 0], false);
    const narrow = narrowing(nginxDialect, NGINX, text);
    const first = narrow([editAt(text, NGINX, '~ httponly secure')]);
    expect(first).toBeDefined();
    // Another edit in the same server (a second batch, the joint proof): the same blanked model.
    const inSame = editAt(text, NGINX, '~ httponly secure');
    expect(narrow([{ ...inSame, start: inSame.start + 1, end: inSame.start + 1 }])).toBe(first);
    const other = narrow([editAt(text, NGINX, 'listen 8001')]);
    expect(other).toBeDefined();
    expect(other).not.toBe(first);
    expect(other!.units).not.toEqual(first!.units);
  });

  it('nginx: a kept server without a backend, when only blanked servers proxy (it would be assumed to proxy)', () => {
    const noPass = '    server {\n        listen 8100;\n        location / {\n            proxy_cookie_flags ~ httponly;\n        }\n    }\n';
    const text = ['http {', noPass, nginxServer(3, 1), nginxServer(2, 2), nginxServer(3, 3), '}', ''].join('\n');
    const narrow = narrowing(nginxDialect, NGINX, text);
    expect(narrow([editAt(text, NGINX, '~ httponly;')])).toBeUndefined();
    expectSameReport(nginxDialect, NGINX, text);
  });

  it('Apache: a Define in a blanked virtual host that a kept one reads', () => {
    const definer = '<VirtualHost *:80>\n    ServerName a.example.com\n    Define HARDEN\n</VirtualHost>\n';
    const reader = '<VirtualHost *:80>\n    ServerName b.example.com\n    ProxyPass / http://127.0.0.1:9000/\n    <IfDefine HARDEN>\n        Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n    </IfDefine>\n    Header edit Set-Cookie ^(.*)$ "$1; Secure"\n</VirtualHost>\n';
    const text = [definer, reader, apacheVhost(6, 3), apacheVhost(6, 4)].join('');
    const narrow = narrowing(apacheDialect, APACHE, text);
    expect(narrow([editAt(text, APACHE, '"$1; Secure"')])).toBeUndefined();
    expectSameReport(apacheDialect, APACHE, text);
  });

  it('Apache: a Macro defined in a blanked virtual host and used in a kept one', () => {
    const definer = '<VirtualHost *:80>\n    ServerName a.example.com\n    <Macro Harden>\n        Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n    </Macro>\n</VirtualHost>\n';
    const user = '<VirtualHost *:80>\n    ServerName b.example.com\n    ProxyPass / http://127.0.0.1:9000/\n    Use Harden\n    Header edit Set-Cookie ^(.*)$ "$1; Secure"\n</VirtualHost>\n';
    const text = [definer, user, apacheVhost(6, 3), apacheVhost(6, 4)].join('');
    const narrow = narrowing(apacheDialect, APACHE, text);
    expect(narrow([editAt(text, APACHE, '"$1; Secure"')])).toBeUndefined();
    expectSameReport(apacheDialect, APACHE, text);
  });

  it('edits outside every unit, or in most units, prove on the whole file', () => {
    const text = nginxFile([0, 0, 0, 3], true);
    const narrow = narrowing(nginxDialect, NGINX, text);
    expect(narrow([editAt(text, NGINX, '~ secure;')])).toBeUndefined();
    const all = [...text.matchAll(/~ httponly secure/g)].map((m) => ({ file: NGINX, start: m.index!, end: m.index! + 17, text: 'x' }));
    expect(all).toHaveLength(3);
    expect(narrow(all)).toBeUndefined();
    expect(narrow(all.slice(0, 1))).toBeDefined();
  });
});
