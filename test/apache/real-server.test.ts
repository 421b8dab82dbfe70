/**
 * The real Apache is the oracle: for every case of real-server-cases.ts and every Apache fixture,
 * each endpoint the model finds (with each backend it declares) is requested from a running
 * apache2 and the exact, ordered Set-Cookie lines must equal the simulator's prediction — or the
 * server must crash (empty reply) when the simulator predicts a crash. Fixed fixtures must stop
 * adding HttpOnly to XSRF cookies and deliver everything else exactly as before; invalid
 * directives must make `apache2 -t` fail with the wording the model reports. Fixtures that hand
 * `.php` files to mod_php are served by an Apache with mod_php, and their PHP endpoints requested.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_XSRF_COOKIES } from '../../src/cookies/catalog.js';
import { nonXsrfProbeNames, samplesFor } from '../../src/cookies/samples.js';
import { createCatalog } from '../../src/cookies/catalog.js';
import { apacheDialect } from '../../src/dialects/apache/index.js';
import { DEFAULT_NGINX_VERSION } from '../../src/dialects/dialect.js';
import type { Endpoint, HeaderRewriteModel } from '../../src/model/header-rewrite.js';
import { canonicalCookie, hasHttpOnly } from '../../src/model/set-cookie.js';
import { compileRegex, toByteString } from '../../src/regex/index.js';
import { branchesOf, simulate } from '../../src/model/simulate.js';
import { createNodeIO } from '../../src/run/node-io.js';
import { exemptedCookies } from '../harness/exempt.js';
import { FIXTURES_DIR, listFixtures, type Fixture } from '../harness/fixtures.js';
import { freePort } from '../servers/backend.js';
import { SERVED_MODULES, apacheBinary, checkConfig, fetchFromHost, makeRoot, phpModule, servedModules, startApache, startBackends, type ApacheServer, type Backends } from '../servers/apache.js';
import { caseVhost, fixtureAsVhosts, type Mounts } from '../servers/apache-vhosts.js';
import { cookieQuery } from '../servers/backend.js';
import { branchesFor } from './branches.js';
import { REAL_CASES, STANDARD_COOKIES } from './real-server-cases.js';
import { describeRealServer, skipRealServer } from '../helpers/skips.js';

const available = apacheBinary() !== null;
const phpAvailable = phpModule() !== null;

const RUNNABLE_KINDS = new Set(['http', 'fastcgi', 'ajp', 'scgi', 'uwsgi', 'cgi']);

/**
 * Fixtures that hand `.php` files to mod_php are served by an Apache with mod_php (prefork), where
 * their `module` endpoints are requested too: `lpc.php` (backend-php.ts) answers like the other
 * backends.
 */
const usesPhp = (text: string) => /\bapplication\/x-httpd-php\b/i.test(text);
const PHP_MODULES = phpAvailable ? servedModules({ php: true }) : SERVED_MODULES;
const fixtures = listFixtures().filter((f) => f.dialect === 'apache');
/** Fixtures the test server can start with (directive-invalid/include-unresolved invalid ones make it refuse). */
const EXAMPLES = join(FIXTURES_DIR, 'examples', 'apache');
const examples: Fixture[] = existsSync(EXAMPLES)
  ? readdirSync(EXAMPLES)
      .filter((f) => f.endsWith('.conf'))
      .map((name) => ({ ruleId: 'examples', dialect: 'apache', kind: 'valid', name, path: join(EXAMPLES, name) }))
  : [];
/** Fixtures about what httpd refuses at startup: `apache2 -t` is their oracle. */
const startup = fixtures.filter((f) => f.ruleId === 'directive-invalid');
const runnable = [...fixtures, ...examples].filter((f) => !(f.kind === 'invalid' && (f.ruleId === 'directive-invalid' || f.ruleId === 'include-unresolved')));

type Outcome = readonly string[] | 'crash';

/**
 * Whether a fixture with virtual hosts also has directives outside them (a server-level
 * `Header edit` in front of several hosts). Served next to the other fixtures, such a directive
 * would act in every fixture's hosts: these get an Apache of their own.
 */
function hasServerLevelDirectives(text: string): boolean {
  if (!/^\s*<VirtualHost\b/im.test(text)) return false;
  let depth = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('</')) depth--;
    else if (line.startsWith('<')) depth++;
    else if (depth === 0) return true;
  }
  return false;
}

/** Paths tried, in order, for a regex `<Location>` section (the first one it selects is requested). */
const REGEX_SECTION_PATHS = ['/index.php', '/app/index.php', '/index.php/extra', '/app/', '/'];

/** `<LocationMatch "re">` / `<Location ~ "re">`: a request path the section's regex selects. */
function byLocationRegex(label: string): string | undefined {
  const source = /<(?:LocationMatch|Location ~) "?([^">]+)"?>$/.exec(label)?.[1];
  if (source === undefined) return undefined;
  const compiled = compileRegex(source, { flavor: 'pcre' });
  if (!compiled.ok) return undefined;
  return REGEX_SECTION_PATHS.find((p) => compiled.regex.exec(toByteString(p), 0) !== null);
}

interface Probe {
  readonly endpoint: Endpoint;
  readonly kind: string;
  readonly path: string;
}

/**
 * A file section's endpoint, outside any alias or reached `via <Location /app/>`, `via Alias
 * /app/` or `via <Directory <docroot>/app>` (the served document root is `docroot`): the section's
 * label and the directory its files are requested from.
 */
function fileSection(label: string, docroot: string): { readonly section: string; readonly dir: string } | undefined {
  const m = /^(.*?)(?: via (?:<Location "?([^">]+)"?>|Alias (\S+)|<Directory "?([^">]+)"?>))?$/.exec(label)!;
  const dir = m[2] ?? m[3] ?? (m[4]?.startsWith(`${docroot}/`) ? m[4].slice(docroot.length) : m[4] === undefined ? '/' : undefined);
  return dir === undefined ? undefined : { section: m[1]!.split(' › ').pop()!, dir: dir.endsWith('/') ? dir : `${dir}/` };
}

/** `<FilesMatch "\.php$">` / `<Files "*.php">`: a request for such a file. */
function byExtension(label: string, docroot: string): string | undefined {
  const at = fileSection(label, docroot);
  const ext = at && (/^<FilesMatch "?\\\.(\w+)\$"?>$/.exec(at.section)?.[1] ?? /^<Files "?\*\.(\w+)"?>$/.exec(at.section)?.[1]);
  return ext ? `${at.dir}lpc.${ext}` : undefined;
}

/**
 * A PHP script the file section of a `module` endpoint selects: `<Files "index.php">` is
 * requested as `index.php`, `<FilesMatch ".+\.ph(?:ar|p|tml)$">` as `lpc.php`. The probe puts
 * `lpc.php` under that name.
 */
function phpScriptPath(label: string, docroot: string): string | undefined {
  const at = fileSection(label, docroot);
  if (!at) return undefined;
  const regex = /^<(?:FilesMatch|Files ~) "?([^">]+)"?>$/.exec(at.section)?.[1];
  const glob = regex === undefined ? /^<Files "?([^">]+)"?>$/.exec(at.section)?.[1] : undefined;
  if (glob !== undefined) return `${at.dir}${glob.replaceAll('*', 'lpc')}`;
  if (regex === undefined) return `${at.dir}lpc.php`;
  const compiled = compileRegex(regex, { flavor: 'pcre' });
  const name = compiled.ok ? ['lpc.php', 'index.php'].find((n) => compiled.regex.exec(toByteString(n), 0) !== null) : undefined;
  return name === undefined ? undefined : `${at.dir}${name}`;
}

/** A backend that mod_php runs (`SetHandler`/`AddHandler`/`AddType application/x-httpd-php`). */
const isPhp = (b: { readonly kind: string; readonly target: string }) => b.kind === 'module' && usesPhp(b.target);

function probes(model: HeaderRewriteModel, host: string | null, extra: Readonly<Record<string, string>> = {}, docroot = '', php = false): Probe[] {
  const out: Probe[] = [];
  for (const endpoint of model.endpoints) {
    if (host !== null && !endpoint.label.includes(`(${host})`)) continue;
    if (php && endpoint.backends.some(isPhp)) {
      const script = endpoint.requestPath === undefined ? phpScriptPath(endpoint.label, docroot) : `${endpoint.requestPath}${endpoint.requestPath.endsWith('/') ? '' : '/'}lpc.php`;
      if (script !== undefined) out.push({ endpoint, kind: 'module', path: script });
    }
    const path = endpoint.requestPath ?? Object.entries(extra).find(([label]) => endpoint.label.endsWith(label))?.[1] ?? byExtension(endpoint.label, docroot) ?? byLocationRegex(endpoint.label);
    if (path === undefined) continue;
    for (const kind of new Set(endpoint.backends.map((b) => b.kind))) {
      if (!RUNNABLE_KINDS.has(kind)) continue;
      // A ScriptAlias directory is requested through `lpc`, a script no <Files> section names.
      out.push({ endpoint, kind, path: kind === 'cgi' && path.endsWith('/') ? `${path}lpc` : path });
    }
  }
  return out;
}

/** What Apache may send for the probe's request when the backend answers `status`: the outcomes of the branches consistent with its path. */
function predict(p: Probe, cookies: readonly string[], status = 200): Outcome[] {
  const result = simulate('apache', p.endpoint.pipeline, { backend: p.kind as 'http', status }, cookies);
  const all = branchesOf(result);
  return branchesFor(result, p.path).map((i) => {
    const b = all[i]!;
    return b.crash ? 'crash' : b.lines.map((l) => l.value);
  });
}

describeRealServer('real Apache httpd', available ? null : 'apache2 is not installed', () => {
  let root = '';
  let port = 0;
  let backends: Backends | undefined;
  let server: ApacheServer | undefined;
  const files = new Map<string, { file: string; hosts: string[] }>();
  /** Hosts served by an Apache of their own (fixtures with server-level directives, mod_php), by port. */
  const ownPort = new Map<string, number>();
  /** Hosts served with mod_php, whose PHP endpoints are requested too. */
  const phpHosts = new Set<string>();
  const ownServers: ApacheServer[] = [];

  const fetchOutcome = async (host: string, path: string, cookies: readonly string[], extraQuery = ''): Promise<Outcome> => {
    const res = await fetchFromHost(ownPort.get(host) ?? port, host, `${path}?${cookieQuery(cookies)}${extraQuery}`);
    return 'crashed' in res ? 'crash' : res.setCookies;
  };

  beforeAll(async () => {
    root = makeRoot('lpc-apache-');
    port = await freePort();
    backends = await startBackends(root);
    const mounts: Mounts = { port, backends };
    mkdirSync(join(root, 'cases'));
    REAL_CASES.forEach((c, i) => {
      const file = join(root, 'cases', `${String(i).padStart(3, '0')}-${c.name}.conf`);
      writeFileSync(file, caseVhost(`${c.name}.test`, c.body, mounts, c.mounts !== false));
      files.set(c.name, { file, hosts: [`${c.name}.test`] });
    });
    /** Apaches other than the shared one: one for the mod_php fixtures, one per fixture with server-level directives. */
    const isolated = new Map<string, { dir: string; port: number; php: boolean }>();
    const serverFor = async (key: string, php: boolean) => {
      let own = isolated.get(key);
      if (!own) {
        own = { dir: join(root, key), port: await freePort(), php };
        mkdirSync(join(own.dir, 'cases'), { recursive: true });
        isolated.set(key, own);
      }
      return own;
    };
    const addFixture = async (path: string, key: string) => {
      const source = readFileSync(path, 'utf8');
      const php = phpAvailable && usesPhp(source);
      if (!hasServerLevelDirectives(source) && !php) {
        const { text, hosts } = fixtureAsVhosts(source, key, mounts);
        const file = join(root, 'cases', `${key}.conf`);
        writeFileSync(file, text);
        files.set(path, { file, hosts });
        return;
      }
      const own = await serverFor(hasServerLevelDirectives(source) ? key : 'php-fixtures', php);
      const { text, hosts } = fixtureAsVhosts(source, key, { ...mounts, port: own.port });
      const file = join(own.dir, 'cases', `${key}.conf`);
      writeFileSync(file, text);
      files.set(path, { file, hosts });
      for (const h of hosts) {
        ownPort.set(h, own.port);
        if (php) phpHosts.add(h);
      }
    };
    for (const [i, f] of runnable.entries()) {
      await addFixture(f.path, `f${String(i).padStart(3, '0')}`);
      if (f.fixedPath) await addFixture(f.fixedPath, `f${String(i).padStart(3, '0')}x`);
    }
    server = await startApache(root, port, 'Include cases/*.conf');
    for (const own of isolated.values()) ownServers.push(await startApache(own.dir, own.port, 'Include cases/*.conf', { php: own.php }));
  });

  afterAll(async () => {
    await server?.stop();
    for (const s of ownServers) await s.stop();
    await backends?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  // Served files have their LoadModule lines commented out: the test Apache's modules apply.
  const buildModel = (file: string) =>
    apacheDialect.buildModel(file, createNodeIO(root), { nginxVersion: DEFAULT_NGINX_VERSION, apacheModules: usesPhp(readFileSync(file, 'utf8')) ? PHP_MODULES : SERVED_MODULES });

  /** The probes of a host; a PHP probe's script is put where the served document root maps its path. */
  const probesOf = (model: HeaderRewriteModel, host: string, filterHost: boolean, extra?: Readonly<Record<string, string>>) => {
    const list = probes(model, filterHost ? host : null, extra, backends!.cgiDir, phpHosts.has(host));
    for (const p of list) {
      if (p.kind !== 'module') continue;
      mkdirSync(join(backends!.cgiDir, dirname(p.path)), { recursive: true });
      copyFileSync(join(backends!.phpDir, 'lpc.php'), join(backends!.cgiDir, p.path));
    }
    return list;
  };

  const compare = async (
    model: HeaderRewriteModel,
    host: string,
    filterHost: boolean,
    cookies: readonly string[],
    extra?: Readonly<Record<string, string>>,
    only?: readonly string[],
  ) => {
    const list = probesOf(model, host, filterHost, extra);
    const mismatches: string[] = [];
    for (const p of list) {
      // 2xx/3xx/4xx/5xx responses keep their cookies in the table of a 200 (§1.5): every backend
      // but mod_php (which cannot be asked for a status) answers with each, and the simulation
      // is told which (the FastCGI test backend answers 200 whatever it is asked).
      for (const status of p.kind === 'module' ? [''] : (only ?? ['', '&status=204', '&status=302', '&status=304', '&status=404', '&status=500'])) {
        const expected = predict(p, cookies, p.kind === 'fastcgi' ? 200 : Number(/\d+/.exec(status)?.[0] ?? 200));
        const actual = await fetchOutcome(host, p.path, cookies, status);
        if (process.env.LPC_DEBUG) console.log(host, p.kind, p.path + status, JSON.stringify(actual));
        if (!expected.some((e) => JSON.stringify(e) === JSON.stringify(actual))) {
          mismatches.push(`${p.endpoint.label} [${p.kind}] GET ${p.path}${status}\n  predicted ${expected.map((e) => JSON.stringify(e)).join('\n         or ')}\n  apache    ${JSON.stringify(actual)}`);
        }
      }
    }
    const unused = Object.keys(extra ?? {}).filter((label) => !list.some((p) => p.endpoint.label.endsWith(label)));
    if (unused.length > 0) mismatches.push(`no endpoint for requests ${JSON.stringify(unused)}; endpoints: ${JSON.stringify(model.endpoints.map((e) => e.label))}`);
    return { count: list.length, mismatches };
  };

  for (const c of REAL_CASES) {
    it(`case ${c.name}: the simulator predicts what Apache sends`, async () => {
      const { file, hosts } = files.get(c.name)!;
      const model = buildModel(file);
      expect(model.problems).toEqual([]);
      const { count, mismatches } = await compare(model, hosts[0]!, false, c.cookies ?? STANDARD_COOKIES, c.requests, c.statuses);
      expect(mismatches).toEqual([]);
      expect(count).toBeGreaterThan(0);
    });
  }

  const checkFixture = async (path: string) => {
    const { file, hosts } = files.get(path)!;
    const model = buildModel(file);
    let total = 0;
    for (const host of hosts) {
      const { count, mismatches } = await compare(model, host, true, STANDARD_COOKIES);
      expect(mismatches).toEqual([]);
      total += count;
    }
    return { total, endpoints: model.endpoints.map((e) => `${e.label} [${e.backends.map((b) => b.kind).join(', ') || 'no backend'}]`) };
  };

  for (const f of runnable) {
    it(`fixture ${f.ruleId}/${f.name}: the simulator predicts what Apache sends`, async (ctx) => {
      for (const path of [f.path, ...(f.fixedPath ? [f.fixedPath] : [])]) {
        const { total, endpoints } = await checkFixture(path);
        // Zero requests would pass without comparing anything.
        if (total === 0) skipRealServer(ctx, `${path.slice(FIXTURES_DIR.length)}: no endpoint with a request path and a backend the test servers run (${[...RUNNABLE_KINDS].join(', ')}); endpoints: ${endpoints.join('; ') || 'none'}`);
      }
      if (!phpAvailable && usesPhp(readFileSync(f.path, 'utf8'))) skipRealServer(ctx, 'mod_php is not installed (libapache2-mod-php): the PHP endpoints were not requested');
    });
  }

  const withFix = runnable.filter((f): f is Fixture & { fixedPath: string } => f.kind === 'invalid' && f.fixedPath !== undefined);
  for (const f of withFix) {
    it(`fixture ${f.ruleId}/${f.name}: the fixed config stops HttpOnly on XSRF cookies and changes nothing else`, async () => {
      const original = files.get(f.path)!;
      const fixed = files.get(f.fixedPath)!;
      const suppresses = /lint-proxy-config-disable\S*\s+xsrf-cookie-httponly/.test(readFileSync(f.path, 'utf8'));
      const model = buildModel(original.file);
      const catalog = createCatalog();
      // The fix exempts the cookies of the products behind the scope; other products' CSRF
      // cookies must come out exactly as before, HttpOnly included (also when the backend set it).
      // Per scope: two vhosts of one file may front different products.
      const found = f.ruleId === 'xsrf-cookie-httponly' ? await exemptedCookies(f.path, 'apache') : new Map<string, Set<string>>();
      // The served copy renames its vhosts: a scope whose label is not found is checked with what
      // every scope exempts (must lose HttpOnly) and what none does (must stay exactly as before).
      const scoped = [...found.entries()].filter(([k]) => k !== '*').map(([, v]) => v);
      const groups = (label: string) => {
        const all = found.get('*');
        const known = all && all.size > 0;
        const exempt = !known ? new Set(DEFAULT_XSRF_COOKIES.map((c) => c.name)) : (found.get(label) ?? new Set([...all].filter((n) => scoped.every((v) => v.has(n)))));
        const unexempted = (n: string) => (known && !found.has(label) ? !all.has(n) : !exempt.has(n));
        const xsrf = DEFAULT_XSRF_COOKIES.filter((c) => exempt.has(c.name)).flatMap((c) => samplesFor(c.name));
        const otherNames = [...nonXsrfProbeNames(catalog), ...DEFAULT_XSRF_COOKIES.filter((c) => unexempted(c.name)).map((c) => c.name)];
        return [['xsrf', xsrf], ['other', otherNames.flatMap((n) => samplesFor(n, { withHttpOnly: true }))]] as const;
      };
      const problems: string[] = [];
      let requests = 0;
      // One request per group of samples; these fixtures only edit lines, so lines stay in order.
      const strip = (ls: readonly string[]) => ls.map((l) => canonicalCookie(l, ['httponly']));
      for (let k = 0; k < original.hosts.length; k++) {
        for (const p of probesOf(model, original.hosts[k]!, true)) {
          for (const [group, samples] of groups(p.endpoint.label)) {
            const before = await fetchOutcome(original.hosts[k]!, p.path, samples);
            const after = await fetchOutcome(fixed.hosts[k]!, p.path, samples);
            requests++;
            const where = `${p.endpoint.label} [${p.kind}] ${group}`;
            if (before === 'crash' || after === 'crash') {
              if (before !== after) problems.push(`${where}: crash ${before === 'crash'} → ${after === 'crash'}`);
              continue;
            }
            if (group === 'other') {
              if (JSON.stringify(before) !== JSON.stringify(after)) problems.push(`${where}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
              continue;
            }
            after.forEach((line, i) => {
              // A directive the fixture suppresses inline is the user's choice and stays: HttpOnly it
              // already added before the fix may remain (the fix answers for the reported one only).
              const kept = suppresses && hasHttpOnly(before[i] ?? '');
              if (hasHttpOnly(line) && !hasHttpOnly(samples[i] ?? '') && !kept) problems.push(`${where}: still HttpOnly: ${line}`);
            });
            if (JSON.stringify(strip(before)) !== JSON.stringify(strip(after))) problems.push(`${where}: other attributes changed ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
          }
        }
      }
      expect(problems).toEqual([]);
      expect(requests).toBeGreaterThan(0);
    });
  }

  for (const f of startup) {
    it(`fixture ${f.ruleId}/${f.name}: apache2 -t ${f.kind === 'valid' ? 'accepts it' : 'refuses it with the reported wording'}`, () => {
      const model = buildModel(f.path);
      const reported = model.problems.filter((p) => p.kind === 'refused').map((p) => /"([^"]+)"/.exec(p.message)?.[1] ?? p.message);
      const result = checkConfig(root, `Include "${f.path}"`);
      if (f.kind === 'valid') {
        expect(reported).toEqual([]);
        expect(result.output).toContain('Syntax OK');
        return;
      }
      expect(reported.length).toBeGreaterThan(0);
      expect(result.ok).toBe(false);
      expect(reported.some((m) => result.output.includes(m)), result.output).toBe(true);
    });
  }
});
