/**
 * mod_php on the real Apache: the simulator's `module` backend against what httpd sends when PHP
 * itself sets the cookies. Every construct below is served in a virtual host of its own, once per
 * way `.php` files reach mod_php (`<FilesMatch> SetHandler`, Debian's php8.2.conf, `AddHandler`,
 * `AddType`), and requested through `lpc.php` (the cookies of the query string, sent with
 * `header()`) and `app.php` (`session_start()`, `setcookie()`), answering 200, 404, 302 and 500.
 *
 * For each request the Set-Cookie lines must equal the simulation of the endpoint that stands for
 * it; for each virtual host, xsrf-cookie-httponly must report exactly when a CSRF cookie reached
 * the browser with an HttpOnly it did not have, apache-always-edit-misses-proxy exactly when its
 * `Header always edit` changed nothing, and the `--fix` output, served again, must stop adding
 * HttpOnly to CSRF cookies and deliver every other cookie as before.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_XSRF_COOKIES } from '../../src/cookies/catalog.js';
import { apacheDialect } from '../../src/dialects/apache/index.js';
import { DEFAULT_NGINX_VERSION } from '../../src/dialects/dialect.js';
import type { Endpoint } from '../../src/model/header-rewrite.js';
import { canonicalCookie, cookieName, hasHttpOnly } from '../../src/model/set-cookie.js';
import { branchesOf, simulate } from '../../src/model/simulate.js';
import { createNodeIO } from '../../src/run/node-io.js';
import { run } from '../../src/run/run.js';
import { APP_COOKIES } from '../servers/backend-php.js';
import { cookieQuery, freePort } from '../servers/backend.js';
import { apacheBinary, fetchFromHost, makeRoot, phpModule, servedModules, startApache, startBackends, type ApacheServer, type Backends } from '../servers/apache.js';
import { fillPlaceholders, type Mounts } from '../servers/apache-vhosts.js';
import { describeRealServer } from '../helpers/skips.js';
import { branchesFor } from './branches.js';
import { STANDARD_COOKIES } from './real-server-cases.js';

const XSRF = new Set(DEFAULT_XSRF_COOKIES.map((c) => c.name));
const STATUSES = [200, 404, 302, 500] as const;
const SCRIPTS = ['lpc.php', 'app.php'] as const;
type Script = (typeof SCRIPTS)[number];

/** How `.php` files reach mod_php; `section`: the label of the section that sets the handler. */
interface Handler {
  readonly name: string;
  readonly text: string;
  readonly section: string | null;
}

const HANDLERS: readonly Handler[] = [
  { name: 'filesmatch', text: '<FilesMatch \\.php$>\n    SetHandler application/x-httpd-php\n</FilesMatch>', section: '<FilesMatch \\.php$>' },
  // Debian's /etc/apache2/mods-available/php8.2.conf
  { name: 'debian', text: '<FilesMatch ".+\\.ph(?:ar|p|tml)$">\n    SetHandler application/x-httpd-php\n</FilesMatch>', section: '<FilesMatch ".+\\.ph(?:ar|p|tml)$">' },
  { name: 'addhandler', text: 'AddHandler application/x-httpd-php .php', section: null },
  { name: 'addtype', text: 'AddType application/x-httpd-php .php', section: null },
];

/**
 * A construct: directives of the virtual host (`@PHPDIR@` is the document root), the directory
 * its scripts are requested from, and which endpoint stands for a request: with a handler section,
 * that section reached `via` the path's mapping; without one, the endpoint of the path itself;
 * `files` names the endpoint of a `<Files>` section for the scripts it selects.
 */
interface Construct {
  readonly name: string;
  readonly body: string;
  readonly dir?: string;
  readonly via?: string;
  readonly files?: Partial<Record<Script, string>>;
}

const EDIT = 'Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"';
const ALWAYS = 'Header always edit Set-Cookie ^(.*)$ "$1; HttpOnly"';
const section = (open: string, close: string, inner: string) => `${open}\n    ${inner.replaceAll('\n', '\n    ')}\n${close}`;

const CONSTRUCTS: readonly Construct[] = [
  { name: 'edit', body: EDIT },
  { name: 'edit-unquoted', body: 'Header edit Set-Cookie ^(.*)$ $1;HttpOnly;Secure' },
  { name: 'always-edit', body: ALWAYS },
  { name: 'onsuccess-edit', body: 'Header onsuccess edit Set-Cookie ^(.*)$ "$1; HttpOnly"' },
  { name: 'both-tables', body: `${EDIT}\nHeader always edit Set-Cookie ^(.*)$ "$1; Always"` },
  { name: 'edit-star', body: 'Header edit* Set-Cookie "(?i)(; *path=[^;]*)" "$1; HttpOnly"' },
  { name: 'always-edit-star', body: 'Header always edit* Set-Cookie "(?i)(; *path=[^;]*)" "$1; HttpOnly"' },
  { name: 'early-edit', body: `${EDIT} early` },
  { name: 'set', body: 'Header set Set-Cookie "fixed=1; Path=/; HttpOnly"' },
  { name: 'always-set', body: 'Header always set Set-Cookie "fixed=2; Path=/"' },
  { name: 'unset-add', body: 'Header unset Set-Cookie\nHeader add Set-Cookie "readded=1; HttpOnly"' },
  { name: 'unset-edit', body: `Header unset Set-Cookie\n${EDIT}` },
  { name: 'always-unset-edit', body: `Header always unset Set-Cookie\n${EDIT}` },
  { name: 'exclusion', body: 'Header edit Set-Cookie "^(?!(?:atl\\.xsrf\\.token|XSRF-TOKEN|csrftoken|sc)=)(.*)$" "$1; HttpOnly"' },
  { name: 'session-only', body: 'Header edit Set-Cookie "^((?:PHPSESSID|JSESSIONID)=.*)$" "$1; HttpOnly"' },
  { name: 'status-200-only', body: `${EDIT} "expr=%{REQUEST_STATUS} == 200"` },
  { name: 'location', body: section('<Location /sub/>', '</Location>', EDIT), dir: '/sub/', via: '<Location /sub/>' },
  { name: 'location-always', body: section('<Location /sub/>', '</Location>', ALWAYS), dir: '/sub/', via: '<Location /sub/>' },
  { name: 'alias-location', body: `Alias /php/ @PHPDIR@/\n${section('<Location /php/>', '</Location>', EDIT)}`, dir: '/php/', via: 'Alias /php/' },
  { name: 'directory', body: section('<Directory @PHPDIR@>', '</Directory>', EDIT) },
  { name: 'directory-sub', body: section('<Directory @PHPDIR@/sub>', '</Directory>', EDIT), dir: '/sub/', via: '<Directory @PHPDIR@/sub>' },
  { name: 'files', body: section('<Files app.php>', '</Files>', EDIT), files: { 'app.php': '<Files app.php>' } },
  { name: 'files-wildcard', body: section('<Files *.php>', '</Files>', EDIT), files: { 'lpc.php': '<Files *.php>', 'app.php': '<Files *.php>' } },
];

interface Case {
  readonly host: string;
  readonly handler: Handler;
  readonly construct: Construct;
}

const CASES: readonly Case[] = HANDLERS.flatMap((handler) => CONSTRUCTS.map((construct) => ({ host: `${handler.name}-${construct.name}.test`, handler, construct })));

function vhost(host: string, body: string, m: Mounts): string {
  const indented = fillPlaceholders(body, m).split('\n').map((l) => `    ${l}`).join('\n');
  return `<VirtualHost 127.0.0.1:${m.port}>\n    ServerName ${host}\n    DocumentRoot ${m.backends.phpDir}\n${indented}\n</VirtualHost>\n`;
}

const bodyOf = (c: Case, dropAlways = false) => {
  const body = dropAlways ? c.construct.body.split('\n').filter((l) => !/^\s*Header\s+always\s+edit/i.test(l)).join('\n') : c.construct.body;
  return `${c.handler.text}\n${body}`;
};

const hasAlwaysEdit = (c: Case) => /^\s*Header\s+always\s+edit/im.test(c.construct.body);

const php = phpModule();
const missing = apacheBinary() === null ? 'apache2 is not installed' : php === null ? 'mod_php is not installed (libapache2-mod-php)' : null;
/** The models of the served files are built with the modules the server loads. */
const MODULES = missing === null ? servedModules({ php: true }) : [];

describeRealServer('real Apache httpd with mod_php', missing, () => {
  let root = '';
  let port = 0;
  let backends: Backends | undefined;
  let server: ApacheServer | undefined;
  let mounts: Mounts | undefined;
  const files = new Map<string, string>();
  const fixed = new Map<string, string>();

  const caseFile = (name: string) => join(root, 'cases', `${name}.conf`);

  beforeAll(async () => {
    root = makeRoot('lpc-apache-php-');
    port = await freePort();
    backends = await startBackends(root);
    mounts = { port, backends };
    mkdirSync(join(root, 'cases'));
    writeFileSync(caseFile('control'), vhost('control.test', HANDLERS[0]!.text, mounts));
    for (const c of CASES) {
      const file = caseFile(c.host);
      writeFileSync(file, vhost(c.host, bodyOf(c), mounts));
      files.set(c.host, file);
      if (hasAlwaysEdit(c)) writeFileSync(caseFile(`bare-${c.host}`), vhost(`bare-${c.host}`, bodyOf(c, true), mounts));
    }
    // The --fix output of each case, served under its own name.
    const outcome = await run({ cwd: root, paths: [...files.values()], type: 'apache', apacheModules: MODULES, fixDryRun: true });
    for (const r of outcome.results) {
      if (r.output === undefined) continue;
      const host = [...files].find(([, f]) => f === r.filePath)![0];
      fixed.set(host, r.output);
      writeFileSync(caseFile(`fixed-${host}`), r.output.replace(`ServerName ${host}`, `ServerName fixed-${host}`));
    }
    server = await startApache(root, port, 'Include cases/*.conf', { php: true });
  });

  afterAll(async () => {
    await server?.stop();
    await backends?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const cookiesOf = (script: Script) => (script === 'lpc.php' ? STANDARD_COOKIES : APP_COOKIES);

  const fetchLines = async (host: string, dir: string, script: Script, status: number): Promise<readonly string[] | 'crash'> => {
    const query = script === 'lpc.php' ? `${cookieQuery(STANDARD_COOKIES)}&status=${status}` : `status=${status}`;
    const res = await fetchFromHost(port, host, `${dir}${script}?${query}`);
    if ('crashed' in res) return 'crash';
    expect(res.status, `${host} ${dir}${script}`).toBe(status);
    return res.setCookies;
  };

  /** The endpoint that stands for a request of `script` in `c`. */
  const endpointFor = (endpoints: readonly Endpoint[], c: Case, script: Script): Endpoint => {
    const dir = c.construct.dir ?? '/';
    const files = c.construct.files?.[script];
    const inHost = endpoints.filter((e) => e.label.includes(`(${c.host})`));
    let found: Endpoint[];
    if (files !== undefined) found = inHost.filter((e) => e.label.endsWith(`› ${files}`));
    else if (c.handler.section === null) found = inHost.filter((e) => e.requestPath === dir);
    else {
      const via = c.construct.via === undefined ? '' : ` via ${fillPlaceholders(c.construct.via, mounts!)}`;
      found = inHost.filter((e) => e.label.endsWith(`› ${c.handler.section}${via}`));
    }
    if (found.length !== 1) throw new Error(`${found.length} endpoints for ${dir}${script}: ${inHost.map((e) => `${e.label} [${e.possibleBackends.join(', ')}]`).join(' | ')}`);
    return found[0]!;
  };

  const predict = (e: Endpoint, path: string, status: number, cookies: readonly string[]) => {
    const result = simulate('apache', e.pipeline, { backend: 'module', status }, cookies);
    const all = branchesOf(result);
    return branchesFor(result, path).map((i) => (all[i]!.crash ? 'crash' : all[i]!.lines.map((l) => l.value)));
  };

  it('mod_php sends what the scripts set (the harness itself)', async () => {
    for (const status of STATUSES) {
      expect(await fetchLines('control.test', '/', 'lpc.php', status)).toEqual(STANDARD_COOKIES);
      expect(await fetchLines('control.test', '/', 'app.php', status)).toEqual(APP_COOKIES);
      expect(await fetchLines('control.test', '/sub/', 'app.php', status)).toEqual(APP_COOKIES);
    }
  });

  /** Whether a CSRF cookie came out HttpOnly where the script had not made it so. */
  const gainsHttpOnly = (sent: readonly string[], lines: readonly string[] | 'crash') =>
    lines !== 'crash' && lines.some((l) => XSRF.has(cookieName(l)) && hasHttpOnly(l) && !sent.some((s) => cookieName(s) === cookieName(l) && hasHttpOnly(s)));

  for (const c of CASES) {
    it(`${c.handler.name} × ${c.construct.name}: the simulator and the rules agree with Apache`, async () => {
      const file = files.get(c.host)!;
      const model = apacheDialect.buildModel(file, createNodeIO(root), { nginxVersion: DEFAULT_NGINX_VERSION, apacheModules: MODULES });
      expect(model.problems).toEqual([]);
      const dir = c.construct.dir ?? '/';
      const mismatches: string[] = [];
      const responses = new Map<string, readonly string[] | 'crash'>();
      let gained = false;
      for (const script of SCRIPTS) {
        const e = endpointFor(model.endpoints, c, script);
        expect(e.possibleBackends, e.label).toContain('module');
        for (const status of STATUSES) {
          const actual = await fetchLines(c.host, dir, script, status);
          responses.set(`${script} ${status}`, actual);
          gained ||= gainsHttpOnly(cookiesOf(script), actual);
          const expected = predict(e, `${dir}${script}`, status, cookiesOf(script));
          if (!expected.some((x) => JSON.stringify(x) === JSON.stringify(actual))) {
            mismatches.push(`${e.label} GET ${dir}${script} (${status})\n  predicted ${expected.map((x) => JSON.stringify(x)).join('\n         or ')}\n  apache    ${JSON.stringify(actual)}`);
          }
        }
      }
      expect(mismatches).toEqual([]);

      const outcome = await run({ cwd: root, paths: [file], type: 'apache', apacheModules: MODULES, wantFixes: false });
      const rules = outcome.results.flatMap((r) => r.messages.map((m) => m.ruleId));
      expect(rules.includes('xsrf-cookie-httponly'), `xsrf-cookie-httponly reported: ${JSON.stringify(rules)}; a CSRF cookie gained HttpOnly: ${gained}`).toBe(gained);

      if (hasAlwaysEdit(c)) {
        let changed = false;
        for (const script of SCRIPTS) {
          for (const status of STATUSES) {
            const bare = await fetchLines(`bare-${c.host}`, dir, script, status);
            changed ||= JSON.stringify(bare) !== JSON.stringify(responses.get(`${script} ${status}`));
          }
        }
        expect(rules.includes('apache-always-edit-misses-proxy'), `apache-always-edit-misses-proxy reported: ${JSON.stringify(rules)}; Header always edit changed a cookie: ${changed}`).toBe(!changed);
      }

      const output = fixed.get(c.host);
      expect(output !== undefined, 'the fix changed the file').toBe(gained);
      if (output === undefined) return;
      const problems: string[] = [];
      for (const script of SCRIPTS) {
        for (const status of STATUSES) {
          const before = responses.get(`${script} ${status}`)!;
          const after = await fetchLines(`fixed-${c.host}`, dir, script, status);
          const where = `GET ${dir}${script} (${status})`;
          if (before === 'crash' || after === 'crash') {
            if (before !== after) problems.push(`${where}: crash ${before === 'crash'} → ${after === 'crash'}`);
            continue;
          }
          if (gainsHttpOnly(cookiesOf(script), after)) problems.push(`${where}: a CSRF cookie is still HttpOnly: ${JSON.stringify(after)}`);
          // CSRF cookies lose HttpOnly only; every other cookie comes out exactly as before.
          const others = (lines: readonly string[]) => lines.filter((l) => !XSRF.has(cookieName(l)));
          const stripped = (lines: readonly string[]) => lines.map((l) => canonicalCookie(l, ['httponly']));
          if (JSON.stringify(others(before)) !== JSON.stringify(others(after)) || JSON.stringify(stripped(before)) !== JSON.stringify(stripped(after))) {
            problems.push(`${where}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
          }
        }
      }
      expect(problems, readFileSync(file, 'utf8')).toEqual([]);
    });
  }
});
