/**
 * Unreachable locations against the real nginx: every location of a case answers its own name
 * (`return 200 "<n>"`), probe paths are sent, and
 * - the location nginx answers from is the one the linter's search picks (src/dialects/nginx/
 *   locations.ts `findLocation`), for every probe;
 * - no probe is ever answered by a location src/dialects/nginx/reachability.ts proves
 *   unreachable, while every other location answers some probe (the proofs are not vacuous);
 * - a request line whose path does not start with "/" is refused with 400.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findLocation, parseLocation, type LocationNode } from '../../src/dialects/nginx/locations.js';
import { unreachableReason } from '../../src/dialects/nginx/reachability.js';
import type { Word } from '../../src/dialects/nginx/syntax.js';
import { describeRealServer } from '../helpers/skips.js';
import { freePort, httpBoilerplate, makePrefix, nginxVersion, removePrefixes, startNginx, writeFiles, type RunningNginx } from '../servers/nginx.js';

interface Case {
  readonly name: string;
  /** `location` arguments, in order. */
  readonly locations: readonly string[];
  /** Which of them the linter must prove unreachable (indexes). */
  readonly unreachable: readonly number[];
}

const CASES: readonly Case[] = [
  { name: 'no-slash', locations: ['/', '~ ^api/', '~* ^Static', 'api/', '= login', '*.php', '~ ^/api/'], unreachable: [1, 2, 3, 4, 5] },
  { name: 'catch-all-first', locations: ['/', '~ \\.php$', '~ /', '~* \\.js$', '~ \\.php$', '= /login', '^~ /static/'], unreachable: [0, 3, 4] },
  { name: 'same-regex', locations: ['/', '~* \\.php$', '~ \\.php$', '~ \\.PHP$'], unreachable: [2, 3] },
  { name: 'same-regex-wider-later', locations: ['/', '~ \\.php$', '~* \\.php$'], unreachable: [] },
  { name: 'caret-tilde-root', locations: ['^~ /', '^~ /static/', '= /x.php', '~ \\.php$', '~* \\.css$'], unreachable: [3, 4] },
  { name: 'caret-tilde-root-with-plain', locations: ['^~ /', '/app/', '~ \\.php$'], unreachable: [] },
  { name: 'caret-tilde-not-root', locations: ['^~ /static/', '~ \\.php$', '= /'], unreachable: [] },
];

const PROBES = [
  '/', '/x.php', '/X.PHP', '/a.php', '/app/a.php', '/static/a.php', '/static/a.css', '/a.css', '/a.js', '/A.JS', '/api/', '/api/x', '/apix',
  '/login', '/Static/x', '/index.html', '/app/', '/x/y/z.php', '/%61pi/', '/a.PHP',
];

/** The arguments as nginx reads them (none of these needs quotes or unescaping). */
function words(args: string): Word[] {
  return args.split(' ').map((value) => {
    const span = { file: '/t.conf', start: 0, end: value.length };
    return { span, inner: span, raw: value, value, quote: null };
  });
}

function levelOf(c: Case): LocationNode<number>[] {
  return c.locations.map((args, i) => {
    const parsed = parseLocation(words(args));
    if (!parsed.ok) throw new Error(`${args}: ${parsed.message}`);
    return { info: parsed.info, children: [], value: i };
  });
}

/** The body nginx answers for a raw request line (status and body). */
function rawGet(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function rawLine(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => s.end(`${line}\r\nHost: no-slash.test\r\n\r\n`));
    let out = '';
    s.on('data', (d: Buffer) => (out += d.toString('latin1')));
    s.on('end', () => resolve(out.split('\r\n')[0] ?? ''));
    s.on('error', reject);
  });
}

const version = nginxVersion();
describeRealServer('unreachable locations under the real nginx', version.ok ? null : version.reason, () => {
  let server: RunningNginx | undefined;
  let port = 0;

  beforeAll(async () => {
    const prefix = makePrefix();
    port = await freePort();
    const servers = CASES.map((c) =>
      [
        'server {',
        `    listen 127.0.0.1:${port};`,
        `    server_name ${c.name}.test;`,
        ...c.locations.map((args, i) => `    location ${args} { return 200 "${i}"; }`),
        '}',
      ].join('\n'),
    );
    writeFiles(prefix, { 'nginx.conf': `events {}\nhttp {\n${httpBoilerplate(prefix)}\n${servers.join('\n')}\n}\n` });
    server = await startNginx(prefix, port);
  });

  afterAll(async () => {
    await server?.stop();
    removePrefixes();
  });

  for (const c of CASES) {
    it(`case ${c.name}: nginx answers from the location the search picks, never from one proven unreachable`, async () => {
      const level = levelOf(c);
      expect(level.flatMap((n, i) => (unreachableReason(level, n) ? [i] : []))).toEqual(c.unreachable);
      const answered = new Set<number>();
      const wrong: string[] = [];
      for (const probe of PROBES) {
        const res = await rawGet(port, probe, `${c.name}.test`);
        const picked = findLocation(level, decodeURIComponent(probe))?.value;
        const got = res.status === 200 ? Number(res.body) : undefined;
        if (got !== picked) wrong.push(`${probe}: nginx ${got ?? res.status}, linter ${picked}`);
        if (got !== undefined) answered.add(got);
      }
      expect(wrong).toEqual([]);
      for (const i of c.unreachable) expect(answered.has(i), `location ${c.locations[i]} answered`).toBe(false);
      const reachable = c.locations.map((_, i) => i).filter((i) => !c.unreachable.includes(i));
      expect(reachable.filter((i) => !answered.has(i)), 'reachable locations no probe reached').toEqual([]);
    });
  }

  it('refuses a request line whose path does not start with "/"', async () => {
    expect(await rawLine(port, 'GET api/x HTTP/1.0')).toBe('HTTP/1.1 400 Bad Request');
    expect(await rawLine(port, 'GET %61pi/x HTTP/1.0')).toBe('HTTP/1.1 400 Bad Request');
    expect(await rawLine(port, 'GET /api/x HTTP/1.0')).toBe('HTTP/1.1 200 OK');
  });
});
