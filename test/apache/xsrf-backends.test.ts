/**
 * Which Apache directive reaches the cookies of which backend, read through the XSRF rule's
 * findings: the plain (onsuccess) `Header edit` edits what mod_proxy_http, mod_proxy_ajp,
 * mod_proxy_uwsgi and in-process handlers put in headers_out; `Header always edit` what CGI,
 * mod_proxy_fcgi and mod_proxy_scgi put in err_headers_out (the real Apache agrees:
 * real-server-cases.ts runs every case behind each of these backends, mod-php-real.test.ts behind
 * mod_php). When a directive reaches
 * every backend it can, the message names no backend.
 */
import { describe, expect, it } from 'vitest';
import { RULES } from '../../rules/index.js';
import { createCatalog } from '../../src/cookies/catalog.js';
import { apacheDialect } from '../../src/dialects/apache/index.js';
import { lintModel } from '../../src/engine/lint.js';
import { memoryIO, OPTIONS } from './helpers.js';

const FILE = '/etc/apache2/sites-enabled/site.conf';

const BACKENDS: Record<string, string> = {
  http: 'ProxyPass / http://127.0.0.1:8080/',
  ajp: 'ProxyPass / ajp://127.0.0.1:8009/',
  uwsgi: 'ProxyPass / uwsgi://127.0.0.1:3031/',
  module: '<FilesMatch "\\.php$">\n        SetHandler application/x-httpd-php\n    </FilesMatch>',
  fastcgi: 'ProxyPass / fcgi://127.0.0.1:9000/',
  scgi: 'ProxyPass / scgi://127.0.0.1:4000/',
  cgi: 'ScriptAlias / /usr/lib/cgi-bin/',
};

function xsrfMessages(backend: string, directive: string): string[] {
  const text = `<VirtualHost *:80>\n    ${BACKENDS[backend]}\n    ${directive}\n</VirtualHost>\n`;
  const io = memoryIO({ [FILE]: text });
  const built = apacheDialect.build(FILE, io, OPTIONS);
  expect(built.model.problems).toEqual([]);
  const messages = lintModel(built, apacheDialect, io, { rules: RULES, catalog: createCatalog(), options: OPTIONS, wantFixes: false });
  return messages.filter((m) => m.ruleId === 'xsrf-cookie-httponly').map((m) => m.message);
}

const EDIT = 'Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"';
const ALWAYS = 'Header always edit Set-Cookie ^(.*)$ "$1; HttpOnly"';

describe('which table each backend fills, through xsrf-cookie-httponly', () => {
  for (const backend of ['http', 'ajp', 'uwsgi', 'module']) {
    it(`${backend}: Header edit adds HttpOnly, Header always edit does not`, () => {
      const [m, ...rest] = xsrfMessages(backend, EDIT);
      expect(rest).toEqual([]);
      expect(m).toMatch(/cookies\b[^:]*: scripts cannot read the token/);
      expect(xsrfMessages(backend, ALWAYS)).toEqual([]);
    });
  }
  for (const backend of ['fastcgi', 'scgi', 'cgi']) {
    it(`${backend}: Header always edit adds HttpOnly, Header edit does not`, () => {
      const [m, ...rest] = xsrfMessages(backend, ALWAYS);
      expect(rest).toEqual([]);
      expect(m).toMatch(/cookies\b[^:]*: scripts cannot read the token/);
      expect(xsrfMessages(backend, EDIT)).toEqual([]);
    });
  }
});

describe('directives that differ only in their pattern or their condition get their own verdict', () => {
  function findingsIn(text: string): string[] {
    const io = memoryIO({ [FILE]: text });
    const built = apacheDialect.build(FILE, io, OPTIONS);
    const messages = lintModel(built, apacheDialect, io, { rules: RULES, catalog: createCatalog(), options: OPTIONS, wantFixes: false });
    const source = built.model.files.get(FILE)!.text;
    return messages.filter((m) => m.ruleId === 'xsrf-cookie-httponly').map((m) => source.slice(source.lastIndexOf('\n', m.span.start) + 1, source.indexOf('\n', m.span.start)).trim());
  }
  const vhosts = (a: string, b: string) =>
    `<VirtualHost *:80>\n    ServerName a.test\n    ProxyPass / http://127.0.0.1:8080/\n    ${a}\n</VirtualHost>\n<VirtualHost *:80>\n    ServerName b.test\n    ProxyPass / http://127.0.0.1:8080/\n    ${b}\n</VirtualHost>\n`;

  it('the pattern', () => {
    const blanket = 'Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"';
    const session = 'Header edit Set-Cookie ^(JSESSIONID=.*)$ "$1; HttpOnly"';
    expect(findingsIn(vhosts(session, blanket))).toEqual([blanket]);
    expect(findingsIn(vhosts(blanket, session))).toEqual([blanket]);
  });

  it('the condition', () => {
    const never = 'Header edit Set-Cookie ^(.*)$ "$1; HttpOnly" env=LPC_NEVER_SET';
    const always = 'Header edit Set-Cookie ^(.*)$ "$1; HttpOnly" env=!LPC_NEVER_SET';
    expect(findingsIn(vhosts(never, always))).toEqual([always]);
    expect(findingsIn(vhosts(always, never))).toEqual([always]);
  });

  it('the table', () => {
    const onsuccess = 'Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"';
    const always = 'Header always edit Set-Cookie ^(.*)$ "$1; HttpOnly"';
    expect(findingsIn(vhosts(always, onsuccess))).toEqual([onsuccess]);
    expect(findingsIn(vhosts(onsuccess, always))).toEqual([onsuccess]);
  });
});
